#!/usr/bin/python3
# test_data_protection.py: the data protection desk of the real
# pepamo-server: `admin subject-access` gathers everything about one person
# (Art. 15), as JSON and as a PDF read back with pdftotext, and nothing
# about anyone else.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
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
                           (["withdraw-consent"], 2), (["devices", "--on", "2026-11-10"], 2)):
            r = run_server("--data-dir", self.data, "admin", *args)
            self.assertEqual(r.returncode, code, (args, r.stderr))


if __name__ == "__main__":
    unittest.main()
