"""A roster folder read back: what `generate` wrote, for reports and exports.

Everything here comes from the folder's own files (roster.csv, grid.csv, coverage.csv,
summary.json, shortfall.csv), so a report works on any roster folder, also one whose
roster was edited by hand and checked again.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from rota.domain.models import ABSENCE_CODES, Duty
from rota.errors import InputError
from rota.io.load import load_roster


@dataclass
class RosterFolder:
    path: Path
    duties: list[Duty]
    summary: dict
    grid: list[dict]
    coverage: list[dict]
    shortfall: list[dict]
    days: list[date] = field(default_factory=list)

    @property
    def staff(self) -> dict:
        return self.summary.get("staff", {})

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.summary.get("timezone", "Europe/London"))

    @property
    def bank_holidays(self) -> set[date]:
        return {date.fromisoformat(d) for d in self.summary.get("bank_holidays", [])}

    def sites(self) -> list[str]:
        found = {d.site for d in self.duties if d.kind == "shift"}
        found |= {r["site"] for r in self.coverage}
        found |= {s.get("base_site") for s in self.staff.values() if s.get("base_site")}
        return sorted(x for x in found if x)

    def people_of_site(self, site: str) -> list[str]:
        """Based there (from the summary), or, for people without a base, mostly there."""
        out = [pid for pid, s in self.staff.items() if s.get("base_site") == site]
        if out:
            return sorted(out)
        counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for d in self.duties:
            if d.kind == "shift":
                counts[d.staff_id][d.site] += 1
        return sorted(p for p, c in counts.items() if max(c, key=lambda s: c[s]) == site)

    def cells(self) -> dict[str, dict[str, str]]:
        """staff_id -> ISO day -> grid cell."""
        return {row["staff_id"]: row for row in self.grid}


def _read_csv(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def read_folder(path: Path) -> RosterFolder:
    path = Path(path)
    if not (path / "roster.csv").is_file():
        raise InputError(str(path), "not a roster folder (no roster.csv)")
    duties, _ = load_roster(path / "roster.csv", str(path / "roster.csv"))
    try:
        summary = json.loads((path / "summary.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        summary = {}
    except json.JSONDecodeError as exc:
        raise InputError(str(path / "summary.json"), f"not JSON: {exc}") from None
    grid = _read_csv(path / "grid.csv")
    days = []
    if grid:
        for k in grid[0]:
            try:
                days.append(date.fromisoformat(k))
            except ValueError:
                continue
    elif summary.get("month"):
        y, m = map(int, summary["month"].split("-"))
        d = date(y, m, 1)
        while d.month == m:
            days.append(d)
            d = date.fromordinal(d.toordinal() + 1)
    return RosterFolder(path=path, duties=duties, summary=summary, grid=grid,
                        coverage=_read_csv(path / "coverage.csv"),
                        shortfall=_read_csv(path / "shortfall.csv"), days=days)  # fmt: skip


TOTALS = ["hours", "shifts", "nights", "weekends", "bank_holidays", "on_call_days"]


def person_totals(rf: RosterFolder) -> list[dict]:
    """Per person: hours against target, nights, weekend and bank-holiday shifts,
    on-call days (everyone in the staff list, and anyone else the roster names)."""
    staff = pd.DataFrame(
        [{"staff_id": pid, "base_site": s.get("base_site") or "",
          "target_hours": s.get("target_hours")} for pid, s in sorted(rf.staff.items())],
        columns=["staff_id", "base_site", "target_hours"],
    )  # fmt: skip
    bh = rf.bank_holidays
    rows = []
    for d in rf.duties:
        shift = d.kind == "shift"
        rows.append({
            "staff_id": d.staff_id, "hours": d.hours if shift else 0.0, "shifts": int(shift),
            "nights": int(shift and _is_night(d.start, d.end, rf.tz)),
            "weekends": int(shift and d.date.weekday() >= 5),
            "bank_holidays": int(shift and d.date in bh), "on_call_days": int(not shift),
        })  # fmt: skip
    duties = pd.DataFrame(rows, columns=["staff_id", *TOTALS])
    sums = duties.groupby("staff_id", sort=False).sum().reset_index()
    table = staff.merge(sums, on="staff_id", how="outer", sort=False)
    table["base_site"] = table["base_site"].fillna("")
    table["target_hours"] = table["target_hours"].astype(object).where(
        table["target_hours"].notna(), None)  # fmt: skip
    table[TOTALS] = table[TOTALS].fillna(0)
    table["hours"] = table["hours"].astype(float).round(2)
    counts = TOTALS[1:]
    table[counts] = table[counts].astype(int)
    return table.to_dict("records")


def _is_night(start: datetime, end: datetime, tz: ZoneInfo) -> bool:
    """At least 3 h within 23:00-06:00 local time (the default night of the scenario format)."""
    from rota.horizon import night_minutes

    return night_minutes(start, end, tz) >= 180


ABSENCES = {code: kind.replace("_", " ") for kind, code in ABSENCE_CODES.items()}


def cell_kind(code: str, on_call: set[str]) -> str:
    """How a grid cell is coloured: an absence, a night, an on-call day, a shift."""
    if not code:
        return "off"
    parts = code.split("+")
    if parts[0] in ABSENCES:
        return "absence"
    first = parts[0].split("@")[0]
    if first in on_call:
        return "oncall"
    return "night" if first.startswith("N") else "shift"


def rota_ids(rf: RosterFolder) -> set[str]:
    """The scenario's on-call rotas (from summary.json), and any the roster holds."""
    listed = set(rf.summary.get("names", {}).get("on_call_rotas", []))
    return listed | {d.duty for d in rf.duties if d.kind == "on_call"}


def legend(rf: RosterFolder, on_call: set[str]) -> list[tuple[str, str]]:
    """Every code the grid shows, with what it means (and its times)."""
    known = rf.summary.get("names", {})
    what, times = known.get("duties", {}), known.get("times", {})
    seen: set[str] = set()
    for row in rf.grid:
        for k, v in row.items():
            if k[:1].isdigit() and v:
                for part in v.split("+"):
                    seen.add(part.split("@")[0])
    out = []
    for code in sorted(seen):
        if code in ABSENCES:
            out.append((code, ABSENCES[code]))
        elif code in on_call:
            out.append((code, f"{what.get(code, 'on call')}, handover to handover "
                              f"({times.get(code, '')})"))  # fmt: skip
        else:
            out.append((code, f"{what.get(code, 'shift')} {times.get(code, '')}".strip()))
    out.append(("CODE@SITE", "a shift away from the person's base site"))
    out.append(("A+B", "two things on one day (an absence, a shift, an on-call day)"))
    return out
