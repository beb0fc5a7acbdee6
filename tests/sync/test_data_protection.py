#!/usr/bin/python3
# test_data_protection.py: the data protection desk of the real
# pepamo-server: `admin subject-access` gathers everything about one person
# (Art. 15), as JSON and as a PDF read back with pdftotext, and nothing
# about anyone else; `admin erase` (Art. 17) deletes a person at the server
# and, at its next `pepamo-cli sync`, on a device that was offline at the
# time, keeping what the law requires; `admin correct` (Art. 16) reaches the
# device like any edit.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import shutil
import stat
import subprocess
import sys
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_muvis_report import counselling  # noqa: E402
from pm_server import ServerCase, citizen, entry, run_server, visit  # noqa: E402

import http.client  # noqa: E402


def consent(citizen_id, purpose="social_data"):
    return {
        "id": str(uuid.uuid4()), "version": 1,
        "created_at": "2026-11-20T08:00:00Z", "updated_at": "2026-11-20T08:00:00Z",
        "citizen_id": citizen_id, "purpose": purpose, "form": "written",
        "given_by": "person", "given_on": "2026-11-05",
    }


def push(port, token, entries):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("POST", "/v1/sync/push", body=json.dumps({"protocol": 1, "entries": entries}),
                           headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        return json.loads(connection.getresponse().read())
    finally:
        connection.close()


class SubjectAccessTest(ServerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.token = token = cls.enrol("field")
        cls.person = citizen()
        cls.person["family_name"] = "Auskunftsberechtigt"
        cls.other = citizen()
        cls.other["family_name"] = "Unbeteiligt"
        cls.visit = visit(cls.person["id"], date="2026-11-05", status="done")
        cls.other_visit = visit(cls.other["id"], date="2026-11-05", status="done")
        cls.consent = consent(cls.person["id"])
        cls.record = counselling(cls.visit, cls.person["id"], ["dementia"], ["day_care_place"])
        cls.record["results"] = "Tagespflege in der Nähe gesucht"
        cls.record["consent_ids"] = [cls.consent["id"]]
        entries = [entry("citizen", cls.person, "add_citizen"), entry("citizen", cls.other, "add_citizen"),
                   entry("visit", cls.visit, "schedule_visit"), entry("visit", cls.other_visit, "schedule_visit"),
                   entry("consent", cls.consent, "add_consent"),
                   entry("counselling", cls.record, "record_counselling")]
        answer = push(cls.port, token, entries)
        assert {r["outcome"] for r in answer["results"]} == {"applied"}, answer

    def test_json_and_pdf(self):
        json_path = os.path.join(self.dir, "auskunft.json")
        pdf_path = os.path.join(self.dir, "auskunft.pdf")
        r = run_server("--data-dir", self.data, "admin", "subject-access", self.person["id"],
                       "--json", json_path, "--pdf", pdf_path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(stat.S_IMODE(os.stat(json_path).st_mode), 0o600)
        with open(json_path) as f:
            doc = json.load(f)
        self.assertEqual(doc["format"], "pepamo-subject-access")
        self.assertEqual(doc["citizen_id"], self.person["id"])
        self.assertEqual([c["id"] for c in doc["citizens"]], [self.person["id"]])
        self.assertEqual([v["id"] for v in doc["visits"]], [self.visit["id"]])
        self.assertEqual([c["id"] for c in doc["counselling"]], [self.record["id"]])
        self.assertEqual(doc["counselling"][0]["results"], self.record["results"])
        self.assertEqual([c["id"] for c in doc["consents"]], [self.consent["id"]])
        # The server's audit of the pushes (and of this export) names the records.
        audited = {a["record_id"] for a in doc["audit"]}
        self.assertIn(self.record["id"], audited)
        self.assertIn(self.person["id"], audited)
        self.assertNotIn(self.other["id"], audited)
        self.assertNotIn(self.other_visit["id"], audited)
        self.assertNotIn("Unbeteiligt", json.dumps(doc))
        # As the devices reported them: the van created and last sent the counselling.
        reported = doc["reported_by"][self.record["id"]]
        self.assertEqual(reported["created_by"]["role"], "field")
        self.assertEqual(reported["last_changed_by"], reported["created_by"])
        self.assertEqual(set(doc["reported_by"]), {r["id"] for kind in ("citizens", "visits", "counselling",
                                                                        "consents", "audit") for r in doc[kind]})

        text = subprocess.run(["pdftotext", "-layout", pdf_path, "-"], capture_output=True, text=True,
                              check=True, timeout=30).stdout
        self.assertIn("Art. 15", text)
        self.assertIn("Auskunftsberechtigt", text)
        self.assertIn("Tagespflege in der Nähe gesucht", text)
        self.assertIn(self.visit["id"], text)
        self.assertIn(reported["created_by"]["device_id"], text)
        self.assertIn("Last reported by", text)
        self.assertNotIn("Unbeteiligt", text)

    def test_unknown_person_and_usage(self):
        r = run_server("--data-dir", self.data, "admin", "subject-access", str(uuid.uuid4()),
                       "--json", os.path.join(self.dir, "none.json"))
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertTrue(r.stderr.startswith("pepamo-server: admin subject-access:"), r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "none.json")))
        for args in (["subject-access"], ["subject-access", self.person["id"]],
                     ["subject-access", self.person["id"], "extra", "--json", "x.json"],
                     ["devices", "--pdf", "x.pdf"]):
            r = run_server("--data-dir", self.data, "admin", *args)
            self.assertEqual(r.returncode, 2, (args, r.stderr))


class WithdrawConsentTest(ServerCase):
    def test_withdrawal_stops_new_referrals(self):
        token = self.enrol("field")
        person = citizen()
        given = consent(person["id"], "referral")
        record = counselling(visit(person["id"]), person["id"], ["dementia"], [])
        record.pop("visit_id")
        record["consent_ids"] = [given["id"]]
        record["referrals"] = [{"to": "Pflegestützpunkt", "date": "2026-11-06", "consent_id": given["id"]}]
        answer = push(self.port, token, [entry("citizen", person, "add_citizen"), entry("consent", given, "add_consent"),
                                         entry("counselling", record, "record_counselling")])
        self.assertEqual({r["outcome"] for r in answer["results"]}, {"applied"}, answer)

        r = run_server("--data-dir", self.data, "admin", "withdraw-consent", given["id"], "--on", "2026-11-10")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("2026-11-10", r.stdout)
        # Recorded: in the audit, and at the devices with their next pull.
        exported = json.loads(run_server("--data-dir", self.data, "admin", "export").stdout)
        stored = {c["id"]: c for c in exported["consents"]}[given["id"]]
        self.assertEqual(stored["withdrawn_on"], "2026-11-10")
        self.assertIn("update", {a["action"] for a in exported["audit"] if a["record_id"] == given["id"]})

        # A new referral under it is refused; the old record stays.
        later = counselling(visit(person["id"]), person["id"], ["dementia"], [])
        later.pop("visit_id")
        later["consent_ids"] = [given["id"]]
        later["referrals"] = [{"to": "Tagespflege", "date": "2026-11-12", "consent_id": given["id"]}]
        answer = push(self.port, token, [entry("counselling", later, "record_counselling")])
        self.assertEqual(answer["results"][0]["outcome"], "rejected", answer)
        self.assertEqual(answer["results"][0]["code"], "invalid", answer)
        self.assertIn("withdrew", answer["results"][0]["message"])

        r = run_server("--data-dir", self.data, "admin", "withdraw-consent", given["id"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("already withdrawn on 2026-11-10", r.stdout)
        for args, code in ((["withdraw-consent", str(uuid.uuid4())], 1),
                           (["withdraw-consent"], 2), (["devices", "--on", "2026-11-10"], 2),
                           (["withdraw-consent", given["id"], "--on", "10.11.2026"], 2),
                           (["withdraw-consent", given["id"], "--on", "2026-02-30"], 2)):
            r = run_server("--data-dir", self.data, "admin", *args)
            self.assertEqual(r.returncode, code, (args, r.stderr))


CLI = os.environ["PEPAMO_CLI"]


def case(visit_record, citizen_id, service):
    return {
        "id": str(uuid.uuid4()), "version": 1,
        "created_at": "2026-11-20T08:00:00Z", "updated_at": "2026-11-20T08:00:00Z",
        "visit_id": visit_record["id"], "citizen_id": citizen_id,
        "staff_id": "d0000000-0000-4000-8000-000000000001", "service": service, "status": "captured",
        "documents_presented": ["old_id"], "photo_source": "on_site",
        "fingerprint_status": "captured" if service == "PA" else "not_applicable",
        "fee_cents": 0, "fee_waived": False, "payment_method": "none", "captured_on": "2026-11-05",
    }


class ErasureTest(ServerCase):
    """One person erased while a van was offline; the van's next sync."""

    def cli(self, *args, code=0):
        r = subprocess.run([CLI, "--data-dir", self.device, *args], capture_output=True, text=True,
                           env=dict(os.environ, PEPAMO_PASSPHRASE="correct horse battery"),
                           stdin=subprocess.DEVNULL, timeout=60)
        self.assertEqual(r.returncode, code, (args, r.stdout, r.stderr))
        return r

    def held(self):
        """Every id the van's store holds, by kind."""
        exported = json.loads(self.cli("export", "--format", "json").stdout)
        return {kind: {r["id"] for r in rows} for kind, rows in exported.items() if isinstance(rows, list)}

    def setUp(self):
        self.device = os.path.join(self.dir, "van-%s" % uuid.uuid4())
        self.token = self.enrol("field")
        self.person, self.other = citizen(), citizen()
        self.person["family_name"] = "Loeschbegehrend"
        self.own = visit(self.person["id"], date="2026-11-05", status="done")
        self.shared = visit(self.person["id"], date="2026-11-05", status="done")
        self.shared["citizen_ids"] = [self.person["id"], self.other["id"]]
        self.consent = consent(self.person["id"])
        self.record = counselling(self.own, self.person["id"], ["dementia"], [])
        self.passport = case(self.own, self.person["id"], "PA")
        self.registration = case(self.own, self.person["id"], "UM")
        # The van captured all of it and sent it; a van gets back what it created.
        self.cli("init", "--staff", "Frieda Feld", "--department", "soziales")
        self.cli("enrol", "--server", "http://127.0.0.1:%d" % self.port, "--token", self.enrol("field"))
        path = os.path.join(self.dir, "captured-%s.json" % uuid.uuid4())
        with open(path, "w") as f:
            json.dump({"citizens": [self.person, self.other], "visits": [self.own, self.shared],
                       "consents": [self.consent], "counselling": [self.record],
                       "cases": [self.passport, self.registration]}, f)
        self.cli("import", path)
        self.assertRegex(self.cli("sync").stdout, r"^Pushed \d+ \(\d+ applied, 0 duplicate, 0 conflicts, 0 rejected\)")
        held = self.held()
        self.assertIn(self.person["id"], held["citizens"])
        self.assertIn(self.record["id"], held["counselling"])
        self.assertLessEqual({self.own["id"], self.shared["id"]}, held["visits"])

    def tearDown(self):
        shutil.rmtree(self.device, ignore_errors=True)

    def erase(self):
        r = run_server("--data-dir", self.data, "admin", "erase", self.person["id"])
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def assert_erased(self, exported):
        """The person and the records about them are gone; the passport case stays."""
        ids = {kind: {r["id"] for r in rows} for kind, rows in exported.items() if isinstance(rows, list)}
        self.assertNotIn(self.person["id"], ids["citizens"])
        self.assertIn(self.other["id"], ids["citizens"])
        self.assertIn(self.passport["id"], ids["cases"])
        self.assertNotIn(self.registration["id"], ids["cases"])
        self.assertNotIn(self.record["id"], ids["counselling"])
        self.assertNotIn(self.consent["id"], ids["consents"])
        self.assertNotIn(self.own["id"], ids["visits"])
        self.assertEqual([v["citizen_ids"] for v in exported["visits"] if v["id"] == self.shared["id"]],
                         [[self.other["id"]]])

    def test_erasure_reaches_the_offline_van(self):
        out = self.erase()
        # Named: what went, what stays and why.
        for gone in (self.person, self.own, self.consent, self.record, self.registration):
            self.assertIn(gone["id"], out.split("Kept")[0])
        self.assertIn("Removed %s from 1 visits" % self.person["id"], out)
        kept = out.split("Kept, as the law requires:\n")[1]
        self.assertIn(self.passport["id"], kept)
        self.assertIn("PAuswG", kept)
        self.assertNotIn(self.registration["id"], kept)

        # At the server: the passport case stays, the rest is gone.
        exported = json.loads(run_server("--data-dir", self.data, "admin", "export").stdout)
        self.assert_erased(exported)
        self.assertNotIn("Loeschbegehrend", json.dumps(exported))
        audit = json.loads(run_server("--data-dir", self.data, "admin", "audit", "--format", "json").stdout)
        erasure = [a for a in audit if a["action"] == "admin erase" and self.person["id"] in a["detail"]]
        self.assertEqual(len(erasure), 1, audit)
        self.assertIn(self.person["id"], erasure[0]["detail"])
        self.assertEqual(erasure[0]["count"], 5)

        # The van was offline; its next sync removes the person there too.
        self.cli("sync")
        self.assert_erased(json.loads(self.cli("export", "--format", "json").stdout))

    def test_deletion_markers_follow_the_scope(self):
        self.erase()
        office = self.enrol("einwohnerwesen")
        deletions = {c["id"]: c["kind"] for c in self.pull_all(office)[0] if c.get("deleted")}
        # The office never saw the counselling record, so it is not told of its deletion.
        self.assertNotIn(self.record["id"], deletions)
        self.assertEqual(deletions.get(self.registration["id"]), "case")
        for change in self.pull_all(office)[0]:
            if change.get("deleted"):
                self.assertEqual(set(change), {"seq", "kind", "id", "deleted"})

    def test_erased_record_is_not_taken_again(self):
        self.erase()
        again = dict(self.record, version=2, results="Nachtrag")
        answer = push(self.port, self.token, [entry("counselling", again, "update_counselling", base_version=1),
                                              entry("citizen", self.person, "add_citizen")])
        self.assertEqual([r["outcome"] for r in answer["results"]], ["rejected", "rejected"], answer)
        self.assertEqual({r["code"] for r in answer["results"]}, {"erased"}, answer)
        exported = json.loads(run_server("--data-dir", self.data, "admin", "export").stdout)
        self.assertNotIn(self.person["id"], {c["id"] for c in exported["citizens"]})

        # Nor a new record about the erased person, nor an edit of their visit; and the
        # refused content does not reach the owning office as a sync issue.
        dispatch = self.enrol("dispatch")
        moved = dict(self.own, version=2, notes="Nachtrag")
        answer = push(self.port, self.token, [entry("consent", consent(self.person["id"]), "add_consent"),
                                              entry("visit", moved, "update_visit", base_version=1)])
        self.assertEqual({r["code"] for r in answer["results"]}, {"erased"}, answer)
        status, page = self.request("GET", "/v1/sync/pull?after=0&limit=1000&issues=1", dispatch)
        self.assertEqual(status, 200, page)
        self.assertEqual([c for c in page["changes"] if c["kind"] == "sync_issue"], [])

    def test_unsent_edit_on_the_van(self):
        # The van edits the counselling record while offline; the erasure wins.
        path = os.path.join(self.dir, "edit-%s.json" % uuid.uuid4())
        exported = json.loads(self.cli("export", "--format", "json").stdout)
        edited = next(c for c in exported["counselling"] if c["id"] == self.record["id"])
        edited["results"] = "Nachtrag offline"
        with open(path, "w") as f:
            json.dump({"counselling": [edited]}, f)
        self.cli("import", path)
        self.assertNotIn("Unsent changes: 0\n", self.cli("status").stdout)
        self.erase()
        self.cli("sync")
        held = self.held()
        self.assertNotIn(self.record["id"], held["counselling"])
        self.assertNotIn(self.person["id"], held["citizens"])
        status = self.cli("status").stdout
        self.assertIn("Unsent changes: 0\n", status)
        self.assertIn("Sync issues: 0\n", status)

    def test_correction_reaches_the_van(self):
        r = run_server("--data-dir", self.data, "admin", "correct", self.person["id"],
                       "--field", "family_name", "--value", "Berichtigt")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Corrected family_name of %s" % self.person["id"], r.stdout)
        exported = json.loads(run_server("--data-dir", self.data, "admin", "export").stdout)
        stored = next(c for c in exported["citizens"] if c["id"] == self.person["id"])
        self.assertEqual(stored["family_name"], "Berichtigt")
        self.assertEqual(stored["version"], 2)
        self.assertIn("update", {a["action"] for a in exported["audit"] if a["record_id"] == self.person["id"]})
        audit = json.loads(run_server("--data-dir", self.data, "admin", "audit", "--format", "json").stdout)
        corrections = [a for a in audit if a["action"] == "admin correct" and self.person["id"] in a["detail"]]
        self.assertEqual(len(corrections), 1, audit)
        # The audit names the field, not the values.
        self.assertNotIn("Berichtigt", json.dumps(audit))

        self.cli("sync")
        held = json.loads(self.cli("export", "--format", "json").stdout)["citizens"]
        self.assertEqual([c["family_name"] for c in held if c["id"] == self.person["id"]], ["Berichtigt"])

        # Bad input: a value the record's checks refuse, a field that is not
        # the person's text; the record stays as it was.
        r = run_server("--data-dir", self.data, "admin", "correct", self.person["id"],
                       "--field", "birth_date", "--value", "1949-13-40")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertTrue(r.stderr.startswith("pepamo-server: admin correct:"), r.stderr)
        for args in (["--field", "lat", "--value", "1"], ["--field", "id", "--value", "x"],
                     ["--field", "family_name"], ["--value", "x"]):
            r = run_server("--data-dir", self.data, "admin", "correct", self.person["id"], *args)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
        r = run_server("--data-dir", self.data, "admin", "correct", str(uuid.uuid4()),
                       "--field", "family_name", "--value", "X")
        self.assertEqual(r.returncode, 1, r.stderr)
        exported = json.loads(run_server("--data-dir", self.data, "admin", "export").stdout)
        stored = next(c for c in exported["citizens"] if c["id"] == self.person["id"])
        self.assertEqual((stored["birth_date"], stored["version"]), (self.person["birth_date"], 2))

    def test_unknown_person_and_usage(self):
        r = run_server("--data-dir", self.data, "admin", "erase", str(uuid.uuid4()))
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertTrue(r.stderr.startswith("pepamo-server: admin erase:"), r.stderr)
        for args in (["erase"], ["erase", self.person["id"], "extra"], ["erase", self.person["id"], "--on", "x"]):
            self.assertEqual(run_server("--data-dir", self.data, "admin", *args).returncode, 2, args)
        exported = json.loads(run_server("--data-dir", self.data, "admin", "export").stdout)
        self.assertIn(self.person["id"], {c["id"] for c in exported["citizens"]})


class PurgeTest(ServerCase):
    """`admin purge` with the city's periods and with the config file's."""

    def test_periods(self):
        token = self.enrol("field")
        person = citizen()
        old = visit(person["id"], date="2024-01-10", status="done")
        recent = visit(person["id"], date="2026-11-05", status="done")
        answer = push(self.port, token, [entry("citizen", person, "add_citizen"),
                                         entry("visit", old, "schedule_visit"), entry("visit", recent, "schedule_visit")])
        self.assertEqual({r["outcome"] for r in answer["results"]}, {"applied"}, answer)

        def visit_ids():
            exported = json.loads(run_server("--data-dir", self.data, "admin", "export").stdout)
            return {v["id"] for v in exported["visits"]}

        # A config whose period is longer: nothing is due.
        config = os.path.join(self.dir, "server.conf")
        with open(config, "w") as f:
            f.write("[retention]\nvisit-after-ended = 5000\n")
        r = run_server("--config", config, "--data-dir", self.data, "admin", "purge", "--dry-run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Due: 0 cases (closed 90 days), 0 visits (ended 5000 days)", r.stdout)

        r = run_server("--data-dir", self.data, "admin", "purge", "--dry-run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("1 visits (ended 365 days)", r.stdout)
        self.assertEqual(visit_ids(), {old["id"], recent["id"]})

        r = run_server("--data-dir", self.data, "admin", "purge")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith("Deleted 0 cases (closed 90 days), 1 visits (ended 365 days)"), r.stdout)
        self.assertIn("the server's audit is kept", r.stdout)
        self.assertEqual(visit_ids(), {recent["id"]})
        # The van that sent it is told to delete its copy.
        changes, _ = self.pull_all(token)
        self.assertIn({"kind": "visit", "id": old["id"], "deleted": True},
                      [{k: c[k] for k in ("kind", "id", "deleted")} for c in changes if c.get("deleted")])
        audit = json.loads(run_server("--data-dir", self.data, "admin", "audit", "--format", "json").stdout)
        # The running server applied the periods once when it started (nothing was due then).
        purges = [a for a in audit if a["action"].startswith("purge")]
        self.assertEqual([a["action"] for a in purges], ["purge", "purge dry-run", "purge dry-run", "purge"])
        self.assertIn("daily run", purges[0]["detail"])
        self.assertIn("1 visits", purges[-1]["detail"])

        r = run_server("--data-dir", self.data, "admin", "purge", "extra")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(visit_ids(), {recent["id"]})


if __name__ == "__main__":
    unittest.main()
