#!/usr/bin/python3
# pm_server.py: what the tests of the real pepamo-server share: starting and
# stopping it on 127.0.0.1 with a free port, its admin commands, records and
# push entries as devices send them, and a JSON client for its HTTP API.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import http.client
import json
import os
import re
import selectors
import shutil
import subprocess
import tempfile
import unittest
import uuid

SERVER = os.environ["PEPAMO_SERVER"]
STARTUP_SECONDS = 10
# The demo's van (PM_DEMO_VAN_ID): field devices are enrolled for it.
DEMO_VAN = "d0000000-0000-4000-8000-000000000100"


def enrol_args(role, city="halle"):
    """The admin command that enrols a device of @role; a field device for the demo's van."""
    return ["admin", "enrol", "--role", role, "--city", city] + (["--van", DEMO_VAN] if role == "field" else [])


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
    match = re.fullmatch(r"Listening on https?://127\.0\.0\.1:(\d+)/\n", line)
    if not match:
        server.kill()
        server.wait()
        raise AssertionError("unexpected first line: %r" % line)
    return server, int(match.group(1))


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


class ServerClient:
    """Mixin for a unittest.TestCase with self.port: requests as a device."""

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
            self.assertIn(set(answer), ({"error", "reason"}, {"error", "code", "reason"}), answer)
        return response.status, answer

    def push(self, token, entries, protocol=2):
        return self.request("POST", "/v1/sync/push", token, {"protocol": protocol, "entries": entries})

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


class ServerCase(ServerClient, unittest.TestCase):
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
        r = run_server("--data-dir", cls.data, *enrol_args(role, city))
        assert r.returncode == 0, r.stderr
        return r.stdout.splitlines()[-1]
