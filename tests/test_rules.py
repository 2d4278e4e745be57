"""One small scenario per rule, with the expected result worked out in the docstring.

February 2027 starts on a Monday and has 28 days (4 whole weeks, no bank holiday).
Unless a test says otherwise, every rule but the one under test is relaxed (RELAXED)
and contract hours cost nothing, so the arithmetic stays about one rule.
"""

from __future__ import annotations

import pytest

from conftest import solve_and_check

RELAXED = {
    "min_rest_hours": 0,
    "max_consecutive_duty_days": 31,
    "min_days_off_per_week": 0,
    "max_consecutive_nights": 31,
    "rest_after_nights_hours": 0,
    "max_avg_weekly_hours": 168,
    "max_over_contract_hours": 1000,
    "supervisor_whenever_staffed": "false",
}
NO_COST = "contract_deviation_hour = 0\noff_base_shift = 0\n"

DAY = """
[[shift_templates]]
code = "D"
start = "08:00"
end = "16:00"
"""
DAY_DEMAND = """
[[demand]]
site = "A"
from = "08:00"
to = "16:00"
officers = 1
"""


def rules(**over) -> str:
    r = {**RELAXED, **over}
    return "\n".join(f"{k} = {v}" for k, v in r.items())


def one(tmp_scenario, *, rank="PS", hours=168, month="2027-02", **kw):
    kw.setdefault("templates", DAY)
    kw.setdefault("demand", DAY_DEMAND)
    kw.setdefault("weights", NO_COST)
    kw.setdefault("staff", [["P1", rank, "A", hours]])
    r = kw.pop("rules", rules())
    return solve_and_check(tmp_scenario(rules=r, **kw), month)


def uncovered(g, kind="officer_hours"):
    assert g.summary["uncovered"] == g.report.uncovered
    return g.report.uncovered[kind]


def test_cover_is_measured_in_person_hours(tmp_scenario):
    """One sergeant, E/L shifts, 1 officer + 1 supervisor wanted 06:00-22:00.
    At most one shift a day (duty.one_per_day): 8 of 16 h covered each day, so
    28 x 8 = 224 officer-hours and 224 supervisor-hours are uncovered."""
    g = one(
        tmp_scenario,
        templates='[[shift_templates]]\ncode = "E"\nstart = "06:00"\nend = "14:00"\n'
        '[[shift_templates]]\ncode = "L"\nstart = "14:00"\nend = "22:00"\n',
        demand='[[demand]]\nsite = "A"\nfrom = "06:00"\nto = "22:00"\nofficers = 1\n'
        "supervisors = 1\n",
    )
    assert uncovered(g) == 224
    assert uncovered(g, "supervisor_hours") == 224
    assert g.summary["duties"]["shifts"] == 28


def test_rest_min_hours_counts_the_history(tmp_scenario):
    """History: a night 31 Jan 22:00 - 1 Feb 06:00. An 08:00 day shift on 1 Feb
    follows 2 h later: with 11 h rest it is forbidden (8 h uncovered); with no rest
    rule it is worked (0 h)."""
    hist = [["P1", "2027-01-31", "N", "A", "2027-01-31T22:00:00+00:00",
             "2027-02-01T06:00:00+00:00", "8.00", "shift"]]  # fmt: skip
    g = one(tmp_scenario, rules=rules(min_rest_hours=11), history=hist, folder="a")
    assert uncovered(g) == 8
    assert "D" not in [d.duty for d in g.result.duties if d.date.day == 1]
    g = one(tmp_scenario, rules=rules(min_rest_hours=0), history=hist, folder="b")
    assert uncovered(g) == 0


def test_max_consecutive_duty_days(tmp_scenario):
    """At most 3 days in a row: the best pattern is WWWO, 21 of 28 days worked,
    7 x 8 = 56 h uncovered."""
    g = one(tmp_scenario, rules=rules(max_consecutive_duty_days=3))
    assert uncovered(g) == 56


def test_days_off_per_week_pro_rata(tmp_scenario):
    """December 2026, 3 days off a week. Weeks: Tue 1-Sun 6 (6 days: floor(3*6/7) = 2
    off, 4 worked), three whole weeks (4 worked each), Mon 28-Thu 31 (4 days:
    floor(3*4/7) = 1 off, 3 worked): 19 of 31 days, 12 x 8 = 96 h uncovered."""
    g = one(tmp_scenario, rules=rules(min_days_off_per_week=3), month="2026-12")
    assert uncovered(g) == 96


def test_max_consecutive_nights_and_the_horizon_edges(tmp_scenario):
    """Nights only, at most 2 in a row. 27 night windows of 8 h and the last one
    measured to midnight (2 h): 218 h. Any 3 consecutive nights hold an off night, so
    days 1-27 hold at least 9 off nights: 72 h uncovered at best."""
    g = one(
        tmp_scenario,
        templates='[[shift_templates]]\ncode = "N"\nstart = "22:00"\nend = "06:00"\n',
        demand='[[demand]]\nsite = "A"\nfrom = "22:00"\nto = "06:00"\nofficers = 1\n',
        rules=rules(max_consecutive_nights=2),
    )
    assert uncovered(g) == 72


def test_rest_after_nights_from_history(tmp_scenario):
    """History: nights on 30 and 31 Jan, the run ends 1 Feb 06:00. 46 h of rest runs
    to 3 Feb 04:00: the day shifts of 1 and 2 Feb are lost (16 h). Without the rule
    (and with no minimum rest) nothing is lost."""
    hist = [
        ["P1", f"2027-01-{d}", "N", "A", f"2027-01-{d}T22:00:00+00:00",
         f"2027-{'01-31' if d == 30 else '02-01'}T06:00:00+00:00", "8.00", "shift"]
        for d in (30, 31)
    ]  # fmt: skip
    g = one(tmp_scenario, rules=rules(rest_after_nights_hours=46), history=hist, folder="a")
    assert uncovered(g) == 16
    g = one(tmp_scenario, rules=rules(rest_after_nights_hours=0), history=hist, folder="b")
    assert uncovered(g) == 0


def test_average_weekly_hours(tmp_scenario):
    """48 h -> 40 h a week on average: 40 x 28 / 7 = 160 h = 20 shifts; 8 shifts
    uncovered = 64 h."""
    g = one(tmp_scenario, rules=rules(max_avg_weekly_hours=40))
    assert uncovered(g) == 64


@pytest.mark.parametrize(("cap", "lost"), [(16, 128), (0, 144)])
def test_over_contract_cap(tmp_scenario, cap, lost):
    """20 h a week: target 20 x 28 / 7 = 80 h. With +16 h: 96 h = 12 shifts, 16 days
    uncovered = 128 h; with +0 h: 10 shifts, 144 h."""
    g = one(tmp_scenario, hours=20, rules=rules(max_over_contract_hours=cap), folder=f"c{cap}")
    assert uncovered(g) == lost


def test_weekends_worked_capped_in_a_window(tmp_scenario):
    """At most 1 weekend worked in any 2 in a row. February 2027's weekends are 6-7,
    13-14, 20-21 and 27-28 Feb: no two neighbours, so at most 2 of the 4 weekends, 2 x 2
    days x 8 h = 32 h of the 64 h weekend demand; the other 32 h are uncovered, and the
    20 weekdays (160 h) are all covered."""
    g = one(tmp_scenario, rules=rules(max_weekends_worked=1, weekends_window_weeks=2))
    assert uncovered(g) == 32
    weekends = sorted({(d.date.day + 1) // 7 for d in g.result.duties if d.date.weekday() >= 5})
    assert len(weekends) == 2 and weekends[1] - weekends[0] >= 2


def test_weekends_worked_counts_the_history(tmp_scenario):
    """January 2027 starts on a Friday; with Saturday 26 and Sunday 27 December worked
    (history) and at most 1 weekend in any 2, the weekend of 2-3 Jan cannot be worked:
    16 h uncovered then, and the rest of the month as in the window rule alone."""
    g = one(
        tmp_scenario, month="2027-01",
        rules=rules(max_weekends_worked=1, weekends_window_weeks=2),
        history=[["P1", "2026-12-26", "D", "A", "2026-12-26T08:00:00+00:00",
                  "2026-12-26T16:00:00+00:00", "8.00", "shift"]],
    )  # fmt: skip
    worked = {d.date.day for d in g.result.duties}
    assert not {2, 3} & worked
    assert [v.line() for v in g.report.hard] == []


def test_absence_blocks_duties(tmp_scenario):
    """Annual leave 8-14 Feb: those 7 days are uncovered, 56 h; nothing is rostered
    on them."""
    g = one(tmp_scenario, absences=[["P1", "2027-02-08", "2027-02-14", "annual_leave", ""]])
    assert uncovered(g) == 56
    assert not [d for d in g.result.duties if 8 <= d.date.day <= 14]


def test_restricted_only_at_non_operational_sites(tmp_scenario):
    """Restricted all month: no duty at operational A (224 h uncovered), office days
    at non-operational B instead."""
    sites = ('[[sites]]\nid = "A"\noperational = true\n'
             '[[sites]]\nid = "B"\noperational = false\n')  # fmt: skip
    g = one(
        tmp_scenario,
        sites=sites,
        weights="contract_deviation_hour = 10\noff_base_shift = 0\n",
        absences=[["P1", "2027-01-20", "2027-03-10", "restricted", ""]],
    )
    assert uncovered(g) == 224
    assert {d.site for d in g.result.duties} == {"B"}


def test_officer_safety_lapse(tmp_scenario):
    """officer_safety valid to 14 Feb: operational duty only 1-14 Feb; 15-28 Feb
    uncovered, 14 x 8 = 112 h."""
    g = one(
        tmp_scenario,
        officer_safety=False,
        accreditations=[["P1", "officer_safety", "2026-02-15", "2027-02-14"]],
    )
    assert uncovered(g) == 112
    assert max(d.date.day for d in g.result.duties) == 14


def test_schedule7_counts_only_while_valid(tmp_scenario):
    """A sergeant without Schedule 7 and a constable whose Schedule 7 ends 14 Feb;
    1 officer, 1 Schedule 7 wanted. Officers are covered every day; Schedule 7 only
    to 14 Feb: 14 x 8 = 112 skill-hours uncovered."""
    g = one(
        tmp_scenario,
        staff=[["P1", "PS", "A", 168], ["P2", "PC", "A", 168]],
        accreditations=[["P2", "schedule7", "2026-08-15", "2027-02-14"]],
        demand=DAY_DEMAND + "skills = { schedule7 = 1 }\n",
    )
    assert uncovered(g) == 0
    assert uncovered(g, "skill_hours") == 112


@pytest.mark.parametrize(("on", "expected"), [(True, 224), (False, 0)])
def test_supervisor_whenever_staffed(tmp_scenario, on, expected):
    """A lone constable: rostering them leaves them unsupervised (5000/h), dearer than
    the cover (1000/h), so with the rule nobody is rostered: 224 officer-hours
    uncovered and no unsupervised time. Without the rule they cover every day."""
    g = one(
        tmp_scenario,
        rank="PC",
        rules=rules(supervisor_whenever_staffed="true" if on else "false"),
        folder=f"s{on}",
    )
    assert uncovered(g) == expected
    assert uncovered(g, "supervisor_hours") == 0


@pytest.mark.parametrize(("mode", "expected"), [("region", 0), ("on_site", 224)])
def test_regional_supervision(tmp_scenario, mode, expected):
    """A constable at A and a sergeant at B, both working days. With regional
    supervision the sergeant at B supervises A: all covered. On site, the constable
    at A would be unsupervised: 224 officer-hours uncovered at A."""
    sites = (f'[[sites]]\nid = "A"\nsupervision = "{mode}"\n'
             '[[sites]]\nid = "B"\nsupervision = "on_site"\n')  # fmt: skip
    demand = DAY_DEMAND + '[[demand]]\nsite = "B"\nfrom = "08:00"\nto = "16:00"\nofficers = 1\n'
    g = one(
        tmp_scenario,
        sites=sites,
        demand=demand,
        staff=[["P1", "PC", "A", 168], ["P2", "PS", "B", 168]],
        rules=rules(supervisor_whenever_staffed="true", home_site_only="true"),
        folder=mode,
    )
    assert uncovered(g) == expected
    assert uncovered(g, "supervisor_hours") == 0


@pytest.mark.parametrize(("allowed", "expected"), [("", 224), ("A", 0)])
def test_home_site_only(tmp_scenario, allowed, expected):
    """Based at B with home_site_only: no duty at A unless A is in sites_allowed."""
    sites = '[[sites]]\nid = "A"\n[[sites]]\nid = "B"\n'
    g = one(
        tmp_scenario,
        sites=sites,
        staff=[["P1", "Name", "PS", "BORDER", "B", 168, "2020-01-01", allowed]],
        rules=rules(home_site_only="true"),
        folder=f"h{allowed}",
    )
    assert uncovered(g) == expected


def test_closure_removes_demand(tmp_scenario):
    """Closed all of 10 Feb: 27 days demanded; with 2 days off a week (20 shifts at
    most, 4 weeks x 5) the best is 7 uncovered days of 27: 56 h."""
    g = one(
        tmp_scenario,
        extra='[[closures]]\nsite = "A"\ndates = ["2027-02-10"]\n',
        rules=rules(min_days_off_per_week=2),
    )
    assert uncovered(g) == 56


def test_contract_hours_are_met_when_demand_allows(tmp_scenario):
    """40 h a week over 28 days: target 160 h = 20 shifts of 8 h; with cover wanted
    every day and days off required (2 a week), exactly 20 shifts are rostered and
    the deviation penalty is 0."""
    g = one(
        tmp_scenario,
        hours=40,
        rules=rules(min_days_off_per_week=2, max_over_contract_hours=16),
        weights="contract_deviation_hour = 10\n",
    )
    assert g.summary["duties"]["shifts"] == 20
    assert g.result.penalties["contract_deviation_hour"] == 0
    assert uncovered(g) == 64


def test_max_shift_hours_across_the_october_clock_change(tmp_scenario):
    """The night of 24 Oct 2026 runs 22:00 BST to 06:00 GMT: 9 real hours. With
    max_shift_hours 8.5 that one night cannot be worked. Demand 22:00-06:00 every
    night: that window is 9 h long, so 9 h uncovered."""
    g = one(
        tmp_scenario,
        templates='[[shift_templates]]\ncode = "N"\nstart = "22:00"\nend = "06:00"\n',
        demand='[[demand]]\nsite = "A"\nfrom = "22:00"\nto = "06:00"\nofficers = 1\n',
        rules=rules(max_shift_hours=8.5),
        month="2026-10",
    )
    assert uncovered(g) == 9
    assert 24 not in [d.date.day for d in g.result.duties]


def test_requests_are_soft_and_denials_are_explained(tmp_scenario):
    """One sergeant, cover wanted daily, 2 days off a week (20 of 28 days worked).
    Requests: a day off on Wed 3 Feb (weight 5) and a day off on each of Mon 8 - Sun 14
    Feb (weight 1 each): only 2 of those 7 can be off (5 shifts a week is the most),
    so the best roster grants the weight-5 request and 2 of the 7 others; 5 are denied
    (5 x 20 = 100 in the objective), each with its reason."""
    reqs = [["P1", "2027-02-03", "day_off", 5]] + [
        ["P1", f"2027-02-{d:02d}", "day_off", 1] for d in range(8, 15)
    ]
    g = one(tmp_scenario, rules=rules(min_days_off_per_week=2), requests=reqs)
    denied = g.summary["requests"]["denied"]
    assert g.summary["requests"]["total"] == 8 and len(denied) == 5
    assert all(x["weight"] == 1 and "for cover" in x["why"] for x in denied)
    assert g.result.penalties["request_denied"] == 100


def _day_shifts(first: str, last: str, weekdays: range = range(7)) -> list[list]:
    """History rows: P1 on D (08:00-16:00, 8 h) on each of `weekdays` from first to last."""
    from datetime import date, timedelta

    d, end, rows = date.fromisoformat(first), date.fromisoformat(last), []
    while d <= end:
        if d.weekday() in weekdays:
            s = d.isoformat()
            rows.append(["P1", s, "D", "A", f"{s}T08:00:00+00:00", f"{s}T16:00:00+00:00",
                         "8.00", "shift"])  # fmt: skip
        d += timedelta(days=1)
    return rows


# Monday to Thursday from September to December (32 h a week), then every day of
# January and February (56 h a week)
LIGHT_THEN_HEAVY = _day_shifts("2026-09-01", "2026-12-31", range(4)) + _day_shifts(
    "2027-01-01", "2027-02-28"
)


def test_three_heavy_months_break_the_17_week_average_in_the_third(tmp_scenario):
    """Every day of January, February and March at 8 h (56 h a week) after four months
    of Monday-to-Thursday (32 h a week). Each month alone averages 56 h a week, but the
    law measures 17 weeks (119 days), and the history reaches back that far, so the
    month's own average is not the measure. The 17 weeks to 20 March (22 Nov-20 Mar)
    hold 24 light days (192 h) and 79 heavy days (632 h): 824 h, 48.5 h a week, over 48
    (816 h): hours.avg_17w on 20 March. The 17 weeks to 19 March hold 816 h exactly, and
    no period ending in January (at most 664 h) or February (760 h) is over."""
    from conftest import check_duties
    from rota.io.load import load_roster

    folder = tmp_scenario(templates=DAY, demand=DAY_DEMAND, weights=NO_COST,
                          staff=[["P1", "PS", "A", 40]],
                          rules=rules(max_avg_weekly_hours=48),
                          history=[r for r in LIGHT_THEN_HEAVY if r[1] < "2027-01-01"])  # fmt: skip
    root = folder.parent
    for month, first, last, hist in (
        ("2027-01", "2027-01-01", "2027-01-31", "2027-01-01"),
        ("2027-02", "2027-02-01", "2027-02-28", "2027-02-01"),
        ("2027-03", "2027-03-01", "2027-03-31", "2027-03-01"),
    ):
        _write_roster(root / f"{month}.csv", _day_shifts(first, last))
        _write_roster(folder / "history.csv", [r for r in LIGHT_THEN_HEAVY if r[1] < hist])
        duties, _ = load_roster(root / f"{month}.csv")
        rep = check_duties(folder, month, duties)
        named = [(v.rule, v.day.isoformat() if v.day else None) for v in rep.hard
                 if v.rule.startswith("hours.")]  # fmt: skip
        if month == "2027-03":
            assert named == [("hours.avg_17w", "2027-03-20")]
            assert "824 h in the 17 weeks to 2027-03-20 average 48.5 h a week" in (
                rep.hard[0].message if rep.hard[0].rule == "hours.avg_17w" else
                next(v.message for v in rep.hard if v.rule == "hours.avg_17w"))  # fmt: skip
        else:
            assert named == [], (month, named)


def test_the_solver_keeps_the_17_week_average(tmp_scenario):
    """March after the history above, a day shift wanted every day: the 17 weeks to
    31 March (3 Dec-31 Mar) already hold 17 light December days (136 h) and all of
    January and February (472 h), 608 h of the 816 h allowed, so March may hold 208 h:
    26 shifts, and 5 x 8 = 40 h are left uncovered. Every period ending in March is
    within 816 h."""
    g = one(tmp_scenario, month="2027-03", hours=40, rules=rules(max_avg_weekly_hours=48),
            history=LIGHT_THEN_HEAVY)  # fmt: skip
    assert uncovered(g) == 40
    assert len(g.result.duties) == 26


def test_an_opt_out_lifts_the_17_week_average(tmp_scenario):
    """The same March for an officer who signed the opt-out (staff.csv wtr_opt_out): no
    average holds them, so every day is worked but the 1st (the history's run of 59 days
    cannot go on: days.max_consecutive), 30 shifts and 8 h uncovered, where the 17-week
    average left 40 h."""
    staff = [["P1", "Name P1", "PS", "BORDER", "A", 40, "2020-01-01", ""]]
    folder = tmp_scenario(templates=DAY, demand=DAY_DEMAND, weights=NO_COST, staff=staff,
                          rules=rules(max_avg_weekly_hours=48),
                          history=LIGHT_THEN_HEAVY)  # fmt: skip
    text = (folder / "staff.csv").read_text().splitlines()
    (folder / "staff.csv").write_text(f"{text[0]},wtr_opt_out\n{text[1]},true\n")
    g = solve_and_check(folder, "2027-03")
    assert uncovered(g) == 8
    assert sorted(d.date.day for d in g.result.duties) == list(range(2, 32))


def _write_roster(path, rows) -> None:
    import csv

    with path.open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["staff_id", "date", "duty", "site", "start", "end", "hours", "kind"])
        w.writerows(rows)
