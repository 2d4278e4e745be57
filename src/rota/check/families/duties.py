"""Duties as written: templates, one shift a day, the longest shift.

Rule ids: duty.template, duty.one_per_day, duty.max_shift_hours (solver:
solve/families/duties.py, where only template instances become variables).
"""

from __future__ import annotations

from collections import defaultdict

from rota.check.report import Violation
from rota.check.roster import PersonShift, Roster
from rota.domain.models import Duty, Staff
from rota.horizon import Horizon

RULES = ("duty.template", "duty.one_per_day", "duty.max_shift_hours")


def _template(h: Horizon, d: Duty, s: PersonShift) -> list[Violation]:
    """duty.template: the row is an instance of a template, as the template has it."""
    sc = h.scenario
    t = sc.templates.get(d.duty)
    out: list[Violation] = []
    v = out.append
    if t is None:
        return [Violation("duty.template", d.staff_id, d.date, f"unknown shift code '{d.duty}'")]
    if h.local_date(d.start) != d.date:
        v(Violation("duty.template", d.staff_id, d.date,
                    f"date {d.date} is not the day the duty starts "
                    f"({h.local_date(d.start)})"))  # fmt: skip
    day = h.day_index(d.date)
    inst = h.instance_of(day, d.duty)
    if inst is None:
        v(Violation("duty.template", d.staff_id, d.date, f"{d.duty} is not worked on {d.date}"))
        return out
    if d.site not in inst.sites:
        v(Violation("duty.template", d.staff_id, d.date, f"{d.duty} is not used at {d.site}"))
    if (s.start, s.end) != (inst.start, inst.end):
        v(Violation("duty.template", d.staff_id, d.date,
                    f"{d.duty} runs {h.to_datetime(inst.start).isoformat()} to "
                    f"{h.to_datetime(inst.end).isoformat()}, not as written"))  # fmt: skip
    if abs(d.hours - s.paid / 60) > 0.01:
        v(Violation("duty.template", d.staff_id, d.date,
                    f"hours {d.hours:g} should be {s.paid / 60:.2f}"))  # fmt: skip
    return out


def person(h: Horizon, p: Staff, mine: list[PersonShift]) -> list[Violation]:
    """duty.one_per_day and duty.max_shift_hours on one person's shifts (history too)."""
    rules = h.scenario.rules
    pid = p.staff_id
    out: list[Violation] = []
    per_day: dict[int, list[PersonShift]] = defaultdict(list)
    for s in mine:
        per_day[s.day].append(s)
    for s in mine:
        if s.history:
            continue
        day = h.date_of(s.day)
        if len(per_day[s.day]) > 1 and s is per_day[s.day][1]:
            out.append(Violation("duty.one_per_day", pid, day,
                                 f"{len(per_day[s.day])} shifts start"))  # fmt: skip
        if s.paid > rules.max_shift_hours * 60:
            out.append(Violation("duty.max_shift_hours", pid, day,
                                 f"{s.code} is {s.paid / 60:g} paid hours (max "
                                 f"{rules.max_shift_hours:g})"))  # fmt: skip
    return out


def _on_call_template(h: Horizon, d: Duty) -> list[Violation]:
    """duty.template for an on-call row: a known rota, within its day from handover to
    the next day's (the whole day, or a part of it handed over: rota swap's override)."""
    r = h.scenario.on_call.get(d.duty)
    if r is None:
        return [Violation("duty.template", d.staff_id, d.date, f"unknown on-call rota '{d.duty}'")]
    day = h.day_index(d.date)
    lo, hi = h.at(day, r.handover), h.at(day + 1, r.handover)
    if not lo <= h.to_minutes(d.start) < h.to_minutes(d.end) <= hi:
        return [Violation("duty.template", d.staff_id, d.date,
                          f"{r.id} runs from handover {r.handover} to the next day's")]  # fmt: skip
    return []


def check_duties(h: Horizon, roster: Roster) -> list[Violation]:
    out = [v for d, s in roster.shift_rows for v in _template(h, d, s)]
    out += [v for d in roster.on_call_rows for v in _on_call_template(h, d)]
    return out + roster.each_person(person)
