"""The Curtois & Qu benchmark model, written with the same primitives as the port model.

Rules (benchmarks/nrp/FORMAT.md) map to solve/core: runs of days (max consecutive
shifts, and min consecutive shifts / days off as forbidden patterns), window counts
(max shifts per type, total minutes, weekends), forbidden successions as cliques, and
cover with under- and over-staffing slack. Every hard rule is one employee's
(add_employee); only the cover couples them.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from benchmarks.nrp.instance import Employee, Instance, Roster
from benchmarks.nrp.primitives import (
    add_cover_both,
    forbid_patterns,
    min_run_length,
    run_automaton,
)
from rota.solve.core import at_most_in_windows, forbid_together

# encodings of the runs of days, measured in benchmarks/README.md: "patterns" (windows for
# the maximum, forbidden short runs for the minimums), "turn-on" (minimum up-time form of
# the minimums) or "automaton" (one regular constraint per employee for all three)
RUNS = ("patterns", "turn-on", "automaton")


def add_employee(
    m: cp_model.CpModel, inst: Instance, e: Employee, runs: str = RUNS[0]
) -> dict[tuple[str, int, str], cp_model.IntVar]:
    """One employee's shift variables and every rule of theirs (all of the instance's
    hard rules are per employee); returns (employee, day, shift) -> variable."""
    x: dict[tuple[str, int, str], cp_model.IntVar] = {}
    h = inst.days
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
    minutes = sum(inst.lengths[t] * v for (_e, _d, t), v in x.items())
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
    return x


def build(
    inst: Instance, runs: str = RUNS[0], *, only: set[str] | None = None,
    around: Roster | None = None,
) -> tuple[cp_model.CpModel, dict, list]:  # fmt: skip
    """The model of the instance; with `only`, of those employees alone, the others
    working as in `around` (facts: their cover counts, their requests a constant), so
    that the objective is still the whole roster's penalty. Every hard rule is one
    employee's, so any roster of theirs is legal next to any roster of the others."""
    m = cp_model.CpModel()
    x: dict[tuple[str, int, str], cp_model.IntVar] = {}
    for e in inst.employees:
        if only is None or e.id in only:
            x.update(add_employee(m, inst, e, runs))
    others = {} if only is None else {k: t for k, t in (around or {}).items() if k[0] not in only}
    covered: dict[tuple[int, str], int] = {}
    for (_e, d), t in others.items():
        covered[d, t] = covered.get((d, t), 0) + 1

    def works(eid: str, d: int, t: str):
        v = x.get((eid, d, t))
        return v if v is not None else int(others.get((eid, d)) == t)

    terms: list = []
    for eid, d, t, w in inst.on_requests:
        terms.append(w * (1 - works(eid, d, t)))
    for eid, d, t, w in inst.off_requests:
        terms.append(w * works(eid, d, t))
    by_cell: dict[tuple[int, str], list] = {}
    for (_e, d, t), v in x.items():
        by_cell.setdefault((d, t), []).append(v)
    for (d, t), (req, under_w, over_w) in inst.cover.items():
        supply = [covered.get((d, t), 0), *by_cell.get((d, t), ())]
        under, over = add_cover_both(m, supply, req, f"cover[{d},{t}]")
        terms += [under_w * under, over_w * over]
    m.minimize(sum(terms))
    return m, x, terms
