"""What a change to a published roster is, and what it costs: measured alike by the
solver (solve/families/changes.py) and the checker (check/families/changes.py).

A change is one person's day that differs from the published roster: a shift removed,
added, moved to another site or another start, or an on-call day given to someone
else. Its *notice* is the days from the day the change is notified to the day of the
duty. Its *class* says what the Police Regulations make of it:

- a rest day worked (no duty was published that day): at under 15 days' notice it is
  paid at time and a half; with 15 days or more, another rest day is fixed within
  4 days instead (PR 2003 reg 26, Annex H);
- a public holiday worked: at under 8 days' notice, double time and a day in lieu;
  at under 15 days it needs a senior officer's authority (PR 2003 reg 26, Annex H);
  here it is costed as a rest day worked at short notice;
- a duty cancelled, a start time changed, a site changed: no pay of their own, but
  each disturbs the officer's plans;
- a duty removed because the officer is now absent, which costs nothing: it is the
  fact the repair answers.

Costs are in objective units: `change_duty` per changed duty (doubled at no notice,
falling to once at 28 days or more, so a repair prefers changes far ahead) and
`premium_hour` per hour of premium pay (time and a half: 1.5 per hour worked;
double time: 2, and 8 hours for the day in lieu).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rota.domain.models import Duty
from rota.domain.scenario import Published
from rota.horizon import Horizon
from rota.measures import on_call_blocks, scale_of

REST_DAY_NOTICE = 15  # days: under it, a rest day worked is paid at time and a half
HOLIDAY_NOTICE = 8  # days: under it, a public holiday worked is double time and a day in lieu
FULL_NOTICE = 28  # days: a change this far ahead disturbs least
DAY_IN_LIEU_HOURS = 8

PR_REST = "Police Regulations 2003 reg 26 and Annex H (rest days)"
PR_HOLIDAY = "Police Regulations 2003 reg 26 and Annex H (public holidays)"
UNIT = "unit policy (changes to a published roster, weighed by [weights] change_duty)"


@dataclass(frozen=True)
class ChangeClass:
    id: str
    text: str
    source: str
    premium: float = 0.0  # hours of premium pay per hour of the new duty
    in_lieu: float = 0.0  # hours given in lieu
    disturbs: bool = True  # costs change_duty


CLASSES: dict[str, ChangeClass] = {
    c.id: c
    for c in (
        ChangeClass("absence", "duty removed: the officer is absent", UNIT, disturbs=False),
        ChangeClass("duty_cancelled", "duty cancelled: a day off instead", UNIT),
        ChangeClass("start_changed", "another shift that day", UNIT),
        ChangeClass("site_moved", "the same shift at another site", UNIT),
        ChangeClass("rest_day_worked", "rest day worked at under 15 days' notice: "
                    "time and a half", PR_REST, premium=1.5),
        ChangeClass("rest_day_moved", "rest day worked with 15 days' notice or more: "
                    "another rest day fixed within 4 days", PR_REST),
        ChangeClass("holiday_worked", "public holiday worked at under 8 days' notice: "
                    "double time and a day in lieu", PR_HOLIDAY, premium=2.0,
                    in_lieu=DAY_IN_LIEU_HOURS),
        ChangeClass("holiday_authority", "public holiday worked at 8 to 14 days' notice: "
                    "needs a senior officer's authority (costed as time and a half)",
                    PR_HOLIDAY, premium=1.5),
        ChangeClass("holiday_moved", "public holiday worked with 15 days' notice or more: "
                    "another day off fixed", PR_HOLIDAY),
        ChangeClass("on_call_changed", "on-call day given to or taken from the officer", UNIT),
        ChangeClass("on_call_absence", "on-call day removed: the officer is absent", UNIT,
                    disturbs=False),
    )
}  # fmt: skip

Slot = tuple[str, str]  # (duty code, site): what a person works on a day


def published(h: Horizon) -> Published:
    pub = h.scenario.published
    if pub is None:
        raise ValueError("the month is not a repair: it has no published roster")
    return pub


def since_minutes(h: Horizon) -> int:
    """The instant before which every duty stands as published, in horizon minutes."""
    return h.to_minutes(published(h).since)


def published_shifts(h: Horizon) -> dict[tuple[str, int], Slot]:
    """(person, day index) -> the published shift's (code, site), days of the month only."""
    out: dict[tuple[str, int], Slot] = {}
    for d in published(h).duties:
        day = h.day_index(d.date)
        if d.kind == "shift" and 0 <= day < h.n_days:
            out[d.staff_id, day] = (d.duty, d.site)
    return out


def published_on_call(h: Horizon) -> set[tuple[str, str, int]]:
    """(rota, person, day index) of every published on-call day of the month held by the
    block's holder (a day handed over in part stays the holder's; the one covering the
    rest of it holds no day of the block)."""
    sc = h.scenario
    whole: set[tuple[str, str, int]] = set()
    parts: set[tuple[str, str, int]] = set()
    for d in published(h).duties:
        day = h.day_index(d.date)
        if d.kind != "on_call" or d.duty not in sc.on_call or not 0 <= day < h.n_days:
            continue
        r = sc.on_call[d.duty]
        full = (h.at(day, r.handover), h.at(day + 1, r.handover))
        key = (d.duty, d.staff_id, day)
        (whole if (h.to_minutes(d.start), h.to_minutes(d.end)) == full else parts).add(key)
    out = set(whole)
    for rota, pid, day in parts:
        block = next((ds for _f, ds in on_call_blocks(h, rota) if day in ds), [day])
        if any((rota, pid, x) in whole for x in block):
            out.add((rota, pid, day))
    return out


def frozen_days(h: Horizon) -> dict[str, set[int]]:
    """Per on-call rota, the days of the month in blocks that began before the repair's
    instant."""
    out: dict[str, set[int]] = {}
    for rota in h.scenario.on_call:
        blocks = on_call_blocks(h, rota)
        out[rota] = {d for i in frozen_blocks(h, rota) for d in blocks[i][1]}
    return out


def frozen_on_call_rows(h: Horizon) -> list[Duty]:
    """The published on-call rows of the blocks that began before the repair's instant:
    written as published (handovers in part included), whoever the solver's blocks say."""
    keep = frozen_days(h)
    return [d for d in published(h).duties if d.kind == "on_call"
            and h.day_index(d.date) in keep.get(d.duty, set())]  # fmt: skip


def frozen_blocks(h: Horizon, rota: str) -> set[int]:
    """Indices of the rota's blocks that start before the repair's instant (held whole,
    so kept as published)."""
    cut = since_minutes(h)
    handover = h.scenario.on_call[rota].handover
    return {i for i, (first, _days) in enumerate(on_call_blocks(h, rota))
            if h.at(first, handover) < cut}  # fmt: skip


def notice_days(h: Horizon, day: int) -> int:
    """Days of notice of a change to day `day`: from the day it is notified."""
    return (h.date_of(day) - published(h).notified).days


def shift_class(h: Horizon, staff_id: str, day: int, old: Slot | None, new: Slot | None) -> str:
    """The class of a change of a person's shift on a day (old != new)."""
    if new is None:
        absence = h.scenario.absence_on(staff_id, h.date_of(day))
        return "absence" if absence is not None and absence.kind != "restricted" else (
            "duty_cancelled")  # fmt: skip
    if old is not None:
        return "site_moved" if old[0] == new[0] else "start_changed"
    notice = notice_days(h, day)
    if h.is_bank_holiday(day):
        if notice < HOLIDAY_NOTICE:
            return "holiday_worked"
        return "holiday_authority" if notice < REST_DAY_NOTICE else "holiday_moved"
    return "rest_day_worked" if notice < REST_DAY_NOTICE else "rest_day_moved"


def on_call_class(h: Horizon, staff_id: str, day: int, held_before: bool) -> str:
    absence = h.scenario.absence_on(staff_id, h.date_of(day))
    if held_before and absence is not None and absence.kind != "restricted":
        return "on_call_absence"
    return "on_call_changed"


def disturbance(h: Horizon, cls: str, day: int) -> int:
    """Objective units of `change_duty` for one change of class `cls` on day `day`."""
    if not CLASSES[cls].disturbs:
        return 0
    notice = max(0, min(FULL_NOTICE, notice_days(h, day)))
    w = h.scenario.weights.change_duty * scale_of(h).per_hour
    return w * (2 * FULL_NOTICE - notice) // FULL_NOTICE


def premium(h: Horizon, cls: str, paid_minutes: int) -> int:
    """Objective units of `premium_hour` for a change of class `cls` to a duty of
    `paid_minutes`."""
    c = CLASSES[cls]
    hours = c.premium * paid_minutes / 60 + c.in_lieu
    return int(round(hours * h.scenario.weights.premium_hour * scale_of(h).per_hour))


@dataclass(frozen=True)
class Change:
    """One changed day of one person (a row of changes.csv)."""

    staff_id: str
    day: date
    old: str  # "CODE@SITE", an on-call rota id, or "" (off)
    new: str
    notice_days: int
    cls: str
    disturbance: int  # objective units
    premium: int

    @property
    def regulation(self) -> str:
        return CLASSES[self.cls].source


def slot_text(slot: Slot | None) -> str:
    return "" if slot is None else f"{slot[0]}@{slot[1]}"


def changes_between(h: Horizon, new_shifts: dict[tuple[str, int], tuple[Slot, int]],
                    new_on_call: set[tuple[str, str, int]]) -> list[Change]:  # fmt: skip
    """Every change from the published roster to a roster given as its shifts ((person,
    day) -> (code, site) and paid minutes) and on-call days ((rota, person, day))."""
    old = published_shifts(h)
    out: list[Change] = []
    for key in sorted(set(old) | set(new_shifts)):
        pid, day = key
        before = old.get(key)
        after, paid = new_shifts.get(key, (None, 0))
        if before == after:
            continue
        cls = shift_class(h, pid, day, before, after)
        out.append(Change(pid, h.date_of(day), slot_text(before), slot_text(after),
                          notice_days(h, day), cls, disturbance(h, cls, day),
                          premium(h, cls, paid)))  # fmt: skip
    old_oc = published_on_call(h)
    for rota, pid, day in sorted(old_oc ^ new_on_call):
        held = (rota, pid, day) in old_oc
        cls = on_call_class(h, pid, day, held)
        out.append(Change(pid, h.date_of(day), rota if held else "", "" if held else rota,
                          notice_days(h, day), cls, disturbance(h, cls, day), 0))  # fmt: skip
    out.sort(key=lambda c: (c.day, c.staff_id, c.old, c.new))
    return out
