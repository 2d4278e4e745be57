"""On-call rotas: whole weekly blocks, eligibility, limits, history, and the checker."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from conftest import check_duties, make_scenario, solve_and_check
from rota.domain.models import Duty

UC_SITES = """
[[sites]]
id = "UCO"
operational = false
"""
OFFICE = """
[[shift_templates]]
code = "O"
start = "08:00"
end = "16:00"
days = "weekdays"
[[shift_templates]]
code = "N"
start = "22:00"
end = "06:00"
"""


def rota(rid="OC", ranks='["DS", "DI"]', accs='["uc_supervisor"]', **over) -> str:
    fields = {"max_blocks_per_person": 2, "no_back_to_back": "true", "per_day": 1, **over}
    body = "\n".join(f"{k} = {v}" for k, v in fields.items())
    return (f'[[on_call]]\nid = "{rid}"\nunits = ["UC"]\nranks = {ranks}\n'
            f'accreditations = {accs}\nhandover = "08:00"\nblock_days = 7\n'
            f'block_start = "mon"\n{body}\n')  # fmt: skip


def uc_staff(*people):
    return [[pid, f"N {pid}", rank, "UC", "UCO", 40, "2015-01-01", ""] for pid, rank in people]


def scenario(tmp_scenario, people, accs, extra, **kw):
    return tmp_scenario(sites=UC_SITES, templates=OFFICE, extra=extra, staff=uc_staff(*people),
                        accreditations=accs, officer_safety=False, **kw)  # fmt: skip


def holders(g):
    """rota -> day -> set of staff."""
    out = defaultdict(lambda: defaultdict(set))
    for d in g.result.duties:
        if d.kind == "on_call":
            out[d.duty][d.date].add(d.staff_id)
    return out


def test_whole_weekly_blocks_alternate(tmp_scenario):
    """February 2027: four Monday blocks. Two sergeants, at most 2 blocks each, never
    two in a row: A B A B. Every day covered, each block held whole by one person,
    on-call rows run 08:00 to 08:00 with 0 hours."""
    sc = scenario(tmp_scenario, [("S1", "DS"), ("S2", "DS")],
                  [["S1", "uc_supervisor", "2020-01-01", ""],
                   ["S2", "uc_supervisor", "2020-01-01", ""]], rota())  # fmt: skip
    g = solve_and_check(sc, "2027-02")
    assert g.report.uncovered["on_call_days"] == 0
    days = holders(g)["OC"]
    assert len(days) == 28 and all(len(s) == 1 for s in days.values())
    weeks = [days[date(2027, 2, 1) + timedelta(days=7 * w)] for w in range(4)]
    for w in range(4):
        for k in range(7):
            assert days[date(2027, 2, 1) + timedelta(days=7 * w + k)] == weeks[w]
    assert weeks[0] != weeks[1] and weeks[1] != weeks[2] and weeks[2] != weeks[3]
    row = next(d for d in g.result.duties if d.kind == "on_call")
    assert row.hours == 0 and row.start.hour == 8 and row.end - row.start == timedelta(days=1)
    assert row.site == "UC"


def test_pool_too_small_is_reported_and_the_rest_is_planned(tmp_scenario):
    """One eligible sergeant, at most 2 blocks, not back to back: 2 of 4 blocks held,
    2 x 7 = 14 on-call days uncovered; office days are still rostered."""
    sc = scenario(tmp_scenario, [("S1", "DS"), ("C1", "DC")],
                  [["S1", "uc_supervisor", "2020-01-01", ""]], rota(),
                  demand='[[demand]]\nsite = "UCO"\ndays = "weekdays"\nfrom = "08:00"\n'
                         'to = "16:00"\nofficers = 1\n')  # fmt: skip
    g = solve_and_check(sc, "2027-02")
    assert g.report.uncovered["on_call_days"] == 14
    assert g.result.uncovered["on_call_days"] == 14
    assert g.summary["duties"]["shifts"] > 0
    short = [s for s in g.report.shortfalls if s.kind == "on_call:OC"]
    assert len(short) == 14


def test_block_over_the_month_boundary_is_continued(tmp_scenario):
    """December 2026 starts on a Tuesday: the block of Mon 30 Nov runs to Sun 6 Dec.
    History has S2 on call on 30 Nov, so S2 holds 1-6 Dec; the last block (28 Dec -
    3 Jan) is cut to 4 days. 31 days covered by 5 blocks."""
    tz = ZoneInfo("Europe/London")
    start = datetime(2026, 11, 30, 8, tzinfo=tz)
    hist = [["S2", "2026-11-30", "OC", "UC", start.isoformat(),
             (start + timedelta(days=1)).isoformat(), "0.00", "on_call"]]  # fmt: skip
    people = [("S1", "DS"), ("S2", "DS"), ("S3", "DI")]
    accs = [[p, "uc_supervisor", "2020-01-01", ""] for p, _ in people]
    sc = scenario(tmp_scenario, people, accs, rota(), history=hist)
    g = solve_and_check(sc, "2026-12")
    days = holders(g)["OC"]
    assert all(days[date(2026, 12, d)] == {"S2"} for d in range(1, 7))
    assert days[date(2026, 12, 7)] != {"S2"}  # not back to back
    assert g.report.uncovered["on_call_days"] == 0 and len(days) == 31


def test_eligibility_absence_and_accreditation(tmp_scenario):
    """S1's uc_supervisor ends 10 Feb (in block 2), so S1 may hold block 1 only. S2 is
    on leave on Mon 15 Feb: that bars on-call day 15 (block 3) and, since the day runs
    to the next morning's handover, on-call day 14 (block 2) too. Blocks 2 and 3 have
    nobody eligible: 14 days uncovered; blocks 1 and 4 are covered."""
    people = [("S1", "DS"), ("S2", "DS")]
    accs = [["S1", "uc_supervisor", "2020-01-01", "2027-02-10"],
            ["S2", "uc_supervisor", "2020-01-01", ""]]  # fmt: skip
    sc = scenario(
        tmp_scenario,
        people,
        accs,
        rota(),
        absences=[["S2", "2027-02-15", "2027-02-15", "annual_leave", ""]],
    )
    g = solve_and_check(sc, "2027-02")
    days = holders(g)["OC"]
    assert not any(date(2027, 2, 8) <= d <= date(2027, 2, 21) for d in days)
    assert days[date(2027, 2, 1)] == {"S1"} and days[date(2027, 2, 22)] == {"S2"}
    assert g.report.uncovered["on_call_days"] == 14


def test_two_rotas_never_at_once_and_ranks(tmp_scenario):
    """Two rotas; S1 and S2 may hold either, C1 only the cover rota (rank DC is not a
    supervisor rank). Nobody is on both at once; all 28 x 2 days are covered."""
    people = [("S1", "DS"), ("S2", "DS"), ("C1", "DC"), ("C2", "DC")]
    accs = [[p, "uc_supervisor", "2020-01-01", ""] for p in ("S1", "S2")] + [
        [p, "cover_officer", "2020-01-01", ""] for p in ("S1", "S2", "C1", "C2")
    ]
    extra = rota("SUP") + rota("COV", ranks='["DS", "DC"]', accs='["cover_officer"]')
    g = solve_and_check(scenario(tmp_scenario, people, accs, extra), "2027-02")
    h = holders(g)
    assert g.report.uncovered["on_call_days"] == 0
    for d in h["SUP"]:
        assert not h["SUP"][d] & h["COV"][d]
        assert h["SUP"][d] <= {"S1", "S2"}


def test_no_night_shift_while_on_call(tmp_scenario):
    """The only sergeant is wanted for nights every night (8000 a night) and on call
    (5000 a day). A night overlaps the on-call day it starts in, so on-call days and
    nights never meet in the roster."""
    sc = scenario(
        tmp_scenario,
        [("S1", "DS")],
        [["S1", "uc_supervisor", "2020-01-01", ""]],
        rota(max_blocks_per_person=4, no_back_to_back="false"),
        demand='[[demand]]\nsite = "UCO"\nfrom = "22:00"\nto = "06:00"\nofficers = 1\n',
    )
    g = solve_and_check(sc, "2027-02")
    on = {d.date for d in g.result.duties if d.kind == "on_call"}
    nights = {d.date for d in g.result.duties if d.duty == "N"}
    assert on and nights and not on & nights


def test_not_on_call_request_is_granted(tmp_scenario):
    """Two sergeants; S1 asks not to be on call on 10 Feb (block 2). S2 takes block 2
    (and so block 4), S1 blocks 1 and 3."""
    people = [("S1", "DS"), ("S2", "DS")]
    accs = [[p, "uc_supervisor", "2020-01-01", ""] for p, _ in people]
    sc = scenario(
        tmp_scenario, people, accs, rota(), requests=[["S1", "2027-02-10", "not_on_call", 5]]
    )
    g = solve_and_check(sc, "2027-02")
    days = holders(g)["OC"]
    assert days[date(2027, 2, 10)] == {"S2"} and days[date(2027, 2, 1)] == {"S1"}
    assert g.summary["requests"]["granted"] == 1


def _oc(pid, day, rid="OC"):
    tz = ZoneInfo("Europe/London")
    s = datetime(day.year, day.month, day.day, 8, tzinfo=tz)
    return Duty(staff_id=pid, date=day, duty=rid, site="UC", start=s, end=s + timedelta(days=1),
                hours=0, kind="on_call")  # fmt: skip


def test_checker_finds_on_call_breaches(tmp_path):
    """Hand-made: S1 holds only part of block 1, S1 holds blocks 2 and 3 (back to back),
    S2 holds block 4 while also on leave on 25 Feb, and S3 (a DC) holds nothing."""
    sc = make_scenario(tmp_path / "s", sites=UC_SITES, templates=OFFICE, extra=rota(),
                       staff=uc_staff(("S1", "DS"), ("S2", "DS"), ("S3", "DC")),
                       accreditations=[[p, "uc_supervisor", "2020-01-01", ""]
                                       for p in ("S1", "S2", "S3")],
                       absences=[["S2", "2027-02-25", "2027-02-25", "annual_leave", ""]],
                       officer_safety=False)  # fmt: skip
    first = date(2027, 2, 1)
    duties = [_oc("S1", first + timedelta(days=k)) for k in range(3)]
    duties += [_oc("S1", first + timedelta(days=k)) for k in range(7, 21)]
    duties += [_oc("S2", first + timedelta(days=k)) for k in range(21, 28)]
    duties += [_oc("S3", first + timedelta(days=3))]
    rep = check_duties(sc, "2027-02", duties)
    ids = {(v.rule, v.staff_id) for v in rep.violations}
    assert ("oncall.block", "S1") in ids
    assert ("oncall.back_to_back", "S1") in ids
    assert ("oncall.absence", "S2") in ids
    assert ("oncall.eligibility", "S3") in ids and ("oncall.block", "S3") in ids
    assert ("oncall.max_blocks", "S1") in ids  # blocks 1, 2 and 3
    assert rep.uncovered["on_call_days"] == 3  # 5-7 Feb: nobody at all


def test_history_that_cannot_be_continued_is_named(tmp_scenario):
    """The history has S1 on both rotas on 30 Nov (a hand-made mistake): both blocks in
    progress would have to continue with S1, but nobody is on two rotas at once. CP-SAT's
    assumptions name the contradicting input; it is left out and the month is planned."""
    tz = ZoneInfo("Europe/London")
    start = datetime(2026, 11, 30, 8, tzinfo=tz)
    row = ["S1", "2026-11-30", "X", "UC", start.isoformat(),
           (start + timedelta(days=1)).isoformat(), "0.00", "on_call"]  # fmt: skip
    hist = [[*row[:2], "SUP", *row[3:]], [*row[:2], "COV", *row[3:]]]
    people = [("S1", "DS"), ("S2", "DS"), ("S3", "DS")]
    accs = [[p, "uc_supervisor", "2020-01-01", ""] for p, _ in people]
    extra = rota("SUP") + rota("COV")
    sc = scenario(tmp_scenario, people, accs, extra, history=hist)
    g = solve_and_check(sc, "2026-12")
    dropped = g.summary["inputs_not_met"]
    assert len(dropped) == 1 and "S1" in dropped[0] and "block in progress" in dropped[0]
    assert g.result.status in ("OPTIMAL", "FEASIBLE")
    h = holders(g)
    first = date(2026, 12, 1)
    assert "S1" in h["SUP"][first] or "S1" in h["COV"][first]
    assert g.report.uncovered["on_call_days"] == 0
