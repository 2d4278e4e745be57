"""The default scenario end to end (a short time limit: figures belong in benchmarks)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CAP
from rota.app import generate
from rota.check import check
from rota.horizon import build_horizon
from rota.io.load import load_scenario
from rota.solve.run import solve

DEFAULT = Path(__file__).resolve().parents[1] / "scenarios" / "eastern-region"


def test_december_on_call_and_rules():
    """December 2026: both on-call rotas have their holder every day, the roster breaks
    no hard rule, and the solver's own uncovered time equals the checker's."""
    g = generate(DEFAULT, "2026-12", effort=3, time_limit=CAP, write=False,
                 printer=lambda _l: None)  # fmt: skip
    assert g.result.found and not g.result.cut_short
    rep = g.report
    assert [v.line() for v in rep.hard] == []
    assert rep.uncovered["on_call_days"] == 0
    assert g.summary["uncovered"] == rep.uncovered
    for k, v in g.result.uncovered.items():
        assert abs(rep.uncovered[k] - v) < 0.011, k
    days = {(d.duty, d.date) for d in g.result.duties if d.kind == "on_call"}
    assert len(days) == 2 * 31
    assert abs(rep.objective - g.result.objective) < 0.011


def test_a_roster_stopped_early_is_costed_as_the_checker_costs_it():
    """A solve stopped early leaves auxiliaries loose (a spread's max above the largest
    count, a contract deviation above the hours' own): the result is replayed with the
    roster fixed, so its objective and every penalty are the checker's."""
    h = build_horizon(load_scenario(DEFAULT), "2026-12")
    res = solve(h, effort=0.5, time_limit=CAP, printer=None)
    assert res.found and res.status == "FEASIBLE" and not res.cut_short
    rep = check(h, res.duties)
    assert [v.line() for v in rep.hard] == []
    assert rep.penalties == pytest.approx(res.penalties, abs=0.011)
    assert rep.objective == pytest.approx(res.objective, abs=0.011)
