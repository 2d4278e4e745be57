"""The month made concrete: clock changes in real time, bank holidays, demand slots."""

from __future__ import annotations

from conftest import make_scenario, solve_and_check
from rota.horizon import build_horizon
from rota.io.load import load_scenario

DEMAND = """
[[demand]]
site = "A"
from = "06:00"
to = "22:00"
officers = 1
[[demand]]
site = "A"
days = ["sat", "sun"]
from = "10:00"
to = "14:00"
officers = 3
skills = { schedule7 = 1 }
[[demand]]
site = "A"
from = "22:00"
to = "06:00"
officers = 1
"""


def horizon(tmp_path, month, **kw):
    sc = make_scenario(tmp_path / month, demand=kw.pop("demand", DEMAND), **kw)
    return build_horizon(load_scenario(sc), month)


def test_october_clock_change_night_is_nine_hours(tmp_path):
    """25 Oct 2026: clocks go back at 02:00 BST. The night of the 24th is 9 h; the
    month has 31 x 24 + 1 = 745 hours."""
    h = horizon(tmp_path, "2026-10")
    assert h.n_slots == 745
    n24 = h.instance_of(23, "N")
    assert n24.paid_minutes == 9 * 60
    assert h.to_datetime(n24.start).isoformat() == "2026-10-24T22:00:00+01:00"
    assert h.to_datetime(n24.end).isoformat() == "2026-10-25T06:00:00+00:00"
    assert h.instance_of(24, "N").paid_minutes == 8 * 60


def test_march_clock_change_night_is_seven_hours(tmp_path):
    """28 Mar 2027: clocks go forward at 01:00 GMT. The night of the 27th is 7 h; the
    month has 31 x 24 - 1 = 743 hours."""
    h = horizon(tmp_path, "2027-03")
    assert h.n_slots == 743
    assert h.instance_of(26, "N").paid_minutes == 7 * 60
    assert h.to_datetime(h.instance_of(27, "E").start).isoformat() == "2027-03-28T06:00:00+01:00"


def test_demand_takes_the_maximum_of_overlapping_entries(tmp_path):
    """Saturday 6 Feb 2027 11:00: the all-days entry wants 1, the weekend one 3: 3."""
    h = horizon(tmp_path, "2027-02")
    d = h.demand["A"]
    sat_11 = 5 * 24 + 11
    assert d.officers[sat_11] == 3 and d.skills["schedule7"][sat_11] == 1
    mon_11 = 11
    assert d.officers[mon_11] == 1 and d.skills["schedule7"][mon_11] == 0
    # the first hours of the month belong to January's last night: not demanded
    assert not d.demanded[:6].any() and d.demanded[6]
    # the last night is measured to midnight
    assert d.demanded[-1]


def test_bank_holidays_are_a_category_of_their_own(tmp_path):
    """December 2026 (England): 25th (Fri), 26th (Sat) and the substitute 28th (Mon)."""
    h = horizon(tmp_path, "2026-12", demand='[[demand]]\nsite = "A"\ndays = "bank_holidays"\n'
                'from = "08:00"\nto = "16:00"\nofficers = 2\n')  # fmt: skip
    bh = sorted(d for d in h.bank_holidays if d.year == 2026 and d.month == 12)
    assert [d.day for d in bh] == [25, 26, 28]
    assert h.matches("mon", 27) and h.matches("weekdays", 27) and h.matches("bank_holidays", 27)
    demanded_days = sorted({i // 24 + 1 for i in range(h.n_slots) if h.demand["A"].demanded[i]})
    assert demanded_days == [25, 26, 28]


def test_clock_change_months_solve_and_check(tmp_path):
    """October 2026 and March 2027 solved and checked end to end: the 9 h and 7 h
    nights are exported with their real hours and offsets."""
    staff = [[f"S{i}", "PS", "A", 40] for i in range(1, 8)]
    night = '[[demand]]\nsite = "A"\nfrom = "22:00"\nto = "06:00"\nofficers = 1\n'
    day = '[[demand]]\nsite = "A"\nfrom = "06:00"\nto = "22:00"\nofficers = 1\n'
    for month, night_day, hours in (("2026-10", 24, 9.0), ("2027-03", 27, 7.0)):
        sc = make_scenario(tmp_path / f"m{month}", demand=day + night, staff=staff)
        g = solve_and_check(sc, month)
        assert g.report.uncovered["officer_hours"] == 0
        nights = [d for d in g.result.duties if d.duty == "N" and d.date.day == night_day]
        assert nights and all(d.hours == hours for d in nights)
