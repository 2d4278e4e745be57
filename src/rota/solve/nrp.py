"""The Curtois & Qu benchmark model, written with the same primitives as the port model.

Rules (benchmarks/nrp/FORMAT.md) map to solve/core: runs of days (max consecutive
shifts, and min consecutive shifts / days off as forbidden patterns), window counts
(max shifts per type, total minutes, weekends), forbidden successions as cliques, and
cover with under- and over-staffing slack.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from rota.nrp.instance import Instance, Roster
from rota.solve.core import (
    add_cover_both,
    at_most_in_windows,
    forbid_patterns,
    forbid_together,
    min_run_length,
    run_automaton,
)
from rota.solve.run import configure

# encodings of the runs of days, measured in benchmarks/README.md: "patterns" (windows for
# the maximum, forbidden short runs for the minimums), "turn-on" (minimum up-time form of
# the minimums) or "automaton" (one regular constraint per employee for all three)
RUNS = ("patterns", "turn-on", "automaton")


@dataclass
class NrpResult:
    status: str
    objective: int | None
    bound: float | None
    seconds: float
    roster: Roster
    first_seconds: float | None = None


def build(inst: Instance, runs: str = RUNS[0]) -> tuple[cp_model.CpModel, dict, list]:
    m = cp_model.CpModel()
    x: dict[tuple[str, int, str], cp_model.IntVar] = {}
    work: dict[str, list] = {}
    h = inst.days
    for e in inst.employees:
        off = inst.days_off.get(e.id, set())
        series: list = []
        for d in range(h):
            vs = []
            for t in inst.shifts:
                if e.max_shifts.get(t, 0) > 0 and d not in off:
                    v = m.new_bool_var(f"x[{e.id},{d},{t}]")
                    x[e.id, d, t] = v
                    vs.append(v)
            if not vs:
                series.append(0)
            elif len(vs) == 1:
                series.append(vs[0])
            else:
                w = m.new_bool_var(f"w[{e.id},{d}]")
                m.add(sum(vs) == w)  # one shift a day
                series.append(w)
        work[e.id] = series
        # forbidden successions: a shift and the ones that may not follow it next day
        for d in range(h - 1):
            for t, nxt in inst.forbidden.items():
                if (e.id, d, t) in x:
                    then = [x[e.id, d + 1, u] for u in nxt if (e.id, d + 1, u) in x]
                    if then:
                        forbid_together(m, x[e.id, d, t], then)
        for t in inst.shifts:
            mine = [x[e.id, d, t] for d in range(h) if (e.id, d, t) in x]
            if mine and len(mine) > e.max_shifts.get(t, 0):
                m.add(sum(mine) <= e.max_shifts[t])
        minutes = sum(inst.lengths[t] * v for (eid, _d, t), v in x.items() if eid == e.id)
        m.add(minutes <= e.max_minutes)
        m.add(minutes >= e.min_minutes)
        # runs of days (runs touching either end are exempt from the minimums)
        if runs == "automaton":
            run_automaton(m, series, max_on=e.max_consecutive, min_on=e.min_consecutive,
                          min_off=e.min_days_off)  # fmt: skip
        else:
            at_most_in_windows(m, series, e.max_consecutive + 1, e.max_consecutive)
            if runs == "patterns":
                for s in range(1, e.min_consecutive):
                    forbid_patterns(m, series, [0] + [1] * s + [0])
                for s in range(1, e.min_days_off):
                    forbid_patterns(m, series, [1] + [0] * s + [1])
            else:
                min_run_length(m, series, e.min_consecutive, f"on[{e.id}]", value=1)
                min_run_length(m, series, e.min_days_off, f"off[{e.id}]", value=0)
        weekend = []
        for w in range(inst.weeks):
            sat, sun = series[7 * w + 5], series[7 * w + 6]
            if isinstance(sat, int) and isinstance(sun, int):
                weekend.append(max(sat, sun))
                continue
            k = m.new_bool_var(f"we[{e.id},{w}]")
            m.add_max_equality(k, [sat, sun])
            weekend.append(k)
        if sum(1 for k in weekend if not isinstance(k, int)) > e.max_weekends:
            m.add(sum(weekend) <= e.max_weekends)
    terms = []
    for eid, d, t, w in inst.on_requests:
        v = x.get((eid, d, t))
        terms.append(w * (1 - v) if v is not None else w)
    for eid, d, t, w in inst.off_requests:
        v = x.get((eid, d, t))
        if v is not None:
            terms.append(w * v)
    for (d, t), (req, under_w, over_w) in inst.cover.items():
        supply = [x[e.id, d, t] for e in inst.employees if (e.id, d, t) in x]
        under, over = add_cover_both(m, supply, req, f"cover[{d},{t}]")
        terms += [under_w * under, over_w * over]
    # redundant: the shifts worked each day are bounded by the staff who can work it
    m.minimize(sum(terms))
    return m, x, terms


def solve_instance(inst: Instance, *, time_limit: float = 60, workers: int = 2,
                   seed: int = 0, subsolvers: list[str] | None = None,
                   runs: str = RUNS[0]) -> NrpResult:  # fmt: skip
    t0 = time.monotonic()
    m, x, _terms = build(inst, runs)
    solver = cp_model.CpSolver()
    configure(solver, workers=workers, seed=seed, subsolvers=subsolvers,
              time_limit=max(0.5, time_limit - (time.monotonic() - t0) - 1.0))  # fmt: skip
    first: list[float] = []

    class _First(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            if not first:
                first.append(time.monotonic() - t0)

    status = solver.solve(m, _First())
    seconds = time.monotonic() - t0
    name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return NrpResult(name, None, None, seconds, {})
    roster = {(e, d): t for (e, d, t), v in x.items() if solver.boolean_value(v)}
    return NrpResult(name, int(round(solver.objective_value)), solver.best_objective_bound,
                     seconds, roster, first[0] if first else None)  # fmt: skip
