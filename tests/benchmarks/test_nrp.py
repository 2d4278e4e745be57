"""The public benchmark: reader, evaluator on hand-made rosters, Instance1 to its optimum."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.nrp.instance import best_known, evaluate, read_instance
from rota.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
NRP = ROOT / "benchmarks" / "nrp"


def bench(*args: str) -> subprocess.CompletedProcess:
    """`python -m benchmarks.nrp ARGS`, as a user runs it from the project's folder."""
    return subprocess.run([sys.executable, "-m", "benchmarks.nrp", *args], cwd=ROOT,
                          capture_output=True, text=True)  # fmt: skip


TINY = """# a tiny instance
SECTION_HORIZON
7

SECTION_SHIFTS
# ShiftID, Length in mins, Shifts which cannot follow this shift | separated
D,480,
L,480,D

SECTION_STAFF
A,D=7|L=7,2400,960,5,2,2,1
B,D=7|L=0,2400,0,3,1,1,0

SECTION_DAYS_OFF
A,6

SECTION_SHIFT_ON_REQUESTS
A,0,D,2

SECTION_SHIFT_OFF_REQUESTS
B,1,D,3

SECTION_COVER
0,D,1,100,1
0,L,0,100,1
1,D,1,100,1
1,L,0,100,1
2,D,1,100,1
2,L,1,100,1
3,D,0,100,1
3,L,0,100,1
4,D,0,100,1
4,L,0,100,1
5,D,0,100,1
5,L,0,100,1
6,D,0,100,1
6,L,0,100,1
"""


def tiny(tmp_path: Path, text: str = TINY) -> Path:
    p = tmp_path / "Tiny.txt"
    p.write_text(text.replace("\n", "\r\n"))  # CRLF copies must read too
    return p


def test_reader(tmp_path):
    inst = read_instance(tiny(tmp_path))
    assert inst.days == 7 and inst.shifts == ["D", "L"]
    assert inst.forbidden == {"D": set(), "L": {"D"}}
    assert [e.id for e in inst.employees] == ["A", "B"]
    assert inst.employees[1].max_shifts == {"D": 7, "L": 0}
    assert inst.days_off == {"A": {6}}
    assert inst.on_requests == [("A", 0, "D", 2)] and inst.off_requests == [("B", 1, "D", 3)]
    assert inst.cover[2, "L"] == (1, 100, 1)
    one = read_instance(NRP / "Instance1.txt")
    assert (one.days, len(one.employees), len(one.on_requests) + len(one.off_requests)) == (
        14,
        8,
        26,
    )


@pytest.mark.parametrize(("old", "new", "frag"), [
    ("A,D=7|L=7,2400", "A,D=7|X=7,2400", "MaxShifts"),
    ("SECTION_HORIZON\n7", "SECTION_HORIZON\n8", "whole weeks"),
    ("0,D,1,100,1", "0,D,one,100,1", "requirement"),
    ("A,6", "Z,6", "unknown employee 'Z'"),
    ("B,1,D,3", "B,9,D,3", "outside 0..6"),
    ("SECTION_COVER", "SECTION_COVERS", "unknown section"),
])  # fmt: skip
def test_reader_errors_name_the_line(tmp_path, old, new, frag):
    with pytest.raises(InputError) as e:
        read_instance(tiny(tmp_path, TINY.replace(old, new, 1)))
    assert frag in str(e.value) and "Tiny.txt" in str(e.value)


def test_evaluator_on_hand_made_rosters(tmp_path):
    """Cover wants D on days 0-2 and L on day 2. Roster 1: A works D 0, D 1, L 2.
    Penalty: A's on-request met, B's off-request not hit, D on day 2 uncovered: 100.
    Hard: none (A's run of 3, 1440 minutes >= 960).
    Roster 2: B works D on day 1 (off-request, 3) and nobody on day 2 (D and L under:
    2 x 100), A works D on day 0 only: a run of 1 touching day 0 is exempt, but A's
    minutes 480 < 960 (hard)."""
    inst = read_instance(tiny(tmp_path))
    pen, bad = evaluate(inst, {("A", 0): "D", ("A", 1): "D", ("A", 2): "L"})
    assert (pen, bad) == (100, [])
    pen, bad = evaluate(inst, {("A", 0): "D", ("B", 1): "D"})
    assert pen == 3 + 200
    assert any("480 minutes" in b for b in bad)
    # L then D the next day is a forbidden succession; a run of 1 inside the horizon
    pen, bad = evaluate(inst, {("A", 2): "L", ("A", 3): "D", ("B", 4): "D"})
    assert any("may not follow" in b for b in bad)
    # A works day 3 alone: a run of 1 inside the horizon (min 2)
    _, bad = evaluate(inst, {("A", 3): "D", ("B", 0): "D"})
    assert any("A: 1 shifts in a row from day 3 (min 2)" in b for b in bad)
    # B (min 1 day off, max 3 in a row) working 4 days in a row
    _, bad = evaluate(inst, {("B", d): "D" for d in range(4)} | {("A", 0): "D", ("A", 1): "D"})
    assert any("B: 4 shifts in a row" in b for b in bad)
    # weekends: B may work none
    _, bad = evaluate(inst, {("B", 5): "D", ("A", 0): "D", ("A", 1): "D"})
    assert any("B: 1 weekends" in b for b in bad)


def test_instance1_is_solved_to_its_proven_optimum(tmp_path):
    out = tmp_path / "out"
    r = bench(str(NRP / "Instance1.txt"), "--time-limit", "60", "--out", str(out))
    assert r.returncode == 0, r.stderr
    line = next(x for x in r.stdout.splitlines() if x.startswith("Instance1 "))
    assert line.split()[3:7] == ["607", "607", "cp-sat", "OPTIMAL"]
    assert best_known()["Instance1"]["best_known_objective"] == "607"
    text = (out / "Instance1.roster.csv").read_text()
    assert text.startswith("employee,day,shift\n")


def _runs_ok(seq: tuple[int, ...], max_on: int, min_on: int, min_off: int) -> bool:
    """The rule in words: no run of 1 longer than max_on; runs of 1 (0) with items on
    both sides shorter than min_on (min_off) are forbidden."""
    runs = [(v, len(list(g))) for v, g in itertools.groupby(seq)]
    for i, (v, n) in enumerate(runs):
        inside = 0 < i < len(runs) - 1
        if v == 1 and n > max_on:
            return False
        if inside and n < (min_on if v == 1 else min_off):
            return False
    return True


@pytest.mark.parametrize("max_on,min_on,min_off", [(3, 2, 2), (4, 1, 3), (2, 2, 1), (5, 3, 2)])
def test_run_automaton_accepts_exactly_the_legal_series(max_on, min_on, min_off):
    """Every 0/1 series of 8 days (some days fixed by facts), against the rule in words:
    the automaton must allow exactly the legal ones."""
    from ortools.sat.python import cp_model

    from benchmarks.nrp.primitives import run_automaton

    for seq in itertools.product((0, 1), repeat=8):
        m = cp_model.CpModel()
        series = [m.new_bool_var(f"d{i}") for i in range(6)] + [seq[6], seq[7]]  # facts
        run_automaton(m, series, max_on=max_on, min_on=min_on, min_off=min_off)
        for v, want in zip(series[:6], seq[:6], strict=True):
            m.add(v == want)
        status = cp_model.CpSolver().solve(m)
        assert (status == cp_model.OPTIMAL) == _runs_ok(seq, max_on, min_on, min_off), seq


def test_every_runs_encoding_solves_instance2_to_its_optimum(tmp_path):
    """The three encodings of runs are one rule: each reaches Instance2's optimum, 828."""
    for runs in ("patterns", "turn-on", "automaton"):
        r = bench(str(NRP / "Instance2.txt"), "--time-limit", "60", "--out", str(tmp_path),
                  "--runs", runs)  # fmt: skip
        assert r.returncode == 0, r.stderr
        row = r.stdout.splitlines()[1].split()
        assert row[3] == "828" and row[5:7] == ["cp-sat", "OPTIMAL"], r.stdout


def test_resolve_holds_the_fixed_part_and_the_ceiling():
    """The neighbourhood primitive on a model small enough to work by hand: minimise
    x + 2y + 3z with x + y + z >= 4, each in 0..4. From x=0, y=0, z=4 (objective 12)
    with z fixed, the best is x=0, y=0 (12 again, proven for the neighbourhood); with x
    fixed at 0 instead, y=4, z=0 (8). Asking for at most 7 there finds nothing."""
    from ortools.sat.python import cp_model

    from rota.solve.core.lns import resolve

    m = cp_model.CpModel()
    x, y, z = (m.new_int_var(0, 4, n) for n in "xyz")
    m.add(x + y + z >= 4)
    m.minimize(x + 2 * y + 3 * z)
    start = [0, 0, 4]  # by proto index: x, y, z

    def one_worker(s: cp_model.CpSolver) -> None:
        s.parameters.num_workers = 1

    found, obj, proven = resolve(m, start, [z.index], one_worker)
    assert (found[x.index], found[y.index], found[z.index], obj, proven) == (0, 0, 4, 12, True)
    found, obj, proven = resolve(m, start, [x.index], one_worker)
    assert (found[x.index], found[y.index], found[z.index], obj) == (0, 4, 0, 8)
    assert resolve(m, start, [x.index], one_worker, below=7) is None
    # the model itself is untouched: x is free again
    assert list(m.proto.variables[x.index].domain) == [0, 4]


def test_resolve_can_ask_for_another_roster_as_good():
    """`differ`: choose one of a, b, c (exactly one), costs 1, 1, 2. From a (cost 1)
    with all free: at most 1 and other than a leaves b alone (a move across the
    plateau). From b with a fixed at 0 and c fixed at 0: nothing other than b is as
    good, so b itself comes back, proven. Without `below` the ceiling is not known,
    and infeasible is just nothing found; nor with a ceiling below b's cost."""
    from ortools.sat.python import cp_model

    from rota.solve.core.lns import resolve

    m = cp_model.CpModel()
    a, b, c = (m.new_bool_var(n) for n in "abc")
    m.add_exactly_one(a, b, c)
    m.minimize(a + b + 2 * c)

    def one_worker(s: cp_model.CpSolver) -> None:
        s.parameters.num_workers = 1

    idx = [a.index, b.index, c.index]
    found, obj, _ = resolve(m, [1, 0, 0], [], one_worker, below=1, differ=idx)
    assert (found, obj) == ([0, 1, 0], 1)
    start = [0, 1, 0]
    out = resolve(m, start, [a.index, c.index], one_worker, below=1, differ=[b.index])
    assert out is not None and out[0] is start and out[1:] == (1, True)
    assert resolve(m, start, [a.index, c.index], one_worker, differ=[b.index]) is None
    # a ceiling below b's own cost: nothing is proven about b, so nothing comes back
    assert resolve(m, start, [a.index, c.index], one_worker, below=0, differ=[b.index]) is None


def test_search_adapts_sizes_to_what_steps_prove():
    """The search loop (core.lns.search) on a toy: the incumbent is a number, a step
    of size s lowers it by 1 when s >= 4 (proven), and otherwise returns the incumbent
    unproven (out of time, no gain) when s > 2 or proven unchanged when s <= 2. From
    size 3, one lane: out of time (3 -> 1.5), proven empty (1.5 -> 3), out of time
    again... the sizes seen alternate, and the incumbent never moves; from size 4 every
    step gains, and sizes never shrink."""
    import time

    from benchmarks.nrp.search import Sizes, search

    seen: list[float] = []

    def step(_kind, size, inc, obj, _rng, _number):
        seen.append(size)
        if len(seen) >= 6:
            time.sleep(0.4)  # let the deadline pass
        if size >= 4:
            return inc - 1, obj - 1, True
        return inc, obj, size <= 2

    sizes = Sizes(start=3.0, smallest=1.0, largest=8.0, grow=2.0, shrink=2.0)
    inc, obj, better = search(10, 10, kinds=("k",), sizes=sizes, step=step,
                              deadline=time.monotonic() + 0.5, workers=1, seed=0)  # fmt: skip
    assert (inc, obj, better) == (10, 10, 0)
    assert seen[:4] == [3.0, 1.5, 3.0, 1.5]
    seen.clear()
    sizes = Sizes(start=4.0, smallest=1.0, largest=8.0, grow=2.0, shrink=2.0)
    inc, obj, better = search(10, 10, kinds=("k",), sizes=sizes, step=step,
                              deadline=time.monotonic() + 0.5, workers=1, seed=0)  # fmt: skip
    assert obj == inc == 10 - len(seen) and better == len(seen) and set(seen) == {4.0}


def test_neighbourhood_search_improves_a_first_roster():
    """From CP-SAT's first roster of Instance4 (optimum 1716), a few seconds of
    neighbourhoods find a better roster, and the independent evaluator agrees with the
    objective they report and finds no hard rule broken."""
    import time

    from ortools.sat.python import cp_model

    from benchmarks.nrp.solver import build
    from benchmarks.nrp.solver.neighbourhoods import improve_by_neighbourhoods
    from rota.solve.core.lns import values_of

    inst = read_instance(NRP / "Instance4.txt")
    m, x, _ = build(inst)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.stop_after_first_solution = True
    assert solver.solve(m) == cp_model.FEASIBLE
    first = int(solver.objective_value)
    assert first > 1716  # a first roster, not the optimum: something to improve
    values, objective, better = improve_by_neighbourhoods(
        inst, m, x, values_of(solver), first, deadline=time.monotonic() + 5, workers=2,
        seed=0,
    )  # fmt: skip
    assert objective < first and better > 0
    roster = {(e, d): t for (e, d, t), v in x.items() if values[v.index]}
    assert evaluate(inst, roster) == (objective, [])


def test_a_roster_built_employee_by_employee_is_legal_and_priced_as_the_whole():
    """Every hard rule of the benchmark is one employee's, so rosters made one employee
    at a time next to the others' (first_roster) are legal; the model of a few
    employees with the others as facts (build(only=, around=)) prices the whole
    roster, as the independent evaluator does; and staff neighbourhoods on those
    models improve the first roster of Instance4 (optimum 1716)."""
    import time

    from benchmarks.nrp.solver.staff import _solve_staff, first_roster, improve_by_staff

    inst = read_instance(NRP / "Instance4.txt")
    roster = first_roster(inst, deadline=time.monotonic() + 20, workers=2, seed=0)
    assert roster is not None
    first, broken = evaluate(inst, roster)
    assert broken == [] and first > 1716
    # two employees re-solved next to the rest: their model's objective is the roster's
    out = _solve_staff(inst, {"A", "B"}, roster, limit=10, seed=0, runs="patterns", below=first)
    assert out is not None
    mine, objective, _proven = out
    merged = {k: t for k, t in roster.items() if k[0] not in {"A", "B"}} | mine
    assert evaluate(inst, merged) == (objective, []) and objective <= first
    better, best = improve_by_staff(
        inst, roster, first, deadline=time.monotonic() + 5, workers=2, seed=0
    )
    assert evaluate(inst, better) == (best, []) and best < first


def test_long_horizons_are_solved_without_a_whole_model(monkeypatch):
    """From STAFF_ONLY_DAYS on (half a year), solve_instance builds no whole model: a
    roster employee by employee, then staff neighbourhoods, with no bound; here forced on
    Instance2 (optimum 828): a legal roster whose penalty the evaluator confirms."""
    from benchmarks.nrp.solver import build, solve, solve_instance, staff

    whole = build

    def only_some(*args, only=None, **kwargs):
        assert only, "the whole model was built"
        return whole(*args, only=only, **kwargs)

    monkeypatch.setattr(solve, "STAFF_ONLY_DAYS", 14)
    monkeypatch.setattr(solve, "build", only_some)
    monkeypatch.setattr(staff, "build", only_some)
    inst = read_instance(NRP / "Instance2.txt")
    r = solve_instance(inst, time_limit=4, workers=2)
    assert r.bound is None and r.status == "FEASIBLE" and r.first_seconds is not None
    assert evaluate(inst, r.roster) == (r.objective, []) and r.objective >= 828


def test_an_employee_out_of_time_is_retried_with_the_other_encoding(monkeypatch):
    """first_roster: an employee whose model has no roster in its share (here forced:
    employee A's pattern-encoded model always fails) is retried with RETRY_RUNS, for
    at most RETRY_SHARES shares (here one: 20 s for 4 rounds of two is a 5 s share,
    against half the time left, about 10 s), and the roster is still complete and
    legal (Instance1, every employee works)."""
    import time

    from benchmarks.nrp.solver import staff

    whole = staff._solve_staff
    asked: list[tuple[str, str]] = []
    limits: list[float] = []

    def a_fails(inst, who, around, *, runs, **kwargs):
        asked.extend((e, runs) for e in who)
        if who == {"A"}:
            limits.append(kwargs["limit"])
        if who == {"A"} and runs != staff.RETRY_RUNS:
            return None
        return whole(inst, who, around, runs=runs, **kwargs)

    monkeypatch.setattr(staff, "_solve_staff", a_fails)
    monkeypatch.setattr(staff, "RETRY_SHARES", 1)
    inst = read_instance(NRP / "Instance1.txt")
    roster = staff.first_roster(inst, deadline=time.monotonic() + 20, workers=2, seed=0)
    assert roster is not None and evaluate(inst, roster)[1] == []
    assert ("A", "patterns") in asked and ("A", staff.RETRY_RUNS) in asked
    share, retry = limits
    assert 4.5 < share <= 5.0 and retry <= share
    assert {e for e, _d in roster} == {e.id for e in inst.employees}


def test_long_horizons_search_neighbourhoods_whatever_their_size(monkeypatch):
    """--lns auto: below LNS_MIN_OPTIONS shift options the full model keeps the whole
    time, unless the horizon is at least LNS_MIN_DAYS long (here lowered to Instance4's
    28 days, whose optimum takes the full model about 30 s): then the neighbourhood
    search runs after the full model's part."""
    from benchmarks.nrp.solver import solve

    searched: list[int] = []

    def spy(inst, m, x, values, objective, **kwargs):
        searched.append(objective)
        return values, objective, 0

    monkeypatch.setattr(solve, "improve_by_neighbourhoods", spy)
    monkeypatch.setattr(solve, "LNS_FIRST_SHARE", 0.0)  # the full model's part: 0.5 s
    monkeypatch.setattr(solve, "by_columns", lambda inst, limit: False)  # not generation's
    inst = read_instance(NRP / "Instance4.txt")
    solve.solve_instance(inst, time_limit=3, workers=2)
    assert searched == []  # 28 days, few options: the full model alone
    monkeypatch.setattr(solve, "LNS_MIN_DAYS", 28)
    r = solve.solve_instance(inst, time_limit=3, workers=2)
    assert searched and evaluate(inst, r.roster) == (r.objective, [])


def test_column_generation_bounds_and_starts_the_search(monkeypatch):
    """Column generation on Instance1 (optimum 607): its bound (558, measured) is at most
    the optimum; the dive's roster is legal; solve_instance with the search starts from it,
    reports the bound as the LP's, and stops as proven optimal once it meets it."""
    import time

    from benchmarks.nrp.solver import solve
    from benchmarks.nrp.solver.columns import column_start

    inst = read_instance(NRP / "Instance1.txt")
    now = time.monotonic()
    out = column_start(inst, generate_until=now + 20, dive_until=now + 30, workers=2, seed=0)
    assert out is not None
    roster, bound = out.roster, out.bound
    penalty, broken = evaluate(inst, roster)
    assert broken == [] and bound is not None
    assert 550 <= bound <= 607 <= penalty
    # limits far above the work: both runs stop at their proof, on any load
    r = solve.solve_instance(inst, time_limit=60, workers=2, lns=True)
    assert r.bound_by == "lp" and r.bound is not None and r.bound <= 607
    assert evaluate(inst, r.roster) == (r.objective, [])
    assert (r.status == "OPTIMAL") == (r.objective <= r.bound)
    # beyond CG_MAX_DAYS the search starts from the full model, whose bound is CP-SAT's
    monkeypatch.setattr(solve, "CG_MAX_DAYS", 7)
    r = solve.solve_instance(inst, time_limit=60, workers=2, lns=True)
    assert r.bound_by == "cp-sat" and evaluate(inst, r.roster) == (r.objective, [])


@pytest.mark.parametrize(("states", "by", "searches"), [
    (None, 1000.0, True),  # all by dynamic programming, time to spare: the search
    (0, 1000.0, False),  # all by CP-SAT: no search (the dive alone)
    (None, 0.0, False),  # no time left for it
    (None, None, False),  # not asked for
])  # fmt: skip
def test_the_search_after_the_dive_only_where_pricing_is_exact_and_quick(
    monkeypatch, states, by, searches
):
    """On Instance1, generation converges; the dive searches on (until `search_by`, or
    SEARCH_LONGEST times generation's time if sooner) only where every employee is
    priced by dynamic programming and SEARCH_PER_GENERATION times generation's time is
    left; the roster is legal either way."""
    import time

    from benchmarks.nrp.solver import columns

    seen = []
    plain = columns.dive

    def spy(*a, **k):
        seen.append(k.get("search_until"))
        return plain(*a, **k)

    monkeypatch.setattr(columns, "dive", spy)
    if states is not None:
        monkeypatch.setattr(columns, "PATHS_MAX_STATES", states)
    inst = read_instance(NRP / "Instance1.txt")
    now = time.monotonic()
    out = columns.column_start(inst, generate_until=now + 20, dive_until=now + 30, workers=2,
                               seed=0, search_by=None if by is None else now + by)  # fmt: skip
    assert out is not None and evaluate(inst, out.roster)[1] == []
    assert len(seen) == 1 and (seen[0] is not None) == searches
    if searches:
        assert seen[0] < now + by  # generation's time, times SEARCH_LONGEST, came first


def test_column_generation_chosen_by_days_staff_and_time_limit():
    """Up to 56 days at any limit (Instance16, 56 days, 20 staff); 84 days only from a
    300 s limit (Instance18, 84 days: its pricing too slow for a minute); never over 60
    staff (Instance13, 120 staff) nor over 84 days (Instance20, 182)."""
    from benchmarks.nrp.solver.solve import by_columns

    i16, i18, i13, i20 = (read_instance(NRP / f"Instance{n}.txt") for n in (16, 18, 13, 20))
    assert by_columns(i16, 60) and by_columns(i16, 600)
    assert not by_columns(i18, 60) and not by_columns(i18, 299) and by_columns(i18, 300)
    assert not by_columns(i13, 600) and not by_columns(i20, 600)


@pytest.mark.parametrize("states", [0, None])
def test_pricing_bound_holds_against_every_roster_of_an_employee(tmp_path, monkeypatch, states):
    """One employee's pricing on the tiny instance, with duals that do not round evenly,
    by CP-SAT (no employee's state graph small enough) and by dynamic programming: its
    bound is at most (cost - duals covered) of every legal roster of theirs (enumerated
    by brute force and checked with the evaluator), and equals the best."""
    from benchmarks.nrp.solver import columns

    if states is not None:
        monkeypatch.setattr(columns, "PATHS_MAX_STATES", states)
    inst = read_instance(tiny(tmp_path))
    duals = {(d, t): 1 / 3 + d * 0.123457 for d in range(7) for t in ("D", "L")}
    pricing = columns.Pricing(inst)
    assert ("A" in pricing.paths) == (states is None)
    priced = pricing("A", duals)
    assert priced.bound is not None and priced.columns
    best = None
    others = {}  # B off: only A's rules matter for legality
    for days in itertools.product((None, "D", "L"), repeat=7):
        mine = {("A", d): t for d, t in enumerate(days) if t}
        if any(msg.startswith("A") or "A " in msg for msg in evaluate(inst, mine | others)[1]):
            continue
        column = frozenset((d, t) for (_e, d), t in mine.items())
        value = pricing.cost("A", column) - sum(duals[c] for c in column)
        best = value if best is None else min(best, value)
    assert best is not None
    assert priced.bound <= best + 1e-9 and priced.bound >= best - 1e-3


def test_pricing_out_of_time_still_bounds(monkeypatch):
    """One Instance18 employee (84 days) priced by CP-SAT with a deterministic work limit
    too small to prove the best (0.1, reproducible on any machine): a bound is still
    returned, the one CP-SAT proved, below the best roster's reduced cost from a solve to
    optimality and below every column it found; without it no round would give a bound."""
    import random

    from benchmarks.nrp.solver import columns

    inst = read_instance(NRP / "Instance18.txt")
    rng = random.Random(1)
    duals = {k: rng.uniform(0, w) for k, (_n, w, _o) in inst.cover.items()}
    monkeypatch.setattr(columns, "PATHS_MAX_STATES", 0)  # by CP-SAT, with a time limit
    pricing = columns.Pricing(inst)
    monkeypatch.setattr(columns, "PRICE_SECONDS", 60.0)
    exact = pricing("C", duals).bound
    monkeypatch.setattr(
        columns, "PRICE_PARAMETERS", columns.PRICE_PARAMETERS | {"max_deterministic_time": 0.1}
    )
    short = pricing("C", duals)
    assert exact is not None and short.bound is not None and short.columns
    assert short.bound < exact - 1  # not proven best: the solver's bound, not its roster's
    for column, cost in short.columns:
        assert short.bound <= cost - sum(duals.get(k, 0.0) for k in column) + 1e-6


def test_generation_parts_follow_how_employees_are_priced():
    """Every employee by dynamic programming (Instance7): all priced each round; most by
    CP-SAT (Instance15, 33 of 45 above PATHS_MAX_STATES): a quarter a round; Instance14
    (10 of 32) stays at one part."""
    from benchmarks.nrp.solver.columns import CG_PARTS, CG_PARTS_BY_MODEL, Pricing, parts

    assert CG_PARTS != CG_PARTS_BY_MODEL
    by = {n: Pricing(read_instance(NRP / f"Instance{n}.txt")) for n in (7, 14, 15)}
    assert [len(by[n].models) for n in (7, 14, 15)] == [0, 10, 33]
    assert parts(by[7]) == CG_PARTS == parts(by[14]) and parts(by[15]) == CG_PARTS_BY_MODEL
