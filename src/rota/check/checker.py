"""The independent checker: every rule evaluated on a finished roster in plain Python.

No solver here. It reads the duties as written (a roster from `generate`, or one edited
by hand), asks each rule family (check/families/) for the rules it finds broken and the
penalties it carries, measures uncovered time on the slot grid, and so recomputes the
whole objective, so that the solver's summary can be held against it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from rota.check.families import FAMILIES, duties, eligibility, working_time
from rota.check.families.coverage import measure_cover
from rota.check.families.on_call import measure_on_call
from rota.check.families.requests import measure_requests
from rota.check.report import CheckReport, Violation
from rota.check.roster import PersonShift, Roster, shift_of
from rota.domain.models import Duty
from rota.errors import InputError
from rota.horizon import Horizon


def validate_roster(h: Horizon, duties_: list[Duty], label: str) -> None:
    """What cannot be judged at all is bad input (exit 2): unknown people, sites, months."""
    sc = h.scenario
    for d in duties_:
        if d.staff_id not in sc.people:
            raise InputError(label, f"unknown staff_id '{d.staff_id}'", row=d.line,
                             field="staff_id")  # fmt: skip
        if not 0 <= h.day_index(d.date) < h.n_days:
            raise InputError(label, f"{d.date} is outside the month {h.label}", row=d.line,
                             field="date")  # fmt: skip
        if d.kind == "shift" and d.site not in sc.sites:
            raise InputError(label, f"unknown site '{d.site}'", row=d.line, field="site")


def check(h: Horizon, duties_: list[Duty]) -> CheckReport:
    """Judge a month's duties against every rule; the history comes from the scenario."""
    roster = Roster(h, duties_)
    rep = CheckReport()
    penalties: dict[str, float] = {}
    for family in FAMILIES:
        rep.violations += family.check(h, roster)
        penalties.update(family.cost(h, roster))
    cover = measure_cover(h, roster)
    oc = measure_on_call(h, roster)
    rep.counts = cover.counts
    rep.shortfalls = cover.shortfalls + oc.shortfalls
    rep.uncovered = {**cover.uncovered, "on_call_days": sum(s.missing for s in oc.shortfalls)}
    rep.requests_total, denied = measure_requests(h, roster)
    rep.requests_denied = [(x.staff_id, x.day, x.request, x.weight, x.why) for x in denied]
    rep.penalties = {k: round(v, 2) for k, v in sorted(penalties.items())}
    rep.violations.sort(key=lambda x: (x.day or date.min, x.staff_id or "", x.rule))
    return rep


def person_violations(h: Horizon, staff_id: str, shifts: list[PersonShift]) -> list[Violation]:
    """The rules of one person's own duties (everything but cover and on call) on
    `shifts`: their month's shifts with the history's, in any order. The solver's local
    search and the gap explainer ask this of every schedule they consider."""
    p = h.scenario.people[staff_id]
    mine = sorted(shifts, key=lambda s: s.start)
    return [
        *duties.person(h, p, mine),
        *eligibility.person(h, p, mine),
        *working_time.person(h, p, mine),
    ]


def history_breaches(h: Horizon, lookback_days: int = 14) -> list[Violation]:
    """Rules the history itself already breaks in its last days (rest between shifts,
    runs of days and nights). The new month cannot mend them and does not add to them;
    they are named so that the planner knows which inputs are at fault."""
    sc = h.scenario
    rules = sc.rules
    out: list[Violation] = []
    per: dict[str, list[PersonShift]] = defaultdict(list)
    for d in sc.history:
        if d.kind != "shift" or d.staff_id not in sc.people:
            continue
        s = shift_of(h, d, True)
        if -lookback_days <= s.day < 0:
            per[d.staff_id].append(s)
    for pid, shifts in sorted(per.items()):
        shifts.sort(key=lambda s: s.start)
        for a, b in zip(shifts, shifts[1:], strict=False):
            if b.start - a.end < rules.min_rest_hours * 60:
                out.append(Violation("rest.min_hours", pid, h.date_of(b.day),
                                     f"history: {b.code} starts {(b.start - a.end) / 60:g} h "
                                     f"after the {a.code} of {h.date_of(a.day)} ends"))  # fmt: skip
        for rid, days, limit in (
            ("days.max_consecutive", sorted({s.day for s in shifts}),
             rules.max_consecutive_duty_days),
            ("nights.max_consecutive", sorted({s.day for s in shifts if s.night}),
             rules.max_consecutive_nights),
        ):  # fmt: skip
            run = 1
            for x, y in zip(days, days[1:], strict=False):
                run = run + 1 if y == x + 1 else 1
                if run == limit + 1:
                    out.append(Violation(rid, pid, h.date_of(y),
                                         f"history: more than {limit} in a row"))  # fmt: skip
    return out
