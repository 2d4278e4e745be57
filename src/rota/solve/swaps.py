"""Fair shares by swaps: two people of a fairness pool trade their duties on a few days.

Two people (both supervisors, or neither) trade their duties on a few days: cover
moves only where their accreditations differ, and if the duties traded are as long,
nobody's hours move either. So a swap changes little: who works the nights, weekends
and bank holidays, the requests granted, the shifts off base, and the skill cover of
the few slots traded, all computed exactly in plain Python, thousands of times a
second, where a solver neighbourhood would need a whole re-solve. It is what moves a
night from the person with the most to the person with the fewest, a trade
whole-model searches rarely find (each of its halves alone makes the roster worse).

Every schedule it keeps passes the checker's own rules for that person
(check.checker.person_violations), and its on-call days hold no night. The search is
deterministic: a fixed order of pools, pairs and blocks, and a budget of trials.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from rota.check import history_of, person_violations, shift_at
from rota.horizon import Horizon
from rota.measures import (
    FAIRNESS_KINDS,
    contract_target_minutes,
    fairness_pools,
    fairness_weights,
    fit_for_site,
    like_with_like,
    on_call_blocks,
)
from rota.solve.decisions import Decisions
from rota.solve.families.eligibility import eligible_options, history_shifts

TRIALS = 20000  # swaps tried at most
Schedule = dict[int, tuple[int, str]]  # day -> (shift instance, site) of one person
LONGEST = 7  # days in a block traded at once (four nights and the rest after them)
HIGH = 4  # people at the top of a pool's range who give
LOW = 12  # people at its bottom who take


@dataclass
class _State:
    """The roster as per-person schedules: day -> (shift instance index, site)."""

    days: dict[str, dict[int, tuple[int, str]]]
    counts: dict[str, dict[str, int]]  # person -> kind -> count


def improve_fairness(
    h: Horizon, roster: Decisions, trials: int = TRIALS, left: Callable[[], float] | None = None
) -> tuple[Decisions, bool]:
    """A roster at least as good as `roster` under the scenario's weights, with on call
    unchanged, found by swaps (see the module's docstring), and whether the wall clock
    (`left`: seconds left) stopped the search before its trials were spent."""
    search = _Search(h, roster, left)
    return search.run(trials), search.stopped


class _Search:
    def __init__(self, h: Horizon, roster: Decisions,
                 left: Callable[[], float] | None = None) -> None:  # fmt: skip
        self.h = h
        self.left = left
        self.stopped = False  # by the wall clock
        sc = h.scenario
        self.slot, self.n_slots = h.slot, h.n_slots
        self.night = [int(s.night) for s in h.shifts]
        self.weekend = [int(h.is_weekend(d)) for d in range(h.n_days)]
        self.holiday = [int(h.is_bank_holiday(d)) for d in range(h.n_days)]
        self.sc = sc
        w = sc.weights
        self.w = w
        self.fair_w = {k: v for k, v in fairness_weights(w).items() if v > 0}
        self.pools = {k: {s: p for s, p in fairness_pools(h, k).items() if len(p) > 1}
                      for k in self.fair_w}  # fmt: skip
        # kind -> site -> the pool's parts compared like with like (measures.like_with_like)
        self.like: dict[str, dict[str, list[list[tuple[str, int]]]]] = {}
        for k, pools in self.pools.items():
            self.like[k] = {site: like_with_like(h, pool) for site, pool in pools.items()}
        self.eligible = {(pid, inst.index, site)
                         for pid, opts in eligible_options(h, history_shifts(h)).items()
                         for inst, site in opts}  # fmt: skip
        self.history = history_of(h)
        self.roster = roster
        days: dict[str, dict[int, tuple[int, str]]] = defaultdict(dict)
        for pid, idx, site in roster.shifts:
            days[pid][h.shifts[idx].day] = (idx, site)
        self.state = _State(days, {})
        for pid in sc.people:
            self.state.counts[pid] = self._counts(days[pid])
        # on-call intervals of each person: no night may overlap them
        self.on_call: dict[str, list[tuple[int, int]]] = defaultdict(list)
        blocks = {rid: on_call_blocks(h, rid) for rid in sc.on_call}
        for rid, pid, bi in roster.on_call:
            r = sc.on_call[rid]
            if r.no_night_shifts:
                held = blocks[rid][bi][1]
                self.on_call[pid].append((h.at(held[0], r.handover),
                                          h.at(held[-1] + 1, r.handover)))  # fmt: skip
        self.requests: dict[str, dict[int, list]] = defaultdict(lambda: defaultdict(list))
        for rq in sc.requests:
            d = h.day_index(rq.date)
            if 0 <= d < h.n_days and rq.request != "not_on_call":
                self.requests[rq.staff_id][d].append(rq)
        self.targets = {p.staff_id: contract_target_minutes(h, p) for p in sc.staff
                        if p.contract_hours_per_week > 0}  # fmt: skip
        self._kinds: dict[tuple[str, str, int], tuple] = {}
        # people on duty per site, kind of demand and slot (history included)
        self.have = {site: {k: np.zeros(h.n_slots, dtype=np.int64)
                            for k in ("off", "sup", *h.demand[site].skills)}
                     for site in sc.sites}  # fmt: skip
        for hs in history_shifts(h):
            if hs.end > 0 and hs.site in sc.sites:
                self._cover(hs.staff_id, hs.site, hs.day, hs.start, hs.end, +1)
        for pid, ds in days.items():
            for d, (idx, site) in ds.items():
                inst = h.shifts[idx]
                self._cover(pid, site, d, inst.start, inst.end, +1)
        self.unit = {"off": w.uncovered_officer_hour, "sup": w.uncovered_supervisor_hour}

    # ----------------------------------------------------------------- measures
    def _counts(self, days: dict[int, tuple[int, str]]) -> dict[str, int]:
        night, weekend, holiday = self.night, self.weekend, self.holiday
        out = dict.fromkeys(FAIRNESS_KINDS, 0)
        for d, (idx, _site) in days.items():
            out["nights"] += night[idx]
            out["weekends"] += weekend[d]
            out["bank_holidays"] += holiday[d]
        return out

    def _kinds_at(self, pid: str, site: str, day: int) -> tuple:
        """What a person on duty at a site counts towards (the cover measure)."""
        key = (pid, site, day)
        if key not in self._kinds:
            h, sc = self.h, self.sc
            when = h.date_of(day)
            self._kinds[key] = (
                fit_for_site(h, pid, site, day),
                sc.is_supervisor(pid, when),
                tuple(sorted(k for k in h.demand[site].skills if sc.holds(pid, k, when))),
            )
        return self._kinds[key]

    def _slots(self, start: int, end: int) -> tuple[int, int]:
        return max(0, start // self.slot), min(self.n_slots, end // self.slot)

    def _span(self, idx: int) -> tuple[int, int]:
        inst = self.h.shifts[idx]
        return self._slots(inst.start, inst.end)

    def _cover(self, pid: str, site: str, day: int, start: int, end: int, sign: int) -> None:
        """Count a person on duty at a site in (sign +1) or out (-1) of `have`."""
        a, b = self._slots(start, end)
        fit, sup, skills = self._kinds_at(pid, site, day)
        have = self.have[site]
        for k, on in (("off", fit), ("sup", sup), *((x, True) for x in skills)):
            if on and k in have:
                have[k][a:b] += sign

    def _short(self, spans: list[tuple[str, int, int]]) -> float:
        """Weighted uncovered demand over the slots of `spans` (site, first, end)."""
        w = self.w
        cost = 0.0
        for site, a, b in spans:
            sd, have = self.h.demand[site], self.have[site]
            for need, k, weight in ((sd.officers, "off", w.uncovered_officer_hour),
                                    (sd.supervisors, "sup", w.uncovered_supervisor_hour),
                                    *((arr, k, w.uncovered_skill_hour)
                                      for k, arr in sd.skills.items())):  # fmt: skip
                cost += weight * int(np.maximum(need[a:b] - have[k][a:b], 0).sum())
        return cost * self.slot / 60

    def _own_cost(self, pid: str, days: dict[int, tuple[int, str]]) -> float:
        """Requests denied, shifts off base and contract deviation of one person."""
        h, w = self.h, self.w
        base = self.sc.people[pid].base_site
        cost = 0.0
        worked = 0
        for idx, site in days.values():
            worked += h.shifts[idx].paid_minutes
            if base is not None and site != base:
                cost += w.off_base_shift
        for d, rqs in self.requests.get(pid, {}).items():
            got = days.get(d)
            for rq in rqs:
                if rq.request == "day_off":
                    denied = got is not None
                elif rq.request == "no_night":
                    denied = got is not None and h.shifts[got[0]].night
                else:
                    denied = got is None or h.shifts[got[0]].code != rq.request[6:]
                cost += denied * w.request_denied * rq.weight
        if pid in self.targets:
            cost += abs(worked - self.targets[pid]) * w.contract_deviation_hour / 60
        return cost

    def _spread(self, kind: str, site: str, counts: dict[str, dict[str, int]]) -> float:
        scaled = [coef * counts[pid][kind] for pid, coef in self.pools[kind][site]]
        return (max(scaled) - min(scaled)) / 100 * self.fair_w[kind]

    def _legal(self, pid: str, days: dict[int, tuple[int, str]]) -> bool:
        h = self.h
        shifts = self.history.get(pid, []) + [shift_at(h, pid, h.shifts[i], s)
                                              for i, s in days.values()]  # fmt: skip
        if person_violations(h, pid, shifts):
            return False
        for idx, _s in days.values():
            inst = h.shifts[idx]
            if inst.night and any(inst.end > lo and inst.start < hi
                                  for lo, hi in self.on_call.get(pid, ())):  # fmt: skip
                return False
        return True

    # ------------------------------------------------------------------- search
    def _trade(self, a: str, b: str, block: list[int]) -> tuple[Schedule, Schedule] | None:
        """The two schedules after `a` and `b` trade their duties on `block`, or None
        when a duty would go to someone who may not work it or counts otherwise."""
        da, db = dict(self.state.days[a]), dict(self.state.days[b])
        for d in block:
            x, y = da.pop(d, None), db.pop(d, None)
            for duty, giver, taker, into in ((x, a, b, db), (y, b, a, da)):
                if duty is None:
                    continue
                idx, site = duty
                if (taker, idx, site) not in self.eligible:
                    return None
                if self._kinds_at(giver, site, d)[:2] != self._kinds_at(taker, site, d)[:2]:
                    return None  # a supervisor only for a supervisor (supervision rules)
                into[d] = duty
        return da, db

    def _changes(self, a: str, b: str, block: list[int]) -> list[tuple[str, int, int, str, int]]:
        """Cover changes of `a` and `b` trading their duties on `block`: (person, day,
        shift instance, site, +1 or -1), for each duty that goes to someone who counts
        otherwise for it (between people who count alike, nothing moves)."""
        out = []
        for d in block:
            for giver, taker in ((a, b), (b, a)):
                duty = self.state.days[giver].get(d)
                if duty is None:
                    continue
                idx, site = duty
                if self._kinds_at(giver, site, d) != self._kinds_at(taker, site, d):
                    out += [(giver, d, idx, site, -1), (taker, d, idx, site, +1)]
        return out

    def _apply(self, changes: list[tuple[str, int, int, str, int]], sign: int = 1) -> None:
        h = self.h
        for pid, d, idx, site, k in changes:
            inst = h.shifts[idx]
            self._cover(pid, site, d, inst.start, inst.end, k * sign)

    def run(self, trials: int) -> Decisions:
        st = self.state
        left = trials
        version: dict[str, int] = defaultdict(int)  # a person's schedule changes
        failed: dict[tuple[str, str, str], tuple[int, int]] = {}  # pair tried in vain at
        improved = True
        while improved and left > 0:
            improved = False
            for kind in self.fair_w:
                for site in sorted(self.pools[kind]):
                    pool = self.pools[kind][site]
                    # the pool's two ends (what the objective weighs), then the ends of
                    # its supervisors and of the rest (like with like)
                    for members in [pool, *self.like[kind][site]]:
                        if len(members) < 2 or left <= 0:
                            continue
                        order = sorted(members, key=lambda pc: (pc[1] * st.counts[pc[0]][kind],
                                                                pc[0]))  # fmt: skip
                        for a, ca in reversed(order[-HIGH:]):
                            for b, cb in order[:LOW]:
                                if left <= 0 or a == b:
                                    break
                                if ca * st.counts[a][kind] <= cb * st.counts[b][kind]:
                                    break
                                seen = (version[a], version[b])
                                if failed.get((kind, a, b)) == seen:
                                    continue
                                found, left = self._try_pair(kind, a, b, left)
                                if found:
                                    version[a] += 1
                                    version[b] += 1
                                    improved = True
                                else:
                                    failed[kind, a, b] = seen
        shifts = frozenset((pid, idx, site) for pid, ds in st.days.items()
                           for idx, site in ds.values())  # fmt: skip
        return Decisions(shifts, self.roster.on_call)

    def _like_spread(self, pools: list[tuple[str, str]], counts: dict[str, dict[str, int]]) -> int:
        """The spreads (in hundredths of a share) of the pools' parts, like with like."""
        total = 0
        for kind, site in pools:
            for part in self.like[kind][site]:
                scaled = [coef * counts[pid][kind] for pid, coef in part]
                total += max(scaled) - min(scaled)
        return total

    def _try_pair(self, kind: str, a: str, b: str, left: int) -> tuple[bool, int]:
        """Blocks of days on which `a` (high count) has a duty of `kind` and `b` less of
        it: the first trade that lowers the objective is made, or, at an equal
        objective, the first that narrows the spreads like with like."""
        h, st = self.h, self.state
        pools = [(k, s) for k in self.fair_w for s, p in self.pools[k].items()
                 if any(pid in (a, b) for pid, _ in p)]  # fmt: skip
        starts = sorted(d for d, (idx, _s) in st.days[a].items()
                        if self._counts({d: (idx, _s)})[kind])  # fmt: skip
        for d0 in starts:
            if self.left is not None and self.left() <= 0.05:
                self.stopped = True
                return False, 0
            for length in range(1, LONGEST + 1):
                block = [d for d in range(d0, d0 + length) if d < h.n_days]
                if left <= 0:
                    return False, left
                left -= 1
                traded = self._trade(a, b, block)
                if traded is None:
                    continue
                da, db = traded
                changes = self._changes(a, b, block)
                spans = sorted({(site, *self._span(idx)) for _p, _d, idx, site, _k in changes})
                before = sum(self._spread(k, s, st.counts) for k, s in pools)
                before += self._own_cost(a, st.days[a]) + self._own_cost(b, st.days[b])
                before += self._short(spans)
                self._apply(changes)
                after_short = self._short(spans)
                self._apply(changes, -1)
                counts = dict(st.counts)
                counts[a], counts[b] = self._counts(da), self._counts(db)
                after = sum(self._spread(k, s, counts) for k, s in pools)
                after += self._own_cost(a, da) + self._own_cost(b, db) + after_short
                better = after < before - 1e-9 or (
                    after <= before + 1e-9
                    and self._like_spread(pools, counts) < self._like_spread(pools, st.counts)
                )
                if better and self._legal(a, da) and self._legal(b, db):
                    self._apply(changes)
                    st.days[a], st.days[b] = da, db
                    st.counts[a], st.counts[b] = counts[a], counts[b]
                    return True, left
        return False, left
