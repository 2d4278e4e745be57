"""One employee's cheapest rosters by dynamic programming (solve/nrp/paths.py), held
against brute force with the evaluator on small random instances, and against their
CP-SAT model (add_employee) on the benchmark's own employees."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import numpy as np
import pytest
from ortools.sat.python import cp_model

from benchmarks.nrp.instance import Employee, Instance, evaluate, read_instance
from benchmarks.nrp.solver import paths
from benchmarks.nrp.solver.model import add_employee
from benchmarks.nrp.solver.paths import paths_of

NRP = Path(__file__).resolve().parents[2] / "benchmarks" / "nrp"


def random_instance(rng: random.Random) -> Instance:
    """One employee over a week: two or three shifts of unequal lengths, some forbidden
    successions, maxima that bind, the weekend capped or not, a day off or none."""
    shifts = ["D", "L", "N"][: rng.choice((2, 3))]
    lengths = {t: rng.choice((240, 480, 600)) for t in shifts}
    forbidden = {t: {u for u in shifts if u != t and rng.random() < 0.4} for t in shifts}
    max_shifts = {t: rng.choice((0, 1, 2, 3, 7)) for t in shifts}
    if not any(max_shifts.values()):
        max_shifts[shifts[0]] = 7
    lo = rng.choice((0, 480, 960, 1440))
    e = Employee(
        id="A", max_shifts=max_shifts, max_minutes=lo + rng.choice((480, 1200, 2400)),
        min_minutes=lo, max_consecutive=rng.choice((2, 3, 5)),
        min_consecutive=rng.choice((1, 2, 3)), min_days_off=rng.choice((1, 2, 3)),
        max_weekends=rng.choice((0, 1)),
    )  # fmt: skip
    off = {"A": {rng.randrange(7)}} if rng.random() < 0.5 else {}
    return Instance("Random", 7, lengths, forbidden, [e], off)


def legal_rosters(inst: Instance):
    """Every legal roster of the instance's one employee, by the evaluator."""
    e = inst.employees[0]
    for days in itertools.product([None, *inst.shifts], repeat=inst.days):
        roster = {(e.id, d): t for d, t in enumerate(days) if t}
        if not evaluate(inst, roster)[1]:
            yield [(d, t) for (_e, d), t in roster.items()]


@pytest.mark.parametrize("seed", range(12))
def test_best_against_every_legal_roster(seed):
    """The cheapest roster is the cheapest of all legal rosters (the evaluator's), every
    roster returned is legal, distinct, and costs what the search says; none when there
    is no legal roster."""
    rng = random.Random(seed)
    inst = random_instance(rng)
    costs = np.array([[rng.uniform(-10, 10) for _ in inst.shifts] for _ in range(7)])
    col = {t: i for i, t in enumerate(inst.shifts)}

    def price(r):
        return sum(costs[d, col[t]] for d, t in r)

    every = sorted(price(r) for r in legal_rosters(inst))
    rosters, best = paths_of(inst, inst.employees[0]).best(costs, k=4)
    if not every:
        assert rosters == [] and best == float("inf")
        return
    assert best == pytest.approx(every[0])
    assert price(rosters[0]) == pytest.approx(best)
    assert len({frozenset(r) for r in rosters}) == len(rosters) <= 4
    prices = [price(r) for r in rosters]
    assert prices == sorted(prices)
    for r in rosters:
        assert evaluate(inst, {("A", d): t for d, t in r})[1] == []


@pytest.mark.parametrize("seed", range(12))
def test_best_under_a_ceiling_against_every_legal_roster(seed, monkeypatch):
    """With a ceiling some legal roster reaches (the relaxation bounding every graph,
    however small): the least cost is still the cheapest legal roster's, and the rosters
    returned are the cheapest ones, those at most the ceiling. A ceiling below every
    roster (duals off by rounding) falls back to the whole search."""
    monkeypatch.setattr(paths, "CEILING_MIN_RATIO", 0)
    rng = random.Random(200 + seed)
    inst = random_instance(rng)
    costs = np.array([[rng.uniform(-10, 10) for _ in inst.shifts] for _ in range(7)])
    col = {t: i for i, t in enumerate(inst.shifts)}
    every = sorted(sum(costs[d, col[t]] for d, t in r) for r in legal_rosters(inst))
    if not every:
        return
    graph = paths_of(inst, inst.employees[0])
    for ceiling in (every[0], every[min(2, len(every) - 1)], every[0] - 5.0):
        rosters, best = graph.best(costs, k=4, ceiling=ceiling)
        assert best == pytest.approx(every[0])
        prices = [sum(costs[d, col[t]] for d, t in r) for r in rosters]
        whole = [sum(costs[d, col[t]] for d, t in r) for r in graph.best(costs, k=4)[0]]
        kept = whole if ceiling < every[0] else [p for p in whole if p <= ceiling + 1e-9]
        assert prices == pytest.approx(kept)


def test_relaxation_bounds_every_state_on_benchmark_employees(monkeypatch):
    """On Instance8's employees (the nights counted in the relaxation; up to 4 million
    states a day), under random costs with nights the cheapest, the search with the least
    cost as its ceiling finds that cost and a roster at it: the relaxation's bound on
    the rest of the roster never cuts the cheapest path."""
    inst = read_instance(NRP / "Instance8.txt")
    rng = np.random.default_rng(8)
    for i in (0, 13, 16):  # A (8,550 states a day), N and Q (3.2 and 3.8 million)
        graph = paths_of(inst, inst.employees[i])
        costs = rng.normal(0, 20, (inst.days, len(inst.shifts)))
        costs[:, inst.shifts.index("N")] -= 60.0
        rosters, best = graph.best(costs, k=5)
        monkeypatch.setattr(paths, "CEILING_MIN_RATIO", 0)
        under, least = graph.best(costs, k=5, ceiling=best)
        assert least == pytest.approx(best)
        assert len(under) >= 1
        assert sum(costs[d, inst.shifts.index(t)] for d, t in under[0]) == pytest.approx(best)
        monkeypatch.undo()


@pytest.mark.parametrize("seed", range(12))
def test_through_each_cell_against_every_legal_roster(seed):
    """`through`: for each (day, shift), the least cost of the legal rosters that work
    it (inf if none does), and the least of all: as brute force over every legal roster
    finds them."""
    rng = random.Random(100 + seed)
    inst = random_instance(rng)
    costs = np.array([[rng.uniform(-10, 10) for _ in inst.shifts] for _ in range(7)])
    col = {t: i for i, t in enumerate(inst.shifts)}
    want = np.full((7, len(inst.shifts)), np.inf)
    best = np.inf
    for r in legal_rosters(inst):
        price = sum(costs[d, col[t]] for d, t in r)
        best = min(best, price)
        for d, t in r:
            want[d, col[t]] = min(want[d, col[t]], price)
    cells, least = paths_of(inst, inst.employees[0]).through(costs)
    assert least == pytest.approx(best)
    assert np.array_equal(np.isinf(cells), np.isinf(want))
    assert np.allclose(cells[~np.isinf(want)], want[~np.isinf(want)])


def test_random_instances_cover_the_cases():
    """The random instances above include some with no legal roster, and rules that bind
    (so the brute force is not trivially matched)."""
    found = [any(True for _ in legal_rosters(random_instance(random.Random(s)))) for s in range(12)]
    assert any(found) and sum(found) >= 6


@pytest.mark.parametrize(("name", "picks"), [
    ("Instance7", (0, 2, 5)), ("Instance9", (0, 3)), ("Instance12", (4, 40)),
    ("Instance14", (1,)),
])  # fmt: skip
def test_best_equals_cp_sat_on_benchmark_employees(name, picks):
    """On the benchmark's employees (shift classes, unequal lengths, capped night shifts
    and weekends, days off), with integral random costs, the search's best equals the
    optimum of the employee's CP-SAT model, and its roster is legal by the evaluator."""
    inst = read_instance(NRP / f"{name}.txt")
    rng = np.random.default_rng(len(name))
    for i in picks:
        e = inst.employees[i]
        costs = rng.integers(-60, 30, (inst.days, len(inst.shifts))).astype(float)
        rosters, best = paths_of(inst, e).best(costs, k=3)
        m = cp_model.CpModel()
        x = add_employee(m, inst, e)
        m.minimize(sum(int(costs[d, inst.shifts.index(t)]) * v for (_e, d, t), v in x.items()))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = 30
        assert solver.solve(m) == cp_model.OPTIMAL
        assert best == solver.objective_value
        mine = Instance(inst.name, inst.days, inst.lengths, inst.forbidden, [e], inst.days_off)
        for r in rosters:
            assert evaluate(mine, {(e.id, d): t for d, t in r})[1] == []
