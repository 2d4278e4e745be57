"""The first roster: built greedily in plain Python, legal by construction, in about a second.

Every hard rule only forbids duties, so a legal roster always exists; this one is the
floor every solve starts from and never falls below (a solve stopped at any moment
still has it to write). It is built before the CP-SAT model, so even a month whose
model takes longer to build than the time allowed gets a roster.

On-call blocks are given first (a block in progress from the history to its holder,
then each block to the eligible person with the fewest blocks so far), then the days
are walked in order: each shift instance takes as many people as its site's demand
still lacks (supervisors, then skill holders, then officers), and then anyone behind
their contracted hours so far takes a shift at their base site. Each candidate is
held against every hard rule by `_Person.may_work`, which looks only backwards: days
are walked in order, so no later duty exists when a duty is given.

A repair (a published roster with new facts) starts from the published roster: each
day first takes its pinned duties and the duties that have happened, then every
published duty still legal (and clear of the rest before a later pin), then covers
what is short; nobody is added only for their contracted hours.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from rota.changes import published_on_call, published_shifts, since_minutes
from rota.domain.models import Pin
from rota.horizon import Horizon, ShiftInstance
from rota.measures import (
    REFERENCE_DAYS,
    contract_target_minutes,
    fit_for_site,
    on_call_blocks,
    reference_cap,
    reference_ends,
    weekend_of,
    weekend_windows,
)
from rota.solve.decisions import Decisions, OnCallKey, ShiftKey
from rota.solve.families.eligibility import (
    HistoryShift,
    eligible_blocks,
    eligible_options,
    history_on_call,
)
from rota.solve.families.working_time import week_windows

NEVER = -(10**9)


@dataclass
class _Person:
    """What the rules that look back need to know of one person, as the walk goes on."""

    staff_id: str
    cap: int  # most paid minutes in the horizon (hours.avg_weekly, hours.over_contract)
    target: int  # contracted minutes over the horizon
    worked: int = 0
    last_end: int = NEVER
    last_night_end: int = NEVER
    days: set[int] = field(default_factory=set)  # days on which a shift starts
    nights: set[int] = field(default_factory=set)
    on_call: list[tuple[int, int]] = field(default_factory=list)  # (from, to) minutes

    def run_before(self, day: int, days: set[int]) -> int:
        """Length of the run of `days` that ends on the day before `day`."""
        n = 0
        while day - 1 - n in days:
            n += 1
        return n


class _Builder:
    def __init__(self, h: Horizon, history: list[HistoryShift]) -> None:
        self.h = h
        sc = h.scenario
        rules = sc.rules
        self.rest = int(rules.min_rest_hours * 60)
        self.rest_nights = int(rules.rest_after_nights_hours * 60)
        self.max_days = rules.max_consecutive_duty_days
        self.max_nights = rules.max_consecutive_nights
        self.weekend_windows = weekend_windows(h)
        avg_cap = int(rules.max_avg_weekly_hours * 60 * h.n_days / 7)
        self.people: dict[str, _Person] = {}
        for p in sc.staff:
            target = contract_target_minutes(h, p) if p.contract_hours_per_week > 0 else 0
            over = target + int(rules.max_over_contract_hours * 60)
            cap = over if p.wtr_opt_out or reference_ends(h) else min(avg_cap, over)
            self.people[p.staff_id] = _Person(p.staff_id, cap, target)
        # hours.avg_17w: the 17-week periods judged, and each person's history minutes
        self.ref_ends = reference_ends(h)
        self.ref_cap = reference_cap(h)
        self.opted_out = {p.staff_id for p in sc.staff if p.wtr_opt_out}
        self.past: dict[str, list[tuple[int, int]]] = defaultdict(list)  # (day, paid)
        for hs in history:
            self.past[hs.staff_id].append((hs.day, hs.paid))
        for hs in history:
            q = self.people[hs.staff_id]
            q.days.add(hs.day)
            q.last_end = max(q.last_end, hs.end)
            if hs.night:
                q.nights.add(hs.day)
                q.last_night_end = max(q.last_night_end, hs.end)
        # the weeks of days.off_per_week: day -> (days of its week counted, days it may work)
        self.week_of: dict[int, tuple[list[int], int]] = {}
        for days, off in week_windows(h, bool(sc.history)):
            for d in days:
                self.week_of[d] = (days, len(days) - off)
        self.options: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
        for pid, opts in eligible_options(h, history).items():
            for inst, site in opts:
                self.options[pid][inst.index].append(site)
        # a repair: (person, day) -> published shift, pins by day, the instant before
        # which duties have happened
        self.repair = sc.published is not None
        # day -> the published shifts of that day: (person, code, site), in person order
        self.old_by_day: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
        self.old_on_call: set[tuple[str, str, int]] = set()
        self.pins: dict[int, list[Pin]] = defaultdict(list)
        self.pinned: dict[str, list[tuple[int, int, bool]]] = defaultdict(list)
        self.cut = NEVER
        if sc.published is not None:
            for (pid, d), (code, site) in sorted(published_shifts(h).items()):
                self.old_by_day[d].append((pid, code, site))
            self.old_on_call = published_on_call(h)
            self.cut = since_minutes(h)
            for pin in sc.published.pins:
                day = h.day_index(pin.date)
                self.pins[day].append(pin)
                pinned = h.instance_of(day, pin.duty)
                if pinned is not None:
                    self.pinned[pin.staff_id].append((day, pinned.start, pinned.night))
        self.shifts: set[ShiftKey] = set()
        self.on_call: set[OnCallKey] = set()
        self._kinds: dict[tuple[str, str, int], tuple[str, ...]] = {}
        # (shift instance, site) -> the people who may work it there
        self.candidates: dict[tuple[int, str], list[str]] = defaultdict(list)
        for pid in sorted(self.options):
            for idx, sites in self.options[pid].items():
                for site in sites:
                    self.candidates[idx, site].append(pid)

    def counts_as(self, pid: str, site: str, day: int) -> tuple[str, ...]:
        """The kinds of demand (the cover measure) a person on duty at a site counts towards."""
        key = (pid, site, day)
        if key not in self._kinds:
            h = self.h
            sc = h.scenario
            when = h.date_of(day)
            kinds = ["off"] if fit_for_site(h, pid, site, day) else []
            if sc.is_supervisor(pid, when):
                kinds.append("sup")
            kinds += [k for k in h.demand[site].skills if sc.holds(pid, k, when)]
            self._kinds[key] = tuple(kinds)
        return self._kinds[key]

    # ------------------------------------------------------------------ rules
    def may_work(self, q: _Person, inst: ShiftInstance, site: str, known: bool = False) -> bool:
        """Every hard rule on a person's shift, judged against what they have so far
        (`known`: the option is known to be eligible)."""
        if not known and site not in self.options[q.staff_id].get(inst.index, ()):
            return False  # eligibility.*, duty.max_shift_hours, rest against history
        d = inst.day
        if d in q.days:  # duty.one_per_day
            return False
        if inst.start < q.last_end + self.rest:  # rest.min_hours
            return False
        if q.run_before(d, q.days) >= self.max_days:  # days.max_consecutive
            return False
        if inst.night and q.run_before(d, q.nights) >= self.max_nights:
            return False  # nights.max_consecutive
        if self.rest_nights > 0:  # nights.rest_after
            if d - 1 in q.nights:
                if not inst.night:
                    return False  # ends the run: rest after it first
            elif inst.start < q.last_night_end + self.rest_nights:
                return False
        days, most = self.week_of[d]  # days.off_per_week
        if sum(1 for x in days if x in q.days) >= most:
            return False
        if q.worked + inst.paid_minutes > q.cap:  # hours.avg_weekly, hours.over_contract
            return False
        if not self.within_reference(q, d, inst.paid_minutes):
            return False
        if inst.night and any(inst.end > lo and inst.start < hi for lo, hi in q.on_call):
            return False  # oncall.no_nights
        for pin_day, start, night in self.pinned.get(q.staff_id, ()):  # a repair's pins
            if pin_day == d and start != inst.start:
                return False  # duty.one_per_day with the pin
            gap = self.rest_nights if inst.night and not night else self.rest
            if pin_day > d and start < inst.end + gap:
                return False  # rest.min_hours, nights.rest_after before the pin
        return self.weekend_allowed(q, d)

    def within_reference(self, q: _Person, day: int, paid: int) -> bool:
        """hours.avg_17w: the month so far and this shift within the first 17-week
        period judged from `day` on (the history's share of later ones only shrinks,
        and later shifts are held against their own)."""
        later = [e for e in self.ref_ends if e >= day]
        if not later or q.staff_id in self.opted_out:
            return True
        e = later[0]
        before = sum(m for d, m in self.past.get(q.staff_id, ()) if e - REFERENCE_DAYS < d < 0)
        return q.worked + paid <= max(0, self.ref_cap - before)

    def weekend_allowed(self, q: _Person, day: int) -> bool:
        """weekends.max_worked: a new weekend keeps every window round it within the cap
        (the walk goes day by day, so each later weekend checks its windows in turn)."""
        cap = self.h.scenario.rules.max_weekends_worked
        w = weekend_of(self.h, day)
        if cap is None or w is None:
            return True
        worked = {x for d in q.days if (x := weekend_of(self.h, d)) is not None}
        if w in worked:
            return True
        return all(len(worked & set(window)) < cap
                   for window in self.weekend_windows if w in window)  # fmt: skip

    def take(self, q: _Person, inst: ShiftInstance, site: str) -> None:
        self.shifts.add((q.staff_id, inst.index, site))
        q.days.add(inst.day)
        q.worked += inst.paid_minutes
        q.last_end = max(q.last_end, inst.end)
        if inst.night:
            q.nights.add(inst.day)
            q.last_night_end = max(q.last_night_end, inst.end)

    # ---------------------------------------------------------------- on call
    def give_on_call(self, history: list[HistoryShift]) -> None:
        """oncall.*: blocks in order, each to its eligible holders with fewest blocks."""
        h = self.h
        sc = h.scenario
        holders = eligible_blocks(h, history)
        hist = history_on_call(h)
        busy: dict[str, set[int]] = defaultdict(set)  # oncall.one_rota
        for r in sc.config.on_call:
            blocks = on_call_blocks(h, r.id)
            count: dict[str, int] = defaultdict(int)
            previous: set[str] = set()
            for bi, (first, days) in enumerate(blocks):
                free = [p for p in holders[r.id][bi] if not busy[p] & set(days)
                        and count[p] < r.max_blocks_per_person
                        and not (r.no_back_to_back and p in previous)]  # fmt: skip
                before: set[str] = set()
                if first < 0:  # oncall.continue: the holders of a block in progress
                    for d in range(first, 0):
                        before |= hist.get((r.id, d), set())
                # a repair: pinned holders, then the published ones (kept whole if the
                # block began before the repair's instant)
                pinned = {p.staff_id for d in days for p in self.pins.get(d, ())
                          if p.duty == r.id}  # fmt: skip
                was = {p for (rid, p, d) in self.old_on_call if rid == r.id and d in days}
                if h.at(first, r.handover) < self.cut:
                    free = sorted(was & set(holders[r.id][bi]))
                free.sort(key=lambda p: (p not in pinned, p not in was, p not in before,
                                         count[p], p))  # fmt: skip
                chosen = free[: r.per_day]
                for p in chosen:
                    self.on_call.add((r.id, p, bi))
                    count[p] += 1
                    busy[p] |= set(days)
                    lo, hi = h.at(days[0], r.handover), h.at(days[-1] + 1, r.handover)
                    self.people[p].on_call.append((lo, hi))
                previous = set(chosen)

    # ----------------------------------------------------------------- shifts
    def give_shifts(self, history: list[HistoryShift]) -> None:
        h = self.h
        sc = h.scenario
        n = h.n_slots
        # people on duty per site and slot, of each kind that demand counts
        have: dict[str, dict[str, np.ndarray]] = {
            s: {k: np.zeros(n, dtype=np.int64) for k in ("off", "sup", *h.demand[s].skills)}
            for s in sc.sites
        }

        counts_as = self.counts_as

        def add_cover(pid: str, site: str, day: int, start: int, end: int) -> None:
            a, b = max(0, start // h.slot), min(n, end // h.slot)
            for k in counts_as(pid, site, day):
                if k in have[site]:
                    have[site][k][a:b] += 1

        for hs in history:
            if hs.site in have and hs.end > 0:
                add_cover(hs.staff_id, hs.site, hs.day, hs.start, hs.end)
        by_site_instance = sorted(
            ((inst, site) for inst in h.shifts for site in inst.sites if site in sc.sites),
            key=lambda x: (x[0].day, x[0].start, x[0].index, x[1]),
        )
        base = {p.staff_id: p.base_site for p in sc.staff}
        for day in range(h.n_days):
            todays = [(i, s) for i, s in by_site_instance if i.day == day]
            if self.repair:
                for pid, inst, site in self._kept(day):
                    self.take(self.people[pid], inst, site)
                    add_cover(pid, site, day, inst.start, inst.end)
            for inst, site in todays:
                self._cover(inst, site, have, counts_as, add_cover, base)
            if self.repair:
                continue
            # anyone behind their contract so far takes a shift at their base site
            for q in sorted(self.people.values(), key=lambda q: q.staff_id):
                if q.target <= 0 or day in q.days:
                    continue
                due = q.target * (day + 1) // h.n_days
                if due - q.worked < 8 * 60:
                    continue
                for inst, site in todays:
                    if site == base[q.staff_id] and not inst.night and self.may_work(q, inst, site):
                        self.take(q, inst, site)
                        add_cover(q.staff_id, site, day, inst.start, inst.end)
                        break

    def _kept(self, day: int) -> list[tuple[str, ShiftInstance, str]]:
        """A repair's duties of a day kept before any cover is sought: its pins and the
        duties that have happened (both checked legal before the solve), then every
        published duty the rules still allow."""
        h = self.h
        out: list[tuple[str, ShiftInstance, str]] = []
        taken: set[str] = set()
        for pin in self.pins.get(day, ()):
            inst = h.instance_of(day, pin.duty)
            if inst is not None:
                out.append((pin.staff_id, inst, pin.site))
                taken.add(pin.staff_id)
        for pid, code, site in self.old_by_day.get(day, ()):
            inst = h.instance_of(day, code)
            if pid in taken or inst is None or pid not in self.people:
                continue
            if inst.start < self.cut or self.may_work(self.people[pid], inst, site):
                out.append((pid, inst, site))
        return out

    def _cover(self, inst, site, have, counts_as, add_cover, base) -> None:  # noqa: ANN001
        """Give `inst` at `site` as many people as its demand still lacks there."""
        h = self.h
        sd = h.demand[site]
        a, b = h.slot_range(inst.start, inst.end)
        a2, b2 = max(0, inst.start // h.slot), min(h.n_slots, inst.end // h.slot)
        if b2 <= a2 or not sd.demanded[a2:b2].any():
            return
        needs = [("sup", sd.supervisors)] + list(sd.skills.items()) + [("off", sd.officers)]
        for kind, required in needs:
            while True:
                lack = int((required[a2:b2] - have[site][kind][a2:b2]).max(initial=0))
                if lack <= 0:
                    break
                q = self._best(inst, site, kind, counts_as, base)
                if q is None:
                    break
                self.take(q, inst, site)
                add_cover(q.staff_id, site, inst.day, inst.start, inst.end)

    def _best(self, inst, site, kind, counts_as, base) -> _Person | None:  # noqa: ANN001
        """The candidate for a place: at their base, continuing a run of nights, furthest
        behind their contract so far, and not scarcer than the place needs."""
        h = self.h
        best = None
        for pid in self.candidates.get((inst.index, site), ()):
            kinds = counts_as(pid, site, inst.day)
            if kind not in kinds:
                continue
            q = self.people[pid]
            if not self.may_work(q, inst, site, known=True):
                continue
            behind = q.target * (inst.day + 1) // max(1, h.n_days) - q.worked
            key = (
                base[pid] != site,
                not (inst.night and inst.day - 1 in q.nights),
                -(behind // 240),  # in half shifts
                len(kinds) if kind == "off" else 0,  # keep supervisors and skills free
                pid,
            )
            if best is None or key < best[0]:
                best = (key, q)
        return None if best is None else best[1]


def first_roster(h: Horizon, history: list[HistoryShift]) -> Decisions:
    """A legal roster of the month, built greedily (see the module's docstring)."""
    b = _Builder(h, history)
    b.give_on_call(history)
    b.give_shifts(history)
    return Decisions(frozenset(b.shifts), frozenset(b.on_call))
