"""One employee's cheapest rosters by dynamic programming over the days: the pricing of
column generation (solve/nrp/columns.py) without a solver call.

Every hard rule of the benchmark is one employee's and is decided by a few counters
carried from day to day, so an employee's legal rosters are the paths of a small
state graph. A state after a day is:

- what they worked that day: off, or the class of the shift (shifts whose forbidden
  successors are the same share a class: all the next day needs to know);
- how long the current run of days on, or off, has lasted (off runs counted up to the
  minimum days off, all that matters), and whether it started on the first day (a run
  touching either end of the horizon is exempt from the minimums);
- the minutes worked so far, in units of the greatest common divisor of the lengths;
- how many shifts of each type whose maximum can bind (fewer than the days it may be
  worked) were worked;
- how many weekends were worked, if the maximum can bind.

The rules are the ones `model.add_employee` writes for CP-SAT and `nrp.instance.evaluate`
checks; the tests hold all three to the same answers. The search is exact: the cheapest
path is the employee's cheapest roster under any day-shift costs, so its cost is the
bound pricing needs. Distinct final states are reached by distinct paths, so the best
path into each of the k cheapest final states gives k distinct rosters.

The loop is compiled with numba (nogil: two pricing lanes run on two cores); the
compiled code is cached on disk after the first call.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import reduce

import numpy as np
from numba import njit

from benchmarks.nrp.instance import Employee, Instance

INF = np.inf
REST_COUNTERS = 8  # the relaxation bounding a search with a ceiling (Paths.best, `_rest`)
# counts the shift types of the smallest maxima while the product of their counters'
# sizes stays at most this (Instance8: nights, at most 4, whose duals are the largest)
CEILING_MIN_RATIO = 25  # ... on graphs with at least this many states a day for each of
# the relaxation's (below, it costs more than it saves: Instance10's, 20 or 2, 1.2 times
# as long with it; Instance8's, 30 to 450, 1.5 to 4 times as fast)
CEILING_TOLERANCE = 1e-6  # a state is dropped only when this much above the ceiling


@dataclass
class Paths:
    """One employee's state graph, built once; `best(costs, k)` searches it."""

    shifts: list[str]  # the instance's shift types, in cost-matrix column order
    avail: np.ndarray  # (days, shifts) bool: may work this shift on this day
    klass: np.ndarray  # (shifts,) int: the class of each shift, from 1 (0 is off)
    forbid: np.ndarray  # (classes + 1, shifts) bool: a shift may not follow that class
    units: np.ndarray  # (shifts,) int: length in minute units
    counter: np.ndarray  # (shifts,) int: index of its binding counter, or -1
    radix: np.ndarray  # (counters,) int: each binding counter's maximum + 1
    max_units: int
    min_units: int
    max_on: int
    min_on: int
    min_off: int
    max_weekends: int  # -1: cannot bind
    weekend: np.ndarray  # (days,) int: 1 Saturday, 2 Sunday of a counted weekend, else 0
    keep: np.ndarray  # (counters,) bool: counted in the relaxation that bounds the search

    @property
    def states(self) -> int:
        """How many states a day can hold: the search's time grows with it (Instances 7,
        9, 12: 14,000-62,000 states, 1-3 ms; Instance18: 680,000, 0.12 s)."""
        runs = max(self.max_on, self.min_off, 1)
        weekends = self.max_weekends + 1 if self.max_weekends >= 0 else 1
        return (self.forbid.shape[0] * runs * 2 * (self.max_units + 1)
                * int(np.prod(self.radix)) * weekends)  # fmt: skip

    @property
    def relaxed(self) -> int:
        """How many states a day the relaxation of `_rest` holds."""
        nc = int(np.prod(self.radix[self.keep])) if len(self.radix) else 1
        weekends = self.max_weekends + 1 if self.max_weekends >= 0 else 1
        return self.forbid.shape[0] * max(self.max_on, 1) * (self.max_units + 1) * nc * weekends

    def best(self, costs: np.ndarray, k: int = 1,
             ceiling: float = math.inf) -> tuple[list[list[tuple[int, str]]], float]:  # fmt: skip
        """Up to `k` rosters (lists of (day, shift)) of least total cost, `costs` being a
        (days, shifts) float array (the cost of working that shift that day; off costs
        nothing), cheapest first, and the least cost (inf if they have no legal roster).
        With a finite `ceiling` (a cost some legal roster is known to reach), rosters
        dearer than it are not searched for: a day's state whose cost so far plus a lower
        bound on the rest (`rest`, a relaxation) exceeds it is not expanded. The least
        cost is still exact; fewer than `k` rosters may come back."""
        if self.states < CEILING_MIN_RATIO * self.relaxed:
            ceiling = math.inf
        rest = _NO_REST
        if math.isfinite(ceiling):
            rest = _rest(
                np.asarray(costs, dtype=np.float64), self.avail, self.klass, self.forbid,
                self.units, self.counter, self.radix, self.keep, self.max_units,
                self.min_units, self.max_on, self.max_weekends, self.weekend,
            )  # fmt: skip
        choice, totals, _cells = self._search(costs, k, False, ceiling + CEILING_TOLERANCE, rest)
        if not len(totals) and math.isfinite(ceiling):  # the ceiling was wrong (the duals
            # are floats): search it all
            choice, totals, _cells = self._search(costs, k, False, math.inf, _NO_REST)
        rosters = [[(d, self.shifts[t]) for d, t in enumerate(row) if t >= 0] for row in choice]
        return rosters, (float(totals[0]) if len(totals) else math.inf)

    def through(self, costs: np.ndarray) -> tuple[np.ndarray, float]:
        """For each (day, shift), the least cost of a legal roster that works it (a
        (days, shifts) array, inf where none does), and the least cost of any. Exact:
        the search keeps every state (no dominance) and goes back from the end."""
        _choice, totals, cells = self._search(costs, 1, True, math.inf, _NO_REST)
        return cells, (float(totals[0]) if len(totals) else math.inf)

    def _search(self, costs: np.ndarray, k: int, through: bool, ceiling: float,
                rest: np.ndarray) -> tuple:  # fmt: skip
        return _searches[through](
            costs.astype(np.float64), self.avail, self.klass, self.forbid, self.units,
            self.counter, self.radix, self.max_units, self.min_units, self.max_on,
            self.min_on, self.min_off, self.max_weekends, self.weekend, k, ceiling, rest,
            self.keep,
        )  # fmt: skip


def paths_of(inst: Instance, e: Employee) -> Paths:
    """Employee `e`'s state graph."""
    shifts = inst.shifts
    h = inst.days
    off = inst.days_off.get(e.id, set())
    usable = [t for t in shifts if e.max_shifts.get(t, 0) > 0]
    avail = np.zeros((h, len(shifts)), dtype=np.bool_)
    for d in range(h):
        if d not in off:
            for i, t in enumerate(shifts):
                avail[d, i] = t in usable
    classes: dict[frozenset, int] = {}
    klass = np.zeros(len(shifts), dtype=np.int64)
    for i, t in enumerate(shifts):
        key = frozenset(inst.forbidden.get(t, set()) & set(usable))
        klass[i] = classes.setdefault(key, len(classes) + 1)
    forbid = np.zeros((len(classes) + 1, len(shifts)), dtype=np.bool_)
    for key, c in classes.items():
        for i, t in enumerate(shifts):
            forbid[c, i] = t in key
    g = reduce(math.gcd, (inst.lengths[t] for t in shifts), 0) or 1
    units = np.array([inst.lengths[t] // g for t in shifts], dtype=np.int64)
    counter = np.full(len(shifts), -1, dtype=np.int64)
    radix = []
    for i, t in enumerate(shifts):
        if 0 < e.max_shifts.get(t, 0) < int(avail[:, i].sum()):
            counter[i] = len(radix)
            radix.append(e.max_shifts[t] + 1)
    weekend = np.zeros(h, dtype=np.int64)
    for w in range(inst.weeks):
        weekend[7 * w + 5], weekend[7 * w + 6] = 1, 2
    keep = np.zeros(len(radix), dtype=np.bool_)  # the tightest counters, while their
    product = 1  # product stays small: the relaxation's states multiply by each
    for j in sorted(range(len(radix)), key=lambda j: radix[j]):
        if product * radix[j] > REST_COUNTERS:
            break
        keep[j] = True
        product *= radix[j]
    return Paths(
        shifts=shifts, avail=avail, klass=klass, forbid=forbid, units=units,
        counter=counter, radix=np.array(radix, dtype=np.int64),
        max_units=e.max_minutes // g, min_units=-(-e.min_minutes // g),
        max_on=e.max_consecutive, min_on=e.min_consecutive, min_off=e.min_days_off,
        max_weekends=e.max_weekends if e.max_weekends < inst.weeks else -1,
        weekend=weekend, keep=keep,
    )  # fmt: skip


def warm() -> None:
    """Compile the search (or load it from numba's cache) now, not in a timed solve:
    `make install` runs it once."""
    e = Employee("A", {"D": 7}, 2400, 0, 5, 1, 1, 1)
    graph = paths_of(Instance("Warm", 7, {"D": 480}, {"D": set()}, [e]), e)
    graph.best(np.zeros((7, 1)))
    graph.through(np.zeros((7, 1)))


def _compiled(through: bool):
    """The search, compiled with `through` a constant: the cheapest rosters (False), or
    also the least cost through each (day, shift) (True), keeping every state and each
    move for the way back. One function, two compilations: with `through` an argument
    the moves' bookkeeping slowed the search for the cheapest by 2.1 against 0.85 ms an
    Instance12 employee (1.4 as a constant)."""

    @njit(cache=True, nogil=True)
    def _search(costs, avail, klass, forbid, units, counter, radix, max_units, min_units,
                max_on, min_on, min_off, max_weekends, weekend, k, ceiling, tail,
                keep):  # pragma: no cover  # fmt: skip
        h, n = avail.shape
        nk = forbid.shape[0]  # classes + off
        runs = max(max_on, min_off, 1)
        nu = max_units + 1
        nc = 1
        for r in radix:
            nc *= r
        nw = max_weekends + 1 if max_weekends >= 0 else 1
        # strides of the state index (class, run, first, units, counters, weekends)
        s_c = nw
        s_u = nc * s_c
        s_f = nu * s_u
        s_r = 2 * s_f
        s_k = runs * s_r
        size = nk * s_k
        # each counter's stride within the counters' index
        cstride = np.ones(len(radix), dtype=np.int64)
        for j in range(len(radix) - 2, -1, -1):
            cstride[j] = cstride[j + 1] * radix[j + 1]
        bounded = ceiling < np.inf  # states are looked up in `tail` (_rest's bounds)
        kr, kstride, knc = _relaxed(radix, keep)
        ron = max(max_on, 1)
        # the states reached, day after day, in one growing buffer: state, cost, the entry
        # it came from, the shift worked (-1 off); `slot` finds today's entry of a state
        cap = 4096
        st = np.empty(cap, dtype=np.int64)
        val = np.empty(cap)
        back = np.empty(cap, dtype=np.int64)
        pick = np.empty(cap, dtype=np.int64)
        dead = np.empty(cap, dtype=np.bool_)
        slot = np.full(size, -1, dtype=np.int64)
        # with `through`, every move (from entry, to entry, shift) in the order made
        ecap = 4096 if through else 1
        e_from = np.empty(ecap, dtype=np.int64)
        e_to = np.empty(ecap, dtype=np.int64)
        e_t = np.empty(ecap, dtype=np.int64)
        moves = 0
        elo = np.zeros(h + 1, dtype=np.int64)  # the first move of each day's
        # the most minute units the days after each day can still add: every run of
        # max_on + 1 days holds a day off
        reach = np.zeros(h, dtype=np.int64)
        most = 0
        for t in range(n):
            most = max(most, units[t])
        for d in range(h):
            left = h - 1 - d
            reach[d] = most * (left - left // (max_on + 1))
        lo = np.zeros(h + 1, dtype=np.int64)
        top = 0
        # day 0, from before the horizon: a run that starts on it is exempt from minimums
        for t in range(-1, n):
            if t >= 0 and (not avail[0, t] or units[t] > max_units):
                continue
            if t < 0:
                s, v = 1 * s_f, 0.0  # off, a run of 1 from the first day
            else:
                ci = 0
                if counter[t] >= 0:
                    ci = cstride[counter[t]]
                wi = 0
                if max_weekends >= 0 and weekend[0] > 0:
                    if max_weekends < 1:
                        continue
                    wi = 1
                s = klass[t] * s_k + 1 * s_f + units[t] * s_u + ci * s_c + wi
                v = costs[0, t]
            st[top], val[top], back[top], pick[top] = s, v, -1, t
            dead[top] = False
            top += 1
        lo[1] = top
        for d in range(1, h):
            elo[d] = moves
            if through and moves + (lo[d] - lo[d - 1]) * (n + 1) > ecap:
                ecap = 2 * (moves + (lo[d] - lo[d - 1]) * (n + 1))
                e_from = _grown(e_from, ecap)
                e_to = _grown(e_to, ecap)
                e_t = _grown(e_t, ecap)
            for i in range(lo[d - 1], lo[d]):
                if dead[i]:
                    continue
                s = st[i]
                base = val[i]
                kc = s // s_k
                r = (s // s_r) % runs  # run length - 1
                first = (s // s_f) % 2
                u = (s // s_u) % nu
                c = (s // s_c) % nc
                w = s % nw
                for t in range(-1, n):
                    if t < 0:  # off today
                        if kc == 0:
                            nr = min(r + 1, max(min_off, 1) - 1)
                            ns = nr * s_r + first * s_f + u * s_u + c * s_c + w
                        else:
                            if first == 0 and r + 1 < min_on:
                                continue
                            ns = u * s_u + c * s_c + w  # off, a run of 1, not from day 0
                        v = base
                    else:
                        if not avail[d, t]:
                            continue
                        if kc == 0:
                            if first == 0 and r + 1 < min_off:
                                continue
                            nr = 0
                            nf = 0
                        else:
                            if forbid[kc, t] or r + 2 > max_on:
                                continue
                            nr = r + 1
                            nf = first
                        nu2 = u + units[t]
                        if nu2 > max_units:
                            continue
                        nc2 = c
                        j = counter[t]
                        if j >= 0:
                            if (c // cstride[j]) % radix[j] + 1 >= radix[j]:
                                continue
                            nc2 = c + cstride[j]
                        nw2 = w
                        if max_weekends >= 0 and (weekend[d] == 1 or (weekend[d] == 2 and kc == 0)):
                            if w + 1 > max_weekends:
                                continue
                            nw2 = w + 1
                        ns = klass[t] * s_k + nr * s_r + nf * s_f + nu2 * s_u + nc2 * s_c + nw2
                        v = base + costs[d, t]
                    q = slot[ns]
                    if q < 0:
                        if top == cap:
                            cap *= 2
                            st = _grown(st, cap)
                            val = _grown(val, cap)
                            back = _grown(back, cap)
                            dead = _grown(dead, cap)
                            pick = _grown(pick, cap)
                        slot[ns] = top
                        st[top], val[top], back[top], pick[top] = ns, v, i, t
                        dead[top] = False
                        q = top
                        top += 1
                    elif v < val[q]:
                        val[q], back[q], pick[q] = v, i, t
                    if through:
                        e_from[moves], e_to[moves], e_t[moves] = i, q, t
                        moves += 1
            lo[d + 1] = top
            # states that cannot reach the minimum minutes any more, and (unless `through`)
            # states dominated by one next to them (one fewer of a counted shift or weekend,
            # a shorter run of days on past its minimum, a longer run off) that cost no more:
            # not expanded
            for i in range(lo[d], top):
                s = st[i]
                u = (s // s_u) % nu
                if u + reach[d] < min_units:
                    dead[i] = True
                    continue
                if bounded:  # the cheapest rest of the relaxation cannot keep it under
                    kc = s // s_k
                    r = (s // s_r) % runs if kc > 0 else 0
                    c = (s // s_c) % nc
                    rc = 0
                    for j in range(len(radix)):
                        if keep[j]:
                            rc += ((c // cstride[j]) % radix[j]) * kstride[j]
                    at = (((kc * ron + r) * nu + u) * knc + rc) * nw + s % nw
                    if val[i] + tail[d, at] > ceiling:
                        dead[i] = True
                        continue
                if through:
                    continue
                c = (s // s_c) % nc
                for j in range(len(radix)):
                    if (c // cstride[j]) % radix[j] > 0:
                        q = slot[s - cstride[j] * s_c]
                        if q >= 0 and val[q] <= val[i]:
                            dead[i] = True
                if nw > 1 and s % nw > 0:
                    q = slot[s - 1]
                    if q >= 0 and val[q] <= val[i]:
                        dead[i] = True
                kc = s // s_k
                r = (s // s_r) % runs
                if kc > 0 and r >= max(min_on, 1):
                    q = slot[s - s_r]
                    if q >= 0 and val[q] <= val[i]:
                        dead[i] = True
                if kc == 0 and r < max(min_off, 1) - 1:
                    q = slot[s + s_r]
                    if q >= 0 and val[q] <= val[i]:
                        dead[i] = True
            for i in range(lo[d], top):
                slot[st[i]] = -1
        # final states: enough minutes (runs at the end are exempt from the minimums)
        ends = []
        for i in range(lo[h - 1], lo[h]):
            if not dead[i] and (st[i] // s_u) % nu >= min_units:
                ends.append(i)
        ends_a = np.array(ends, dtype=np.int64)
        order = np.argsort(val[ends_a])[:k]
        choice = np.full((len(order), h), -1, dtype=np.int64)
        totals = np.empty(len(order))
        for m in range(len(order)):
            i = ends_a[order[m]]
            totals[m] = val[i]
            for d in range(h - 1, -1, -1):
                choice[m, d] = pick[i]
                i = back[i]
        elo[h] = moves
        cells = np.full((h if through else 0, n), np.inf)
        if through:  # back over the moves, last first: the least cost from each entry to
            # the end, and through each (day, shift) the least cost before, of it, and after
            rest = np.full(top, np.inf)
            for i in ends_a:
                rest[i] = 0.0
            for d in range(h - 1, 0, -1):
                for j in range(elo[d + 1] - 1, elo[d] - 1, -1):
                    i, q, t = e_from[j], e_to[j], e_t[j]
                    if rest[q] == np.inf:
                        continue
                    after = (costs[d, t] if t >= 0 else 0.0) + rest[q]
                    rest[i] = min(rest[i], after)
                    if t >= 0:
                        cells[d, t] = min(cells[d, t], val[i] + after)
            for i in range(lo[0], lo[1]):
                if pick[i] >= 0:
                    cells[0, pick[i]] = min(cells[0, pick[i]], val[i] + rest[i])
        return choice, totals, cells

    return _search


_searches = (_compiled(False), _compiled(True))


@njit(cache=True, nogil=True)
def _relaxed(radix, keep):  # pragma: no cover
    """The counters of the relaxation (`_rest`): each one's size there (1 if not kept),
    stride, and the number of their combinations."""
    kr = np.ones(len(radix), dtype=np.int64)
    for j in range(len(radix)):
        if keep[j]:
            kr[j] = radix[j]
    kstride = np.ones(len(radix), dtype=np.int64)
    for j in range(len(radix) - 2, -1, -1):
        kstride[j] = kstride[j + 1] * kr[j + 1]
    nc = 1
    for j in range(len(radix)):
        nc *= kr[j]
    return kr, kstride, nc


@njit(cache=True, nogil=True)
def _rest(costs, avail, klass, forbid, units, counter, radix, keep, max_units, min_units,
          max_on, max_weekends, weekend):  # pragma: no cover  # fmt: skip
    """A lower bound on the cheapest way to finish a roster from each state after each
    day: the same search backwards on fewer rules (no minimum run of days on or off, and
    only the `keep` counters), over every state of that relaxation: (days, states), the
    state (class, run of days on - 1 (0 when off), minute units, kept counters,
    weekends) indexed as `_search` looks it up; inf where the minimum minutes are out
    of reach."""
    h, n = avail.shape
    nk = forbid.shape[0]
    on = max(max_on, 1)
    nu = max_units + 1
    kr, kstride, nc = _relaxed(radix, keep)
    nw = max_weekends + 1 if max_weekends >= 0 else 1
    size = nk * on * nu * nc * nw
    rest = np.full((h, size), np.inf)
    for s in range(size):
        if (s // (nc * nw)) % nu >= min_units:
            rest[h - 1, s] = 0.0
    for d in range(h - 2, -1, -1):
        nd = d + 1
        for kc in range(nk):
            for r in range(on if kc > 0 else 1):  # off carries no run
                base = (kc * on + r) * nu
                for u in range(nu):
                    for c in range(nc):
                        for w in range(nw):
                            best = rest[nd, (u * nc + c) * nw + w]  # off on day d + 1
                            for t in range(n):
                                if not avail[nd, t]:
                                    continue
                                nr = 0
                                if kc > 0:
                                    if forbid[kc, t] or r + 2 > max_on:
                                        continue
                                    nr = r + 1
                                nu2 = u + units[t]
                                if nu2 > max_units:
                                    continue
                                nc2 = c
                                j = counter[t]
                                if j >= 0 and keep[j]:
                                    if (c // kstride[j]) % kr[j] + 1 >= kr[j]:
                                        continue
                                    nc2 = c + kstride[j]
                                nw2 = w
                                if max_weekends >= 0 and (
                                    weekend[nd] == 1 or (weekend[nd] == 2 and kc == 0)
                                ):
                                    if w + 1 > max_weekends:
                                        continue
                                    nw2 = w + 1
                                v = (
                                    costs[nd, t]
                                    + rest[
                                        nd,
                                        (((klass[t] * on + nr) * nu + nu2) * nc + nc2) * nw + nw2,
                                    ]
                                )
                                if v < best:
                                    best = v
                            rest[d, ((base + u) * nc + c) * nw + w] = best
    return rest


_NO_REST = np.zeros((0, 0))  # `rest` where the search has no ceiling


@njit(cache=True, nogil=True)
def _grown(a, cap):  # pragma: no cover
    b = np.empty(cap, dtype=a.dtype)
    b[: len(a)] = a
    return b
