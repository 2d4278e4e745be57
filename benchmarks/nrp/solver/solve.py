"""Solve an instance within a time limit: the whole model, then neighbourhoods of its
roster; or, for half-year horizons, employee by employee with no whole model."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from benchmarks.nrp.instance import Instance, Roster, evaluate
from benchmarks.nrp.solver.columns import column_start
from benchmarks.nrp.solver.model import RUNS, build
from benchmarks.nrp.solver.neighbourhoods import (
    LNS_FIRST_SHARE,
    LNS_MIN_DAYS,
    LNS_MIN_OPTIONS,
    improve_by_neighbourhoods,
    roster_of,
)
from benchmarks.nrp.solver.reduced import shut_exact, solve_by_levels
from benchmarks.nrp.solver.staff import first_roster, improve_by_staff
from rota.solve.core.lns import resolve, values_of
from rota.solve.settings import configure

STAFF_ONLY_DAYS = 182  # from half a year on, no whole model (Instances 20-24: it has
# no roster within a minute, Instance24's takes 31 s to build, and neighbourhoods of
# whole employees on models of their own beat those re-solving a copy of it)
SEARCH_RESERVE = 0.1  # share of the time a first roster built employee by employee
# leaves to the search after it
CG_MAX_DAYS = 56  # up to eight weeks, the search starts from column generation (its
# bound, and a dive's roster) instead of the full model (Instances 7-12 at 60 s; 14 and
# 15 at 600 s: 1,282 and 3,853 against 1,287-1,290 and 4,399; 16 and 17 at 600 s: 3,225
# and 5,752 against 3,237 and 5,768, at 60 s 3,230 and 5,778 against 3,448 and 6,112)
CG_LONG_DAYS = 84  # ... and up to twelve weeks with a time limit from CG_LONG_SECONDS
CG_LONG_SECONDS = 300  # (Instances 18 and 19 at 600 s: 4,463 and 3,316, 3,225 with the
# paced dive, against 4,874 and 3,423; at 60 s their pricing is too slow: 5,131 and
# 5,012 against 5,033 and 3,914)
CG_MAX_STAFF = 60  # ... and up to 60 employees (Instance13, 120, at 60 s: 7,210 against
# 4,918 from the full model, its rounds too slow to converge)
CG_SHARE = 0.3  # share of the time for generating columns (it stops when converged)
DIVE_SHARE = 0.35  # ... and until this share of the time (at most as long as generation
# took, columns.DIVE_PER_GENERATION), diving for a roster
DIVE_UNCONVERGED_SHARE = 0.6  # ... but where generation did not converge, diving (which
# generates between its fixings) until this share (60 s: Instance14 1,289 against 1,385,
# Instance15 4,276 against 4,512 with the dive until 35 %)
SEARCH_SHARE = 0.7  # ... and where generation converged fast enough, the search after
# the dive, ending by this share (columns.SEARCH_PER_GENERATION)
LEVELS_SHARE = 0.7  # ... and until this share, the restricted solves (reduced.py), then
# the neighbourhood search on the model shut by reduced costs (60 s, seeds 0 / 1:
# Instance12 4,040 proven at 27 / 38 s, Instance7 1,056 / 1,056, Instance8 1,306 / 1,308;
# without the restricted solves Instance8 1,309 / 1,318)


@dataclass
class NrpResult:
    status: str
    objective: int | None
    bound: float | None
    seconds: float
    roster: Roster
    first_seconds: float | None = None
    bound_by: str = "cp-sat"  # "lp": column generation's Lagrangian bound (or the
    # objective itself, once the restricted solve at the exact slack proved it)


def solve_instance(inst: Instance, *, time_limit: float = 60, workers: int = 2,
                   seed: int = 0, subsolvers: list[str] | None = None,
                   runs: str = RUNS[0], lns: bool | None = None) -> NrpResult:  # fmt: skip
    """Solve an instance within `time_limit` seconds (wall clock, build included). With
    `lns`: where `by_columns`, column generation (its Lagrangian bound is the one
    reported, `bound_by` "lp") and a dive's roster, then the restricted solves by
    reduced costs, then neighbourhoods until the bound or the time; otherwise the full
    model for a tenth of the time (its bound is the one reported), then neighbourhoods
    of its best roster, or of a roster built employee by employee (first_roster) if it
    has none by then. Without `lns`, the full
    model for the whole time; None: `lns` from LNS_MIN_OPTIONS shift options or
    LNS_MIN_DAYS days on. From STAFF_ONLY_DAYS on, no whole model: first_roster, then
    staff neighbourhoods (no bound)."""
    t0 = time.monotonic()
    deadline = t0 + time_limit - 0.5
    if inst.days >= STAFF_ONLY_DAYS:
        return _solve_by_staff(inst, t0, deadline, workers=workers, seed=seed, runs=runs)
    m, x, _terms = build(inst, runs)
    if lns is None:
        lns = len(x) >= LNS_MIN_OPTIONS or inst.days >= LNS_MIN_DAYS
    span = deadline - time.monotonic()
    if lns and by_columns(inst, time_limit):
        out = _solve_by_columns(inst, m, x, t0, deadline, span, workers=workers, seed=seed,
                                runs=runs)  # fmt: skip
        if out is not None:
            return out
    first: list[float] = []
    solver = cp_model.CpSolver()

    class _First(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            if not first:
                first.append(time.monotonic() - t0)

    # with `lns` the full solve hands over after a tenth of the time
    configure(solver, workers=workers, seed=seed, subsolvers=subsolvers,
              time_limit=max(0.5, LNS_FIRST_SHARE * span if lns else span))  # fmt: skip
    status = solver.solve(m, _First())
    bound = solver.best_objective_bound
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        values = values_of(solver)
        objective = int(round(solver.objective_value))
    elif lns and status == cp_model.UNKNOWN:
        roster = first_roster(inst, deadline=deadline - SEARCH_RESERVE * span, workers=workers,
                              seed=seed, runs=runs)  # fmt: skip
        if roster is None:
            return NrpResult(status.name, None, None, time.monotonic() - t0, {})
        first.append(time.monotonic() - t0)
        out = _values_of_roster(m, x, roster, workers=workers, seed=seed,
                                time_limit=max(0.5, deadline - time.monotonic()))  # fmt: skip
        if out is None:
            return NrpResult(status.name, None, None, time.monotonic() - t0, {})
        values, objective = out
        status = cp_model.FEASIBLE
    else:
        return NrpResult(status.name, None, None, time.monotonic() - t0, {})
    if lns and status != cp_model.OPTIMAL:
        values, objective, _ = improve_by_neighbourhoods(
            inst, m, x, values, objective, deadline=deadline, workers=workers, seed=seed,
            bound=bound,
        )  # fmt: skip
        status = cp_model.OPTIMAL if objective <= bound else cp_model.FEASIBLE
    return NrpResult(status.name, objective, bound, time.monotonic() - t0, roster_of(x, values),
                     first[0] if first else None)  # fmt: skip


def by_columns(inst: Instance, time_limit: float) -> bool:
    """Whether the search starts from column generation: up to CG_MAX_STAFF employees,
    and CG_MAX_DAYS days (CG_LONG_DAYS with a time limit from CG_LONG_SECONDS)."""
    days = CG_LONG_DAYS if time_limit >= CG_LONG_SECONDS else CG_MAX_DAYS
    return inst.days <= days and len(inst.employees) <= CG_MAX_STAFF


def _solve_by_columns(inst: Instance, m: cp_model.CpModel, x: dict, t0: float,
                      deadline: float, span: float, *, workers: int, seed: int,
                      runs: str) -> NrpResult | None:  # fmt: skip
    """Column generation for its bound and a dive's roster (solve/nrp/columns.py), then
    the restricted solves from it (reduced.py: a proof there is the instance's), then
    the neighbourhood search on the model shut by reduced costs, which stops at the
    bound. None if some employee had no roster of their own in time (the caller then
    starts from the full model)."""
    start = time.monotonic()
    out = column_start(inst, generate_until=start + CG_SHARE * span,
                       dive_until=start + DIVE_SHARE * span, workers=workers, seed=seed,
                       unconverged_until=start + DIVE_UNCONVERGED_SHARE * span,
                       search_by=start + SEARCH_SHARE * span, runs=runs)  # fmt: skip
    if out is None:
        return None
    first = time.monotonic() - t0
    done = _values_of_roster(m, x, out.roster, workers=1, seed=seed, time_limit=5.0)
    if done is None:
        return None
    values, objective = done
    bound = None if out.bound is None else max(0, math.ceil(out.bound - 1e-6))
    proven = bound is not None and objective <= bound
    if not proven:
        values, objective, proven = solve_by_levels(
            m, x, out, values, objective, until=start + LEVELS_SHARE * span, workers=workers,
            seed=seed,
        )  # fmt: skip
    if not proven:
        shut_exact(m, x, out, values, objective)
        values, objective, _ = improve_by_neighbourhoods(
            inst, m, x, values, objective, deadline=deadline, workers=workers, seed=seed,
            bound=bound,
        )  # fmt: skip
        proven = bound is not None and objective <= bound
    if proven and bound is not None:
        bound = max(bound, objective)  # proven by the exact level
    status = "OPTIMAL" if proven else "FEASIBLE"
    return NrpResult(status, objective, bound, time.monotonic() - t0, roster_of(x, values),
                     first, bound_by="lp")  # fmt: skip


def _values_of_roster(m: cp_model.CpModel, x: dict, roster: Roster, *, workers: int,
                      seed: int, time_limit: float) -> tuple[list[int], int] | None:  # fmt: skip
    """The model's values and objective for a legal roster: every shift fixed, CP-SAT
    only sets the rest (the cover's slack, the runs' auxiliaries). None if it cannot."""
    values = [0] * len(m.proto.variables)
    for (e, d, t), v in x.items():
        values[v.index] = int(roster.get((e, d)) == t)
    done = resolve(
        m, values, (v.index for v in x.values()),
        lambda s: configure(s, workers=workers, seed=seed, time_limit=time_limit),
    )  # fmt: skip
    if done is None:
        return None
    values, objective, _ = done
    return values, objective


def _solve_by_staff(inst: Instance, t0: float, deadline: float, *, workers: int, seed: int,
                    runs: str) -> NrpResult:  # fmt: skip
    """Without a whole model: first_roster, then staff neighbourhoods; no bound."""
    span = deadline - time.monotonic()
    roster = first_roster(inst, deadline=deadline - SEARCH_RESERVE * span, workers=workers,
                          seed=seed, runs=runs)  # fmt: skip
    if roster is None:
        return NrpResult("UNKNOWN", None, None, time.monotonic() - t0, {})
    first = time.monotonic() - t0
    objective, broken = evaluate(inst, roster)
    assert not broken, broken[:3]  # every rule is an employee's, each roster legal
    roster, objective = improve_by_staff(inst, roster, objective, deadline=deadline,
                                         workers=workers, seed=seed, runs=runs)  # fmt: skip
    return NrpResult("FEASIBLE", objective, None, time.monotonic() - t0, roster, first)
