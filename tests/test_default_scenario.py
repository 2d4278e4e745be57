"""The default scenario end to end (a short time limit: figures belong in benchmarks)."""

from __future__ import annotations

from pathlib import Path

from rota.app import generate

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
