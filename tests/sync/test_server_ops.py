#!/usr/bin/python3
# test_server_ops.py: operating the real pepamo-server: backups taken while
# it takes writes and restored into a fresh data dir, and the refusals that
# keep a data dir intact (bad backups, wrong key, a running server); schema
# upgrades from every older version with data, and the refusal of a newer
# schema; systemctl reload (SIGHUP) re-reading the configuration file.
# Argument: the pm-make-old-server-store program.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import hashlib
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest

from pm_server import DEMO_VAN, ServerClient, citizen, enrol_args, entry, run_server, start_server, stop_server

with open(os.path.join(os.environ["PEPAMO_SOURCE_ROOT"], "core", "store", "pm-store.h")) as header:
    SCHEMA_VERSION = int(re.search(r"#define PM_STORE_SCHEMA_VERSION (\d+)", header.read()).group(1))
MAKE_OLD_STORE = None  # set from the command line

# A family name no other test data uses: found in no backup byte.
CANARY = "Backupkanarienvogel"
BACKUPS = 4
WRITER_SECONDS = 60


def snapshot(directory):
    """Every file in a directory with its SHA-256: what "untouched" means."""
    if not os.path.isdir(directory):
        return None
    files = {}
    for name in sorted(os.listdir(directory)):
        with open(os.path.join(directory, name), "rb") as f:
            files[name] = hashlib.sha256(f.read()).hexdigest()
    return files


class Writer(threading.Thread):
    """Pushes one new citizen per request until stopped; remembers when each
    one was acknowledged."""

    def __init__(self, client, token):
        super().__init__(daemon=True)
        self.client = client
        self.token = token
        self.acknowledged = []  # (monotonic time of the answer, record id)
        self.failure = None
        self.stopping = threading.Event()

    def run(self):
        deadline = time.monotonic() + WRITER_SECONDS
        try:
            while not self.stopping.is_set() and time.monotonic() < deadline:
                person = dict(citizen(), family_name=CANARY)
                status, answer = self.client.push(self.token, [entry("citizen", person, "add_citizen")])
                if status != 200 or answer["results"][0]["outcome"] != "applied":
                    raise AssertionError("push failed: %d %r" % (status, answer))
                self.acknowledged.append((time.monotonic(), person["id"]))
        except Exception as e:  # reported by the test's thread
            self.failure = e


class BackupTest(ServerClient, unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="pepamo-server-ops-")
        self.data = os.path.join(self.dir, "data")
        self.key = self.data + ".key"
        self.log = open(os.path.join(self.dir, "server.log"), "w")
        self.server = None
        # The store and its key, as the first start makes them.
        self.assertEqual(run_server("--data-dir", self.data, "admin", "devices").returncode, 0)

    def tearDown(self):
        if self.server is not None:
            stop_server(self.server)
        self.log.close()
        with open(self.log.name) as log:
            text = log.read()
        shutil.rmtree(self.dir)
        self.assertNotIn("CRITICAL", text)

    def start(self, data, *args):
        self.server, self.port = start_server("--data-dir", data, *args, log=self.log)

    def stop(self):
        stop_server(self.server)
        self.server = None

    def admin(self, data, *args, code=0):
        r = run_server("--data-dir", data, "--key-file", self.key, "admin", *args)
        self.assertEqual(r.returncode, code, r.stderr)
        if code:
            self.assertTrue(r.stderr.startswith("pepamo-server: admin"), r.stderr)
            self.assertEqual(len(r.stderr.splitlines()), 1, r.stderr)
        return r

    def exported_citizens(self, data):
        return {c["id"] for c in json.loads(self.admin(data, "export").stdout)["citizens"]}

    def test_backup_while_writing_then_restore(self):
        self.start(self.data)
        token = self.admin(self.data, "enrol", "--role", "dispatch", "--city", "halle").stdout.splitlines()[-1]
        backup = os.path.join(self.dir, "server.backup")
        writer = Writer(self, token)
        writer.start()
        pushed_meanwhile = 0
        try:
            # Backups while the server takes pushes; the last one counts.
            # A backup can be over between two pushes, so pushes are asked
            # for during any of them: a backup that held pushes up would
            # show none during all four.
            for _ in range(BACKUPS):
                while len(writer.acknowledged) < 200 and writer.is_alive():
                    time.sleep(0.01)
                count_before = len(writer.acknowledged)
                started = time.monotonic()
                self.admin(self.data, "backup", backup)
                finished = time.monotonic()
                pushed_meanwhile += len(writer.acknowledged) - count_before
            self.assertGreater(pushed_meanwhile, 0, "no push while any backup ran")
        finally:
            writer.stopping.set()
            writer.join(timeout=20)
        self.assertIsNone(writer.failure)
        self.assertFalse(os.path.exists(backup + ".partial"))
        before = {i for t, i in writer.acknowledged if t < started}
        after = {i for t, i in writer.acknowledged if t > finished}
        self.assertGreater(len(before), 20)
        self.stop()

        # Never plaintext: neither the records nor SQLite's own header.
        with open(backup, "rb") as f:
            raw = f.read()
        self.assertNotIn(CANARY.encode(), raw)
        self.assertNotIn(b"SQLite format 3", raw)
        self.assertEqual(os.stat(backup).st_mode & 0o777, 0o600)

        # A fresh data dir with the server's key: a working server.
        fresh = os.path.join(self.dir, "fresh")
        r = self.admin(fresh, "restore", backup)
        self.assertIn("Restored", r.stdout)
        self.start(fresh, "--key-file", self.key)
        status, device = self.request("GET", "/v1/device", token)
        self.assertEqual(status, 200, device)
        restored = self.exported_citizens(fresh)
        self.assertEqual(before - restored, set(), "acknowledged before the backup, missing after restore")
        # The backup is one moment: what came after it is not there.
        self.assertEqual(after & restored, set())
        # The restored server takes writes again.
        person = citizen()
        status, answer = self.push(token, [entry("citizen", person, "add_citizen")])
        self.assertEqual(answer["results"][0]["outcome"], "applied", answer)

        # Restoring under a running server is refused; it goes on serving its store.
        r = self.admin(fresh, "restore", "--force", backup, code=1)
        self.assertIn("in use by a running pepamo-server", r.stderr)
        self.assertEqual(self.request("GET", "/v1/device", token)[0], 200)
        self.stop()
        self.assertIn(person["id"], self.exported_citizens(fresh))

    def test_bad_backups_leave_the_data_dir_untouched(self):
        self.admin(self.data, *enrol_args("field")[1:])
        backup = os.path.join(self.dir, "good.backup")
        self.admin(self.data, "backup", backup)
        with open(backup, "rb") as f:
            good = f.read()
        target = os.path.join(self.dir, "target")
        self.admin(target, "restore", backup)
        self.admin(target, "enrol", "--role", "soziales", "--city", "halle")
        untouched = snapshot(target)

        def write(name, data):
            path = os.path.join(self.dir, name)
            with open(path, "wb") as f:
                f.write(data)
            return path

        flipped = bytearray(good)
        flipped[4096 + 3 * 4096 + 700] ^= 0x01
        other_key = write("other.key", os.urandom(32))
        cases = [
            (write("flipped.backup", bytes(flipped)), self.key, "damaged or was tampered with"),
            (write("short.backup", good[:len(good) // 2]), self.key, "pepamo-server: admin restore:"),
            (write("page-short.backup", good[:len(good) - 4096 - 100]), self.key, "damaged or was tampered with"),
            (write("plain.backup", b"SQLite format 3\0" + bytes(8192)), self.key, "not an encrypted PePaMo store"),
            (backup, other_key, "does not open this backup"),
            (os.path.join(self.dir, "missing.backup"), self.key, "missing.backup"),
        ]
        for path, key, message in cases:
            r = run_server("--data-dir", target, "--key-file", key, "admin", "restore", "--force", path)
            self.assertEqual(r.returncode, 1, (path, r.stderr))
            self.assertIn(message, r.stderr, path)
            self.assertEqual(len(r.stderr.splitlines()), 1, r.stderr)
            self.assertEqual(snapshot(target), untouched, path)

        # Without --force an existing store stays; into a fresh dir nothing is left behind.
        r = self.admin(target, "restore", backup, code=1)
        self.assertIn("--force", r.stderr)
        self.assertEqual(snapshot(target), untouched)
        empty = os.path.join(self.dir, "empty")
        self.admin(empty, "restore", os.path.join(self.dir, "flipped.backup"), code=1)
        self.assertEqual(snapshot(empty), {})

        # --force does replace it: the soziales device is gone again.
        self.admin(target, "restore", "--force", backup)
        roles = [line.split("\t")[1] for line in self.admin(target, "devices").stdout.splitlines()]
        self.assertEqual(roles, ["field"])

    def test_usage(self):
        for args in (["backup"], ["restore"], ["backup", "a", "b"], ["devices", "--force"],
                     ["backup", "--force", "x"]):
            r = run_server("--data-dir", self.data, "admin", *args)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
        r = self.admin(os.path.join(self.dir, "none"), "backup", os.path.join(self.dir, "x"), code=1)
        self.assertIn("no store", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "x")))


class UpgradeTest(ServerClient, unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="pepamo-server-upgrade-")
        self.log = open(os.path.join(self.dir, "server.log"), "w")

    def tearDown(self):
        self.log.close()
        shutil.rmtree(self.dir)

    def make_old_store(self, data, version):
        r = subprocess.run([MAKE_OLD_STORE, data, str(version)], capture_output=True, text=True,
                           stdin=subprocess.DEVNULL, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def enrol(self, data, role):
        r = run_server("--data-dir", data, *enrol_args(role))
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout.splitlines()[-1]

    def test_upgrade_from_every_older_schema(self):
        for version in range(1, SCHEMA_VERSION):
            with self.subTest(version=version):
                data = os.path.join(self.dir, "v%d" % version)
                expected = self.make_old_store(data, version)
                self.assertGreater(len(expected["visits"]), 0)
                server, self.port = start_server("--data-dir", data, log=self.log)
                try:
                    self.check_upgraded(data, expected, version)
                finally:
                    stop_server(server)
                with open(self.log.name) as log:
                    self.assertIn("Upgrading the store from schema %d to %d" % (version, SCHEMA_VERSION), log.read())

    def check_upgraded(self, data, expected, version):
        # Devices exist from schema 4 on: enrolling works on the upgraded store.
        dispatch = self.enrol(data, "dispatch")
        soziales = self.enrol(data, "soziales")
        r = run_server("--data-dir", data, "admin", "export")
        self.assertEqual(r.returncode, 0, r.stderr)
        exported = json.loads(r.stdout)
        for table, versions in expected.items():
            held = {record["id"]: record["version"] for record in exported[table]}
            # The export's own reads add audit entries; every old one stays.
            self.assertEqual({i: held.get(i) for i in versions}, versions, table)
            if table != "audit":
                self.assertEqual(len(held), len(versions), table)

        # The server edits an old record and serves the result.
        person = exported["citizens"][0]
        edited = dict(person, phone="0345 0123999")
        change = dict(entry("citizen", edited, "update_citizen", base_version=person["version"]),
                      changes={"phone": {"from": person.get("phone"), "to": "0345 0123999"}})
        status, answer = self.push(dispatch, [change])
        self.assertEqual(status, 200, answer)
        self.assertEqual(answer["results"][0]["outcome"], "applied", answer)
        self.assertEqual(answer["results"][0]["version"], person["version"] + 1)
        changes, _ = self.pull_all(soziales)
        pulled = {c["record"]["id"]: c["record"] for c in changes}
        self.assertEqual(pulled[person["id"]]["phone"], "0345 0123999")
        self.assertEqual(pulled[person["id"]]["family_name"], person["family_name"])

        # A van's laptop gets the visits planned on its van before the upgrade, and their people
        # (from a store that was a server's, with a change log: schema 4 on).
        if version < 4:
            return
        field = self.enrol(data, "field")
        changes, _ = self.pull_all(field)
        planned = [v for v in exported["visits"] if v.get("van_id") == DEMO_VAN]
        self.assertGreater(len(planned), 0)
        self.assertEqual({c["record"]["id"] for c in changes if c["kind"] == "visit"}, {v["id"] for v in planned})
        self.assertEqual({c["record"]["id"] for c in changes if c["kind"] == "citizen"},
                         {i for v in planned for i in v["citizen_ids"]})

    def test_refuses_a_newer_schema(self):
        data = os.path.join(self.dir, "newer")
        self.make_old_store(data, SCHEMA_VERSION + 1)
        before = snapshot(data)
        r = run_server("--listen", "127.0.0.1:0", "--data-dir", data)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("written by a newer PePaMo (schema %d; this version knows up to %d)"
                      % (SCHEMA_VERSION + 1, SCHEMA_VERSION), r.stderr)
        self.assertNotIn("Listening", r.stdout)
        self.assertEqual(snapshot(data), before)
        r = run_server("--data-dir", data, "admin", "devices")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("newer PePaMo", r.stderr)
        self.assertEqual(snapshot(data), before)


class ReloadTest(ServerClient, unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="pepamo-server-reload-")
        self.config = os.path.join(self.dir, "server.conf")
        self.data = os.path.join(self.dir, "data")
        self.log_path = os.path.join(self.dir, "server.log")
        self.log = open(self.log_path, "w")
        self.server = None

    def tearDown(self):
        if self.server is not None:
            stop_server(self.server)
        self.log.close()
        shutil.rmtree(self.dir)

    def write_config(self, text):
        # A new file renamed over the old one, as an editor saves it.
        with open(self.config + ".new", "w") as f:
            f.write(text)
        os.replace(self.config + ".new", self.config)

    def reload(self, expected):
        """Sends SIGHUP and waits for the log line that answers it."""
        with open(self.log_path) as log:
            seen = log.read().count(expected)
        self.server.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with open(self.log_path) as log:
                text = log.read()
            if text.count(expected) > seen:
                return text
            time.sleep(0.05)
        self.fail("no %r in the log within 10 s of SIGHUP:\n%s" % (expected, text))

    def push_size(self, token, size):
        """A push of about SIZE bytes: several new citizens."""
        people = []
        while len(json.dumps({"protocol": 1, "entries": people})) < size:
            people.append(entry("citizen", dict(citizen(), notes="x" * 400), "add_citizen"))
        return self.push(token, people)[0]

    def test_reload_applies_the_body_limit(self):
        self.write_config("[server]\nmax-body-bytes = 2048\n")
        self.server, self.port = start_server("--config", self.config, "--data-dir", self.data, log=self.log)
        r = run_server("--data-dir", self.data, "admin", "enrol", "--role", "dispatch", "--city", "halle")
        token = r.stdout.splitlines()[-1]
        self.assertEqual(self.push_size(token, 3000), 413)

        self.request("GET", "/v1/health?before-reload")
        self.write_config("[server]\nmax-body-bytes = 65536\nlog-requests = true\n[retention]\naudit = 400\n")
        text = self.reload("Reloaded")
        self.assertIn("max-body-bytes=65536, log-requests=true", text)
        self.assertIn("audit=400", text)
        self.assertEqual(self.push_size(token, 3000), 200)
        self.assertEqual(self.push_size(token, 70000), 413)
        # Request lines from now on (path and status, no query, body or token).
        self.request("GET", "/v1/health?after-reload")
        # The line is written once the answer has gone out: wait for it (bounded).
        for _ in range(50):
            with open(self.log_path) as log:
                text = log.read()
            if "GET /v1/health 200" in text:
                break
            time.sleep(0.1)
        self.assertIn("POST /v1/sync/push 413", text)
        self.assertIn("GET /v1/health 200", text)
        self.assertNotIn("GET /v1/health 200", text[:text.index("Reloaded")])
        self.assertNotIn(token, text)

        # An invalid file changes nothing: 65536 stays (not 10, not the default).
        for bad in ("[server]\nmax-body-bytes = 10\n", "[server]\nmax-body-bytes 4096\n",
                    "[server]\nmaximum = 1\n", "[server]\ntls-cert = /nonexistent.pem\n"):
            self.write_config(bad)
            text = self.reload("Reload refused")
            self.assertIn(self.config, text.splitlines()[-1])
            self.assertEqual(self.push_size(token, 3000), 200)
            self.assertEqual(self.push_size(token, 70000), 413)
        os.remove(self.config)
        self.reload("Reload refused")
        self.assertEqual(self.push_size(token, 70000), 413)

        # What only a restart changes keeps running, with a warning.
        cert, key = self.make_certificate("a")
        self.write_config("[server]\nmax-body-bytes = 131072\ntls-cert = %s\ntls-key = %s\n" % (cert, key))
        text = self.reload("Reloaded")
        self.assertIn("switch TLS on; that takes effect at the next restart", text)
        self.assertEqual(self.push_size(token, 70000), 200)
        self.assertEqual(self.request("GET", "/v1/health")[0], 200)

    def make_certificate(self, name):
        if not shutil.which("openssl"):
            self.skipTest("needs openssl to make a certificate")
        cert, key = os.path.join(self.dir, name + ".pem"), os.path.join(self.dir, name + ".key")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "2", "-subj", "/CN=" + name, "-addext", "subjectAltName=IP:127.0.0.1"],
                       check=True, capture_output=True, timeout=30)
        return cert, key

    def test_reload_reads_the_tls_certificate_again(self):
        first = self.make_certificate("first")
        second = self.make_certificate("second")
        self.write_config("[server]\ntls-cert = %s\ntls-key = %s\n" % first)
        self.server, self.port = start_server("--config", self.config, log=self.log)
        self.assertIn("CN=first", self.served_certificate())
        self.write_config("[server]\ntls-cert = %s\ntls-key = %s\n" % second)
        self.reload("TLS certificate read again")
        self.assertIn("CN=second", self.served_certificate())

    def served_certificate(self):
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as raw:
            with context.wrap_socket(raw) as tls:
                der = tls.getpeercert(binary_form=True)
        return subprocess.run(["openssl", "x509", "-inform", "DER", "-noout", "-subject", "-nameopt", "compat"],
                              input=der, capture_output=True, check=True, timeout=30).stdout.decode()


if __name__ == "__main__":
    MAKE_OLD_STORE = sys.argv.pop(1)
    unittest.main()
