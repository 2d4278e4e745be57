"""Loading a scenario folder and roster files into validated models.

Every problem a user can cause becomes one :class:`InputError` naming the file, the
row (spreadsheet numbering: the header is row 1) and the field. Nothing here raises
anything else for bad input.
"""

from __future__ import annotations

import csv
import hashlib
import tomllib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from rota.domain.models import (
    Absence,
    Accreditation,
    Duty,
    Request,
    ScenarioConfig,
    Staff,
)
from rota.domain.scenario import Scenario
from rota.errors import InputError

M = TypeVar("M", bound=BaseModel)

STAFF_COLUMNS = (
    "staff_id", "name", "rank", "unit", "base_site", "contract_hours_per_week", "appointed_on",
)  # fmt: skip
ACCREDITATION_COLUMNS = ("staff_id", "accreditation", "valid_from", "valid_until")
ABSENCE_COLUMNS = ("staff_id", "start", "end", "kind", "note")
REQUEST_COLUMNS = ("staff_id", "date", "request", "weight")
ROSTER_COLUMNS = ("staff_id", "date", "duty", "site", "start", "end", "hours", "kind")


def error_field(loc: Iterable[Any]) -> str:
    """('sites', 0, 'id') -> 'sites[1].id' (1-based, as a person counts)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def error_text(err: ErrorDetails) -> str:
    kind = err.get("type", "")
    if kind == "missing":
        return "missing"
    if kind == "extra_forbidden":
        return "unknown field"
    msg = str(err.get("msg", "invalid"))
    return msg.removeprefix("Value error, ")


def scenario_toml_path(path: Path) -> Path:
    """The scenario format: `rota generate PATH` takes the folder or the scenario.toml inside it."""
    path = Path(path)
    if path.is_dir():
        path = path / "scenario.toml"
    if not path.is_file():
        raise InputError(str(path), "no such scenario file (give a folder or its scenario.toml)")
    return path


def _read_bytes(path: Path, label: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(label, f"cannot read: {exc.strerror or exc}") from None


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file a user gives (variants, changes), or exit 2 naming it."""
    label = Path(path).name
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(label, f"cannot read: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(label, f"not valid TOML: {exc}") from None


def load_config(path: Path) -> tuple[ScenarioConfig, bytes]:
    raw = _read_bytes(path, path.name)
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise InputError(path.name, "not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(path.name, f"not valid TOML: {exc}") from None
    try:
        return ScenarioConfig.model_validate(data), raw
    except ValidationError as exc:
        e = exc.errors()[0]
        raise InputError(path.name, error_text(e), field=error_field(e["loc"]) or None) from None


def read_csv_rows(
    path: Path, label: str, required: Iterable[str]
) -> tuple[list[tuple[int, dict[str, str]]], bytes]:
    """Rows of a CSV file with their spreadsheet row numbers; checks the header."""
    raw = _read_bytes(path, label)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = raw[: exc.start].count(b"\n") + 1
        raise InputError(label, "not UTF-8 text (save it as CSV UTF-8)", row=row) from None
    reader = csv.reader(text.splitlines())
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InputError(label, "empty file (a header row is needed)", row=1) from None
    except csv.Error as exc:
        raise InputError(label, f"not CSV: {exc}", row=1) from None
    if len(header) == 1 and ";" in header[0]:
        raise InputError(label, "columns are separated by ';' (save it as comma-separated "
                         "CSV)", row=1)  # fmt: skip
    for col in required:
        if col not in header:
            raise InputError(label, "missing column", row=1, field=col)
    dupes = {h for h in header if header.count(h) > 1}
    if dupes:
        raise InputError(label, "column appears twice", row=1, field=sorted(dupes)[0])
    rows = []
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(header):
                raise InputError(label, f"{len(values)} values for {len(header)} columns", row=line)
            values = values + [""] * (len(header) - len(values))
            rows.append((line, {h: v.strip() for h, v in zip(header, values, strict=True)}))
    except csv.Error as exc:
        raise InputError(label, f"not CSV: {exc}", row=reader.line_num) from None
    return rows, raw


def parse_rows(
    rows: list[tuple[int, dict[str, str]]],
    label: str,
    model: type[M],
    fields: Iterable[str],
    convert: Callable[[dict[str, str]], dict[str, Any]] | None = None,
) -> list[M]:
    """Validate each row into `model`; empty cells become missing (defaults apply)."""
    out = []
    fields = tuple(fields)
    for line, row in rows:
        data: dict[str, Any] = {f: row[f] for f in fields if f in row and row[f] != ""}
        if convert:
            data = convert(data)
        try:
            out.append(model.model_validate({**data, "line": line}))
        except ValidationError as exc:
            e = exc.errors()[0]
            field = error_field(e["loc"]) or None
            msg = error_text(e)
            if field and field in row and msg != "missing":
                msg = f"'{row[field]}': {msg}"
            raise InputError(label, msg, row=line, field=field) from None
    return out


def _staff_convert(d: dict[str, Any]) -> dict[str, Any]:
    if "sites_allowed" in d:
        d["sites_allowed"] = tuple(s.strip() for s in d["sites_allowed"].split(";") if s.strip())
    return d


def sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def load_roster(path: Path, label: str | None = None) -> tuple[list[Duty], bytes]:
    """Read a roster export (the roster format): roster.csv, history.csv or a hand-edited copy."""
    path = Path(path)
    label = label or path.name
    rows, raw = read_csv_rows(path, label, ROSTER_COLUMNS)
    return parse_rows(rows, label, Duty, ROSTER_COLUMNS), raw


def load_scenario(path: Path, history: Path | Sequence[Path] | None = None) -> Scenario:
    """Load and cross-check a scenario folder; `history` (one roster file, or several:
    months in a row) overrides its history.csv."""
    toml_path = scenario_toml_path(path)
    folder = toml_path.parent
    config, raw = load_config(toml_path)
    hashes = {toml_path.name: sha256(raw)}
    files = config.files
    sources = {"scenario": toml_path.name}

    def csv_file(
        kind: str,
        rel: str,
        columns: tuple[str, ...],
        model: type[M],
        optional: bool,
        extra: tuple[str, ...] = (),
    ) -> list[M]:
        p = folder / rel
        sources[kind] = rel
        if not p.exists():
            if optional:
                return []
            raise InputError(rel, "file not found (named in scenario.toml [files])")
        rows, raw_ = read_csv_rows(p, rel, columns)
        hashes[rel] = sha256(raw_)
        conv = _staff_convert if kind == "staff" else None
        return parse_rows(rows, rel, model, columns + tuple(extra), conv)

    staff = csv_file(
        "staff", files.staff, STAFF_COLUMNS, Staff, False, ("sites_allowed", "wtr_opt_out")
    )
    accs = csv_file(
        "accreditations", files.accreditations, ACCREDITATION_COLUMNS, Accreditation, False
    )
    absences = csv_file("absences", files.absences, ABSENCE_COLUMNS, Absence, False)
    requests = csv_file("requests", files.requests, REQUEST_COLUMNS, Request, True)
    if history is not None:
        hist = []
        paths = [Path(history)] if isinstance(history, (str, Path)) else [Path(x) for x in history]
        for hist_path in paths:
            if not hist_path.is_file():
                raise InputError(str(hist_path), "no such history file")
            rows, raw_h = load_roster(hist_path, str(hist_path))
            hist += rows
            hashes[hist_path.name if len(paths) == 1 else str(hist_path)] = sha256(raw_h)
        sources["history"] = str(paths[-1]) if paths else files.history
    elif (folder / files.history).exists():
        sources["history"] = files.history
        hist, raw_h = load_roster(folder / files.history, files.history)
        hashes[files.history] = sha256(raw_h)
    else:
        hist = []
    return Scenario(
        config=config,
        staff=tuple(staff),
        accreditations=tuple(accs),
        absences=tuple(absences),
        requests=tuple(requests),
        history=tuple(hist),
        sources=sources,
        input_hashes=hashes,
    )
