"""Pydantic models of a scenario (the scenario format): frozen, validated, no solver and no I/O.

Each model validates what can be judged from its own fields; cross-record checks
(unknown site, duplicate id, ...) run in :class:`rota.domain.scenario.Scenario`.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_SELECTOR_WORDS = ("all", "weekdays", "weekends", "bank_holidays")
ABSENCE_KINDS = ("annual_leave", "sickness", "training", "court", "restricted", "other")
# grid.csv codes for absences (the roster folder); `other` gets OT (an addition to the contract).
ABSENCE_CODES = {
    "annual_leave": "AL",
    "sickness": "SK",
    "training": "TR",
    "court": "CT",
    "restricted": "RS",
    "other": "OT",
}
# Ranks and grades `rota` knows; a scenario may add its own with `[scenario] ranks`.
KNOWN_RANKS = (
    "PC", "DC", "PS", "DS", "INSP", "DI", "CI", "DCI", "SUPT", "DSU", "CSUPT", "DCS",
    "SO1", "SO2", "SO3", "PCSO", "STAFF",
)  # fmt: skip

_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_SITE_ID = re.compile(r"^[A-Z][A-Z0-9_-]{0,15}$")


class Frozen(BaseModel):
    """Base of every input model: immutable, unknown fields rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def hhmm_minutes(value: str) -> int:
    """Minutes after midnight of an "HH:MM" string (validated by :func:`check_hhmm`)."""
    h, m = value.split(":")
    return int(h) * 60 + int(m)


def check_hhmm(value: str) -> str:
    if not isinstance(value, str) or not _HHMM.match(value):
        raise ValueError(f"'{value}' is not a time HH:MM (00:00-23:59)")
    return value


DaySelector = str | list[str]


def check_day_selector(value: DaySelector) -> DaySelector:
    """A day selector (the scenario format): one word, or a list of weekday names."""
    if isinstance(value, str):
        if value not in DAY_SELECTOR_WORDS:
            raise ValueError(
                f"'{value}' is not a day selector (one of {', '.join(DAY_SELECTOR_WORDS)}, "
                "or a list of mon..sun)"
            )
        return value
    if not value:
        raise ValueError("an empty list of days selects no day")
    for day in value:
        if day not in WEEKDAYS:
            raise ValueError(f"'{day}' is not a weekday (mon..sun)")
    return value


class ScenarioInfo(Frozen):
    name: str
    timezone: str = "Europe/London"
    bank_holidays: str = "GB-ENG"
    supervisor_ranks: list[str] = ["PS", "DS", "DI"]
    ranks: list[str] = []  # optional addition: extra ranks this scenario uses

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", v):
            raise ValueError(f"'{v}' must be letters, digits, '.', '_' or '-' (used in paths)")
        return v


class Files(Frozen):
    staff: str = "staff.csv"
    accreditations: str = "accreditations.csv"
    absences: str = "absences.csv"
    requests: str = "requests.csv"
    history: str = "history.csv"


class Site(Frozen):
    id: str
    name: str = ""
    operational: bool = True
    supervision: Literal["on_site", "region"] = "on_site"

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not _SITE_ID.match(v):
            raise ValueError(f"'{v}' must be a short upper-case id (A-Z, 0-9, _ or -)")
        return v


class ShiftTemplate(Frozen):
    code: str
    start: str
    end: str
    unpaid_break_minutes: int = Field(default=0, ge=0)
    sites: list[str] | Literal["*"] = "*"
    days: DaySelector = "all"
    night: bool | None = None

    _t = field_validator("start", "end")(classmethod(lambda cls, v: check_hhmm(v)))
    _d = field_validator("days")(classmethod(lambda cls, v: check_day_selector(v)))

    @field_validator("code")
    @classmethod
    def _code(cls, v: str) -> str:
        if not re.match(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,15}$", v):
            raise ValueError(f"'{v}' must be a short code (letters, digits, _ or -)")
        return v

    @field_validator("sites")
    @classmethod
    def _sites(cls, v: list[str] | str) -> list[str] | str:
        if isinstance(v, list) and not v:
            raise ValueError('an empty list of sites: use "*" for all sites')
        return v

    @property
    def nominal_minutes(self) -> int:
        """Elapsed minutes on a day with no clock change."""
        s, e = hhmm_minutes(self.start), hhmm_minutes(self.end)
        return e - s if e > s else e - s + 1440

    @property
    def is_night(self) -> bool:
        """The default night = at least 3 h of the shift fall within 23:00-06:00."""
        if self.night is not None:
            return self.night
        s = hhmm_minutes(self.start)
        n = self.nominal_minutes
        inside = 0
        # night windows 23:00-30:00 of the previous day, the day itself and the next day
        for ws, we in ((-60, 360), (1380, 1800), (2820, 3240)):
            inside += max(0, min(s + n, we) - max(s, ws))
        return inside >= 180


class Demand(Frozen):
    site: str
    days: DaySelector = "all"
    from_: str = Field(alias="from")
    to: str
    officers: int = Field(default=0, ge=0)
    supervisors: int = Field(default=0, ge=0)
    skills: dict[str, Annotated[int, Field(ge=0)]] = {}

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
    _t = field_validator("from_", "to")(classmethod(lambda cls, v: check_hhmm(v)))
    _d = field_validator("days")(classmethod(lambda cls, v: check_day_selector(v)))

    @model_validator(mode="after")
    def _counts(self) -> Demand:
        if self.supervisors > self.officers and self.officers > 0:
            raise ValueError(
                f"supervisors ({self.supervisors}) exceed officers ({self.officers}): "
                "supervisors are counted among the officers"
            )
        return self


class Closure(Frozen):
    site: str
    dates: list[date]
    from_: str = Field(default="00:00", alias="from")
    to: str = "00:00"

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
    _t = field_validator("from_", "to")(classmethod(lambda cls, v: check_hhmm(v)))


class Rules(Frozen):
    slot_minutes: int = Field(default=60, gt=0, le=1440)
    min_rest_hours: float = Field(default=11, ge=0)
    max_consecutive_duty_days: int = Field(default=6, ge=1)
    min_days_off_per_week: int = Field(default=2, ge=0, le=7)
    max_consecutive_nights: int = Field(default=4, ge=0)
    rest_after_nights_hours: float = Field(default=46, ge=0)
    max_avg_weekly_hours: float = Field(default=48, gt=0)
    max_shift_hours: float = Field(default=12, gt=0)
    max_over_contract_hours: float = Field(default=16, ge=0)
    home_site_only: bool = False
    max_weekends_worked: int | None = Field(default=None, ge=0)  # None: no cap
    weekends_window_weeks: int = Field(default=4, ge=1, le=13)
    supervisor_whenever_staffed: bool = True

    @field_validator("slot_minutes")
    @classmethod
    def _slot(cls, v: int) -> int:
        if 1440 % v:
            raise ValueError(f"{v} does not divide a day (1440 minutes)")
        return v


class OnCallRota(Frozen):
    id: str
    name: str = ""
    units: list[str]
    ranks: list[str] | None = None
    accreditations: list[str] = []
    handover: str = "08:00"
    block_days: int = Field(default=7, ge=1, le=366)
    block_start: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"] = "mon"
    per_day: int = Field(default=1, ge=1)
    max_blocks_per_person: int = Field(default=2, ge=1)
    no_back_to_back: bool = True
    no_night_shifts: bool = True

    _t = field_validator("handover")(classmethod(lambda cls, v: check_hhmm(v)))

    @field_validator("units")
    @classmethod
    def _units(cls, v: list[str]) -> list[str]:
        if not v:
            raise ValueError("at least one unit is needed")
        return v


class Weights(Frozen):
    uncovered_officer_hour: int = Field(default=1000, ge=0)
    uncovered_supervisor_hour: int = Field(default=5000, ge=0)
    uncovered_skill_hour: int = Field(default=2000, ge=0)
    uncovered_on_call_day: int = Field(default=5000, ge=0)
    contract_deviation_hour: int = Field(default=10, ge=0)
    request_denied: int = Field(default=20, ge=0)
    off_base_shift: int = Field(default=5, ge=0)
    fairness_nights: int = Field(default=30, ge=0)
    fairness_weekends: int = Field(default=30, ge=0)
    fairness_bank_holidays: int = Field(default=30, ge=0)
    fairness_on_call: int = Field(default=50, ge=0)
    # repairs of a published roster (rota repair): each changed duty, by its notice
    change_duty: int = Field(default=40, ge=0)
    premium_hour: int = Field(default=10, ge=0)


class Costs(Frozen):
    """Pay, to put a price on staffing figures (comparisons, capacity, repairs). The
    defaults are an example, not any force's rates: set the force's own."""

    currency: str = "GBP"
    example: bool = True  # the default table; set false once the rates are the force's
    hourly: dict[str, float] = Field(
        default_factory=lambda: {
            "PC": 21.0,
            "DC": 21.0,
            "PS": 27.0,
            "DS": 27.0,
            "INSP": 33.0,
            "DI": 33.0,
        }
    )
    default_hourly: float = Field(default=21.0, ge=0)  # ranks not in `hourly`
    overtime_multiplier: float = Field(default=1.5, ge=1, le=3)

    def rate(self, rank: str) -> float:
        return self.hourly.get(rank, self.default_hourly)


class ScenarioConfig(Frozen):
    """The whole of scenario.toml, as written."""

    scenario: ScenarioInfo
    files: Files = Files()
    sites: list[Site]
    shift_templates: list[ShiftTemplate]
    demand: list[Demand] = []
    closures: list[Closure] = []
    rules: Rules = Rules()
    on_call: list[OnCallRota] = []
    weights: Weights = Weights()
    costs: Costs = Costs()

    @field_validator("sites")
    @classmethod
    def _some_sites(cls, v: list[Site]) -> list[Site]:
        if not v:
            raise ValueError("at least one site is needed")
        return v


class Staff(Frozen):
    staff_id: str
    name: str = ""
    rank: str
    unit: str
    base_site: str | None = None
    contract_hours_per_week: float = Field(ge=0, le=168)
    appointed_on: date | None = None
    sites_allowed: tuple[str, ...] = ()
    # has signed the Working Time Regulations' opt-out of the 48-hour average week
    wtr_opt_out: bool = False
    line: int | None = None  # row of the file it came from, for error messages

    @field_validator("staff_id", "rank", "unit")
    @classmethod
    def _nonempty(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be empty")
        return v.strip()


class Accreditation(Frozen):
    staff_id: str
    accreditation: str
    valid_from: date
    valid_until: date | None = None
    line: int | None = None

    @model_validator(mode="after")
    def _order(self) -> Accreditation:
        if self.valid_until is not None and self.valid_until < self.valid_from:
            raise ValueError(
                f"valid_until {self.valid_until} is before valid_from {self.valid_from}"
            )
        return self

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


class Absence(Frozen):
    staff_id: str
    start: date
    end: date
    kind: Literal["annual_leave", "sickness", "training", "court", "restricted", "other"]
    note: str = ""
    line: int | None = None

    @model_validator(mode="after")
    def _order(self) -> Absence:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class Request(Frozen):
    staff_id: str
    date: date
    request: str
    weight: int = Field(ge=1, le=10)
    line: int | None = None

    @field_validator("request")
    @classmethod
    def _kind(cls, v: str) -> str:
        if v in ("day_off", "no_night", "not_on_call") or (v.startswith("shift:") and v[6:]):
            return v
        raise ValueError(f"'{v}' is not day_off, no_night, shift:CODE or not_on_call")


class Pin(Frozen):
    """A duty a repair must keep (pins.csv): a shift at a site, or an on-call rota's day."""

    staff_id: str
    date: date
    duty: str
    site: str = ""
    line: int | None = None


class Duty(Frozen):
    """One row of a roster export (the roster format): a shift or an on-call day."""

    staff_id: str
    date: date
    duty: str
    site: str
    start: datetime  # tz-aware
    end: datetime
    hours: float
    kind: Literal["shift", "on_call"]
    line: int | None = None  # row of the file it came from, for error messages

    @model_validator(mode="after")
    def _times(self) -> Duty:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("start and end need a UTC offset, e.g. 2026-12-01T22:00:00+00:00")
        if self.end <= self.start:
            raise ValueError(f"end {self.end.isoformat()} is not after start")
        return self
