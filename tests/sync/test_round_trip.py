#!/usr/bin/python3
# test_round_trip.py: three devices and a real pepamo-server on 127.0.0.1:
# dispatch plans the week, the van pulls it and records a case and a
# counselling record, Einwohnerwesen pulls the case but never the counselling
# record. Also: a sync against a stopped server fails and keeps the outbox, and
# a sync killed (SIGKILL, through gdb) at named points loses and doubles nothing.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import http.client
import http.server
import json
import os
import re
import select
import shutil
import subprocess
import tempfile
import threading
import time
import unittest
import uuid

from pm_server import DEMO_VAN, enrol_args

CLI = os.environ["PEPAMO_CLI"]
SERVER = os.environ["PEPAMO_SERVER"]
PASSPHRASE = "correct horse battery"
DEMO_DATE = "2026-02-09"


def run(*args):
    env = dict(os.environ, PEPAMO_PASSPHRASE=PASSPHRASE)
    return subprocess.run([CLI, *args], capture_output=True, text=True, env=env,
                          stdin=subprocess.DEVNULL, timeout=60)


class RoundTripTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="pepamo-round-trip-")
        self.server_data = os.path.join(self.dir, "server")
        self.server_log = open(os.path.join(self.dir, "server.log"), "w+")
        self.server = None
        self.start_server()

    def tearDown(self):
        self.stop_server()
        self.server_log.close()
        shutil.rmtree(self.dir)

    def start_server(self, port=0):
        self.server = subprocess.Popen([SERVER, "--data-dir", self.server_data, "--listen", f"127.0.0.1:{port}"],
                                       stdout=subprocess.PIPE, stderr=self.server_log, text=True)
        # It prints "Listening on URL" once it listens; wait for that line, bounded.
        ready, _, _ = select.select([self.server.stdout], [], [], 15)
        line = self.server.stdout.readline() if ready else ""
        self.assertTrue(line.startswith("Listening on http://127.0.0.1:"), line + self.server_output())
        self.url = line[len("Listening on "):].strip().rstrip("/")

    def stop_server(self):
        if self.server and self.server.poll() is None:
            self.server.terminate()
            self.server.wait(timeout=10)
        if self.server:
            self.server.stdout.close()
        self.server = None

    def server_output(self):
        self.server_log.seek(0)
        return self.server_log.read()

    def cli(self, store, *args, code=0):
        r = run("--data-dir", store, *args)
        self.assertEqual(r.returncode, code, f"{args}: {r.stdout}{r.stderr}{self.server_output()}")
        return r

    def device_token(self, role):
        r = subprocess.run([SERVER, "--data-dir", self.server_data, *enrol_args(role)], capture_output=True,
                           text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout.strip().splitlines()[-1]

    def device(self, name, role, staff, department, url=None):
        url = url or self.url
        store = os.path.join(self.dir, name)
        self.cli(store, "init", "--staff", staff, "--department", department)
        r = self.cli(store, "enrol", "--server", url, "--token", self.device_token(role))
        self.assertRegex(r.stdout, rf"^Enrolled as {role} device \S+ at {url}\n$")
        return store

    def export(self, store):
        return json.loads(self.cli(store, "export", "--format", "json").stdout)

    def status(self, store):
        return self.cli(store, "status").stdout

    def test_round_trip(self):
        # The demo runs after enrolment: only writes made while enrolled enter
        # the outbox, and the demo week is what dispatch has to hand out.
        dispatch = self.device("dispatch", "dispatch", "Dora Disponentin", "dispatch")
        self.cli(dispatch, "demo", "--date", DEMO_DATE)
        self.assertNotIn("Unsent changes: 0\n", self.status(dispatch))
        r = self.cli(dispatch, "sync")
        self.assertRegex(r.stdout, r"^Pushed [1-9]\d* \([1-9]\d* applied, ")
        self.assertIn("Unsent changes: 0\n", self.status(dispatch))
        planned = json.loads(self.cli(dispatch, "visits", "--date", DEMO_DATE, "--json").stdout)
        self.assertGreater(len(planned), 0)

        field = self.device("field", "field", "Frieda Feld", "soziales")
        r = self.cli(field, "sync")
        self.assertRegex(r.stdout, r"^Pushed 0 .*, pulled [1-9]\d* changes\.\n")
        seen = json.loads(self.cli(field, "visits", "--date", DEMO_DATE, "--json").stdout)
        self.assertEqual({v["id"] for v in seen}, {v["id"] for v in planned})

        # The van records a case and a counselling record at the first stop.
        visit = planned[0]
        staff = {s["department"]: s["id"] for s in self.export(dispatch)["staff"] if s["role"] == "field"}
        case_id, counselling_id = str(uuid.uuid4()), str(uuid.uuid4())
        document = {
            "cases": [{"id": case_id, "visit_id": visit["id"], "citizen_id": visit["citizen_ids"][0],
                       "staff_id": staff["einwohnerwesen"], "service": "UM", "status": "captured",
                       "documents_presented": ["old_id"], "photo_source": "none",
                       "fingerprint_status": "not_applicable", "fee_cents": 0, "fee_waived": False,
                       "payment_method": "none", "captured_on": DEMO_DATE}],
            "counselling": [{"id": counselling_id, "visit_id": visit["id"], "citizen_id": visit["citizen_ids"][0],
                             "staff_id": staff["soziales"], "occasion": "relative", "topics": ["carer_relief"],
                             "results": "Entlastungsbetrag erklärt.", "mode": "home", "duration_min": 30,
                             "status": "draft"}],
        }
        path = os.path.join(self.dir, "recorded.json")
        with open(path, "w") as f:
            json.dump(document, f)
        self.cli(field, "import", path)
        self.assertNotIn("Unsent changes: 0\n", self.status(field))
        r = self.cli(field, "sync")
        self.assertRegex(r.stdout, r"^Pushed [1-9]\d* \([1-9]\d* applied, 0 duplicate, 0 conflicts, 0 rejected\)")
        self.assertIn("Unsent changes: 0\n", self.status(field))
        self.assertIn("Sync issues: 0\n", self.status(field))

        einwohnerwesen = self.device("einwohnerwesen", "einwohnerwesen", "Erik Einwohner", "einwohnerwesen")
        self.cli(einwohnerwesen, "sync")
        got = self.export(einwohnerwesen)
        self.assertIn(case_id, {c["id"] for c in got["cases"]})
        self.assertEqual(got["counselling"], [])
        self.assertIn("Unsent changes: 0\n", self.status(einwohnerwesen))

        # A second sync has nothing to do and still succeeds.
        r = self.cli(field, "sync")
        self.assertTrue(r.stdout.startswith("Pushed 0 (0 applied"), r.stdout)

        # Who opened what on the van reaches the server: an export opens every case it holds.
        self.export(field)
        self.cli(field, "sync")
        r = subprocess.run([SERVER, "--data-dir", self.server_data, "admin", "export"], capture_output=True, text=True,
                           timeout=60)
        reads = [a for a in json.loads(r.stdout)["audit"] if a["action"] == "export" and a["record_id"] == case_id
                 and a["actor_id"] != "pepamo-server-admin"]
        self.assertEqual(len(reads), 1, reads)
        self.assertNotIn(reads[0]["device"], ("", None))

    def test_cash_closure_reaches_the_office(self):
        dispatch = self.device("dispatch", "dispatch", "Dora Disponentin", "dispatch")
        self.cli(dispatch, "demo", "--date", DEMO_DATE)
        self.cli(dispatch, "sync")
        visit = json.loads(self.cli(dispatch, "visits", "--date", DEMO_DATE, "--json").stdout)[0]
        van = next(v for v in self.export(dispatch)["vans"] if v["id"] == visit["van_id"])

        # The van's clerk takes a paid case and closes the day.
        field = self.device("field", "field", "Erika Feld", "einwohnerwesen")
        self.cli(field, "sync")
        clerk = next(s["id"] for s in self.export(field)["staff"] if s["display_name"] == "Erika Feld")
        path = os.path.join(self.dir, "case.json")
        with open(path, "w") as f:
            json.dump({"cases": [{"id": str(uuid.uuid4()), "visit_id": visit["id"],
                                  "citizen_id": visit["citizen_ids"][0], "staff_id": clerk, "service": "PA",
                                  "status": "captured", "documents_presented": ["old_id"],
                                  "photo_source": "on_site", "fingerprint_status": "captured",
                                  "fee_cents": 4600, "fee_waived": False, "payment_method": "cash",
                                  "captured_on": DEMO_DATE}]}, f)
        self.cli(field, "import", path)
        receipt_no = self.export(field)["cases"][0]["receipt_no"]
        self.assertTrue(receipt_no)
        van_pdf = os.path.join(self.dir, "van.pdf")
        r = self.cli(field, "cash-closure", "--date", DEMO_DATE, "--output", van_pdf)
        self.assertIn("1 paid case, 46,00\u00a0€", r.stdout)
        r = self.cli(field, "sync")
        self.assertRegex(r.stdout, r"^Pushed [1-9]\d* \([1-9]\d* applied, 0 duplicate, 0 conflicts, 0 rejected\)")

        # The registration office receives the closure as the van made it.
        office = self.device("einwohnerwesen", "einwohnerwesen", "Erik Einwohner", "einwohnerwesen")
        self.cli(office, "sync")
        closures = self.export(office)["cash_closures"]
        self.assertEqual([(c["van_id"], c["day"], c["total_cents"]) for c in closures],
                         [(van["id"], DEMO_DATE, 4600)])
        office_pdf = os.path.join(self.dir, "office.pdf")
        self.cli(office, "cash-closure", "--van", van["name"], "--date", DEMO_DATE, "--output", office_pdf)
        text = subprocess.run(["pdftotext", "-layout", office_pdf, "-"], capture_output=True, text=True,
                              timeout=30).stdout
        self.assertIn(receipt_no, text)
        self.assertIn("46,00 €", text)
        self.assertIn(van["name"], text)
        # A day the van has not closed is an error at the office, not an empty document.
        r = self.cli(office, "cash-closure", "--van", van["name"], "--date", "2026-02-10",
                     "--output", os.path.join(self.dir, "none.pdf"), code=1)
        self.assertIn("No cash closure", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "none.pdf")))

        # Fees are Einwohnerwesen data: Soziales never receives the closure.
        soziales = self.device("soziales", "soziales", "Sina Sozial", "soziales")
        self.cli(soziales, "sync")
        self.assertEqual(self.export(soziales)["cash_closures"], [])

    def sync_killed_at(self, store, function, skip=0):
        """Runs `pepamo-cli sync` under gdb and kills it with SIGKILL when it
        enters FUNCTION (after SKIP earlier entries): a crash at a named point."""
        env = dict(os.environ, PEPAMO_PASSPHRASE=PASSPHRASE)
        argv = ["gdb", "-q", "-batch", "-nx", "-ex", "set debuginfod enabled off", "-ex", f"break {function}"]
        if skip:
            argv += ["-ex", f"ignore 1 {skip}"]
        argv += ["-ex", "run", "-ex", "kill", "--args", CLI, "--data-dir", store, "sync"]
        r = subprocess.run(argv, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=300)
        self.assertIn("Breakpoint 1,", r.stdout, r.stdout + r.stderr)
        self.assertRegex(r.stdout, r"\[Inferior 1 \(process \d+\) killed\]")

    def versions(self, store):
        document = self.export(store)
        return {kind: {r["id"]: r["version"] for r in document[kind]} for kind in ("vans", "citizens", "visits")}

    @staticmethod
    def van_share(document):
        """The versions of what a laptop of the demo's van may hold of an office's DOCUMENT (an
        export): every van, the van's visits and the people on them."""
        visits = [v for v in document["visits"] if v.get("van_id") == DEMO_VAN]
        people = {i for v in visits for i in v["citizen_ids"]}
        return {"vans": {r["id"]: r["version"] for r in document["vans"]},
                "citizens": {r["id"]: r["version"] for r in document["citizens"] if r["id"] in people},
                "visits": {r["id"]: r["version"] for r in visits}}

    def import_visits(self, store, count):
        """COUNT more visits for the demo's van, copies of one STORE holds; their ids."""
        template = next(v for v in self.export(store)["visits"] if v.get("van_id") == DEMO_VAN)
        visits = [dict(template, id=str(uuid.uuid4())) for _ in range(count)]
        for record in visits:
            for stamp in ("version", "created_at", "updated_at"):
                record.pop(stamp, None)
        path = os.path.join(self.dir, "visits.json")
        with open(path, "w") as f:
            json.dump({"visits": visits}, f)
        self.cli(store, "import", path)
        return [v["id"] for v in visits]

    def more_than_one_pull_page(self):
        """Dispatch's demo week and 450 more visits for the demo's van, at dispatch."""
        dispatch = self.device("dispatch", "dispatch", "Dora Disponentin", "dispatch")
        self.cli(dispatch, "demo", "--date", DEMO_DATE)
        # More than one pull page (500 changes) for the van.
        self.import_visits(dispatch, 450)
        return dispatch

    def test_killed_at_named_points(self):
        dispatch = self.more_than_one_pull_page()

        # 1. Killed after the server answered a push, before the answer was
        # stored: the next sync sends the same entries, which the server
        # recognises; each record is there once, at version 1.
        self.sync_killed_at(dispatch, "pm_store_outbox_settle")
        self.assertNotIn("Unsent changes: 0\n", self.status(dispatch))
        r = self.cli(dispatch, "sync")
        self.assertRegex(r.stdout, r"^Pushed \d+ \(\d+ applied, [1-9]\d* duplicate, 0 conflicts, ")
        self.assertIn("Unsent changes: 0\n", self.status(dispatch))
        written = self.versions(dispatch)
        self.assertGreater(sum(len(records) for records in written.values()), 500)
        server = self.device("server-view", "dispatch", "Vera Sicht", "dispatch")
        self.cli(server, "sync")
        at_server = self.versions(server)
        for kind, records in written.items():
            self.assertEqual({i: at_server[kind].get(i) for i in records}, records, kind)
            self.assertEqual(set(records.values()), {1}, kind)
        share = self.van_share(self.export(server))
        self.assertGreater(sum(len(records) for records in share.values()), 500)

        # 2. Killed in the middle of applying a pull page: nothing of the page
        # stays, the cursor did not move, and the next sync takes it whole.
        field = self.device("field", "field", "Frieda Feld", "soziales")
        self.sync_killed_at(field, "_pm_store_write_record", skip=20)
        self.assertIn("Pull cursor: 0\n", self.status(field))
        self.assertEqual(self.versions(field)["visits"], {})
        self.cli(field, "sync")
        self.assertEqual(self.versions(field), share)

        # 3. Killed right after a page and its cursor were committed (the
        # second page's apply begins only once the first one's has): the
        # next sync goes on from that cursor and ends equal.
        van = self.device("van-2", "field", "Fritz Feld", "soziales")
        self.sync_killed_at(van, "pm_store_apply_pull_page", skip=1)
        status = self.status(van)
        self.assertRegex(status, r"Pull cursor: [1-9]\d*\n")
        self.assertNotEqual(self.versions(van), share)
        r = self.cli(van, "sync")
        self.assertRegex(r.stdout, r"pulled [1-9]\d* changes")
        self.assertEqual(self.versions(van), share)
        self.assertIn("Sync issues: 0\n", self.status(van))
    def pull_through_proxy(self, fault):
        """A field device whose second pull request is out while its first
        page is applied (the pull is pipelined), through a proxy that passes
        each pull answer to FAULT; returns the device, that failed sync's
        stderr and the proxy (with the pages as the server sent them)."""
        dispatch = self.more_than_one_pull_page()
        self.cli(dispatch, "sync")
        proxy = PullFaultProxy.start(self.url, fault)
        self.addCleanup(proxy.stop)
        field = self.device("field", "field", "Frieda Feld", "soziales", url=proxy.url)
        r = self.cli(field, "sync", code=1)
        return field, r.stderr, proxy

    def at_server(self):
        server = self.device("server-view", "field", "Vera Sicht", "soziales")
        self.cli(server, "sync")
        return self.versions(server)

    def test_failed_second_page_keeps_the_first(self):
        def refuse_second(pull, status, body):
            if pull == 2:
                return 400, {"error": "Bad Request", "reason": "refused by the test proxy"}
            return status, body

        field, stderr, proxy = self.pull_through_proxy(refuse_second)
        self.assertIn("refused by the test proxy", stderr)
        first = proxy.pages[0]
        self.assertFalse(first["complete"])
        self.assertIn(f"Pull cursor: {first['cursor']}\n", self.status(field))
        sent = {kind: {c["record"]["id"]: c["record"]["version"] for c in first["changes"] if c.get("kind") == wire}
                for kind, wire in (("vans", "van"), ("citizens", "citizen"), ("visits", "visit"))}
        self.assertGreater(sum(len(records) for records in sent.values()), 0)
        self.assertEqual(self.versions(field), sent)

        proxy.fault = None
        self.cli(field, "sync")
        self.assertEqual(self.versions(field), self.at_server())

    def test_failed_first_page_applies_nothing_after(self):
        def break_first(pull, status, body):
            if pull == 1:
                body["changes"].append({"kind": "no_such_kind", "record": {"id": str(uuid.uuid4())}})
            return status, body

        field, stderr, proxy = self.pull_through_proxy(break_first)
        self.assertIn("unknown kind no_such_kind", stderr)
        # The second page was asked for while the first was being applied,
        # and was dropped with it.
        self.assertEqual(len(proxy.pages), 2)
        self.assertIn("Pull cursor: 0\n", self.status(field))
        self.assertEqual(self.versions(field), {"vans": {}, "citizens": {}, "visits": {}})

        proxy.fault = None
        self.cli(field, "sync")
        self.assertEqual(self.versions(field), self.at_server())

    def test_audit_entries_with_a_server_from_before(self):
        # A server from before audit entries were pushed answers without
        # "audit_stored": the sync still succeeds, sends them once a sync,
        # and sends them for good once the server takes them.
        dispatch = self.device("dispatch", "dispatch", "Dora Disponentin", "dispatch")
        self.cli(dispatch, "demo", "--date", DEMO_DATE)
        self.cli(dispatch, "sync")
        proxy = PullFaultProxy.start(self.url, None)
        self.addCleanup(proxy.stop)
        field = self.device("field", "field", "Frieda Feld", "soziales", url=proxy.url)
        self.cli(field, "sync")
        visit = json.loads(self.cli(field, "visits", "--date", DEMO_DATE, "--json").stdout)[0]
        staff = next(s["id"] for s in self.export(dispatch)["staff"]
                     if s["role"] == "field" and s["department"] == "soziales")
        path = os.path.join(self.dir, "counselling.json")
        with open(path, "w") as f:
            json.dump({"counselling": [{"id": str(uuid.uuid4()), "visit_id": visit["id"],
                                        "citizen_id": visit["citizen_ids"][0], "staff_id": staff,
                                        "occasion": "relative", "topics": ["carer_relief"], "results": "Beraten.",
                                        "mode": "home", "duration_min": 30, "status": "draft"}]}, f)
        self.cli(field, "import", path)
        self.cli(field, "sync")
        proxy.push_fault = lambda answer: {k: v for k, v in answer.items() if k != "audit_stored"}
        self.export(field)  # opens the counselling record: an audit entry to send
        for _ in range(2):
            del proxy.pushes[:]
            self.cli(field, "sync")
            self.assertEqual(len(proxy.pushes), 1, proxy.pushes)
            self.assertGreater(len(proxy.pushes[0].get("audit", [])), 0)
        proxy.push_fault = None
        del proxy.pushes[:]
        self.cli(field, "sync")
        self.assertEqual(len(proxy.pushes), 1)
        del proxy.pushes[:]
        self.cli(field, "sync")
        self.assertEqual(proxy.pushes, [])

    def import_citizen(self, store, family_name):
        person = {"id": str(uuid.uuid4()), "family_name": family_name, "given_names": "Klaus",
                  "birth_date": "1949-05-04", "street": "Leipziger Straße", "house_number": "12",
                  "postcode": "06108", "city": "Halle (Saale)", "stadtteil": "altstadt",
                  "lat": 51.4797, "lon": 11.9769}
        path = os.path.join(self.dir, family_name + ".json")
        with open(path, "w") as f:
            json.dump({"citizens": [person]}, f)
        self.cli(store, "import", path)
        return person["id"]

    def planned_week_at_van(self):
        """Dispatch's demo week at the server and pulled by a van; the server's port."""
        dispatch = self.device("dispatch", "dispatch", "Dora Disponentin", "dispatch")
        self.cli(dispatch, "demo", "--date", DEMO_DATE)
        self.cli(dispatch, "sync")
        field = self.device("field", "field", "Frieda Feld", "soziales")
        self.cli(field, "sync")
        return dispatch, field, int(self.url.rsplit(":", 1)[1])

    def test_restored_server_answers_410(self):
        dispatch, field, port = self.planned_week_at_van()

        # A backup of the server, then more work that the van pulls.
        self.stop_server()
        backup = os.path.join(self.dir, "backup")
        shutil.copytree(self.server_data, backup)
        self.start_server(port)
        lost = self.import_visits(dispatch, 2)
        self.cli(dispatch, "sync")
        r = self.cli(field, "sync")
        self.assertRegex(r.stdout, r"pulled 2 changes")

        # The server is restored from the backup: the van's cursor lies past
        # its end, also after the one change the van's own push adds there.
        self.stop_server()
        shutil.rmtree(self.server_data)
        shutil.copytree(backup, self.server_data)
        self.start_server(port)
        unsent = self.import_citizen(field, "Offline")
        r = self.cli(field, "sync")
        self.assertRegex(r.stdout, r"^Pushed 1 \(1 applied, ")
        self.assertIn("fetched everything again", r.stdout)
        self.assertIn("Unsent changes: 0\n", self.status(field))
        # Nothing the van held is thrown away; its work is at the server.
        held = self.export(field)
        self.assertTrue(set(lost) <= {v["id"] for v in held["visits"]})
        self.assertIn(unsent, {c["id"] for c in held["citizens"]})
        r = subprocess.run([SERVER, "--data-dir", self.server_data, "admin", "export"], capture_output=True,
                           text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(unsent, {c["id"] for c in json.loads(r.stdout)["citizens"]})
        # The van pulled everything again: what dispatch planned is all there.
        planned = {v["id"] for v in json.loads(self.cli(dispatch, "visits", "--date", DEMO_DATE, "--json").stdout)}
        seen = {v["id"] for v in json.loads(self.cli(field, "visits", "--date", DEMO_DATE, "--json").stdout)}
        self.assertEqual(seen, planned)
        # Its new cursor is served: the next sync is an ordinary one.
        r = self.cli(field, "sync")
        self.assertNotIn("again", r.stdout)

    def admin(self, *args):
        r = subprocess.run([SERVER, "--data-dir", self.server_data, "admin", *args], capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def test_admin_restore_answers_410(self):
        dispatch, field, port = self.planned_week_at_van()

        # A backup while the server runs, then more work that the van pulls.
        backup = os.path.join(self.dir, "server.backup")
        self.admin("backup", backup)
        lost = self.import_visits(dispatch, 2)
        self.cli(dispatch, "sync")
        self.assertRegex(self.cli(field, "sync").stdout, r"pulled 2 changes")

        # Restored with the admin command; then dispatch writes more than
        # the restore took away, so the van's cursor no longer lies past the
        # server's last change: only the store's new epoch tells it is stale.
        self.stop_server()
        self.admin("restore", "--force", backup)
        self.start_server(port)
        r = self.cli(dispatch, "sync")
        self.assertIn("fetched everything again", r.stdout)
        later = [self.import_citizen(dispatch, name) for name in ("Später", "Zuletzt", "Nochmal", "Ende")]
        self.cli(dispatch, "sync")
        unsent = self.import_citizen(field, "Offline")
        r = self.cli(field, "sync")
        self.assertRegex(r.stdout, r"^Pushed 1 \(1 applied, ")
        self.assertIn("fetched everything again", r.stdout)
        self.assertIn("Unsent changes: 0\n", self.status(field))

        # The van ends with the server's view: everything the restored server
        # holds, at its versions (what dispatch wrote after the restore too),
        # its own unsent work at the server, and nothing it held thrown away.
        server = json.loads(self.admin("export"))
        held = self.export(field)
        for kind, at_server in self.van_share(server).items():
            at_device = {r["id"]: r["version"] for r in held[kind]}
            self.assertEqual({i: at_device.get(i) for i in at_server}, at_server, kind)
        self.assertTrue({*later, unsent} <= {c["id"] for c in server["citizens"]})
        self.assertTrue(set(lost) <= {v["id"] for v in held["visits"]})
        # The cursor of the new epoch is served: the next sync is an ordinary one.
        self.assertNotIn("again", self.cli(field, "sync").stdout)
        self.assertNotIn("again", self.cli(dispatch, "sync").stdout)

    def test_van_demo_is_the_vans_own_work(self):
        # Enrolled as a van, the demo writes what a van records itself, and
        # the next sync takes all of it without one refusal.
        field = self.device("field", "field", "Frieda Feld", "soziales")
        self.cli(field, "demo", "--date", DEMO_DATE)
        unsent = int(re.search(r"Unsent changes: (\d+)\n", self.status(field)).group(1))
        r = self.cli(field, "sync")
        self.assertRegex(r.stdout, rf"^Pushed {unsent} \({unsent} applied, 0 duplicate, 0 conflicts, 0 rejected\)")
        self.assertIn("Unsent changes: 0\n", self.status(field))
        self.assertIn("Sync issues: 0\n", self.status(field))
        held = self.export(field)
        self.assertEqual({v["status"] for v in held["visits"]}, {"done", "partly_done", "arrived"})
        self.assertEqual({v["source"] for v in held["visits"]}, {"on_the_spot"})
        self.assertEqual({c["status"] for c in held["cases"]}, {"captured"})
        for kind in ("counselling", "consents", "signatures", "cash_closures"):
            self.assertGreater(len(held[kind]), 0, kind)
        # All of it is at the server; the roster and the van it never sent.
        server = json.loads(self.admin("export"))
        for kind in ("citizens", "visits", "counselling", "cases", "consents", "signatures", "cash_closures"):
            self.assertEqual({r["id"] for r in held[kind]} - {r["id"] for r in server[kind]}, set(), kind)
        self.assertEqual(server["vans"], [])

        # A store enrolled nowhere still gets the whole week, every status.
        alone = os.path.join(self.dir, "alone")
        self.cli(alone, "init")
        self.cli(alone, "demo", "--date", DEMO_DATE)
        tour = self.export(alone)
        self.assertTrue({"requested", "scheduled", "confirmed", "not_met"} <= {v["status"] for v in tour["visits"]})
        self.assertTrue({"booked", "closed", "submitted"} <= {c["status"] for c in tour["cases"]})
        self.assertEqual(len(tour["vans"]), 1)

    def test_revoked_device_deletes_its_store(self):
        field = self.device("field", "field", "Frieda Feld", "soziales")
        self.cli(field, "demo", "--date", DEMO_DATE)
        self.cli(field, "sync")
        r = subprocess.run([SERVER, "--data-dir", self.server_data, "admin", "devices"], capture_output=True,
                           text=True, timeout=30)
        device_id = r.stdout.split("\t")[0]
        r = subprocess.run([SERVER, "--data-dir", self.server_data, "admin", "revoke", device_id],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.exists(os.path.join(field, "pepamo.db")))
        # Unsent work goes too: no server would take it any more.
        self.import_citizen(field, "Zuletzt")
        r = self.cli(field, "sync", code=1)
        self.assertIn("revoked this device: its store in %s was deleted" % field, r.stderr)
        self.assertEqual([f for f in os.listdir(field) if f.startswith("pepamo.db")], [])
        r = self.cli(field, "status", code=1)
        self.assertIn("No store in", r.stderr)

    def test_unknown_token_deletes_nothing(self):
        field = self.device("field", "field", "Frieda Feld", "soziales")
        self.import_citizen(field, "Bleibt")
        before = self.status(field)
        # Another server on the same address, which never enrolled this device.
        port = int(self.url.rsplit(":", 1)[1])
        self.stop_server()
        self.server_data = os.path.join(self.dir, "other-server")
        self.start_server(port)
        r = self.cli(field, "sync", code=1)
        self.assertIn("unknown token", r.stderr)
        self.assertNotIn("deleted", r.stderr)
        self.assertEqual(self.status(field), before)

    def test_removed_staff_loses_key_slot(self):
        field = self.device("field", "field", "Frieda Feld", "soziales")
        r = subprocess.run([SERVER, "--data-dir", self.server_data, "admin", "staff", "add", "--name", "Karl Kollege",
                            "--department", "soziales", "--role", "field"], capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        colleague = r.stdout.splitlines()[-1]
        self.cli(field, "sync")
        self.assertIn(colleague, {s["id"] for s in self.export(field)["staff"]})
        # IT gives the colleague a key slot on this laptop; their passphrase opens it.
        theirs = dict(os.environ, PEPAMO_PASSPHRASE="karls own passphrase")
        r = subprocess.run([CLI, "--data-dir", field, "key", "add", "--staff", colleague, "--name", "Karl Kollege",
                            "--department", "soziales"], capture_output=True, text=True, timeout=60,
                           env=dict(os.environ, PEPAMO_PASSPHRASE=PASSPHRASE,
                                    PEPAMO_NEW_PASSPHRASE=theirs["PEPAMO_PASSPHRASE"]))
        self.assertEqual(r.returncode, 0, r.stderr)
        opened = subprocess.run([CLI, "--data-dir", field, "status"], capture_output=True, text=True, timeout=60,
                                env=theirs)
        self.assertEqual(opened.returncode, 0, opened.stderr)

        r = subprocess.run([SERVER, "--data-dir", self.server_data, "admin", "staff", "remove", colleague],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(colleague, self.cli(field, "key", "list").stdout)
        r = self.cli(field, "sync")
        self.assertIn("Removed the key slot of 1 staff member whom the server removed.", r.stdout)
        self.assertNotIn(colleague, self.cli(field, "key", "list").stdout)
        refused = subprocess.run([CLI, "--data-dir", field, "status"], capture_output=True, text=True, timeout=60,
                                 env=theirs)
        self.assertEqual(refused.returncode, 1, refused.stdout)
        # The owner's slot stays, and the next sync has nothing more to remove.
        r = self.cli(field, "sync")
        self.assertNotIn("key slot", r.stdout)

    def test_demo_city(self):
        r = subprocess.run([SERVER, "--data-dir", self.server_data, "admin", "demo", "--city", "halle",
                            "--date", DEMO_DATE], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"^Demo week around %s written for halle: \d+ citizens, \d+ visits\n$" % DEMO_DATE)
        r = subprocess.run([SERVER, "--data-dir", self.server_data, "admin", "export"], capture_output=True,
                           text=True, timeout=60)
        server = json.loads(r.stdout)
        statuses = {c["status"] for c in server["cases"]}
        # The offices' week: every case status, counselling, care grades.
        self.assertGreaterEqual(len(statuses), 5, statuses)
        self.assertGreater(len(server["counselling"]), 0)
        self.assertTrue(any(c.get("care_grade") for c in server["citizens"]))

        field = self.device("field", "field", "Frieda Feld", "soziales")
        einwohnerwesen = self.device("einwohnerwesen", "einwohnerwesen", "Erik Einwohner", "einwohnerwesen")
        for store in (field, einwohnerwesen):
            r = self.cli(store, "sync")
            self.assertRegex(r.stdout, r"pulled [1-9]\d* changes")
        planned = {v["id"] for v in server["visits"] if v.get("date") == DEMO_DATE}
        self.assertGreater(len(planned), 0)

        # The van: its schedule and the people on it; the offices' cases and counselling stay theirs.
        van = self.export(field)
        self.assertEqual({v["id"] for v in json.loads(self.cli(field, "visits", "--date", DEMO_DATE,
                                                               "--json").stdout)}, planned)
        self.assertEqual(van["cases"], [])
        self.assertEqual(van["counselling"], [])
        self.assertFalse(any(c.get("care_grade") for c in van["citizens"]))

        # The registration office: its cases whole, in every status, no health data.
        office = self.export(einwohnerwesen)
        self.assertEqual({(c["id"], c["status"]) for c in office["cases"]},
                         {(c["id"], c["status"]) for c in server["cases"]})
        self.assertTrue(any(c.get("documents_presented") for c in office["cases"]))
        self.assertEqual(office["counselling"], [])
        self.assertFalse(any(c.get("care_grade") for c in office["citizens"]))
        self.assertEqual({v["id"] for v in office["visits"]}, {v["id"] for v in server["visits"]})

        # Once only: a second demo would double the city.
        r = subprocess.run([SERVER, "--data-dir", self.server_data, "admin", "demo", "--city", "halle"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("already holds visits", r.stderr)

    def test_stopped_server(self):
        field = self.device("field", "field", "Frieda Feld", "soziales")
        self.cli(field, "demo", "--date", DEMO_DATE)
        before = self.status(field)
        self.assertNotIn("Unsent changes: 0\n", before)
        self.stop_server()
        started = time.monotonic()
        r = self.cli(field, "sync", code=1)
        # Three retries with backoff, not more: 0.2 + 0.4 + 0.8 s.
        self.assertLess(time.monotonic() - started, 15)
        errors = [l for l in r.stderr.splitlines() if l.strip()]
        self.assertEqual(len(errors), 1, r.stderr)
        self.assertIn(self.url, errors[0])
        self.assertEqual(self.status(field), before)

    def test_not_enrolled(self):
        store = os.path.join(self.dir, "alone")
        self.cli(store, "init")
        for command in ("sync", "status"):
            r = self.cli(store, command, code=1)
            self.assertIn("not enrolled", r.stderr)

    def test_bad_token(self):
        store = os.path.join(self.dir, "stranger")
        self.cli(store, "init")
        r = self.cli(store, "enrol", "--server", self.url, "--token", "not-a-token", code=1)
        self.assertIn("401", r.stderr)
        self.cli(store, "status", code=1)


    @unittest.skipUnless(shutil.which("openssl"), "needs openssl to make a certificate")
    def test_tls_with_own_ca(self):
        self.stop_server()
        cert, key = os.path.join(self.dir, "cert.pem"), os.path.join(self.dir, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                       check=True, capture_output=True, timeout=30)
        config = os.path.join(self.dir, "server.conf")
        with open(config, "w") as f:
            f.write(f"[server]\nlisten = 127.0.0.1:0\ntls-cert = {cert}\ntls-key = {key}\n")
        self.server = subprocess.Popen([SERVER, "--config", config, "--data-dir", self.server_data],
                                       stdout=subprocess.PIPE, stderr=self.server_log, text=True)
        ready, _, _ = select.select([self.server.stdout], [], [], 15)
        line = self.server.stdout.readline() if ready else ""
        self.assertTrue(line.startswith("Listening on https://127.0.0.1:"), line + self.server_output())
        url = line[len("Listening on "):].strip()
        store = os.path.join(self.dir, "field")
        self.cli(store, "init")
        token = self.device_token("field")
        # The certificate is verified: unknown to the system, it is refused.
        r = self.cli(store, "enrol", "--server", url, "--token", token, code=1)
        self.assertIn("certificate", r.stderr)
        self.cli(store, "enrol", "--server", url, "--token", token, "--ca", cert)
        # The store remembers the CA for later syncs.
        self.cli(store, "sync")


class PullFaultProxy(http.server.BaseHTTPRequestHandler):
    """Forwards every request to the real server; each pull answer (a JSON
    object) is kept in `pages` and passed through `fault(n, status, body)`,
    n counting the pulls from 1, which returns what to answer instead."""

    @classmethod
    def start(cls, upstream, fault):
        handler = type("Proxy", (cls,), {"upstream": upstream, "pages": [], "fault": fault, "pushes": [],
                                         "push_fault": None})
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        handler.url = f"http://127.0.0.1:{httpd.server_address[1]}"

        def stop():
            httpd.shutdown()
            httpd.server_close()
            thread.join(timeout=10)
        handler.stop = staticmethod(stop)
        return handler

    def forward(self):
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length) if length else None
        host, port = self.upstream[len("http://"):].split(":")
        headers = {k: v for k, v in self.headers.items() if k.lower() in ("authorization", "accept", "content-type")}
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        connection.request(self.command, self.path, body=body, headers=headers)
        response = connection.getresponse()
        status, data = response.status, response.read()
        connection.close()
        cls = type(self)
        if self.path.startswith("/v1/sync/pull") and status == 200:
            page = json.loads(data)
            cls.pages.append(json.loads(data))
            if cls.fault:
                status, page = cls.fault(len(cls.pages), status, page)
            data = json.dumps(page).encode()
        if self.path.startswith("/v1/sync/push") and status == 200:
            answer = json.loads(data)
            cls.pushes.append(json.loads(body))
            if cls.push_fault:
                answer = cls.push_fault(answer)
            data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = forward

    def log_message(self, *args):
        pass


class FlakyServer(http.server.BaseHTTPRequestHandler):
    """Answers /v1/device with 503 for the first `failures` requests, an
    empty pull, and a Date header `clock_offset` seconds off."""
    failures = 0
    failure_status = 503
    requests = 0
    clock_offset = 0
    times = []
    pull_text = None  # a pull answer's body as it is sent, instead of an empty page

    def date_time_string(self, timestamp=None):
        return super().date_time_string(time.time() + FlakyServer.clock_offset)

    def do_GET(self):
        FlakyServer.requests += 1
        FlakyServer.times.append(time.monotonic())
        if FlakyServer.requests <= FlakyServer.failures:
            status, body = FlakyServer.failure_status, {"error": "Busy", "reason": "busy"}
        elif self.headers.get("Authorization") != "Bearer good":
            status, body = 401, {"error": "Unauthorized", "reason": "unknown token"}
        elif self.path.startswith("/v1/sync/pull"):
            status, body = 200, {"changes": [], "cursor": 0, "complete": True}
        else:
            status, body = 200, {"device_id": "d1", "role": "field", "city": "halle"}
        data = json.dumps(body).encode()
        if self.path.startswith("/v1/sync/pull") and FlakyServer.pull_text is not None:
            data = FlakyServer.pull_text.encode()
        self.send_response(status)
        if status == 429:
            self.send_header("Retry-After", "1")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


class RetryTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="pepamo-retry-")
        self.store = os.path.join(self.dir, "store")
        self.assertEqual(run("--data-dir", self.store, "init").returncode, 0)
        self.httpd = http.server.HTTPServer(("127.0.0.1", 0), FlakyServer)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        FlakyServer.requests = 0
        FlakyServer.clock_offset = 0
        FlakyServer.failure_status = 503
        FlakyServer.times = []
        FlakyServer.pull_text = None

    def tearDown(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)
        shutil.rmtree(self.dir)

    def test_5xx_is_retried_three_times(self):
        FlakyServer.failures = 100
        r = run("--data-dir", self.store, "enrol", "--server", self.url, "--token", "good")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(FlakyServer.requests, 4)
        self.assertIn("busy", r.stderr)

    def test_5xx_then_success(self):
        FlakyServer.failures = 2
        r = run("--data-dir", self.store, "enrol", "--server", self.url, "--token", "good")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, f"Enrolled as field device d1 at {self.url}\n")

    def test_429_waits_as_asked(self):
        FlakyServer.failures = 1
        FlakyServer.failure_status = 429
        r = run("--data-dir", self.store, "enrol", "--server", self.url, "--token", "good")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(FlakyServer.requests, 2)
        # Retry-After: 1 — not the 200 ms of the first backoff.
        self.assertGreaterEqual(FlakyServer.times[1] - FlakyServer.times[0], 0.9)

    def test_4xx_is_not_retried(self):
        FlakyServer.failures = 0
        r = run("--data-dir", self.store, "enrol", "--server", self.url, "--token", "bad")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(FlakyServer.requests, 1)
        self.assertIn("unknown token", r.stderr)

    def test_answer_that_is_not_strict_json_is_refused(self):
        r = run("--data-dir", self.store, "enrol", "--server", self.url, "--token", "good")
        self.assertEqual(r.returncode, 0, r.stderr)
        # A second value after the page (json-glib's reader took the first
        # and dropped the rest), then a page cut short: neither is applied,
        # and the cursor stays where it was.
        for text in ('{"changes": [], "cursor": 7, "complete": true}{"cursor": 9}',
                     '{"changes": [], "cursor": 7, "complete": tr'):
            FlakyServer.pull_text = text
            r = run("--data-dir", self.store, "sync")
            self.assertEqual(r.returncode, 1, r.stdout)
            self.assertIn("The server's answer is not a JSON object", r.stderr)
            self.assertIn("the body is not JSON", r.stderr)
            self.assertIn("Pull cursor: 0\n", run("--data-dir", self.store, "status").stdout)
        FlakyServer.pull_text = None
        r = run("--data-dir", self.store, "sync")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_clock_skew_is_reported(self):
        r = run("--data-dir", self.store, "enrol", "--server", self.url, "--token", "good")
        self.assertEqual(r.returncode, 0, r.stderr)
        # The server's clock is an hour behind: this device's is an hour ahead.
        FlakyServer.clock_offset = -3600
        r = run("--data-dir", self.store, "sync")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stderr, r"clock is (59|60) minutes ahead")
        FlakyServer.clock_offset = 30
        r = run("--data-dir", self.store, "sync")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("clock", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
