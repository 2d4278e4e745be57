"""Swaps and leave on a written roster: is it legal, and what does it do to cover?

- `swap`: one person gives a day's duty to another, who gives one back (`take`) or
  simply covers it (`to`); an on-call day may be handed over in part at a time of day
  (an override: the block's holder keeps the block, the other covers the rest of the
  day). The roster before and after is judged by the checker: the swap is refused
  when it breaks a hard rule the roster did not break, naming each rule and source.
- `leave`: can a person's leave be granted? Without any other change if their duties
  can go without uncovering demand; otherwise a repair (rota/repair.py) says what
  would make it possible, and at what cost.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rota.check import CheckReport, Violation, check, validate_roster
from rota.domain.models import Duty, check_hhmm, hhmm_minutes
from rota.errors import InputError
from rota.horizon import Horizon, build_horizon
from rota.io.load import load_roster, load_scenario
from rota.roster import sort_duties

if TYPE_CHECKING:
    from rota.repair import Repaired


@dataclass(frozen=True)
class Folder:
    """A roster folder with the month and scenario it was planned for."""

    path: Path
    horizon: Horizon
    duties: list[Duty]
    scenario: Path
    history: list[Path] | None


def read_roster_folder(folder: Path, scenario: Path | None = None) -> Folder:
    """The folder's roster with its month, scenario and history (from summary.json;
    `scenario` overrides the scenario it names)."""
    folder = Path(folder)
    roster, summary_path = folder / "roster.csv", folder / "summary.json"
    if not roster.is_file():
        raise InputError(str(roster), "no roster here (a folder written by rota generate?)")
    try:
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(str(summary_path), f"cannot read: {exc}") from None
    month = summary.get("month")
    if not isinstance(month, str):
        raise InputError(str(summary_path), "no month", field="month")
    paths = summary.get("paths") or {}
    named = paths.get("scenario")
    if scenario is None and not named:
        raise InputError(str(summary_path), "does not name its scenario: give --scenario",
                         field="paths.scenario")  # fmt: skip
    scenario = Path(scenario) if scenario is not None else Path(str(named))
    named_history = paths.get("history")
    history: list[Path] | None = None
    if named_history:
        history = [Path(x) for x in ([named_history] if isinstance(named_history, str)
                                     else named_history)]  # fmt: skip
    sc = load_scenario(scenario, history)
    h = build_horizon(sc, month)
    duties, _ = load_roster(roster, str(roster))
    validate_roster(h, duties, str(roster))
    return Folder(folder, h, duties, scenario, history)


def parse_who(h: Horizon, text: str, option: str) -> tuple[str, date]:
    """'B0012:2026-12-14' -> ('B0012', date), the person known and the day in the month."""
    pid, sep, day_text = text.partition(":")
    try:
        if not sep:
            raise ValueError
        day = date.fromisoformat(day_text)
    except ValueError:
        raise InputError(option, f"'{text}' is not STAFF_ID:YYYY-MM-DD") from None
    if pid not in h.scenario.people:
        raise InputError(option, f"unknown staff_id '{pid}'")
    if not 0 <= h.day_index(day) < h.n_days:
        raise InputError(option, f"{day} is outside the month {h.label}")
    return pid, day


@dataclass
class Verdict:
    """What a change to a roster does: the roster after it, the hard rules it breaks
    that the roster did not, and the uncovered demand before and after."""

    moves: list[str]
    duties: list[Duty]
    broken: list[Violation]
    before: CheckReport
    after: CheckReport

    @property
    def legal(self) -> bool:
        return not self.broken

    def cover_change(self) -> dict[str, float]:
        return {k: round(self.after.uncovered[k] - self.before.uncovered[k], 2)
                for k in self.after.uncovered}  # fmt: skip


def judge(h: Horizon, before: list[Duty], after: list[Duty], moves: list[str],
          after_h: Horizon | None = None) -> Verdict:  # fmt: skip
    """`before` judged on `h`, `after` on `after_h` (default `h`: the month with the
    change's new facts, e.g. a leave)."""
    old, new = check(h, before), check(after_h or h, after)
    seen = {(v.rule, v.staff_id, v.day, v.message) for v in old.hard}
    broken = [v for v in new.hard if (v.rule, v.staff_id, v.day, v.message) not in seen]
    return Verdict(moves, sort_duties(after), broken, old, new)


def _shift_of(duties: list[Duty], pid: str, day: date, option: str) -> Duty:
    rows = [d for d in duties if d.staff_id == pid and d.date == day and d.kind == "shift"]
    if not rows:
        raise InputError(option, f"{pid} has no shift on {day}")
    return rows[0]


def swap(f: Folder, give: str, *, take: str | None = None, to: str | None = None,
         on_call: str | None = None, at: str | None = None) -> Verdict:  # fmt: skip
    """`give` (STAFF:DATE) hands that day's shift to the other person: the one in `take`
    (STAFF:DATE), who gives their shift of that day back, or `to` (STAFF), who covers
    it. With `on_call` (a rota id) and `at` (HH:MM) the giver hands over the rest of
    their on-call day from that time instead."""
    h = f.horizon
    if (take is None) == (to is None):
        raise InputError("usage", "give --take STAFF:DATE (a swap) or --to STAFF (cover)")
    a, day_a = parse_who(h, give, "--give")
    duties = list(f.duties)
    if on_call is not None:
        if to is None:
            raise InputError("--on-call", "an on-call handover is one-sided: give --to STAFF")
        return _hand_over(f, a, day_a, to, on_call, at)
    row_a = _shift_of(duties, a, day_a, "--give")
    duties.remove(row_a)
    if take is not None:
        b, day_b = parse_who(h, take, "--take")
        if b == a:
            raise InputError("--take", "a swap is between two people")
        row_b = _shift_of(duties, b, day_b, "--take")
        duties.remove(row_b)
        duties += [row_a.model_copy(update={"staff_id": b}),
                   row_b.model_copy(update={"staff_id": a})]  # fmt: skip
        moves = [f"{a} gives {row_a.duty} at {row_a.site} on {day_a} to {b}",
                 f"{b} gives {row_b.duty} at {row_b.site} on {day_b} to {a}"]  # fmt: skip
    else:
        b = str(to)
        if b not in h.scenario.people:
            raise InputError("--to", f"unknown staff_id '{b}'")
        if b == a:
            raise InputError("--to", "cover is by another person")
        duties.append(row_a.model_copy(update={"staff_id": b}))
        moves = [f"{b} covers {a}'s {row_a.duty} at {row_a.site} on {day_a}"]
    return judge(h, f.duties, duties, moves)


def _hand_over(f: Folder, a: str, day: date, b: str, rota_id: str, at: str | None) -> Verdict:
    h = f.horizon
    sc = h.scenario
    rota = sc.on_call.get(rota_id)
    if rota is None:
        raise InputError("--on-call", f"unknown on-call rota '{rota_id}'")
    if b not in sc.people:
        raise InputError("--to", f"unknown staff_id '{b}'")
    if at is None:
        raise InputError("--at", "give the handover time HH:MM (the rest of the day from it)")
    try:
        minute = hhmm_minutes(check_hhmm(at))
    except ValueError:
        raise InputError("--at", f"'{at}' is not a time HH:MM") from None
    rows = [d for d in f.duties if d.staff_id == a and d.date == day and d.duty == rota_id]
    if not rows:
        raise InputError("--give", f"{a} is not on call ({rota_id}) on {day}")
    row = rows[0]
    i = h.day_index(day)
    moment = h.at(i, at) if minute > hhmm_minutes(rota.handover) else h.at(i + 1, at)
    if not h.to_minutes(row.start) < moment < h.to_minutes(row.end):
        raise InputError("--at", f"{at} is not inside {a}'s on-call day of {day}")
    when: datetime = h.to_datetime(moment)
    duties = [d for d in f.duties if d is not row]
    duties += [row.model_copy(update={"end": when}),
               row.model_copy(update={"staff_id": b, "start": when})]  # fmt: skip
    moves = [f"{b} covers {a}'s {rota_id} on call from {when.isoformat(timespec='minutes')} "
             f"to {row.end.isoformat(timespec='minutes')}"]  # fmt: skip
    return judge(h, f.duties, duties, moves)


# ------------------------------------------------------------------ leave
@dataclass
class LeaveAnswer:
    staff_id: str
    first: date
    last: date
    dropped: list[Duty]  # the person's duties in the leave
    as_is: Verdict  # the roster with those duties dropped
    repaired: Repaired | None = None  # the repair that makes room, when one is needed

    @property
    def grantable_as_is(self) -> bool:
        return self.as_is.legal and all(v <= 0 for v in self.as_is.cover_change().values())


def leave_as_is(f: Folder, staff: str, first: str, last: str, kind: str) -> LeaveAnswer:
    """The roster with the person's duties of the leave dropped: legal, and what it
    leaves uncovered."""
    from dataclasses import replace

    from rota.domain.models import Absence

    h = f.horizon
    if staff not in h.scenario.people:
        raise InputError("--staff", f"unknown staff_id '{staff}'")
    try:
        d1, d2 = date.fromisoformat(first), date.fromisoformat(last)
    except ValueError:
        raise InputError("--from/--to", f"'{first}'..'{last}' are not dates YYYY-MM-DD") from None
    if d2 < d1:
        raise InputError("--to", f"{d2} is before {d1}")
    for d, opt in ((d1, "--from"), (d2, "--to")):
        if not 0 <= h.day_index(d) < h.n_days:
            raise InputError(opt, f"{d} is outside the month {h.label}")
    # the month with the leave: the absence rules see it
    absence = Absence(staff_id=staff, start=d1, end=d2, kind=kind)  # type: ignore[arg-type]
    sc = replace(h.scenario, absences=(*h.scenario.absences, absence))
    hl = build_horizon(sc, h.label)
    dropped = [d for d in f.duties if d.staff_id == staff and d1 <= d.date <= d2]
    keep = [d for d in f.duties if d not in dropped]
    # the roster as it is against the month as it is, the roster without those duties
    # against the month with the leave: what the leave still meets (an on-call day
    # before it that runs into its first day: oncall.absence) is in `broken`
    verdict = judge(h, f.duties, keep, [f"{staff} drops {d.duty} on {d.date}" for d in dropped],
                    after_h=hl)  # fmt: skip
    return LeaveAnswer(staff, d1, d2, dropped, verdict)


def leave(f: Folder, staff: str, first: str, last: str, *, kind: str = "annual_leave",
          since: str | None = None, notified: str | None = None,
          **solve: object) -> LeaveAnswer:  # fmt: skip
    """Can the leave be granted? As is, if dropping the person's duties breaks nothing
    and uncovers nothing; otherwise the repair that would make room for it (from
    `since`, default the leave's first day), written to FOLDER/leave/<staff>-<first>/."""
    from rota.repair import repair
    from rota.variants import AddAbsence, Variant

    answer = leave_as_is(f, staff, first, last, kind)
    if answer.grantable_as_is:
        return answer
    variant = Variant(name="leave", changes=[AddAbsence(
        op="add_absence", ids=[staff], start=answer.first, end=answer.last,
        kind=kind)])  # type: ignore[arg-type]  # fmt: skip
    answer.repaired = repair(
        f.scenario, f.horizon.label, since or f"{answer.first.isoformat()}T00:00",
        published=f.path / "roster.csv", variant=variant, notified=notified,
        folder=f.path / "leave" / f"{staff}-{answer.first.isoformat()}", force=True,
        history=f.history, **solve)  # type: ignore[arg-type]  # fmt: skip
    return answer
