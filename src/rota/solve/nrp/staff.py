"""Employee by employee: every hard rule of the benchmark is one employee's, so a model
of some employees next to the others' roster (model.build(only=, around=)) is small and
exact. A first roster one employee at a time, and neighbourhoods of whole employees.
Measured in benchmarks/README.md, "First rosters employee by employee".
"""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from ortools.sat.python import cp_model

from rota.nrp.instance import Instance, Roster, evaluate
from rota.solve.core.lns import objective_at_most
from rota.solve.nrp.model import RUNS, build
from rota.solve.nrp.neighbourhoods import (
    LNS_GROW,
    LNS_LINEARIZATION,
    LNS_SHRINK,
    LNS_STEP_SECONDS,
    in_lanes,
)
from rota.solve.run import configure


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
    worker). Every hard rule is one employee's, so the roster is legal; None when an
    employee's model has no roster in its share of the time."""

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

    in_lanes(lane, workers)
    return best["roster"], best["objective"]
