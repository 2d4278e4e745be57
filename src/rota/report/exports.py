"""Exports of a roster folder: an Excel workbook and one iCalendar file per person."""

from __future__ import annotations

import io
from pathlib import Path

from rota.io.write import atomic_write, ensure_dir
from rota.report.folder import RosterFolder, person_totals


def workbook_bytes(rf: RosterFolder, names: dict[str, str] | None = None) -> bytes:
    """One sheet per site (people x days), plus Cover, Totals and Duties (every row of
    roster.csv)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    names = names or {}
    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    shade = PatternFill("solid", fgColor="EEEEEE")
    bh_fill = PatternFill("solid", fgColor="FFE9C6")
    cells = rf.cells()
    for site in rf.sites():
        ws = wb.create_sheet(site[:31])
        ws.append(["staff_id", *(["name"] if names else []), *[d.isoformat() for d in rf.days]])
        for c in ws[1]:
            c.font = bold
        off = 2 if names else 1
        for pid in rf.people_of_site(site):
            row = cells.get(pid, {})
            ws.append([pid, *([names.get(pid, "")] if names else []),
                       *[row.get(d.isoformat(), "") for d in rf.days]])  # fmt: skip
        for i, d in enumerate(rf.days, start=off + 1):
            fill = bh_fill if d in rf.bank_holidays else shade if d.weekday() >= 5 else None
            if fill:
                for col in ws.iter_cols(min_col=i, max_col=i):
                    for c in col:
                        c.fill = fill
        ws.freeze_panes = ws.cell(row=2, column=off + 1)
    ws = wb.create_sheet("Cover")
    if rf.coverage:
        ws.append(list(rf.coverage[0]))
        for r in rf.coverage:
            ws.append([int(v) if v.isdigit() else v for v in r.values()])
    ws = wb.create_sheet("Totals")
    totals = person_totals(rf)
    if totals:
        ws.append(list(totals[0]))
        for r in totals:
            ws.append(list(r.values()))
    ws = wb.create_sheet("Duties")
    ws.append(["staff_id", "date", "duty", "site", "start", "end", "hours", "kind"]
              + (["name"] if names else []))  # fmt: skip
    for duty in rf.duties:
        ws.append(
            [
                duty.staff_id,
                duty.date.isoformat(),
                duty.duty,
                duty.site,
                duty.start.astimezone(rf.tz).isoformat(),
                duty.end.astimezone(rf.tz).isoformat(),
                duty.hours,
                duty.kind,
            ]
            + ([names.get(duty.staff_id, "")] if names else [])
        )
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


def calendars(rf: RosterFolder, names: dict[str, str] | None = None) -> dict[str, str]:
    """staff_id -> iCalendar text: one event per duty, in local time with its zone."""
    from icalendar import Calendar, Event

    names = names or {}
    tz = rf.tz
    scen = rf.summary.get("scenario", "rota")
    by_person: dict[str, list] = {}
    for d in rf.duties:
        by_person.setdefault(d.staff_id, []).append(d)
    out = {}
    for pid, duties in sorted(by_person.items()):
        cal = Calendar()
        cal.add("prodid", "-//rota//duties//EN")
        cal.add("version", "2.0")
        label = f"{pid} {names[pid]}" if pid in names else pid
        cal.add("x-wr-calname", f"Duties {label} ({scen})")
        for d in duties:
            ev = Event()
            ev.add("uid", f"{scen}-{pid}-{d.date.isoformat()}-{d.duty}@rota")
            what = f"On call {d.duty}" if d.kind == "on_call" else f"{d.duty} at {d.site}"
            ev.add("summary", what)
            ev.add("dtstart", d.start.astimezone(tz))
            ev.add("dtend", d.end.astimezone(tz))
            ev.add("dtstamp", d.start.astimezone(tz))
            if d.kind == "shift":
                ev.add("description", f"{d.hours:.2f} paid hours")
            cal.add_component(ev)
        cal.add_missing_timezones()
        out[pid] = cal.to_ical().decode("utf-8")
    return out


def write_calendars(rf: RosterFolder, folder: Path, names: dict[str, str] | None = None) -> int:
    ensure_dir(Path(folder))
    cals = calendars(rf, names)
    for pid, text in cals.items():
        atomic_write(Path(folder) / f"{pid}.ics", text)
    return len(cals)
