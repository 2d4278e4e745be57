"""Fair shares: spreads of nights, weekend and bank-holiday shifts, and on-call days.

Rule id: fairness.spread (soft). Within each base site's pool, each person's count is
scaled pro rata (rota.measures.fairness_pools) and the spread (max - min) is weighted;
within each on-call rota's pool, the spread of on-call days.
"""

from __future__ import annotations

from rota.horizon import Horizon
from rota.measures import fairness_pools, on_call_fair_pool, spread_floors
from rota.solve.context import ModelContext, Option
from rota.solve.core import Term, spread
from rota.solve.families.on_call import on_call_days_expr


def counts_towards(h: Horizon, o: Option, kind: str) -> bool:
    """Does a shift option count towards a fairness kind (nights, weekends, bank holidays)?"""
    if kind == "nights":
        return o.shift.night
    if kind == "weekends":
        return h.is_weekend(o.shift.day)
    return h.is_bank_holiday(o.shift.day)


def _counts(ctx: ModelContext, pid: str, kind: str):  # noqa: ANN202
    keep = [o for o in ctx.by_person.get(pid, ()) if counts_towards(ctx.horizon, o, kind)]
    return sum(o.var for o in keep) if keep else 0


def _instances(ctx: ModelContext, pid: str, kind: str) -> int:
    """The most shifts of a kind the person can work: their eligible shift instances of it
    (an instance offered at two sites is still worked once)."""
    h = ctx.horizon
    return sum(
        1
        for opts in ctx.by_person_shift.get(pid, {}).values()
        if opts and counts_towards(h, opts[0], kind)
    )


FLOOR_STEPS = 6  # thresholds per pool for the spread floor


def _floor_cuts(ctx, s, counts, coefs, caps, name) -> None:  # noqa: ANN001
    """Valid lower bounds on a pool's spread, by the pool's total (measures.spread_floors).

    Whole shifts and pro-rata coefficients put a floor under the spread that the linear
    relaxation cannot see (it shares fractions of a shift evenly). With g(t) the least
    spread of any total >= t, for a few thresholds t: b_t => total >= t, not b_t =>
    total <= t - 1, spread >= g(t) x b_t. The solver learns b_t = 1 wherever a smaller
    total would cost more than the incumbent, and the bound rises by the floor.
    """
    m = ctx.model
    floors = spread_floors(coefs, caps)
    best = floors.copy()
    for t in range(len(best) - 2, -1, -1):  # g(t) = min over totals >= t
        best[t] = min(best[t], best[t + 1])
    steps = [t for t in range(1, len(best)) if best[t] > best[t - 1]]
    if not steps:
        return
    # keep the steps where the floor rises most, at most FLOOR_STEPS of them
    steps = sorted(sorted(steps, key=lambda t: best[t] - best[t - 1])[-FLOOR_STEPS:])
    total = sum(counts)
    prev = None
    for t in steps:
        b = m.new_bool_var(f"floor.{name}[{t}]")
        m.add(total >= t).only_enforce_if(b)
        m.add(total <= t - 1).only_enforce_if(~b)
        m.add(s >= int(best[t]) * b)
        if prev is not None:
            m.add_implication(b, prev)
        prev = b


def add_fairness(ctx: ModelContext) -> list[Term]:
    sc = ctx.scenario
    wts = sc.weights
    h = ctx.horizon
    unit = ctx.scale.per_hour // 100  # objective units per hundredth of a share
    terms: list[Term] = []
    for kind, weight in (
        ("nights", wts.fairness_nights),
        ("weekends", wts.fairness_weekends),
        ("bank_holidays", wts.fairness_bank_holidays),
    ):
        if weight <= 0:
            continue
        for site, pool in fairness_pools(h, kind).items():
            counts = [_counts(ctx, pid, kind) for pid, _ in pool]
            values = [coef * n for (_, coef), n in zip(pool, counts, strict=True)]
            hi = max(coef for _, coef in pool) * h.n_days
            s = spread(ctx.model, values, 0, hi, f"spread.{kind}[{site}]")
            if s is not None:
                caps = [_instances(ctx, pid, kind) for pid, _ in pool]
                _floor_cuts(ctx, s, counts, [c for _, c in pool], caps, f"{kind}[{site}]")
                terms.append(Term(f"fairness_{kind}", s, weight * unit))
    if wts.fairness_on_call > 0:
        for r in sc.config.on_call:
            people = on_call_fair_pool(h, r.id)
            values = [on_call_days_expr(ctx, r.id, pid) for pid in people]
            s = spread(ctx.model, values, 0, h.n_days, f"spread.oncall[{r.id}]")
            if s is not None:
                terms.append(Term("fairness_on_call", s, wts.fairness_on_call * ctx.scale.per_hour))
    return terms
