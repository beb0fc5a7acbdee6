#!/usr/bin/python3
# test_handover.py: the hand-over to the registration system as a clerk and
# an import job use it: `pepamo-cli handover` validates against its documented
# schema and carries every field of a case, `handover-sheet` renders a PDF
# with the same fields, bad ids and the wrong department give clear errors;
# `purge` deletes the cases past their deletion period and audits it.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import shutil
import subprocess
import tempfile
import unittest
import uuid

import jsonschema

CLI = os.environ["PEPAMO_CLI"]
SCHEMA = os.path.join(os.environ["PEPAMO_CORE_DATA"], "handover.schema.json")
DAY = "2026-11-18"
PASSPHRASE = "correct horse battery"

FORM = {
    "new_address": "Beesener Straße 227, 06132 Halle (Saale)",
    "move_in_date": "2026-11-01",
    "previous_address": "Hansering 3, 06108 Halle (Saale)",
    "co_moving": "keine",
    "landlord": {"name": "AWO Seniorenzentrum Lindenhof", "address": "Beesener Straße 227",
                 "is_owner": True, "date": "2026-10-28"},
    "section_32": {"other_dwelling": False, "stay_over_3_months": True, "facility_notified": False},
}


def run(*args, lang=None):
    env = dict(os.environ, PEPAMO_PASSPHRASE=PASSPHRASE)
    if lang:
        env.update(LANG=lang, LC_ALL=lang, LANGUAGE="de")
    return subprocess.run([CLI, *args], capture_output=True, text=True, env=env,
                          stdin=subprocess.DEVNULL, timeout=120)


def pdf_text(path):
    return subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True,
                          check=True, timeout=60).stdout


def german_date(iso):
    year, month, day = iso.split("-")
    return f"{day}.{month}.{year}"


class HandoverTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="pepamo-handover-test-")
        cls.data = os.path.join(cls.dir, "data")
        for args in (("init",), ("demo", "--date", DAY)):
            r = run("--data-dir", cls.data, *args)
            assert r.returncode == 0, r.stderr
        export = json.loads(run("--data-dir", cls.data, "export", "--format", "json").stdout)
        cls.citizens = {c["id"]: c for c in export["citizens"]}
        # A registration case with its form, captured on a day of its own.
        template = next(c for c in export["cases"] if c["service"] in ("UM", "AN"))
        moved = dict(template, id=str(uuid.uuid4()), version=1, captured_on="2026-11-02",
                     status="captured", form=FORM, documents_presented=["old_id", "landlord_confirmation"])
        for member in ("receipt_no", "registration_number", "status_reason", "status_history"):
            moved.pop(member, None)
        path = os.path.join(cls.dir, "import.json")
        with open(path, "w") as f:
            json.dump({"cases": [moved]}, f)
        r = run("--data-dir", cls.data, "import", path)
        assert r.returncode == 0, r.stderr
        cls.moved = moved
        cls.cases = json.loads(run("--data-dir", cls.data, "export", "--format", "json").stdout)["cases"]
        with open(SCHEMA) as f:
            cls.schema = json.load(f)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir)

    def handover(self, day):
        out = os.path.join(self.dir, f"handover-{day}.json")
        r = run("--data-dir", self.data, "handover", "--date", day, "--output", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out) as f:
            doc = json.load(f)
        jsonschema.Draft202012Validator.check_schema(self.schema)
        jsonschema.Draft202012Validator(self.schema).validate(doc)
        return doc

    def test_day_validates_and_holds_every_case(self):
        days = sorted({c["captured_on"] for c in self.cases})
        total = 0
        for day in days:
            doc = self.handover(day)
            expected = [c for c in self.cases if c["captured_on"] == day and c["status"] != "rejected"]
            self.assertEqual(doc["date"], day)
            self.assertEqual(sorted(c["case_id"] for c in doc["cases"]), sorted(c["id"] for c in expected))
            total += len(doc["cases"])
        self.assertGreater(total, 5)
        # A day without cases is an empty hand-over, not an error.
        self.assertEqual(self.handover("2020-01-01")["cases"], [])

    def test_every_field_of_a_case(self):
        for day in sorted({c["captured_on"] for c in self.cases}):
            for item in self.handover(day)["cases"]:
                case = next(c for c in self.cases if c["id"] == item["case_id"])
                person = self.citizens[case["citizen_id"]]
                self.assertEqual(item["service"]["code"], case["service"])
                self.assertEqual(item["status"], case["status"])
                self.assertEqual(item["captured_on"], case["captured_on"])
                self.assertEqual(item.get("registration_number"), case.get("registration_number"))
                self.assertEqual(item["fee"]["amount_cents"], case["fee_cents"])
                self.assertEqual(item["fee"]["waived"], case["fee_waived"])
                self.assertEqual(item["fee"].get("waiver_reason"), case.get("waiver_reason"))
                self.assertEqual(item["fee"].get("payment_method"), case.get("payment_method"))
                self.assertEqual(item["fee"].get("receipt_no"), case.get("receipt_no"))
                self.assertEqual([d["code"] for d in item["documents"]["presented"]],
                                 case.get("documents_presented", []))
                self.assertEqual(item["person"]["family_name"], person["family_name"])
                self.assertEqual(item["person"]["birth_date"], person["birth_date"])
                self.assertEqual(item["address"]["street"], person["street"])
                if item["service"]["kind"] == "passport_id":
                    for field in ("photo_source", "fingerprint_status", "pin_letter_delivery", "handover_mode"):
                        self.assertEqual(item["id_document"].get(field), case.get(field), field)
                    self.assertEqual(item["id_document"]["options"], case.get("options", []))
                if case.get("visit_id"):
                    self.assertEqual(item["visit"]["id"], case["visit_id"])
        moved = next(c for c in self.handover("2026-11-02")["cases"] if c["case_id"] == self.moved["id"])
        self.assertEqual(moved["registration"], FORM)
        self.assertEqual([d["code"] for d in moved["documents"]["missing"]], [])

    def test_sheet_renders_the_fields_in_german(self):
        case = next(c for c in self.cases
                    if c.get("receipt_no") and c["status"] != "rejected" and c.get("visit_id"))
        person = self.citizens[case["citizen_id"]]
        out = os.path.join(self.dir, "sheet.pdf")
        r = run("--data-dir", self.data, "handover-sheet", case["id"], "--output", out, lang="de_DE.UTF-8")
        self.assertEqual(r.returncode, 0, r.stderr)
        text = pdf_text(out)
        for expected in ("Vorerfassung", "Familienname", person["family_name"], person["given_names"],
                         german_date(person["birth_date"]), case["receipt_no"], "Gebühr und Zahlung",
                         "Unterlagen", "Unterschrift", "Beim Besuch erfasst"):
            self.assertIn(expected, text)
        # The form's fields in the order of the official form.
        self.assertLess(text.index("Familienname"), text.index("Vornamen"))
        self.assertLess(text.index("Vornamen"), text.index("Geburtsdatum"))

        out = os.path.join(self.dir, "moved.pdf")
        r = run("--data-dir", self.data, "handover-sheet", self.moved["id"], "-o", out, lang="de_DE.UTF-8")
        self.assertEqual(r.returncode, 0, r.stderr)
        text = pdf_text(out)
        for expected in ("Meldeschein", "Beesener Straße 227, 06132", "01.11.2026",
                         "Wohnungsgeberbestätigung", "AWO Seniorenzentrum Lindenhof", "§ 32 BMG"):
            self.assertIn(expected, text)

    def test_handover_is_audited(self):
        self.handover(DAY)
        export = json.loads(run("--data-dir", self.data, "export", "--format", "json").stdout)
        handed = {c["id"] for c in self.cases if c["captured_on"] == DAY and c["status"] != "rejected"}
        logged = {a["record_id"] for a in export["audit"] if a["action"] == "export"}
        self.assertTrue(handed <= logged)

    def test_bad_input(self):
        out = os.path.join(self.dir, "bad.pdf")
        r = run("--data-dir", self.data, "handover-sheet", "not-a-case", "-o", out)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("give the record's id", r.stderr)
        missing = str(uuid.uuid4())
        r = run("--data-dir", self.data, "handover-sheet", missing, "-o", out)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn(f"No record with the id {missing}", r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1)
        self.assertFalse(os.path.exists(out))
        r = run("--data-dir", self.data, "handover-sheet", self.moved["id"])
        self.assertEqual(r.returncode, 2, r.stderr)
        r = run("--data-dir", self.data, "handover", "--date", "18.11.2026")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("--date must be YYYY-MM-DD", r.stderr)

    def test_other_department_is_refused(self):
        data = os.path.join(self.dir, "soziales")
        r = run("--data-dir", data, "init", "--staff", "Petra Beraterin", "--department", "soziales")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = run("--data-dir", data, "handover", "--date", DAY)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("Only the registration office", r.stderr)


class PurgeTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="pepamo-purge-test-")
        self.data = os.path.join(self.dir, "data")
        for args in (("init",), ("demo", "--date", DAY)):
            r = run("--data-dir", self.data, *args)
            self.assertEqual(r.returncode, 0, r.stderr)

    def tearDown(self):
        shutil.rmtree(self.dir)

    def export(self):
        return json.loads(run("--data-dir", self.data, "export", "--format", "json").stdout)

    def test_dry_run_then_purge(self):
        before = self.export()
        over = sorted(c["id"] for c in before["cases"] if c["status"] in ("handed_over", "closed", "rejected"))
        self.assertGreater(len(over), 0)

        # Just written: within the city's 14 days, nothing is due.
        r = run("--data-dir", self.data, "purge", "--dry-run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("0 cases would be deleted (deletion period 14 days)", r.stdout)

        r = run("--data-dir", self.data, "purge", "--dry-run", "--days", "0")
        self.assertEqual(r.returncode, 0, r.stderr)
        listed = sorted(line.split("\t")[0] for line in r.stdout.splitlines() if "\t" in line)
        self.assertEqual(listed, over)
        self.assertEqual(len(self.export()["cases"]), len(before["cases"]))

        r = run("--data-dir", self.data, "purge", "--days", "0")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(f"{len(over)} cases deleted", r.stdout)
        after = self.export()
        self.assertEqual(sorted(c["id"] for c in before["cases"] if c["id"] not in over),
                         sorted(c["id"] for c in after["cases"]))
        self.assertFalse({s["record_id"] for s in after["signatures"]} & set(over))
        deleted = {a["record_id"] for a in after["audit"] if a["action"] == "delete"}
        self.assertEqual(deleted, set(over))

    def test_period_beyond_the_server_is_refused(self):
        r = run("--data-dir", self.data, "purge", "--days", "91")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("between 0 and 90 days", r.stderr)
        r = run("--data-dir", self.data, "purge", "--days", "lots")
        self.assertEqual(r.returncode, 2, r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
