#!/usr/bin/python3
# test_server_sync.py: the real pepamo-server with a data dir on 127.0.0.1,
# a free port: admin commands, device tokens, push and pull as devices of
# different roles would use them.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import http.client
import json
import os
import selectors
import shutil
import stat
import subprocess
import tempfile
import time
import unittest
import uuid

SERVER = os.environ["PEPAMO_SERVER"]
STARTUP_SECONDS = 10


def run_server(*args):
    return subprocess.run([SERVER, *args], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=30)


def start_server(*args, log):
    """Starts pepamo-server on a free port; returns (process, port)."""
    server = subprocess.Popen([SERVER, "--listen", "127.0.0.1:0", *args], stdout=subprocess.PIPE,
                              stderr=log, stdin=subprocess.DEVNULL)
    # It prints "Listening on http://127.0.0.1:PORT/" once it listens.
    with selectors.DefaultSelector() as selector:
        selector.register(server.stdout, selectors.EVENT_READ)
        if not selector.select(timeout=STARTUP_SECONDS):
            server.kill()
            server.wait()
            raise AssertionError("pepamo-server did not start within %d s" % STARTUP_SECONDS)
    line = server.stdout.readline().decode()
    prefix = "Listening on http://127.0.0.1:"
    if not line.startswith(prefix):
        server.kill()
        server.wait()
        raise AssertionError("unexpected first line: %r" % line)
    return server, int(line[len(prefix):].rstrip("/\n"))


def stop_server(server):
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
        raise AssertionError("pepamo-server did not stop within 10 s of SIGTERM")
    server.stdout.close()


def visit(citizen_id, **changes):
    record = {
        "id": str(uuid.uuid4()),
        "version": 1,
        "created_at": "2026-11-20T08:00:00Z",
        "updated_at": "2026-11-20T08:00:00Z",
        "citizen_ids": [citizen_id],
        "location_type": "home",
        "street": "Leipziger Straße",
        "house_number": "12",
        "postcode": "06108",
        "stadtteil": "altstadt",
        "lat": 51.4797,
        "lon": 11.9769,
        "services": ["PB"],
        "duration_min": 40,
        "priority": 1,
        "source": "phone",
        "status": "requested",
    }
    record.update(changes)
    return record


def citizen():
    return {
        "id": str(uuid.uuid4()),
        "version": 1,
        "created_at": "2026-11-20T08:00:00Z",
        "updated_at": "2026-11-20T08:00:00Z",
        "family_name": "Lange",
        "given_names": "Klaus",
        "birth_date": "1949-05-04",
        "street": "Leipziger Straße",
        "house_number": "12",
        "postcode": "06108",
        "city": "Halle (Saale)",
        "stadtteil": "altstadt",
        "lat": 51.4797,
        "lon": 11.9769,
        "care_grade": "5",
    }


def entry(kind, record, intent, base_version=0):
    return {
        "uuid": str(uuid.uuid4()),
        "seq": 1,
        "kind": kind,
        "record_id": record["id"],
        "intent": intent,
        "base_version": base_version,
        "actor_id": "d0000000-0000-4000-8000-000000000001",
        "device_time": record["updated_at"],
        "record": record,
    }


class ServerCase(unittest.TestCase):
    """A running server with a data dir, shared by the tests of a class."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="pepamo-server-sync-")
        cls.data = os.path.join(cls.dir, "data")
        cls.log_path = os.path.join(cls.dir, "server.log")
        cls.log = open(cls.log_path, "w")
        cls.server, cls.port = start_server("--data-dir", cls.data, log=cls.log)

    @classmethod
    def tearDownClass(cls):
        stop_server(cls.server)
        cls.log.close()
        with open(cls.log_path) as log:
            text = log.read()
        shutil.rmtree(cls.dir)
        assert "CRITICAL" not in text, text

    @classmethod
    def enrol(cls, role, city="halle"):
        # While the server runs: admin commands share its store.
        r = run_server("--data-dir", cls.data, "admin", "enrol", "--role", role, "--city", city)
        assert r.returncode == 0, r.stderr
        return r.stdout.splitlines()[-1]


class ServerSyncTest(ServerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dispatch = cls.enrol("dispatch")
        cls.field = cls.enrol("field")
        cls.einwohnerwesen = cls.enrol("einwohnerwesen")
        cls.soziales = cls.enrol("soziales")

    def request(self, method, path, token=None, body=None):
        """Returns (status, JSON object); every answer must be JSON."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers["Authorization"] = "Bearer " + token
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            self.assertEqual(response.getheader("Content-Type"), "application/json")
            self.assertIsNotNone(response.getheader("Date"))
            answer = json.loads(response.read())
        finally:
            connection.close()
        self.assertIsInstance(answer, dict)
        if response.status >= 400:
            self.assertEqual(set(answer), {"error", "reason"}, answer)
        return response.status, answer

    def push(self, token, entries):
        return self.request("POST", "/v1/sync/push", token, {"protocol": 1, "entries": entries})

    def pull_all(self, token):
        """Every change the device may see, page by page (bounded)."""
        changes, cursor = [], 0
        for _ in range(100):
            status, page = self.request("GET", "/v1/sync/pull?after=%d&limit=2" % cursor, token)
            self.assertEqual(status, 200, page)
            changes += page["changes"]
            self.assertGreaterEqual(page["cursor"], cursor)
            cursor = page["cursor"]
            if page["complete"]:
                return changes, cursor
        self.fail("pull did not complete in 100 pages")

    def test_key_file_beside_data_dir(self):
        key = self.data + ".key"
        self.assertEqual(os.stat(key).st_size, 32)
        self.assertEqual(stat.S_IMODE(os.stat(key).st_mode), 0o600)
        self.assertFalse(os.path.exists(os.path.join(self.data, "pepamo-server.db.key")))
        self.assertTrue(os.path.exists(os.path.join(self.data, "pepamo-server.db")))
        with open(self.log_path) as log:
            self.assertIn(key, log.read())

    def test_device(self):
        status, device = self.request("GET", "/v1/device", self.dispatch)
        self.assertEqual(status, 200, device)
        self.assertEqual(device["role"], "dispatch")
        self.assertEqual(device["city"], "halle")
        uuid.UUID(device["device_id"])
        self.assertEqual(self.request("GET", "/v1/device")[0], 401)
        self.assertEqual(self.request("GET", "/v1/device", "not-a-token")[0], 401)
        self.assertEqual(self.request("POST", "/v1/device", self.dispatch)[0], 405)
        self.assertEqual(self.request("GET", "/v1/device/more", self.dispatch)[0], 404)

    def test_revoke_refuses_at_once(self):
        token = self.enrol("soziales", "halle")
        status, device = self.request("GET", "/v1/device", token)
        self.assertEqual(status, 200, device)
        r = run_server("--data-dir", self.data, "admin", "revoke", device["device_id"])
        self.assertEqual(r.returncode, 0, r.stderr)
        status, answer = self.request("GET", "/v1/device", token)
        self.assertEqual(status, 401)
        self.assertIn("revoked", answer["reason"])
        self.assertEqual(self.request("GET", "/v1/sync/pull", token)[0], 401)
        r = run_server("--data-dir", self.data, "admin", "devices")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = {line.split("\t")[0]: line.split("\t")[1:] for line in r.stdout.splitlines()}
        self.assertEqual(lines[device["device_id"]], ["soziales", "halle", "revoked: yes"])
        r = run_server("--data-dir", self.data, "admin", "revoke", str(uuid.uuid4()))
        self.assertEqual(r.returncode, 1)
        self.assertTrue(r.stderr.startswith("pepamo-server: admin revoke:"), r.stderr)

    def test_malformed_push(self):
        record = visit(str(uuid.uuid4()))
        for body in ("{not json", "", "[]", {"protocol": 1}, {"protocol": 1, "entries": {}},
                     {"entries": []}, {"protocol": "1", "entries": []}, {"protocol": 2, "entries": []},
                     {"protocol": 1, "entries": [entry("visit", record, "schedule_visit")] * 501},
                     # One bad entry refuses the whole batch.
                     {"protocol": 1, "entries": [entry("visit", record, "schedule_visit"), {"uuid": 5}]},
                     {"protocol": 1, "entries": [entry("visit", record, "schedule_visit"), 7]}):
            status, answer = self.request("POST", "/v1/sync/push", self.dispatch, body)
            self.assertEqual(status, 400, (body, answer))
        self.assertEqual(self.request("GET", "/v1/health")[0], 200)
        changes, _ = self.pull_all(self.dispatch)
        self.assertNotIn(record["id"], [c["record"]["id"] for c in changes])
        self.assertEqual(self.request("GET", "/v1/sync/push", self.dispatch)[0], 405)
        self.assertEqual(self.push("not-a-token", [])[0], 401)

    def test_push_and_pull(self):
        person = citizen()
        record = visit(person["id"])
        first = [entry("citizen", person, "add_citizen"), entry("visit", record, "schedule_visit")]
        status, answer = self.push(self.dispatch, first)
        self.assertEqual(status, 200, answer)
        self.assertEqual([r["uuid"] for r in answer["results"]], [e["uuid"] for e in first])
        self.assertEqual([r["outcome"] for r in answer["results"]], ["applied", "applied"], answer)
        self.assertEqual(answer["results"][1]["version"], 1)

        # The same entries again: nothing new, the first answer back.
        status, answer = self.push(self.dispatch, first)
        self.assertEqual(status, 200, answer)
        self.assertEqual([r["outcome"] for r in answer["results"]], ["duplicate", "duplicate"], answer)
        self.assertEqual(answer["results"][1]["version"], 1)

        # The same UUID with another record.
        reused = dict(first[1], record=dict(record, duration_min=60))
        status, answer = self.push(self.dispatch, [reused])
        self.assertEqual(status, 200, answer)
        self.assertEqual(answer["results"][0]["outcome"], "rejected")
        self.assertEqual(answer["results"][0]["code"], "uuid_reused")

        # A role that may not write visits.
        status, answer = self.push(self.einwohnerwesen, [entry("visit", visit(person["id"]), "schedule_visit")])
        self.assertEqual(status, 200, answer)
        self.assertEqual(answer["results"][0]["outcome"], "rejected")
        self.assertEqual(answer["results"][0]["code"], "forbidden")

        # Dispatch's own pushes are not echoed back: it holds those versions.
        changes, cursor = self.pull_all(self.dispatch)
        self.assertNotIn(record["id"], {c["record"]["id"] for c in changes})

        # Einwohnerwesen shares the appointment layer, but no health data.
        changes, _ = self.pull_all(self.einwohnerwesen)
        pulled = {c["record"]["id"]: c for c in changes}
        self.assertEqual(pulled[record["id"]]["kind"], "visit")
        self.assertEqual(pulled[record["id"]]["record"]["version"], 1)
        self.assertEqual(pulled[record["id"]]["record"]["duration_min"], 40)
        seqs = [c["seq"] for c in changes]
        self.assertEqual(seqs, sorted(seqs))
        self.assertNotIn("care_grade", pulled[person["id"]]["record"])
        changes, _ = self.pull_all(self.soziales)
        pulled = {c["record"]["id"]: c for c in changes}
        self.assertEqual(pulled[person["id"]]["record"]["care_grade"], "5")

        # The server's records as one document, in the shape of pepamo-cli export.
        r = run_server("--data-dir", self.data, "admin", "export")
        self.assertEqual(r.returncode, 0, r.stderr)
        exported = json.loads(r.stdout)
        for key in ("staff", "vans", "citizens", "visits", "counselling", "cases", "consents", "audit"):
            self.assertIsInstance(exported[key], list, key)
        visits = {v["id"]: v for v in exported["visits"]}
        self.assertEqual(visits[record["id"]]["duration_min"], 40)
        self.assertEqual(visits[record["id"]]["version"], 1)
        self.assertEqual({c["id"]: c for c in exported["citizens"]}[person["id"]]["care_grade"], "5")
        # Every applied push left an audit entry naming the person who acted.
        created = {a["record_id"]: a for a in exported["audit"] if a["action"] == "create"}
        self.assertEqual(created[record["id"]]["actor_id"], first[1]["actor_id"])

        # Nothing after the cursor.
        status, page = self.request("GET", "/v1/sync/pull?after=%d" % cursor, self.dispatch)
        self.assertEqual(status, 200, page)
        self.assertEqual(page["changes"], [])
        self.assertTrue(page["complete"])

    def test_pull_parameters(self):
        for query in ("after=abc", "after=-1", "limit=x", "limit=1.5", "limit=-3"):
            status, answer = self.request("GET", "/v1/sync/pull?" + query, self.dispatch)
            self.assertEqual(status, 400, (query, answer))
        for query in ("", "limit=0", "limit=100000", "after=999999"):
            status, page = self.request("GET", "/v1/sync/pull?" + query, self.dispatch)
            self.assertEqual(status, 200, (query, page))
            self.assertEqual(set(page), {"changes", "cursor", "complete"})

    def test_admin_usage(self):
        for args in (["admin"], ["admin", "enrol", "--role", "mayor", "--city", "halle"],
                     ["admin", "enrol", "--role", "field"], ["admin", "devices", "extra"],
                     ["admin", "revoke"], ["admin", "launch"], ["admin", "export", "all"]):
            r = run_server("--data-dir", self.data, *args)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
            self.assertTrue(r.stderr.startswith("pepamo-server: admin"), r.stderr)
        r = run_server("admin", "devices")
        self.assertEqual(r.returncode, 2, r.stderr)


class ServerWithoutDataDirTest(unittest.TestCase):
    def test_sync_endpoints_answer_503(self):
        with tempfile.TemporaryFile("w") as log:
            server, port = start_server(log=log)
            try:
                for method, path in (("GET", "/v1/device"), ("POST", "/v1/sync/push"), ("GET", "/v1/sync/pull")):
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                    connection.request(method, path, body="{}" if method == "POST" else None,
                                       headers={"Authorization": "Bearer x"})
                    response = connection.getresponse()
                    answer = json.loads(response.read())
                    connection.close()
                    self.assertEqual(response.status, 503, (path, answer))
                    self.assertIn("data dir", answer["reason"])
            finally:
                stop_server(server)


class ServerKeyTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="pepamo-server-key-")
        self.data = os.path.join(self.dir, "data")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def test_given_key_file_opens_the_store(self):
        key = os.path.join(self.dir, "server.key")
        with open(key, "wb") as f:
            f.write(os.urandom(32))
        r = run_server("--data-dir", self.data, "--key-file", key, "admin", "enrol",
                       "--role", "planning", "--city", "halle")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertFalse(os.path.exists(self.data + ".key"))
        r = run_server("--data-dir", self.data, "--key-file", key, "admin", "devices")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(r.stdout.splitlines()), 1)
        # Another key does not open it.
        with open(key, "wb") as f:
            f.write(os.urandom(32))
        r = run_server("--data-dir", self.data, "--key-file", key, "admin", "devices")
        self.assertEqual(r.returncode, 1, r.stderr)

    def test_missing_key_of_existing_store(self):
        r = run_server("--data-dir", self.data, "admin", "devices")
        self.assertEqual(r.returncode, 0, r.stderr)
        os.remove(self.data + ".key")
        r = run_server("--data-dir", self.data, "admin", "devices")
        self.assertEqual(r.returncode, 1)
        self.assertIn("key file", r.stderr)
        self.assertFalse(os.path.exists(self.data + ".key"))


if __name__ == "__main__":
    unittest.main()
