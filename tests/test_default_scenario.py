"""The default scenario end to end (a short time limit: figures belong in benchmarks)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rota.app import generate
from rota.check import check
from rota.horizon import build_horizon
from rota.io.load import load_scenario
from rota.solve.run import solve

DEFAULT = Path(__file__).resolve().parents[1] / "scenarios" / "eastern-region"


def test_december_on_call_and_rules():
    """December 2026: both on-call rotas have their holder every day, the roster breaks
    no hard rule, and the solver's own uncovered time equals the checker's."""
    g = generate(DEFAULT, "2026-12", time_limit=30, write=False, printer=lambda _l: None)
    assert g.result.found
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
    """A solve stopped at its first roster leaves auxiliaries loose (a spread's max above
    the largest count, a contract deviation above the hours' own): the result is replayed
    with the roster fixed, so its objective and every penalty are the checker's."""
    h = build_horizon(load_scenario(DEFAULT), "2026-12")
    res = solve(h, time_limit=30, printer=None, improve_share=0.0,
                params={"stop_after_first_solution": True})  # fmt: skip
    assert res.found and res.status == "FEASIBLE"
    rep = check(h, res.duties)
    assert [v.line() for v in rep.hard] == []
    assert rep.penalties == pytest.approx(res.penalties, abs=0.011)
    assert rep.objective == pytest.approx(res.objective, abs=0.011)
