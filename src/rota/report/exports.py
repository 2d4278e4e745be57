"""Exports of a roster folder: an Excel workbook and one iCalendar file per person."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from rota.io.write import atomic_write, ensure_dir
from rota.report.folder import (
    ABSENCES,
    RosterFolder,
    cell_kind,
    legend,
    person_totals,
    rota_ids,
)

# duty cells coloured by kind, as in report.html
FILLS = {
    kind: PatternFill("solid", fgColor=colour)
    for kind, colour in (
        ("shift", "DBEAFE"),
        ("night", "C7D2FE"),
        ("absence", "FDE68A"),
        ("oncall", "E9D5FF"),
    )
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet would run


def _put(ws: Worksheet, values: Sequence[object]) -> None:
    """Append a row; text that a spreadsheet would read as a formula (a name such as
    =HYPERLINK(...)) is stored as text, never as a formula."""
    ws.append(values)
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
            cell.data_type = "s"


def _finish(ws: Worksheet, freeze: str, widths: dict[int, float] | None = None) -> None:
    """Bold header, frozen panes, filters, landscape pages one page wide, and columns as
    wide as their longest value."""
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = freeze
    if ws.max_row > 1:
        ws.auto_filter.ref = ws.dimensions
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    for col in ws.iter_cols(min_row=1, max_row=ws.max_row):
        letter = get_column_letter(col[0].column)
        longest = max((len(_shown(c.value)) for c in col), default=8)
        width = (widths or {}).get(col[0].column, min(40, max(6, longest + 2)))
        ws.column_dimensions[letter].width = width


def _shown(value: object) -> str:
    if isinstance(value, datetime):
        return "2026-12-01 06:00"
    if isinstance(value, date):
        return "2026-12-01"
    return "" if value is None else str(value)


def _local(rf: RosterFolder, instant: datetime) -> datetime:
    """A duty's instant as the local wall-clock time (spreadsheets hold no zone)."""
    return instant.astimezone(rf.tz).replace(tzinfo=None)


def workbook_bytes(rf: RosterFolder, names: dict[str, str] | None = None) -> bytes:
    """One sheet per site (people x days), plus Cover, Totals and Duties (every row of
    roster.csv). Dates and times are real date cells in local time, columns sized,
    header rows frozen; names only when given."""
    from openpyxl import Workbook

    names = names or {}
    on_call = rota_ids(rf)
    wb = Workbook()
    wb.remove(wb.active)
    shade = PatternFill("solid", fgColor="EEEEEE")
    bh_fill = PatternFill("solid", fgColor="FFE9C6")
    cells = rf.cells()
    for site in rf.sites():
        ws = wb.create_sheet(site[:31])
        _put(ws, ["staff_id", *(["name"] if names else []), *rf.days])
        off = 2 if names else 1
        for c in ws[1][off:]:
            c.number_format = "ddd d"
        for pid in rf.people_of_site(site):
            row = cells.get(pid, {})
            _put(ws, [pid, *([names.get(pid, "")] if names else []),
                      *[row.get(d.isoformat(), "") for d in rf.days]])  # fmt: skip
        for i, d in enumerate(rf.days, start=off + 1):
            fill = bh_fill if d in rf.bank_holidays else shade if d.weekday() >= 5 else None
            for col in ws.iter_cols(min_col=i, max_col=i):
                for c in col:
                    kind = cell_kind(str(c.value or ""), on_call) if c.row > 1 else "off"
                    if kind in FILLS:
                        c.fill = FILLS[kind]
                    elif fill:
                        c.fill = fill
        days = {i: 7.0 for i in range(off + 1, off + 1 + len(rf.days))}
        _finish(ws, ws.cell(row=2, column=off + 1).coordinate, days)
    ws = wb.create_sheet("Cover")
    if rf.coverage:
        _put(ws, list(rf.coverage[0]))
        for r in rf.coverage:
            _put(ws, [_local(rf, datetime.fromisoformat(v)) if k in ("start", "end")
                      else int(v) if v.isdigit() else v for k, v in r.items()])  # fmt: skip
        for row in ws.iter_rows(min_row=2, max_col=3):
            for c in row[1:3]:
                c.number_format = "yyyy-mm-dd hh:mm"
    _finish(ws, "B2")
    ws = wb.create_sheet("Totals")
    totals = person_totals(rf)
    if totals:
        _put(ws, list(totals[0]))
        for t in totals:
            _put(ws, list(t.values()))
    _finish(ws, "B2")
    ws = wb.create_sheet("Duties")
    _put(ws, ["staff_id", "date", "duty", "site", "start", "end", "hours", "kind"]
         + (["name"] if names else []))  # fmt: skip
    for duty in rf.duties:
        _put(ws, [duty.staff_id, duty.date, duty.duty, duty.site, _local(rf, duty.start),
                  _local(rf, duty.end), duty.hours, duty.kind]
             + ([names.get(duty.staff_id, "")] if names else []))  # fmt: skip
    for row in ws.iter_rows(min_row=2, max_col=6):
        row[1].number_format = "yyyy-mm-dd"
        row[4].number_format = row[5].number_format = "yyyy-mm-dd hh:mm"
    _finish(ws, "B2")
    ws = wb.create_sheet("Legend")
    _put(ws, ["code", "meaning"])
    for code, meaning in legend(rf, on_call):
        _put(ws, [code, meaning])
        kind = cell_kind(code, on_call)
        if kind in FILLS:
            ws.cell(row=ws.max_row, column=1).fill = FILLS[kind]
    _finish(ws, "A2")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_workbook(rf: RosterFolder, path: Path, names: dict[str, str] | None = None) -> None:
    import os
    import tempfile

    path = Path(path)
    ensure_dir(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "wb") as f:
        os.fchmod(f.fileno(), 0o600)
        f.write(workbook_bytes(rf, names))
    os.replace(tmp, path)


def calendars(rf: RosterFolder, names: dict[str, str] | None = None,
              rest_days: bool = False) -> dict[str, str]:  # fmt: skip
    """staff_id -> iCalendar text: one event per duty, in local time with its zone; with
    `rest_days`, an all-day event for each rest day and each day of leave or absence."""
    from icalendar import Calendar, Event

    names = names or {}
    tz = rf.tz
    scen = rf.summary.get("scenario", "rota")
    known = rf.summary.get("names", {})
    sites, kinds = known.get("sites", {}), known.get("duties", {})
    written = datetime.now(UTC)
    by_person: dict[str, list] = {}
    for d in rf.duties:
        by_person.setdefault(d.staff_id, []).append(d)
    cells = rf.cells() if rest_days else {}
    out = {}
    for pid in sorted(set(by_person) | set(cells)):
        duties = by_person.get(pid, [])
        cal = Calendar()
        cal.add("prodid", "-//rota//duties//EN")
        cal.add("version", "2.0")
        label = f"{pid} {names[pid]}" if pid in names else pid
        cal.add("x-wr-calname", f"Duties {label} ({scen})")
        for d in duties:
            ev = Event()
            # one event per person, day and kind: a changed shift replaces the old one
            ev.add("uid", f"{scen}-{pid}-{d.date.isoformat()}-{d.kind}@rota")
            kind = kinds.get(d.duty, d.duty)
            if d.kind == "on_call":
                ev.add("summary", kind)
            else:
                place = sites.get(d.site, d.site)
                ev.add("summary", f"{kind}, {place}")
                ev.add("location", place)
            ev.add("dtstart", d.start.astimezone(tz))
            ev.add("dtend", d.end.astimezone(tz))
            ev.add("dtstamp", written)
            if d.kind == "shift":
                ev.add("description", f"{d.hours:.2f} paid hours")
            cal.add_component(ev)
        for day, what in _days_off(rf, cells.get(pid)):
            ev = Event()
            ev.add("uid", f"{scen}-{pid}-{day.isoformat()}-day@rota")
            ev.add("summary", what)
            ev.add("dtstart", day)
            ev.add("dtend", date.fromordinal(day.toordinal() + 1))
            ev.add("dtstamp", written)
            ev.add("transp", "TRANSPARENT")
            cal.add_component(ev)
        cal.add_missing_timezones()
        out[pid] = cal.to_ical().decode("utf-8")
    return out


def _days_off(rf: RosterFolder, row: dict[str, str] | None) -> list[tuple[date, str]]:
    """A person's days without a duty (grid.csv row): rest days, and leave or other
    absence by its name."""
    if row is None:
        return []
    out = []
    for day in rf.days:
        code = row.get(day.isoformat(), "")
        first = code.split("+")[0]
        if first in ABSENCES:
            out.append((day, ABSENCES[first].capitalize()))
        elif not code:
            out.append((day, "Rest day"))
    return out


def write_calendars(rf: RosterFolder, folder: Path, names: dict[str, str] | None = None,
                    rest_days: bool = False) -> int:  # fmt: skip
    ensure_dir(Path(folder))
    cals = calendars(rf, names, rest_days)
    for pid, text in cals.items():
        atomic_write(Path(folder) / f"{pid}.ics", text)
    return len(cals)


DUTY_COLUMNS = ["staff_id", "date", "code", "kind", "start", "end", "hours", "site"]


def duty_csv(rf: RosterFolder, names: dict[str, str] | None = None, excel: bool = False) -> str:
    """The duty sheet a rostering system imports: one row per person and day that holds
    something (a shift, an on-call day, leave or another absence, a rest day), with the
    local start and end (HH:MM) of duties. `excel`: a byte-order mark and CRLF line
    ends, as Excel on Windows expects."""
    import csv
    import io

    names = names or {}
    tz = rf.tz
    by_day: dict[tuple[str, date], list] = {}
    for d in rf.duties:
        by_day.setdefault((d.staff_id, d.date), []).append(d)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n" if excel else "\n")
    w.writerow(DUTY_COLUMNS + (["name"] if names else []))
    cells = rf.cells()
    people = sorted(set(cells) | {d.staff_id for d in rf.duties})
    for pid in people:
        tail = [names.get(pid, "")] if names else []
        for day in rf.days:
            duties = by_day.get((pid, day), [])
            for d in sorted(duties, key=lambda x: x.start):
                w.writerow([pid, day.isoformat(), d.duty, d.kind,
                            d.start.astimezone(tz).strftime("%H:%M"),
                            d.end.astimezone(tz).strftime("%H:%M"),
                            f"{d.hours:.2f}", d.site, *tail])  # fmt: skip
            if duties:
                continue
            first = cells.get(pid, {}).get(day.isoformat(), "").split("+")[0]
            if first in ABSENCES:
                w.writerow([pid, day.isoformat(), first, "absence", "", "", "", "", *tail])
            elif pid in cells:
                w.writerow([pid, day.isoformat(), "RD", "rest_day", "", "", "", "", *tail])
    text = buf.getvalue()
    return "\ufeff" + text if excel else text
