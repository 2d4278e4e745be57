"""Fair shares: spreads of nights, weekend and bank-holiday shifts, and on-call days.

Rule id: fairness.spread (soft). Within each base site's pool, each person's count is
scaled pro rata (rota.measures.fairness_pools) and the spread (max - min) is weighted;
within each on-call rota's pool, the spread of on-call days.
"""

from __future__ import annotations

from rota.horizon import Horizon
from rota.measures import fairness_pools, fairness_weights, on_call_fair_pool
from rota.solve.context import ModelContext, Option
from rota.solve.core import Term, spread
from rota.solve.core.primitives import Expr
from rota.solve.families.on_call import on_call_days_expr

RULES = ("fairness.spread",)


def counts_towards(h: Horizon, o: Option, kind: str) -> bool:
    """Does a shift option count towards a fairness kind (nights, weekends, bank holidays)?"""
    if kind == "nights":
        return o.shift.night
    if kind == "weekends":
        return h.is_weekend(o.shift.day)
    return h.is_bank_holiday(o.shift.day)


def _counts(ctx: ModelContext, pid: str, kind: str) -> Expr:
    keep = [o for o in ctx.by_person.get(pid, ()) if counts_towards(ctx.horizon, o, kind)]
    return sum(o.var for o in keep) if keep else 0


def add_fairness(ctx: ModelContext) -> list[Term]:
    sc = ctx.scenario
    wts = sc.weights
    h = ctx.horizon
    unit = ctx.scale.per_hour // 100  # objective units per hundredth of a share
    terms: list[Term] = []
    for kind, weight in fairness_weights(wts).items():
        if weight <= 0:
            continue
        for site, pool in fairness_pools(h, kind).items():
            values = [coef * _counts(ctx, pid, kind) for pid, coef in pool]
            hi = max(coef for _, coef in pool) * h.n_days
            s = spread(ctx.model, values, 0, hi, f"spread.{kind}[{site}]")
            if s is not None:
                terms.append(Term(f"fairness_{kind}", s, weight * unit))
    if wts.fairness_on_call > 0:
        for r in sc.config.on_call:
            people = on_call_fair_pool(h, r.id)
            values = [on_call_days_expr(ctx, r.id, pid) for pid in people]
            s = spread(ctx.model, values, 0, h.n_days, f"spread.oncall[{r.id}]")
            if s is not None:
                terms.append(Term("fairness_on_call", s, wts.fairness_on_call * ctx.scale.per_hour))
    return terms
