"""Fair shares: the spread of nights, weekend and bank-holiday shifts within each base
site's pool (counts scaled pro rata), and of on-call days within each on-call rota's pool.

Rule id: fairness.spread (soft) (solver: solve/families/fairness.py).
"""

from __future__ import annotations

from rota.check.families.on_call import measure_on_call
from rota.check.report import Violation
from rota.check.roster import PersonShift, Roster
from rota.horizon import Horizon
from rota.measures import fairness_pools, fairness_weights, on_call_fair_pool

RULES = ("fairness.spread",)


def counts(h: Horizon, kind: str, shifts: list[PersonShift]) -> int:
    """How many of a person's shifts count towards nights, weekends or bank holidays."""
    if kind == "nights":
        return sum(1 for s in shifts if s.night)
    if kind == "weekends":
        return sum(1 for s in shifts if h.is_weekend(s.day))
    return sum(1 for s in shifts if h.is_bank_holiday(s.day))


def check_fairness(h: Horizon, roster: Roster) -> list[Violation]:
    """Fairness is soft: a spread is a cost, not a breach."""
    return []


def cost_fairness(h: Horizon, roster: Roster) -> dict[str, float]:
    sc = h.scenario
    w = sc.weights
    mine = roster.month_by_person
    pen: dict[str, float] = {}
    for kind, weight in fairness_weights(w).items():
        total = 0.0
        if weight > 0:
            for pool in fairness_pools(h, kind).values():
                if len(pool) >= 2:
                    vals = [coef * counts(h, kind, mine.get(pid, [])) for pid, coef in pool]
                    total += weight * (max(vals) - min(vals)) / 100
        pen[f"fairness_{kind}"] = total
    held = measure_on_call(h, roster).held
    oc_total = 0.0
    if w.fairness_on_call > 0:
        for r in sc.config.on_call:
            people = on_call_fair_pool(h, r.id)
            if len(people) >= 2:
                days = [len(held[r.id].get(pid, ())) for pid in people]
                oc_total += w.fairness_on_call * (max(days) - min(days))
    pen["fairness_on_call"] = oc_total
    return pen
