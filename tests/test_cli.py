"""End to end through the command line: generate, files and modes, check, edits by hand."""

from __future__ import annotations

import csv
import json
import stat
from pathlib import Path

from click.testing import CliRunner

from conftest import budget, make_scenario
from rota.cli import main

DEMAND = """
[[demand]]
site = "A"
from = "06:00"
to = "22:00"
officers = 2
supervisors = 1
skills = { schedule7 = 1 }
[[demand]]
site = "A"
from = "22:00"
to = "06:00"
officers = 1
supervisors = 1
"""


def scenario(tmp_path: Path) -> Path:
    staff = [[f"S{i}", "PS", "A", 40] for i in range(1, 6)] + [
        [f"C{i}", "PC", "A", 40] for i in range(1, 8)
    ]
    return make_scenario(
        tmp_path / "sc",
        name="tiny",
        demand=DEMAND,
        staff=staff,
        accreditations=[[f"C{i}", "schedule7", "2026-09-01", "2027-03-01"] for i in range(1, 8)],
        absences=[
            ["C1", "2027-02-08", "2027-02-12", "annual_leave", ""],
            ["S2", "2027-02-15", "2027-02-15", "court", "Crown Court"],
        ],  # fmt: skip
    )


def read_rows(path: Path) -> list[dict]:
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def test_generate_then_check(tmp_path):
    sc = scenario(tmp_path)
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["generate", str(sc), "--month", "2027-02", "--out", str(out),
                                  *budget(2)])  # fmt: skip
    assert r.exit_code == 0, r.output
    folder = out / "tiny" / "2027-02"
    for name in ("roster.csv", "grid.csv", "coverage.csv", "summary.json"):
        mode = stat.S_IMODE((folder / name).stat().st_mode)
        assert mode == 0o600, (name, oct(mode))
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    summary = json.loads((folder / "summary.json").read_text())
    for key in (
        "scenario",
        "month",
        "status",
        "objective",
        "best_bound",
        "gap",
        "wall_seconds",
        "seed",
        "workers",
        "time_limit_seconds",
        "uncovered",
        "penalties",
        "inputs",
    ):
        assert key in summary, key
    assert summary["uncovered"] == {"officer_hours": 0.0, "supervisor_hours": 0.0,
                                    "skill_hours": 0.0, "on_call_days": 0}  # fmt: skip
    assert summary["workers"] == 2 and summary["seed"] == 0
    assert set(summary["inputs"]) == {"scenario.toml", "staff.csv", "accreditations.csv",
                                      "absences.csv"}  # fmt: skip
    rows = read_rows(folder / "roster.csv")
    assert list(rows[0]) == ["staff_id", "date", "duty", "site", "start", "end", "hours", "kind"]
    keys = [(r["date"], r["site"], r["start"], r["staff_id"]) for r in rows]
    assert keys == sorted(keys)
    text = (folder / "roster.csv").read_text()
    assert "Name S1" not in text and "\r" not in text
    grid = read_rows(folder / "grid.csv")
    c1 = next(g for g in grid if g["staff_id"] == "C1")
    assert c1["2027-02-08"] == "AL" and c1["2027-02-12"] == "AL"
    s2 = next(g for g in grid if g["staff_id"] == "S2")
    assert s2["2027-02-15"] == "CT"
    cov = read_rows(folder / "coverage.csv")
    # the first hours of the month belong to January's last night: 06:00-24:00 demanded
    # on 1 Feb, then 24 slots a day to the end: 18 + 27 * 24
    assert len(cov) == 18 + 27 * 24
    assert all(int(c["officers_rostered"]) >= int(c["officers_required"]) for c in cov)

    r = CliRunner().invoke(main, ["check", str(sc), "--month", "2027-02",
                                  "--roster", str(folder / "roster.csv")])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "0 hard violation(s)" in r.output

    # never over an existing roster without --force
    r = CliRunner().invoke(main, ["generate", str(sc / "scenario.toml"), "--month", "2027-02",
                                  "--out", str(out)])  # fmt: skip
    assert r.exit_code == 2 and "--force" in r.output
    r = CliRunner().invoke(main, ["generate", str(sc), "--month", "2027-02", "--out", str(out),
                                  "--force", "--with-names", "--quiet",
                                  *budget(1)])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "Name S1" in (folder / "roster.csv").read_text()


def test_check_reports_hand_edits_by_rule_id(tmp_path):
    """Edit a generated roster by hand: a quick return (E the morning after an N),
    a shift on a day of leave, and a constable without Schedule 7 counted for it."""
    sc = scenario(tmp_path)
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["generate", str(sc), "--month", "2027-02", "--out", str(out),
                                  "--quiet", *budget(2)])  # fmt: skip
    assert r.exit_code == 0, r.output
    path = out / "tiny" / "2027-02" / "roster.csv"
    rows = read_rows(path)
    # 1. someone's night on the 20th is followed by an early on the 21st
    night = next(r for r in rows if r["duty"] == "N" and r["date"] == "2027-02-20")
    who = night["staff_id"]
    rows = [r for r in rows if not (r["staff_id"] == who and r["date"] == "2027-02-21")]
    rows.append({"staff_id": who, "date": "2027-02-21", "duty": "E", "site": "A",
                 "start": "2027-02-21T06:00:00+00:00", "end": "2027-02-21T14:00:00+00:00",
                 "hours": "8.00", "kind": "shift"})  # fmt: skip
    # 2. C1 is on annual leave on 10 Feb
    rows = [r for r in rows if not (r["staff_id"] == "C1" and r["date"] == "2027-02-10")]
    rows.append({"staff_id": "C1", "date": "2027-02-10", "duty": "L", "site": "A",
                 "start": "2027-02-10T14:00:00+00:00", "end": "2027-02-10T22:00:00+00:00",
                 "hours": "8.00", "kind": "shift"})  # fmt: skip
    with path.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    r = CliRunner().invoke(main, ["check", str(sc), "--month", "2027-02", "--roster", str(path)])
    assert r.exit_code == 1, r.output
    hard = [line for line in r.output.splitlines() if line.startswith("HARD")]
    ids = {(line.split()[1], line.split()[2], line.split()[3].rstrip(":")) for line in hard}
    assert ("rest.min_hours", who, "2027-02-21") in ids
    assert ("eligibility.absence", "C1", "2027-02-10") in ids
    assert all(i[0] in ("rest.min_hours", "eligibility.absence", "nights.rest_after",
                        "days.max_consecutive", "days.off_per_week", "hours.over_contract")
               for i in ids), ids  # fmt: skip


def test_rules_command_lists_the_catalogue():
    r = CliRunner().invoke(main, ["rules"])
    assert r.exit_code == 0
    assert "rest.min_hours" in r.output and "Working Time Regulations" not in r.output
    assert "WTR 1998 reg 10" in r.output


def test_help_for_every_command():
    for cmd in ([], ["generate"], ["check"], ["rules"]):
        r = CliRunner().invoke(main, [*cmd, "--help"])
        assert r.exit_code == 0 and "Usage" in r.output
