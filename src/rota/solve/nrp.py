"""The Curtois & Qu benchmark model, written with the same primitives as the port model.

Rules (benchmarks/nrp/FORMAT.md) map to solve/core: runs of days (max consecutive
shifts, and min consecutive shifts / days off as forbidden patterns), window counts
(max shifts per type, total minutes, weekends), forbidden successions as cliques, and
cover with under- and over-staffing slack.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from rota.nrp.instance import Employee, Instance, Roster, evaluate, penalty_by_day
from rota.solve.core import (
    add_cover_both,
    at_most_in_windows,
    forbid_patterns,
    forbid_together,
    min_run_length,
    run_automaton,
)
from rota.solve.core.lns import Values, objective_at_most, resolve, values_of
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
    others = {k: t for k, t in (around or {}).items() if only is not None and k[0] not in only}
    covered: dict[tuple[int, str], int] = {}
    for (_e, d), t in others.items():
        covered[d, t] = covered.get((d, t), 0) + 1

    def works(eid: str, d: int, t: str):  # noqa: ANN202
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


# the neighbourhood search after the full solve (measured in benchmarks/README.md)
# below this many (employee, day, shift) options the full model does better for the
# whole time (Instances 1-9: it proves 1-6 optimal within 60 s, neighbourhoods do not)
LNS_MIN_OPTIONS = 3000
LNS_FIRST_SHARE = 0.1  # share of the time limit for the full solve before it
LNS_STEP_SECONDS = 2.0  # time limit of one neighbourhood's solve
LNS_KINDS = ("staff", "days", "staff-days")
LNS_START_SIZE = 0.15  # share of the roster freed at first
LNS_START_OPTIONS = 500  # ... or this many shift options, if fewer
LNS_GROW = 1.1  # a neighbourhood solved without gain: this much bigger
LNS_SHRINK = 1.2  # a neighbourhood out of time: this much smaller
LNS_TARGETED = 0.5  # share of windows of days centred on a day with a cost
LNS_LINEARIZATION = 2  # each neighbourhood with the full linear relaxation (max_lp)


def _roster(x: dict, values: Values) -> Roster:
    """The roster (employee, day) -> shift held in `values`."""
    return {(e, d): t for (e, d, t), v in x.items() if values[v.index]}


def _neighbourhood(
    inst: Instance, kind: str, size: float, rng: random.Random, roster: Callable[[], Roster]
) -> set[tuple[str, int]]:
    """(employee, day) cells to free: `size` in (0, 1] is the share of the roster. Half
    the windows of days are centred on a day whose cover or requests cost something in
    the incumbent (`roster`, read only then)."""
    ids = [e.id for e in inst.employees]
    h = inst.days

    def window(n: int) -> range:
        n = max(2, min(h, n))
        costly = []
        if rng.random() < LNS_TARGETED:
            costly = sorted(penalty_by_day(inst, roster()).items())
        if costly:
            day = rng.choices([d for d, _ in costly], weights=[c for _, c in costly])[0]
            start = min(max(0, day - rng.randrange(n)), h - n)
        else:
            start = rng.randrange(h - n + 1)
        return range(start, start + n)

    if kind == "staff":
        who = rng.sample(ids, max(1, min(len(ids), round(size * len(ids)))))
        days = range(h)
    elif kind == "days":
        who, days = ids, window(round(size * h))
    else:  # a block of days for a share of the staff: each as big as the square root
        share = min(1.0, size**0.5)
        who = rng.sample(ids, max(1, min(len(ids), round(share * len(ids)))))
        days = window(round(share * h))
    return {(e, d) for e in who for d in days}


def improve_by_neighbourhoods(inst: Instance, m: cp_model.CpModel, x: dict, values: Values,
                              objective: int, *, deadline: float, workers: int, seed: int,
                              bound: float | None = None) -> tuple[Values, int, int]:  # fmt: skip
    """Large neighbourhood search from `values`: free some staff, some days, or a block
    of both, re-solve with the rest fixed, keep any roster at least as good. `workers`
    lanes search at once, each solve on one worker, sharing the best roster. Each
    kind's size grows when its neighbourhood is solved to optimality without gain and
    shrinks when its solve runs out of time. Returns (values, objective, steps gained)."""
    size = dict.fromkeys(LNS_KINDS, min(LNS_START_SIZE, LNS_START_OPTIONS / max(1, len(x))))
    cells = [((e, d), v.index) for (e, d, _t), v in x.items()]
    lock = threading.Lock()
    best = {"values": values, "objective": objective, "version": 0, "better": 0}

    def lane(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        step = number
        while time.monotonic() + 0.3 < deadline:
            with lock:
                if bound is not None and best["objective"] <= bound:
                    return
                start, obj, version = best["values"], best["objective"], best["version"]
                kind = LNS_KINDS[step % len(LNS_KINDS)]
                share = size[kind]
            step += max(1, workers)
            free = _neighbourhood(inst, kind, share, rng, lambda start=start: _roster(x, start))
            limit = min(LNS_STEP_SECONDS, deadline - time.monotonic())
            out = resolve(
                m, start, (idx for cell, idx in cells if cell not in free),
                lambda s, limit=limit, step=step: configure(
                    s, workers=1, seed=seed + step, time_limit=limit,
                    extra={"linearization_level": LNS_LINEARIZATION}),
                below=obj,
            )  # fmt: skip
            with lock:
                if out is None:  # nothing as good found in time: a smaller neighbourhood
                    size[kind] = max(0.02, size[kind] / LNS_SHRINK)
                    continue
                new, new_obj, proven = out
                if new_obj == obj and proven:  # nothing better in there: a bigger one
                    size[kind] = min(1.0, size[kind] * LNS_GROW)
                if new_obj < best["objective"] or (
                    new_obj == best["objective"] and version == best["version"]
                ):
                    best["better"] += new_obj < best["objective"]
                    best.update(values=new, objective=new_obj, version=best["version"] + 1)

    lanes = [threading.Thread(target=lane, args=(i,)) for i in range(max(1, workers))]
    for t in lanes:
        t.start()
    for t in lanes:
        t.join()
    return best["values"], best["objective"], best["better"]


FIRST_LINEARIZATION = 2  # one employee's model: with the full LP CP-SAT solves it
# in a second (Instance20: 0.3-0.6 s); without, it finds no roster in 10 s (115 to 117
# shifts of 182 days in runs of 2 to 5, half the weekends off)
STAFF_ONLY_DAYS = 182  # from half a year on, no whole model (Instances 20-24: it has
# no roster within a minute, Instance24's takes 31 s to build, and neighbourhoods of
# whole employees on models of their own beat those re-solving a copy of it)


def _solve_staff(
    inst: Instance,
    who: set[str],
    around: Roster,
    *,
    limit: float,
    seed: int,
    runs: str,
    below: int | None = None,
) -> tuple[Roster, int, bool] | None:
    """The best roster for the employees `who`, the others working as in `around`, within
    `limit` seconds on one worker; with `below`, one at least that good (hinted from
    `around`). Returns (their roster, the whole roster's penalty, proven) or None."""
    m, x, _ = build(inst, runs, only=who, around=around)
    if below is not None:
        for (e, d, t), v in x.items():
            m.add_hint(v, int(around.get((e, d)) == t))
        objective_at_most(m, below)
    solver = cp_model.CpSolver()
    configure(solver, workers=1, seed=seed, time_limit=max(0.05, limit),
              extra={"linearization_level": FIRST_LINEARIZATION})  # fmt: skip
    status = solver.solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    mine = {(e, d): t for (e, d, t), v in x.items() if solver.boolean_value(v)}
    return mine, int(round(solver.objective_value)), status == cp_model.OPTIMAL


def first_roster(inst: Instance, *, deadline: float, workers: int, seed: int,
                 runs: str = RUNS[0]) -> Roster | None:  # fmt: skip
    """A roster built employee by employee: each gets the best roster of their own
    given the cover of those before them (`workers` employees at a time, each on one
    worker). Every hard rule is one employee's, so the roster is legal; None when an
    employee's model has no roster in its share of the time."""
    from concurrent.futures import ThreadPoolExecutor

    roster: Roster = {}
    ids = [e.id for e in inst.employees]
    lanes = max(1, workers)
    with ThreadPoolExecutor(lanes) as pool:
        for i in range(0, len(ids), lanes):
            batch = ids[i : i + lanes]
            rounds = -(-(len(ids) - i) // lanes)
            limit = (deadline - time.monotonic()) / rounds
            base = dict(roster)
            found = list(pool.map(
                lambda eid, base=base, limit=limit: _solve_staff(
                    inst, {eid}, base, limit=limit, seed=seed, runs=runs),
                batch,
            ))  # fmt: skip
            for k, f in enumerate(found):
                if f is None:  # out of its share: the rest of the time, shared again
                    found[k] = _solve_staff(
                        inst, {batch[k]}, base, limit=(deadline - time.monotonic()) / 2,
                        seed=seed, runs=runs,
                    )  # fmt: skip
            if any(f is None for f in found):
                return None
            for mine, _obj, _proven in found:
                roster.update(mine)
    return roster


def improve_by_staff(
    inst: Instance,
    roster: Roster,
    objective: int,
    *,
    deadline: float,
    workers: int,
    seed: int,
    runs: str = RUNS[0],
) -> tuple[Roster, int]:
    """Neighbourhoods of whole employees without a whole model (STAFF_ONLY_DAYS):
    re-solve a few employees' rosters next to everyone else's, keep any roster at least
    as good. As improve_by_neighbourhoods: `workers` lanes, a size that grows when a
    neighbourhood holds nothing better and shrinks when its solve runs out of time."""
    ids = [e.id for e in inst.employees]
    lock = threading.Lock()
    best = {"roster": roster, "objective": objective, "version": 0}
    size = {"n": 2.0}

    def lane(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        step = number
        while time.monotonic() + 0.3 < deadline:
            with lock:
                start, obj, version = best["roster"], best["objective"], best["version"]
                n = max(1, min(len(ids), round(size["n"])))
            step += max(1, workers)
            who = set(rng.sample(ids, n))
            limit = min(LNS_STEP_SECONDS, deadline - time.monotonic())
            out = _solve_staff(inst, who, start, limit=limit, seed=seed + step, runs=runs,
                               below=obj)  # fmt: skip
            with lock:
                if out is None:
                    size["n"] = max(1.0, size["n"] / LNS_SHRINK)
                    continue
                mine, new_obj, proven = out
                if new_obj == obj and proven:
                    size["n"] = min(len(ids), size["n"] * LNS_GROW)
                new = {k: t for k, t in best["roster"].items() if k[0] not in who}
                new.update(mine)
                if version != best["version"]:  # another lane moved the others meanwhile
                    new_obj = evaluate(inst, new)[0]
                    if new_obj >= best["objective"]:
                        continue
                if new_obj <= best["objective"]:
                    best.update(roster=new, objective=new_obj, version=best["version"] + 1)

    lanes = [threading.Thread(target=lane, args=(i,)) for i in range(max(1, workers))]
    for t in lanes:
        t.start()
    for t in lanes:
        t.join()
    return best["roster"], best["objective"]


def solve_instance(inst: Instance, *, time_limit: float = 60, workers: int = 2,
                   seed: int = 0, subsolvers: list[str] | None = None,
                   runs: str = RUNS[0], lns: bool | None = None) -> NrpResult:  # fmt: skip
    """Solve an instance within `time_limit` seconds (wall clock, build included). With
    `lns`: the full model for a tenth of the time (its bound is the one reported), then
    neighbourhoods of its best roster, or of a roster built employee by employee
    (first_roster) if it has none by then; without, the full model for the whole time;
    None: with from LNS_MIN_OPTIONS shift options on. From STAFF_ONLY_DAYS on, no
    whole model: first_roster, then staff neighbourhoods (no bound)."""
    t0 = time.monotonic()
    deadline = t0 + time_limit - 0.5
    if inst.days >= STAFF_ONLY_DAYS:
        return _solve_by_staff(inst, t0, deadline, workers=workers, seed=seed, runs=runs)
    m, x, _terms = build(inst, runs)
    if lns is None:
        lns = len(x) >= LNS_MIN_OPTIONS
    span = deadline - time.monotonic()
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
        roster = first_roster(inst, deadline=deadline - 0.1 * span, workers=workers,
                              seed=seed, runs=runs)  # fmt: skip
        if roster is None:
            return NrpResult(status.name, None, None, time.monotonic() - t0, {})
        first.append(time.monotonic() - t0)
        values = [0] * len(m.proto.variables)
        for (e, d, t), v in x.items():
            values[v.index] = int(roster.get((e, d)) == t)
        left = max(0.5, deadline - time.monotonic())
        out = resolve(
            m, values, (v.index for v in x.values()),
            lambda s: configure(s, workers=workers, seed=seed, time_limit=left),
        )  # fmt: skip
        if out is None:
            return NrpResult(status.name, None, None, time.monotonic() - t0, {})
        values, objective, _ = out
        status = cp_model.FEASIBLE
    else:
        return NrpResult(status.name, None, None, time.monotonic() - t0, {})
    if lns and status != cp_model.OPTIMAL:
        values, objective, _ = improve_by_neighbourhoods(
            inst, m, x, values, objective, deadline=deadline, workers=workers, seed=seed,
            bound=bound,
        )  # fmt: skip
        status = cp_model.OPTIMAL if objective <= bound else cp_model.FEASIBLE
    return NrpResult(status.name, objective, bound, time.monotonic() - t0, _roster(x, values),
                     first[0] if first else None)  # fmt: skip


def _solve_by_staff(inst: Instance, t0: float, deadline: float, *, workers: int, seed: int,
                    runs: str) -> NrpResult:  # fmt: skip
    """Without a whole model: first_roster, then staff neighbourhoods; no bound."""
    span = deadline - time.monotonic()
    roster = first_roster(inst, deadline=deadline - 0.1 * span, workers=workers, seed=seed,
                          runs=runs)  # fmt: skip
    if roster is None:
        return NrpResult("UNKNOWN", None, None, time.monotonic() - t0, {})
    first = time.monotonic() - t0
    objective, broken = evaluate(inst, roster)
    assert not broken, broken[:3]  # every rule is an employee's, each roster legal
    roster, objective = improve_by_staff(inst, roster, objective, deadline=deadline,
                                         workers=workers, seed=seed, runs=runs)  # fmt: skip
    return NrpResult("FEASIBLE", objective, None, time.monotonic() - t0, roster, first)
