"""Fair shares (rule id fairness.spread, soft): nights, weekend and bank-holiday shifts
shared pro rata within a base site; the floor whole shifts put under a spread; the
fairness neighbourhood of the improvement step.

February 2027: 28 days, 8 weekend days (6, 7, 13, 14, 20, 21, 27, 28), no bank holiday.
"""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from conftest import solve_and_check
from rota.measures import least_spread, most_off_share
from rota.solve.improve import FairnessPools
from test_rules import rules

NIGHTS = '[[shift_templates]]\ncode = "N"\nstart = "22:00"\nend = "06:00"\n'
NIGHT_DEMAND = '[[demand]]\nsite = "A"\nfrom = "22:00"\nto = "06:00"\nofficers = 1\n'
ONLY_FAIRNESS = "contract_deviation_hour = 0\noff_base_shift = 0\n"
DEAR_CONTRACT = "contract_deviation_hour = 20\noff_base_shift = 0\n"


@pytest.mark.parametrize("why", ["part_time", "on_leave"])
def test_nights_and_weekends_are_shared_pro_rata(tmp_scenario, why):
    """Three sergeants on 10-hour contracts share 28 nights, one of them owing half (a
    5-hour contract, or on leave 15-28 Feb: available on 14 of 28 days and 4 of 8 weekend
    days). Pro-rata coefficients (40 / hours x days / days available): 4, 4, 8.

    Cover is a minimum, so the solver could over-cover to even the counts out; contract
    deviation at 20 an hour makes that dear: everyone is over their target (40 h, 40 h,
    20 h), so every shift past the 28 costs 160, more than the 240 of fairness it could
    save at most with two extra weekend nights. Exactly 28 nights, then, and 124 h over
    contract (8 x 28 - 100): 2,480.

    Nights: 4a = 4b = 8c would need 5c = 28, so the spread is at least 4 shares;
    (11, 11, 6) gives 44, 44, 48 and is the only split that does. Weekends: 8 weekend
    nights, (3, 3, 2) gives 12, 12, 16; 5c = 8 has no whole answer either. Objective:
    2,480 + 30 x 4 + 30 x 4 = 2,720, and nobody is a whole shift from their share.
    """
    hours = 5 if why == "part_time" else 10
    absences = [["P3", "2027-02-15", "2027-02-28", "annual_leave", ""]] if why == "on_leave" else []
    g = solve_and_check(
        tmp_scenario(
            templates=NIGHTS, demand=NIGHT_DEMAND, rules=rules(), weights=DEAR_CONTRACT,
            staff=[["P1", "PS", "A", 10], ["P2", "PS", "A", 10], ["P3", "PS", "A", hours]],
            absences=absences,
        ),
        "2027-02",
    )  # fmt: skip
    assert g.result.status == "OPTIMAL"
    assert g.result.objective == pytest.approx(2720)
    nights = [d.staff_id for d in g.result.duties if d.kind == "shift"]
    assert [nights.count(p) for p in ("P1", "P2", "P3")] == [11, 11, 6]
    fair = g.summary["fairness"]["A"]
    for kind in ("nights", "weekends"):
        assert fair[kind]["spread"] == pytest.approx(4.0)
        assert fair[kind]["least_spread"] == pytest.approx(4.0)
        assert fair[kind]["most_off_share"] < 1
    assert (fair["nights"]["total"], fair["weekends"]["total"]) == (28, 8)


def test_without_the_weights_nobody_minds(tmp_scenario):
    """Same month, fairness weights 0: every roster covering the 28 nights costs 0, and the
    checker's spread is whatever the roster has (reported, not penalised)."""
    g = solve_and_check(
        tmp_scenario(
            templates=NIGHTS, demand=NIGHT_DEMAND, rules=rules(),
            weights=ONLY_FAIRNESS + "fairness_nights = 0\nfairness_weekends = 0\n",
            staff=[["P1", "PS", "A", 40], ["P2", "PS", "A", 40]],
        ),
        "2027-02",
    )  # fmt: skip
    assert g.result.objective == 0
    assert g.report.penalties.get("fairness_nights", 0) == 0


@pytest.mark.parametrize(
    ("coefs", "total", "least"),
    [
        ([100, 100, 100], 7, 100),  # 3, 2, 2
        ([100, 100, 100], 9, 0),  # 3, 3, 3
        ([100, 100, 200], 28, 100),  # 11, 11, 6 -> 1100, 1100, 1200
        ([100, 100, 200], 25, 0),  # 10, 10, 5
        ([150, 100], 4, 100),  # (2, 2) -> 300, 200; (1, 3) -> 150, 300; (3, 1) -> 450, 100
        ([150, 100], 5, 0),  # (2, 3) -> 300, 300
        ([100, 100], 0, 0),
        ([], 5, 0),
    ],
)
def test_least_spread(coefs, total, least):
    assert least_spread(coefs, total) == least


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from([100, 114, 125, 133, 150, 200, 267]), min_size=1, max_size=4),
    st.integers(0, 6),
)
def test_least_spread_equals_brute_force(coefs, total):
    """least_spread (reported in the summary) equals the least spread found by trying
    every way of splitting the total."""
    least = min(
        max(c * n for c, n in zip(coefs, counts, strict=True))
        - min(c * n for c, n in zip(coefs, counts, strict=True))
        for counts in itertools.product(range(total + 1), repeat=len(coefs))
        if sum(counts) == total
    )
    assert least_spread(coefs, total) == least


def test_most_off_share():
    """Shares of 28 by weights 1, 1, 1/2: 11.2, 11.2, 5.6; counts 11, 11, 6: 0.4 off."""
    assert most_off_share([100, 100, 200], [11, 11, 6]) == pytest.approx(0.4)
    assert most_off_share([100, 100], [0, 0]) == 0


def test_fairness_neighbourhood_frees_a_whole_end_of_the_range():
    """Nights of eight people: two at the top (6), three at the bottom (3). The spread only
    falls if both top people or all three bottom people move, so every neighbourhood
    holds one whole end and someone from the other half to trade with."""
    fp = FairnessPools.__new__(FairnessPools)
    fp._least = {}
    counts = {"a": 6, "b": 6, "c": 5, "d": 4, "e": 4, "f": 3, "g": 3, "h": 3}
    fp.pools = [("nights", "A", [(p, 100) for p in counts], 30)]
    fp.index = {"nights": {p: [i] for i, p in enumerate(counts)}}
    values = {i: counts[p] for i, p in enumerate(counts)}
    top, bottom = {"a", "b"}, {"f", "g", "h"}
    seen = set()
    for seed in range(40):
        free = fp.pick(values, random.Random(seed), size=12)
        # one whole end, and someone else to trade with
        assert (top <= free and free - top) or (bottom <= free and free - bottom)
        seen.add(frozenset(free & (top | bottom)))
    assert any(top <= s for s in seen) and any(bottom <= s for s in seen)
    fp.pools = [("nights", "A", [(p, 100) for p in "ab"], 30)]
    assert fp.pick({0: 4, 1: 4}, random.Random(0), size=12) is None
    # A full-timer and a 15-hour officer (x 2.67): 8 and 3 nights count 8.00 and 8.01.
    # No total within NEAR of 11 lets them be equal (100 a = 267 b has no small answer),
    # so 0.01 is the floor: nothing to gain. 7 and 3 (7.00 and 8.01) can gain.
    fp.pools = [("nights", "A", [("a", 100), ("b", 267)], 30)]
    fp.index = {"nights": {"a": [0], "b": [1]}}
    assert fp.pick({0: 8, 1: 3}, random.Random(0), size=12) is None
    assert fp.pick({0: 7, 1: 3}, random.Random(0), size=12) is not None


def test_steering_targets_a_total_whose_counts_can_sit_closer():
    """Three full-timers and a half-timer (x 2) share nights. At 9 nights the best is
    3, 3, 2 and 1 (scaled 300, 300, 200, 200: spread 100, the least 9 allows, so no
    trade at that total gains). At 7 nights 2, 2, 2 and 1 are all 200 (spread 0): the
    target is 7 (14 also allows 0, but is further), gaining 100 x weight 30. The window
    for 7 is exactly those counts; a and b each move one night, which the bounds force
    on a model, and a roster keeping a at 3 is infeasible under them."""
    fp = FairnessPools.__new__(FairnessPools)
    fp._least = {}
    people = ["a", "b", "c", "d"]
    fp.pools = [("nights", "A", [("a", 100), ("b", 100), ("c", 100), ("d", 200)], 30)]
    fp.index = {"nights": {p: [i] for i, p in enumerate(people)}}
    values = {0: 3, 1: 3, 2: 2, 3: 1}
    assert fp.targets(values) == [(3000, "nights", "A", 7, 0)]
    window = fp.window(values, "nights", "A", 7)
    assert window == [("a", 2, 2), ("b", 2, 2), ("c", 2, 2), ("d", 1, 1)]
    model = cp_model.CpModel()
    xs = [model.new_int_var(0, 10, p) for p in people]
    fp.bound("nights", window)(model)
    solver = cp_model.CpSolver()
    assert solver.solve(model) == cp_model.OPTIMAL
    assert [solver.value(x) for x in xs] == [2, 2, 2, 1]
    model.add(xs[0] == 3)
    assert solver.solve(model) == cp_model.INFEASIBLE
    # at 7 nights, evenly shared: nothing to steer
    assert fp.targets({0: 2, 1: 2, 2: 2, 3: 1}) == []
    # a pool above the floor of its own total is steered too: 4, 2, 2, 1 (spread 200)
    assert fp.targets({0: 4, 1: 2, 2: 2, 3: 1})[0][3:] == (7, 0)
