"""Employee by employee: every hard rule of the benchmark is one employee's, so a model
of some employees next to the others' roster (model.build(only=, around=)) is small and
exact. A first roster one employee at a time, and neighbourhoods of whole employees.
Measured in benchmarks/README.md, "First rosters employee by employee".
"""

from __future__ import annotations

import random
import time
from concurrent.futures import ThreadPoolExecutor

from ortools.sat.python import cp_model

from benchmarks.nrp.instance import Instance, Roster, evaluate
from benchmarks.nrp.search import Sizes, Step, search
from benchmarks.nrp.solver.model import RUNS, build
from benchmarks.nrp.solver.neighbourhoods import (
    LNS_GROW,
    LNS_LINEARIZATION,
    LNS_SHRINK,
    LNS_STEP_SECONDS,
)
from rota.solve.core.lns import objective_at_most
from rota.solve.settings import configure

STAFF_START = 2.0  # employees re-solved together at first
RETRY_RUNS = "automaton"  # an employee with no roster in its share is retried with this
# encoding: Instance22's employees H and Y (232 shifts of 328 free days, runs of 2-5)
# have none in 10 s with patterns, and are solved to optimality in 5.8 and 2.7 s by it
RETRY_SHARES = 4  # ... for at most this many shares (or half the time left): a retry
# solves on until its limit, and with half the time left one of Instance21's (60 s:
# 5.7 s of a 0.9 s share) left the employees after it too little, and no roster


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
              extra={"linearization_level": LNS_LINEARIZATION})  # fmt: skip
    status = solver.solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    mine = {(e, d): t for (e, d, t), v in x.items() if solver.boolean_value(v)}
    return mine, int(round(solver.objective_value)), status == cp_model.OPTIMAL


def first_roster(inst: Instance, *, deadline: float, workers: int, seed: int,
                 runs: str = RUNS[0]) -> Roster | None:  # fmt: skip
    """A roster built employee by employee: each gets the best roster of their own
    given the cover of those before them (`workers` employees at a time, each on one
    worker; one with no roster in its share is retried with RETRY_RUNS for
    RETRY_SHARES shares, or half the time left if less). Every hard rule is one
    employee's, so the roster is legal; None when an employee's model has no roster
    even then."""

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
                if f is None:  # out of its share: RETRY_SHARES more, with the other encoding
                    found[k] = _solve_staff(
                        inst, {batch[k]}, base,
                        limit=min((deadline - time.monotonic()) / 2, RETRY_SHARES * limit),
                        seed=seed, runs=RETRY_RUNS if runs != RETRY_RUNS else RUNS[0],
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
    """Neighbourhoods of whole employees without a whole model (STAFF_ONLY_DAYS, and
    core.lns.search): re-solve a few employees' rosters next to everyone else's, keep
    any roster at least as good; sizes in employees, from STAFF_START."""
    ids = [e.id for e in inst.employees]

    def step(_kind: str, size: float, start: Roster, obj: int, rng: random.Random,
             number: int) -> Step:  # fmt: skip
        who = set(rng.sample(ids, max(1, min(len(ids), round(size)))))
        limit = min(LNS_STEP_SECONDS, deadline - time.monotonic())
        out = _solve_staff(inst, who, start, limit=limit, seed=seed + number, runs=runs,
                           below=obj)  # fmt: skip
        if out is None:
            return None
        mine, new_obj, proven = out
        return _with(start, mine, who), new_obj, proven

    def rebase(new: Roster, start: Roster, now: Roster) -> tuple[Roster, int]:
        """The employees `new` changed from `start`, next to everyone else as in `now`."""
        moved = {e for (e, _d), _t in set(new.items()) ^ set(start.items())}
        merged = _with(now, {k: t for k, t in new.items() if k[0] in moved}, moved)
        return merged, evaluate(inst, merged)[0]

    best, obj, _ = search(roster, objective, kinds=("staff",),
                          sizes=Sizes(STAFF_START, 1.0, len(ids), LNS_GROW, LNS_SHRINK),
                          step=step, rebase=rebase, deadline=deadline, workers=workers,
                          seed=seed)  # fmt: skip
    return best, obj


def _with(roster: Roster, mine: Roster, who: set[str]) -> Roster:
    """`roster` with the rosters of the employees `who` replaced by `mine`."""
    new = {k: t for k, t in roster.items() if k[0] not in who}
    new.update(mine)
    return new
