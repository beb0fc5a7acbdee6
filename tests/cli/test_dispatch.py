#!/usr/bin/python3
# test_dispatch.py: the dispatch office's exports and letters from pepamo-cli:
# the week as iCalendar read back with a real parser (python3-icalendar), the
# appointment letter and the day sheet read back with pdftotext, and the
# exit codes of bad input. Everything expected is computed from
# `export --format json`, not from the output under test.
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
import zoneinfo

import icalendar

CLI = os.environ["PEPAMO_CLI"]
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
# The demo week runs from 2026-03-25 to 2026-03-29: its last day is the
# spring clock change.
DEMO_DAY = "2026-03-27"
FROM, TO = "2026-03-26", "2026-03-29"
SCHEDULED = {"scheduled", "confirmed", "on_the_way", "arrived", "done", "partly_done"}


def run(*args, env_extra=None):
    env = dict(os.environ)
    env["PEPAMO_PASSPHRASE"] = "correct horse battery"
    env.update(env_extra or {})
    return subprocess.run([CLI, *args], capture_output=True, env=env, stdin=subprocess.DEVNULL,
                          timeout=120)


def german_locale_available():
    out = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout.lower()
    return "de_de.utf8" in out.split()


def pdf_text(path):
    return subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True,
                          check=True).stdout


class DispatchTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="pepamo-dispatch-test-")
        cls.data = os.path.join(cls.dir, "data")
        for args in (("init",), ("demo", "--date", DEMO_DAY)):
            r = run("--data-dir", cls.data, *args)
            assert r.returncode == 0, r.stderr
        r = run("--data-dir", cls.data, "export", "--format", "json")
        assert r.returncode == 0, r.stderr
        cls.export = json.loads(r.stdout)
        cls.citizens = {c["id"]: c for c in cls.export["citizens"]}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir)

    def cli(self, *args, **kwargs):
        return run("--data-dir", self.data, *args, **kwargs)

    def assertExit(self, result, code):
        self.assertEqual(result.returncode, code, result.stderr)
        lines = [l for l in result.stderr.decode().splitlines() if l.strip()]
        self.assertTrue(lines and lines[0].startswith("pepamo-cli"), result.stderr)
        if code == 1:
            self.assertEqual(len(lines), 1, result.stderr)

    def names(self, visit):
        return [f'{self.citizens[c]["given_names"]} {self.citizens[c]["family_name"]}'
                for c in visit["citizen_ids"]]

    def visits_in_range(self, statuses):
        return [v for v in self.export["visits"]
                if v["status"] in statuses and v.get("date") and v.get("planned_start")
                and FROM <= v["date"] <= TO]

    def test_ics(self):
        r = self.cli("export", "--format", "ics", "--from", FROM, "--to", TO)
        self.assertEqual(r.returncode, 0, r.stderr)
        raw = r.stdout
        # CRLF everywhere, no line over 75 octets.
        self.assertTrue(raw.endswith(b"\r\n"))
        for line in raw.split(b"\r\n")[:-1]:
            self.assertNotIn(b"\n", line)
            self.assertNotIn(b"\r", line)
            self.assertLessEqual(len(line), 75, line)

        calendar = icalendar.Calendar.from_ical(raw)
        self.assertEqual(calendar["VERSION"], "2.0")
        zones = [c for c in calendar.walk("VTIMEZONE")]
        self.assertEqual([str(z["TZID"]) for z in zones], ["Europe/Berlin"])
        events = calendar.walk("VEVENT")
        by_uid = {}
        for event in events:
            uid = str(event["UID"])
            self.assertTrue(uid.endswith("@pepamo.halle.de"), uid)
            self.assertNotIn(uid, by_uid)
            by_uid[uid.split("@")[0]] = event

        expected = {v["id"]: v for v in self.visits_in_range(SCHEDULED)}
        cancelled = {v["id"] for v in self.visits_in_range({"cancelled"})}
        self.assertGreaterEqual(len(expected), 30)
        live = {uid for uid, e in by_uid.items() if str(e["STATUS"]) != "CANCELLED"}
        self.assertEqual(live, set(expected))
        self.assertEqual(set(by_uid) - live, cancelled)

        offsets = set()
        for uid, visit in expected.items():
            event = by_uid[uid]
            wall = datetime.datetime.fromisoformat(f'{visit["date"]}T{visit["planned_start"]}')
            start = wall.replace(tzinfo=BERLIN)
            self.assertEqual(event["DTSTART"].params["TZID"], "Europe/Berlin")
            self.assertEqual(event["DTSTART"].dt, start)
            self.assertEqual(event["DTSTART"].dt.utcoffset(), start.utcoffset())
            self.assertEqual(event["DTEND"].dt - event["DTSTART"].dt,
                             datetime.timedelta(minutes=visit["duration_min"]))
            self.assertEqual(str(event["STATUS"]), "TENTATIVE" if visit["status"] == "scheduled" else "CONFIRMED")
            for name in self.names(visit):
                self.assertIn(name, str(event["SUMMARY"]))
            self.assertIn(visit["street"], str(event["LOCATION"]))
            self.assertIn(visit["postcode"], str(event["LOCATION"]))
            if visit.get("facility_name"):
                self.assertIn(visit["facility_name"], str(event["LOCATION"]))
            offsets.add(start.utcoffset())
        # The range spans the clock change: both offsets occur.
        self.assertEqual(offsets, {datetime.timedelta(hours=1), datetime.timedelta(hours=2)})

        # The appointment layer only: no care grade, no health or mobility notes.
        text = raw.decode("utf-8")
        unfolded = text.replace("\r\n ", "")
        forbidden = {"Pflegegrad", "Care grade", "care_grade", "Krankenhausaufenthalt"}
        forbidden |= {c["mobility_notes"] for c in self.export["citizens"] if c.get("mobility_notes")}
        for record in self.export.get("counselling", []):
            if record.get("results"):
                forbidden.add(record["results"])
        for word in forbidden:
            self.assertNotIn(word, unfolded)

    def test_ics_open_range_and_file(self):
        out = os.path.join(self.dir, "week.ics")
        r = self.cli("export", "--format", "ics", "--output", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(os.stat(out).st_mode & 0o077, 0)
        with open(out, "rb") as f:
            events = icalendar.Calendar.from_ical(f.read()).walk("VEVENT")
        every = [v for v in self.export["visits"]
                 if (v["status"] in SCHEDULED or v["status"] == "cancelled") and v.get("planned_start")]
        self.assertEqual(len(events), len(every))

    def scheduled_visit(self, service):
        for visit in self.visits_in_range({"confirmed"}):
            if service in visit["services"] and visit["date"] == DEMO_DAY:
                return visit
        self.skipTest(f"no confirmed visit with {service} on {DEMO_DAY}")

    def test_letter(self):
        visit = self.scheduled_visit("PA")
        out = os.path.join(self.dir, "letter.pdf")
        r = self.cli("letter", visit["id"], "--output", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        text = pdf_text(out)
        for name in self.names(visit):
            self.assertIn(name, text)
        for key in (DEMO_DAY, "Bisheriger Personalausweis oder Reisepass", "Geburts- oder Heiratsurkunde",
                    "0345 221-4619", "a table with a socket"):
            self.assertIn(key, text)

    def test_letter_in_german(self):
        if not german_locale_available():
            self.skipTest("the German locale is not installed")
        visit = self.scheduled_visit("PA")
        out = os.path.join(self.dir, "brief.pdf")
        r = self.cli("letter", visit["id"], "--output", out,
                     env_extra={"LANGUAGE": "de", "LC_ALL": "de_DE.UTF-8"})
        self.assertEqual(r.returncode, 0, r.stderr)
        text = pdf_text(out)
        for key in ("Freitag, 27.03.2026", "Ihr Termin", "Bitte halten Sie bereit", "Bürgeramt",
                    "Bisheriger Personalausweis oder Reisepass", "0345 221-4619", self.names(visit)[0]):
            self.assertIn(key, text)

    def test_day_sheet(self):
        out = os.path.join(self.dir, "day.pdf")
        r = self.cli("day-sheet", "--date", DEMO_DAY, "--output", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        text = pdf_text(out)
        stops = [v for v in self.visits_in_range(SCHEDULED) if v["date"] == DEMO_DAY]
        self.assertGreaterEqual(len(stops), 5)
        for visit in stops:
            self.assertIn(visit["planned_start"], text)
            for name in self.names(visit):
                self.assertIn(name, text)
        minutes = sum(v["duration_min"] for v in stops)
        self.assertIn("Stops", text)
        self.assertRegex(text, rf"Stops\s+{len(stops)}\b")
        self.assertIn(f"{minutes} minutes", text)
        self.assertIn("Bisheriger Personalausweis oder Reisepass", text)

    def test_bad_input(self):
        out = os.path.join(self.dir, "bad.pdf")
        cancelled = next(v for v in self.export["visits"] if v["status"] == "cancelled")
        confirmed = self.scheduled_visit("PA")
        missing_dir = os.path.join(self.dir, "no", "such", "letter.pdf")
        for args, code in ((["letter", str(uuid.uuid4()), "--output", out], 1),
                           (["letter", cancelled["id"], "--output", out], 1),
                           (["letter", confirmed["id"], "--output", missing_dir], 1),
                           (["letter", confirmed["id"]], 2),
                           (["letter", "not-an-id", "--output", out], 2),
                           (["letter", "--output", out], 2),
                           (["day-sheet", "--date", DEMO_DAY], 2),
                           (["day-sheet", "--date", "27.03.2026", "--output", out], 2),
                           (["day-sheet", "--date", DEMO_DAY, "--van", "van-1", "--output", out], 2),
                           (["export", "--format", "ics", "--from", "2026-3-1"], 2),
                           (["export", "--format", "ics", "--from", TO, "--to", FROM], 2),
                           (["export", "--format", "json", "--from", FROM], 2)):
            with self.subTest(args=args):
                self.assertExit(self.cli(*args), code)
        self.assertFalse(os.path.exists(out))
        self.assertFalse(os.path.exists(os.path.dirname(missing_dir)))

    def test_help(self):
        for command in ("letter", "day-sheet", "export"):
            with self.subTest(command=command):
                r = run(command, "--help")
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn(b"--output", r.stdout)
        self.assertIn(b"--from", run("export", "--help").stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
