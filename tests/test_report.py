"""Reports and exports of a roster folder: HTML in a real browser, workbook, calendars."""

from __future__ import annotations

import csv
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl.utils import get_column_letter

from conftest import budget, make_scenario
from rota.cli import main

DEMAND = """
[[demand]]
site = "A"
from = "06:00"
to = "22:00"
officers = 2
supervisors = 1
[[demand]]
site = "A"
from = "22:00"
to = "06:00"
officers = 1
supervisors = 1
"""
BROWSER_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]  # fmt: skip


ON_CALL = '[[on_call]]\nid = "OC"\nunits = ["BORDER"]\nranks = ["PS"]\n'


def folder_for(tmp_path: Path, month: str, demand: str = DEMAND,
               extra: str = "") -> tuple[Path, Path]:  # fmt: skip
    staff = [[f"S{i}", "PS", "A", 40] for i in range(1, 6)] + [
        [f"C{i}", "PC", "A", 40] for i in range(1, 6)
    ]
    sc = make_scenario(
        tmp_path / f"sc{month}",
        name="rep",
        demand=demand,
        staff=staff,
        absences=[["C1", f"{month}-10", f"{month}-12", "annual_leave", ""]],
        extra=extra,
    )
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["generate", str(sc), "--month", month, "--out", str(out),
                                  *budget(1), "--quiet"])  # fmt: skip
    assert r.exit_code == 0, r.output
    return sc, out / "rep" / month


def roster_rows(folder: Path) -> list[dict]:
    with (folder / "roster.csv").open(newline="") as f:
        return list(csv.DictReader(f))


def test_report_renders_in_headless_chromium(tmp_path):
    """The page as a sergeant sees it, in a real browser: the grid with ranks and a daily
    headcount, the heatmap, the on-call rota as its own row, the totals and the legend;
    a screenshot of the whole page and one of a site."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed here (make test installs it on CI machines)")
    _sc, folder = folder_for(tmp_path, "2027-02", extra=ON_CALL)
    page = folder / "report.html"
    assert page.is_file()
    html = page.read_text()
    assert "http://" not in html and "https://" not in html and "<script" not in html
    assert "Name S1" not in html  # names only when asked
    profile = tmp_path / "profile"
    common = [browser, *BROWSER_FLAGS, f"--user-data-dir={profile}", "--window-size=1600,1000"]
    for shot, url in ((tmp_path / "page.png", page.as_uri()),
                      (tmp_path / "site.png", page.as_uri() + "#site-A")):  # fmt: skip
        subprocess.run([*common, f"--screenshot={shot}", url], check=True,
                       capture_output=True, timeout=120)  # fmt: skip
        assert shot.is_file() and shot.stat().st_size > 10_000
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    dom = subprocess.run([*common, "--dump-dom", page.as_uri()], check=True,
                         capture_output=True, text=True, timeout=120).stdout  # fmt: skip
    people = 10
    # the grid: one cell per person and day; the heatmap: 24 rows of 28 days
    assert dom.count('<td class="cell') == people * 28
    assert dom.count('<td class="hm') == 24 * 28
    assert dom.count('class="grid"') == 1 and dom.count('class="heatmap"') == 1
    assert '<table class="totals">' in dom
    # ranks beside the ids, supervisors marked, a headcount under each site's grid
    assert dom.count('<span class="rank">PS</span>') == 5
    assert dom.count('<td class="who sup"') == 5
    assert dom.count('<tr class="headcount">') == 1
    # the on-call rota: one row, a holder (or "none") every day
    assert dom.count('<tr class="oncall-row">') == 1
    assert dom.count('<td class="hold') == 28
    # the legend names every code the grid shows
    legend = dom[dom.index('id="legend"') :]
    for code in ("E", "L", "N", "AL", "OC"):
        assert f"<td>{code}</td>" in legend, code
    assert "Early shift 06:00-14:00" in legend and "annual leave" in legend


def test_workbook_holds_every_duty(tmp_path):
    from openpyxl import load_workbook

    sc, folder = folder_for(tmp_path, "2027-02")
    xlsx = tmp_path / "rota.xlsx"
    r = CliRunner().invoke(main, ["export", str(folder), "--xlsx", str(xlsx)])
    assert r.exit_code == 0, r.output
    wb = load_workbook(xlsx)
    assert {"A", "Cover", "Totals", "Duties"} <= set(wb.sheetnames)
    duties = [(row[0], row[1].date(), *row[2:4], row[4], row[5], float(row[6]), row[7])
              for row in wb["Duties"].iter_rows(min_row=2, values_only=True)]  # fmt: skip
    local = lambda text: datetime.fromisoformat(text).replace(tzinfo=None)  # noqa: E731
    expected = [(r["staff_id"], date.fromisoformat(r["date"]), r["duty"], r["site"],
                 local(r["start"]), local(r["end"]), float(r["hours"]), r["kind"])
                for r in roster_rows(folder)]  # fmt: skip
    assert sorted(duties) == sorted(expected)
    grid = list(wb["A"].iter_rows(values_only=True))
    assert grid[0][0] == "staff_id" and len(grid) == 11
    assert oct((xlsx.stat().st_mode) & 0o777) == "0o600"
    # names only when asked for
    assert "Name S1" not in str(list(wb["A"].iter_rows(values_only=True)))
    r = CliRunner().invoke(main, ["export", str(folder), "--xlsx", str(xlsx), "--with-names",
                                  "--scenario", str(sc)])  # fmt: skip
    assert r.exit_code == 0
    assert "Name S1" in str(list(load_workbook(xlsx)["A"].iter_rows(values_only=True)))


def test_workbook_cells_are_dates_sized_frozen_and_never_formulas(tmp_path):
    """Dates and times are date cells (local time), every column has a width, header
    rows are frozen, and a name written as a formula is stored as text."""
    from openpyxl import load_workbook

    sc, folder = folder_for(tmp_path, "2027-02")
    staff = (sc / "staff.csv").read_text().replace("Name S1", '"=HYPERLINK(""http://x"",""x"")"')
    (sc / "staff.csv").write_text(staff)
    xlsx = tmp_path / "rota.xlsx"
    r = CliRunner().invoke(main, ["export", str(folder), "--xlsx", str(xlsx), "--with-names",
                                  "--scenario", str(sc)])  # fmt: skip
    assert r.exit_code == 0, r.output
    wb = load_workbook(xlsx)
    duties = wb["Duties"]
    assert duties.freeze_panes == "B2" and wb["A"].freeze_panes == "C2"
    first = next(duties.iter_rows(min_row=2, max_row=2))
    assert first[1].is_date and first[4].is_date and first[5].is_date
    assert isinstance(first[4].value, datetime) and first[4].value.tzinfo is None
    assert all(c.is_date for c in wb["A"][1][2:])  # the days across the top
    for ws in wb.worksheets:
        assert all(ws.column_dimensions[get_column_letter(i)].width
                   for i in range(1, ws.max_column + 1))  # fmt: skip
    # filters, A4 landscape one page wide, duty cells coloured, a legend sheet
    assert duties.auto_filter.ref and duties.page_setup.orientation == "landscape"
    assert duties.page_setup.fitToWidth == 1 and duties.sheet_properties.pageSetUpPr.fitToPage
    fills = {c.fill.fgColor.rgb for row in wb["A"].iter_rows(min_row=2, min_col=3)
             for c in row if c.value}  # fmt: skip
    assert "00DBEAFE" in fills  # shifts
    legend = {r[0]: r[1] for r in wb["Legend"].iter_rows(min_row=2, values_only=True)}
    assert legend["E"].startswith("Early shift") and legend["AL"] == "annual leave"
    names = [row[0] for row in wb["A"].iter_rows(min_row=2, min_col=2, max_col=2)]
    hyperlink = [c for c in names if str(c.value).startswith("=HYPERLINK")]
    assert len(hyperlink) == 1 and hyperlink[0].data_type == "s"


@pytest.mark.parametrize("month", ["2026-10", "2027-03"])
def test_calendars_match_the_roster_instant_for_instant(tmp_path, month):
    """Across the October and March clock changes: every event starts and ends at the
    very instant of its roster row, with the local offset in force."""
    from icalendar import Calendar

    night_only = DEMAND + '[[demand]]\nsite = "A"\nfrom = "00:00"\nto = "06:00"\nofficers = 2\n'
    _sc, folder = folder_for(tmp_path, month, demand=night_only)
    cal_dir = tmp_path / "cal"
    r = CliRunner().invoke(main, ["export", str(folder), "--ical", str(cal_dir)])
    assert r.exit_code == 0, r.output
    rows = roster_rows(folder)
    expected = {}
    for row in rows:
        expected.setdefault(row["staff_id"], set()).add(
            (datetime.fromisoformat(row["start"]), datetime.fromisoformat(row["end"]))
        )
    seen_change = False
    for pid, instants in expected.items():
        path = cal_dir / f"{pid}.ics"
        assert oct(path.stat().st_mode & 0o777) == "0o600"
        cal = Calendar.from_ical(path.read_bytes())
        events = {(e.decoded("dtstart"), e.decoded("dtend")) for e in cal.walk("VEVENT")}
        assert events == instants, pid
        for s, e in events:
            assert s.tzinfo is not None and e.tzinfo is not None
            if s.utcoffset() != e.utcoffset():
                seen_change = True
        assert f"Name {pid}" not in path.read_text()
    assert seen_change, "a night across the clock change should be exported"


def test_calendar_events_keep_their_uid_when_a_shift_changes(tmp_path):
    """A sergeant changes one person's shift on a day (another code, same date): the
    event keeps its UID, so a subscribed calendar replaces the old shift instead of
    showing both. Every shift event has a LOCATION and a title in words, and DTSTAMP
    is when the file was written, not the duty's start."""
    from icalendar import Calendar

    _sc, folder = folder_for(tmp_path, "2027-02")
    rows = roster_rows(folder)
    row = next(r for r in rows if r["kind"] == "shift")
    pid, day = row["staff_id"], row["date"]

    def events(cal_dir: Path) -> dict:
        r = CliRunner().invoke(main, ["export", str(folder), "--ical", str(cal_dir)])
        assert r.exit_code == 0, r.output
        cal = Calendar.from_ical((cal_dir / f"{pid}.ics").read_bytes())
        return {str(e["uid"]): e for e in cal.walk("VEVENT")}

    before = events(tmp_path / "cal1")
    changed = row["duty"]
    with (folder / "roster.csv").open() as f:
        text = f.read()
    # the same day, another shift code (the calendar does not judge the rules)
    other = "L" if changed != "L" else "E"
    old = f"{pid},{day},{changed},"
    assert old in text
    (folder / "roster.csv").write_text(text.replace(old, f"{pid},{day},{other},", 1))
    after = events(tmp_path / "cal2")
    assert set(before) == set(after)  # one event per person, day and kind
    uid = next(u for u, e in before.items() if e.decoded("dtstart").date().isoformat() == day)
    assert str(before[uid]["summary"]) != str(after[uid]["summary"])
    for e in after.values():
        assert e.decoded("dtstamp") != e.decoded("dtstart")
        if str(e["summary"]).startswith(("Early", "Day", "Late", "Night")):
            assert str(e["location"]) == "Port A" and str(e["summary"]).endswith(", Port A")


def test_calendars_with_rest_days_show_every_day(tmp_path):
    """With --with-rest-days each person's calendar has an event for every day of the
    month: their duties, and all-day events for rest days and leave (C1's annual leave
    on 10-12 Feb reads "Annual leave")."""
    from icalendar import Calendar

    _sc, folder = folder_for(tmp_path, "2027-02")
    cal_dir = tmp_path / "cal"
    r = CliRunner().invoke(main, ["export", str(folder), "--ical", str(cal_dir),
                                  "--with-rest-days"])  # fmt: skip
    assert r.exit_code == 0, r.output
    cal = Calendar.from_ical((cal_dir / "C1.ics").read_bytes())
    days: dict = {}
    for e in cal.walk("VEVENT"):
        start = e.decoded("dtstart")
        day = start.date() if isinstance(start, datetime) else start
        days.setdefault(day, []).append(str(e["summary"]))
    assert len(days) == 28
    assert days[date(2027, 2, 11)] == ["Annual leave"]
    assert any(s == ["Rest day"] for s in days.values())
    uids = [str(e["uid"]) for e in cal.walk("VEVENT")]
    assert len(uids) == len(set(uids))


def test_duty_sheet_has_a_row_per_person_and_day(tmp_path):
    """The duty sheet for a rostering system: every person, every day, a duty with its
    local HH:MM times, leave by its code, or a rest day; --excel adds a BOM and CRLF."""
    _sc, folder = folder_for(tmp_path, "2027-02")
    sheet = tmp_path / "duties.csv"
    r = CliRunner().invoke(main, ["export", str(folder), "--duty-csv", str(sheet)])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(sheet.open(newline="")))
    assert list(rows[0]) == ["staff_id", "date", "code", "kind", "start", "end", "hours", "site"]
    per_person: dict = {}
    for row in rows:
        per_person.setdefault(row["staff_id"], set()).add(row["date"])
    assert len(per_person) == 10 and all(len(days) == 28 for days in per_person.values())
    roster = roster_rows(folder)
    shifts = [r for r in rows if r["kind"] == "shift"]
    assert len(shifts) == sum(1 for r in roster if r["kind"] == "shift")
    first = roster[0]
    mine = next(r for r in shifts if (r["staff_id"], r["date"]) == (first["staff_id"],
                                                                    first["date"]))  # fmt: skip
    assert mine["start"] == first["start"][11:16] and mine["code"] == first["duty"]
    assert {r["code"] for r in rows if r["staff_id"] == "C1" and r["date"] == "2027-02-11"} == {
        "AL"
    }
    assert any(r["kind"] == "rest_day" and r["code"] == "RD" for r in rows)
    r = CliRunner().invoke(main, ["export", str(folder), "--duty-csv", str(sheet), "--excel"])
    raw = sheet.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
