"""Working time: rest, runs of days and nights, days off each week, hours.

Rule ids: rest.min_hours, days.max_consecutive, days.off_per_week,
nights.max_consecutive, nights.rest_after, hours.avg_weekly, hours.over_contract,
weekends.max_worked, and contract.deviation (soft: its cost) (solver:
solve/families/working_time.py).
"""

from __future__ import annotations

from collections import defaultdict

from rota.check.report import Violation
from rota.check.roster import PersonShift, Roster
from rota.domain.models import Staff
from rota.horizon import Horizon
from rota.measures import contract_target_minutes, reference_ends, weekend_of, weekend_windows

RULES = (
    "rest.min_hours",
    "days.max_consecutive",
    "days.off_per_week",
    "nights.max_consecutive",
    "nights.rest_after",
    "hours.avg_weekly",
    "hours.avg_17w",
    "hours.over_contract",
    "weekends.max_worked",
    "contract.deviation",
)


def person(h: Horizon, p: Staff, mine: list[PersonShift]) -> list[Violation]:
    """The working-time rules on one person's shifts, the history's included (in time
    order); only breaches that a shift of the month takes part in are named."""
    sc = h.scenario
    rules = sc.rules
    pid = p.staff_id
    out: list[Violation] = []
    v = out.append
    worked = sum(s.paid for s in mine if not s.history)
    per_day: dict[int, list[PersonShift]] = defaultdict(list)
    for s in mine:
        per_day[s.day].append(s)
    # rest between consecutive shifts
    rest = rules.min_rest_hours * 60
    for a, b in zip(mine, mine[1:], strict=False):
        if not b.history and b.start - a.end < rest:
            gap = (b.start - a.end) / 60
            v(Violation("rest.min_hours", pid, h.date_of(b.day),
                        f"{b.code} starts {gap:g} h after the {a.code} of "
                        f"{h.date_of(a.day)} ends (min {rules.min_rest_hours:g} h)"))  # fmt: skip
    # runs of duty days and of nights (history days count)
    days = sorted(per_day)
    nights = sorted({s.day for s in mine if s.night})
    for seq, limit, rid, what in (
        (days, rules.max_consecutive_duty_days, "days.max_consecutive", "days with a shift"),
        (nights, rules.max_consecutive_nights, "nights.max_consecutive", "nights"),
    ):
        run_start = None
        prev = None
        for d in seq + [None]:
            if d is not None and prev is not None and d == prev + 1:
                prev = d
                continue
            if prev is not None and run_start is not None:
                length = prev - run_start + 1
                if length > limit and prev >= 0:
                    v(Violation(rid, pid, h.date_of(max(run_start + limit, 0)),
                                f"{length} {what} in a row from {h.date_of(run_start)} "
                                f"(max {limit})"))  # fmt: skip
            run_start = prev = d
    # days off in each Monday-Sunday week
    need = rules.min_days_off_per_week
    d0 = -h.date_of(0).weekday()
    has_hist = bool(sc.history)
    while d0 < h.n_days:
        week = [x for x in range(d0, d0 + 7) if x < h.n_days and (x >= 0 or has_hist)]
        required = need * len(week) // 7
        off = sum(1 for x in week if x not in per_day)
        # a week the history alone already broke is not this roster's to mend
        if off < required and any(x >= 0 and x in per_day for x in week):
            v(Violation("days.off_per_week", pid, h.date_of(max(d0, 0)),
                        f"{off} days off in the week of {h.date_of(d0)} "
                        f"(min {required} over {len(week)} days)"))  # fmt: skip
        d0 += 7
    # rest after the last night of a run
    rest_n = rules.rest_after_nights_hours * 60
    if rest_n > 0:
        night_days = set(nights)
        for a in mine:
            if not a.night or (a.day + 1) in night_days:
                continue
            for b in mine:
                if b.history or b.start < a.end or b is a:
                    continue
                if b.start < a.end + rest_n:
                    v(Violation("nights.rest_after", pid, h.date_of(b.day),
                                f"{b.code} starts {(b.start - a.end) / 60:g} h after the last "
                                f"night ({h.date_of(a.day)}) (min "
                                f"{rules.rest_after_nights_hours:g} h)"))  # fmt: skip
    # hours
    if p.contract_hours_per_week > 0 or worked:
        cap = int(rules.max_avg_weekly_hours * 60 * h.n_days / 7)
        # the month's own average, where the history is too short for hours.avg_17w
        if worked > cap and not p.wtr_opt_out and not reference_ends(h):
            v(Violation("hours.avg_weekly", pid, None,
                        f"{worked / 60:g} h in {h.n_days} days averages "
                        f"{worked / 60 / h.n_days * 7:.1f} h a week "
                        f"(max {rules.max_avg_weekly_hours:g})"))  # fmt: skip
        target = contract_target_minutes(h, p)
        if worked > target + rules.max_over_contract_hours * 60:
            v(Violation("hours.over_contract", pid, None,
                        f"{worked / 60:g} h against a target of {target / 60:g} h "
                        f"(at most +{rules.max_over_contract_hours:g})"))  # fmt: skip
    out += _weekends(h, pid, mine)
    if not p.wtr_opt_out:
        out += _reference_periods(h, pid, mine)
    return out


def _reference_periods(h: Horizon, pid: str, mine: list[PersonShift]) -> list[Violation]:
    """hours.avg_17w: paid hours in each 17-week period ending on a day of the month
    that the history reaches back over, at most the weekly maximum x 17; named once, on
    the first period over it, and only where the month adds to it."""
    week = h.scenario.rules.max_avg_weekly_hours
    cap = int(week * 60 * 17)
    for e in reference_ends(h):
        lo = e - 17 * 7 + 1
        past = sum(s.paid for s in mine if s.history and lo <= s.day < 0)
        month = sum(s.paid for s in mine if not s.history and 0 <= s.day <= e)
        if month > 0 and past + month > cap:
            return [Violation("hours.avg_17w", pid, h.date_of(e),
                              f"{(past + month) / 60:g} h in the 17 weeks to {h.date_of(e)} "
                              f"average {(past + month) / 60 / 17:.1f} h a week (max "
                              f"{week:g})")]  # fmt: skip
    return []


def _weekends(h: Horizon, pid: str, mine: list[PersonShift]) -> list[Violation]:
    """weekends.max_worked: weekends with a shift start, in each window of weekends;
    named only where a weekend of the month takes part (the history alone is not this
    roster's to mend)."""
    cap = h.scenario.rules.max_weekends_worked
    if cap is None:
        return []
    worked: dict[int, PersonShift] = {}  # weekend -> its first shift of the month
    history: set[int] = set()
    for s in mine:
        if (w := weekend_of(h, s.day)) is None:
            continue
        if s.history:
            history.add(w)
        else:
            worked.setdefault(w, s)
    out = []
    for window in weekend_windows(h):
        count = len((history | set(worked)) & set(window))
        mine_in = [worked[w] for w in window if w in worked]
        if count > cap and mine_in:
            out.append(Violation("weekends.max_worked", pid, h.date_of(mine_in[0].day),
                                 f"{count} weekends worked in the {len(window)} from "
                                 f"{h.date_of(window[0] * 7 - h.date_of(0).weekday() + 5)} "
                                 f"(max {cap})"))  # fmt: skip
    return out


def check_working_time(h: Horizon, roster: Roster) -> list[Violation]:
    return roster.each_person(person)


def cost_working_time(h: Horizon, roster: Roster) -> dict[str, float]:
    """contract.deviation: hours away from the contracted target, weighted."""
    dev = 0
    for p in h.scenario.staff:
        if p.contract_hours_per_week > 0:
            worked = sum(s.paid for s in roster.month_by_person.get(p.staff_id, ()))
            dev += abs(worked - contract_target_minutes(h, p))
    return {"contract_deviation_hour": h.scenario.weights.contract_deviation_hour * dev / 60}
