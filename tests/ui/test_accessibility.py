#!/usr/bin/python3
# test_accessibility.py: `pepamo --demo` driven as a screen reader sees it:
# unlock (a wrong passphrase first), the route lists the day's visits, lock
# again; on every screen each button, toggle and entry has a name. The same
# for the dispatch desk and its request form, with a dispatcher's store.
# Needs a display and a D-Bus session (.ci/run provides both).
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

import pyatspi

APP = os.environ["PEPAMO_APP"]
CLI = os.environ["PEPAMO_CLI"]
NAMED_ROLES = {pyatspi.ROLE_PUSH_BUTTON, pyatspi.ROLE_TOGGLE_BUTTON, pyatspi.ROLE_CHECK_BOX,
               pyatspi.ROLE_RADIO_BUTTON, pyatspi.ROLE_ENTRY, pyatspi.ROLE_PASSWORD_TEXT,
               pyatspi.ROLE_SPIN_BUTTON, pyatspi.ROLE_COMBO_BOX, pyatspi.ROLE_SLIDER}


def walk(node, depth=0):
    if node is None or depth > 60:
        return
    yield node
    for i in range(node.childCount):
        yield from walk(node.getChildAtIndex(i), depth + 1)


def poll(what, predicate, seconds=30.0):
    """Polls the accessibility bus (it has no change signal we can wait on
    without a main loop), bounded in time."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {seconds} s")


class AppTestCase(unittest.TestCase):
    """The app on the accessibility bus, started with ARGS."""
    ARGS = ["--demo"]

    @classmethod
    def setUpClass(cls):
        env = dict(os.environ, GTK_A11Y="atspi", NO_AT_BRIDGE="0")
        cls.proc = subprocess.Popen([APP, *cls.ARGS], env=env)

        def find_app():
            desktop = pyatspi.Registry.getDesktop(0)
            for i in range(desktop.childCount):
                app = desktop.getChildAtIndex(i)
                if app is not None and app.name in ("pepamo", "PePaMo"):
                    return app
            return None

        cls.app = poll("pepamo on the accessibility bus", find_app)

    @classmethod
    def tearDownClass(cls):
        cls.proc.terminate()
        cls.proc.wait(timeout=30)

    def find(self, role, name):
        for node in walk(self.app):
            if node.getRole() == role and node.name == name:
                return node
        return None

    def visit_rows(self):
        for node in walk(self.app):
            if node.getRole() == pyatspi.ROLE_LIST and "route" in (node.name or ""):
                items = [c for c in walk(node) if c.getRole() == pyatspi.ROLE_LIST_ITEM]
                return items if len(items) >= 5 else None
        return None

    def unnamed_controls(self):
        return [f"{node.getRoleName()} under {node.parent.getRoleName() if node.parent else '?'}"
                for node in walk(self.app)
                if node.getRole() in NAMED_ROLES and not (node.name or "").strip()]

    def showing_text(self, fragment):
        for node in walk(self.app):
            if node.getRole() in (pyatspi.ROLE_LABEL, pyatspi.ROLE_ALERT) and fragment in (node.name or "") \
               and node.getState().contains(pyatspi.STATE_VISIBLE):
                return node
        return None

    def unlock_with(self, passphrase):
        entry = poll("the passphrase entry", lambda: self.find(pyatspi.ROLE_TEXT, "Passphrase")
                     or self.find(pyatspi.ROLE_PASSWORD_TEXT, "Passphrase"))
        entry.queryEditableText().setTextContents(passphrase)
        button = self.find(pyatspi.ROLE_PUSH_BUTTON, "Unlock")
        self.assertIsNotNone(button)
        button.queryAction().doAction(0)


class AccessibilityTest(AppTestCase):
    def test_unlock_route_lock(self):
        poll("the unlock page", lambda: self.find(pyatspi.ROLE_PUSH_BUTTON, "Unlock"))
        self.assertEqual(self.unnamed_controls(), [], "unlock page: controls without a name")

        self.unlock_with("wrong guess")
        poll("the refusal", lambda: self.showing_text("passphrase is wrong"))
        self.assertIsNone(self.visit_rows())

        self.unlock_with("demo")
        rows = poll("the day's route", self.visit_rows)
        self.assertGreaterEqual(len(rows), 5)
        self.assertEqual(self.unnamed_controls(), [], "route: controls without a name")

        self.find(pyatspi.ROLE_PUSH_BUTTON, "Lock").queryAction().doAction(0)
        poll("the route to disappear", lambda: not self.visit_rows())


class DispatchAccessibilityTest(AppTestCase):
    """A store whose only key slot is a dispatcher's, with the demo week."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="pepamo-a11y-dispatch-")
        env = dict(os.environ, PEPAMO_PASSPHRASE="demo")
        for args in (["init", "--staff", "Petra Probe", "--department", "dispatch"], ["demo"]):
            subprocess.run([CLI, "--data-dir", cls.dir, *args], env=env, check=True, timeout=120,
                           stdin=subprocess.DEVNULL, capture_output=True)
        cls.ARGS = ["--data-dir", cls.dir, "--lock-after", "0"]
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.dir)

    def test_desk_and_request_form(self):
        poll("the unlock page", lambda: self.find(pyatspi.ROLE_PUSH_BUTTON, "Unlock"))
        self.unlock_with("demo")
        poll("the dispatch desk", lambda: self.find(pyatspi.ROLE_PUSH_BUTTON, "Optimise the ticked days"))
        poll("the week's board", lambda: self.showing_text("Not planned ("))
        self.assertEqual(self.unnamed_controls(), [], "dispatch desk: controls without a name")

        # The button's own label follows its accessible name.
        button = next(n for n in walk(self.app) if n.getRole() == pyatspi.ROLE_PUSH_BUTTON
                      and (n.name or "").startswith("New visit request"))
        button.queryAction().doAction(0)
        poll("the request form", lambda: self.find(pyatspi.ROLE_PUSH_BUTTON, "Save request"))
        self.assertEqual(self.unnamed_controls(), [], "request form: controls without a name")


if __name__ == "__main__":
    unittest.main(verbosity=2)
