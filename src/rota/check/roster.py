"""A roster prepared for checking: its shifts (and the history's) in real minutes, per
person and in time order, and its on-call days. Every rule family reads this view; it
judges nothing itself."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from rota.domain.models import Duty, Staff
from rota.horizon import Horizon, ShiftInstance, duty_is_night

if TYPE_CHECKING:
    from rota.check.report import Violation

# a family's rules on one person: (horizon, person, their shifts in time order)
PersonRules = Callable[[Horizon, Staff, list["PersonShift"]], list["Violation"]]


@dataclass(frozen=True)
class PersonShift:
    """A shift as the rules see it: who, the day it starts, where, real minutes."""

    staff_id: str
    day: int
    code: str
    site: str
    start: int
    end: int
    paid: int
    night: bool
    history: bool


def shift_of(h: Horizon, d: Duty, history: bool) -> PersonShift:
    """A shift row of a roster (or of the history) as the rules see it."""
    start, end = h.to_minutes(d.start), h.to_minutes(d.end)
    t = h.scenario.templates.get(d.duty)
    brk = t.unpaid_break_minutes if t else 0
    return PersonShift(
        staff_id=d.staff_id, day=h.day_index(h.local_date(d.start)), code=d.duty, site=d.site,
        start=start, end=end, paid=end - start - brk, night=duty_is_night(h, d), history=history,
    )  # fmt: skip


def shift_at(h: Horizon, staff_id: str, inst: ShiftInstance, site: str) -> PersonShift:
    """A shift instance worked by a person, as the rules see it."""
    return PersonShift(
        staff_id=staff_id, day=inst.day, code=inst.code, site=site, start=inst.start,
        end=inst.end, paid=inst.paid_minutes, night=inst.night, history=False,
    )  # fmt: skip


def history_of(h: Horizon) -> dict[str, list[PersonShift]]:
    """Each person's shifts from the history (those starting before the month)."""
    out: dict[str, list[PersonShift]] = defaultdict(list)
    for d in h.scenario.history:
        if d.kind == "shift" and h.day_index(h.local_date(d.start)) < 0:
            out[d.staff_id].append(shift_of(h, d, True))
    return out


@dataclass
class Roster:
    """The duties of a month, with the history's shifts, ready for the rules."""

    h: Horizon
    duties: list[Duty]
    memo: dict[str, object] = field(default_factory=dict)  # measures the families share

    @cached_property
    def history(self) -> list[PersonShift]:
        return [s for shifts in history_of(self.h).values() for s in shifts]

    @cached_property
    def shifts(self) -> list[PersonShift]:
        """The month's shifts (not the history's)."""
        return [shift_of(self.h, d, False) for d in self.duties if d.kind == "shift"]

    @cached_property
    def shift_rows(self) -> list[tuple[Duty, PersonShift]]:
        return [(d, shift_of(self.h, d, False)) for d in self.duties if d.kind == "shift"]

    @cached_property
    def on_call_rows(self) -> list[Duty]:
        return [d for d in self.duties if d.kind == "on_call"]

    @cached_property
    def by_person(self) -> dict[str, list[PersonShift]]:
        """Each person's shifts, the history's included, in time order."""
        out: dict[str, list[PersonShift]] = defaultdict(list)
        for s in self.history + self.shifts:
            out[s.staff_id].append(s)
        for shifts in out.values():
            shifts.sort(key=lambda s: s.start)
        return out

    def each_person(self, rules: PersonRules) -> list[Violation]:
        """A family's rules on one person's shifts (the history's included, in time
        order), for everyone in staff.csv."""
        out: list[Violation] = []
        for p in self.h.scenario.staff:
            out += rules(self.h, p, self.by_person.get(p.staff_id, []))
        return out

    @cached_property
    def month_by_person(self) -> dict[str, list[PersonShift]]:
        out: dict[str, list[PersonShift]] = defaultdict(list)
        for s in self.shifts:
            out[s.staff_id].append(s)
        return out
