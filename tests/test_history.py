"""Months in a chain: each month planned with the previous roster as its history."""

from __future__ import annotations

import csv
from datetime import datetime

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
[[demand]]
site = "A"
from = "22:00"
to = "06:00"
officers = 2
supervisors = 1
"""
ON_CALL = """
[[sites]]
id = "UCO"
operational = false
[[on_call]]
id = "OC"
units = ["UC"]
handover = "08:00"
block_days = 7
block_start = "mon"
max_blocks_per_person = 3
"""


def test_three_months_in_a_chain_pass_check_with_their_history(tmp_path):
    """December 2026 to February 2027. Each month is checked with the month before as
    history (rest, runs of days and nights, rest after nights, the first week's days
    off and the on-call block running over New Year): no hard violation anywhere, and
    the January block that started on Mon 28 Dec keeps its December holder."""
    staff = (
        [[f"S{i}", "PS", "A", 40] for i in range(1, 7)]
        + [[f"C{i}", "PC", "A", 40] for i in range(1, 9)]
        + [[f"U{i}", f"N{i}", "DS", "UC", "UCO", 40, "2015-01-01", ""] for i in range(1, 4)]
    )
    sc = make_scenario(
        tmp_path / "sc",
        name="chain",
        demand=DEMAND,
        extra=ON_CALL,
        staff=staff,
        absences=[["S1", "2026-12-30", "2027-01-05", "annual_leave", ""]],
    )
    out = tmp_path / "out"
    r = CliRunner().invoke(
        main,
        [
            "generate",
            str(sc),
            "--months",
            "2026-12..2027-02",
            "--out",
            str(out),
            *budget(2),
            "--quiet",
        ],
    )
    assert r.exit_code == 0, r.output
    months = ["2026-12", "2027-01", "2027-02"]
    prev = None
    for m in months:
        roster = out / "chain" / m / "roster.csv"
        args = ["check", str(sc), "--month", m, "--roster", str(roster)]
        if prev:
            args += ["--history", str(prev)]
        r = CliRunner().invoke(main, args)
        assert r.exit_code == 0, (m, r.output)
        assert "0 hard violation(s)" in r.output
        prev = roster
    dec = list(csv.DictReader((out / "chain" / "2026-12" / "roster.csv").open()))
    jan = list(csv.DictReader((out / "chain" / "2027-01" / "roster.csv").open()))
    held_28 = {r["staff_id"] for r in dec if r["kind"] == "on_call" and r["date"] == "2026-12-28"}
    held_1 = {r["staff_id"] for r in jan if r["kind"] == "on_call" and r["date"] == "2027-01-01"}
    assert held_28 and held_28 == held_1
    # the rest across the boundary, measured directly on the two exports
    last = {}
    for r in dec:
        if r["kind"] == "shift":
            last[r["staff_id"]] = max(last.get(r["staff_id"], r["end"]), r["end"])
    for r in jan:
        if r["kind"] == "shift" and r["staff_id"] in last:
            gap = datetime.fromisoformat(r["start"]) - datetime.fromisoformat(last[r["staff_id"]])
            assert gap.total_seconds() >= 11 * 3600 or gap.total_seconds() < 0


def test_january_without_its_history_may_break_the_boundary(tmp_path):
    """The same scenario checked without history cannot see December: checking
    January's roster against a December that ends in nights shows the difference the
    history makes (the checker reads history rows and judges the rest after them)."""
    sc = make_scenario(tmp_path / "sc", name="b", demand=DEMAND, staff=[["S1", "PS", "A", 40]])
    hist = tmp_path / "hist.csv"
    hist.write_text(
        "staff_id,date,duty,site,start,end,hours,kind\n"
        "S1,2026-12-31,N,A,2026-12-31T22:00:00+00:00,2027-01-01T06:00:00+00:00,8.00,shift\n"
    )
    jan = tmp_path / "jan.csv"
    jan.write_text(
        "staff_id,date,duty,site,start,end,hours,kind\n"
        "S1,2027-01-01,L,A,2027-01-01T14:00:00+00:00,2027-01-01T22:00:00+00:00,8.00,shift\n"
    )
    r = CliRunner().invoke(main, ["check", str(sc), "--month", "2027-01", "--roster", str(jan)])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(
        main, ["check", str(sc), "--month", "2027-01", "--roster", str(jan), "--history", str(hist)]
    )
    assert r.exit_code == 1
    assert "HARD rest.min_hours S1 2027-01-01" in r.output
    assert "HARD nights.rest_after S1 2027-01-01" in r.output


def test_months_range_errors():
    r = CliRunner().invoke(main, ["generate", "x", "--months", "2027-02..2026-12"])
    assert r.exit_code == 2
    r = CliRunner().invoke(main, ["generate", "x", "--month", "2027-02", "--months", "a..b"])
    assert r.exit_code == 2 and "either" in r.output


def test_a_history_that_already_breaks_rest_is_named(tmp_path):
    """History: a late on 30 Dec ending 22:00 and an early on 31 Dec at 06:00 (8 h).
    The new month cannot mend it; generate names it and plans January anyway."""
    hist = [["S1", "2026-12-30", "L", "A", "2026-12-30T14:00:00+00:00",
             "2026-12-30T22:00:00+00:00", "8.00", "shift"],
            ["S1", "2026-12-31", "E", "A", "2026-12-31T06:00:00+00:00",
             "2026-12-31T14:00:00+00:00", "8.00", "shift"]]  # fmt: skip
    sc = make_scenario(
        tmp_path / "sc",
        name="hb",
        demand=DEMAND,
        history=hist,
        staff=[["S1", "PS", "A", 40], ["S2", "PS", "A", 40]],
    )
    r = CliRunner().invoke(
        main,
        [
            "generate",
            str(sc),
            "--month",
            "2027-01",
            "--out",
            str(tmp_path / "o"),
            *budget(2),
            "--quiet",
        ],
    )
    assert r.exit_code == 0, r.output
    assert "warning: the history already breaks rest.min_hours S1 2026-12-31" in r.output
