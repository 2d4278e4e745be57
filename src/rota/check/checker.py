"""The independent checker: every rule evaluated on a finished roster in plain Python.

No solver here. It reads the duties as written (a roster from `generate`, or one
edited by hand), judges each rule of the catalogue, measures uncovered time on the
slot grid exactly as SPEC 1.5 defines it, and recomputes every penalty of the
objective, so that the solver's summary can be held against it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from rota.domain.models import Duty, Staff
from rota.errors import InputError
from rota.horizon import Horizon, duty_is_night
from rota.measures import (
    contract_target_minutes,
    fairness_pools,
    fairness_weights,
    fit_for_site,
    is_absent,
    on_call_blocks,
    on_call_fair_pool,
    on_call_pool,
)
from rota.rules import RULES


@dataclass(frozen=True)
class Violation:
    rule: str
    staff_id: str | None
    day: date | None
    message: str

    @property
    def hard(self) -> bool:
        return RULES[self.rule].hard

    def line(self) -> str:
        who = self.staff_id or "-"
        when = self.day.isoformat() if self.day else "-"
        return f"{self.rule} {who} {when}: {self.message} [{RULES[self.rule].source}]"


@dataclass(frozen=True)
class Shortfall:
    """One slot-run of uncovered demand at a site (or an on-call day)."""

    site: str
    start: int  # minutes after the horizon start
    end: int
    kind: str  # officers | supervisors | skill:NAME | on_call:ID
    missing: int  # people missing during the whole stretch


@dataclass
class CheckReport:
    violations: list[Violation] = field(default_factory=list)
    uncovered: dict[str, float] = field(default_factory=dict)
    penalties: dict[str, float] = field(default_factory=dict)
    shortfalls: list[Shortfall] = field(default_factory=list)
    requests_denied: list[tuple[str, date, str, int, str]] = field(default_factory=list)
    requests_total: int = 0
    counts: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)  # site -> kind -> slots

    @property
    def hard(self) -> list[Violation]:
        return [v for v in self.violations if v.hard]

    @property
    def objective(self) -> float:
        return round(sum(self.penalties.values()), 2)


@dataclass(frozen=True)
class _Shift:
    staff_id: str
    day: int
    code: str
    site: str
    start: int
    end: int
    paid: int
    night: bool
    history: bool


def _shift_of(h: Horizon, d: Duty, history: bool) -> _Shift:
    start, end = h.to_minutes(d.start), h.to_minutes(d.end)
    t = h.scenario.templates.get(d.duty)
    brk = t.unpaid_break_minutes if t else 0
    return _Shift(
        staff_id=d.staff_id, day=h.day_index(h.local_date(d.start)), code=d.duty, site=d.site,
        start=start, end=end, paid=end - start - brk, night=duty_is_night(h, d), history=history,
    )  # fmt: skip


def person_violations(h: Horizon, staff_id: str, shifts: list[_Shift]) -> list[Violation]:
    """The rules of one person's own duties (everything but cover and on call) on
    `shifts`: their month's shifts with the history's, in any order. The solver's local
    search asks this of every schedule it considers, so it never keeps one the checker
    would reject."""
    found: list[Violation] = []
    _check_person(h, h.scenario.people[staff_id], sorted(shifts, key=lambda s: s.start),
                  found.append)  # fmt: skip
    return found


def history_of(h: Horizon) -> dict[str, list[_Shift]]:
    """Each person's shifts from the history (those starting before the month)."""
    out: dict[str, list[_Shift]] = defaultdict(list)
    for d in h.scenario.history:
        if d.kind == "shift" and h.day_index(h.local_date(d.start)) < 0:
            out[d.staff_id].append(_shift_of(h, d, True))
    return out


def shift_at(h: Horizon, staff_id: str, inst, site: str) -> _Shift:  # noqa: ANN001
    """A shift instance worked by a person, as the checker sees it."""
    return _Shift(
        staff_id=staff_id, day=inst.day, code=inst.code, site=site, start=inst.start,
        end=inst.end, paid=inst.paid_minutes, night=inst.night, history=False,
    )  # fmt: skip


def validate_roster(h: Horizon, duties: list[Duty], label: str) -> None:
    """What cannot be judged at all is bad input (exit 2): unknown people, sites, months."""
    sc = h.scenario
    for d in duties:
        if d.staff_id not in sc.people:
            raise InputError(label, f"unknown staff_id '{d.staff_id}'", row=d.line,
                             field="staff_id")  # fmt: skip
        if not 0 <= h.day_index(d.date) < h.n_days:
            raise InputError(label, f"{d.date} is outside the month {h.label}", row=d.line,
                             field="date")  # fmt: skip
        if d.kind == "shift" and d.site not in sc.sites:
            raise InputError(label, f"unknown site '{d.site}'", row=d.line, field="site")


def check(h: Horizon, duties: list[Duty]) -> CheckReport:
    """Judge a month's duties against every rule; history comes from the scenario."""
    sc = h.scenario
    rep = CheckReport()
    v = rep.violations.append
    hist_shifts = [
        _shift_of(h, d, True)
        for d in sc.history
        if d.kind == "shift" and h.day_index(h.local_date(d.start)) < 0
    ]
    shifts = []
    on_call_rows = []
    for d in duties:
        if d.kind == "on_call":
            on_call_rows.append(d)
            continue
        s = _shift_of(h, d, False)
        shifts.append(s)
        _check_template(h, d, s, v)
    by_person: dict[str, list[_Shift]] = defaultdict(list)
    for s in hist_shifts + shifts:
        by_person[s.staff_id].append(s)
    for p in sc.staff:
        mine = sorted(by_person.get(p.staff_id, []), key=lambda s: s.start)
        _check_person(h, p, mine, v)
    oc_days = _check_on_call(h, on_call_rows, by_person, v, rep)
    _measure_cover(h, hist_shifts + shifts, rep)
    _penalties(h, shifts, oc_days, rep)
    rep.violations.sort(key=lambda x: (x.day or date.min, x.staff_id or "", x.rule))
    return rep


def _check_template(h: Horizon, d: Duty, s: _Shift, v) -> None:  # noqa: ANN001
    sc = h.scenario
    t = sc.templates.get(d.duty)
    if t is None:
        v(Violation("duty.template", d.staff_id, d.date, f"unknown shift code '{d.duty}'"))
        return
    if h.local_date(d.start) != d.date:
        v(Violation("duty.template", d.staff_id, d.date,
                    f"date {d.date} is not the day the duty starts "
                    f"({h.local_date(d.start)})"))  # fmt: skip
    day = h.day_index(d.date)
    inst = h.instance_of(day, d.duty)
    if inst is None:
        v(Violation("duty.template", d.staff_id, d.date, f"{d.duty} is not worked on {d.date}"))
        return
    if d.site not in inst.sites:
        v(Violation("duty.template", d.staff_id, d.date, f"{d.duty} is not used at {d.site}"))
    if (s.start, s.end) != (inst.start, inst.end):
        v(Violation("duty.template", d.staff_id, d.date,
                    f"{d.duty} runs {h.to_datetime(inst.start).isoformat()} to "
                    f"{h.to_datetime(inst.end).isoformat()}, not as written"))  # fmt: skip
    if abs(d.hours - s.paid / 60) > 0.01:
        v(Violation("duty.template", d.staff_id, d.date,
                    f"hours {d.hours:g} should be {s.paid / 60:.2f}"))  # fmt: skip


def _check_person(h: Horizon, p: Staff, mine: list[_Shift], v) -> None:  # noqa: ANN001
    sc = h.scenario
    rules = sc.rules
    pid = p.staff_id
    cur = [s for s in mine if not s.history]
    worked = sum(s.paid for s in cur)
    per_day: dict[int, list[_Shift]] = defaultdict(list)
    for s in mine:
        per_day[s.day].append(s)
    for s in cur:
        day = h.date_of(s.day)
        if len(per_day[s.day]) > 1 and s is per_day[s.day][1]:
            v(Violation("duty.one_per_day", pid, day, f"{len(per_day[s.day])} shifts start"))
        if s.paid > rules.max_shift_hours * 60:
            v(Violation("duty.max_shift_hours", pid, day,
                        f"{s.code} is {s.paid / 60:g} paid hours (max "
                        f"{rules.max_shift_hours:g})"))  # fmt: skip
        if p.contract_hours_per_week <= 0:
            v(Violation("eligibility.not_rostered", pid, day, f"{s.code} for 0 contracted hours"))
        absence = sc.absence_on(pid, day)
        if absence is not None and absence.kind != "restricted":
            v(Violation("eligibility.absence", pid, day,
                        f"{s.code} on a day of {absence.kind.replace('_', ' ')}"))  # fmt: skip
        if s.site in sc.sites and sc.sites[s.site].operational:
            if absence is not None and absence.kind == "restricted":
                v(Violation("eligibility.restricted", pid, day,
                            f"{s.code} at operational {s.site} while restricted"))  # fmt: skip
            if not sc.holds(pid, "officer_safety", day):
                v(
                    Violation(
                        "eligibility.officer_safety",
                        pid,
                        day,
                        f"{s.code} at operational {s.site} without valid officer_safety",
                    )
                )
        if rules.home_site_only and s.site not in sc.allowed_sites(pid):
            v(
                Violation(
                    "eligibility.site",
                    pid,
                    day,
                    f"{s.code} at {s.site}, not the base site or sites_allowed",
                )
            )
    # rest between consecutive shifts
    rest = rules.min_rest_hours * 60
    for a, b in zip(mine, mine[1:], strict=False):
        if b.history:
            continue
        if b.start - a.end < rest:
            v(
                Violation(
                    "rest.min_hours",
                    pid,
                    h.date_of(b.day),
                    f"{b.code} starts {(b.start - a.end) / 60:g} h after the {a.code} "
                    f"of {h.date_of(a.day)} ends (min {rules.min_rest_hours:g} h)",
                )
            )
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
        if worked > cap:
            v(Violation("hours.avg_weekly", pid, None,
                        f"{worked / 60:g} h in {h.n_days} days averages "
                        f"{worked / 60 / h.n_days * 7:.1f} h a week "
                        f"(max {rules.max_avg_weekly_hours:g})"))  # fmt: skip
        target = contract_target_minutes(h, p)
        if worked > target + rules.max_over_contract_hours * 60:
            v(Violation("hours.over_contract", pid, None,
                        f"{worked / 60:g} h against a target of {target / 60:g} h "
                        f"(at most +{rules.max_over_contract_hours:g})"))  # fmt: skip


def _check_on_call(h: Horizon, rows: list[Duty], by_person, v, rep: CheckReport):  # noqa: ANN001, ANN202
    """On-call rules; returns rota -> staff -> set of on-call day indexes."""
    sc = h.scenario
    held: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for d in rows:
        r = sc.on_call.get(d.duty)
        if r is None:
            v(Violation("duty.template", d.staff_id, d.date, f"unknown on-call rota '{d.duty}'"))
            continue
        day = h.day_index(d.date)
        if (h.to_minutes(d.start), h.to_minutes(d.end)) != (
            h.at(day, r.handover),
            h.at(day + 1, r.handover),
        ):
            v(
                Violation(
                    "duty.template",
                    d.staff_id,
                    d.date,
                    f"{r.id} runs from handover {r.handover} to the next day's",
                )
            )
        held[r.id][d.staff_id].add(day)
    hist: dict[tuple[str, int], set[str]] = defaultdict(set)
    for d in sc.history:
        if d.kind == "on_call" and h.day_index(d.date) < 0:
            hist[d.duty, h.day_index(d.date)].add(d.staff_id)
    per_day_rotas: dict[tuple[str, int], list[str]] = defaultdict(list)
    for r in sc.config.on_call:
        pool = set(on_call_pool(h, r.id))
        blocks = on_call_blocks(h, r.id)
        mine = held[r.id]
        for pid, days in mine.items():
            for day in sorted(days):
                per_day_rotas[pid, day].append(r.id)
                date_ = h.date_of(day)
                if pid not in pool:
                    v(Violation("oncall.eligibility", pid, date_,
                                f"not of the units/ranks of {r.id}"))  # fmt: skip
                missing = [a for a in r.accreditations if not sc.holds(pid, a, date_)]
                if missing:
                    v(
                        Violation(
                            "oncall.eligibility",
                            pid,
                            date_,
                            f"{r.id} without valid {', '.join(missing)}",
                        )
                    )
                for dd in (day, day + 1):
                    ab = sc.absence_on(pid, h.date_of(dd))
                    if ab is not None and ab.kind != "restricted":
                        v(Violation("oncall.absence", pid, date_,
                                    f"{r.id} overlaps {ab.kind.replace('_', ' ')} on "
                                    f"{h.date_of(dd)}"))  # fmt: skip
                        break
                if r.no_night_shifts:
                    lo, hi = h.at(day, r.handover), h.at(day + 1, r.handover)
                    for s in by_person.get(pid, ()):
                        if s.night and s.end > lo and s.start < hi:
                            v(Violation("oncall.no_nights", pid, date_,
                                        f"night {s.code} of {h.date_of(s.day)} while on "
                                        f"call ({r.id})"))  # fmt: skip
        counts: dict[int, int] = defaultdict(int)
        for days in mine.values():
            for day in days:
                counts[day] += 1
        for day in range(h.n_days):
            if counts[day] > r.per_day:
                v(
                    Violation(
                        "oncall.per_day",
                        None,
                        h.date_of(day),
                        f"{counts[day]} people on {r.id} (per_day {r.per_day})",
                    )
                )
            short = r.per_day - counts[day]
            if short > 0:
                lo, hi = h.at(day, r.handover), h.at(day + 1, r.handover)
                rep.shortfalls.append(Shortfall(r.units[0], lo, hi, f"on_call:{r.id}", short))
        holders_of_block: list[set[str]] = []
        for bi, (first, bdays) in enumerate(blocks):
            holders = {pid for pid, days in mine.items() if days & set(bdays)}
            holders_of_block.append(holders)
            for pid in sorted(holders):
                gaps = [d for d in bdays if d not in mine[pid]]
                if gaps:
                    v(Violation("oncall.block", pid, h.date_of(gaps[0]),
                                f"holds part of the {r.id} block from {h.date_of(first)}, "
                                "not the whole block"))  # fmt: skip
            if first < 0:
                before = set()
                for d in range(first, 0):
                    before |= hist.get((r.id, d), set())
                if len(before) <= r.per_day:
                    for pid in sorted(before - holders):
                        # still eligible: may hold it, and not on another rota then
                        busy = any(
                            d in days
                            for rid2, people in held.items()
                            if rid2 != r.id
                            for p2, days in people.items()
                            if p2 == pid
                            for d in bdays
                        )
                        if not busy and _can_hold(h, r, pid, bdays, pool):
                            v(Violation("oncall.continue", pid, h.date_of(0),
                                        f"held the {r.id} block in progress and is still "
                                        "eligible"))  # fmt: skip
            if bi == 0 and r.no_back_to_back:
                prev = set()
                for d in range(first - r.block_days, first):
                    prev |= hist.get((r.id, d), set())
                for pid in sorted(holders & prev):
                    v(Violation("oncall.back_to_back", pid, h.date_of(bdays[0]),
                                f"held the previous {r.id} block too"))  # fmt: skip
        for pid in mine:
            n = sum(1 for hs in holders_of_block if pid in hs)
            if n > r.max_blocks_per_person:
                v(
                    Violation(
                        "oncall.max_blocks",
                        pid,
                        None,
                        f"{n} {r.id} blocks (max {r.max_blocks_per_person})",
                    )
                )
            if r.no_back_to_back:
                for bi in range(len(blocks) - 1):
                    if pid in holders_of_block[bi] and pid in holders_of_block[bi + 1]:
                        v(Violation("oncall.back_to_back", pid, h.date_of(blocks[bi + 1][1][0]),
                                    f"two {r.id} blocks in a row"))  # fmt: skip
    for (pid, day), rotas in per_day_rotas.items():
        if len(rotas) > 1:
            v(Violation("oncall.one_rota", pid, h.date_of(day), f"on {' and '.join(rotas)}"))
    return held


def _can_hold(h: Horizon, r, pid: str, days: list[int], pool: set[str]) -> bool:  # noqa: ANN001
    sc = h.scenario
    if pid not in pool:
        return False
    for d in days:
        if not all(sc.holds(pid, a, h.date_of(d)) for a in r.accreditations):
            return False
        for dd in (d, d + 1):
            ab = sc.absence_on(pid, h.date_of(dd))
            if ab is not None and ab.kind != "restricted":
                return False
    return True


def _runs(mask: np.ndarray, values: np.ndarray):  # noqa: ANN202
    """Maximal runs [a, b) where mask holds and values stay constant."""
    n = len(mask)
    i = 0
    while i < n:
        if not mask[i]:
            i += 1
            continue
        j = i + 1
        while j < n and mask[j] and values[j] == values[i]:
            j += 1
        yield i, j, int(values[i])
        i = j


def _measure_cover(h: Horizon, shifts: list[_Shift], rep: CheckReport) -> None:
    """SPEC 1.5 on the slot grid: who counts where, and what is uncovered."""
    sc = h.scenario
    n = h.n_slots
    slot = h.slot
    hours = slot / 60
    op_sites = [s.id for s in sc.config.sites if s.operational]
    counts: dict[str, dict[str, np.ndarray]] = {}
    for sid in sc.sites:
        counts[sid] = {
            "anyone": np.zeros(n, np.int64),
            "officers": np.zeros(n, np.int64),
            "supervisors": np.zeros(n, np.int64),
            **{f"skill:{k}": np.zeros(n, np.int64) for k in h.demand[sid].skills},
        }
    for s in shifts:
        if s.site not in counts or s.staff_id not in sc.people:
            continue
        a = max(0, -(-s.start // slot))
        b = min(n, s.end // slot)
        if a >= b:
            continue
        c = counts[s.site]
        day = h.date_of(s.day)
        c["anyone"][a:b] += 1
        if fit_for_site(h, s.staff_id, s.site, s.day):
            c["officers"][a:b] += 1
        if sc.is_supervisor(s.staff_id, day):
            c["supervisors"][a:b] += 1
        for k in h.demand[s.site].skills:
            if sc.holds(s.staff_id, k, day):
                c[f"skill:{k}"][a:b] += 1
    rep.counts = counts
    region_sup = sum((counts[s]["supervisors"] for s in op_sites), np.zeros(n, np.int64))
    off_h = sup_h = skill_h = 0.0
    for sid in sc.sites:
        sd = h.demand[sid]
        c = counts[sid]
        short = np.maximum(sd.officers - c["officers"], 0) * sd.demanded
        off_h += short.sum() * hours
        for a, b, k in _runs(short > 0, short):
            rep.shortfalls.append(Shortfall(sid, a * slot, b * slot, "officers", k))
        need_sup = sd.supervisors.copy()
        have_sup = c["supervisors"].copy()
        site = sc.sites[sid]
        if sc.rules.supervisor_whenever_staffed and site.operational:
            staffed = (c["anyone"] > 0) & (sd.supervisors == 0)
            scope = c["supervisors"] if site.supervision == "on_site" else region_sup
            need_sup = np.where(staffed, 1, need_sup)
            have_sup = np.where(staffed, scope, have_sup)
        short = np.maximum(need_sup - have_sup, 0)
        sup_h += short.sum() * hours
        for a, b, k in _runs(short > 0, short):
            rep.shortfalls.append(Shortfall(sid, a * slot, b * slot, "supervisors", k))
        for k, arr in sd.skills.items():
            short = np.maximum(arr - c[f"skill:{k}"], 0) * sd.demanded
            skill_h += short.sum() * hours
            for a, b, m in _runs(short > 0, short):
                rep.shortfalls.append(Shortfall(sid, a * slot, b * slot, f"skill:{k}", m))
    rep.uncovered = {
        "officer_hours": round(float(off_h), 2),
        "supervisor_hours": round(float(sup_h), 2),
        "skill_hours": round(float(skill_h), 2),
        "on_call_days": sum(s.missing for s in rep.shortfalls if s.kind.startswith("on_call:")),
    }


def _penalties(h: Horizon, shifts: list[_Shift], oc_days, rep: CheckReport) -> None:  # noqa: ANN001
    """The objective, recomputed term by term (SPEC 1.1 [weights])."""
    sc = h.scenario
    w = sc.weights
    u = rep.uncovered
    pen: dict[str, float] = {
        "uncovered_officer_hour": w.uncovered_officer_hour * u["officer_hours"],
        "uncovered_supervisor_hour": w.uncovered_supervisor_hour * u["supervisor_hours"],
        "uncovered_skill_hour": w.uncovered_skill_hour * u["skill_hours"],
        "uncovered_on_call_day": w.uncovered_on_call_day * u["on_call_days"],
    }
    by_person: dict[str, list[_Shift]] = defaultdict(list)
    for s in shifts:
        by_person[s.staff_id].append(s)
    dev = 0
    for p in sc.staff:
        if p.contract_hours_per_week > 0:
            dev += abs(sum(s.paid for s in by_person[p.staff_id]) - contract_target_minutes(h, p))
    pen["contract_deviation_hour"] = w.contract_deviation_hour * dev / 60
    pen["off_base_shift"] = w.off_base_shift * sum(
        1 for s in shifts if sc.people[s.staff_id].base_site not in (None, s.site)
    )
    denied_w = 0
    worked_days = {(s.staff_id, s.day): s for s in shifts}
    on_call_any = {
        (pid, d) for rota in oc_days.values() for pid, days in rota.items() for d in days
    }
    for rq in sc.requests:
        d = h.day_index(rq.date)
        if not 0 <= d < h.n_days:
            continue
        rep.requests_total += 1
        s = worked_days.get((rq.staff_id, d))
        absence = sc.absence_on(rq.staff_id, rq.date)
        if rq.request == "day_off":
            denied = s is not None
            why = f"rostered {s.code} at {s.site} for cover" if denied else ""
        elif rq.request == "no_night":
            denied = s is not None and s.night
            why = f"rostered night {s.code} at {s.site} for cover" if denied else ""
        elif rq.request == "not_on_call":
            denied = (rq.staff_id, d) in on_call_any
            why = "holds the on-call block of that day (blocks are held whole)" if denied else ""
        else:
            code = rq.request[6:]
            denied = s is None or s.code != code
            if not denied:
                why = ""
            elif absence is not None and absence.kind != "restricted":
                why = f"absent that day ({absence.kind.replace('_', ' ')})"
            elif h.instance_of(d, code) is None:
                why = f"{code} is not worked on that day"
            elif s is not None:
                why = f"rostered {s.code} at {s.site} instead"
            else:
                why = "not rostered that day (rules, hours or cover)"
        if denied:
            denied_w += rq.weight
            rep.requests_denied.append((rq.staff_id, rq.date, rq.request, rq.weight, why))
    pen["request_denied"] = w.request_denied * denied_w
    for kind, weight in fairness_weights(w).items():
        total = 0.0
        if weight > 0:
            for pool in fairness_pools(h, kind).values():
                if len(pool) < 2:
                    continue
                vals = []
                for pid, coef in pool:
                    mine = by_person[pid]
                    if kind == "nights":
                        c = sum(1 for s in mine if s.night)
                    elif kind == "weekends":
                        c = sum(1 for s in mine if h.is_weekend(s.day))
                    else:
                        c = sum(1 for s in mine if h.is_bank_holiday(s.day))
                    vals.append(coef * c)
                total += weight * (max(vals) - min(vals)) / 100
        pen[f"fairness_{kind}"] = total
    oc_total = 0.0
    if w.fairness_on_call > 0:
        for r in sc.config.on_call:
            pool = on_call_fair_pool(h, r.id)
            if len(pool) < 2:
                continue
            vals = [len(oc_days.get(r.id, {}).get(pid, ())) for pid in pool]
            oc_total += w.fairness_on_call * (max(vals) - min(vals))
    pen["fairness_on_call"] = oc_total
    rep.penalties = {k: round(val, 2) for k, val in sorted(pen.items())}


__all__ = ["CheckReport", "Shortfall", "Violation", "check", "validate_roster", "is_absent"]


def history_breaches(h: Horizon, lookback_days: int = 14) -> list[Violation]:
    """Rules the history itself already breaks in its last days (rest between shifts,
    runs of days and nights). The new month cannot mend them and does not add to them;
    they are named so that the planner knows which inputs are at fault."""
    sc = h.scenario
    rules = sc.rules
    out: list[Violation] = []
    per: dict[str, list[_Shift]] = defaultdict(list)
    for d in sc.history:
        if d.kind != "shift" or d.staff_id not in sc.people:
            continue
        s = _shift_of(h, d, True)
        if -lookback_days <= s.day < 0:
            per[d.staff_id].append(s)
    for pid, shifts in sorted(per.items()):
        shifts.sort(key=lambda s: s.start)
        for a, b in zip(shifts, shifts[1:], strict=False):
            if b.start - a.end < rules.min_rest_hours * 60:
                out.append(
                    Violation(
                        "rest.min_hours",
                        pid,
                        h.date_of(b.day),
                        f"history: {b.code} starts {(b.start - a.end) / 60:g} h "
                        f"after the {a.code} of {h.date_of(a.day)} ends",
                    )
                )
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
