"""Large neighbourhood search on any CP-SAT model: re-solve it with most of an incumbent
fixed. Used by the port model's site and fairness steps (solve/improve.py) and by the
public-benchmark model (solve/nrp/); knows nothing of either.

An incumbent is `values`: the value of every variable of the model, by proto index. Fixing
is done on the domains of a copy of the model (no added constraints), so presolve
removes the fixed part before the search starts.

`search` is the loop around such steps, for any incumbent (values, or a roster) and any
step: lanes sharing the best, neighbourhood sizes that adapt to what the steps prove.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from ortools.sat.python import cp_model

Values = list[int]  # by proto index
T = TypeVar("T")  # an incumbent: Values, or a roster


def values_of(solver: cp_model.CpSolver) -> Values:
    """The value of every variable of the model in the solver's best solution."""
    return list(solver.response_proto.solution)


def objective_of(model: cp_model.CpModel, values: Values) -> int:
    """The (unscaled) objective of `values` in `model`."""
    obj = model.proto.objective
    terms = zip(obj.vars, obj.coeffs, strict=True)
    return int(obj.offset) + sum(c * (values[i] if i >= 0 else -values[-i - 1]) for i, c in terms)


def objective_at_most(model: cp_model.CpModel, below: int) -> None:
    """Only solutions whose (integral, unscaled) objective is at most `below`."""
    obj = model.proto.objective
    if obj.scaling_factor in (0, 1) and all(i >= 0 for i in obj.vars):
        terms = zip(obj.vars, obj.coeffs, strict=True)
        total = sum(c * model.get_int_var_from_proto_index(i) for i, c in terms)
        model.add(total <= below - int(obj.offset))


def resolve(
    model: cp_model.CpModel,
    values: Values,
    fixed: Iterable[int],
    configure: Callable[[cp_model.CpSolver], None],
    *,
    extra: Callable[[cp_model.CpModel], None] | None = None,
    below: int | None = None,
    differ: Iterable[int] | None = None,
    meter: list[float] | None = None,
) -> tuple[Values, int, bool] | None:
    """Re-solve `model` with the variables at proto indices `fixed` held at their value
    in `values`, from `values` as the hint, plus any `extra` constraints; with `below`,
    only solutions whose objective is at most `below`; with `differ` (indices of Boolean
    variables), only solutions that change at least one of them, so that a roster as
    good as `values` but other is a step too. `configure` sets the solver's parameters
    (time limit, workers, seed). Returns (values, objective, proven optimal for the
    neighbourhood) or None when no solution was found; with `differ` and `below` at
    least the objective of `values`, a neighbourhood proven to hold no other solution
    that good returns `values` itself, with its objective, proven. With `meter`, the
    solve's deterministic time is appended to it (the work it spent)."""
    trial = model.clone()
    variables = trial.proto.variables
    for idx in fixed:
        v = values[idx]
        dom = variables[idx].domain
        dom.clear()
        dom.extend((v, v))
    if extra is not None:
        extra(trial)
    if below is not None:
        objective_at_most(trial, below)
    if differ is not None:
        lits = [trial.get_bool_var_from_proto_index(i) for i in differ]
        trial.add_bool_or([~v if values[v.index] else v for v in lits])
    trial.clear_hints()
    hint = trial.proto.solution_hint
    hint.vars.extend(range(len(variables)))
    hint.values.extend(values)
    solver = cp_model.CpSolver()
    configure(solver)
    status = solver.solve(trial)
    if meter is not None:
        meter.append(solver.deterministic_time)
    if status == cp_model.INFEASIBLE and differ is not None and below is not None:
        mine = objective_of(model, values)
        return (values, mine, True) if mine <= below else None
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return values_of(solver), int(round(solver.objective_value)), status == cp_model.OPTIMAL


def in_lanes(lane: Callable[[int], None], workers: int) -> None:
    """Run `lane(0)`, `lane(1)`, ... one thread each (a lane's solves use one worker and
    release the interpreter), and wait for all of them."""
    threads = [threading.Thread(target=lane, args=(i,)) for i in range(max(1, workers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


# what one step of a search returned: (incumbent, objective, proven best of its
# neighbourhood), or None when it found nothing as good in its time
Step = tuple[T, int, bool] | None


@dataclass
class Sizes:
    """How big a neighbourhood of each kind is, and how that adapts: `grow` times bigger
    when a step proves its neighbourhood holds nothing better, `shrink` times smaller
    when a step runs out of time without gain, within [smallest, largest]."""

    start: float
    smallest: float
    largest: float
    grow: float
    shrink: float


def search(incumbent: T, objective: int, *, kinds: Sequence[str], sizes: Sizes,
           step: Callable[[str, float, T, int, random.Random, int], Step],
           rebase: Callable[[T, T, T], tuple[T, int]] | None = None,
           deadline: float, workers: int, seed: int,
           bound: float | None = None) -> tuple[T, int, int]:  # fmt: skip
    """Large neighbourhood search from `incumbent`, in `workers` lanes sharing the best.

    Each lane takes the kinds in turn and calls `step(kind, size, incumbent, objective,
    rng, number)`, which re-solves a neighbourhood of that size (each step's `number` is
    distinct, for solver seeds) and returns a Step. A step at least as good as the best
    it started from is kept (one as good but other is a move across a plateau: see
    `resolve`'s `differ`; one that returns its start changes nothing); if another lane
    moved the best meanwhile, `rebase(candidate, its start, the best now)` carries the
    step's change onto the new best (without it, the candidate is kept only if strictly
    better). Stops at `deadline` or at `bound`. Returns (incumbent, objective, steps
    that gained)."""
    size = dict.fromkeys(kinds, sizes.start)
    lock = threading.Lock()
    best = {"incumbent": incumbent, "objective": objective, "version": 0, "better": 0}

    def lane(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        while time.monotonic() + 0.3 < deadline:
            with lock:
                if bound is not None and best["objective"] <= bound:
                    return
                start, obj, version = best["incumbent"], best["objective"], best["version"]
                kind = kinds[number % len(kinds)]
                share = size[kind]
            number += max(1, workers)
            out = step(kind, share, start, obj, rng, number)
            with lock:
                if out is None or (out[1] >= obj and not out[2]):  # out of time, no gain
                    size[kind] = max(sizes.smallest, size[kind] / sizes.shrink)
                elif out[1] >= obj:  # nothing better in there: a bigger one
                    size[kind] = min(sizes.largest, size[kind] * sizes.grow)
                if out is None or out[0] == start:
                    continue
                new, new_obj, _proven = out
                if version == best["version"]:
                    keep = new_obj <= best["objective"]
                elif rebase is not None:
                    new, new_obj = rebase(new, start, best["incumbent"])
                    keep = new_obj < best["objective"]
                else:
                    keep = new_obj < best["objective"]
                if keep:
                    best["better"] += new_obj < best["objective"]
                    best.update(incumbent=new, objective=new_obj, version=best["version"] + 1)

    in_lanes(lane, workers)
    return best["incumbent"], best["objective"], best["better"]
