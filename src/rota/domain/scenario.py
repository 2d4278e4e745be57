"""The validated scenario: every record, cross-checked once, with precomputed lookups.

Cross-record checks (unknown site, duplicate id, template off the slot grid, ...) run
at construction and raise :class:`rota.errors.InputError` naming file, row and field,
so every later stage can trust its input.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from rota.domain.models import (
    KNOWN_RANKS,
    Absence,
    Accreditation,
    Closure,
    Demand,
    Duty,
    OnCallRota,
    Pin,
    Request,
    Rules,
    ScenarioConfig,
    ShiftTemplate,
    Site,
    Staff,
    Weights,
    hhmm_minutes,
)
from rota.errors import InputError


@dataclass(frozen=True)
class Published:
    """A published roster being repaired (rota repair): its duties, the instant before
    which every duty stands as published (it has happened), the day the changes are
    notified (notice is counted from it), and the duties pinned by the office."""

    duties: tuple[Duty, ...]
    since: datetime  # aware: duties starting before it stay as published
    notified: date
    pins: tuple[Pin, ...] = ()
    source: str = "published roster"
    pins_source: str = "pins.csv"


@dataclass(frozen=True)
class Scenario:
    """A scenario folder, loaded and cross-checked (the scenario format)."""

    config: ScenarioConfig
    staff: tuple[Staff, ...]
    accreditations: tuple[Accreditation, ...] = ()
    absences: tuple[Absence, ...] = ()
    requests: tuple[Request, ...] = ()
    history: tuple[Duty, ...] = ()
    # a roster being repaired, when the month is a repair (None: planned afresh)
    published: Published | None = None
    # display names of the files each record kind came from, for error messages
    sources: dict[str, str] = field(default_factory=dict)
    # sha256 of every input file read, for the summary
    input_hashes: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._check()

    # ---------------------------------------------------------------- lookups
    @property
    def name(self) -> str:
        return self.config.scenario.name

    @property
    def rules(self) -> Rules:
        return self.config.rules

    @property
    def weights(self) -> Weights:
        return self.config.weights

    @cached_property
    def sites(self) -> dict[str, Site]:
        return {s.id: s for s in self.config.sites}

    @cached_property
    def templates(self) -> dict[str, ShiftTemplate]:
        return {t.code: t for t in self.config.shift_templates}

    @cached_property
    def on_call(self) -> dict[str, OnCallRota]:
        return {r.id: r for r in self.config.on_call}

    @cached_property
    def people(self) -> dict[str, Staff]:
        return {p.staff_id: p for p in self.staff}

    @cached_property
    def accreditations_by_staff(self) -> dict[str, dict[str, list[Accreditation]]]:
        out: dict[str, dict[str, list[Accreditation]]] = defaultdict(lambda: defaultdict(list))
        for a in self.accreditations:
            out[a.staff_id][a.accreditation].append(a)
        return out

    @cached_property
    def absences_by_staff(self) -> dict[str, list[Absence]]:
        out: dict[str, list[Absence]] = defaultdict(list)
        for a in self.absences:
            out[a.staff_id].append(a)
        return out

    def holds(self, staff_id: str, accreditation: str, day: date) -> bool:
        """True when `accreditation` is valid for the person on `day` (the scenario format)."""
        periods = self.accreditations_by_staff.get(staff_id, {}).get(accreditation, ())
        return any(a.valid_on(day) for a in periods)

    def absence_on(self, staff_id: str, day: date) -> Absence | None:
        """The absence covering `day`, preferring a full absence over `restricted`."""
        found = None
        for a in self.absences_by_staff.get(staff_id, ()):
            if a.start <= day <= a.end:
                if a.kind != "restricted":
                    return a
                found = a
        return found

    def is_supervisor(self, staff_id: str, day: date) -> bool:
        """The cover measure: rank in supervisor_ranks, or a valid `acting_sergeant` on that day."""
        p = self.people[staff_id]
        return p.rank in self.config.scenario.supervisor_ranks or self.holds(
            staff_id, "acting_sergeant", day
        )

    def allowed_sites(self, staff_id: str) -> tuple[str, ...]:
        """Sites a person may work at: all when home_site_only is false (the scenario format)."""
        p = self.people[staff_id]
        if not self.rules.home_site_only:
            return tuple(self.sites)
        own = ([p.base_site] if p.base_site else []) + list(p.sites_allowed)
        return tuple(dict.fromkeys(own))

    def _check_history(self, ids: set[str]) -> None:
        """A history from another scenario is bad input, not a quiet no-op: none of its
        people are in staff.csv, or its shifts are at sites this scenario has not. (Some
        unknown people are normal: they have left, and their rows are not judged.)"""
        if not self.history:
            return
        label = self.source("history")
        if not any(d.staff_id in ids for d in self.history):
            d = self.history[0]
            raise InputError(label, f"no staff_id of this scenario (first: '{d.staff_id}'): "
                             "a roster of another scenario?", row=d.line,
                             field="staff_id")  # fmt: skip
        for d in self.history:
            if d.kind == "shift" and d.site not in self.sites:
                raise InputError(label, f"unknown site '{d.site}'", row=d.line, field="site")
            # a shift code the scenario no longer has is allowed: a unit changes its
            # shift pattern between months, and the rules judge such a shift by its times

    def source(self, kind: str) -> str:
        return self.sources.get(kind, f"{kind}.csv" if kind != "scenario" else "scenario.toml")

    # ----------------------------------------------------------------- checks
    def _check(self) -> None:
        cfg = self.config
        toml = self.source("scenario")

        def err(field: str, message: str) -> InputError:
            return InputError(toml, message, field=field)

        ranks = set(KNOWN_RANKS) | set(cfg.scenario.ranks)
        for i, rank in enumerate(cfg.scenario.supervisor_ranks):
            if rank not in ranks:
                raise err(f"scenario.supervisor_ranks[{i}]", f"unknown rank '{rank}'")
        try:
            from zoneinfo import ZoneInfo

            ZoneInfo(cfg.scenario.timezone)
        except Exception:
            raise err("scenario.timezone", f"unknown time zone '{cfg.scenario.timezone}'") from None

        seen: set[str] = set()
        for i, site in enumerate(cfg.sites):
            if site.id in seen:
                raise err(f"sites[{i + 1}].id", f"duplicate site id '{site.id}'")
            seen.add(site.id)
        slot = cfg.rules.slot_minutes
        seen = set()
        for i, t in enumerate(cfg.shift_templates):
            where = f"shift_templates[{i + 1}]"
            if t.code in seen:
                raise err(f"{where}.code", f"duplicate shift code '{t.code}'")
            seen.add(t.code)
            if isinstance(t.sites, list):
                for s in t.sites:
                    if s not in self.sites:
                        raise err(f"{where}.sites", f"unknown site '{s}'")
            for f_ in ("start", "end"):
                if hhmm_minutes(getattr(t, f_)) % slot:
                    raise err(
                        f"{where}.{f_}",
                        f"{getattr(t, f_)} is off the {slot}-minute slot grid (rules.slot_minutes)",
                    )
            paid = t.nominal_minutes - t.unpaid_break_minutes
            if paid <= 0:
                raise err(f"{where}.unpaid_break_minutes", "the break is as long as the shift")
            if paid > cfg.rules.max_shift_hours * 60:
                raise err(
                    f"{where}.end",
                    f"{paid / 60:g} paid hours exceed rules.max_shift_hours "
                    f"({cfg.rules.max_shift_hours:g})",
                )
        for i, r in enumerate(cfg.on_call):
            where = f"on_call[{i + 1}]"
            if r.id in seen:
                raise err(f"{where}.id", f"'{r.id}' is already a shift code or on-call id")
            seen.add(r.id)
            for j, rank in enumerate(r.ranks or []):
                if rank not in ranks:
                    raise err(f"{where}.ranks[{j + 1}]", f"unknown rank '{rank}'")
        spans: tuple[tuple[str, Sequence[Demand | Closure]], ...] = (
            ("demand", cfg.demand), ("closures", cfg.closures))  # fmt: skip
        for kind, items in spans:
            for i, d in enumerate(items):
                where = f"{kind}[{i + 1}]"
                if d.site not in self.sites:
                    raise err(f"{where}.site", f"unknown site '{d.site}'")
                for f_, v in (("from", d.from_), ("to", d.to)):
                    if hhmm_minutes(v) % slot:
                        raise err(
                            f"{where}.{f_}",
                            f"{v} is off the {slot}-minute slot grid (rules.slot_minutes)",
                        )

        staff_file = self.source("staff")
        ids: set[str] = set()
        for p in self.staff:
            if p.staff_id in ids:
                raise InputError(
                    staff_file, f"duplicate staff_id '{p.staff_id}'", row=p.line, field="staff_id"
                )
            ids.add(p.staff_id)
            if p.rank not in ranks:
                raise InputError(
                    staff_file,
                    f"unknown rank '{p.rank}' (known: {', '.join(sorted(ranks))}; "
                    "add others with [scenario] ranks)",
                    row=p.line,
                    field="rank",
                )
            if p.base_site and p.base_site not in self.sites:
                raise InputError(
                    staff_file, f"unknown site '{p.base_site}'", row=p.line, field="base_site"
                )
            for s in p.sites_allowed:
                if s not in self.sites:
                    raise InputError(
                        staff_file, f"unknown site '{s}'", row=p.line, field="sites_allowed"
                    )
        for kind, records in (
            ("accreditations", self.accreditations),
            ("absences", self.absences),
            ("requests", self.requests),
        ):
            for rec in records:
                if rec.staff_id not in ids:
                    raise InputError(
                        self.source(kind),
                        f"unknown staff_id '{rec.staff_id}'",
                        row=rec.line,
                        field="staff_id",
                    )
        self._check_history(ids)
        for rq in self.requests:
            if rq.request.startswith("shift:") and rq.request[6:] not in self.templates:
                raise InputError(
                    self.source("requests"),
                    f"unknown shift code '{rq.request[6:]}'",
                    row=rq.line,
                    field="request",
                )
