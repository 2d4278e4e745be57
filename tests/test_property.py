"""Property: on random small scenarios every generated roster passes the checker, and
the solver's own uncovered time and penalties equal what the checker measures."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import make_scenario, solve_and_check

SITES = """
[[sites]]
id = "A"
operational = true
supervision = "on_site"
[[sites]]
id = "B"
operational = true
supervision = "region"
[[sites]]
id = "C"
operational = false
"""
TEMPLATES = """
[[shift_templates]]
code = "E"
start = "06:00"
end = "14:00"
sites = ["A"]
[[shift_templates]]
code = "L"
start = "14:00"
end = "22:00"
sites = ["A"]
[[shift_templates]]
code = "N"
start = "22:00"
end = "06:00"
sites = ["A"]
[[shift_templates]]
code = "D"
start = "08:00"
end = "18:00"
unpaid_break_minutes = 60
sites = ["B", "C"]
days = "weekdays"
"""

MONTHS = {"2027-02": (date(2027, 2, 1), 28), "2026-10": (date(2026, 10, 1), 31),
          "2027-03": (date(2027, 3, 1), 31)}  # fmt: skip


@st.composite
def scenarios(draw):
    month = draw(st.sampled_from(sorted(MONTHS)))
    first, ndays = MONTHS[month]
    n = draw(st.integers(2, 5))
    staff, accs, absences, history = [], [], [], []
    for i in range(n):
        sid = f"P{i}"
        rank = draw(st.sampled_from(["PS", "PC", "PC"]))
        base = draw(st.sampled_from(["A", "A", "B", "C"]))
        hours = draw(st.sampled_from([0, 20, 40, 40]))
        allowed = draw(st.sampled_from(["", "B", "A;C"]))
        staff.append([sid, f"N{i}", rank, "BORDER", base, hours, "2020-01-01", allowed])
        until = draw(st.sampled_from(["", (first + timedelta(days=10)).isoformat()]))
        accs.append([sid, "officer_safety", "2026-01-01", until])
        if draw(st.booleans()):
            start = first + timedelta(days=draw(st.integers(-10, ndays - 1)))
            accs.append([sid, "schedule7", start.isoformat(), ""])
        if rank == "PC" and draw(st.booleans()):
            accs.append(
                [
                    sid,
                    "acting_sergeant",
                    first.isoformat(),
                    (first + timedelta(days=draw(st.integers(0, ndays)))).isoformat(),
                ]
            )
        if draw(st.booleans()):
            a = draw(st.integers(0, ndays - 1))
            kind = draw(st.sampled_from(["annual_leave", "sickness", "restricted", "court"]))
            absences.append([sid, (first + timedelta(days=a)).isoformat(),
                             (first + timedelta(days=a + draw(st.integers(0, 6)))).isoformat(),
                             kind, ""])  # fmt: skip
        if draw(st.booleans()):
            # a night or an early in the last days of the previous month
            back = draw(st.integers(1, 3))
            d = first - timedelta(days=back)
            code = draw(st.sampled_from(["N", "E"]))
            if code == "N":
                s, e = f"{d}T22:00:00+00:00", f"{d + timedelta(days=1)}T06:00:00+00:00"
            else:
                s, e = f"{d}T06:00:00+00:00", f"{d}T14:00:00+00:00"
            history.append([sid, d.isoformat(), code, "A", s, e, "8.00", "shift"])
    demand = ""
    for _ in range(draw(st.integers(1, 4))):
        site = draw(st.sampled_from(["A", "A", "B", "C"]))
        frm = draw(st.integers(0, 23))
        length = draw(st.integers(2, 16))
        to = (frm + length) % 24
        officers = draw(st.integers(1, 2))
        demand += (
            f'[[demand]]\nsite = "{site}"\ndays = "{draw(st.sampled_from(["all", "weekends"]))}"\n'
            f'from = "{frm:02d}:00"\nto = "{to:02d}:00"\nofficers = {officers}\n'
            f"supervisors = {draw(st.integers(0, 1))}\n"
            f"skills = {{ schedule7 = {draw(st.integers(0, officers))} }}\n"
        )
    rules = (
        f"min_rest_hours = {draw(st.sampled_from([8, 11]))}\n"
        f"max_consecutive_duty_days = {draw(st.integers(3, 6))}\n"
        f"min_days_off_per_week = {draw(st.integers(1, 2))}\n"
        f"max_consecutive_nights = {draw(st.integers(2, 4))}\n"
        f"rest_after_nights_hours = {draw(st.sampled_from([0, 24, 46]))}\n"
        f"max_over_contract_hours = {draw(st.sampled_from([0, 16]))}\n"
        f"home_site_only = {draw(st.sampled_from(['true', 'false']))}\n"
        f"supervisor_whenever_staffed = {draw(st.sampled_from(['true', 'false']))}\n"
    )
    return dict(month=month, staff=staff, accreditations=accs, absences=absences,
                history=history or None, demand=demand, rules=rules)  # fmt: skip


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(spec=scenarios())
def test_every_roster_passes_the_checker(tmp_path_factory, spec):
    month = spec.pop("month")
    folder = make_scenario(tmp_path_factory.mktemp("p"), sites=SITES, templates=TEMPLATES,
                           officer_safety=False, **spec)  # fmt: skip
    g = solve_and_check(folder, month, effort=2)
    assert g.summary["uncovered"] == g.report.uncovered
