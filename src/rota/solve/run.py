"""Solve a month: the only solver façade.

``solve(horizon, effort=..., time_limit=..., seed=..., workers=...) -> Result``; nothing
else in the package needs to know that CP-SAT exists.

A solve is a sequence of phases, each starting from the best roster so far and handing
on one at least as good, so a roster exists from the first second and the best one
seen is the one written:

1. first roster (construct.py): greedy, legal by construction, before any model;
2. the model (model.py), and the first roster's exact costs in it (a replay);
3. cover: a copy of the month whose only objective is its uncovered demand, from the
   best roster, until it proves its least or spends its share of the effort;
4. fewest (a repair of a published roster only): the fewest changed duties, uncovered
   demand held, and the count held from then on;
5. whole: the whole objective, with uncovered demand held at the best found;
6. replay of the final roster with its shifts fixed: its exact costs.

Phases 3-6 run on deterministic budgets (settings.py), so the roster depends on the
inputs, seed, workers and effort only. `time_limit` caps the wall clock; a run it cuts
short says so (`Result.cut_short`), and only such a run may differ between machines.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from rota.horizon import Horizon
from rota.roster import Progress, Result, Uncovered
from rota.solve.construct import first_roster
from rota.solve.context import ModelContext
from rota.solve.core import Term
from rota.solve.core.lns import values_of
from rota.solve.core.stop import STOP
from rota.solve.decisions import Decisions
from rota.solve.families.eligibility import history_shifts
from rota.solve.improve import Budget, improve
from rota.solve.model import build_model
from rota.solve.settings import (
    DEFAULT_EFFORT,
    REPAIR_EFFORT,
    Effort,
    configure,
    default_effort,
)
from rota.solve.swaps import improve_fairness

Printer = Callable[[str], None]

FULL_SEARCH_MAX_OPTIONS = 1000  # see lns_only
TAIL_SECONDS = 0.5  # of the time limit kept after the searches for the swaps,
TAIL_PER_OPTION = 1.5e-4  # ... and this per shift option

RESERVE_SECONDS = 0.3  # of the time limit, kept for checking and writing the roster,
RESERVE_PER_PERSON_DAY = 1e-4  # ... and this per person and day (the 3x month: 1.2 s)
# The machine's speed now, read off the first roster's build: checking and writing take
# about 1.5 times as long, building the model about 3 times (the 3x month, idle: 0.8 s,
# 1.2 s and 2.5 s; on a loaded machine all three grow alike)
RESERVE_PER_FIRST = 1.5
BUILD_PER_FIRST = 4.0


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


@dataclass
class _Best:
    """The best roster so far: its decisions, and in the model its variables' values,
    objective and uncovered demand (model units), once known."""

    decisions: Decisions
    values: list[int] | None = None
    objective: int | None = None
    uncovered: int | None = None

    @property
    def vals(self) -> list[int]:
        """The values, where the caller knows the roster is in the model already."""
        if self.values is None:
            raise RuntimeError("the roster has no values in the model yet")
        return self.values

    @property
    def short(self) -> int:
        """The uncovered demand (model units), where the caller knows it is known."""
        if self.uncovered is None:
            raise RuntimeError("the roster's uncovered demand is not known yet")
        return self.uncovered

    @property
    def cost(self) -> int:
        """The objective (model units), where the caller knows it is known."""
        if self.objective is None:
            raise RuntimeError("the roster's objective is not known yet")
        return self.objective


class _Clock:
    """The wall-clock cap: `left()` seconds until the solve must stop, `search_left()`
    until the searches must (the swaps and the last replay come after them)."""

    def __init__(self, t0: float, time_limit: float, reserve: float) -> None:
        self.t0 = t0
        self.deadline = t0 + time_limit - reserve
        self.tail = 0.0  # kept after the searches: set once the month's size is known

    def now(self) -> float:
        return round(time.monotonic() - self.t0, 3)

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def search_left(self) -> float:
        """Seconds the searches have left (none once a stop is requested)."""
        return 0.0 if STOP.requested() else self.left() - self.tail


class _Recorder:
    """Progress points (and lines for the user) as better rosters are found."""

    def __init__(self, clock: _Clock, per_hour: int, printer: Printer | None) -> None:
        self.clock = clock
        self.per_hour = per_hour
        self.printer = printer
        self.points: list[Progress] = []
        self.bound = 0.0
        self.cut_short = False  # a phase was stopped by the wall clock

    def roster(self, what: str, objective: float | None, uncovered: float | None) -> None:
        """A better roster: `objective` and `uncovered` in summary units (None: unknown)."""
        t = self.clock.now()
        self.points.append(Progress(t, objective, self.bound, what, uncovered))
        if self.printer:
            parts = []
            if uncovered is not None:
                parts.append(f"uncovered demand {uncovered:,.2f}")
            if objective is not None:
                parts.append(f"objective {objective:,.2f}")
            self.printer(f"[{t:6.1f}s] {what}" + (": " + ", ".join(parts) if parts else ""))


def _fix(model: cp_model.CpModel, indices: list[int], values: list[int]) -> None:
    """Fix the variables at proto `indices` to their value in `values`, in place."""
    for i in indices:
        dom = model.proto.variables[i].domain
        dom[0], dom[1] = values[i], values[i]


def hint(model: cp_model.CpModel, values: list[int]) -> None:
    """Hint every variable of `model` at its value in `values` (a complete roster)."""
    model.clear_hints()
    proto = model.proto.solution_hint
    proto.vars.extend(range(len(values)))
    proto.values.extend(values)


def lns_only(ctx: ModelContext) -> bool:
    """Only CP-SAT's neighbourhood searches, above FULL_SEARCH_MAX_OPTIONS shift options;
    below, its whole portfolio, which proves a small month's optimum."""
    return len(ctx.options) > FULL_SEARCH_MAX_OPTIONS


def hold_assumptions(ctx: ModelContext, first: Decisions) -> list[str]:
    """Inputs that may contradict each other (ctx.assumptions): those the first roster
    keeps hold from here on, fixed in the model; returns what the others said, the
    inputs the month cannot meet."""
    held = {v.index for k, v in ctx.on_call.items() if k in first.on_call}
    dropped = []
    for a in ctx.assumptions:
        keep = a.var.index in held
        dom = ctx.model.proto.variables[a.literal.index].domain
        dom[0] = dom[1] = int(keep)
        if not keep:
            dropped.append(a.text)
    return dropped


def replay(ctx: ModelContext, decisions: Decisions, seconds: float, units: float,
           seed: int) -> cp_model.CpSolver | None:  # fmt: skip
    """The roster `decisions` in the model: every shift and on-call block fixed, CP-SAT
    sets the rest at their least, so the objective and penalties are those the checker
    computes. None if it does not finish in `seconds` (or the roster breaks the model)."""
    trial = ctx.model.clone()
    trial.clear_hints()
    _fix(trial, ctx.decision_vars(), ctx.values(decisions))
    solver = cp_model.CpSolver()
    configure(solver, workers=1, seed=seed, time_limit=seconds, units=units)
    status = solver.solve(trial)
    return solver if status == cp_model.OPTIMAL else None


def _replay(ctx: ModelContext, decisions: Decisions, clock: _Clock, units: float,
            seed: int) -> cp_model.CpSolver | None:  # fmt: skip
    return replay(ctx, decisions, max(0.05, clock.left()), units, seed)


def _cover(ctx: ModelContext, shortfalls: list[Term], best: _Best, clock: _Clock, units: float,
           workers: int, seed: int, rec: _Recorder) -> tuple[_Best, int, float]:  # fmt: skip
    """Phase 3: the uncovered demand alone, from `best`. Returns the best roster (its
    objective unknown: the copy leaves the other terms loose), the least uncovered
    demand proven (a bound, in model units) and the units spent."""
    copy = ctx.model.clone()
    var = copy.get_int_var_from_proto_index
    copy.minimize(sum(t.coef * var(t.index) for t in shortfalls))
    hint(copy, best.vals)
    per_hour = rec.per_hour

    class _Seen(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            rec.roster("cover", None, self.objective_value / per_hour)

    solver = cp_model.CpSolver()
    configure(solver, workers=workers, seed=seed, time_limit=clock.search_left(), units=units,
              lns_only=lns_only(ctx))  # fmt: skip
    status = STOP.solve(solver, copy, _Seen())
    spent = solver.deterministic_time
    if status != cp_model.OPTIMAL and spent < 0.99 * units:
        rec.cut_short = True  # the wall clock stopped it before its budget
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return best, 0, spent
    found = int(round(solver.objective_value))
    bound = int(round(solver.best_objective_bound))
    if found < best.short:
        values = values_of(solver)
        best = _Best(ctx.decisions(values), values, None, found)
    return best, bound, spent


def _bounds(ctx: ModelContext, shortfalls: list[Term], best: _Best, clock: _Clock, units: float,
            workers: int, seed: int) -> tuple[int, float]:  # fmt: skip
    """A lower bound on the uncovered demand (model units), and the units spent: for each
    site and on-call rota that `best` leaves short, the least uncovered demand of that
    part alone (the whole month, its objective that part's shortfall only). In every
    roster each part's shortfall is at least its least, so their sum bounds the whole;
    shortfalls joining several parts (supervision across sites) add nothing to it.
    People who can never count towards a part are left out of its copy: their duties
    touch none of its constraints."""
    values = best.vals
    short = sorted({t.scope for t in shortfalls if t.scope is not None and values[t.index]})
    total, spent = 0, 0.0
    for i, scope in enumerate(short):
        if scope.startswith("on call "):
            rota = scope[len("on call ") :]
            counts = {pid for (rid, pid, _b) in ctx.on_call if rid == rota}
        else:
            counts = {o.staff_id for o in ctx.options if o.site == scope}
        copy = ctx.model.clone()
        copy.clear_hints()
        var = copy.get_int_var_from_proto_index
        for o in ctx.options:
            if o.staff_id not in counts:
                dom = copy.proto.variables[o.var.index].domain
                dom[0] = dom[1] = 0
        copy.minimize(sum(t.coef * var(t.index) for t in shortfalls if t.scope == scope))
        for o in ctx.options:
            if o.staff_id in counts:
                copy.add_hint(var(o.var.index), values[o.var.index])
        solver = cp_model.CpSolver()
        share = (units - spent) / (len(short) - i)
        configure(solver, workers=workers, seed=seed, time_limit=clock.search_left(), units=share)
        status = STOP.solve(solver, copy)
        spent += solver.deterministic_time
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            total += int(round(solver.best_objective_bound))
    return total, spent


def _whole(ctx: ModelContext, shortfalls: list[Term], best: _Best, clock: _Clock, units: float,
           workers: int, seed: int, rec: _Recorder,
           params: dict | None) -> tuple[_Best, int, float]:  # fmt: skip
    """Phase 4: the whole objective from `best`, its uncovered demand held at most at
    `best`'s. Returns the best roster, the bound (model units) and the units spent."""
    m = ctx.model.clone()
    var = m.get_int_var_from_proto_index
    m.add(sum(t.coef * var(t.index) for t in shortfalls) <= best.short)
    hint(m, best.vals)
    per_hour = rec.per_hour
    start = best.objective

    class _Seen(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            if start is None or self.objective_value < start:
                rec.roster("improve", self.objective_value / per_hour, None)

    solver = cp_model.CpSolver()
    configure(solver, workers=workers, seed=seed, time_limit=clock.search_left(), units=units,
              lns_only=lns_only(ctx), extra=params)  # fmt: skip
    status = STOP.solve(solver, m, _Seen())
    if status != cp_model.OPTIMAL and solver.deterministic_time < 0.99 * units:
        rec.cut_short = True  # the wall clock stopped it before its budget
    bound = int(round(solver.best_objective_bound)) if status != cp_model.UNKNOWN else 0
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        found = int(round(solver.objective_value))
        if best.objective is None or found < best.objective:
            values = values_of(solver)
            best = _Best(ctx.decisions(values), values, found, best.uncovered)
    return best, bound, solver.deterministic_time


def solve(
    h: Horizon,
    *,
    effort: float | Effort | None = None,
    time_limit: float = 60.0,
    seed: int = 0,
    workers: int = 2,
    printer: Printer | None = _stderr,
    started: float | None = None,
    export_model: str | None = None,
    params: dict | None = None,
) -> Result:
    """Plan the month (see the module's docstring); `time_limit` caps the run from
    `started` (monotonic), `effort` (work units, or an Effort; None: the month's
    default, settings.default_effort) decides its result."""
    plan = effort if isinstance(effort, Effort) else Effort(units=effort and float(effort))
    t0 = started if started is not None else time.monotonic()
    size = len(h.scenario.staff) * h.n_days
    reserve = min(RESERVE_SECONDS + RESERVE_PER_PERSON_DAY * size, time_limit / 4)
    clock = _Clock(t0, time_limit, reserve)
    run = _Run(h, plan, clock, seed, workers, _Recorder(clock, 1, printer))
    # what is kept for checking and writing grows with the machine's load
    slow = min(RESERVE_PER_FIRST * run.first_seconds, time_limit / 2)
    clock.deadline = min(clock.deadline, t0 + time_limit - slow)
    for phase in (run.build, run.cost_first, run.cover, run.fewest, run.improve, run.polish):
        if run.time_up():
            break
        if phase == run.build and clock.search_left() < BUILD_PER_FIRST * run.first_seconds:
            run.cut_short = True  # no time to build the model: the first roster is it
            break
        run.timed(phase, export_model=export_model, params=params)
    repair = h.scenario.published is not None  # swaps would change published duties
    if run.clock.left() > 0.05 and not STOP.requested() and not repair:  # the swaps
        run.timed(run.swap)
    run.timed(run.close)
    return run.result(time_limit)


class _Run:
    """The state a solve carries from phase to phase (see `solve`)."""

    def __init__(self, h: Horizon, plan: Effort, clock: _Clock, seed: int, workers: int,
                 rec: _Recorder) -> None:  # fmt: skip
        self.h, self.plan, self.clock, self.seed, self.workers = h, plan, clock, seed, workers
        self.rec = rec
        began = time.monotonic()
        self.best = _Best(first_roster(h, history_shifts(h)))
        self.first_seconds = time.monotonic() - began  # the machine's speed, now
        rec.roster("first roster", None, None)
        self._ctx: ModelContext | None = None
        self.terms: list[Term] = []
        self.shortfalls: list[Term] = []
        self.final: cp_model.CpSolver | None = None  # the replay of the best roster
        self.bound = 0  # of the whole objective, model units
        self.uncovered_bound = 0  # of the uncovered demand, model units
        self.spent = 0.0
        self.phases: dict[str, float] = {}  # wall seconds of each phase
        self.polish_units = 0.0
        self.changed_bound = 0  # a repair: the least number of changed duties proven
        self.cut_short = False
        self.dropped: list[str] = []
        self.built = 0.0
        self.stats: dict[str, int] = {}
        self.interrupted = False  # stopped by the user (Ctrl-C)
        self.lp: threading.Thread | None = None  # the bound's thread (see build)
        self.lp_value = 0  # its bound, model units
        self.lp_solver = cp_model.CpSolver()

    @property
    def ctx(self) -> ModelContext:
        """The model, once built (every phase after `build` has it)."""
        if self._ctx is None:
            raise RuntimeError("the model is not built yet")
        return self._ctx

    @property
    def units(self) -> float:
        """The effort's work units, once decided (in `build`)."""
        if self.plan.units is None:
            raise RuntimeError("the effort is decided when the model is built")
        return self.plan.units

    def time_up(self) -> bool:
        if STOP.requested():
            self.interrupted = True
            return True
        if self.clock.search_left() <= 0.05:
            self.cut_short = True
        return self.cut_short or self.rec.cut_short

    def timed(self, phase: Callable[..., None], **kwargs: object) -> None:
        began = time.monotonic()
        phase(**kwargs)
        self.phases[phase.__name__] = round(time.monotonic() - began, 2)

    def _replay_best(self) -> bool:
        """Replay the best roster (its exact costs); False if out of time."""
        replayed = _replay(self.ctx, self.best.decisions, self.clock, self.plan.replay,
                           self.seed)  # fmt: skip
        if replayed is None:
            self.cut_short = True
            return False
        self.final = replayed
        values = values_of(replayed)
        self.best.values = values
        self.best.objective = int(round(replayed.objective_value))
        self.best.uncovered = sum(t.coef * values[t.index] for t in self.shortfalls)
        return True

    def build(self, export_model: str | None = None, **_: object) -> None:
        """Phase 2: the model. Inputs that may contradict each other (ctx.assumptions):
        those the first roster keeps hold from here on; the others cannot be met, and
        the summary says so."""
        ctx, terms = build_model(self.h)
        self._ctx, self.terms = ctx, terms
        self.shortfalls = [t for t in terms if t.measure is not None]
        self.built = self.clock.now()
        self.stats = {
            "variables": len(ctx.model.proto.variables),
            "constraints": len(ctx.model.proto.constraints),
            "shift_options": len(ctx.options),
            "on_call_options": len(ctx.on_call),
        }
        if export_model:
            ctx.model.export_to_file(export_model)
        repair = self.h.scenario.published is not None
        if self.plan.units is None:
            self.plan = replace(self.plan, units=default_effort(len(ctx.options), repair))
        # kept for the swaps and the last replay (the default month: 1.7 s, 3x: 4 s)
        whole = self.clock.deadline - self.clock.t0
        self.clock.tail = min(0.1 * whole, TAIL_SECONDS + TAIL_PER_OPTION * len(ctx.options))
        self.rec.per_hour = ctx.scale.per_hour
        self.dropped = hold_assumptions(ctx, self.best.decisions)
        # the bound, on one thread beside the searches, on the model as built (the
        # searches later hold the uncovered demand at the best found: not a relaxation)
        units = self.plan.lp_bound * max(1.0, len(ctx.options) / 8000)
        if repair:  # a repair's searches are short: so is its bound's
            units *= REPAIR_EFFORT / DEFAULT_EFFORT
        self.lp = threading.Thread(target=self._lp_bound, name="rota-lp-bound",
                                   args=(ctx.model.clone(), units), daemon=True)  # fmt: skip
        self.lp.start()
        for text in self.dropped:
            if self.rec.printer:
                self.rec.printer(f"cannot be met, left out: {text}")

    def cost_first(self, **_: object) -> None:
        """The first roster's exact costs in the model (the start of every later phase)."""
        if self._replay_best():
            per_hour = self.rec.per_hour
            self.rec.roster("first roster's costs", self.best.cost / per_hour,
                            self.best.short / per_hour)  # fmt: skip

    def cover(self, **_: object) -> None:
        """Phase 3: the uncovered demand alone, unless the best roster leaves none; then,
        if some is left, a bound on its least (`_bounds`)."""
        if self.best.values is None:
            return
        units = self.plan.cover * self.units
        if self.best.short > 0:
            best, self.uncovered_bound, spent = _cover(
                self.ctx, self.shortfalls, self.best, self.clock, units * (1 - self.plan.bound),
                self.workers, self.seed, self.rec)  # fmt: skip
            self.spent += round(spent, 1)
            if best is not self.best:
                self.best = best
                self._replay_best()
        if self.best.short > self.uncovered_bound and not self.time_up():
            bound, spent = _bounds(self.ctx, self.shortfalls, self.best, self.clock,
                                   units * self.plan.bound, self.workers, self.seed)  # fmt: skip
            self.spent += round(spent, 1)
            self.uncovered_bound = max(self.uncovered_bound, bound)
        self.uncovered_bound = min(self.best.short, max(self.uncovered_bound, 0))

    def fewest(self, **_: object) -> None:
        """A repair: the fewest changed duties, uncovered demand held at the best found.
        From here on the count is held at the least found, and the later phases choose
        among such rosters by the whole objective (notice, pay, fairness, hours)."""
        n = self.ctx.n_changed
        if n is None or self.best.values is None:
            return
        forced = self.ctx.changes_forced
        self.changed_bound = forced
        if self.best.vals[n.index] <= forced:  # only the changes no roster avoids
            self.ctx.model.add(n <= forced)
            self.rec.roster("fewest changes (only those the facts force)", None, None)
            return
        if self._forced_only_infeasible(n, forced):  # so one more change is needed
            self.changed_bound = forced + 1
            if self.best.vals[n.index] <= forced + 1:
                self.ctx.model.add(n <= forced + 1)
                self.rec.roster("fewest changes (proven)", None, None)
                return
        m = self.ctx.model.clone()
        var = m.get_int_var_from_proto_index
        m.add(sum(t.coef * var(t.index) for t in self.shortfalls) <= self.best.short)
        m.add(var(n.index) >= self.changed_bound)  # the search stops once it reaches it
        m.minimize(var(n.index))
        hint(m, self.best.vals)
        solver = cp_model.CpSolver()
        units = self.plan.fewest * (self.units - self.spent)
        configure(solver, workers=self.workers, seed=self.seed,
                  time_limit=self.clock.search_left(), units=units,
                  lns_only=lns_only(self.ctx))  # fmt: skip
        status = STOP.solve(solver, m)
        self.spent += round(solver.deterministic_time, 1)
        if status != cp_model.OPTIMAL and solver.deterministic_time < 0.99 * units:
            self.rec.cut_short = True
        least = self.best.vals[n.index]
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and solver.objective_value < least:
            values = values_of(solver)
            self.best = _Best(self.ctx.decisions(values), values, None, self.best.uncovered)
            least = values[n.index]
            self._replay_best()
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            bound = int(round(solver.best_objective_bound))
            self.changed_bound = max(self.changed_bound, bound)
        self.ctx.model.add(n <= least)
        self.rec.roster("fewest changes", None, None)

    def _forced_only_infeasible(self, n: cp_model.IntVar, forced: int) -> bool:
        """Whether no roster with only the forced changes keeps the best uncovered demand
        (a quick solve: nearly every variable is fixed once no change is allowed)."""
        m = self.ctx.model.clone()
        var = m.get_int_var_from_proto_index
        m.add(sum(t.coef * var(t.index) for t in self.shortfalls) <= self.best.short)
        m.add(var(n.index) <= forced)
        m.clear_objective()
        solver = cp_model.CpSolver()
        units = 0.1 * self.plan.fewest * (self.units - self.spent)
        configure(solver, workers=self.workers, seed=self.seed,
                  time_limit=self.clock.search_left(), units=units)  # fmt: skip
        status = STOP.solve(solver, m)
        self.spent += round(solver.deterministic_time, 1)
        return status == cp_model.INFEASIBLE

    def improve(self, params: dict | None = None, **_: object) -> None:
        """Phase 4: the whole objective, uncovered demand held at the best found."""
        if self.best.values is None:
            return
        # a small month's whole search proves its optimum: no steps after it
        share = self.plan.polish if lns_only(self.ctx) else 0.0
        self.polish_units = (self.units - self.spent) * share
        units = max(0.1, self.units - self.spent - self.polish_units)
        best, self.bound, spent = _whole(self.ctx, self.shortfalls, self.best, self.clock, units,
                                         self.workers, self.seed, self.rec, params)  # fmt: skip
        self.spent += round(spent, 1)
        if best is not self.best:
            self.best = best
            self.final = None

    def polish(self, **_: object) -> None:
        """Phase 5: steps of improve.py (sites, fairness pools), uncovered demand held."""
        if self.best.values is None or self.polish_units < 0.1:
            return
        if self.best.objective is None and not self._replay_best():
            return
        per_hour = self.rec.per_hour
        budget = Budget(self.polish_units, self.clock.search_left)
        m = self.ctx.model  # from here on, uncovered demand at most the best found
        var = m.get_int_var_from_proto_index
        m.add(sum(t.coef * var(t.index) for t in self.shortfalls) <= self.best.short)
        values, objective, better = improve(
            self.ctx, self.best.vals, self.best.cost, budget=budget,
            workers=self.workers, seed=self.seed,
            on_better=lambda _v, o: self.rec.roster("polish", o / per_hour, None),
            shortfalls=[t.index for t in self.shortfalls])  # fmt: skip
        self.spent += round(budget.spent, 1)
        self.rec.cut_short |= budget.cut
        if better:
            self.best = _Best(self.ctx.decisions(values), values, objective, self.best.uncovered)
            self.final = None

    def swap(self, **_: object) -> None:
        """Phase 6: fair shares by swaps (swaps.py); kept if the model, replaying it,
        agrees that it costs no more (swaps at an equal cost even out people who owe
        the same share)."""
        if self.best.values is None:
            return
        if self.best.objective is None and not self._replay_best():
            return
        traded, stopped = improve_fairness(
            self.h, self.best.decisions,
            left=lambda: 0.0 if STOP.requested() else self.clock.left())  # fmt: skip
        self.rec.cut_short |= stopped
        if traded == self.best.decisions:
            return
        before = self.best
        self.best = _Best(traded)
        if not self._replay_best() or self.best.cost > before.cost:
            self.best = before
            self.final = None
            return
        self.rec.roster("swaps", self.best.cost / self.rec.per_hour, None)

    def close(self) -> None:
        """Phase 7: the final roster's exact costs, if not known yet, and the bound."""
        if self._ctx is not None and self.final is None and self.best.values is not None:
            self._replay_best()
        if self.lp is not None:
            self.lp.join(timeout=max(0.0, self.clock.left()))
            if self.lp.is_alive():  # out of time: its bound so far is still a bound
                self.lp_solver.stop_search()
                self.lp.join()

    def _lp_bound(self, model: cp_model.CpModel, units: float) -> None:
        """The linear relaxation of the whole model (CP-SAT's max_lp worker alone), on
        `units` or until the searches' deadline: a lower bound on every roster's cost."""
        solver = self.lp_solver
        configure(solver, workers=1, seed=self.seed, time_limit=max(0.05, self.clock.left()),
                  units=units, subsolvers=["max_lp"],
                  extra={"linearization_level": 2})  # fmt: skip
        STOP.solve(solver, model)
        self.lp_value = max(0, int(round(solver.best_objective_bound)))

    def result(self, time_limit: float) -> Result:
        clock, rec = self.clock, self.rec
        duties = self.best.decisions.duties(self.h)
        penalties: dict[str, float] = defaultdict(float)
        uncovered = {"officer_hours": 0.0, "supervisor_hours": 0.0, "skill_hours": 0.0,
                     "on_call_days": 0}  # fmt: skip
        objective = bound = gap = None
        proven = None
        final = self.final
        changed = least = None
        n = self._ctx.n_changed if self._ctx is not None else None
        if n is not None and final is not None:
            changed = int(final.value(n))
            least = min(changed, self.changed_bound)
        if final is not None:
            per_hour = self.ctx.scale.per_hour
            for t in self.terms:
                value = t.expr if isinstance(t.expr, int) else int(final.value(t.expr))
                penalties[t.key] += t.coef * value / per_hour
                if t.measure is not None:
                    uncovered[t.measure[0]] += value * t.measure[1]
            obj = self.best.cost
            lp = self.lp_value
            low = min(obj, max(self.bound, self.uncovered_bound, lp))
            objective, bound = obj / per_hour, low / per_hour
            gap = 0.0 if obj == low else round((obj - low) / max(abs(obj), 1), 6)
            proven = Uncovered(self.best.short / per_hour, self.uncovered_bound / per_hour)
        return Result(
            status="OPTIMAL" if gap == 0.0 else "FEASIBLE", duties=duties,
            objective=objective, best_bound=bound, gap=gap, wall_seconds=clock.now(),
            seed=self.seed, workers=self.workers, time_limit_seconds=time_limit,
            progress=rec.points, build_seconds=self.built, model_stats=self.stats,
            penalties={k: round(v, 2) for k, v in sorted(penalties.items())},
            uncovered={k: round(v, 2) for k, v in uncovered.items()},
            dropped=self.dropped, effort=self.plan.units, effort_spent=round(self.spent, 2),
            cut_short=(self.cut_short or self.rec.cut_short) and not STOP.requested(),
            interrupted=self.interrupted or STOP.requested(), uncovered_cost=proven,
            phases=self.phases, changed=changed, changed_least=least,
        )  # fmt: skip


__all__ = ["Term", "solve"]
