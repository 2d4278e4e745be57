"""`rota capacity`: the fewest extra full-time constables and sergeants per site that
bring uncovered time to its minimum (zero where hiring can reach it).

Candidate hires are ordinary staff (full time, officer_safety and schedule7 valid all
month, no absences) added to the scenario, each with a `hire` variable that every one
of their shifts needs. Three solves on one model, lexicographically, each from the
last one's roster (the first from the greedy first roster, construct.py):
1. least uncovered time with every candidate available;
2. fewest hires keeping uncovered time at that level;
3. the best roster (the scenario's own objective) with those hires.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import date

from ortools.sat.python import cp_model

from rota.domain.models import Accreditation, Staff
from rota.domain.scenario import Scenario
from rota.horizon import build_horizon
from rota.roster import Result
from rota.solve.construct import first_roster
from rota.solve.core.lns import values_of
from rota.solve.families.eligibility import history_shifts
from rota.solve.model import build_model
from rota.solve.run import hint, hold_assumptions, lns_only, replay
from rota.solve.settings import DEFAULT_EFFORT, configure

HIRE_PREFIX = "HIRE"


@dataclass
class Capacity:
    hires: dict[tuple[str, str], int]  # (site, rank) -> people
    scenario: Scenario  # the enlarged scenario (hired people only)
    result: Result
    uncovered_units: int
    proven: bool  # both the uncovered minimum and the fewest hires proven optimal


def candidates(sc: Scenario, sites: list[str], per_site: int) -> Scenario:
    """The scenario with `per_site` candidate constables and sergeants at each site."""
    staff = list(sc.staff)
    accs = list(sc.accreditations)
    for site in sites:
        for rank in ("PC", "PS"):
            for i in range(1, per_site + 1):
                pid = f"{HIRE_PREFIX}-{site}-{rank}-{i}"
                staff.append(Staff(staff_id=pid, name=f"New {rank} {i} at {site}", rank=rank,
                                   unit="BORDER", base_site=site, contract_hours_per_week=40,
                                   appointed_on=date(2000, 1, 1)))  # fmt: skip
                for a in ("officer_safety", "schedule7"):
                    accs.append(Accreditation(staff_id=pid, accreditation=a,
                                              valid_from=date(2000, 1, 1)))  # fmt: skip
    return replace(sc, staff=tuple(staff), accreditations=tuple(accs))


def plan_capacity(
    sc: Scenario, month: str, *, sites: list[str] | None = None, per_site: int = 8,
    effort: float = 3 * DEFAULT_EFFORT, time_limit: float = 120, workers: int = 2, seed: int = 0,
) -> Capacity:  # fmt: skip
    """Three solves on deterministic budgets (shares of `effort`, in work units) from
    the greedy first roster of the enlarged month; `time_limit` caps the wall clock."""
    t0 = time.monotonic()
    if sites is None:
        sites = [s.id for s in sc.config.sites if s.operational]
    big = candidates(sc, sites, per_site)
    h = build_horizon(big, month)
    first = first_roster(h, history_shifts(h))
    ctx, terms = build_model(h)
    hold_assumptions(ctx, first)
    m = ctx.model
    hire: dict[str, cp_model.IntVar] = {}
    groups: dict[tuple[str, str], list[cp_model.IntVar]] = {}
    for p in big.staff:
        if not p.staff_id.startswith(HIRE_PREFIX + "-"):
            continue
        v = m.new_bool_var(f"hire[{p.staff_id}]")
        hire[p.staff_id] = v
        groups.setdefault((p.base_site or "", p.rank), []).append(v)
        for o in ctx.by_person.get(p.staff_id, []):
            m.add_implication(o.var, v)
        for (_rid, pid, _bi), ov in ctx.on_call.items():
            if pid == p.staff_id:
                m.add_implication(ov, v)
    for vs in groups.values():  # candidates are interchangeable: hire them in order
        for a, b in zip(vs, vs[1:], strict=False):
            m.add(a >= b)
    uncovered = sum(t.coef * t.expr for t in terms if t.measure is not None)
    start = replay(ctx, first, max(1.0, time_limit - (time.monotonic() - t0)), 2.0, seed)
    if start is None:
        raise RuntimeError("the first roster of the enlarged month does not replay")
    values = values_of(start)
    # the first roster hires whoever it gave a shift (candidates in order: see above)
    for pid, v in hire.items():
        values[v.index] = int(any(values[o.var.index] for o in ctx.by_person.get(pid, [])))
    for vs in groups.values():
        on = sum(values[v.index] for v in vs)
        for i, v in enumerate(vs):
            values[v.index] = int(i < on)
    solver = cp_model.CpSolver()
    lns = lns_only(ctx)

    def run(objective: cp_model.LinearExprT, share: float) -> cp_model.CpSolverStatus:
        nonlocal values
        m.clear_objective()
        m.minimize(objective)
        hint(m, values)
        configure(solver, workers=workers, seed=seed, units=effort * share, lns_only=lns,
                  time_limit=max(1.0, time_limit - (time.monotonic() - t0)))  # fmt: skip
        status = solver.solve(m)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            raise RuntimeError(f"capacity search found no roster ({solver.status_name(status)})")
        values = values_of(solver)
        return status

    s1 = run(uncovered if not isinstance(uncovered, int) else 0, 0.4)
    best_uncovered = int(solver.objective_value)
    m.add(uncovered <= best_uncovered)
    # fewest people first; among equal counts, fewer sergeants (a constable costs less)
    sergeants = [v for (site, rank), vs in groups.items() if rank == "PS" for v in vs]
    s2 = run((len(hire) + 1) * sum(hire.values()) + sum(sergeants), 0.3)
    chosen = {pid for pid, v in hire.items() if solver.boolean_value(v)}
    for pid, v in hire.items():
        m.add(v == (1 if pid in chosen else 0))
    s3 = run(sum(t.coef * t.expr for t in terms), 0.3)
    duties = ctx.decisions(values).duties(h)
    hires: dict[tuple[str, str], int] = {}
    for pid in chosen:
        site, rank = pid[len(HIRE_PREFIX) + 1 :].rsplit("-", 2)[:2]
        hires[site, rank] = hires.get((site, rank), 0) + 1
    keep = {p.staff_id for p in big.staff if not p.staff_id.startswith(HIRE_PREFIX + "-")}
    keep |= chosen
    enlarged = replace(
        sc,
        staff=tuple(p for p in big.staff if p.staff_id in keep),
        accreditations=tuple(a for a in big.accreditations if a.staff_id in keep),
    )
    per_hour = ctx.scale.per_hour
    res = Result(
        status=solver.status_name(s3), duties=duties,
        objective=solver.objective_value / per_hour,
        best_bound=solver.best_objective_bound / per_hour, gap=None,
        wall_seconds=round(time.monotonic() - t0, 3), seed=seed, workers=workers,
        time_limit_seconds=time_limit, effort=effort,
    )  # fmt: skip
    return Capacity(hires=dict(sorted(hires.items())), scenario=enlarged, result=res,
                    uncovered_units=best_uncovered,
                    proven=s1 == cp_model.OPTIMAL and s2 == cp_model.OPTIMAL)  # fmt: skip
