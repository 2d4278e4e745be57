"""Large-neighbourhood improvement of a roster: re-solve a few people with everyone else
fixed.

Two neighbourhoods, both of people (every shift and on-call variable of the people
outside the neighbourhood is fixed to the incumbent):

- a base site's staff: fairness pools, contracted hours and most cover are per base
  site, and CP-SAT's own neighbourhood search rarely frees exactly that set;
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
import time
from collections import defaultdict
from collections.abc import Callable

from ortools.sat.python import cp_model

from rota.measures import FAIRNESS_KINDS, fairness_pools, fairness_weights, least_spread
from rota.solve.context import ModelContext
from rota.solve.families.fairness import counts_towards

FAIR_GROUP = 20  # most people freed by a fairness step
FAIR_SECONDS = 1.5  # time limit of a fairness step
FAIR_SHARE = 0.75  # share of steps that are fairness steps while those still gain
NEAR = 8  # a pool's floor is the least over totals this close to its own


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

    def floor(self, pool: list[tuple[str, int]], total: int) -> int:
        """The least spread of the pool at a total within NEAR of `total`: a pool at its
        floor for its own total may still gain if a few shifts more or fewer (over-cover
        moved between weekdays and weekends, say) let the counts sit closer."""
        coefs = tuple(c for _, c in pool)
        out = []
        for t in range(max(0, total - NEAR), total + NEAR + 1):
            key = (coefs, t)
            if key not in self._least:
                self._least[key] = least_spread(list(coefs), t)
            out.append(self._least[key])
        return min(out)

    def counts(self, values: dict[int, int], kind: str, pool: list[tuple[str, int]]) -> list[int]:
        """Each pool member's count of the kind in the roster `values`."""
        idx = self.index[kind]
        return [sum(values[i] for i in idx.get(pid, ())) for pid, _ in pool]

    def pick(self, values: dict[int, int], rng: random.Random, size: int) -> set[str] | None:
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


def _solve_with_fixed(ctx, values, free, fixed_vars, limit, workers, seed):  # noqa: ANN001, ANN202
    """Re-solve with every (person, variable) outside `free` fixed; (values, objective) or None."""
    from rota.solve.run import configure

    n_vars = len(ctx.model.proto.variables)
    trial = ctx.model.clone()
    for pid, idx in fixed_vars:
        if pid not in free:
            trial.add(trial.get_int_var_from_proto_index(idx) == values[idx])
    trial.clear_hints()
    for idx in range(n_vars):
        trial.add_hint(trial.get_int_var_from_proto_index(idx), values[idx])
    solver = cp_model.CpSolver()
    configure(solver, workers=workers, seed=seed, time_limit=limit)
    status = solver.solve(trial)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    new = {i: int(solver.value(trial.get_int_var_from_proto_index(i))) for i in range(n_vars)}
    return new, int(solver.objective_value)


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
    rng = random.Random(seed)
    groups = [g for g in site_groups(ctx) if g[1]]
    fair = FairnessPools(ctx)
    fixed_vars = [(o.staff_id, o.var.index) for o in ctx.options]
    fixed_vars += [(pid, v.index) for (_r, pid, _b), v in ctx.on_call.items()]
    better = 0
    step = 0
    site_step = 0
    site_stale = 0  # site steps in a row without gain
    fair_stale = 0  # fairness steps in a row without gain
    fair_open = bool(fair.pools)
    while time.monotonic() + 1.0 < deadline:
        if site_stale >= len(groups):
            # a whole round without gain: give each site longer, up to a limit
            if step_seconds < 16:
                step_seconds *= 2
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
            limit = FAIR_SECONDS
        else:
            free = groups[site_step % len(groups)][1]
            site_step += 1
            limit = step_seconds
        step += 1
        limit = max(0.5, min(limit, deadline - time.monotonic() - 0.5))
        out = _solve_with_fixed(ctx, values, free, fixed_vars, limit, workers, seed + step)
        gained = out is not None and out[1] < objective
        if gained:
            values, objective = out
            better += 1
            fair_open, fair_stale = bool(fair.pools), 0  # a new roster may have new excess
            if on_better:
                on_better(values, objective)
        if is_fair:
            fair_stale = 0 if gained else fair_stale + 1
        else:
            site_stale = 0 if gained else site_stale + 1
    return values, objective, better
