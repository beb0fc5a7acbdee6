#!/usr/bin/python3
# test_revoked.py: the app on a laptop the city's server has revoked: at its
# first sync after unlocking it deletes its store and says why, in place of
# the route. Real pepamo-server on 127.0.0.1, the store set up with
# pepamo-cli. Needs a display and a D-Bus session (.ci/run provides both).
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import select
import shutil
import subprocess
import tempfile
import unittest

import pyatspi

from test_accessibility import poll, walk

APP = os.environ["PEPAMO_APP"]
CLI = os.environ["PEPAMO_CLI"]
SERVER = os.environ["PEPAMO_SERVER"]
PASSPHRASE = "correct horse battery"


class RevokedTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="pepamo-revoked-")
        self.server_data = os.path.join(self.dir, "server")
        self.store = os.path.join(self.dir, "laptop")
        self.log = open(os.path.join(self.dir, "server.log"), "w")
        self.server = subprocess.Popen([SERVER, "--data-dir", self.server_data, "--listen", "127.0.0.1:0"],
                                       stdout=subprocess.PIPE, stderr=self.log, text=True)
        ready, _, _ = select.select([self.server.stdout], [], [], 15)
        line = self.server.stdout.readline() if ready else ""
        self.assertTrue(line.startswith("Listening on http://127.0.0.1:"), line)
        self.url = line[len("Listening on "):].strip()
        self.app = None

    def tearDown(self):
        if self.app:
            self.app.terminate()
            self.app.wait(timeout=30)
        self.server.terminate()
        self.server.wait(timeout=10)
        self.server.stdout.close()
        self.log.close()
        shutil.rmtree(self.dir)

    def run_tool(self, *args):
        r = subprocess.run(list(args), capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
                           env=dict(os.environ, PEPAMO_PASSPHRASE=PASSPHRASE))
        self.assertEqual(r.returncode, 0, f"{args}: {r.stdout}{r.stderr}")
        return r.stdout

    def find_app(self):
        desktop = pyatspi.Registry.getDesktop(0)
        for i in range(desktop.childCount):
            app = desktop.getChildAtIndex(i)
            if app is not None and app.name in ("pepamo", "PePaMo") and app.get_process_id() == self.app.pid:
                return app
        return None

    def showing(self, root, fragment):
        for node in walk(root):
            if fragment in (node.name or "") and node.getState().contains(pyatspi.STATE_VISIBLE):
                return node
        return None

    def test_revoked_laptop_deletes_its_store(self):
        token = self.run_tool(SERVER, "--data-dir", self.server_data, "admin", "enrol", "--role", "field",
                              "--city", "halle", "--van", "d0000000-0000-4000-8000-000000000100").splitlines()[-1]
        self.run_tool(CLI, "--data-dir", self.store, "init", "--staff", "Frieda Feld", "--department", "soziales")
        self.run_tool(CLI, "--data-dir", self.store, "enrol", "--server", self.url, "--token", token)
        device_id = self.run_tool(SERVER, "--data-dir", self.server_data, "admin", "devices").split("\t")[0]
        self.run_tool(SERVER, "--data-dir", self.server_data, "admin", "revoke", device_id)

        self.app = subprocess.Popen([APP, "--data-dir", self.store],
                                    env=dict(os.environ, GTK_A11Y="atspi", NO_AT_BRIDGE="0"))
        app = poll("pepamo on the accessibility bus", self.find_app)
        entry = poll("the passphrase entry", lambda: next(
            (n for n in walk(app) if n.getRole() in (pyatspi.ROLE_TEXT, pyatspi.ROLE_PASSWORD_TEXT)
             and n.name == "Passphrase"), None))
        entry.queryEditableText().setTextContents(PASSPHRASE)
        button = next(n for n in walk(app) if n.getRole() == pyatspi.ROLE_PUSH_BUTTON and n.name == "Unlock")
        button.queryAction().doAction(0)

        poll("the message that the device was withdrawn", lambda: self.showing(app, "Device Was Withdrawn"))
        self.assertIsNotNone(self.showing(app, "give the laptop back"))
        self.assertEqual([f for f in os.listdir(self.store) if f.startswith("pepamo.db")], [])


if __name__ == "__main__":
    unittest.main()
