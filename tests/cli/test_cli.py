#!/usr/bin/python3
# test_cli.py: pepamo-cli as a script would use it: exit codes, one-line
# errors, and an export that validates against its documented schema.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import datetime
import json
import os
import shutil
import subprocess
import tempfile
import unittest
import uuid

import jsonschema

CLI = os.environ["PEPAMO_CLI"]
SCHEMA = os.path.join(os.environ["PEPAMO_CORE_DATA"], "export.schema.json")


def run(*args, env_extra=None, passphrase="correct horse battery"):
    env = dict(os.environ)
    env.pop("PEPAMO_PASSPHRASE", None)
    if passphrase is not None:
        env["PEPAMO_PASSPHRASE"] = passphrase
    env.update(env_extra or {})
    return subprocess.run([CLI, *args], capture_output=True, text=True, env=env,
                          stdin=subprocess.DEVNULL, timeout=120)


class CliTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="pepamo-cli-test-")
        self.data = os.path.join(self.dir, "data")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def assertOneLineError(self, result, code, text=None):
        self.assertEqual(result.returncode, code, result.stderr)
        lines = [l for l in result.stderr.splitlines() if l.strip()]
        self.assertTrue(lines and lines[0].startswith("pepamo-cli"), result.stderr)
        if code == 1:
            self.assertEqual(len(lines), 1, result.stderr)
        if text:
            self.assertIn(text, result.stderr)

    def init_demo(self):
        self.assertEqual(run("--data-dir", self.data, "init").returncode, 0)
        r = run("--data-dir", self.data, "demo")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_init_demo_export(self):
        self.init_demo()
        r = run("--data-dir", self.data, "export", "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        doc = json.loads(r.stdout)
        with open(SCHEMA) as f:
            schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(schema)
        jsonschema.Draft202012Validator(schema).validate(doc)
        for key in ("staff", "citizens", "visits", "counselling", "cases", "consents", "audit"):
            self.assertIsInstance(doc[key], list, key)
        self.assertGreaterEqual(len(doc["visits"]), 10)
        self.assertGreaterEqual(len(doc["citizens"]), 40)
        # Every write left an audit entry naming who did it.
        self.assertGreaterEqual(len(doc["audit"]), len(doc["visits"]))
        self.assertTrue(all(a["actor_id"] for a in doc["audit"]))
        # Exporting counselling records and cases opens them: audited.
        again = json.loads(run("--data-dir", self.data, "export", "--format", "json").stdout)
        exported = {a["record_id"] for a in again["audit"] if a["action"] == "export"}
        self.assertEqual(exported, {r["id"] for r in doc["counselling"]} | {r["id"] for r in doc["cases"]})

    def test_import_export_round_trip(self):
        self.init_demo()
        exported = json.loads(run("--data-dir", self.data, "export", "--format", "json").stdout)
        path = os.path.join(self.dir, "export.json")
        with open(path, "w") as f:
            json.dump(exported, f)
        other = os.path.join(self.dir, "other")
        self.assertEqual(run("--data-dir", other, "init").returncode, 0)
        r = run("--data-dir", other, "import", path)
        self.assertEqual(r.returncode, 0, r.stderr)
        again = json.loads(run("--data-dir", other, "export", "--format", "json").stdout)
        for key in ("citizens", "visits", "counselling", "cases"):
            self.assertEqual({x["id"] for x in again[key]}, {x["id"] for x in exported[key]}, key)
        # Audit entries are not imported: the new store has only its own.
        self.assertFalse({a["id"] for a in again["audit"]} & {a["id"] for a in exported["audit"]})

    def test_import_bad_input_keeps_the_store(self):
        self.init_demo()
        before = run("--data-dir", self.data, "export", "--format", "json").stdout
        citizens = len(json.loads(before)["citizens"])
        bad_json = os.path.join(self.dir, "bad.json")
        with open(bad_json, "w") as f:
            f.write('{"citizens": [')
        self.assertOneLineError(run("--data-dir", self.data, "import", bad_json), 1, "bad.json")
        not_list = os.path.join(self.dir, "not-list.json")
        with open(not_list, "w") as f:
            json.dump({"citizens": {"id": "x"}}, f)
        self.assertOneLineError(run("--data-dir", self.data, "import", not_list), 1, "citizens")
        # One good and one invalid record: nothing of the file is saved.
        good = dict(json.loads(before)["citizens"][0], id=str(uuid.uuid4()))
        good.pop("version", None)
        invalid = dict(good, id=str(uuid.uuid4()), postcode="61")
        mixed = os.path.join(self.dir, "mixed.json")
        with open(mixed, "w") as f:
            json.dump({"citizens": [good, invalid]}, f)
        self.assertOneLineError(run("--data-dir", self.data, "import", mixed), 1)
        after = json.loads(run("--data-dir", self.data, "export", "--format", "json").stdout)
        self.assertEqual(len(after["citizens"]), citizens)
        self.assertOneLineError(run("--data-dir", self.data, "import"), 2)

    def test_export_to_file_is_private(self):
        self.init_demo()
        out = os.path.join(self.dir, "export.json")
        r = run("--data-dir", self.data, "export", "--format", "json", "--output", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(os.stat(out).st_mode & 0o077, 0)
        with open(out) as f:
            self.assertEqual(json.load(f)["format"], "pepamo-export")

    def test_visits_of_today(self):
        self.init_demo()
        r = run("--data-dir", self.data, "visits", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        visits = json.loads(r.stdout)
        self.assertGreaterEqual(len(visits), 10)
        today = datetime.date.today().isoformat()
        self.assertTrue(all(v["date"] == today for v in visits))
        orders = [v["route_order"] for v in visits]
        self.assertEqual(orders, sorted(orders))
        table = run("--data-dir", self.data, "visits", "--date", today)
        self.assertEqual(len(table.stdout.strip().splitlines()), len(visits))

    def test_visits_of_an_empty_day(self):
        self.init_demo()
        r = run("--data-dir", self.data, "visits", "--date", "2001-01-01")
        self.assertEqual(r.returncode, 0)
        self.assertIn("2001-01-01", r.stdout)

    def test_usage_errors_exit_2(self):
        for args in ([], ["frobnicate"], ["--bogus", "init"], ["--data-dir", self.data, "export"],
                     ["--data-dir", self.data, "export", "--format", "xml"],
                     ["--data-dir", self.data, "visits", "--date", "22.11.2026"],
                     ["--data-dir", self.data, "init", "--department", "finance"],
                     ["--data-dir", self.data, "init", "--staff", "Erika"],
                     ["--data-dir", self.data, "demo", "--no-such-option"],
                     ["--data-dir", self.data, "init", "extra"]):
            with self.subTest(args=args):
                self.assertOneLineError(run(*args), 2)

    def test_failures_exit_1(self):
        self.assertOneLineError(run("--data-dir", self.data, "demo"), 1, "init")
        self.assertOneLineError(run("--data-dir", self.data, "visits"), 1)
        self.assertOneLineError(run("--data-dir", self.data, "init", passphrase=None), 1, "PEPAMO_PASSPHRASE")
        self.assertFalse(os.path.exists(self.data))
        self.init_demo()
        self.assertOneLineError(run("--data-dir", self.data, "init"), 1, "already exists")

    def test_demo_twice_changes_nothing(self):
        self.init_demo()
        before = json.loads(run("--data-dir", self.data, "export", "--format", "json").stdout)
        self.assertOneLineError(run("--data-dir", self.data, "demo"), 1)
        after = json.loads(run("--data-dir", self.data, "export", "--format", "json").stdout)
        self.assertEqual(len(before["visits"]), len(after["visits"]))
        # Only the second export's own audit entries are new.
        new = after["audit"][len(before["audit"]):]
        self.assertEqual(after["audit"][:len(before["audit"])], before["audit"])
        self.assertEqual({a["action"] for a in new}, {"export"})

    def test_init_with_staff(self):
        r = run("--data-dir", self.data, "init", "--staff", "Sabine Beispiel", "--department", "soziales")
        self.assertEqual(r.returncode, 0, r.stderr)
        staff = json.loads(run("--data-dir", self.data, "export", "--format", "json").stdout)["staff"]
        self.assertEqual([(s["display_name"], s["department"], s["role"]) for s in staff],
                         [("Sabine Beispiel", "soziales", "field")])

    def test_wrong_passphrase(self):
        self.init_demo()
        r = run("--data-dir", self.data, "visits", passphrase="wrong")
        self.assertOneLineError(r, 1, "Wrong passphrase")
        self.assertEqual(r.stdout, "")
        self.assertEqual(run("--data-dir", self.data, "visits").returncode, 0)

    def test_init_prints_recovery_key_once(self):
        r = run("--data-dir", self.data, "init")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"(?m)^[A-Z2-7]{4}(-[A-Z2-7]{4}){12}$")
        keyfile = os.path.join(self.dir, "recovery.txt")
        other = os.path.join(self.dir, "other")
        r = run("--data-dir", other, "init", "--recovery-key-file", keyfile)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotRegex(r.stdout, r"[A-Z2-7]{4}-[A-Z2-7]{4}-")
        self.assertEqual(os.stat(keyfile).st_mode & 0o077, 0)

    def test_nothing_readable_on_disk(self):
        self.init_demo()
        doc = json.loads(run("--data-dir", self.data, "export", "--format", "json").stdout)
        # Long enough (8+ bytes) that ciphertext cannot hold one by chance.
        canaries = {f'{c["given_names"]} {c["family_name"]}' for c in doc["citizens"]}
        canaries |= {c["street"] for c in doc["citizens"] if len(c["street"].encode()) >= 8}
        canaries |= {c["phone"] for c in doc["citizens"]}
        canaries |= {"Pflegeberatung", "SQLite format 3", doc["citizens"][0]["birth_date"]}
        names = sorted(os.listdir(self.data))
        self.assertTrue(set(names) <= {"pepamo.db", "pepamo.db-wal", "pepamo.db-shm"}, names)
        for name in names:
            with open(os.path.join(self.data, name), "rb") as f:
                data = f.read()
            for canary in canaries:
                self.assertFalse(canary.encode() in data, f"{canary!r} readable in {name}")
        r = run("--data-dir", self.data, "verify")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_fees(self):
        cases = [
            (["--service", "PA", "--birth-date", "1950-05-05", "--date", "2026-02-06"], "37.00"),
            (["--service", "PA", "--birth-date", "1950-05-05", "--date", "2026-02-07"], "46.00"),
            # Under 24 the day before the 24th birthday, 24 on it.
            (["--service", "PA", "--birth-date", "2002-03-10", "--date", "2026-03-09"], "27.60"),
            (["--service", "PA", "--birth-date", "2002-03-10", "--date", "2026-03-10"], "46.00"),
            (["--service", "RP", "--birth-date", "1950-01-01", "--date", "2026-11-22",
              "--option", "express", "--option", "48pages"], "124.00"),
            (["--service", "PA", "--birth-date", "1950-01-01", "--date", "2026-11-22", "--option", "photo"], "52.00"),
            (["--service", "BEFR", "--date", "2026-11-22"], "0.00"),
            (["--service", "FZ", "--date", "2026-11-22"], "13.00"),
        ]
        for args, expected in cases:
            with self.subTest(args=args):
                r = run("fee", *args, env_extra={"LC_ALL": "de_DE.UTF-8"})
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(r.stdout.strip(), expected)
        self.assertOneLineError(run("fee", "--service", "XYZ"), 1, "XYZ")
        self.assertOneLineError(run("fee", "--service", "FZ", "--option", "express"), 1, "express")
        self.assertOneLineError(run("fee", "--service", "PA", "--date", "2026-11-22"), 1)
        self.assertOneLineError(run("fee", "--birth-date", "1950-01-01"), 2)
        self.assertOneLineError(run("fee", "--service", "PA", "--birth-date", "5.5.1950"), 2)

    def test_services(self):
        r = run("services")
        self.assertEqual(r.returncode, 0, r.stderr)
        codes = {line.split()[0] for line in r.stdout.splitlines()}
        self.assertTrue({"PA", "RP", "VPA", "VRP", "FZ", "MB", "BEFR", "PB"} <= codes, codes)
        self.assertIn("express", next(l for l in r.stdout.splitlines() if l.startswith("RP ")))

    def pdf_text(self, path):
        return subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True,
                              check=True).stdout

    def test_documents(self):
        self.assertEqual(run("--data-dir", self.data, "init").returncode, 0)
        self.assertEqual(run("--data-dir", self.data, "demo", "--date", "2026-11-20").returncode, 0)
        doc = json.loads(run("--data-dir", self.data, "export", "--format", "json").stdout)
        paid = [c for c in doc["cases"] if c["captured_on"] == "2026-11-20" and c.get("receipt_no")]
        self.assertTrue(paid)

        closure = os.path.join(self.dir, "closure.pdf")
        r = run("--data-dir", self.data, "cash-closure", "--date", "2026-11-20", "--output", closure)
        self.assertEqual(r.returncode, 0, r.stderr)
        text = self.pdf_text(closure)
        for case in paid:
            self.assertIn(case["receipt_no"], text)
        total = sum(c["fee_cents"] for c in paid)
        self.assertIn(f"{total // 100},{total % 100:02d} €", text)
        # The closure is stored for the office; closing again replaces it.
        closures = [c for c in json.loads(run("--data-dir", self.data, "export", "--format", "json").stdout)
                    ["cash_closures"] if c["day"] == "2026-11-20"]
        self.assertEqual([(c["total_cents"], c["paid_count"], c["version"]) for c in closures],
                         [(total, len(paid), 1)])
        r = run("--data-dir", self.data, "cash-closure", "--date", "2026-11-20", "--output", closure)
        self.assertEqual(r.returncode, 0, r.stderr)
        again = [c for c in json.loads(run("--data-dir", self.data, "export", "--format", "json").stdout)
                 ["cash_closures"] if c["day"] == "2026-11-20"]
        self.assertEqual([(c["id"], c["version"]) for c in again], [(closures[0]["id"], 2)])

        receipt = os.path.join(self.dir, "receipt.pdf")
        r = run("--data-dir", self.data, "receipt", paid[0]["id"], "--output", receipt)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(paid[0]["receipt_no"], self.pdf_text(receipt))

        plan = os.path.join(self.dir, "plan.pdf")
        record = doc["counselling"][0]
        r = run("--data-dir", self.data, "care-plan", record["id"], "--output", plan)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(record["measures"][0]["measure"], self.pdf_text(plan))

        self.assertOneLineError(run("--data-dir", self.data, "receipt", "not-an-id", "--output", receipt), 2)
        self.assertOneLineError(run("--data-dir", self.data, "receipt", paid[0]["id"]), 2)
        missing = os.path.join(self.dir, "no", "such", "dir.pdf")
        self.assertOneLineError(run("--data-dir", self.data, "receipt", paid[0]["id"], "--output", missing), 1)
        self.assertFalse(os.path.exists(missing))

    def test_plan_week_from_store(self):
        self.assertEqual(run("--data-dir", self.data, "init").returncode, 0)
        self.assertEqual(run("--data-dir", self.data, "demo", "--date", "2026-11-20").returncode, 0)
        r = run("--data-dir", self.data, "plan", "--from", "2026-11-20", "--days", "3",
                "--iterations", "3000", "--json", env_extra={"LC_ALL": "de_DE.UTF-8"})
        self.assertEqual(r.returncode, 0, r.stderr)
        plan = json.loads(r.stdout)
        self.assertGreaterEqual(len(plan["planned"]), 20)
        by_day = {}
        for visit in plan["planned"]:
            self.assertIn(visit["date"], ("2026-11-20", "2026-11-21", "2026-11-22"))
            self.assertTrue("08:00" <= visit["planned_start"] <= "17:00", visit["planned_start"])
            by_day.setdefault((visit["date"], visit["van_id"]), []).append(visit)
        for stops in by_day.values():
            stops.sort(key=lambda v: v["route_order"])
            self.assertEqual([v["route_order"] for v in stops], list(range(1, len(stops) + 1)))
            starts = [v["planned_start"] for v in stops]
            self.assertEqual(starts, sorted(starts))
        # Visits already done are history, not planned again.
        done = {v["id"] for v in json.loads(run("--data-dir", self.data, "export", "--format", "json").stdout)["visits"]
                if v["status"] in ("done", "partly_done", "not_met", "cancelled")}
        self.assertFalse(done & {v["id"] for v in plan["planned"]})
        # Deterministic for a seed and an iteration budget.
        again = run("--data-dir", self.data, "plan", "--from", "2026-11-20", "--days", "3",
                    "--iterations", "3000", "--json")
        self.assertEqual(json.loads(again.stdout)["planned"], plan["planned"])
        self.assertOneLineError(run("--data-dir", self.data, "plan", "--days", "0"), 2)

    def test_help_everywhere(self):
        self.assertEqual(run("--help").returncode, 0)
        self.assertIn("pepamo-cli", run("--version").stdout)
        for command in ("init", "demo", "visits", "export", "fee", "services", "receipt", "care-plan",
                        "cash-closure", "plan", "verify", "passwd", "key",
                        "rekey", "recover-key"):
            with self.subTest(command=command):
                r = run(command, "--help")
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn("--", r.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
