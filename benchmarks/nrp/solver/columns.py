"""The benchmark by column generation (solve/core/columns.py): a lower bound, and a first
roster by diving, for the neighbourhood search to start from. Each employee is a block;
their columns are rosters of their own, priced against the cover duals on their shifts:
by dynamic programming over their state graph (paths.py, exact, a few milliseconds),
or, where that graph is too large, on their own CP-SAT model (model.add_employee, all
their hard rules). Its figures are in benchmarks/README.md, "The public benchmark".
"""

from __future__ import annotations

import math
import time
from collections.abc import Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from benchmarks.nrp.instance import Instance, Roster
from benchmarks.nrp.master import EPS, Column, Master, Priced, dive, generate, lagrangian
from benchmarks.nrp.solver.model import RUNS, add_employee
from benchmarks.nrp.solver.paths import Paths, paths_of
from rota.solve.settings import configure

PATHS_MAX_STATES = 4_000_000  # an employee's pricing by dynamic programming (paths.py) up
# to this many states a day, by CP-SAT above: the search's time grows with the states
# (Instance8's largest, 3.8 million: 190 ms, 50 ms under the master's ceiling, against
# CP-SAT's 180 ms; at 2 million, its 3 largest by CP-SAT, generation took 11.5-17.5 s,
# now 5.3-7.1; Instance14's 51 million, two shift types capped at half of 42 days:
# 0.8-1.8 s, and by dynamic programming alone its generation had 20 rounds in 126 s;
# Instances 7 and 9-12 all below 700,000, 1-40 ms an employee)
PRICE_COLUMNS = 5  # by dynamic programming, the best rosters into this many end states
# (1, 2, 20: Instance12 converges in 8.7 / 9.8 / 31.6 s against 11.2, Instance8 16.6 /
# 12.2 / - against 10.6; more columns make each relaxation slower)
PRICE_SECONDS = 1.0  # by CP-SAT, one employee's solve at most
PRICE_SCALE = 10_000  # duals are reals, CP-SAT's objective integral: scaled and rounded
# (the rounding is accounted for in the bound, so the bound stays valid)
PRICE_PARAMETERS = {"linearization_level": 2}  # one employee's model, as in staff.py
CG_PARTS = 1  # generation prices every employee a round (core.columns.generate). With
# CP-SAT's pricing a quarter a round converged sooner (Instance12 41 s against 52); with
# dynamic programming the relaxation's GLOP solves are the cost (13 of 16 s), so fewer
# of them: Instance12 11.2 s against 16.0, Instance8 10.6 against 10.9, Instance7 1.4
# against 2.5
CG_PARTS_BY_MODEL = 4  # ... but a quarter a round where more than CG_MODEL_SHARE of the
CG_MODEL_SHARE = 2 / 3  # employees keep CP-SAT's pricing (Instance15, 33 of 45, 600 s:
# 3,843 against 3,949; Instance14, 18 of 32, proven optimal at 234 s in one part)
DIVE_PER_GENERATION = 1.0  # a dive takes at most as long as generation did: its roster
# is where the restricted solves (reduced.py) start, which do better with the time
# (60 s: Instance7 1,056 from levels started at 2.5 s; a dive until 36 s left them 6 s)
DIVE_THRESHOLD = 0.6  # a dive fixes every employee whose largest share is at least this
DIVE_ROUNDS = 2  # ... then generates for this many rounds before fixing more
SEARCH_PER_GENERATION = 3.0  # where generation converged and no employee is priced by
# CP-SAT (Instance15 at 600 s, 33 of 45: 4,042 with the search, 3,865 without), the dive
# searches on (core.columns.dive) until `search_by`, if that leaves at least this many
# times generation's time (60 s: Instance8, 4.8-8.4 s, searches; Instance12, 15-16 s,
# does not; at 4 times, Instance8's generation at 8.4 s left no search: 1,405-1,607)
SEARCH_LONGEST = 5.0  # ... and for at most this many times (Instance7 at 60 s: 1,057 with
# the search until 70 % of the time, the restricted solves left none; its generation
# takes 2 s; at 6 times, 1,056 or 1,057 as its restricted solve found 1,056 just before
# its end, at 5 times 1,056 in 3 runs of 3; Instance8's search finds 1,302 in its first
# dive, at 12-16 s, and nothing after)
SEARCH_ROUNDS = 100  # ... generating to convergence at each pass (a bound at each)
SEARCH_ALTERNATIVES = 2  # ... leaving this many alternatives at each pass


Cell = tuple[int, str]  # (day, shift)


class Pricing:
    """Each employee's pricing, set up once: their state graph (paths.py) where it has at
    most PATHS_MAX_STATES states a day, else their own CP-SAT model (add_employee); `price`
    costs each shift at its requests less the duals of the cell it would cover."""

    def __init__(self, inst: Instance, runs: str = RUNS[0], seed: int = 0):
        self.seed = seed
        self.shifts = inst.shifts
        self.index = {t: i for i, t in enumerate(self.shifts)}
        self.const = {e.id: 0 for e in inst.employees}
        self.request: dict[tuple[str, int, str], int] = {}
        for eid, d, t, w in inst.on_requests:  # w if not granted: w - w * x
            self.const[eid] += w
            self.request[eid, d, t] = self.request.get((eid, d, t), 0) - w
        for eid, d, t, w in inst.off_requests:
            self.request[eid, d, t] = self.request.get((eid, d, t), 0) + w
        self.paths: dict[str, Paths] = {}
        self.models: dict[str, tuple[cp_model.CpModel, dict]] = {}
        for e in inst.employees:
            graph = paths_of(inst, e)
            if graph.states <= PATHS_MAX_STATES:
                self.paths[e.id] = graph
            else:
                m = cp_model.CpModel()
                self.models[e.id] = (m, add_employee(m, inst, e, runs))
        self.costs = {eid: np.zeros((inst.days, len(self.shifts))) for eid in self.paths}
        for (eid, d, t), w in self.request.items():
            if eid in self.costs:
                self.costs[eid][d, self.index[t]] = w
        self.deadline = float("inf")  # for the CP-SAT solves

    def cost(self, eid: str, column: Column) -> int:
        """The requests' penalty of one employee's roster (a set of (day, shift))."""
        return self.const[eid] + sum(self.request.get((eid, d, t), 0) for d, t in column)

    def __call__(self, eid: Hashable, duals: dict, ceiling: float = math.inf) -> Priced:
        """Employee `eid`'s rosters against `duals`; by dynamic programming, only those
        whose cost less the duals is at most `ceiling` (the employee's dual in the master:
        the relaxation holds a roster at it) are searched for."""
        if eid in self.paths:
            return self._by_paths(eid, duals, ceiling)  # type: ignore[arg-type]
        return self._by_model(eid, duals)  # type: ignore[arg-type]

    def _less(self, eid: str, duals: dict) -> np.ndarray:
        """Employee `eid`'s (day, shift) costs: their requests less the duals."""
        costs = self.costs[eid].copy()
        for (d, t), v in duals.items():
            costs[d, self.index[t]] -= v
        return costs

    def _by_paths(self, eid: str, duals: dict, ceiling: float) -> Priced:
        """The PRICE_COLUMNS best rosters (of those under `ceiling`); exact, so the best
        is the bound."""
        costs = self._less(eid, duals)
        rosters, best = self.paths[eid].best(costs, PRICE_COLUMNS, ceiling - self.const[eid])
        if not rosters:
            return Priced([], None)
        columns = [frozenset(r) for r in rosters]
        return Priced([(c, self.cost(eid, c)) for c in columns], best + self.const[eid])  # type: ignore[arg-type]

    def _by_model(self, eid: str, duals: dict) -> Priced:
        """Every roster CP-SAT finds on the way to the best, within PRICE_SECONDS, and the
        bound it proved."""
        m, x = self.models[eid]
        coef, slack = {}, 0.0
        for key in x:
            _e, d, t = key
            exact = self.request.get(key, 0) - duals.get((d, t), 0.0)
            coef[key] = round(PRICE_SCALE * exact)
            slack += min(0.0, exact - coef[key] / PRICE_SCALE)  # what rounding may hide
        m.minimize(sum(c * x[k] for k, c in coef.items()))
        solver = cp_model.CpSolver()
        limit = min(PRICE_SECONDS, self.deadline - time.monotonic())
        configure(solver, workers=1, seed=self.seed, time_limit=max(0.05, limit),
                  extra=PRICE_PARAMETERS)  # fmt: skip
        found: list[Column] = []

        class _Each(cp_model.CpSolverSolutionCallback):
            def on_solution_callback(self) -> None:
                found.append(frozenset((k[1], k[2]) for k, v in x.items() if self.boolean_value(v)))

        status = solver.solve(m, _Each())
        bound = None  # what CP-SAT proved: the best itself when optimal; out of time, a
        # lower bound on it, which still bounds the Lagrangian
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and math.isfinite(
            solver.best_objective_bound
        ):
            bound = solver.best_objective_bound / PRICE_SCALE + slack + self.const[eid]
        return Priced([(c, self.cost(eid, c)) for c in dict.fromkeys(found)], bound)  # type: ignore[arg-type]

    def reduced(self, eid: str, duals: dict,
                bound: float | None = None) -> tuple[dict[Cell, float], float | None]:  # fmt: skip
        """Against `duals`: how much more than their best roster (in cost less duals) the
        best roster working each (day, shift) costs, and a lower bound on that best (None
        if none). By dynamic programming, exact for every cell (Paths.through); by CP-SAT,
        the bound alone and no cells (each could be worth 0): `bound`, where their
        pricing against these duals gave it already, else from pricing them again."""
        if eid not in self.paths:
            return {}, bound if bound is not None else self._by_model(eid, duals).bound
        costs = self._less(eid, duals)
        cells, best = self.paths[eid].through(costs)
        if not math.isfinite(best):
            return {}, None
        out = {(d, t): float(cells[d, i] - best) for d in range(cells.shape[0])
               for i, t in enumerate(self.shifts) if self.paths[eid].avail[d, i]}  # fmt: skip
        return out, best + self.const[eid]


def parts(pricing: Pricing) -> int:
    """Into how many parts generation splits the employees: CG_PARTS, or
    CG_PARTS_BY_MODEL where most are priced by CP-SAT (see CG_MODEL_SHARE)."""
    by_model = len(pricing.models) / max(1, len(pricing.models) + len(pricing.paths))
    return CG_PARTS_BY_MODEL if by_model > CG_MODEL_SHARE else CG_PARTS


@dataclass
class Start:
    """What column generation gives the search: a legal roster (the dive's), a lower
    bound on any roster's penalty (None: no round priced every employee), and the
    relaxation's support: every (employee, day, shift) some column it takes works.
    Where generation converged, also the reduced costs of the cells at its last duals
    (`reduced`: for each (employee, day, shift) priced by dynamic programming, how much
    their best roster working it costs above their best, all less the duals) and the
    Lagrangian bound at those duals (`lagrange`): any roster working a cell costs at
    least `lagrange` plus its reduced cost (rota.solve.nrp.reduced)."""

    roster: Roster
    bound: float | None
    support: set[tuple[str, int, str]]
    reduced: dict[tuple[str, int, str], float] = field(default_factory=dict)
    lagrange: float | None = None


def column_start(inst: Instance, *, generate_until: float, dive_until: float, workers: int,
                 seed: int, runs: str = RUNS[0], unconverged_until: float | None = None,
                 search_by: float | None = None) -> Start | None:  # fmt: skip
    """Generate columns until `generate_until` (or convergence; if not converged, one
    more round of every employee for a bound), then dive until `dive_until`, at most as
    long as generation took where it converged, or until `unconverged_until` (if given)
    where it did not. With `search_by`, where generation converged with every employee
    priced by dynamic programming and time to spare, the dive searches on (see
    SEARCH_PER_GENERATION). None if some employee has no roster of their own in time."""
    begun = time.monotonic()
    pricing = Pricing(inst, runs, seed)
    pricing.deadline = generate_until
    ids = [e.id for e in inst.employees]
    master = Master(ids, inst.cover)
    # first columns: each employee's best roster with every cell wanted (worth its
    # under-staffing weight), and with none wanted (their requests alone)
    with ThreadPoolExecutor(max(1, workers)) as pool:
        for duals in ({k: float(w) for k, (_n, w, _o) in inst.cover.items()}, {}):
            for eid, p in zip(
                ids, pool.map(lambda eid, duals=duals: pricing(eid, duals), ids), strict=True
            ):
                if p.columns:
                    master.add(eid, *p.columns[-1])
    if any(not cols for cols in master.columns.values()):
        return None
    result = generate(master, pricing, deadline=generate_until, lanes=workers,
                      parts=parts(pricing))  # fmt: skip
    pricing.deadline = dive_until
    bound = result.bound
    if not result.converged:  # a bound needs every employee priced against the same
        # duals: one round of them all, on the dive's time
        closing = generate(master, pricing, deadline=dive_until, lanes=workers, max_rounds=1)
        if closing.bound is not None:
            bound = closing.bound if bound is None else max(bound, closing.bound)
    support = {(eid, d, t) for eid in ids for share, col in master.shares(eid) if share > EPS
               for d, t in col}  # fmt: skip
    start = Start({}, bound, support)
    if result.converged:  # at the duals it converged at, where the last round priced
        # every employee (those priced by CP-SAT are not priced again)
        duals = result.duals
        assert duals is not None  # set whenever generation converged
        with ThreadPoolExecutor(max(1, workers)) as pool:
            each = list(pool.map(
                lambda eid: pricing.reduced(eid, duals, result.bounds.get(eid)), ids
            ))  # fmt: skip
        start.lagrange = lagrangian((b for _r, b in each), duals, inst.cover)
        if start.lagrange is not None:
            start.reduced = {(eid, d, t): v for eid, (r, _b) in zip(ids, each, strict=True)
                             for (d, t), v in r.items()}  # fmt: skip
        now = time.monotonic()
        dive_until = min(dive_until, now + DIVE_PER_GENERATION * (now - begun))
    elif unconverged_until is not None:  # the dive's rounds are where columns come from
        dive_until = pricing.deadline = unconverged_until
    search_until = None  # the search after the dive: where generation converged, every
    # employee is priced exactly and fast (dynamic programming), and there is time for
    if result.converged and search_by is not None and not pricing.models:  # it to go on for
        now = time.monotonic()  # SEARCH_PER_GENERATION times as long, for up to
        took = now - begun  # SEARCH_LONGEST times as long
        if now + SEARCH_PER_GENERATION * took <= search_by:
            search_until = min(search_by, now + SEARCH_LONGEST * took)
    pricing.deadline = dive_until  # the CP-SAT pricing ends with the dive (the search
    # never runs where there is any)
    chosen = dive(master, pricing, deadline=dive_until, lanes=workers,
                  threshold=DIVE_THRESHOLD, rounds=DIVE_ROUNDS, search_until=search_until,
                  search_rounds=SEARCH_ROUNDS, step=1.0,
                  alternatives=SEARCH_ALTERNATIVES)  # fmt: skip
    start.roster = {(eid, d): t for eid, col in chosen.items() for d, t in col}
    return start
