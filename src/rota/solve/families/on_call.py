"""On-call rotas in whole blocks, planned in the same model as the shifts.

Rule ids: oncall.per_day, oncall.max_blocks, oncall.back_to_back, oncall.no_nights,
oncall.one_rota, oncall.continue (hard); oncall.cover (soft). oncall.eligibility,
oncall.absence and oncall.block are in the variables themselves: one variable per
(rota, person, whole block) that the person may hold (made by families/duties.py
from the domain decided by families/eligibility.py).
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from rota.solve.context import Assumption, ModelContext
from rota.solve.core import Term, add_cover
from rota.solve.core.primitives import Expr
from rota.solve.families.eligibility import history_on_call

RULES = (
    "oncall.eligibility",
    "oncall.absence",
    "oncall.block",
    "oncall.per_day",
    "oncall.max_blocks",
    "oncall.back_to_back",
    "oncall.no_nights",
    "oncall.one_rota",
    "oncall.continue",
    "oncall.cover",
)


def add_on_call(ctx: ModelContext) -> list[Term]:
    h = ctx.horizon
    sc = ctx.scenario
    m = ctx.model
    w = sc.weights.uncovered_on_call_day
    hist = history_on_call(h)
    terms: list[Term] = []
    # day -> rota -> person -> var, for oncall.one_rota
    per_day: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for r in sc.config.on_call:
        blocks = ctx.blocks[r.id]
        mine: dict[str, dict[int, cp_model.IntVar]] = defaultdict(dict)
        for (rid, pid, bi), v in ctx.on_call.items():
            if rid == r.id:
                mine[pid][bi] = v
        for b in blocks:
            holders = [mine[p][b.index] for p in mine if b.index in mine[p]]
            if holders:
                m.add(sum(holders) <= r.per_day)  # oncall.per_day
            short = add_cover(m, holders, r.per_day, f"short.oncall[{r.id},{b.index}]")
            if short is not None:
                terms.append(
                    Term(
                        "uncovered_on_call_day",
                        short,
                        w * len(b.days) * ctx.scale.per_hour,
                        ("on_call_days", len(b.days)),
                        f"on call {r.id}",
                    )
                )
            if b.first < 0:  # oncall.continue: a block in progress keeps its holders
                before = set()
                for d in range(b.first, 0):
                    before |= hist.get((r.id, d), set())
                keep = [p for p in sorted(before) if b.index in mine.get(p, {})]
                if len(keep) <= r.per_day:
                    for p in keep:
                        # an assumption, so that history that cannot be continued is
                        # named rather than making the month infeasible (run.py)
                        lit = m.new_bool_var(f"continue[{r.id},{p}]")
                        m.add(mine[p][b.index] == 1).only_enforce_if(lit)
                        ctx.assumptions.append(Assumption(
                            lit, mine[p][b.index],
                            f"history: {p} holds the {r.id} block in progress "
                            f"(from {h.date_of(b.first)}) and must continue it"))  # fmt: skip
        for pid, vs in mine.items():
            m.add(sum(vs.values()) <= r.max_blocks_per_person)  # oncall.max_blocks
            if r.no_back_to_back:
                for bi, v in vs.items():
                    if bi + 1 in vs:
                        m.add(v + vs[bi + 1] <= 1)
            for bi, v in vs.items():
                b = blocks[bi]
                for d in b.days:
                    per_day[d][pid].append(v)
                if r.no_night_shifts:  # oncall.no_nights
                    lo = h.at(b.days[0], r.handover)
                    hi = h.at(b.days[-1] + 1, r.handover)
                    for d in range(max(0, b.days[0] - 1), min(h.n_days, b.days[-1] + 1)):
                        for inst in h.shifts_by_day[d]:
                            if inst.night and inst.end > lo and inst.start < hi:
                                y = ctx.shift_expr(pid, inst.index)
                                if not isinstance(y, int):
                                    m.add(v + y <= 1)
    for people in per_day.values():
        for _pid, held in people.items():
            if len(held) > 1:
                m.add(sum(held) <= 1)  # oncall.one_rota
    return terms


def on_call_days_expr(ctx: ModelContext, rota_id: str, staff_id: str) -> Expr:
    """On-call days of a person on a rota in the horizon, as a linear expression."""
    blocks = ctx.blocks[rota_id]
    return sum(
        len(blocks[bi].days) * v
        for (rid, pid, bi), v in ctx.on_call.items()
        if rid == rota_id and pid == staff_id
    )
