"""Large-neighbourhood improvement of a roster: re-solve a few people with everyone else
fixed.

Three neighbourhoods, all of people (every shift and on-call variable of the people
outside the neighbourhood is fixed to the incumbent):

- a base site's staff: fairness pools, contracted hours and most cover are per base
  site, and CP-SAT's own neighbourhood search rarely frees exactly that set;
- a fairness pool steered to another total: the least spread whole shifts allow jumps
  with the pool's total (Luton's twenty-four officers can share 108 weekend shifts
  within 0.90 of a share, any total from 109 to 126 only within 1.26 or more), so a
  pool at the floor of its own total gains only when many shifts move at once between
  weekends and weekdays, which no neighbourhood finds from the incumbent (a site solve
  bounded to the new counts starts from scratch: the incumbent breaks the bounds).
  The step moves the people outside the window of counts that reaches the better floor
  into it a few at a time (small solves: quick from scratch), then re-solves the site
  with every member bounded, from that roster;
- one end of a port's fairness range: everyone with the most (or the fewest) pro-rata
  nights (weekend, bank-holiday shifts) of a pool, with as many colleagues from the other
  half of the range to trade with. The spread (max - min) only falls when everyone at an
  end moves, and on a port of thirty people a few seconds on the whole site rarely find
  that trade; on a dozen people CP-SAT settles it in a fraction of a second. Pools are
  drawn by how far their spread is above the least spread whole shifts allow for a
  total near the pool's own (measures.least_spread): a spread at that floor cannot fall.

Each step copies the model, fixes the rest, solves the remainder for a short time with
the incumbent as a hint, and keeps the result if it is better.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from ortools.sat.python import cp_model

from rota.measures import FAIRNESS_KINDS, fairness_pools, fairness_weights, least_spread
from rota.solve.context import ModelContext
from rota.solve.core.lns import Values, resolve
from rota.solve.families.fairness import counts_towards

Found = tuple[Values, int] | None  # a step's roster (values, objective), or none

FAIR_GROUP = 20  # most people freed by a fairness step
FAIR_UNITS = 0.15  # work units of a fairness step
FAIR_SHARE = 0.75  # share of steps that are fairness steps while those still gain
NEAR = 8  # a pool's floor is the least over totals this close to its own
SITE_UNITS = 0.5  # work units of a site step on a month of 8,000 shift options
SITE_UNITS_MAX = 4.0  # ... doubled after a round without gain, up to this

Bound = tuple[str, int, int]  # (person, least count, most count)
STEER_BATCH = 3  # people moved into their window together when steering a pool's total
STEER_BATCH_UNITS = 0.1  # work units of each such move
STEER_UNITS = 0.3  # work units of the site's solve that ends a steering step
STEER_TRIES = 3  # steering steps per pool and total
STEER_ALL = 1.0  # work units held for a whole steering step


def site_groups(ctx: ModelContext) -> list[tuple[str, set[str]]]:
    """Base site -> its staff, biggest first (people without a base form one group)."""
    groups: dict[str, set[str]] = {}
    for p in ctx.scenario.staff:
        groups.setdefault(p.base_site or "-", set()).add(p.staff_id)
    return sorted(groups.items(), key=lambda kv: -len(kv[1]))


class FairnessPools:
    """The fairness pools with their weights, and the scaled counts of a roster."""

    def __init__(self, ctx: ModelContext) -> None:
        h = ctx.horizon
        weight = fairness_weights(ctx.scenario.weights)
        self.pools = [
            (kind, site, pool, weight[kind])
            for kind in FAIRNESS_KINDS
            if weight[kind] > 0
            for site, pool in sorted(fairness_pools(h, kind).items())
            if len(pool) > 1
        ]
        self._least: dict[tuple[tuple[int, ...], int], int] = {}
        # kind -> person -> variable indices of the options counting towards the kind
        self.index: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        for o in ctx.options:
            for kind in FAIRNESS_KINDS:
                if counts_towards(h, o, kind):
                    self.index[kind][o.staff_id].append(o.var.index)

    def least(self, coefs: tuple[int, ...], total: int) -> int:
        """measures.least_spread, memoised: pools are asked about the same totals again."""
        key = (coefs, total)
        if key not in self._least:
            self._least[key] = least_spread(list(coefs), total)
        return self._least[key]

    def floor(self, pool: list[tuple[str, int]], total: int) -> int:
        """The least spread of the pool at a total within NEAR of `total`: a pool at its
        floor for its own total may still gain if a few shifts more or fewer (over-cover
        moved between weekdays and weekends, say) let the counts sit closer."""
        coefs = tuple(c for _, c in pool)
        return min(self.least(coefs, t) for t in range(max(0, total - NEAR), total + NEAR + 1))

    def counts(self, values: Values, kind: str, pool: list[tuple[str, int]]) -> list[int]:
        """Each pool member's count of the kind in the roster `values`."""
        idx = self.index[kind]
        return [sum(values[i] for i in idx.get(pid, ())) for pid, _ in pool]

    def pick(self, values: Values, rng: random.Random, size: int) -> set[str] | None:
        """A fairness neighbourhood: one pool, drawn by its weighted excess over the least
        spread a total near its own allows (floor); everyone at one end of its range (the
        spread only falls when all of them move), and as many people from the other half
        to trade with. None when every spread is at its floor."""
        cands = []
        for kind, _site, pool, weight in self.pools:
            counts = self.counts(values, kind, pool)
            sc = [(coef * n, pid) for (pid, coef), n in zip(pool, counts, strict=True)]
            spread = max(sc)[0] - min(sc)[0]
            if spread <= 0:
                continue
            excess = spread - self.floor(pool, sum(counts))
            if excess > 0:
                cands.append((excess * weight, sc))
        if not cands:
            return None
        sc = sorted(rng.choices([c[1] for c in cands], weights=[c[0] for c in cands])[0])
        low = [p for v, p in sc if v == sc[0][0]]
        high = [p for v, p in sc if v == sc[-1][0]]
        # mostly the end with fewer people: all of them must move for the spread to fall
        if (len(high) < len(low)) == (rng.random() < 0.75):
            end, other = high, [p for _, p in sc[: len(sc) // 2]]
        else:
            end, other = low, [p for _, p in sc[len(sc) // 2 :]]
        rng.shuffle(end)
        end = end[: size // 2]
        other = [p for p in other if p not in end]
        rng.shuffle(other)
        # as many to trade with as there are people at the end (each must pass one on)
        return set(end) | set(other[: max(2, len(end))])

    def targets(self, values: Values) -> list[tuple[int, str, str, int, int]]:
        """Pools whose spread could fall if their total moved: (gain in weighted
        hundredths, kind, site, total to move to, its least spread), best first.

        The least spread jumps with the total (twenty-four Luton officers can share 108
        weekend shifts within 0.90 of a share, but 109 to 126 only within 1.26 or more), so
        the spread of a pool at the floor of its own total may only fall when several
        shifts move at once between weekends and weekdays: no single move gains.
        """
        out = []
        for kind, site, pool, weight in self.pools:
            counts = self.counts(values, kind, pool)
            scaled = [c * n for (_, c), n in zip(pool, counts, strict=True)]
            spread = max(scaled) - min(scaled)
            total = sum(counts)
            coefs = tuple(c for _, c in pool)
            best = None
            for t in range(max(1, -(-3 * total // 4)), total + NEAR + 1):
                s = self.least(coefs, t)
                if s < spread and (best is None or (s, abs(t - total)) < best[:2]):
                    best = (s, abs(t - total), t)
            if best is not None:
                out.append(((spread - best[0]) * weight, kind, site, best[2], best[0]))
        return sorted(out, reverse=True)

    def pool(self, kind: str, site: str) -> list[tuple[str, int]]:
        """The members of a pool with their coefficients."""
        return next(p for k, st, p, _ in self.pools if k == kind and st == site)

    def window(self, values: Values, kind: str, site: str, total: int) -> list[Bound]:
        """Counts that reach the least spread at `total`: (person, least, most) for each
        member of the pool, the window that needs the fewest shifts moved from `values`."""
        pool = self.pool(kind, site)
        coefs = [c for _, c in pool]
        counts = self.counts(values, kind, pool)
        s = self.least(tuple(coefs), total)
        best = None
        for m in sorted({c * n for c in coefs for n in range(total + 1)}):
            lows = [-(-m // c) for c in coefs]  # the least count reaching m
            if sum(lows) > total:
                break
            highs = [(m + s) // c for c in coefs]
            if sum(highs) < total or any(lo > hi for lo, hi in zip(lows, highs, strict=True)):
                continue
            moves = sum(
                max(0, n - hi) + max(0, lo - n)
                for n, lo, hi in zip(counts, lows, highs, strict=True)
            )
            if best is None or moves < best[0]:
                best = (moves, lows, highs)
        assert best is not None  # least_spread found such an m
        return [(pid, lo, hi) for (pid, _), lo, hi in zip(pool, best[1], best[2], strict=True)]

    def bound(self, kind: str, bounds: list[Bound]) -> Callable[[cp_model.CpModel], None]:
        """Constraints for a trial model: each person's count of the kind within bounds."""
        idx = self.index[kind]

        def add(trial: cp_model.CpModel) -> None:
            var = trial.get_int_var_from_proto_index
            for pid, lo, hi in bounds:
                count = sum(var(i) for i in idx.get(pid, ()))
                trial.add(count >= lo)
                trial.add(count <= hi)

        return add


class Budget:
    """Work units left to a phase of steps, and the wall clock's cap over them: a step
    asks for its units (`take`) and reports what it spent (`charge`). Steps that run at
    once each get a budget of their own (`part`), added back in a fixed order, so that
    what a step is given never depends on which thread finished first."""

    def __init__(self, units: float, left: Callable[[], float]) -> None:
        self.units = units
        self.spent = 0.0
        self.left = left  # wall-clock seconds left
        self.cut = False  # the wall clock stopped a step

    def take(self, units: float) -> float:
        """Units for the next step (0: none left, or no time)."""
        if self.left() <= 0.05:
            self.cut = True
            return 0.0
        return max(0.0, min(units, self.units - self.spent))

    def charge(self, meter: list[float], asked: float) -> None:
        used = sum(meter)
        self.spent += used
        if used < 0.99 * asked and self.left() <= 0.05:
            self.cut = True

    def part(self, units: float) -> Budget:
        """A budget of `units` (at most what is left) for one step of a batch."""
        return Budget(self.take(units), self.left)

    def add(self, part: Budget) -> None:
        self.spent += part.spent
        self.cut |= part.cut


def _solve_with_fixed(ctx, values, free, fixed_vars, units, budget, workers, seed, extra=None):  # noqa: ANN001, ANN202
    """Re-solve with every (person, variable) outside `free` fixed, and any `extra`
    constraints, from `values` as the hint, on `units` of `budget`; (values, objective)
    or None."""
    from rota.solve.settings import configure

    meter: list[float] = []
    out = resolve(
        ctx.model,
        values,
        (idx for pid, idx in fixed_vars if pid not in free),
        lambda s: configure(s, workers=workers, seed=seed, time_limit=budget.left(), units=units),
        extra=extra,
        meter=meter,
    )
    budget.charge(meter, units)
    return None if out is None else out[:2]


def _steer(ctx, fair, values, target, group, fixed_vars, workers, seed, budget):  # noqa: ANN001, ANN202
    """Move a pool to the total of `target`: first the people outside the window of
    counts that reaches its least spread, a few at a time (each solved alone: small,
    so quick even though the incumbent breaks their new bounds), then the whole site
    with every member bounded, from that roster. (values, objective) or None."""
    _gain, kind, site, total, _s = target
    bounds = fair.window(values, kind, site, total)
    pool = fair.pool(kind, site)
    counts = dict(zip((pid for pid, _ in pool), fair.counts(values, kind, pool), strict=True))
    outside = [b for b in bounds if not b[1] <= counts[b[0]] <= b[2]]
    out = None
    for i in range(0, len(outside), STEER_BATCH):
        batch = outside[i : i + STEER_BATCH]
        units = budget.take(STEER_BATCH_UNITS)
        if units < STEER_BATCH_UNITS:
            return None
        out = _solve_with_fixed(
            ctx, values, {b[0] for b in batch}, fixed_vars, units, budget, workers, seed + i,
            extra=fair.bound(kind, batch),
        )  # fmt: skip
        if out is None:  # someone cannot reach their bounds with the rest fixed
            return None
        values = out[0]
    units = budget.take(STEER_UNITS)
    if units >= STEER_UNITS / 2:
        polished = _solve_with_fixed(
            ctx, values, group, fixed_vars, units, budget, workers, seed,
            extra=fair.bound(kind, bounds),
        )  # fmt: skip
        if polished is not None and (out is None or polished[1] <= out[1]):
            out = polished
    return out


def improve(
    ctx: ModelContext,
    values: Values,
    objective: int,
    *,
    budget: Budget,
    workers: int,
    seed: int,
    on_better: Callable[[Values, int], None] | None = None,
    shortfalls: Sequence[int] = (),
) -> tuple[Values, int, int]:
    """Improve `values` (proto index -> value of every variable) within `budget`.
    `shortfalls`: the indices of the uncovered-demand variables; while any is above 0,
    no pool is steered (site steps put the cover right first). Returns (values,
    objective, improving steps).

    Steps run `workers` at a time, each a one-worker CP-SAT solve in a thread of its
    own, all from the same roster; the best of a batch is kept. Every step, and the
    choice of steps, is deterministic, so the whole is."""
    rng = random.Random(seed)
    groups = [g for g in site_groups(ctx) if g[1]]
    by_site = dict(groups)
    fair = FairnessPools(ctx)
    fixed_vars = [(o.staff_id, o.var.index) for o in ctx.options]
    fixed_vars += [(pid, v.index) for (_r, pid, _b), v in ctx.on_call.items()]
    step_units = SITE_UNITS * max(1.0, len(ctx.options) / 8000)
    better = 0
    step = 0
    site_step = 0
    site_stale = 0  # site steps in a row without gain
    fair_stale = 0  # fairness steps in a row without gain
    fair_open = bool(fair.pools)
    steered: dict[tuple[str, str, int], tuple[int, int]] = {}  # target -> (tries, gains then)
    pool = ThreadPoolExecutor(max_workers=max(1, workers))
    try:
        while budget.take(FAIR_UNITS) >= FAIR_UNITS:
            # (kind, steer target or None, its budget, the step)
            plans: list[tuple[str, tuple[str, str, int] | None, Budget, Callable[[], Found]]]
            plans = []
            covered = not any(values[i] for i in shortfalls)
            for _slot in range(max(1, workers)):
                step += 1
                # a pool whose spread would fall at another total: steer it there, once
                # per roster and at most STEER_TRIES times (one steer a batch)
                target = next(
                    (
                        t
                        for t in (fair.targets(values) if covered and not plans else ())
                        if t[2] in by_site
                        and steered.get(t[1:4], (0, -1))[0] < STEER_TRIES
                        and steered.get(t[1:4], (0, -1))[1] < better
                    ),
                    None,
                )
                if target is not None and budget.take(STEER_ALL) >= STEER_ALL:
                    key = (target[1], target[2], target[3])
                    tries = steered.get(key, (0, -1))[0]
                    steered[key] = (tries + 1, better)
                    part = budget.part(STEER_ALL)
                    budget.spent += part.units  # held while the step runs
                    plans.append(("steer", key, part,
                                  partial(_steer, ctx, fair, values, target, by_site[target[2]],
                                          fixed_vars, 1, seed + 1000 * step, part)))  # fmt: skip
                    continue
                if site_stale >= len(groups) and step_units < SITE_UNITS_MAX:
                    # a whole round without gain: give each site longer, up to a limit
                    step_units *= 2
                    site_stale = 0
                sites_open = site_stale < len(groups)
                if fair_stale >= 100:
                    fair_open = False
                if not sites_open and not fair_open:
                    break
                is_fair = fair_open and (not sites_open or rng.random() < FAIR_SHARE)
                if is_fair:
                    free = fair.pick(values, rng, FAIR_GROUP)
                    if free is None:
                        fair_open = False
                        continue
                    part = budget.part(FAIR_UNITS)
                else:
                    free = groups[site_step % len(groups)][1]
                    site_step += 1
                    part = budget.part(step_units)
                if part.units <= 0:
                    break
                budget.spent += part.units  # held while the step runs
                plans.append(("fair" if is_fair else "site", None, part,
                              partial(_solve_with_fixed, ctx, values, free, fixed_vars,
                                      part.units, part, 1, seed + step)))  # fmt: skip
            if not plans:
                break
            outs = list(pool.map(lambda plan: plan[3](), plans))
            best = None
            for (label, steer_key, part, _run), out in zip(plans, outs, strict=True):
                budget.spent -= part.units  # no longer held: what it spent instead
                budget.add(part)
                gained = out is not None and out[1] < objective
                if steer_key is not None:  # a steer
                    if out is None or out[1] > objective * 6 // 5:
                        # infeasible, or far worse (demand left uncovered): a total the
                        # site cannot reach, not one to try again on the next roster
                        steered[steer_key] = (STEER_TRIES, better)
                elif label == "fair":
                    fair_stale = 0 if gained else fair_stale + 1
                else:
                    site_stale = 0 if gained else site_stale + 1
                if gained and (best is None or out[1] < best[1]):
                    best = out
            if best is not None:
                values, objective = best
                better += 1
                fair_open, fair_stale = bool(fair.pools), 0  # a new roster, new excess
                if on_better:
                    on_better(values, objective)
    finally:
        pool.shutdown()
    return values, objective, better
