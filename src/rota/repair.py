"""Life after publication: published versions, repairs with the fewest changes, and the
changes between two versions with their notice and costs.

- `publish(folder)` stamps the folder's roster.csv as published: a copy under
  `published/<UTC time>/` with its time and its inputs' hashes, never overwritten.
- `repair(...)` re-solves a month from its latest published version (or a given one)
  with new facts (a changes file: the operations of a variants file), pinned duties
  and an instant before which every duty stands; every other change costs by its
  notice and class (rota/changes.py), and the fewest changes are sought first.
- `diff(...)` lists the changes from one roster to another.
"""

from __future__ import annotations

import csv
import io
import json
import time
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from rota.changes import CLASSES, Change, frozen_days, frozen_on_call_rows, since_minutes
from rota.check import CheckReport, check, validate_roster
from rota.domain.models import Duty, Pin
from rota.domain.scenario import Published, Scenario
from rota.errors import InputError
from rota.horizon import Horizon, build_horizon
from rota.io.load import load_roster, load_scenario, parse_rows, read_csv_rows, sha256
from rota.io.write import atomic_write, ensure_dir, writable_dir, write_json
from rota.roster import Result
from rota.summary import build_summary
from rota.variants import Change as Operation
from rota.variants import Variant, apply_variant

PUBLISHED = "published"
PIN_COLUMNS = ("staff_id", "date", "duty")
CHANGES_COLUMNS = ("staff_id", "date", "old_duty", "old_site", "new_duty", "new_site",
                   "notice_days", "cost_class", "premium_hours", "premium_pay", "cost",
                   "regulation", "what")  # fmt: skip


# ------------------------------------------------------------------ published versions
def published_versions(folder: Path) -> list[Path]:
    """The folder's published versions, oldest first."""
    root = Path(folder) / PUBLISHED
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if (p / "roster.csv").is_file())


def publish(folder: Path, now: datetime | None = None) -> Path:
    """Stamp the folder's roster.csv as published: a new version, never overwritten."""
    folder = Path(folder)
    roster = folder / "roster.csv"
    if not roster.is_file():
        raise InputError(str(roster), "no roster to publish (write one with rota generate)")
    raw = roster.read_bytes()
    summary: dict[str, Any] = {}
    if (folder / "summary.json").is_file():
        try:
            summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(str(folder / "summary.json"), f"not readable: {exc}") from None
    for version in published_versions(folder):
        if (version / "roster.csv").read_bytes() == raw:
            raise InputError(str(roster), f"already published as {version.name}")
    now = (now or datetime.now(UTC)).astimezone(UTC)
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    root = writable_dir(folder / PUBLISHED)
    target, n = root / stamp, 1
    while target.exists():  # two in one second: never overwrite
        n += 1
        target = root / f"{stamp}-{n}"
    ensure_dir(target)
    atomic_write(target / "roster.csv", raw.decode("utf-8"))
    write_json(target / "published.json", {
        "published_at": now.isoformat(timespec="seconds"),
        "roster_sha256": sha256(raw),
        "scenario": summary.get("scenario"),
        "month": summary.get("month"),
        "inputs": summary.get("inputs", {}),
    })  # fmt: skip
    return target


def _month_start(label: str) -> date:
    y, m = (int(x) for x in label.split("-"))
    return date(y, m, 1)


def _add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    return date(d.year + y, m + 1, 1)


def publication_warnings(root: Path, today: date) -> list[str]:
    """The published set of one scenario's folder (OUT/<scenario>/) against the Police
    Regulations' horizon (Annex E): each month published at least a month before it
    starts, and published rosters covering at least three months from today's month.
    Nothing is said of a scenario that has published nothing."""
    first: dict[str, date] = {}
    for folder in sorted(Path(root).glob("[0-9][0-9][0-9][0-9]-[0-9][0-9]")):
        for version in published_versions(folder):
            try:
                info = json.loads((version / "published.json").read_text(encoding="utf-8"))
                when = datetime.fromisoformat(info["published_at"]).date()
            except (OSError, ValueError, KeyError):
                continue
            first[folder.name] = min(first.get(folder.name, when), when)
    if not first:
        return []
    source = "Police Regulations 2003 Annex E"
    out = []
    for label, when in sorted(first.items()):
        start = _month_start(label)
        month_before = start.replace(year=start.year - 1, month=12) if start.month == 1 else (
            start.replace(month=start.month - 1))  # fmt: skip
        if when > month_before:
            out.append(f"{label} was first published on {when}, less than a month before it "
                       f"starts [{source}: published at least a month ahead]")  # fmt: skip
    ahead = [_add_months(today.replace(day=1), k).strftime("%Y-%m") for k in range(3)]
    missing = [m for m in ahead if m not in first]
    if missing:
        out.append(f"no published roster for {', '.join(missing)}: the published rosters "
                   f"should cover at least three months [{source}]")  # fmt: skip
    return out


# ------------------------------------------------------------------ a repair's inputs
class _ChangesFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    changes: list[Operation] = []


def load_changes(path: Path) -> Variant:
    """A changes file: `changes = [...]`, the operations of a variants file."""
    from rota.io.load import error_field, error_text, read_toml

    label = Path(path).name
    data = read_toml(Path(path))
    try:
        cf = _ChangesFile.model_validate(data)
    except ValidationError as exc:
        e = exc.errors()[0]
        raise InputError(label, error_text(e), field=error_field(e["loc"])) from None
    return Variant(name="changes", changes=cf.changes)


def load_pins(path: Path) -> list[Pin]:
    label = Path(path).name
    rows, _ = read_csv_rows(Path(path), label, PIN_COLUMNS)
    return parse_rows(rows, label, Pin, (*PIN_COLUMNS, "site"))


def parse_instant(h: Horizon, text: str, option: str = "--from") -> datetime:
    """A local date and time (the scenario's zone) or one with its UTC offset, inside the
    month."""
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(option, f"'{text}' is not a date and time like "
                         "2026-12-10T06:00") from None  # fmt: skip
    if when.tzinfo is None:
        when = when.replace(tzinfo=h.tz)
    if not h.start_utc <= when.astimezone(UTC) < h.end_utc:
        raise InputError(option, f"{text} is not inside the month {h.label}")
    return when


def _check_pins(h: Horizon, pins: list[Pin], label: str) -> None:
    sc = h.scenario
    for pin in pins:

        def bad(field: str, msg: str, pin: Pin = pin) -> InputError:
            return InputError(label, msg, row=pin.line, field=field)

        if pin.staff_id not in sc.people:
            raise bad("staff_id", f"unknown staff_id '{pin.staff_id}'")
        day = h.day_index(pin.date)
        if not 0 <= day < h.n_days:
            raise bad("date", f"{pin.date} is outside the month {h.label}")
        if pin.duty in sc.on_call:
            continue
        if pin.duty not in sc.templates:
            raise bad("duty", f"unknown duty '{pin.duty}' (a shift code or an on-call rota)")
        if pin.site not in sc.sites:
            raise bad("site", f"unknown site '{pin.site}'")
        inst = h.instance_of(day, pin.duty)
        if inst is None or pin.site not in inst.sites:
            raise bad("duty", f"{pin.duty} is not worked at {pin.site} on {pin.date}")


def _check_before(h: Horizon, duties: list[Duty], label: str) -> None:
    """What has happened must be legal under the new facts: a change cannot reach back
    before the repair's instant, and a pin before it must be the published duty."""
    cut = since_minutes(h)
    rep = check(h, duties)
    since = h.scenario.published.since if h.scenario.published else None
    first = h.local_date(since) if since else None
    frozen = {d for days in frozen_days(h).values() for d in days}
    for v in rep.hard:
        if v.rule == "repair.pinned" and v.day is not None:
            pins = h.scenario.published.pins if h.scenario.published else ()
            for pin in pins:
                inst = h.instance_of(h.day_index(pin.date), pin.duty)
                if pin.date == v.day and inst is not None and inst.start < cut:
                    raise InputError(label, f"pin of {pin.staff_id} on {pin.date} starts before "
                                     "--from and is not the published duty", row=pin.line,
                                     field="duty")  # fmt: skip
            continue
        if v.day is not None and first is not None and v.day < first:
            raise InputError(label, f"before --from the published roster would break "
                             f"{v.rule} ({v.staff_id} on {v.day}: {v.message}); a change "
                             "cannot start before --from")  # fmt: skip
        if v.rule.startswith("oncall.") and v.day is not None and h.day_index(v.day) in frozen:
            raise InputError(label, f"{v.staff_id} holds an on-call block that began before "
                             f"--from and would break {v.rule} on {v.day}: hand the rest of "
                             "the block over with rota swap first")  # fmt: skip


@dataclass
class Repaired:
    horizon: Horizon
    result: Result
    report: CheckReport | None
    folder: Path
    summary: dict
    changes: list[Change]


def repair_scenario(
    scenario_path: Path, month: str, published: Path, since: str, *,
    changes: Path | None = None, pins: Path | None = None, notified: str | None = None,
    history: Path | list[Path] | None = None, check_before: bool = True,
    variant: Variant | None = None, base: Scenario | None = None,
) -> tuple[Horizon, list[Duty]]:  # fmt: skip
    """The repair's month: the scenario with its changes and the published roster."""
    sc = base if base is not None else load_scenario(scenario_path, history)
    h0 = build_horizon(sc, month)
    published = Path(published)
    if not published.is_file():
        raise InputError(str(published), "no such roster file")
    label = str(published)
    duties, raw = load_roster(published, label)
    validate_roster(h0, duties, label)
    changes_label = label
    if changes is not None:
        changes_label = Path(changes).name
        variant = load_changes(Path(changes))
    if variant is not None:
        sc = apply_variant(sc, variant, label=changes_label)
        info = sc.config.scenario.model_copy(update={"name": h0.scenario.name})
        sc = replace(sc, config=sc.config.model_copy(update={"scenario": info}))
    when = parse_instant(h0, since)
    told = h0.local_date(when)
    if notified is not None:
        try:
            told = date.fromisoformat(notified)
        except ValueError:
            raise InputError("--notified", f"'{notified}' is not a date YYYY-MM-DD") from None
    pin_list = load_pins(Path(pins)) if pins is not None else []
    pins_label = Path(pins).name if pins is not None else "pins.csv"
    hashes = {**sc.input_hashes, f"published:{published.name}": sha256(raw)}
    sc = replace(sc, published=Published(tuple(duties), when, told, tuple(pin_list), label,
                                         pins_label), input_hashes=hashes)  # fmt: skip
    h = build_horizon(sc, month)
    _check_pins(h, pin_list, pins_label)
    if check_before:
        _check_before(h, duties, changes_label)
    return h, duties


def repair(
    scenario_path: Path, month: str, since: str, *, published: Path | None = None,
    changes: Path | None = None, pins: Path | None = None, notified: str | None = None,
    out: Path = Path("outputs"), time_limit: float = 60.0, effort: float | None = None,
    seed: int = 0, workers: int = 2, history: Path | list[Path] | None = None,
    force: bool = False,
    printer=None, started: float | None = None, with_names: bool = False,  # noqa: ANN001
    folder: Path | None = None, variant: Variant | None = None,
) -> Repaired:  # fmt: skip
    """`rota repair`: the published month with new facts, re-solved with the fewest
    changes; writes the roster folder and changes.csv."""
    from rota.app import input_paths, output_folder, write_roster_folder
    from rota.solve.run import solve

    t0 = started if started is not None else time.monotonic()
    sc0 = load_scenario(scenario_path, history)
    h0 = build_horizon(sc0, month)
    month_folder = output_folder(out, sc0, h0.label)
    folder = folder or month_folder
    if published is None:
        versions = published_versions(month_folder)
        if not versions:
            raise InputError("--published", f"no published version in {month_folder / PUBLISHED}: "
                             "give --published ROSTER.csv, or run rota publish first")  # fmt: skip
        published = versions[-1] / "roster.csv"
    h, _old = repair_scenario(scenario_path, month, published, since, changes=changes,
                              pins=pins, notified=notified, history=history,
                              variant=variant, base=sc0)  # fmt: skip
    current = folder / "roster.csv"
    if current.exists() and not force and not _is_published(folder, current):
        raise InputError(str(current), "a roster that is not published is there (publish it, "
                         "or use --force to replace it)")  # fmt: skip
    writable_dir(folder)
    kwargs = {"printer": printer} if printer is not None else {}
    res = solve(h, effort=effort, time_limit=time_limit, seed=seed, workers=workers,
                started=t0, **kwargs)  # fmt: skip
    if res.found:
        res.duties = with_frozen_on_call(h, res.duties)
    rep = check(h, res.duties) if res.found else None
    summary = build_summary(h, res, rep)
    summary["paths"] = input_paths(scenario_path, history)
    found: list[Change] = []
    if rep is not None:
        from rota.check.families.changes import measure_changes
        from rota.check.roster import Roster

        found = measure_changes(h, Roster(h, res.duties))
        summary["repair"] = repair_summary(h, res, found, Path(published))
        write_roster_folder(h, res, rep, folder, with_names, summary)
        atomic_write(folder / "changes.csv", changes_csv(h, found))
    return Repaired(h, res, rep, folder, summary, found)


def with_frozen_on_call(h: Horizon, duties: list[Duty]) -> list[Duty]:
    """The on-call days of blocks begun before the repair's instant as published (the
    solver holds those blocks whole by the same holders; a handover in part within
    them is kept as written)."""
    from rota.roster import sort_duties

    kept = frozen_on_call_rows(h)
    days = {(d.duty, d.date) for d in kept}
    planned = [d for d in duties if not (d.kind == "on_call" and (d.duty, d.date) in days)]
    return sort_duties(planned + kept)


def _is_published(folder: Path, roster: Path) -> bool:
    raw = roster.read_bytes()
    return any((v / "roster.csv").read_bytes() == raw for v in published_versions(folder))


def repair_summary(h: Horizon, res: Result, changes: list[Change], published: Path) -> dict:
    pub = h.scenario.published
    assert pub is not None
    per_class: dict[str, int] = {}
    for c in changes:
        per_class[c.cls] = per_class.get(c.cls, 0) + 1
    return {
        "published": str(published),
        "since": pub.since.isoformat(timespec="minutes"),
        "notified": pub.notified.isoformat(),
        "pins": len(pub.pins),
        "changed_duties": len(changes),
        "least_changed_duties": res.changed_least,
        "by_class": dict(sorted(per_class.items())),
    }


# ------------------------------------------------------------------ changes.csv
def changes_csv(h: Horizon, changes: list[Change]) -> str:
    from rota.measures import scale_of

    per_hour = scale_of(h).per_hour
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CHANGES_COLUMNS)
    for c in changes:
        old_duty, _, old_site = c.old.partition("@")
        new_duty, _, new_site = c.new.partition("@")
        cls = CLASSES[c.cls]
        weight = h.scenario.weights.premium_hour
        hours = c.premium / per_hour / weight if weight else 0.0
        person = h.scenario.people.get(c.staff_id)
        pay = hours * h.scenario.config.costs.rate(person.rank) if person else 0.0
        w.writerow([c.staff_id, c.day.isoformat(), old_duty, old_site, new_duty, new_site,
                    c.notice_days, c.cls, f"{hours:.2f}", f"{pay:.2f}",
                    f"{(c.disturbance + c.premium) / per_hour:.2f}", cls.source,
                    cls.text])  # fmt: skip
    return buf.getvalue()


# ------------------------------------------------------------------ diff
def diff(scenario_path: Path, month: str, old: Path, new: Path, *, notified: str | None = None,
         history: Path | None = None) -> tuple[Horizon, list[Change]]:  # fmt: skip
    """The changes from roster `old` to roster `new`, with their notice (from
    `notified`, default the month's first day) and cost classes."""
    from rota.check.families.changes import measure_changes
    from rota.check.roster import Roster

    start = f"{month}-01T00:00"
    h, _ = repair_scenario(scenario_path, month, old, start, notified=notified,
                           history=history, check_before=False)  # fmt: skip
    new = Path(new)
    if not new.is_file():
        raise InputError(str(new), "no such roster file")
    duties, _ = load_roster(new, str(new))
    validate_roster(h, duties, str(new))
    return h, measure_changes(h, Roster(h, duties))
