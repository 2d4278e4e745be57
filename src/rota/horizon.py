"""The month made concrete (the horizon): days, bank holidays, shift instances and demand slots.

Times are real: every instant is held as whole minutes after the horizon's start
(00:00 local on the first day, converted to UTC), so durations across a clock change
are real elapsed time. Demand is an array per site over the slot grid, in UTC.
This module states facts about the month; it judges no rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

import holidays as holidays_lib
import numpy as np

from rota.domain.models import WEEKDAYS, DaySelector, Duty, hhmm_minutes
from rota.domain.scenario import Scenario
from rota.errors import InputError


def parse_month(text: str) -> tuple[int, int]:
    """'2026-12' -> (2026, 12); a bad month is a usage error (exit 2)."""
    try:
        y, m = text.split("-")
        year, month = int(y), int(m)
        if len(y) != 4 or len(m) != 2 or not 1 <= month <= 12:
            raise ValueError
    except ValueError:
        raise InputError("--month", f"'{text}' is not a month YYYY-MM") from None
    return year, month


def local_instant(day: date, hhmm: str, tz: ZoneInfo) -> datetime:
    """A wall-clock time on a day, as an aware UTC datetime (fold=0 at ambiguous times)."""
    m = hhmm_minutes(hhmm)
    return datetime.combine(day, time(m // 60, m % 60), tzinfo=tz).astimezone(UTC)


@dataclass(frozen=True)
class ShiftInstance:
    """A shift template on one day: real start and end, paid minutes, where it may be used."""

    index: int
    day: int  # horizon day index of the start
    code: str
    start: int  # minutes after the horizon start (real time)
    end: int
    paid_minutes: int
    night: bool
    sites: tuple[str, ...]

    @property
    def elapsed(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class SiteDemand:
    """Required counts at one site per slot (0 where nothing is demanded)."""

    officers: np.ndarray
    supervisors: np.ndarray
    skills: dict[str, np.ndarray]
    demanded: np.ndarray  # bool: some demand entry covers the slot (after closures)


@dataclass(frozen=True)
class Horizon:
    """One month of one scenario, concrete."""

    scenario: Scenario
    year: int
    month: int
    tz: ZoneInfo
    start_utc: datetime
    end_utc: datetime
    days: tuple[date, ...]
    bank_holidays: frozenset[date]
    shifts: tuple[ShiftInstance, ...]
    demand: dict[str, SiteDemand] = field(repr=False)

    # ------------------------------------------------------------- instants
    @property
    def slot(self) -> int:
        return self.scenario.rules.slot_minutes

    @property
    def n_days(self) -> int:
        return len(self.days)

    @property
    def n_slots(self) -> int:
        return self.minutes // self.slot

    @property
    def minutes(self) -> int:
        return int((self.end_utc - self.start_utc).total_seconds() // 60)

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def to_minutes(self, dt: datetime) -> int:
        """Minutes after the horizon start of an aware datetime (real elapsed time)."""
        return int((dt.astimezone(UTC) - self.start_utc).total_seconds() // 60)

    def to_datetime(self, minutes: int) -> datetime:
        """Local aware datetime of an instant given in minutes after the horizon start."""
        return (self.start_utc + timedelta(minutes=minutes)).astimezone(self.tz)

    def day_index(self, day: date) -> int:
        """Horizon index of a date (negative before the month)."""
        return (day - self.days[0]).days

    def date_of(self, index: int) -> date:
        return self.days[0] + timedelta(days=index)

    def local_date(self, dt: datetime) -> date:
        return dt.astimezone(self.tz).date()

    def day_start(self, index: int) -> int:
        """Minutes after the horizon start of 00:00 local on day `index`."""
        d = self.date_of(index)
        return self.to_minutes(datetime.combine(d, time(0), tzinfo=self.tz))

    def at(self, index: int, hhmm: str) -> int:
        """Minutes after the horizon start of a wall-clock time on day `index`."""
        return self.to_minutes(local_instant(self.date_of(index), hhmm, self.tz))

    def is_weekend(self, index: int) -> bool:
        return self.date_of(index).weekday() >= 5

    def is_bank_holiday(self, index: int) -> bool:
        return self.date_of(index) in self.bank_holidays

    def matches(self, selector: DaySelector, index: int) -> bool:
        """Day selectors: does the day selector select day `index`?"""
        d = self.date_of(index)
        if selector == "all":
            return True
        if selector == "weekdays":
            return d.weekday() < 5
        if selector == "weekends":
            return d.weekday() >= 5
        if selector == "bank_holidays":
            return d in self.bank_holidays
        return WEEKDAYS[d.weekday()] in selector

    @cached_property
    def shifts_by_day(self) -> dict[int, list[ShiftInstance]]:
        out: dict[int, list[ShiftInstance]] = {i: [] for i in range(self.n_days)}
        for s in self.shifts:
            out[s.day].append(s)
        return out

    @cached_property
    def shift_at(self) -> dict[tuple[int, str], ShiftInstance]:
        return {(s.day, s.code): s for s in self.shifts}

    def instance_of(self, day: int, code: str) -> ShiftInstance | None:
        return self.shift_at.get((day, code))

    def slot_range(self, start: int, end: int) -> tuple[int, int]:
        """Slots [a, b) of the horizon that the interval [start, end) touches, clipped."""
        a = max(0, start // self.slot)
        b = min(self.n_slots, -(-end // self.slot))
        return a, max(a, b)

    @cached_property
    def skills(self) -> tuple[str, ...]:
        names: set[str] = set()
        for d in self.demand.values():
            names.update(d.skills)
        return tuple(sorted(names))


def _bank_holidays(spec: str, years: list[int]) -> frozenset[date]:
    country, _, subdiv = spec.partition("-")
    try:
        found = holidays_lib.country_holidays(country, subdiv=subdiv or None, years=years)
    except (NotImplementedError, KeyError, ValueError) as exc:
        raise InputError(
            "scenario.toml", f"unknown bank holiday calendar '{spec}': {exc}",
            field="scenario.bank_holidays",
        ) from None  # fmt: skip
    return frozenset(found.keys())


def build_horizon(scenario: Scenario, month: str) -> Horizon:
    """Expand a scenario over a calendar month (the horizon)."""
    year, mon = parse_month(month)
    cfg = scenario.config
    tz = ZoneInfo(cfg.scenario.timezone)
    first = date(year, mon, 1)
    nxt = date(year + (mon == 12), mon % 12 + 1, 1)
    days = tuple(first + timedelta(days=i) for i in range((nxt - first).days))
    start_utc = datetime.combine(first, time(0), tzinfo=tz).astimezone(UTC)
    end_utc = datetime.combine(nxt, time(0), tzinfo=tz).astimezone(UTC)
    bh = _bank_holidays(cfg.scenario.bank_holidays, [year - 1, year, year + 1])
    proto = Horizon(
        scenario=scenario, year=year, month=mon, tz=tz, start_utc=start_utc, end_utc=end_utc,
        days=days, bank_holidays=bh, shifts=(), demand={},
    )  # fmt: skip

    site_ids = tuple(scenario.sites)
    shifts: list[ShiftInstance] = []
    for d in range(len(days)):
        for t in cfg.shift_templates:
            if not proto.matches(t.days, d):
                continue
            start = proto.at(d, t.start)
            end_day = d + (1 if hhmm_minutes(t.end) <= hhmm_minutes(t.start) else 0)
            end = proto.at(end_day, t.end)
            sites = site_ids if t.sites == "*" else tuple(t.sites)
            shifts.append(
                ShiftInstance(
                    index=len(shifts),
                    day=d,
                    code=t.code,
                    start=start,
                    end=end,
                    paid_minutes=end - start - t.unpaid_break_minutes,
                    night=t.is_night,
                    sites=sites,
                )  # fmt: skip
            )

    n_slots = proto.n_slots
    slot = proto.slot
    demand: dict[str, SiteDemand] = {}
    for sid in site_ids:
        skill_names = sorted({k for dm in cfg.demand if dm.site == sid for k in dm.skills})
        demand[sid] = SiteDemand(
            officers=np.zeros(n_slots, dtype=np.int64),
            supervisors=np.zeros(n_slots, dtype=np.int64),
            skills={k: np.zeros(n_slots, dtype=np.int64) for k in skill_names},
            demanded=np.zeros(n_slots, dtype=bool),
        )

    def window(d: int, frm: str, to: str) -> tuple[int, int]:
        a = proto.at(d, frm)
        end_day = d + (1 if hhmm_minutes(to) <= hhmm_minutes(frm) else 0)
        b = proto.at(end_day, to)
        return max(0, a // slot), min(n_slots, b // slot)

    for dm in cfg.demand:
        sd = demand[dm.site]
        for d in range(len(days)):
            if not proto.matches(dm.days, d):
                continue
            a, b = window(d, dm.from_, dm.to)
            if a >= b:
                continue
            # several entries at one instant: each count is the maximum of theirs
            np.maximum(sd.officers[a:b], dm.officers, out=sd.officers[a:b])
            np.maximum(sd.supervisors[a:b], dm.supervisors, out=sd.supervisors[a:b])
            for k, v in dm.skills.items():
                np.maximum(sd.skills[k][a:b], v, out=sd.skills[k][a:b])
            sd.demanded[a:b] = True
    for cl in cfg.closures:
        sd = demand[cl.site]
        for day in cl.dates:
            d = proto.day_index(day)
            a, b = window(d, cl.from_, cl.to)
            if a >= b:
                continue
            sd.officers[a:b] = 0
            sd.supervisors[a:b] = 0
            for arr in sd.skills.values():
                arr[a:b] = 0
            sd.demanded[a:b] = False
    return Horizon(
        scenario=scenario, year=year, month=mon, tz=tz, start_utc=start_utc, end_utc=end_utc,
        days=days, bank_holidays=bh, shifts=tuple(shifts), demand=demand,
    )  # fmt: skip


def night_minutes(start: datetime, end: datetime, tz: ZoneInfo) -> int:
    """Real minutes of [start, end) that fall within 23:00-06:00 local time (WTR reg 2)."""
    total = 0
    day = start.astimezone(tz).date() - timedelta(days=1)
    last = end.astimezone(tz).date()
    while day <= last:
        a = datetime.combine(day, time(23), tzinfo=tz).astimezone(UTC)
        b = datetime.combine(day + timedelta(days=1), time(6), tzinfo=tz).astimezone(UTC)
        lo, hi = max(a, start.astimezone(UTC)), min(b, end.astimezone(UTC))
        if hi > lo:
            total += int((hi - lo).total_seconds() // 60)
        day += timedelta(days=1)
    return total


def duty_is_night(h: Horizon, duty: Duty) -> bool:
    """A template's own night flag; for an unknown code, >= 3 h within 23:00-06:00."""
    t = h.scenario.templates.get(duty.duty)
    if t is not None:
        return t.is_night
    return night_minutes(duty.start, duty.end, h.tz) >= 180
