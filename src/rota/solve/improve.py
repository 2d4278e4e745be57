"""Site-by-site improvement: re-solve one base site's people with everyone else fixed.

Fairness pools, contracted hours and most cover are per base site, so the natural
neighbourhood of a roster is one site's staff: CP-SAT's own neighbourhood search
rarely frees exactly that set. Each step copies the model, fixes the shift variables
of everyone outside the site to the incumbent, solves the small remainder for a few
seconds with the incumbent as a hint, and keeps the result if it is better.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ortools.sat.python import cp_model

from rota.solve.context import ModelContext


def site_groups(ctx: ModelContext) -> list[tuple[str, set[str]]]:
    """Base site -> its staff, biggest first (people without a base form one group)."""
    groups: dict[str, set[str]] = {}
    for p in ctx.scenario.staff:
        groups.setdefault(p.base_site or "-", set()).add(p.staff_id)
    return sorted(groups.items(), key=lambda kv: -len(kv[1]))


def improve(
    ctx: ModelContext,
    values: dict[int, int],
    objective: int,
    *,
    deadline: float,
    workers: int,
    seed: int,
    step_seconds: float = 4.0,
    on_better: Callable[[dict[int, int], int], None] | None = None,
) -> tuple[dict[int, int], int, int]:
    """Improve `values` (proto index -> value of every variable) until `deadline`
    (monotonic). Returns (values, objective, improving steps)."""
    from rota.solve.run import configure

    groups = [g for g in site_groups(ctx) if g[1]]
    shift_vars = [(o.staff_id, o.var.index) for o in ctx.options]
    oc_vars = [(pid, v.index) for (_r, pid, _b), v in ctx.on_call.items()]
    n_vars = len(ctx.model.proto.variables)
    better = 0
    step = 0
    stale = 0
    while time.monotonic() + 1.0 < deadline:
        if stale >= len(groups):
            # a whole round without gain: give each site longer before giving up
            if step_seconds >= 16:
                break
            step_seconds *= 2
            stale = 0
        _site, people = groups[step % len(groups)]
        step += 1
        trial = ctx.model.clone()
        for pid, idx in shift_vars + oc_vars:
            if pid not in people:
                trial.add(trial.get_int_var_from_proto_index(idx) == values[idx])
        trial.clear_hints()
        for idx in range(n_vars):
            trial.add_hint(trial.get_int_var_from_proto_index(idx), values[idx])
        solver = cp_model.CpSolver()
        configure(
            solver,
            workers=workers,
            seed=seed + step,
            time_limit=max(0.5, min(step_seconds, deadline - time.monotonic() - 0.5)),
        )
        status = solver.solve(trial)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and solver.objective_value < objective:
            values = {i: int(solver.value(trial.get_int_var_from_proto_index(i)))
                      for i in range(n_vars)}  # fmt: skip
            objective = int(solver.objective_value)
            better += 1
            stale = 0
            if on_better:
                on_better(values, objective)
        else:
            stale += 1
    return values, objective, better
