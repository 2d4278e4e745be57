"""Column generation on a set-partitioning master, for any roster whose hard rules are
each one block's (an employee's) and whose blocks are coupled only by soft cover.

The master: each block takes one of its columns (a legal roster of its own, with its
own cost); each row (a cover cell) needs some columns, with a cost per unit short
(under) and per unit over. Its linear relaxation, over the columns found so far, is
solved with GLOP; its duals price new columns (`price`, a block's own model with the
duals on its cells), until no column has a negative reduced cost. Two things come of it:

- a lower bound on the whole roster's cost (the Lagrangian bound: each block's best
  column against the duals, or a lower bound on it, plus the duals times the needs),
  valid once every block's pricing against the same duals gave a bound; on rostering it
  is far stronger than the linear relaxation of the compact model (the relaxation of
  one employee's rules is their convex hull of rosters, not the hull of each window);
- a roster, by diving: fix the columns the relaxation takes (nearly) whole, generate
  again, repeat, paced to fix every block by its deadline; any column of each block
  makes a legal roster, so a dive stopped at any point is completed by each block's
  largest share.

This is the root of branch-and-price (the method that solved the Curtois & Qu
instances to optimality), without the branching.
"""

from __future__ import annotations

import heapq
import itertools
import math
import time
from collections.abc import Callable, Hashable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ortools.linear_solver import linear_solver_pb2, pywraplp

Column = frozenset  # the row keys a column covers (once each)
EPS = 1e-6


@dataclass
class Priced:
    """What pricing one block returned: columns it found (with their costs), and a lower
    bound on min over all its columns of (cost - the duals of the rows it covers), exact
    when the block's model was solved to optimality, else whatever its solver proved
    (None: no bound)."""

    columns: list[tuple[Column, float]] = field(default_factory=list)
    bound: float | None = None


Price = Callable[[Hashable, dict, float], Priced]  # (block, row duals, the block's own
# dual): a column is worth adding only if its cost less the duals of its rows is below
# the block's dual, and some column of the block's (the relaxation's) costs exactly that


class Master:
    """The restricted master: `rows` maps a row key to (need, under cost, over cost)."""

    def __init__(self, blocks: Sequence[Hashable], rows: dict[Hashable, tuple[int, int, int]]):
        self.blocks = list(blocks)
        self.rows = rows
        self.columns: dict[Hashable, dict[Column, tuple[float, pywraplp.Variable]]] = {
            b: {} for b in self.blocks
        }
        self.fixed: dict[Hashable, Column] = {}
        self.last: dict[Hashable, list[tuple[float, Column]]] = {}  # shares, once asked
        self._values: list[float] = []  # every variable's value in the last solve
        self._order: dict[Hashable, list[tuple[int, Column]]] = {}  # each block's
        # columns by their variable's index, in the order added
        self._build()

    def _build(self) -> None:
        """The relaxation with the rows (each with its slack) and no column."""
        self.lp = pywraplp.Solver.CreateSolver("GLOP")
        inf = self.lp.infinity()
        self.objective = self.lp.Objective()
        self.objective.SetMinimization()
        self.one = {b: self.lp.Constraint(1, 1) for b in self.blocks}
        self.cover = {}
        for key, (need, under, over) in self.rows.items():
            c = self.lp.Constraint(need, need)
            u, o = self.lp.NumVar(0, inf, ""), self.lp.NumVar(0, inf, "")
            c.SetCoefficient(u, 1)
            c.SetCoefficient(o, -1)
            self.objective.SetCoefficient(u, under)
            self.objective.SetCoefficient(o, over)
            self.cover[key] = c

    def _rebuild(self) -> None:
        """The relaxation built again, with every column and fixing it had."""
        old = self.columns
        self._build()
        self.columns = {b: {} for b in self.blocks}
        self._order = {}
        for b, cols in old.items():
            for col, (cost, _v) in cols.items():
                self.add(b, col, cost)
            if b in self.fixed:
                self.fix(b, self.fixed[b])

    def add(self, block: Hashable, column: Column, cost: float) -> bool:
        """Add a column of `block`; False if it was there already at that cost or less
        (at a higher cost, its cost is lowered: the same roster priced better)."""
        if column in self.columns[block]:
            known, v = self.columns[block][column]
            if cost >= known:
                return False
            self.objective.SetCoefficient(v, cost)
            self.columns[block][column] = (cost, v)
            return True
        v = self.lp.NumVar(0, 0 if block in self.fixed else self.lp.infinity(), "")
        self._order.setdefault(block, []).append((v.index(), column))
        self.one[block].SetCoefficient(v, 1)
        self.objective.SetCoefficient(v, cost)
        for key in column:
            if key in self.cover:
                self.cover[key].SetCoefficient(v, 1)
        self.columns[block][column] = (cost, v)
        return True

    def solve(self) -> tuple[float, dict, dict]:
        """The relaxation's value, the row duals (clamped to [-over, under], where the
        Lagrangian bound is valid) and the block duals."""
        status = self.lp.Solve()
        if status != pywraplp.Solver.OPTIMAL:  # GLOP, warm-started from the last basis
            # after many bound changes, once ended ABNORMAL on a master that is always
            # feasible (every block has a column, the cover has slack): again from scratch
            scratch = pywraplp.MPSolverParameters()
            scratch.SetIntegerParam(scratch.INCREMENTALITY, scratch.INCREMENTALITY_OFF)
            status = self.lp.Solve(scratch)
        if status != pywraplp.Solver.OPTIMAL:  # ... and, once, ABNORMAL again from scratch
            # (Instance8, the dive's search after some thousand fixings undone): a new one
            self._rebuild()
            status = self.lp.Solve()
        if status != pywraplp.Solver.OPTIMAL:
            raise RuntimeError(f"the master's relaxation is not optimal ({status})")
        value = self.objective.Value()
        response = linear_solver_pb2.MPSolutionResponse()  # every value at once: one
        self.lp.FillSolutionResponseProto(response)  # call a variable cost 3.7 s of
        self._values = list(response.variable_value)  # Instance8's 42 s search
        self.last = {}
        duals = {}
        for key, c in self.cover.items():
            _need, under, over = self.rows[key]
            duals[key] = min(under, max(-over, c.dual_value()))
        return value, duals, {b: c.dual_value() for b, c in self.one.items()}

    def shares(self, block: Hashable) -> list[tuple[float, Column]]:
        """The block's columns by their share in the last relaxation solved, largest
        first (columns added since are not in it)."""
        if block not in self.last:
            values, n = self._values, len(self._values)
            self.last[block] = sorted(
                ((values[i], col) for i, col in self._order.get(block, ()) if i < n),
                key=lambda s: -s[0],
            )  # fmt: skip
        return self.last[block]

    def fix(self, block: Hashable, column: Column) -> None:
        """From now on `block` takes `column`."""
        self.fixed[block] = column
        for col, (_c, v) in self.columns[block].items():
            v.SetUb(1 if col == column else 0)

    def unfix(self, block: Hashable) -> None:
        """`block` may take any of its columns again."""
        del self.fixed[block]
        for _c, v in self.columns[block].values():
            v.SetUb(self.lp.infinity())

    def cost(self, chosen: dict[Hashable, Column]) -> float:
        """The whole cost of one column per block (what the relaxation costs with each
        fixed to it): the columns' costs, and each row's units short and over at their
        costs."""
        total = sum(self.columns[b][col][0] for b, col in chosen.items())
        for key, (need, under, over) in self.rows.items():
            n = sum(1 for col in chosen.values() if key in col)
            total += under * max(0, need - n) + over * max(0, n - need)
        return total

    def choice(self) -> dict[Hashable, Column]:
        """A column for every block: the fixed one, or the largest share."""
        if not self._values:
            self.solve()
        return {b: self.fixed.get(b) or self.shares(b)[0][1] for b in self.blocks}


@dataclass
class Generation:
    """What `generate` did: the relaxation's last value, the best Lagrangian bound (None
    if no round had a bound from every block's pricing), rounds, and whether it
    converged; if it did, the duals it converged at and each block's pricing bound
    against them (what the last round found: no need to price again)."""

    value: float | None = None
    bound: float | None = None
    rounds: int = 0
    converged: bool = False
    duals: dict | None = None
    bounds: dict[Hashable, float | None] = field(default_factory=dict)


def lagrangian(bounds: Iterable[float | None], duals: dict,
               rows: dict[Hashable, tuple[int, int, int]]) -> float | None:  # fmt: skip
    """The Lagrangian bound at `duals`: every block's pricing bound against them plus
    the duals times the rows' needs (None if some block has no bound)."""
    bounds = list(bounds)
    if any(b is None for b in bounds):
        return None
    return sum(bounds) + sum(duals[k] * need for k, (need, _u, _o) in rows.items())  # type: ignore[arg-type]


def generate(master: Master, price: Price, *, deadline: float, lanes: int = 1,
             max_rounds: int | None = None, parts: int = 1,
             cutoff: float | None = None) -> Generation:  # fmt: skip
    """Rounds of: price the blocks not fixed (`lanes` at a time: `price` must release
    the interpreter, as CP-SAT's solve does) against the relaxation's duals, add the
    columns with a negative reduced cost, solve the relaxation again if any was added;
    until every block is priced with none added against the same duals (converged),
    `max_rounds`, or `deadline`. With `parts` > 1, a round prices only the next of that
    many parts of the blocks, so each part is priced against the duals its predecessors'
    columns made (fewer pricing solves to converge); the Lagrangian bound then comes
    only from `parts` rounds in a row against the same duals (at convergence). The bound
    holds for every roster that keeps the master's fixings (each fixed block adds its
    column's cost less the duals); with `cutoff`, generation stops once it is above."""
    out = Generation()
    value, duals, ones = master.solve()
    bounds: dict[Hashable, float | None] = {}  # blocks priced against these duals (and,
    # as any column added changes them, none of which added a column)
    free = [b for b in master.blocks if b not in master.fixed]
    size = math.ceil(len(free) / max(1, parts))
    turn = 0
    with ThreadPoolExecutor(max(1, lanes)) as pool:
        while time.monotonic() < deadline and (max_rounds is None or out.rounds < max_rounds):
            part = [free[(turn + i) % len(free)] for i in range(size)]
            turn = (turn + size) % max(1, len(free))
            priced = list(pool.map(lambda b, duals=duals, ones=ones: price(b, duals, ones[b]),
                                   part))  # fmt: skip
            out.rounds += 1
            added = 0
            for b, p in zip(part, priced, strict=True):
                bounds[b] = p.bound
                for column, cost in p.columns:
                    reduced = cost - sum(duals.get(k, 0.0) for k in column) - ones[b]
                    if reduced < -EPS and master.add(b, column, cost):
                        added += 1
            whole = len(bounds) == len(free)  # every block priced against these duals
            if whole and (lagrange := lagrangian(bounds.values(), duals, master.rows)) is not None:
                lagrange += sum(master.columns[b][col][0] - sum(duals.get(k, 0.0) for k in col)
                                for b, col in master.fixed.items())  # fmt: skip
                out.bound = lagrange if out.bound is None else max(out.bound, lagrange)
                if cutoff is not None and out.bound > cutoff:
                    break
            if added:
                value, duals, ones = master.solve()
                bounds = {}
            elif whole:
                out.converged = True
                out.duals, out.bounds = duals, dict(bounds)
                break
    out.value = value
    return out


def paced(free: int, last: float | None, left: float) -> int:
    """How many of `free` blocks a dive's pass fixes at least, for the dive to end by
    its deadline: one, or, once a pass has taken `last` seconds and `left` remain, an
    even share of them over the passes that still fit."""
    if last is None or last <= 0:
        return 1
    return max(1, math.ceil(free / max(1.0, left / last)))


def dive(master: Master, price: Price, *, deadline: float, lanes: int = 1,
         threshold: float = 0.6, rounds: int = 2, search_until: float | None = None,
         search_rounds: int = 100, step: float = 1.0,
         alternatives: int = 2) -> dict[Hashable, Column]:  # fmt: skip
    """Fix every column the relaxation takes at `threshold` or more (and at least the
    largest shares of as many blocks as `paced` says, so that the dive ends in time),
    generate for up to `rounds` rounds, repeat until every block is fixed or
    `deadline`; then each block's column (`Master.choice`: a block still free takes its
    largest share).

    With `search_until` (instead of `deadline`), every dive generates for up to
    `search_rounds` rounds a pass, the first is paced to end by then, and the search
    goes on from its roster until then, best first: each pass leaves behind, as
    alternatives, the second largest share of the `alternatives` blocks whose largest is
    nearest a half; from each roster found, the alternative left by the cheapest
    relaxation is fixed in its place and the dive goes on from there. Fixings whose
    relaxation (generated to convergence) or Lagrangian bound costs more than the best
    roster so far less `step` (the least difference between two rosters' costs: 1 where
    costs are whole) are not dived into: no roster under them is better. The master must
    have converged before; the search stops at a roster that costs its relaxation
    (rounded up to a step). Returns the best roster found."""
    best: list = [math.inf, None]  # cost, choice
    lowest = math.inf  # with the search, the relaxation before any fixing (converged, as
    if search_until is not None:  # the search is only for then): no roster is cheaper
        lowest = math.ceil((master.solve()[0] - EPS) / step) * step
    waiting: list = []  # (relaxation, order, fixings, block, column): the alternatives
    order = itertools.count()

    def leaf() -> None:
        """The roster of every free block's largest share, if the best so far."""
        chosen = master.choice()
        value = master.cost(chosen)
        if value < best[0] - EPS:
            best[0], best[1] = value, chosen

    def above() -> float | None:
        """What a relaxation must not exceed to hold a better roster (None: no roster yet)."""
        return None if best[0] == math.inf else best[0] - step + EPS

    def hopeless(g: Generation) -> bool:
        """No roster under these fixings beats the best by a step: their relaxation,
        generated to convergence, or a Lagrangian bound on it, costs more."""
        limit = above()
        return limit is not None and (
            (g.bound is not None and g.bound > limit)
            or (g.converged and g.value is not None and g.value > limit)
        )

    def plunge(until: float, rounds: int) -> None:
        last = None
        while True:
            began = time.monotonic()
            value = master.solve()[0]  # columns were added since the last solve
            free = [(s, b, col) for b in master.blocks if b not in master.fixed
                    for s, col in master.shares(b)[:1]]  # fmt: skip
            if not free or began >= until:
                leaf()
                return
            take = [(b, col) for s, b, col in free if s >= threshold]
            most = paced(len(free), last, until - began)
            if len(take) < most:
                take = [(b, col) for _s, b, col in sorted(free, key=lambda f: -f[0])[:most]]
            if search_until is not None:
                for _s, b, _col in sorted(free, key=lambda f: abs(f[0] - 0.5))[:alternatives]:
                    second = master.shares(b)[1:2]
                    if second and second[0][0] > EPS:
                        heapq.heappush(waiting, (value, next(order), dict(master.fixed), b,
                                                 second[0][1]))  # fmt: skip
            for b, col in take:
                master.fix(b, col)
            g = generate(master, price, deadline=until, lanes=lanes, max_rounds=rounds,
                         cutoff=above())  # fmt: skip
            if hopeless(g):
                return
            last = time.monotonic() - began

    if search_until is None:
        plunge(deadline, rounds)
    else:
        plunge(search_until, search_rounds)
    while (search_until is not None and waiting and time.monotonic() < search_until
           and best[0] > lowest + EPS):  # fmt: skip
        value, _n, fixings, block, column = heapq.heappop(waiting)
        limit = above()
        if limit is not None and value > limit:
            break  # and every one after it
        for b in list(master.fixed):
            if fixings.get(b) != master.fixed[b]:
                master.unfix(b)
        for b, col in fixings.items():
            if b not in master.fixed:
                master.fix(b, col)
        master.fix(block, column)
        if not hopeless(generate(master, price, deadline=search_until, lanes=lanes,
                                 max_rounds=search_rounds, cutoff=above())):  # fmt: skip
            plunge(search_until, search_rounds)
    return best[1]
