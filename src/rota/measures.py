"""Definitions of the objective's quantities, shared by the solver and the checker.

These are not rules (nothing here forbids a duty) but the yardsticks the summary
reports: contracted targets, fairness pools and their pro-rata coefficients, and the
integer scale of the objective. Keeping them in one place is what lets the checker
recompute the solver's objective exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from math import gcd

from rota.domain.models import WEEKDAYS, Duty, Staff, Weights
from rota.horizon import Horizon

FULL_TIME_HOURS = 40  # PR 2003 Annex E: 8 h a day, 40 h a week
FAIRNESS_KINDS = ("nights", "weekends", "bank_holidays")


def fairness_weights(w: Weights) -> dict[str, int]:
    """scenario.toml: the weight of each fairness kind's spread, in FAIRNESS_KINDS order."""
    return {"nights": w.fairness_nights, "weekends": w.fairness_weekends,
            "bank_holidays": w.fairness_bank_holidays}  # fmt: skip


def is_absent(h: Horizon, staff_id: str, day: int) -> bool:
    """A day of absence (the scenario format): `restricted` is not absence."""
    a = h.scenario.absence_on(staff_id, h.date_of(day))
    return a is not None and a.kind != "restricted"


def available_days(h: Horizon, staff_id: str) -> int:
    return sum(1 for d in range(h.n_days) if not is_absent(h, staff_id, d))


def grain_minutes(h: Horizon) -> int:
    """The largest duration that divides every slot and every shift's paid minutes."""
    g = gcd(60, h.slot)
    for s in h.shifts:
        g = gcd(g, s.paid_minutes)
    return max(g, 1)


@dataclass(frozen=True)
class Scale:
    """Integer objective units: the summary divides the solver's objective by `per_hour`.

    One weight-hour is `per_hour` units, one weight-count (a day, a request, a shift)
    is `per_hour` units too, and fairness spreads are kept in hundredths of a
    full-time share, hence the factor 100.
    """

    grain: int  # minutes

    @property
    def per_hour(self) -> int:
        return 100 * 60 // self.grain

    def minutes(self, minutes: int) -> int:
        """Objective units of one weight-unit over `minutes` (a multiple of the grain)."""
        return minutes // self.grain * 100


def scale_of(h: Horizon) -> Scale:
    return Scale(grain_minutes(h))


def contract_target_minutes(h: Horizon, p: Staff) -> int:
    """The scenario format: contract_hours_per_week / 7 x days with no absence, to the grain."""
    g = grain_minutes(h)
    exact = p.contract_hours_per_week * 60 * available_days(h, p.staff_id) / 7
    return int(round(exact / g)) * g


def fit_for_site(h: Horizon, staff_id: str, site: str, day: int) -> bool:
    """The cover measure: at an operational site, valid officer_safety and not restricted."""
    sc = h.scenario
    if not sc.sites[site].operational:
        return True
    a = sc.absence_on(staff_id, h.date_of(day))
    if a is not None and a.kind == "restricted":
        return False
    return sc.holds(staff_id, "officer_safety", h.date_of(day))


def weekend_of(h: Horizon, day: int) -> int | None:
    """The weekend a day index belongs to (the number of its Monday-Sunday week, week 0
    holding the month's first day; negative before it), or None on a weekday. Days
    before the month (the history's) count too."""
    first = h.date_of(0).weekday()
    if (day + first) % 7 < 5:
        return None
    return (day + first) // 7


def weekend_windows(h: Horizon) -> list[list[int]]:
    """weekends.max_worked: every run of weekends_window_weeks consecutive weekends that
    holds a weekend day of the month, as weekend numbers (weekend_of), in order."""
    n = h.scenario.rules.weekends_window_weeks
    month = sorted({w for d in range(h.n_days) if (w := weekend_of(h, d)) is not None})
    if not month:
        return []
    return [list(range(a, a + n)) for a in range(month[0] - n + 1, month[-1] + 1)]


def kind_days(h: Horizon, kind: str) -> list[int]:
    """The days a fairness kind counts: every day (nights), weekends, bank holidays."""
    if kind == "weekends":
        return [d for d in range(h.n_days) if h.is_weekend(d)]
    if kind == "bank_holidays":
        return [d for d in range(h.n_days) if h.is_bank_holiday(d)]
    return list(range(h.n_days))


def fairness_pools(h: Horizon, kind: str) -> dict[str, list[tuple[str, int]]]:
    """People sharing a base site, each with a pro-rata coefficient in hundredths.

    A person's count is scaled pro rata, so that a full-time officer available on every
    day of the kind has coefficient 100: by contracted hours (a half-time officer owes
    half the nights: x 40 / hours) and by the days of that kind they can work at their
    base (not absent, fit for duty there: x days of the kind / days available). Someone
    available on no day of the kind is left out of that pool.
    """
    days = kind_days(h, kind)
    pools: dict[str, list[tuple[str, int]]] = {}
    for p in h.scenario.staff:
        if not p.base_site or p.contract_hours_per_week <= 0 or not days:
            continue
        avail = sum(
            1
            for d in days
            if not is_absent(h, p.staff_id, d) and fit_for_site(h, p.staff_id, p.base_site, d)
        )
        if avail == 0:
            continue
        coef = round(100 * FULL_TIME_HOURS * len(days) / (p.contract_hours_per_week * avail))
        pools.setdefault(p.base_site, []).append((p.staff_id, coef))
    return pools


def like_with_like(h: Horizon, pool: list[tuple[str, int]]) -> list[list[tuple[str, int]]]:
    """A fairness pool split into its supervisors and the rest: like compared with like.
    A site's few sergeants (and acting sergeants) cover its supervisor demand, so they
    work more nights than its constables by design, not by unfairness; within each
    part, counts are compared pro rata as in the pool (a part-timer owes less)."""
    sc = h.scenario
    parts: dict[bool, list[tuple[str, int]]] = {}
    for pid, coef in pool:
        sup = any(sc.is_supervisor(pid, h.date_of(d)) for d in range(h.n_days))
        parts.setdefault(sup, []).append((pid, coef))
    return [parts[k] for k in sorted(parts)]


def on_call_pool(h: Horizon, rota_id: str) -> list[str]:
    """Staff who may hold the rota by unit and rank (accreditations are per block)."""
    r = h.scenario.on_call[rota_id]
    return [
        p.staff_id
        for p in h.scenario.staff
        if p.unit in r.units and (not r.ranks or p.rank in r.ranks)
    ]


def on_call_blocks(h: Horizon, rota_id: str) -> list[tuple[int, list[int]]]:
    """Blocks of a rota meeting the horizon: (first day index, may be < 0; days inside)."""
    r = h.scenario.on_call[rota_id]
    anchor = WEEKDAYS.index(r.block_start)
    # the block containing day 0 starts on the latest block_start weekday on or before it,
    # counting whole blocks back from a fixed epoch so multi-week blocks stay aligned
    first_day = h.date_of(0)
    offset = (first_day.weekday() - anchor) % 7
    start = -offset
    if r.block_days % 7 == 0 and r.block_days > 7:
        # align to an epoch Monday so that fortnightly blocks do not drift between months;
        # blocks of a non-weekly length restart on block_start each month
        epoch = date(2024, 1, 1)  # a Monday
        start -= (h.date_of(start) - epoch).days % r.block_days
    blocks = []
    while start < h.n_days:
        days = [d for d in range(start, start + r.block_days) if 0 <= d < h.n_days]
        if days:
            blocks.append((start, days))
        start += r.block_days
    return blocks


def on_call_fair_pool(h: Horizon, rota_id: str) -> list[str]:
    """People among whom on-call days are shared: the rota's units and ranks, holding
    its accreditations on some day of the horizon that is not a day of absence."""
    sc = h.scenario
    r = sc.on_call[rota_id]
    out = []
    for pid in on_call_pool(h, rota_id):
        if any(
            not is_absent(h, pid, d)
            and all(sc.holds(pid, a, h.date_of(d)) for a in r.accreditations)
            for d in range(h.n_days)
        ):
            out.append(pid)
    return out


def least_spread(coefs: list[int], total: int) -> int:
    """The least spread (max - min of coef x count) that whole counts summing to `total`
    can have: the floor that integrality puts under a pool's fairness spread.

    With pro-rata coefficients, whole shifts rarely divide evenly: twenty-four people
    sharing 115 weekend shifts, some part time or on leave, cannot all be within one
    full-time share of each other. For each candidate minimum m (a value some person can
    take), every person's count must lie in [ceil(m / c), floor((m + s) / c)]; the least s
    whose ranges can hold `total` is found by bisection over the values people can take.
    """
    if not coefs or total <= 0:
        return 0
    values = sorted({c * k for c in coefs for k in range(total + 1)})
    best = None
    for m in values:
        lows = [-(-m // c) for c in coefs]  # the least count reaching m, per person
        if sum(lows) > total:
            break

        def fits(s: int, lows: list[int] = lows, m: int = m) -> bool:
            highs = [(m + s) // c for c in coefs]
            return total <= sum(highs) and all(lo <= hi for lo, hi in zip(lows, highs, strict=True))

        cands = [v - m for v in values if v >= m]
        lo_i, hi_i = 0, len(cands) - 1
        if not fits(cands[hi_i]):
            continue
        while lo_i < hi_i:
            mid = (lo_i + hi_i) // 2
            if fits(cands[mid]):
                hi_i = mid
            else:
                lo_i = mid + 1
        if best is None or cands[lo_i] < best:
            best = cands[lo_i]
    return best or 0


def most_off_share(coefs: list[int], counts: list[int]) -> float:
    """How far (in shifts) the person furthest from their pro-rata share of the pool's
    total is: person i's share is total x (1 / coef_i) / sum of (1 / coef_j).

    Below 1 means every full-time officer is within one shift of the others (their
    counts differ by at most one) and every part-time officer or officer on leave within
    one shift of what they owe pro rata.
    """
    total = sum(counts)
    weights = [1 / c for c in coefs]
    whole = sum(weights)
    if not coefs or total == 0:
        return 0.0
    return max(abs(n - total * w / whole) for n, w in zip(counts, weights, strict=True))


REFERENCE_DAYS = 17 * 7  # WTR reg 4: the 48-hour average week over any 17 weeks


def reference_ends(h: Horizon) -> list[int]:
    """The days of the month that end a whole 17-week reference period the history
    reaches back over (from the first day of the history's earliest row): the days
    hours.avg_17w is judged on; none without a history that long."""
    days = [h.day_index(h.local_date(d.start)) for d in h.scenario.history]
    first = min((d for d in days if d < 0), default=None)
    if first is None:
        return []
    return [e for e in range(h.n_days) if e - REFERENCE_DAYS + 1 >= first]


def reference_cap(h: Horizon) -> int:
    """Most paid minutes in a 17-week reference period (the weekly average's maximum)."""
    return int(h.scenario.rules.max_avg_weekly_hours * 60 * REFERENCE_DAYS / 7)


def paid_minutes(h: Horizon, d: Duty) -> int:
    """A shift row's paid minutes: its length less its template's unpaid break."""
    t = h.scenario.templates.get(d.duty)
    return h.to_minutes(d.end) - h.to_minutes(d.start) - (t.unpaid_break_minutes if t else 0)
