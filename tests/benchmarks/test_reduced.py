"""Reduced-cost fixing (solve/nrp/reduced.py) on the benchmark's small instances: the
reduced costs bound every roster, shutting by them keeps every better roster, and the
restricted solves prove the optimum."""

from __future__ import annotations

import random
import time
from pathlib import Path

import numpy as np
from ortools.sat.python import cp_model

from benchmarks.nrp.instance import evaluate, read_instance
from benchmarks.nrp.solver import reduced
from benchmarks.nrp.solver.columns import Pricing, column_start
from benchmarks.nrp.solver.model import add_employee, build
from benchmarks.nrp.solver.solve import _values_of_roster

NRP = Path(__file__).resolve().parents[2] / "benchmarks" / "nrp"


def started(name: str):
    inst = read_instance(NRP / f"{name}.txt")
    now = time.monotonic()
    start = column_start(inst, generate_until=now + 20, dive_until=now + 20, workers=2, seed=0)
    assert start is not None and start.lagrange is not None and start.reduced
    return inst, start


def test_reduced_costs_bound_every_roster():
    """Instance3: any legal roster costs at least the Lagrangian bound plus, for each
    employee, the largest reduced cost of the cells they work. Held on 200 rosters made
    of each employee's own legal rosters (cheapest against random costs, in random
    combinations), from the optimum's 1,001 to far above it."""
    inst, start = started("Instance3")
    pricing = Pricing(inst)
    rng = np.random.default_rng(3)
    own = {}
    for e in inst.employees:
        costs = rng.uniform(-30, 10, (inst.days, len(inst.shifts)))
        own[e.id] = pricing.paths[e.id].best(costs, 5)[0]
        own[e.id].append(sorted((d, t) for (who, d), t in start.roster.items() if who == e.id))
    pick = random.Random(3)
    spread = []
    for i in range(200):
        chosen = {e: rosters[-1] if i == 0 else pick.choice(rosters) for e, rosters in own.items()}
        roster = {(e, d): t for e, r in chosen.items() for d, t in r}
        penalty, broken = evaluate(inst, roster)
        assert broken == []
        least = start.lagrange + sum(
            max((start.reduced[e, d, t] for d, t in r), default=0.0) for e, r in chosen.items()
        )
        assert least <= penalty + 1e-6
        spread.append(penalty - start.lagrange)
    assert min(spread) < 5 and max(spread) > 200  # near the bound and far from it


def test_reduced_costs_equal_the_employee_model():
    """Pricing.reduced against each employee's own CP-SAT model (add_employee), with
    integral duals (the cover's under-staffing weights, halved) on Instance3: for cells
    of every kind (worked by the best roster or not), the best roster working the cell
    costs its reduced cost above the employee's best, and the employee's best is their
    bound; a cell no legal roster works has none."""
    inst = read_instance(NRP / "Instance3.txt")
    pricing = Pricing(inst)
    duals = {k: float(w // 2) for k, (_n, w, _o) in inst.cover.items()}
    rng = random.Random(5)
    checked = 0  # cells of a positive reduced cost
    for e in inst.employees[:4]:
        cells, bound = pricing.reduced(e.id, duals)
        m = cp_model.CpModel()
        x = add_employee(m, inst, e)
        cost = {(d, t): pricing.request.get((e.id, d, t), 0) - duals.get((d, t), 0.0)
                for (_e, d, t) in x}  # fmt: skip
        m.minimize(sum(int(cost[d, t]) * v for (_e, d, t), v in x.items()))

        def least(m=m):
            solver = cp_model.CpSolver()
            solver.parameters.num_workers = 1
            status = solver.solve(m)
            return solver.objective_value if status == cp_model.OPTIMAL else None

        best = least()
        assert bound == best + pricing.const[e.id]
        zero = sorted(c for c, v in cells.items() if v == 0)
        more = sorted(c for c, v in cells.items() if v > 0)
        picked = rng.sample(zero, min(2, len(zero))) + rng.sample(more, min(4, len(more)))
        checked += len(picked) - min(2, len(zero))
        for d, t in picked:
            domain = m.proto.variables[x[e.id, d, t].index].domain
            domain[0] = 1  # the cell worked
            through = least()
            domain[0] = 0
            assert cells[d, t] == (float("inf") if through is None else through - best)
    assert checked >= 8


def test_shut_cells_keep_every_better_roster():
    """Instance3 (optimum 1,001, its bound): the restricted solves find and prove it;
    against an incumbent of 1,002, 231 of its 598 cells are shut and the shut model
    still holds that optimal roster; against 1,001 the slack is negative (nothing can be
    better)."""
    inst, start = started("Instance3")
    m, x, _ = build(inst)
    values, objective = _values_of_roster(m, x, start.roster, workers=1, seed=0, time_limit=5)
    optimum, best, proven = reduced.solve_by_levels(
        m, x, start, values, objective, until=time.monotonic() + 30, workers=2, seed=0
    )
    assert (best, proven) == (1001, True)
    roster = {(e, d): t for (e, d, t), v in x.items() if optimum[v.index]}
    shut_m, sx, _ = build(inst)
    worse = [0] * len(shut_m.proto.variables)  # an incumbent of 1,002 working nothing
    shut = reduced.shut_exact(shut_m, sx, start, worse, 1002)
    assert shut > len(sx) // 3
    assert _values_of_roster(shut_m, sx, roster, workers=1, seed=0, time_limit=5) is not None
    assert reduced.exact_slack(start, 1001) < 0  # nothing better than the bound


def test_levels_prove_the_optimum():
    """Instance1 (bound 558, optimum 607): from the dive's roster the restricted solves
    reach 607 and prove it, at the last level (the exact slack); without reduced costs
    (generation did not converge) only the support's solve runs, and proves nothing."""
    inst, start = started("Instance1")
    m, x, _ = build(inst)
    values, objective = _values_of_roster(m, x, start.roster, workers=1, seed=0, time_limit=5)
    out = reduced.solve_by_levels(m, x, start, values, objective,
                                  until=time.monotonic() + 30, workers=2, seed=0)  # fmt: skip
    assert out[1:] == (607, True)
    assert evaluate(inst, {(e, d): t for (e, d, t), v in x.items() if out[0][v.index]}) == (607, [])
    start.reduced, start.lagrange = {}, None
    out = reduced.solve_by_levels(m, x, start, values, objective,
                                  until=time.monotonic() + 30, workers=2, seed=0)  # fmt: skip
    assert out[1] <= objective and out[2] is False
