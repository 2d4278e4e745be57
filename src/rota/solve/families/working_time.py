"""Working-time rules as constraints: rest, runs of days and nights, weekly days off, hours.

Rule ids: rest.min_hours, days.max_consecutive, days.off_per_week, nights.max_consecutive,
nights.rest_after, hours.avg_weekly, hours.over_contract, weekends.max_worked (hard) and
contract.deviation
(soft). duty.one_per_day is posted where the work-day variables are made (duties.py).
"""

from __future__ import annotations

from collections import defaultdict

from rota.horizon import Horizon
from rota.measures import (
    REFERENCE_DAYS,
    contract_target_minutes,
    reference_cap,
    reference_ends,
    weekend_of,
    weekend_windows,
)
from rota.solve.context import LOOKBACK_DAYS, ModelContext
from rota.solve.core import Term, at_most_in_sets, at_most_in_windows, forbid_together
from rota.solve.core.primitives import Expr

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


def _later_within(
    h: Horizon, gap_minutes: int, nights_only: bool = False
) -> dict[int, dict[int, list[int]]]:
    """For each shift instance a: {day: [instances b on a later day starting before
    a.end + gap]}, the successions a rule with that gap forbids."""
    by_start = sorted(h.shifts, key=lambda s: s.start)
    out: dict[int, dict[int, list[int]]] = {}
    for a in h.shifts:
        if nights_only and not a.night:
            continue
        limit = a.end + gap_minutes
        found: dict[int, list[int]] = defaultdict(list)
        for b in by_start:
            if b.start >= limit:
                break
            if b.day > a.day and b.start >= a.start:
                found[b.day].append(b.index)
        out[a.index] = found
    return out


def add_rest(ctx: ModelContext) -> list[Term]:
    """rest.min_hours: no shift starts within min_rest_hours of the end of the last."""
    h = ctx.horizon
    rest = int(ctx.scenario.rules.min_rest_hours * 60)
    later = _later_within(h, rest)
    for pid, shifts in ctx.by_person_shift.items():
        for a_idx in list(shifts):
            for _, bs in sorted(later[a_idx].items()):
                then = [e for b in bs if not isinstance(e := ctx.shift_expr(pid, b), int)]
                if then:
                    forbid_together(ctx.model, ctx.shift_expr(pid, a_idx), then)
    return []


def add_consecutive_days(ctx: ModelContext) -> list[Term]:
    """days.max_consecutive: any max+1 consecutive days hold a day with no shift start."""
    k = ctx.scenario.rules.max_consecutive_duty_days
    first = max(0, LOOKBACK_DAYS - k)
    for pid in ctx.work:
        at_most_in_windows(ctx.model, ctx.work_series(pid), k + 1, k, first=first)
    return []


def week_windows(h: Horizon, has_history: bool) -> list[tuple[list[int], int]]:
    """Monday-Sunday weeks meeting the horizon: (day indexes counted, days off required).

    A week cut by the horizon asks pro rata, rounded down; with history, the first
    week is whole, its days before the month known from the history.
    """
    need = h.scenario.rules.min_days_off_per_week
    out = []
    d = -h.date_of(0).weekday()
    while d < h.n_days:
        week = list(range(d, d + 7))
        inside = [x for x in week if 0 <= x < h.n_days]
        if d < 0 and has_history:
            days = [x for x in week if x < h.n_days]
        else:
            days = inside
        # days cut off at the end are unknown: pro rata on the known days
        out.append((days, need * len(days) // 7))
        d += 7
    return out


def add_days_off(ctx: ModelContext) -> list[Term]:
    """days.off_per_week: min_days_off_per_week days with no shift start each week."""
    h = ctx.horizon
    weeks = week_windows(h, bool(ctx.scenario.history))
    for pid in ctx.work:
        series = ctx.work_series(pid)
        # days off >= required  <=>  days worked <= days - required
        at_most_in_sets(
            ctx.model,
            [[series[d + LOOKBACK_DAYS] for d in days] for days, _ in weeks],
            [len(days) - off for days, off in weeks],
        )
    return []


def add_consecutive_nights(ctx: ModelContext) -> list[Term]:
    """nights.max_consecutive: any max+1 consecutive days hold a day with no night."""
    k = ctx.scenario.rules.max_consecutive_nights
    first = max(0, LOOKBACK_DAYS - k)
    for pid in ctx.night:
        at_most_in_windows(ctx.model, ctx.night_series(pid), k + 1, k, first=first)
    return []


def add_rest_after_nights(ctx: ModelContext) -> list[Term]:
    """nights.rest_after: after the last night of a run, nothing starts for the rest period.

    For a night a on day d and a shift b starting before a.end + rest on day k:
    k = d+1 and b not a night: never both (b ends the run);  k >= d+2: a + b <= 1 + N(d+1).
    """
    h = ctx.horizon
    rest = int(ctx.scenario.rules.rest_after_nights_hours * 60)
    if rest <= 0:
        return []
    m = ctx.model
    later = _later_within(h, rest, nights_only=True)
    shift_of = {s.index: s for s in h.shifts}
    for pid, shifts in ctx.by_person_shift.items():
        nseries = ctx.night_series(pid)
        for a_idx in list(shifts):
            a = shift_of[a_idx]
            if not a.night:
                continue
            ya = ctx.shift_expr(pid, a_idx)
            for k, bs in sorted(later[a_idx].items()):
                exprs = [
                    e
                    for b in bs
                    if not (k == a.day + 1 and shift_of[b].night)
                    and not isinstance(e := ctx.shift_expr(pid, b), int)
                ]
                if not exprs:
                    continue
                if k == a.day + 1:
                    forbid_together(m, ya, exprs)
                else:
                    nxt = nseries[a.day + 1 + LOOKBACK_DAYS]
                    m.add(ya + sum(exprs) - nxt <= 1)
        # nights in the history whose run ends at or just before the horizon
        for hs in ctx.history_by_person.get(pid, ()):
            if not hs.night:
                continue
            nxt = nseries[hs.day + 1 + LOOKBACK_DAYS] if hs.day + 1 >= -LOOKBACK_DAYS else 0
            if isinstance(nxt, int) and nxt == 1:
                continue  # the run goes on in the history
            for b in h.shifts:
                if not (hs.end <= b.start < hs.end + rest):
                    continue
                yb = ctx.shift_expr(pid, b.index)
                if isinstance(yb, int):
                    continue
                if b.day == hs.day + 1:
                    if not b.night:
                        m.add(yb == 0)
                elif isinstance(nxt, int):
                    m.add(yb == 0)
                else:
                    m.add(yb <= nxt)
    return []


def _deviation_chord(ctx, pid, opts, worked, target, dev, g) -> None:  # noqa: ANN001
    """A cut that makes the LP see whole shifts: with shifts of G paid minutes, the
    hours worked are k*G for a whole k, and |k*G - target| lies above the chord through
    the two multiples of G around the target. Without it the LP bound of the deviation
    is 0 (fractional shifts hit any target exactly)."""
    from math import gcd

    big = 0
    for o in opts:
        big = gcd(big, o.shift.paid_minutes)
    if big <= g or target % big == 0:
        return
    m = ctx.model
    k = m.new_int_var(0, sum(o.shift.paid_minutes for o in opts) // big, f"shifts[{pid}]")
    m.add(worked == big * k)
    k0 = target // big
    d0 = target - k0 * big  # deviation at k0, in minutes
    d1 = (k0 + 1) * big - target  # at k0 + 1
    # dev*g >= d0 + (d1 - d0) * (k - k0)
    m.add(dev * g >= d0 + (d1 - d0) * (k - k0))


def add_hours(ctx: ModelContext) -> list[Term]:
    """hours.avg_weekly and hours.over_contract (hard); contract.deviation (soft)."""
    h = ctx.horizon
    sc = ctx.scenario
    rules = sc.rules
    m = ctx.model
    scale = ctx.scale
    avg_cap = int(rules.max_avg_weekly_hours * 60 * h.n_days / 7)
    judged = bool(reference_ends(h))
    w = sc.weights.contract_deviation_hour
    terms: list[Term] = []
    for p in sc.staff:
        opts = ctx.by_person.get(p.staff_id, [])
        if p.contract_hours_per_week <= 0:
            continue
        target = contract_target_minutes(h, p)
        over = target + int(rules.max_over_contract_hours * 60)
        # hours.avg_weekly: the month's own average, where the history is too short for
        # the 17-week periods of hours.avg_17w; no average for those who opted out
        cap = over if p.wtr_opt_out or judged else min(avg_cap, over)
        worked = sum(o.shift.paid_minutes * o.var for o in opts) if opts else 0
        if opts:
            m.add(worked <= cap)
        if w <= 0:
            continue
        g = scale.grain
        dev = m.new_int_var(0, (target + cap) // g + 1, f"dev[{p.staff_id}]")
        # dev in grains: worked and target are multiples of the grain
        m.add(dev * g >= worked - target)
        m.add(dev * g >= target - worked)
        if opts:
            _deviation_chord(ctx, p.staff_id, opts, worked, target, dev, g)
        terms.append(Term("contract_deviation_hour", dev, w * 100))
    return terms


def add_weekends(ctx: ModelContext) -> list[Term]:
    """weekends.max_worked: in each window of weekends (measures.weekend_windows), at
    most max_weekends_worked weekends with a shift start. A weekend of the history is
    a fact; a weekend of the month is worked when either of its days is (a variable at
    least each day's work variable)."""
    h = ctx.horizon
    cap = ctx.scenario.rules.max_weekends_worked
    if cap is None:
        return []
    windows = weekend_windows(h)
    m = ctx.model
    for pid, work in ctx.work.items():
        worked: dict[int, Expr] = {}
        for hs in ctx.history_by_person.get(pid, ()):
            if (w := weekend_of(h, hs.day)) is not None:
                worked[w] = 1
        days: dict[int, list[Expr]] = defaultdict(list)
        for d in range(h.n_days):
            if (w := weekend_of(h, d)) is not None and not isinstance(work[d], int):
                days[w].append(work[d])
        for w, vs in days.items():
            if w in worked:
                continue  # worked already (the history's Saturday)
            if len(vs) == 1:
                worked[w] = vs[0]
            else:
                y = m.new_bool_var(f"weekend[{pid},{w}]")
                for v in vs:
                    m.add(y >= v)
                worked[w] = y
        at_most_in_sets(m, [[worked.get(w, 0) for w in window] for window in windows],
                        [cap] * len(windows))  # fmt: skip
    return []


def add_avg_17w(ctx: ModelContext) -> list[Term]:
    """hours.avg_17w: paid minutes in each 17-week reference period ending on a day of
    the month (measures.reference_ends: those the history reaches back over) at most the
    weekly maximum x 17, the history's minutes as facts; people who opted out are not
    held to it. Where the history alone already exceeds it, the month adds nothing."""
    h = ctx.horizon
    ends = reference_ends(h)
    if not ends:
        return []
    cap = reference_cap(h)
    for p in ctx.scenario.staff:
        opts = ctx.by_person.get(p.staff_id, [])
        if p.wtr_opt_out or not opts:
            continue
        past = ctx.history_by_person.get(p.staff_id, ())
        for e in ends:
            before = sum(hs.paid for hs in past if e - REFERENCE_DAYS < hs.day < 0)
            month = [o for o in opts if o.shift.day <= e]
            if month:
                ctx.model.add(sum(o.shift.paid_minutes * o.var for o in month)
                              <= max(0, cap - before))  # fmt: skip
    return []


def add_working_time(ctx: ModelContext) -> list[Term]:
    """Every working-time rule of the family, in one call."""
    terms: list[Term] = []
    for add in (add_rest, add_consecutive_days, add_days_off, add_consecutive_nights,
                add_rest_after_nights, add_hours, add_avg_17w, add_weekends):  # fmt: skip
        terms += add(ctx)
    return terms
