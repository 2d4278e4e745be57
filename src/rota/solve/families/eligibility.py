"""Who may work which shift instance where, and hold which on-call block: the domain.

The model is small because the horizon is concrete: a variable exists only for a
(person, shift instance, site) that no rule forbids on its own, and for a (rota,
person, whole block) the person may hold. This family decides that domain before any
variable is made (`add_eligibility`); the duties and on-call families make the
variables from it. Its rules: eligibility.not_rostered, eligibility.absence,
eligibility.restricted, eligibility.officer_safety, eligibility.site. The domain also
carries what a single duty decides for other families' rules (duty.max_shift_hours,
rest.min_hours against the history, oncall.eligibility, oncall.absence,
oncall.back_to_back and oncall.no_nights against the history), each marked where it
is applied. The checker judges the same rules independently (check/families/).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rota.horizon import Horizon, ShiftInstance, duty_is_night
from rota.measures import fit_for_site, is_absent, on_call_blocks, on_call_pool, paid_minutes

if TYPE_CHECKING:
    from rota.solve.context import ModelContext
    from rota.solve.core import Term

RULES = (
    "eligibility.not_rostered",
    "eligibility.absence",
    "eligibility.restricted",
    "eligibility.officer_safety",
    "eligibility.site",
)


@dataclass(frozen=True)
class HistoryShift:
    """A shift from history.csv, in horizon minutes (negative: before the month)."""

    staff_id: str
    day: int
    start: int
    end: int
    night: bool
    site: str
    code: str
    paid: int = 0  # paid minutes


def history_shifts(h: Horizon) -> list[HistoryShift]:
    """Shifts of the history that start before the horizon (later rows are ignored)."""
    out = []
    for d in h.scenario.history:
        if d.kind != "shift" or d.staff_id not in h.scenario.people:
            continue  # people no longer in staff.csv are not judged
        day = h.day_index(h.local_date(d.start))
        if day >= 0:
            continue
        out.append(
            HistoryShift(
                staff_id=d.staff_id,
                day=day,
                start=h.to_minutes(d.start),
                end=h.to_minutes(d.end),
                night=duty_is_night(h, d),
                site=d.site,
                code=d.duty,
                paid=paid_minutes(h, d),
            )  # fmt: skip
        )
    return out


def eligible_options(
    h: Horizon, history: list[HistoryShift]
) -> dict[str, list[tuple[ShiftInstance, str]]]:
    """For each person, the (shift instance, site) pairs no single-duty rule forbids."""
    sc = h.scenario
    rules = sc.rules
    max_paid = rules.max_shift_hours * 60
    rest = int(rules.min_rest_hours * 60)
    last_end: dict[str, int] = {}
    for hs in history:
        last_end[hs.staff_id] = max(last_end.get(hs.staff_id, -(10**9)), hs.end)
    out: dict[str, list[tuple[ShiftInstance, str]]] = {}
    for p in sc.staff:
        opts: list[tuple[ShiftInstance, str]] = []
        out[p.staff_id] = opts
        if p.contract_hours_per_week <= 0:
            continue  # eligibility.not_rostered
        allowed = set(sc.allowed_sites(p.staff_id))  # eligibility.site
        earliest = last_end.get(p.staff_id, -(10**9)) + rest
        for day in range(h.n_days):
            if is_absent(h, p.staff_id, day):
                continue  # eligibility.absence
            # eligibility.restricted and eligibility.officer_safety (operational sites)
            fit = {s: fit_for_site(h, p.staff_id, s, day) for s in allowed}
            for inst in h.shifts_by_day[day]:
                if inst.paid_minutes > max_paid or inst.start < earliest:
                    continue  # duty.max_shift_hours, rest.min_hours against history
                for site in inst.sites:
                    if site in allowed and fit[site]:
                        opts.append((inst, site))
    return out


def history_on_call(h: Horizon) -> dict[tuple[str, int], set[str]]:
    """(rota id, day index < 0) -> staff on call that day, from the history."""
    out: dict[tuple[str, int], set[str]] = {}
    for d in h.scenario.history:
        if d.kind != "on_call":
            continue
        day = h.day_index(d.date)
        if day < 0:
            out.setdefault((d.duty, day), set()).add(d.staff_id)
    return out


def on_call_day_free(h: Horizon, staff_id: str, day: int) -> bool:
    """oncall.absence: an on-call day runs handover to handover, into the next day."""
    sc = h.scenario
    for dd in (day, day + 1):
        a = sc.absence_on(staff_id, h.date_of(dd))
        if a is not None and a.kind != "restricted":
            return False
    return True


def eligible_blocks(h: Horizon, history: list[HistoryShift]) -> dict[str, dict[int, list[str]]]:
    """For each rota, block index -> staff who may hold that whole block."""
    sc = h.scenario
    hist_oc = history_on_call(h)
    out: dict[str, dict[int, list[str]]] = {}
    for r in sc.config.on_call:
        blocks = on_call_blocks(h, r.id)
        pool = on_call_pool(h, r.id)
        per_block: dict[int, list[str]] = {}
        for bi, (first, days) in enumerate(blocks):
            lo = h.at(days[0], r.handover)
            hi = h.at(days[-1] + 1, r.handover)
            # who held the previous block, for no_back_to_back against history
            prev = set()
            if bi == 0 and r.no_back_to_back:
                for dd in range(first - r.block_days, first):
                    prev |= hist_oc.get((r.id, dd), set())
            ok = []
            for pid in pool:  # oncall.eligibility: units and ranks
                if pid in prev:
                    continue  # oncall.back_to_back against the history
                if not all(  # oncall.eligibility (accreditations), oncall.absence
                    all(sc.holds(pid, acc, h.date_of(d)) for acc in r.accreditations)
                    and on_call_day_free(h, pid, d)
                    for d in days
                ):
                    continue
                if r.no_night_shifts and any(  # oncall.no_nights against the history
                    hs.staff_id == pid and hs.night and hs.end > lo and hs.start < hi
                    for hs in history
                ):
                    continue
                ok.append(pid)
            per_block[bi] = ok
        out[r.id] = per_block
    return out


def add_eligibility(ctx: ModelContext) -> list[Term]:
    """Decide the model's domain: the options each person may work, the blocks each may
    hold. Nothing is posted: what these rules forbid never becomes a variable."""
    ctx.eligible = eligible_options(ctx.horizon, ctx.history)
    ctx.holders = eligible_blocks(ctx.horizon, ctx.history)
    return []
