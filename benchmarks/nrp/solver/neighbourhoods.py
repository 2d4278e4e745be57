"""The neighbourhood search on the whole model, after its first roster: free some staff,
some days, or a block of both, re-solve a copy with the rest fixed (solve/core/lns.py).
Measured in benchmarks/README.md, "Neighbourhood search".
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from ortools.sat.python import cp_model

from benchmarks.nrp.instance import Instance, Roster, penalty_by_day
from benchmarks.nrp.search import Sizes, Step, search
from rota.solve.core.lns import Values, resolve
from rota.solve.settings import configure

# the neighbourhood search after the full solve (measured in benchmarks/README.md)
# below this many (employee, day, shift) options the full model does better for the
# whole time (Instances 1-6: it proves them optimal within 60 s, neighbourhoods do not;
# Instance7, 1,248 options, 60 s: full model 1,066-1,068, the search from column
# generation 1,057 twice; Instance8, 2,158: 1,503-1,616 against 1,306-1,323)
LNS_MIN_OPTIONS = 1200
LNS_MIN_DAYS = 42  # ... and from six weeks on, whatever the options (Instance16, 2,250
# options over 56 days, at 600 s: full model 3,731, the search 3,237)
LNS_FIRST_SHARE = 0.1  # share of the time limit for the full solve before it
LNS_STEP_SECONDS = 2.0  # time limit of one neighbourhood's solve
LNS_DIFFER = True  # each step asks for a roster as good but other, or a better one
LNS_KINDS = ("staff", "days", "staff-days")
LNS_START_SIZE = 0.15  # share of the roster freed at first
LNS_START_OPTIONS = 500  # ... or this many shift options, if fewer
LNS_GROW = 1.1  # a neighbourhood solved without gain: this much bigger
LNS_SHRINK = 1.2  # a neighbourhood out of time: this much smaller
LNS_TARGETED = 0.5  # share of windows of days centred on a day with a cost
LNS_LINEARIZATION = 2  # each neighbourhood, and each employee's model of a first roster
# (staff.py), with the full linear relaxation (max_lp): one employee's model of Instance20
# (115 to 117 shifts of 182 days in runs of 2 to 5, half the weekends off) is solved in
# 0.3-0.6 s with it, without it no roster in 10 s


def roster_of(x: dict, values: Values) -> Roster:
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
    """Large neighbourhood search from `values` (core.lns.search): free some staff, some
    days, or a block of both, re-solve with the rest fixed, each solve on one worker.
    Returns (values, objective, steps gained)."""
    cells = [((e, d), v.index) for (e, d, _t), v in x.items()]
    start = min(LNS_START_SIZE, LNS_START_OPTIONS / max(1, len(x)))

    def step(kind: str, size: float, incumbent: Values, obj: int, rng: random.Random,
             number: int) -> Step:  # fmt: skip
        free = _neighbourhood(inst, kind, size, rng, lambda: roster_of(x, incumbent))
        limit = min(LNS_STEP_SECONDS, deadline - time.monotonic())
        return resolve(
            m, incumbent, (idx for cell, idx in cells if cell not in free),
            lambda s: configure(s, workers=1, seed=seed + number, time_limit=limit,
                                extra={"linearization_level": LNS_LINEARIZATION}),
            below=obj, differ=[idx for cell, idx in cells if cell in free] if LNS_DIFFER else None,
        )  # fmt: skip

    return search(values, objective, kinds=LNS_KINDS,
                  sizes=Sizes(start, 0.02, 1.0, LNS_GROW, LNS_SHRINK), step=step,
                  deadline=deadline, workers=workers, seed=seed, bound=bound)  # fmt: skip
