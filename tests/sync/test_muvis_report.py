#!/usr/bin/python3
# test_muvis_report.py: the MUVIS figures from the real pepamo-server on
# 127.0.0.1: `admin report` and GET /v1/reports/muvis give the same counts,
# small ones suppressed, and only to devices of role soziales or planning.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import csv
import io
import json
import os
import sys
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pm_server import ServerCase, citizen, entry, run_server, visit  # noqa: E402

import http.client  # noqa: E402

MONTH = "2026-11"


def counselling(visit_record, citizen_id, topics, needs, status="final"):
    return {
        "id": str(uuid.uuid4()),
        "version": 1,
        "created_at": "2026-11-20T08:00:00Z",
        "updated_at": "2026-11-20T08:00:00Z",
        "visit_id": visit_record["id"],
        "citizen_id": citizen_id,
        "staff_id": "d0000000-0000-4000-8000-000000000001",
        "occasion": "self",
        "mode": "home",
        "status": status,
        "plan_handed_over": False,
        "duration_min": 45,
        "topics": topics,
        "unmet_needs": needs,
    }


class MuvisReportTest(ServerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tokens = {role: cls.enrol(role) for role in
                      ("field", "dispatch", "einwohnerwesen", "soziales", "planning")}
        cls.fill()

    @classmethod
    def fill(cls):
        """The van reports: 4 visits held in Silberhöhe, 5 in Südstadt, 12 in
        the Altstadt with counselling; 6 not met in Trotha; one visit of October."""
        person = citizen()
        entries = [entry("citizen", person, "add_citizen")]

        def held(area, date, services, status="done"):
            record = visit(person["id"], stadtteil=area, date=date, services=services, status=status)
            entries.append(entry("visit", record, "schedule_visit"))
            return record

        for _ in range(4):
            held("silberhoehe", "2026-11-03", ["PA"])
        for _ in range(5):
            held("suedstadt", "2026-11-04", ["PA"])
        for i in range(12):
            record = held("altstadt", "2026-11-05", ["PB"])
            entries.append(entry("counselling", counselling(record, person["id"], ["dementia"],
                                                            ["day_care_place"]),
                                 "record_counselling"))
        for _ in range(6):
            held("trotha", "2026-11-06", ["PB"], status="not_met")
        held("altstadt", "2026-10-30", ["PB"])
        status, answer = cls.post(cls.tokens["field"], {"protocol": 1, "entries": entries})
        assert status == 200, answer
        outcomes = {r["outcome"] for r in answer["results"]}
        assert outcomes == {"applied"}, answer

    @classmethod
    def post(cls, token, body):
        connection = http.client.HTTPConnection("127.0.0.1", cls.port, timeout=10)
        try:
            connection.request("POST", "/v1/sync/push", body=json.dumps(body),
                               headers={"Authorization": "Bearer " + token,
                                        "Content-Type": "application/json"})
            response = connection.getresponse()
            return response.status, json.loads(response.read())
        finally:
            connection.close()

    def get(self, path, token):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path, headers={"Authorization": "Bearer " + token})
            response = connection.getresponse()
            self.assertEqual(response.getheader("Content-Type"), "application/json")
            return response.status, json.loads(response.read())
        finally:
            connection.close()

    def check_figures(self, cells_of):
        """cells_of: Stadtteil code -> {column id -> value}."""
        self.assertEqual(cells_of["silberhoehe"]["visits_held"], "<5")
        # The 5 would give the 4 away from the column total: withheld too.
        self.assertEqual(cells_of["suedstadt"]["visits_held"], "x")
        self.assertEqual(cells_of["altstadt"]["visits_held"], 12)
        self.assertEqual(cells_of["altstadt"]["topic_dementia"], 12)
        self.assertEqual(cells_of["altstadt"]["need_day_care_place"], 12)
        self.assertEqual(cells_of["trotha"]["visits_no_show"], 6)
        self.assertEqual(cells_of["trotha"]["visits_held"], 0)
        self.assertEqual(cells_of["trotha"]["service_PB"], 0)
        self.assertEqual(cells_of["total"]["visits_held"], 21)

    def test_endpoint_for_soziales_and_planning(self):
        for role in ("soziales", "planning"):
            status, report = self.get("/v1/reports/muvis?month=" + MONTH, self.tokens[role])
            self.assertEqual(status, 200, report)
            self.assertEqual(report["report"], "muvis")
            self.assertEqual(report["month"], MONTH)
            self.assertEqual(report["suppression"], {"threshold": 5, "primary": "<5", "secondary": "x"})
            self.assertEqual(len(report["rows"]), 42)
            cells = {row["stadtteil"]: row["cells"] for row in report["rows"]}
            cells["total"] = report["total"]["cells"]
            self.check_figures(cells)
            # Counts only: no record, no id, no name of a person.
            text = json.dumps(report)
            self.assertNotIn("Lange", text)
            self.assertNotIn("citizen", text)

    def test_endpoint_refuses_other_roles(self):
        for role in ("field", "dispatch", "einwohnerwesen"):
            status, answer = self.get("/v1/reports/muvis?month=" + MONTH, self.tokens[role])
            self.assertEqual(status, 403, (role, answer))
            self.assertEqual(set(answer), {"error", "reason"})
        self.assertEqual(self.get("/v1/reports/muvis?month=" + MONTH, "not-a-token")[0], 401)

    def test_endpoint_refuses_bad_month(self):
        for query in ("", "?month=2026-13", "?month=11-2026", "?month=2026-1"):
            status, answer = self.get("/v1/reports/muvis" + query, self.tokens["planning"])
            self.assertEqual(status, 400, (query, answer))
        self.assertEqual(self.get("/v1/reports/muvis/more?month=" + MONTH, self.tokens["planning"])[0], 404)

    def test_admin_report_csv_and_json(self):
        r = run_server("--data-dir", self.data, "admin", "report", "--month", MONTH, "--format", "csv")
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = list(csv.DictReader(io.StringIO(r.stdout, newline="")))
        self.assertEqual(len(rows), 43)
        self.assertEqual(rows[-1]["stadtteil"], "total")
        cells = {}
        for row in rows:
            cells[row["stadtteil"]] = {k: (int(v) if v.isdigit() else v) for k, v in row.items()}
        self.check_figures(cells)
        self.assertEqual(cells["silberhoehe"]["name"], "Silberhöhe")

        r = run_server("--data-dir", self.data, "admin", "report", "--month", MONTH, "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        status, served = self.get("/v1/reports/muvis?month=" + MONTH, self.tokens["soziales"])
        self.assertEqual(json.loads(r.stdout), served)

        # October: one visit only, so every count of it is withheld.
        r = run_server("--data-dir", self.data, "admin", "report", "--month", "2026-10", "--format", "csv")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("altstadt,Altstadt,<5,0,<5,", r.stdout)

    def test_admin_report_usage(self):
        for args in (["report"], ["report", "--month", MONTH], ["report", "--format", "csv"],
                     ["report", "--month", "2026-13", "--format", "csv"],
                     ["report", "--month", MONTH, "--format", "xml"],
                     ["devices", "--month", MONTH]):
            r = run_server("--data-dir", self.data, "admin", *args)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
            self.assertTrue(r.stderr.startswith("pepamo-server: admin"), r.stderr)


if __name__ == "__main__":
    unittest.main()
