"""Writing a roster folder (the roster folder): roster.csv, grid.csv, coverage.csv, summary.json.

Every file is written whole or not at all (a temporary file in the same folder,
then an atomic rename), readable by its owner only (0600, folders 0700). Staff
names appear only when asked for.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections import defaultdict
from pathlib import Path

from rota.check import CheckReport
from rota.domain.models import ABSENCE_CODES, Duty
from rota.domain.scenario import Scenario
from rota.errors import InputError
from rota.horizon import Horizon
from rota.io.load import ROSTER_COLUMNS

FILE_MODE = 0o600
DIR_MODE = 0o700


def ensure_dir(path: Path) -> Path:
    """Create a folder (and parents) readable by the owner only."""
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    os.chmod(path, DIR_MODE)
    return path


def writable_dir(path: Path) -> Path:
    """Create a folder the roster will go to, or say why not (exit 2, before any solve):
    a file in the way, no permission, a read-only disk."""
    if path.is_symlink():  # its target's permissions would be changed, elsewhere
        raise InputError(str(path), "a symbolic link: rota writes only to real folders")
    try:
        ensure_dir(path)
        fd, probe = tempfile.mkstemp(prefix=".probe.", dir=path)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise InputError(str(path), f"cannot write here: {exc.strerror or exc}") from None
    return path


def atomic_write(path: Path, text: str) -> None:
    """Write `text` to `path` whole or not at all, mode 0600."""
    ensure_dir(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _csv(rows: list[list], header: list[str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def roster_csv(h: Horizon, duties: list[Duty], with_names: bool = False) -> str:
    """The roster format: one row per duty, sorted by date, site, start, staff_id."""
    people = h.scenario.people
    header = list(ROSTER_COLUMNS) + (["name"] if with_names else [])
    rows = []
    for d in sorted(duties, key=lambda d: (d.date, d.site, d.start, d.staff_id, d.duty)):
        row = [
            d.staff_id, d.date.isoformat(), d.duty, d.site,
            d.start.astimezone(h.tz).isoformat(), d.end.astimezone(h.tz).isoformat(),
            f"{d.hours:.2f}", d.kind,
        ]  # fmt: skip
        if with_names:
            row.append(people[d.staff_id].name if d.staff_id in people else "")
        rows.append(row)
    return _csv(rows, header)


def grid_csv(h: Horizon, duties: list[Duty], with_names: bool = False) -> str:
    """One row per person, one column per day: duty codes, absence codes, empty when off.

    A shift away from the person's base site reads CODE@SITE; a shift and an on-call
    day on the same day are joined with '+'.
    """
    sc = h.scenario
    cells: dict[tuple[str, int], list[str]] = defaultdict(list)
    for d in duties:
        code = d.duty
        base = sc.people[d.staff_id].base_site if d.staff_id in sc.people else None
        if d.kind == "shift" and base and d.site != base:
            code = f"{d.duty}@{d.site}"
        cells[d.staff_id, h.day_index(d.date)].append(code)
    header = ["staff_id"] + (["name"] if with_names else []) + [x.isoformat() for x in h.days]
    rows = []
    for p in sc.staff:
        row = [p.staff_id] + ([p.name] if with_names else [])
        for i, day in enumerate(h.days):
            parts = list(cells.get((p.staff_id, i), []))
            absence = sc.absence_on(p.staff_id, day)
            if absence is not None:
                parts.insert(0, ABSENCE_CODES[absence.kind])
            row.append("+".join(parts))
        rows.append(row)
    return _csv(rows, header)


def coverage_csv(h: Horizon, rep: CheckReport) -> str:
    """One row per site x demand slot: required and rostered counts of each kind."""
    skills = list(h.skills)
    header = ["site", "start", "end", "officers_required", "officers_rostered",
              "supervisors_required", "supervisors_rostered"]  # fmt: skip
    for k in skills:
        header += [f"{k}_required", f"{k}_rostered"]
    rows = []
    for sid, sd in h.demand.items():
        c = rep.counts[sid]
        for i in range(h.n_slots):
            if not sd.demanded[i]:
                continue
            row = [
                sid,
                h.to_datetime(i * h.slot).isoformat(),
                h.to_datetime((i + 1) * h.slot).isoformat(),
                int(sd.officers[i]), int(c["officers"][i]),
                int(sd.supervisors[i]), int(c["supervisors"][i]),
            ]  # fmt: skip
            for k in skills:
                if k in sd.skills:
                    row += [int(sd.skills[k][i]), int(c[f"skill:{k}"][i])]
                else:
                    row += ["", ""]
            rows.append(row)
    return _csv(rows, header)


def write_json(path: Path, data: dict) -> None:
    atomic_write(path, json.dumps(data, indent=2, default=str) + "\n")


SHORTFALL_COLUMNS = ["site", "start", "end", "kind", "missing", "person_hours", "on_call_days",
                     "reason"]  # fmt: skip


def shortfall_csv(rows: list[dict]) -> str:
    """One row per uncovered stretch with its reason (see rota.check.explain)."""
    return _csv([[r[c] for c in SHORTFALL_COLUMNS] for r in rows], SHORTFALL_COLUMNS)


def write_scenario(sc: Scenario, folder: Path, toml_text: str, name: str) -> None:
    """Write a scenario folder: the given scenario.toml text (renamed) and its CSV files.

    Used by `rota capacity` for the enlarged scenario, which a plain `rota generate`
    then reads like any other. The staff file holds names: it is input, not an export.
    """
    import re

    from rota.io.load import (
        ABSENCE_COLUMNS,
        ACCREDITATION_COLUMNS,
        REQUEST_COLUMNS,
        STAFF_COLUMNS,
    )

    text, n = re.subn(r'(?m)^(name\s*=\s*)"[^"]*"', lambda m: f'{m.group(1)}"{name}"', toml_text,
                      count=1)  # fmt: skip
    atomic_write(folder / "scenario.toml", text)
    f = sc.config.files

    def val(x: object) -> str:
        return "" if x is None else x.isoformat() if hasattr(x, "isoformat") else str(x)

    staff_rows = [[p.staff_id, p.name, p.rank, p.unit, p.base_site or "",
                   f"{p.contract_hours_per_week:g}", val(p.appointed_on),
                   ";".join(p.sites_allowed)] for p in sc.staff]  # fmt: skip
    atomic_write(folder / f.staff, _csv(staff_rows, [*STAFF_COLUMNS, "sites_allowed"]))
    atomic_write(folder / f.accreditations, _csv(
        [[a.staff_id, a.accreditation, val(a.valid_from), val(a.valid_until)]
         for a in sc.accreditations], list(ACCREDITATION_COLUMNS)))  # fmt: skip
    atomic_write(folder / f.absences, _csv(
        [[a.staff_id, val(a.start), val(a.end), a.kind, a.note] for a in sc.absences],
        list(ABSENCE_COLUMNS)))  # fmt: skip
    if sc.requests:
        atomic_write(folder / f.requests, _csv(
            [[r.staff_id, val(r.date), r.request, r.weight] for r in sc.requests],
            list(REQUEST_COLUMNS)))  # fmt: skip
