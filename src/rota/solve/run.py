"""Solve a month: build the model, run CP-SAT, extract the roster. The only solver façade.

``solve(horizon, time_limit=..., seed=..., workers=...) -> Result``; nothing else in
the package needs to know that CP-SAT exists.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from collections.abc import Callable

from ortools.sat.python import cp_model

from rota.domain.models import Duty
from rota.horizon import Horizon
from rota.roster import Progress, Result, sort_duties
from rota.solve.context import ModelContext
from rota.solve.core import Term
from rota.solve.core.lns import objective_of, values_of
from rota.solve.model import build_model

Printer = Callable[[str], None]


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class _Progress(cp_model.CpSolverSolutionCallback):
    """Records (and prints) one line per improving solution."""

    def __init__(self, per_hour: int, t0: float, printer: Printer | None) -> None:
        super().__init__()
        self.per_hour = per_hour
        self.t0 = t0
        self.printer = printer
        self.points: list[Progress] = []

    def on_solution_callback(self) -> None:
        obj = self.objective_value / self.per_hour
        bound = self.best_objective_bound / self.per_hour
        t = time.monotonic() - self.t0
        self.points.append(Progress(round(t, 3), obj, bound))
        if self.printer:
            gap = (obj - bound) / max(abs(obj), 1e-9) if obj else 0.0
            self.printer(
                f"[{t:6.1f}s] roster found: objective {obj:,.2f}  bound {bound:,.2f}  gap {gap:.2%}"
            )

    def point(self, objective: float, what: str) -> None:
        """A roster had outside the whole solve (`objective` in model units): recorded with
        the last bound known (0 before any) and printed as `what`."""
        t = round(time.monotonic() - self.t0, 3)
        obj = objective / self.per_hour
        self.points.append(Progress(t, obj, self.points[-1].bound if self.points else 0.0))
        if self.printer:
            self.printer(f"[{t:6.1f}s] {what}: objective {obj:,.2f}")


def configure(
    solver: cp_model.CpSolver,
    *,
    workers: int,
    seed: int,
    time_limit: float,
    extra: dict | None = None,
    subsolvers: list[str] | None = None,
) -> None:
    """Solver parameters by name. With few workers the full-problem worker is `max_lp`
    (the full linear relaxation): on rostering models its bound is far better than the
    default LP's (see benchmarks/README.md), and the other worker runs the default
    portfolio's first-solution and neighbourhood searches."""
    p = solver.parameters
    p.max_time_in_seconds = time_limit
    p.num_workers = workers
    p.random_seed = seed
    p.log_search_progress = False
    if subsolvers is not None:
        for name in subsolvers:
            p.subsolvers.append(name)
    elif workers <= 4:
        for name in ("max_lp", "default_lp", "core", "quick_restart")[: max(2, workers)]:
            p.subsolvers.append(name)
    for key, value in (extra or {}).items():
        current = getattr(p, key)
        if isinstance(current, (bool, int, float, str)):
            setattr(p, key, value)
        else:
            current.extend(value if isinstance(value, list) else [value])


def _value(solver: cp_model.CpSolver, expr) -> int:  # noqa: ANN001
    return expr if isinstance(expr, int) else int(solver.value(expr))


IMPROVE_SHARE = 0.5  # share of the time limit for site-by-site improvement (improve.py)
IMPROVE_MAX_OPTIONS = 15000  # above this many shift options, no site steps
COVER_FIRST_SHARE = 0.5  # at most this share of the whole-model time goes to a copy
# whose objective is the uncovered demand alone, its roster the whole solve's hint
# (session 18, default month, seeds 0-3 at 20 s: 0 h uncovered in 4 of 4, without it 2
# of 4; seeds 0-2 at 60 s: 2,514.5, 2,510.9, 2,831.3 against 2,800.8, 3,147.7, 2,538.8;
# first roster at 2.5 s against 3.5-4.6 s) ...
COVER_FIRST_MIN_OPTIONS = 4000  # ... from this many shift options: on small months the
# whole solve covers and proves by itself, and the hint only steers its proof astray (3
# sergeants' nights for a month, 84 options: proven in 1.3 s without, not in 18 s with);
# and up to PRESOLVE_MAX_OPTIONS (the 3x month's copy takes 17 s to cover: 30,609.8 and
# 32,971.0 at 60 s against 19,070.8-20,562.5 without it)
REPLAY_SECONDS = 1.0  # kept for the replay of the final roster (_replay: 0.1 s on the
# default month, 0.5 s on the 3x month)
PRESOLVE_MAX_OPTIONS = 15000  # above this many shift options, the whole month's solve
# runs without CP-SAT's presolve (session 18, 2 workers, 60 s, seeds 0-1, benchmarks/README.md
# "Presolve on large months"): the 3x month (23k options) had 136-192 h of officers and
# 41-89 h of Schedule 7 uncovered with it (its presolve alone took 8.4 s, first roster at
# 15.6-16.2 s), none without it (first roster at 5.2-5.9 s). The default month (7.9k)
# keeps it: without it, 2,516.0-2,574.8 against 2,538.8-3,147.7 at 60 s, but worse at
# 20 s (288,246.5 and 801,341.2 against 6,027.9 and 247,602.4). Steps on a copy with
# most of it fixed always keep presolve.


def _fix_literals(model: cp_model.CpModel, lits: list, value: int | None) -> None:
    """Fix boolean variables to `value` in place, or free them again (None)."""
    for lit in lits:
        dom = model.proto.variables[lit.index].domain
        dom[0], dom[1] = (0, 1) if value is None else (value, value)


def _culprit(model: cp_model.CpModel, active: list, limit: float):  # noqa: ANN202
    """One of the (literal, text) inputs in a set CP-SAT names as contradictory, or None."""
    diag = model.clone()
    _fix_literals(diag, [lit for lit, _ in active], None)
    diag.clear_objective()
    diag.clear_hints()
    diag.add_assumptions([diag.get_bool_var_from_proto_index(lit.index) for lit, _ in active])
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = limit
    if solver.solve(diag) != cp_model.INFEASIBLE:
        return None
    core = set(solver.sufficient_assumptions_for_infeasibility())
    return next(((lit, text) for lit, text in active if lit.index in core), None)


def _hint(model: cp_model.CpModel, variables: list, values: list[int]) -> None:
    """Hint each of `variables` at its value in `values` (by proto index), and no other."""
    model.clear_hints()
    for v in variables:
        model.add_hint(v, values[v.index])


def _cover_first(ctx: ModelContext, shortfalls: list[Term], limit: float, workers: int,
                 seed: int, cb: _Progress) -> None:  # fmt: skip
    """A copy of the month whose objective is its uncovered demand (`shortfalls`) alone,
    solved for at most `limit` seconds (or until it proves its least); its roster becomes
    the hint of the whole month's solve, and a progress point (its cost under the whole
    objective)."""
    if not shortfalls or limit < 1.0:
        return
    copy = ctx.model.clone()
    copy.clear_hints()
    copy.minimize(sum(t.coef * copy.get_int_var_from_proto_index(t.expr.index)
                      for t in shortfalls))  # fmt: skip
    objective = ctx.model.proto.objective
    costs = [(copy.get_int_var_from_proto_index(i), c) for i, c in
             zip(objective.vars, objective.coeffs, strict=True)]  # fmt: skip

    def report(cost: float) -> None:
        cb.point(cost, "roster found, its uncovered demand first")

    class _First(cp_model.CpSolverSolutionCallback):  # the first roster, as soon as found
        def __init__(self) -> None:
            super().__init__()
            self.seen = False

        def on_solution_callback(self) -> None:
            if not self.seen:
                self.seen = True
                report(objective.offset + sum(c * self.value(v) for v, c in costs))

    first = _First()
    solver = cp_model.CpSolver()
    configure(solver, workers=workers, seed=seed, time_limit=limit)
    if solver.solve(copy, first) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return
    values = values_of(solver)
    m = ctx.model
    _hint(m, [m.get_int_var_from_proto_index(i) for i in range(len(values))], values)
    report(objective_of(m, values))


def _improve_by_site(ctx, values, obj, deadline, workers, seed, cb, shortfalls):  # noqa: ANN001, ANN202
    """Run improve.py from the incumbent `values`; returns (values, objective, steps gained)."""
    from rota.solve.core.lns import Values
    from rota.solve.improve import improve

    def report(_values: Values, objective: int) -> None:
        cb.point(objective, "roster improved site by site")

    step = 4.0 * max(1.0, len(ctx.options) / 8000)
    return improve(ctx, values, int(obj), deadline=deadline - REPLAY_SECONDS,
                   workers=workers, seed=seed, on_better=report, step_seconds=step,
                   shortfalls=shortfalls)  # fmt: skip


def _replay(ctx: ModelContext, values: list[int], deadline: float, workers: int,
            seed: int) -> cp_model.CpSolver | None:  # fmt: skip
    """The roster in `values` replayed on the model itself: every shift and on-call day
    fixed, CP-SAT sets the rest at their least. A solve stopped by its time limit may
    leave an auxiliary above what its roster costs (a spread's max above the largest
    count, a contract deviation above the hours'), so the objective and penalties are
    read from this solve, as the checker computes them. None if it does not finish."""
    m = ctx.model
    _hint(m, [o.var for o in ctx.options] + list(ctx.on_call.values()), values)
    final = cp_model.CpSolver()
    configure(final, workers=workers, seed=seed,
              time_limit=max(REPLAY_SECONDS, deadline - time.monotonic()),
              extra={"fix_variables_to_their_hinted_value": True})  # fmt: skip
    status = final.solve(m)
    m.clear_hints()
    return final if status == cp_model.OPTIMAL else None


def extract_duties(ctx: ModelContext, solver: cp_model.CpSolver) -> list[Duty]:
    h = ctx.horizon
    sc = ctx.scenario
    duties: list[Duty] = []
    for o in ctx.options:
        if solver.boolean_value(o.var):
            s = o.shift
            duties.append(
                Duty(
                    staff_id=o.staff_id,
                    date=h.date_of(s.day),
                    duty=s.code,
                    site=o.site,
                    start=h.to_datetime(s.start),
                    end=h.to_datetime(s.end),
                    hours=round(s.paid_minutes / 60, 2),
                    kind="shift",
                )  # fmt: skip
            )
    for (rid, pid, bi), v in ctx.on_call.items():
        if not solver.boolean_value(v):
            continue
        r = sc.on_call[rid]
        for d in ctx.blocks[rid][bi].days:
            duties.append(
                Duty(
                    staff_id=pid,
                    date=h.date_of(d),
                    duty=rid,
                    site=r.units[0],
                    start=h.to_datetime(h.at(d, r.handover)),
                    end=h.to_datetime(h.at(d + 1, r.handover)),
                    hours=0.0,
                    kind="on_call",
                )  # fmt: skip
            )
    return sort_duties(duties)


def solve(
    h: Horizon,
    *,
    time_limit: float = 60.0,
    seed: int = 0,
    workers: int = 2,
    printer: Printer | None = _stderr,
    started: float | None = None,
    export_model: str | None = None,
    params: dict | None = None,
    improve_share: float = IMPROVE_SHARE,
) -> Result:
    """Build and solve the month; `time_limit` bounds the run from `started` (monotonic)."""
    t0 = started if started is not None else time.monotonic()
    ctx, terms = build_model(h)
    built = time.monotonic()
    if export_model:
        ctx.model.export_to_file(export_model)
    per_hour = ctx.scale.per_hour
    solver = cp_model.CpSolver()
    remaining = max(0.5, time_limit - (built - t0) - 0.5)
    if len(ctx.options) > IMPROVE_MAX_OPTIONS:
        # measured: on the 3x month (23k options) the whole-model search for the full
        # time does better (6,713.7) than giving 20 % to site steps (7,466.0)
        improve_share = 0.0
    main_time = max(0.5, remaining * (1 - improve_share) if improve_share > 0
                    else remaining - REPLAY_SECONDS)  # fmt: skip
    whole = {"cp_model_presolve": len(ctx.options) <= PRESOLVE_MAX_OPTIONS, **(params or {})}
    cb = _Progress(per_hour, t0, printer)
    main_end = time.monotonic() + main_time
    # Inputs that may contradict each other are literals (ctx.assumptions), fixed to 1
    # here. Not posted as CP-SAT assumptions: those force a single worker with no
    # neighbourhood search (on January after December, no roster in 60 s).
    active = list(ctx.assumptions)
    _fix_literals(ctx.model, [lit for lit, _ in active], 1)
    shortfalls = [t for t in terms if t.measure is not None]  # the uncovered demand
    if (
        COVER_FIRST_SHARE > 0
        and COVER_FIRST_MIN_OPTIONS <= len(ctx.options)
        and whole["cp_model_presolve"]
    ):
        _cover_first(ctx, shortfalls, COVER_FIRST_SHARE * main_time, workers, seed, cb)
    configure(solver, workers=workers, seed=seed, extra=whole,
              time_limit=max(0.5, main_end - time.monotonic()))  # fmt: skip
    bounds: list[tuple[float, float]] = []
    solver.best_bound_callback = lambda b: bounds.append(
        (round(time.monotonic() - t0, 3), b / per_hour)
    )
    dropped: list[str] = []
    status = solver.solve(ctx.model, cb)
    ctx.model.clear_hints()
    while status == cp_model.INFEASIBLE and active:
        # Rules only forbid, so only those inputs can contradict each other. A copy
        # with them as assumptions (and no objective) names a set sufficient for the
        # contradiction; leave out one of that set at a time (so as few as needed go)
        # and plan the month again.
        culprit = _culprit(ctx.model, active, max(0.5, time_limit - (time.monotonic() - t0)))
        if culprit is None:
            break
        active.remove(culprit)
        dropped.append(culprit[1])
        if printer:
            printer(f"cannot be met, left out: {culprit[1]}")
        _fix_literals(ctx.model, [culprit[0]], None)
        solver = cp_model.CpSolver()
        configure(solver, workers=workers, seed=seed, extra=whole,
                  time_limit=max(0.5, time_limit - (time.monotonic() - t0) - 0.5))  # fmt: skip
        solver.best_bound_callback = lambda b: bounds.append(
            (round(time.monotonic() - t0, 3), b / per_hour)
        )
        status = solver.solve(ctx.model, cb)
    name = solver.status_name(status)
    wall = time.monotonic() - t0
    stats = {
        "variables": len(ctx.model.proto.variables),
        "constraints": len(ctx.model.proto.constraints),
        "shift_options": len(ctx.options),
        "on_call_options": len(ctx.on_call),
    }
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Result(
            status=name, duties=[], objective=None, best_bound=None, gap=None,
            wall_seconds=round(wall, 3), seed=seed, workers=workers,
            time_limit_seconds=time_limit, progress=cb.points,
            build_seconds=round(built - t0, 3), model_stats=stats,
        )  # fmt: skip
    obj = solver.objective_value
    bound = solver.best_objective_bound
    deadline = t0 + time_limit - 0.5
    if name != "OPTIMAL":
        values, best = values_of(solver), obj
        if improve_share > 0 and obj > bound and time.monotonic() + 2 < deadline:
            indices = [t.expr.index for t in shortfalls]
            values, best, _better = _improve_by_site(ctx, values, obj, deadline, workers, seed,
                                                     cb, indices)  # fmt: skip
        # without the replay, the whole model's own solve is what is read (improve.py's
        # values are not the solver's)
        replayed = _replay(ctx, values, deadline, workers, seed)
        if replayed is not None:
            if replayed.objective_value < best:
                cb.point(replayed.objective_value,
                         "the roster's own cost, its auxiliaries at their least")  # fmt: skip
            solver, obj = replayed, replayed.objective_value
            if obj <= bound:
                name = "OPTIMAL"
        wall = time.monotonic() - t0
    penalties: dict[str, float] = defaultdict(float)
    uncovered = {"officer_hours": 0.0, "supervisor_hours": 0.0, "skill_hours": 0.0,
                 "on_call_days": 0}  # fmt: skip
    for t in terms:
        value = _value(solver, t.expr)
        penalties[t.key] += t.coef * value / per_hour
        if t.measure is not None:
            uncovered[t.measure[0]] += value * t.measure[1]
    gap = 0.0 if obj == bound else (obj - bound) / max(abs(obj), 1.0)
    return Result(
        status=name, duties=extract_duties(ctx, solver), objective=obj / per_hour,
        best_bound=bound / per_hour, gap=round(gap, 6), wall_seconds=round(wall, 3),
        seed=seed, workers=workers, time_limit_seconds=time_limit,
        penalties={k: round(v, 2) for k, v in sorted(penalties.items())},
        progress=cb.points, build_seconds=round(built - t0, 3), model_stats=stats,
        uncovered={k: round(v, 2) for k, v in uncovered.items()},
        bounds=bounds,
        dropped=dropped,
    )  # fmt: skip


__all__ = ["Term", "solve"]
