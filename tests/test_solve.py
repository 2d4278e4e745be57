"""A roster always, and the same answer on any load.

The solver's result depends on the inputs, seed, workers and effort only (deterministic
budgets); the time limit only caps the wall clock, and a roster exists from the first
second, so a cap that stops the run early still writes a legal one.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import CAP, budget, solve_and_check
from rota.check import check
from rota.cli import main
from rota.horizon import build_horizon
from rota.io.load import load_scenario
from rota.solve.construct import first_roster
from rota.solve.families.eligibility import history_shifts

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "scenarios" / "eastern-region"


@pytest.fixture(scope="module")
def half(tmp_path_factory) -> Path:
    """Half the default region (54 people): big enough that a solve does not prove its
    optimum within its effort, so a roster that repeats is the budget's doing."""
    out = tmp_path_factory.mktemp("half") / "half"
    subprocess.run([sys.executable, str(ROOT / "tools" / "make_scenario.py"), str(out),
                    "--scale", "0.5", "--name", "half"], check=True)  # fmt: skip
    return out


@pytest.mark.parametrize("month", ["2026-10", "2026-12", "2027-03"])
def test_the_first_roster_is_legal(half, month):
    """The greedy first roster breaks no hard rule, in a clock-change month too, and
    covers most of the demand on its own."""
    h = build_horizon(load_scenario(half), month)
    duties = first_roster(h, history_shifts(h)).duties(h)
    rep = check(h, duties)
    assert [v.line() for v in rep.hard] == []
    assert sum(1 for d in duties if d.kind == "shift") > 500


@pytest.mark.parametrize("limit", [2, 4])
def test_a_time_limit_shorter_than_the_work_still_writes_a_legal_roster(tmp_path, limit):
    """The default month with a cap far below its effort: the run writes a legal roster,
    and its summary says the cap cut it short. (How close to the cap it ends, idle and
    loaded, is measured by `python -m benchmarks.load limits`, not judged here: a test's
    verdict does not depend on the machine's load.)"""
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["generate", str(DEFAULT), "--month", "2026-12", "--out",
                                  str(out), "--time-limit", str(limit), "--quiet",
                                  "--no-report"])  # fmt: skip
    assert r.exit_code == 0, r.output
    folder = out / "eastern-region" / "2026-12"
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["cut_short"] is True
    assert summary["check"]["hard_violations"] == 0
    chk = CliRunner().invoke(main, ["check", str(DEFAULT), "--month", "2026-12", "--roster",
                                    str(folder / "roster.csv")])  # fmt: skip
    assert chk.exit_code == 0, chk.output


def _generate(half: Path, out: Path, burners: int) -> bytes:
    """`rota generate` in a process of its own, with `burners` CPU-bound processes
    beside it; returns the roster.csv it wrote."""
    burn = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(burners)]
    try:
        subprocess.run([sys.executable, "-m", "rota.cli", "generate", str(half), "--month",
                        "2026-12", "--out", str(out), *budget(1), "--quiet", "--no-report"],
                       check=True, capture_output=True)  # fmt: skip
    finally:
        for p in burn:
            p.kill()
            p.wait()
    summary = json.loads((out / "half" / "2026-12" / "summary.json").read_text())
    assert summary["cut_short"] is False and summary["status"] == "FEASIBLE"
    return (out / "half" / "2026-12" / "roster.csv").read_bytes()


def test_the_same_roster_on_an_idle_and_a_busy_machine(half, tmp_path):
    """Same inputs, seed, workers and effort: byte for byte the same roster.csv, once on
    an idle machine and once beside two processes burning CPU (which slow the solve
    down, but do not change what it finds)."""
    idle = _generate(half, tmp_path / "idle", 0)
    busy = _generate(half, tmp_path / "busy", 2)
    assert idle == busy


def test_the_least_uncovered_demand_is_proven(tmp_scenario):
    """One constable for 28 earlies: two days off a week allow 5 of each 7 days, so 20
    earlies are worked and 8 are not (contract 40 h: 20 shifts of 8 h is the target,
    the cap of +16 h would allow 22, the days off do not). The least uncovered demand is
    8 x 8 = 64 officer-hours, 64,000 at 1,000 an hour, and the summary says it is proven."""
    g = solve_and_check(
        tmp_scenario(
            templates=EARLY, demand=EARLY_DEMAND,
            rules="min_days_off_per_week = 2\nsupervisor_whenever_staffed = false\n",
            staff=[["P1", "PC", "A", 40]],
        ),
        "2027-02",
    )  # fmt: skip
    assert g.report.uncovered["officer_hours"] == 64
    demand = g.summary["uncovered_demand"]
    assert demand == {"cost": 64000.0, "bound": 64000.0, "proven_minimum": True,
                      "says": "proven minimum"}  # fmt: skip
    assert g.summary["status"] == "OPTIMAL" and g.summary["gap"] == 0


def test_an_unproven_uncovered_demand_says_its_bound(half):
    """Half the region with 40 % of its people gone: demand is left uncovered and the
    little effort given cannot prove its least, so the summary gives the bound and how
    far above it the roster is, and both agree with the checker's figures."""
    from dataclasses import replace

    from rota.solve.run import solve
    from rota.summary import build_summary

    sc = load_scenario(half)
    keep = [p for i, p in enumerate(sc.staff) if p.unit == "UC" or i % 5 < 3]
    sc = replace(sc, staff=tuple(keep),
                 accreditations=tuple(a for a in sc.accreditations if a.staff_id in
                                      {p.staff_id for p in keep}),
                 absences=tuple(a for a in sc.absences if a.staff_id in
                                {p.staff_id for p in keep}),
                 requests=())  # fmt: skip
    h = build_horizon(sc, "2026-12")
    res = solve(h, effort=0.5, time_limit=CAP, printer=None)
    rep = check(h, res.duties)
    summary = build_summary(h, res, rep)
    demand = summary["uncovered_demand"]
    weights = sc.weights
    cost = (rep.uncovered["officer_hours"] * weights.uncovered_officer_hour
            + rep.uncovered["supervisor_hours"] * weights.uncovered_supervisor_hour
            + rep.uncovered["skill_hours"] * weights.uncovered_skill_hour
            + rep.uncovered["on_call_days"] * weights.uncovered_on_call_day)  # fmt: skip
    assert cost > 0 and demand["cost"] == pytest.approx(cost)
    assert 0 <= demand["bound"] <= demand["cost"]
    if not demand["proven_minimum"]:
        above = demand["cost"] - demand["bound"]
        assert demand["says"] == f"at most {above:,.2f} above the bound"


EARLY = """
[[shift_templates]]
code = "E"
start = "06:00"
end = "14:00"
"""

EARLY_DEMAND = """
[[demand]]
site = "A"
days = "all"
from = "06:00"
to = "14:00"
officers = 1
"""
