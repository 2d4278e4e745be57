"""Column generation's master, loop and dive (solve/core/columns.py) on hand-worked and
brute-forced problems: no roster model, columns given as lists."""

from __future__ import annotations

import itertools
import math
import random
import time

import pytest

from benchmarks.nrp.master import Master, Priced, dive, generate, paced


def pricer(columns: dict[str, list[tuple[frozenset, float]]]):
    """Exact pricing over explicit lists: the best column by reduced cost, and its bound."""

    def price(block: str, duals: dict, ceiling: float = math.inf) -> Priced:
        scored = [(cost - sum(duals.get(k, 0.0) for k in col), col, cost)
                  for col, cost in columns[block]]  # fmt: skip
        value, col, cost = min(scored, key=lambda s: s[0])
        return Priced([(col, cost)], value)

    return price


def brute(columns: dict, rows: dict) -> float:
    """The best whole cost over every choice of one column per block."""
    blocks = sorted(columns)
    best = float("inf")
    for pick in itertools.product(*(columns[b] for b in blocks)):
        cost = sum(c for _col, c in pick)
        for key, (need, under, over) in rows.items():
            n = sum(1 for col, _c in pick if key in col)
            cost += under * max(0, need - n) + over * max(0, n - need)
        best = min(best, cost)
    return best


def random_columns(rng: random.Random, blocks: str, size: int) -> dict:
    """`size` random columns for each block, over rows 0-3, costing 0-9."""
    return {
        b: [(frozenset(r for r in range(4) if rng.random() < 0.5), rng.randint(0, 9))
            for _ in range(size)]
        for b in blocks
    }  # fmt: skip


def problem(rng: random.Random) -> tuple[dict, dict]:
    """A random small problem: 4 rows, 3 blocks (A, B, C) of 5 columns each."""
    rows = {r: (rng.randint(0, 2), rng.randint(1, 20), rng.randint(0, 5)) for r in range(4)}
    return rows, random_columns(rng, "ABC", 5)


def started(columns: dict, rows: dict, kind: type[Master] = Master) -> Master:
    """A master with each block's first column."""
    master = kind(list(columns), rows)
    for b, cols in columns.items():
        master.add(b, *cols[0])
    return master


def test_hand_worked_generation_and_dive():
    """Two employees, two cells needing one each (10 per unit short, 5 over). A's
    columns: cell 1 (cost 0) or cell 2 (cost 1); B's: either, cost 0. Started from both
    on cell 1 (cost 15: one over, one short), generation finds B on cell 2: value 0,
    bound 0, and the dive takes A on 1, B on 2."""
    c1, c2 = frozenset({1}), frozenset({2})
    columns = {"A": [(c1, 0), (c2, 1)], "B": [(c1, 0), (c2, 0)]}
    rows = {1: (1, 10, 5), 2: (1, 10, 5)}
    master = Master(["A", "B"], rows)
    master.add("A", c1, 0)
    master.add("B", c1, 0)
    assert master.solve()[0] == 15
    g = generate(master, pricer(columns), deadline=time.monotonic() + 10)
    assert g.converged and abs(g.value) < 1e-9 and abs(g.bound) < 1e-9
    assert dive(master, pricer(columns), deadline=time.monotonic() + 10) == {"A": c1, "B": c2}
    assert not master.add("B", c2, 0)  # known columns are not added twice


def test_bound_and_dive_against_brute_force():
    """Random small problems (3 blocks, 4 rows, 5 columns each): the relaxation at
    convergence and the Lagrangian bound are at most the best whole cost; the dive's
    choice is one column per block, of its own, at least the best."""
    rng = random.Random(7)
    for _ in range(20):
        rows, columns = problem(rng)
        best = brute(columns, rows)
        master = started(columns, rows)
        g = generate(master, pricer(columns), deadline=time.monotonic() + 10)
        assert g.converged and g.bound is not None
        assert g.bound <= best + 1e-6 and g.value <= best + 1e-6
        assert g.bound >= g.value - 1e-6  # at convergence the bound is the relaxation
        chosen = dive(master, pricer(columns), deadline=time.monotonic() + 10)
        assert set(chosen) == set(columns)
        pick = {b: dict(columns[b])[chosen[b]] for b in columns}
        cost = sum(pick.values())
        for key, (need, under, over) in rows.items():
            n = sum(1 for col in chosen.values() if key in col)
            cost += under * max(0, need - n) + over * max(0, n - need)
        assert cost >= best - 1e-6


def test_generation_in_parts_converges_to_the_same_relaxation():
    """Pricing one of 2 or 3 parts of the blocks a round, generation converges to the
    relaxation that pricing them all reaches, with the bound equal to it; one round of
    one part of three gives no bound (the other blocks were not priced against its
    duals)."""
    rng = random.Random(11)
    for _ in range(20):
        rows, columns = problem(rng)
        values = []
        for parts in (1, 2, 3):
            master = started(columns, rows)
            g = generate(master, pricer(columns), deadline=time.monotonic() + 10, parts=parts)
            assert g.converged and g.bound is not None and abs(g.bound - g.value) < 1e-6
            values.append(g.value)
        assert max(values) - min(values) < 1e-6
        master = started(columns, rows)
        g = generate(master, pricer(columns), deadline=time.monotonic() + 10, parts=3,
                     max_rounds=1)  # fmt: skip
        assert g.rounds == 1 and g.bound is None


def test_converged_generation_keeps_its_duals_and_each_blocks_bound():
    """At convergence (in one part or three), the duals every block was last priced
    against are the relaxation's, and each block's bound is its pricing's against them:
    with the needs they make the Lagrangian bound, equal to the relaxation. Callers use
    them instead of pricing every block again."""
    rng = random.Random(13)
    for _ in range(20):
        rows, columns = problem(rng)
        price = pricer(columns)
        for parts in (1, 3):
            master = started(columns, rows)
            g = generate(master, price, deadline=time.monotonic() + 10, parts=parts)
            assert g.converged and g.duals is not None and set(g.bounds) == set(columns)
            _value, duals, _ones = master.solve()
            assert all(abs(duals[k] - g.duals[k]) < 1e-9 for k in rows)
            assert all(abs(g.bounds[b] - price(b, g.duals).bound) < 1e-9 for b in columns)
            lagrange = sum(g.bounds.values()) + sum(
                g.duals[k] * n for k, (n, _u, _o) in rows.items()
            )
            assert abs(lagrange - g.value) < 1e-6
        g = generate(started(columns, rows), price, deadline=time.monotonic() + 10, parts=3,
                     max_rounds=1)  # fmt: skip
        assert not g.converged and g.duals is None and not g.bounds


def test_dive_paced_to_end_in_time():
    """`paced`: one block per pass until a pass is timed; then enough that the passes
    left fit: 60 free, 2 s a pass, 100 s left: 50 passes, 2 each; 10 s left: 12 each;
    1 s left: all 60. In a dive with time to spare and no share at the threshold (1.1:
    none can be), four blocks are fixed one per pass, each with a column of its own."""

    class Counting(Master):
        def solve(self):
            if not self.seen or self.seen[-1] != len(self.fixed):
                self.seen.append(len(self.fixed))
            return super().solve()

    assert paced(60, None, 10) == 1 and paced(60, 2.0, 100) == 2
    assert paced(60, 2.0, 10) == 12 and paced(60, 2.0, 1) == 60 and paced(3, 1.0, 100) == 1
    rng = random.Random(3)
    rows = {r: (1, 10, 2) for r in range(4)}
    columns = random_columns(rng, "ABCD", 4)
    master = started(columns, rows, Counting)
    master.seen = []
    generate(master, pricer(columns), deadline=time.monotonic() + 10)
    master.seen = []
    chosen = dive(master, pricer(columns), deadline=time.monotonic() + 100, threshold=1.1,
                  rounds=1)  # fmt: skip
    assert master.seen == [0, 1, 2, 3, 4]
    assert all(chosen[b] in dict(columns[b]) for b in columns)


def test_relaxation_not_optimal_is_solved_again_from_scratch():
    """GLOP warm-started once ended ABNORMAL on a feasible master (after many bound
    changes, in a dive): `solve` then solves it again without the warm start, and gets
    the value a master that never failed gets; failing again from scratch, on a new
    GLOP built with every column and fixing (the same value); failing there too is an
    error."""
    from ortools.linear_solver import pywraplp

    class Failing:
        """The master's GLOP, with its first `fails` solves ending ABNORMAL."""

        def __init__(self, lp, fails: int):
            self.lp, self.fails, self.calls = lp, fails, []

        def Solve(self, *params):
            self.calls.append(params)
            if len(self.calls) <= self.fails:
                return pywraplp.Solver.ABNORMAL
            return self.lp.Solve(*params)

        def __getattr__(self, name):
            return getattr(self.lp, name)

    rows, columns = problem(random.Random(5))
    expected = started(columns, rows).solve()[0]
    master = started(columns, rows)
    master.lp = Failing(master.lp, 1)
    assert abs(master.solve()[0] - expected) < 1e-9
    assert master.lp.calls[0] == () and len(master.lp.calls) == 2 and master.lp.calls[1]
    master = started(columns, rows)
    block = next(iter(columns))
    master.add(block, *columns[block][1])
    master.fix(block, columns[block][1][0])
    fixed = started(columns, rows)
    fixed.add(block, *columns[block][1])
    fixed.fix(block, columns[block][1][0])
    failing = master.lp = Failing(master.lp, 2)
    assert abs(master.solve()[0] - fixed.solve()[0]) < 1e-9
    assert len(failing.calls) == 2 and master.lp is not failing  # built again
    assert master.fixed == fixed.fixed and {b: set(c) for b, c in master.columns.items()} == {
        b: set(c) for b, c in fixed.columns.items()
    }

    class Broken(Master):
        def _build(self) -> None:
            super()._build()
            self.lp = Failing(self.lp, 10)

    master = started(columns, rows, Broken)
    with pytest.raises(RuntimeError, match="not optimal"):
        master.solve()


def test_shares_are_the_last_solve_s_values():
    """`shares` reads the values of the last solve (all at once, each block's when
    asked): each block's sum to one, they match each variable's own value, a column
    added since is not in them, and after the relaxation is built again (new variable
    indices) they are the new solve's."""
    rows, columns = problem(random.Random(3))
    master = started(columns, rows)
    generate(master, pricer(columns), deadline=time.monotonic() + 10)
    master.solve()
    for b, cols in master.columns.items():
        shares = master.shares(b)
        assert abs(sum(s for s, _c in shares) - 1) < 1e-9
        assert shares == sorted(shares, key=lambda s: -s[0])
        assert {c: s for s, c in shares} == {c: v.solution_value() for c, (_k, v) in cols.items()}
    block = next(iter(columns))
    before = master.solve()[0]
    new = frozenset({"not a row"})
    master.add(block, new, 1000)
    master.last.clear()  # asked afresh, still the last solve's
    assert new not in {c for _s, c in master.shares(block)}
    master._rebuild()
    assert abs(master.solve()[0] - before) < 1e-9
    assert new in {c for _s, c in master.shares(block)}
    assert abs(sum(s for s, _c in master.shares(block)) - 1) < 1e-9


def test_each_block_is_priced_under_a_ceiling_one_of_its_columns_reaches():
    """Generation passes each block its own dual as the ceiling: the relaxation takes
    some column of the block at a reduced cost of 0, so the block's best (cost less the
    duals) is at most the ceiling, and pricing may leave out every column above it."""
    rng = random.Random(17)
    seen = []
    for _ in range(20):
        rows, columns = problem(rng)
        exact = pricer(columns)

        def price(block, duals, ceiling, exact=exact):
            out = exact(block, duals)
            seen.append(out.bound - ceiling)
            return out

        g = generate(started(columns, rows), price, deadline=time.monotonic() + 10)
        assert g.converged
    assert seen and max(seen) < 1e-6


def test_cost_of_a_choice_is_the_relaxation_with_it_fixed():
    """`Master.cost` of one column per block is what the relaxation costs with every
    block fixed to it."""
    rng = random.Random(29)
    for _ in range(10):
        rows, columns = problem(rng)
        master = started(columns, rows)
        generate(master, pricer(columns), deadline=time.monotonic() + 10)
        chosen = {b: rng.choice(list(master.columns[b])) for b in columns}
        for b, col in chosen.items():
            master.fix(b, col)
        assert abs(master.cost(chosen) - master.solve()[0]) < 1e-6


def test_unfix_frees_the_block_again():
    """A block fixed to a column it does not take in the relaxation raises its value;
    unfixed, the relaxation is back where it was."""
    rng = random.Random(19)
    for _ in range(10):
        rows, columns = problem(rng)
        master = started(columns, rows)
        generate(master, pricer(columns), deadline=time.monotonic() + 10)
        before = master.solve()[0]
        block = "A"
        worst = master.shares(block)[-1][1]
        master.fix(block, worst)
        assert master.solve()[0] >= before - 1e-9
        master.unfix(block)
        assert block not in master.fixed and abs(master.solve()[0] - before) < 1e-9


def cost_of(chosen: dict, columns: dict, rows: dict) -> float:
    """The whole cost of one column per block."""
    cost = sum(dict(columns[b])[chosen[b]] for b in columns)
    for key, (need, under, over) in rows.items():
        n = sum(1 for col in chosen.values() if key in col)
        cost += under * max(0, need - n) + over * max(0, n - need)
    return cost


def test_search_after_the_dive_against_brute_force():
    """Random problems of 6 blocks, 6 rows, 6 columns each, whole costs: the search
    after the dive returns one column of each block's own, costing at least the best
    (brute force); over the problems it finds the best more often than the dive alone
    and costs no more in all; where its first roster meets the relaxation it stops
    there."""
    rng = random.Random(23)
    found = {"dive": 0, "search": 0}
    total = {"dive": 0.0, "search": 0.0}
    for _ in range(15):
        rows = {r: (rng.randint(1, 3), rng.randint(5, 20), rng.randint(0, 5)) for r in range(6)}
        columns = {
            b: [(frozenset(r for r in range(6) if rng.random() < 0.4), rng.randint(0, 9))
                for _ in range(6)]
            for b in "ABCDEF"
        }  # fmt: skip
        best = brute(columns, rows)
        for kind in ("dive", "search"):
            master = started(columns, rows)
            generate(master, pricer(columns), deadline=time.monotonic() + 10)
            until = time.monotonic() + 5 if kind == "search" else None
            chosen = dive(master, pricer(columns), deadline=time.monotonic() + 5,
                          search_until=until)  # fmt: skip
            assert set(chosen) == set(columns)
            assert all(chosen[b] in dict(columns[b]) for b in columns)
            cost = cost_of(chosen, columns, rows)
            assert cost >= best - 1e-6
            found[kind] += abs(cost - best) < 1e-6
            total[kind] += cost
    assert found["search"] > found["dive"] and total["search"] < total["dive"]


def test_search_stops_at_the_relaxation():
    """Where the relaxation at convergence is whole and the first roster meets it, the
    search returns at once, well before its time."""
    c1, c2 = frozenset({1}), frozenset({2})
    columns = {"A": [(c1, 0), (c2, 1)], "B": [(c1, 0), (c2, 0)]}
    rows = {1: (1, 10, 5), 2: (1, 10, 5)}
    master = started(columns, rows)
    generate(master, pricer(columns), deadline=time.monotonic() + 10)
    began = time.monotonic()
    chosen = dive(master, pricer(columns), deadline=began + 30, search_until=began + 30)
    assert chosen == {"A": c1, "B": c2} and time.monotonic() - began < 5
