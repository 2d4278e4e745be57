"""Explaining gaps: every uncovered stretch has a reason naming a rule id or that
nobody is qualified, and its hours add up to the summary."""

from __future__ import annotations

import csv
import json

from click.testing import CliRunner

from conftest import budget, make_scenario
from rota.cli import main
from rota.rules import RULES

SITES = """
[[sites]]
id = "A"
supervision = "on_site"
[[sites]]
id = "B"
supervision = "region"
"""
TEMPLATES = """
[[shift_templates]]
code = "E"
start = "06:00"
end = "14:00"
[[shift_templates]]
code = "L"
start = "14:00"
end = "22:00"
[[shift_templates]]
code = "N"
start = "22:00"
end = "06:00"
sites = ["A"]
"""
DEMAND = """
[[demand]]
site = "A"
from = "06:00"
to = "22:00"
officers = 3
supervisors = 1
skills = { schedule7 = 2 }
[[demand]]
site = "A"
from = "22:00"
to = "06:00"
officers = 2
supervisors = 1
skills = { schedule7 = 1 }
[[demand]]
site = "B"
days = "weekends"
from = "08:00"
to = "14:00"
officers = 1
skills = { schedule7 = 1 }
"""


def short_staffed(tmp_path):
    staff = [["S1", "PS", "A", 40], ["S2", "PS", "A", 40], ["C1", "PC", "A", 40],
             ["C2", "PC", "A", 40], ["C3", "PC", "A", 20],
             ["B1", "Name B1", "PC", "BORDER", "B", 40, "2020-01-01", ""]]  # fmt: skip
    return make_scenario(
        tmp_path / "sc", name="short", sites=SITES, templates=TEMPLATES, demand=DEMAND,
        staff=staff, rules="home_site_only = true",
        accreditations=[["C1", "schedule7", "2026-09-01", "2027-02-14"],
                        ["C2", "schedule7", "2026-09-01", ""],
                        ["S1", "schedule7", "2026-09-01", ""]],
        absences=[["S2", "2027-02-08", "2027-02-14", "annual_leave", ""],
                  ["C2", "2027-02-20", "2027-02-21", "court", ""]],
    )  # fmt: skip


def test_every_shortfall_has_a_reason_and_the_hours_add_up(tmp_path):
    sc = short_staffed(tmp_path)
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["generate", str(sc), "--month", "2027-02", "--out", str(out),
                                  *budget(2), "--quiet"])  # fmt: skip
    assert r.exit_code == 0, r.output
    folder = out / "short" / "2027-02"
    summary = json.loads((folder / "summary.json").read_text())
    rows = list(csv.DictReader((folder / "shortfall.csv").open()))
    assert rows, "the scenario is meant to be short-staffed"
    totals = {"officers": 0.0, "supervisors": 0.0, "skill": 0.0}
    ids = set(RULES) | {"oncall.cover"}
    for row in rows:
        reason = row["reason"]
        assert reason.startswith("nobody qualified") or any(f" {i}:" in reason for i in ids), row
        kind = row["kind"].split(":")[0]
        totals[kind] += float(row["person_hours"])
    u = summary["uncovered"]
    assert round(totals["officers"], 2) == u["officer_hours"] > 0
    assert round(totals["supervisors"], 2) == u["supervisor_hours"]
    assert round(totals["skill"], 2) == u["skill_hours"] > 0
    # nobody at B holds Schedule 7: B's weekend windows say so
    b_rows = [x for x in rows if x["site"] == "B" and x["kind"] == "skill:schedule7"]
    assert b_rows and all(x["reason"].startswith("nobody qualified") for x in b_rows)
    assert stat_mode(folder / "shortfall.csv") == 0o600

    # rota explain for one moment of a gap: the same reasoning, per person
    gap = next(x for x in rows if x["site"] == "A")
    at = gap["start"][:16]
    args = ["explain", str(sc), "--month", "2027-02", "--roster", str(folder / "roster.csv")]
    r = CliRunner().invoke(main, [*args, "--site", "A", "--at", at])
    assert r.exit_code == 0, r.output
    assert "required" in r.output and "short" in r.output
    assert any(f" {i}:" in r.output for i in ids)


def stat_mode(path):
    import stat

    return stat.S_IMODE(path.stat().st_mode)


def test_explain_rejects_bad_moments(tmp_path):
    sc = short_staffed(tmp_path)
    roster = tmp_path / "r.csv"
    roster.write_text("staff_id,date,duty,site,start,end,hours,kind\n")
    base = ["explain", str(sc), "--month", "2027-02", "--roster", str(roster)]
    r = CliRunner().invoke(main, [*base, "--site", "Q", "--at", "2027-02-03T10:00"])
    assert r.exit_code == 2 and "unknown site 'Q'" in r.output
    r = CliRunner().invoke(main, [*base, "--site", "A", "--at", "2027-03-03T10:00"])
    assert r.exit_code == 2 and "outside the month" in r.output
    r = CliRunner().invoke(main, [*base, "--site", "A", "--at", "soon"])
    assert r.exit_code == 2 and "--at" in r.output
    r = CliRunner().invoke(main, [*base, "--site", "A", "--at", "2027-02-03T10:00"])
    assert r.exit_code == 0 and "3 short" in r.output and "on duty: nobody" in r.output


def test_check_names_an_unaccredited_officer_counted_for_schedule7(tmp_path):
    """Swap a Schedule 7 officer's early for one by a constable without it: the
    roster stays legal, but check reports the Schedule 7 gap as cover.skill."""
    sc = make_scenario(
        tmp_path / "s", demand='[[demand]]\nsite = "A"\nfrom = "06:00"\nto = "14:00"\n'
        'officers = 1\nskills = { schedule7 = 1 }\n',
        staff=[["S1", "PS", "A", 40], ["C1", "PC", "A", 40]],
        accreditations=[["S1", "schedule7", "2026-01-01", ""]],
    )  # fmt: skip
    roster = tmp_path / "r.csv"
    roster.write_text(
        "staff_id,date,duty,site,start,end,hours,kind\n"
        "C1,2027-02-03,E,A,2027-02-03T06:00:00+00:00,2027-02-03T14:00:00+00:00,8.00,shift\n"
    )
    r = CliRunner().invoke(main, ["check", str(sc), "--month", "2027-02", "--roster", str(roster)])
    assert "soft cover.skill A 2027-02-03T06:00:00+00:00..2027-02-03T14:00:00+00:00" in r.output
    # C1 alone: unsupervised for the whole shift, named by the rule it falls short of
    assert ("soft supervision.whenever_staffed A 2027-02-03T06:00:00+00:00.."
            "2027-02-03T14:00:00+00:00" in r.output)  # fmt: skip
    assert "soft cover.supervisors" not in r.output  # no supervisor is demanded
    assert "supervisors 8 h" in r.output
