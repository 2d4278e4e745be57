"""Scenario variants: named lists of staffing and demand changes, applied in memory.

A variants file (TOML) sits next to a scenario:

    scenario = "."                      # the scenario folder, relative to this file

    [[variant]]
    name = "stn-transfers"
    description = "Three Stansted constables transfer out"
    changes = [
      { op = "remove_staff", rank = "PC", site = "STN", count = 3 },
    ]

Each change is validated, applied to the validated scenario, and the result is
validated again; a bad change exits 2 naming the variant, the change and the field.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rota.domain.models import Absence, Accreditation, Closure, Demand, Staff
from rota.domain.scenario import Scenario
from rota.errors import InputError


class _Change(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RemoveStaff(_Change):
    """Remove people by id, or `count` people of a rank at a base site (the highest
    staff ids first, so the choice is reproducible)."""

    op: Literal["remove_staff"]
    ids: list[str] = []
    rank: str | None = None
    site: str | None = None
    count: int | None = Field(default=None, ge=1)


class AddStaff(_Change):
    """Add `count` people of a rank at a base site, with accreditations valid all month."""

    op: Literal["add_staff"]
    count: int = Field(ge=1, le=500)
    rank: str
    site: str
    unit: str = "BORDER"
    hours: float = Field(default=40, gt=0, le=168)
    accreditations: list[str] = ["officer_safety", "schedule7"]
    sites_allowed: list[str] = []


class SetAccreditation(_Change):
    """Change the validity of an accreditation for these people (e.g. a lapse)."""

    op: Literal["set_accreditation"]
    ids: list[str]
    accreditation: str
    valid_from: date | None = None
    valid_until: date | None = None
    remove: bool = False


class AddAbsence(_Change):
    op: Literal["add_absence"]
    ids: list[str]
    start: date
    end: date
    kind: Literal["annual_leave", "sickness", "training", "court", "restricted", "other"]
    note: str = ""


class RemoveAbsences(_Change):
    op: Literal["remove_absences"]
    ids: list[str]
    kind: str | None = None


class AddDemand(_Change):
    op: Literal["add_demand"]
    demand: dict[str, Any]


class RemoveDemand(_Change):
    """Remove a site's demand entries (those starting at `from`, if given)."""

    op: Literal["remove_demand"]
    site: str
    from_: str | None = Field(default=None, alias="from")


class AddClosure(_Change):
    op: Literal["add_closure"]
    closure: dict[str, Any]


class SetRules(_Change):
    op: Literal["set_rules"]
    rules: dict[str, Any]


class SetWeights(_Change):
    op: Literal["set_weights"]
    weights: dict[str, Any]


Change = Annotated[
    RemoveStaff | AddStaff | SetAccreditation | AddAbsence | RemoveAbsences | AddDemand
    | RemoveDemand | AddClosure | SetRules | SetWeights,
    Field(discriminator="op"),
]  # fmt: skip


class Variant(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    description: str = ""
    changes: list[Change] = []


class VariantsFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    scenario: str = "."
    variant: list[Variant]


def load_variants(path: Path) -> tuple[Path, list[Variant]]:
    """The scenario folder a variants file names, and its variants."""
    from rota.io.load import error_field, error_text, read_toml

    path = Path(path)
    label = path.name
    data = read_toml(path)
    try:
        vf = VariantsFile.model_validate(data)
    except ValidationError as exc:
        e = exc.errors()[0]
        loc = list(e["loc"])
        # name the variant rather than its index where we can
        if len(loc) >= 2 and loc[0] == "variant" and isinstance(loc[1], int):
            items = data.get("variant", [])
            name = items[loc[1]].get("name") if loc[1] < len(items) else None
            if name:
                loc = [f"variant '{name}'", *loc[2:]]
        raise InputError(label, error_text(e), field=error_field(loc)) from None
    names = [v.name for v in vf.variant]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes or "base" in names:
        bad = sorted(dupes)[0] if dupes else "base"
        raise InputError(label, f"variant name '{bad}' is used twice or reserved",
                         field="variant.name")  # fmt: skip
    return (path.parent / vf.scenario).resolve(), list(vf.variant)


def apply_variant(sc: Scenario, v: Variant, label: str = "variants.toml") -> Scenario:
    """The scenario with the variant's changes, validated again (name: base--variant)."""
    staff = list(sc.staff)
    accs = list(sc.accreditations)
    absences = list(sc.absences)
    cfg = sc.config
    for i, ch in enumerate(v.changes, start=1):
        where = f"variant '{v.name}' changes[{i}]"

        def fail(field: str, msg: str, where: str = where) -> InputError:
            return InputError(label, msg, field=f"{where}.{field}")

        known = {p.staff_id for p in staff}
        for pid in getattr(ch, "ids", []):
            if pid not in known:
                raise fail("ids", f"unknown staff_id '{pid}'")
        if isinstance(ch, RemoveStaff):
            drop = set(ch.ids)
            if ch.count:
                pool = sorted((p.staff_id for p in staff
                               if (ch.rank is None or p.rank == ch.rank)
                               and (ch.site is None or p.base_site == ch.site)),
                              reverse=True)  # fmt: skip
                if len(pool) < ch.count:
                    raise fail("count", f"only {len(pool)} people match, not {ch.count}")
                drop |= set(pool[: ch.count])
            elif not ch.ids:
                raise fail("ids", "give ids, or rank/site and count")
            staff = [p for p in staff if p.staff_id not in drop]
            accs = [a for a in accs if a.staff_id not in drop]
            absences = [a for a in absences if a.staff_id not in drop]
        elif isinstance(ch, AddStaff):
            if ch.site not in sc.sites:
                raise fail("site", f"unknown site '{ch.site}'")
            for k in range(1, ch.count + 1):
                pid = f"{v.name}-{ch.site}-{ch.rank}-{k}"
                staff.append(Staff(staff_id=pid, name=f"New {ch.rank} {k} ({v.name})",
                                   rank=ch.rank, unit=ch.unit, base_site=ch.site,
                                   contract_hours_per_week=ch.hours,
                                   appointed_on=date(2000, 1, 1),
                                   sites_allowed=tuple(ch.sites_allowed)))  # fmt: skip
                accs += [Accreditation(staff_id=pid, accreditation=a, valid_from=date(2000, 1, 1))
                         for a in ch.accreditations]  # fmt: skip
        elif isinstance(ch, SetAccreditation):
            ids = set(ch.ids)
            old = [a for a in accs if a.staff_id in ids and a.accreditation == ch.accreditation]
            accs = [
                a for a in accs if not (a.staff_id in ids and a.accreditation == ch.accreditation)
            ]
            if not ch.remove:
                for pid in ch.ids:
                    mine = [a for a in old if a.staff_id == pid]
                    start = ch.valid_from or (min(a.valid_from for a in mine) if mine
                                              else date(2000, 1, 1))  # fmt: skip
                    try:
                        accs.append(
                            Accreditation(
                                staff_id=pid,
                                accreditation=ch.accreditation,
                                valid_from=start,
                                valid_until=ch.valid_until,
                            )
                        )
                    except ValidationError as exc:
                        raise fail("valid_until", exc.errors()[0]["msg"]) from None
        elif isinstance(ch, AddAbsence):
            try:
                absences += [Absence(staff_id=pid, start=ch.start, end=ch.end, kind=ch.kind,
                                     note=ch.note) for pid in ch.ids]  # fmt: skip
            except ValidationError as exc:
                raise fail("end", exc.errors()[0]["msg"].removeprefix("Value error, ")) from None
        elif isinstance(ch, RemoveAbsences):
            ids = set(ch.ids)
            absences = [
                a
                for a in absences
                if not (a.staff_id in ids and (ch.kind is None or a.kind == ch.kind))
            ]
        elif isinstance(ch, AddDemand):
            cfg = cfg.model_copy(
                update={"demand": [*cfg.demand, _model(Demand, ch.demand, fail, "demand")]}
            )
        elif isinstance(ch, RemoveDemand):
            keep = [
                d
                for d in cfg.demand
                if not (d.site == ch.site and (ch.from_ is None or d.from_ == ch.from_))
            ]
            if len(keep) == len(cfg.demand):
                raise fail("site", f"no demand at {ch.site} to remove")
            cfg = cfg.model_copy(update={"demand": keep})
        elif isinstance(ch, AddClosure):
            cfg = cfg.model_copy(
                update={"closures": [*cfg.closures, _model(Closure, ch.closure, fail, "closure")]}
            )
        elif isinstance(ch, SetRules):
            merged = {**cfg.rules.model_dump(), **ch.rules}
            cfg = cfg.model_copy(update={"rules": _model(type(cfg.rules), merged, fail, "rules")})
        elif isinstance(ch, SetWeights):
            merged = {**cfg.weights.model_dump(), **ch.weights}
            cfg = cfg.model_copy(
                update={"weights": _model(type(cfg.weights), merged, fail, "weights")}
            )
    info = cfg.scenario.model_copy(update={"name": f"{cfg.scenario.name}--{v.name}"})
    cfg = cfg.model_copy(update={"scenario": info})
    try:
        return replace(sc, config=cfg, staff=tuple(staff), accreditations=tuple(accs),
                       absences=tuple(absences),
                       requests=tuple(r for r in sc.requests
                                      if r.staff_id in {p.staff_id for p in staff}),
                       sources={k: f"{label} variant '{v.name}' ({f})"
                                for k, f in sc.sources.items()})  # fmt: skip
    except InputError as exc:
        raise InputError(label, exc.message, field=f"variant '{v.name}': {exc}") from None


def _model(cls, data: dict, fail, field: str):  # noqa: ANN001, ANN202
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        from rota.io.load import error_field, error_text

        e = exc.errors()[0]
        raise fail(f"{field}.{error_field(e['loc'])}", error_text(e)) from None
