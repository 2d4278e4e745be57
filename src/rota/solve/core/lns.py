"""Large neighbourhood search on any CP-SAT model: re-solve it with most of an incumbent
fixed. Used by the port model's site and fairness steps (solve/improve.py); knows
nothing of ports or police.

An incumbent is `values`: the value of every variable of the model, by proto index. Fixing
is done on the domains of a copy of the model (no added constraints), so presolve
removes the fixed part before the search starts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ortools.sat.python import cp_model

from rota.solve.core.stop import STOP

Values = list[int]  # by proto index


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
    status = STOP.solve(solver, trial)
    if meter is not None:
        meter.append(solver.deterministic_time)
    if status == cp_model.INFEASIBLE and differ is not None and below is not None:
        mine = objective_of(model, values)
        return (values, mine, True) if mine <= below else None
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return values_of(solver), int(round(solver.objective_value)), status == cp_model.OPTIMAL
