"""The Curtois & Qu staff scheduling instances (Instance1..24): reader and evaluator.

Format and rules: benchmarks/nrp/FORMAT.md. The evaluator recomputes feasibility and
the penalty of a roster from the rules alone, independent of the CP-SAT model.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from rota.errors import InputError

SECTIONS = (
    "SECTION_HORIZON", "SECTION_SHIFTS", "SECTION_STAFF", "SECTION_DAYS_OFF",
    "SECTION_SHIFT_ON_REQUESTS", "SECTION_SHIFT_OFF_REQUESTS", "SECTION_COVER",
)  # fmt: skip


@dataclass(frozen=True)
class Employee:
    id: str
    max_shifts: dict[str, int]
    max_minutes: int
    min_minutes: int
    max_consecutive: int
    min_consecutive: int
    min_days_off: int
    max_weekends: int


@dataclass
class Instance:
    name: str
    days: int
    lengths: dict[str, int]  # shift id -> minutes
    forbidden: dict[str, set[str]]  # shift -> shifts that may not follow it the next day
    employees: list[Employee]
    days_off: dict[str, set[int]] = field(default_factory=dict)
    on_requests: list[tuple[str, int, str, int]] = field(default_factory=list)
    off_requests: list[tuple[str, int, str, int]] = field(default_factory=list)
    cover: dict[tuple[int, str], tuple[int, int, int]] = field(default_factory=dict)

    @property
    def shifts(self) -> list[str]:
        return list(self.lengths)

    @property
    def weeks(self) -> int:
        return self.days // 7


def _int(text: str, label: str, line: int, what: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise InputError(label, f"'{text}' is not a whole number", row=line, field=what) from None


def read_instance(path: Path) -> Instance:
    """Parse an instance file; skips blank and '#' lines and strips '\\r'."""
    path = Path(path)
    label = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(label, f"cannot read: {exc}") from None
    sections: dict[str, list[tuple[int, list[str]]]] = {}
    current = None
    for n, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip().rstrip("\r").strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            if line not in SECTIONS:
                raise InputError(label, f"unknown section {line}", row=n)
            current = line
            sections[current] = []
            continue
        if current is None:
            raise InputError(label, "data before the first SECTION_ line", row=n)
        sections[current].append((n, [f.strip() for f in line.split(",")]))
    for s in ("SECTION_HORIZON", "SECTION_SHIFTS", "SECTION_STAFF", "SECTION_COVER"):
        if not sections.get(s):
            raise InputError(label, f"missing or empty {s}")
    n, f = sections["SECTION_HORIZON"][0]
    days = _int(f[0], label, n, "horizon")
    if days <= 0 or days % 7:
        raise InputError(label, f"horizon {days} is not a positive number of whole weeks", row=n)
    lengths: dict[str, int] = {}
    forbidden: dict[str, set[str]] = {}
    for n, f in sections["SECTION_SHIFTS"]:
        if len(f) < 2:
            raise InputError(label, "a shift needs ID and length", row=n)
        lengths[f[0]] = _int(f[1], label, n, "length")
        forbidden[f[0]] = {x for x in (f[2] if len(f) > 2 else "").split("|") if x}
    for s, nxt in forbidden.items():
        for x in nxt:
            if x not in lengths:
                raise InputError(label, f"shift {s}: unknown shift '{x}' cannot follow it")
    employees = []
    for n, f in sections["SECTION_STAFF"]:
        if len(f) != 8:
            raise InputError(label, f"a staff row has 8 fields, not {len(f)}", row=n)
        mx: dict[str, int] = {}
        for pair in f[1].split("|"):
            sid, eq, val = pair.partition("=")
            if not eq or sid not in lengths:
                raise InputError(label, f"bad MaxShifts entry '{pair}'", row=n, field="MaxShifts")
            mx[sid] = _int(val, label, n, "MaxShifts")
        cols = ("MaxTotalMinutes", "MinTotalMinutes", "MaxConsecutiveShifts",
                "MinConsecutiveShifts", "MinConsecutiveDaysOff", "MaxWeekends")  # fmt: skip
        nums = [_int(x, label, n, col) for x, col in zip(f[2:], cols, strict=True)]
        employees.append(Employee(f[0], mx, *nums))
    ids = {e.id for e in employees}
    inst = Instance(path.stem, days, lengths, forbidden, employees)

    def emp(x: str, n: int) -> str:
        if x not in ids:
            raise InputError(label, f"unknown employee '{x}'", row=n)
        return x

    def day(x: str, n: int) -> int:
        d = _int(x, label, n, "day")
        if not 0 <= d < days:
            raise InputError(label, f"day {d} is outside 0..{days - 1}", row=n)
        return d

    def shift(x: str, n: int) -> str:
        if x not in lengths:
            raise InputError(label, f"unknown shift '{x}'", row=n)
        return x

    for n, f in sections.get("SECTION_DAYS_OFF", []):
        inst.days_off.setdefault(emp(f[0], n), set()).update(day(x, n) for x in f[1:] if x)
    for key, target in (("SECTION_SHIFT_ON_REQUESTS", inst.on_requests),
                        ("SECTION_SHIFT_OFF_REQUESTS", inst.off_requests)):  # fmt: skip
        for n, f in sections.get(key, []):
            if len(f) != 4:
                raise InputError(label, f"a request has 4 fields, not {len(f)}", row=n)
            target.append((emp(f[0], n), day(f[1], n), shift(f[2], n),
                           _int(f[3], label, n, "weight")))  # fmt: skip
    for n, f in sections["SECTION_COVER"]:
        if len(f) != 5:
            raise InputError(label, f"a cover row has 5 fields, not {len(f)}", row=n)
        inst.cover[day(f[0], n), shift(f[1], n)] = (
            _int(f[2], label, n, "requirement"), _int(f[3], label, n, "under"),
            _int(f[4], label, n, "over"))  # fmt: skip
    return inst


Roster = dict[tuple[str, int], str]  # (employee, day) -> shift


def read_roster(path: Path, inst: Instance) -> Roster:
    """A roster file: header `employee,day,shift`, one row per worked shift."""
    label = Path(path).name
    out: Roster = {}
    with Path(path).open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if not rows or [c.strip() for c in rows[0]] != ["employee", "day", "shift"]:
        raise InputError(label, "the header must be employee,day,shift", row=1)
    ids = {e.id for e in inst.employees}
    for n, r in enumerate(rows[1:], start=2):
        if not r:
            continue
        if len(r) != 3 or r[0] not in ids or r[2] not in inst.lengths:
            raise InputError(label, f"bad row {r}", row=n)
        d = _int(r[1], label, n, "day")
        if (r[0], d) in out:
            raise InputError(label, f"{r[0]} has two shifts on day {d}", row=n)
        out[r[0], d] = r[2]
    return out


def evaluate(inst: Instance, roster: Roster) -> tuple[int, list[str]]:
    """(penalty, hard violations) of a roster, from the published rules alone."""
    bad: list[str] = []
    h = inst.days
    for e in inst.employees:
        work = [(e.id, d) in roster for d in range(h)]
        shifts = [roster.get((e.id, d)) for d in range(h)]
        for d in range(h - 1):
            a, b = shifts[d], shifts[d + 1]
            if a and b and b in inst.forbidden[a]:
                bad.append(f"{e.id}: {b} on day {d + 1} may not follow {a}")
        for t in inst.shifts:
            n = sum(1 for s in shifts if s == t)
            if n > e.max_shifts.get(t, 0):
                bad.append(f"{e.id}: {n} x {t} (max {e.max_shifts.get(t, 0)})")
        minutes = sum(inst.lengths[s] for s in shifts if s)
        if not e.min_minutes <= minutes <= e.max_minutes:
            bad.append(f"{e.id}: {minutes} minutes outside [{e.min_minutes}, {e.max_minutes}]")
        runs: list[tuple[bool, int, int]] = []  # (working, start, length)
        for d in range(h):
            if runs and runs[-1][0] == work[d]:
                w, s, n = runs[-1]
                runs[-1] = (w, s, n + 1)
            else:
                runs.append((work[d], d, 1))
        for w, s, n in runs:
            inner = s > 0 and s + n < h
            if w and n > e.max_consecutive:
                bad.append(f"{e.id}: {n} shifts in a row from day {s} (max {e.max_consecutive})")
            if w and inner and n < e.min_consecutive:
                bad.append(f"{e.id}: {n} shifts in a row from day {s} (min {e.min_consecutive})")
            if not w and inner and n < e.min_days_off:
                bad.append(f"{e.id}: {n} days off from day {s} (min {e.min_days_off})")
        weekends = sum(1 for w in range(inst.weeks) if work[7 * w + 5] or work[7 * w + 6])
        if weekends > e.max_weekends:
            bad.append(f"{e.id}: {weekends} weekends (max {e.max_weekends})")
        for d in inst.days_off.get(e.id, ()):
            if work[d]:
                bad.append(f"{e.id}: works on day off {d}")
    pen = sum(penalty_by_day(inst, roster).values())
    return pen, bad


def penalty_by_day(inst: Instance, roster: Roster) -> dict[int, int]:
    """The soft rules' penalty of a roster, day by day (days that cost nothing left out):
    shift requests not granted, and cover under or over its requirement."""
    cost: dict[int, int] = {}
    for eid, d, t, w in inst.on_requests:
        if roster.get((eid, d)) != t:
            cost[d] = cost.get(d, 0) + w
    for eid, d, t, w in inst.off_requests:
        if roster.get((eid, d)) == t:
            cost[d] = cost.get(d, 0) + w
    count: dict[tuple[int, str], int] = {}
    for (_eid, d), t in roster.items():
        count[d, t] = count.get((d, t), 0) + 1
    for (d, t), (req, under, over) in inst.cover.items():
        n = count.get((d, t), 0)
        c = under * max(0, req - n) + over * max(0, n - req)
        if c:
            cost[d] = cost.get(d, 0) + c
    return {d: c for d, c in cost.items() if c}


def best_known() -> dict[str, dict[str, str]]:
    """The published table (best_known.csv beside this file; source: SOURCE.md)."""
    path = Path(__file__).with_name("best_known.csv")
    with path.open(newline="") as f:
        return {r["instance"]: r for r in csv.DictReader(f)}
