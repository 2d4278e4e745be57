"""The peer: a plain CP-SAT model of the same hard rules, as a competent engineer writes
it in an afternoon, to hold rota's solver against.

    python -m benchmarks.peer SCENARIO --month 2026-12 --time-limit 60 --out roster.csv

It reads the scenario with rota's loader and takes the month's facts from rota's
horizon (shift instances, demand per slot, who may work what), and builds its own
model: one Boolean per eligible (person, shift, site) and per on-call block, every hard
rule posted directly (pairs of shifts for rest, sliding windows for runs), cover per
slot with a shortfall variable, and the objective the scenario's weights put on
uncovered demand, contract deviation and shifts off base. No fairness, no requests, no
neighbourhood search of its own: CP-SAT's default search on 2 workers for the time
limit (or, with `units`, on a deterministic budget). Its roster is judged by rota's
checker like any other.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

from ortools.sat.python import cp_model

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from rota.domain.models import Duty  # noqa: E402
from rota.horizon import build_horizon  # noqa: E402
from rota.io.load import load_scenario  # noqa: E402
from rota.io.write import roster_csv  # noqa: E402
from rota.measures import contract_target_minutes, fit_for_site, on_call_blocks  # noqa: E402
from rota.roster import sort_duties  # noqa: E402
from rota.solve.families.eligibility import (  # noqa: E402
    eligible_blocks,
    eligible_options,
    history_on_call,
    history_shifts,
)


def build(h):
    """The model: (model, shift vars {(pid, inst, site): var}, on-call vars, objective)."""
    sc = h.scenario
    rules = sc.rules
    m = cp_model.CpModel()
    hist = history_shifts(h)
    x: dict[tuple[str, int, str], cp_model.IntVar] = {}
    mine: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for pid, opts in eligible_options(h, hist).items():
        for inst, site in opts:
            x[pid, inst.index, site] = m.new_bool_var("")
            mine[pid].append((inst.index, site))
    shifts = h.shifts
    past_days: dict[str, set[int]] = defaultdict(set)
    past_nights: dict[str, set[int]] = defaultdict(set)
    for hs in hist:
        past_days[hs.staff_id].add(hs.day)
        if hs.night:
            past_nights[hs.staff_id].add(hs.day)

    def on(pid: str, day: int, nights: bool = False):
        """1 if the person works (a night) that day: history as a constant."""
        if day < 0:
            return int(day in (past_nights if nights else past_days)[pid])
        return sum(x[pid, i, s] for i, s in mine[pid]
                   if shifts[i].day == day and (shifts[i].night or not nights))  # fmt: skip

    rest = rules.min_rest_hours * 60
    rest_n = rules.rest_after_nights_hours * 60
    avg_cap = int(rules.max_avg_weekly_hours * 60 * h.n_days / 7)
    dev_terms = []
    for p in sc.staff:
        pid = p.staff_id
        opts = mine[pid]
        for d in range(h.n_days):
            day = [x[pid, i, s] for i, s in opts if shifts[i].day == d]
            if len(day) > 1:
                m.add(sum(day) <= 1)
        # rest between shifts, and after the last night of a run
        for i, s in opts:
            a = shifts[i]
            for j, t in opts:
                b = shifts[j]
                if b.start <= a.start or b.day == a.day:
                    continue
                if b.start - a.end < rest:
                    m.add(x[pid, i, s] + x[pid, j, t] <= 1)
                elif a.night and rest_n and b.start < a.end + rest_n:
                    if b.day == a.day + 1:
                        if not b.night:
                            m.add(x[pid, i, s] + x[pid, j, t] <= 1)
                    else:
                        m.add(x[pid, i, s] + x[pid, j, t] <= 1 + on(pid, a.day + 1, True))
        for hs in (q for q in hist if q.staff_id == pid and q.night):
            if hs.day + 1 in past_nights[pid]:
                continue
            for j, t in opts:
                b = shifts[j]
                if hs.end <= b.start < hs.end + rest_n:
                    if b.day == hs.day + 1 and b.night:
                        continue
                    m.add(x[pid, j, t] <= (on(pid, hs.day + 1, True) if b.day > hs.day + 1
                                           else 0))  # fmt: skip
        # runs of days and nights, days off each week (history counts)
        for k, nights in ((rules.max_consecutive_duty_days, False),
                          (rules.max_consecutive_nights, True)):  # fmt: skip
            for d0 in range(-k, h.n_days - k):
                m.add(sum(on(pid, d, nights) for d in range(d0, d0 + k + 1)) <= k)
        d0 = -h.date_of(0).weekday()
        while d0 < h.n_days:
            days = [d for d in range(d0, d0 + 7) if d < h.n_days and (d >= 0 or sc.history)]
            need = rules.min_days_off_per_week * len(days) // 7
            before = sum(on(pid, d) for d in days if d < 0)
            # a week the history alone broke: no more duty in it (the checker's reading)
            room = max(0, len(days) - need - before) if before <= len(days) - need else 0
            m.add(sum(on(pid, d) for d in days if d >= 0) <= room)
            d0 += 7
        if p.contract_hours_per_week > 0 and opts:
            worked = sum(shifts[i].paid_minutes * x[pid, i, s] for i, s in opts)
            target = contract_target_minutes(h, p)
            m.add(worked <= min(avg_cap, target + int(rules.max_over_contract_hours * 60)))
            dev = m.new_int_var(0, 100_000, "")
            m.add(dev >= worked - target)
            m.add(dev >= target - worked)
            dev_terms.append(dev)
    # on call
    y: dict[tuple[str, str, int], cp_model.IntVar] = {}
    w = sc.weights
    uncovered = []  # (weight per unit, var, minutes or None)
    holders = eligible_blocks(h, hist)
    hist_oc = history_on_call(h)
    busy: dict[tuple[str, int], list] = defaultdict(list)
    for r in sc.config.on_call:
        blocks = on_call_blocks(h, r.id)
        for bi, (first, days) in enumerate(blocks):
            vs = []
            for pid in holders[r.id][bi]:
                v = y[r.id, pid, bi] = m.new_bool_var("")
                vs.append(v)
                for d in days:
                    busy[pid, d].append(v)
                if r.no_night_shifts:
                    lo, hi = h.at(days[0], r.handover), h.at(days[-1] + 1, r.handover)
                    for i, s in mine[pid]:
                        if shifts[i].night and shifts[i].end > lo and shifts[i].start < hi:
                            m.add(v + x[pid, i, s] <= 1)
            short = m.new_int_var(0, r.per_day, "")
            m.add(sum(vs) <= r.per_day)
            m.add(sum(vs) + short >= r.per_day)
            uncovered.append((w.uncovered_on_call_day * 60 * len(days), short))
            if first < 0:
                before = set()
                for d in range(first, 0):
                    before |= hist_oc.get((r.id, d), set())
                if len(before) <= r.per_day:
                    for pid in before:
                        if (r.id, pid, bi) in y:
                            m.add(y[r.id, pid, bi] == 1)
        for pid in {k[1] for k in y if k[0] == r.id}:
            held = [y[r.id, pid, bi] for bi in range(len(blocks)) if (r.id, pid, bi) in y]
            m.add(sum(held) <= r.max_blocks_per_person)
            if r.no_back_to_back:
                for bi in range(len(blocks) - 1):
                    if (r.id, pid, bi) in y and (r.id, pid, bi + 1) in y:
                        m.add(y[r.id, pid, bi] + y[r.id, pid, bi + 1] <= 1)
    for vs in busy.values():
        if len(vs) > 1:
            m.add(sum(vs) <= 1)
    # cover, slot by slot
    slot = h.slot
    on_duty: dict[tuple[str, int], list] = defaultdict(list)  # (site, slot) -> (pid, day, var)
    for (pid, i, s), v in x.items():
        a, b = max(0, shifts[i].start // slot), min(h.n_slots, shifts[i].end // slot)
        for t in range(a, b):
            on_duty[s, t].append((pid, shifts[i].day, v))
    hist_duty: dict[tuple[str, int], list] = defaultdict(list)
    for hs in hist:
        for t in range(max(0, -(-hs.start // slot)), min(h.n_slots, hs.end // slot)):
            hist_duty[hs.site, t].append((hs.staff_id, hs.day, 1))
    op = [s.id for s in sc.config.sites if s.operational]
    sup_cache: dict[tuple[str, int], bool] = {}

    def sup(pid: str, day: int) -> bool:
        if (pid, day) not in sup_cache:
            sup_cache[pid, day] = sc.is_supervisor(pid, h.date_of(day))
        return sup_cache[pid, day]

    fit_cache: dict[tuple[str, str, int], bool] = {}
    holds_cache: dict[tuple[str, str, int], bool] = {}

    def fit(pid: str, site: str, d: int) -> bool:
        if (pid, site, d) not in fit_cache:
            fit_cache[pid, site, d] = fit_for_site(h, pid, site, d)
        return fit_cache[pid, site, d]

    def holds(pid: str, k: str, d: int) -> bool:
        if (pid, k, d) not in holds_cache:
            holds_cache[pid, k, d] = sc.holds(pid, k, h.date_of(d))
        return holds_cache[pid, k, d]

    for site in sc.sites:
        sd = h.demand[site]
        for t in range(h.n_slots):
            people = on_duty[site, t] + hist_duty[site, t]
            kinds = [(int(sd.officers[t]), w.uncovered_officer_hour,
                      lambda pid, d, site=site: fit(pid, site, d)),
                     (int(sd.supervisors[t]), w.uncovered_supervisor_hour, sup)]  # fmt: skip
            for k, arr in sd.skills.items():
                kinds.append((int(arr[t]), w.uncovered_skill_hour,
                              lambda pid, d, k=k: holds(pid, k, d)))  # fmt: skip
            for need, weight, counts in kinds:
                if need <= 0:
                    continue
                short = m.new_int_var(0, need, "")
                m.add(sum(v for pid, d, v in people if counts(pid, d)) + short >= need)
                uncovered.append((weight * slot, short))
            if (rules.supervisor_whenever_staffed and site in op and sd.supervisors[t] == 0
                    and people):  # fmt: skip
                scope = [site] if sc.sites[site].supervision == "on_site" else op
                sups = [v for s2 in scope for pid, d, v in on_duty[s2, t] + hist_duty[s2, t]
                        if sup(pid, d)]  # fmt: skip
                if any(isinstance(v, int) for v in sups):
                    continue
                gap = m.new_bool_var("")
                for pid, d, v in people:
                    if not sup(pid, d):
                        m.add(v <= gap + sum(sups))
                uncovered.append((w.uncovered_supervisor_hour * slot, gap))
    away = [v for (pid, _i, s), v in x.items() if sc.people[pid].base_site not in (None, s)]
    objective = (sum(c * v for c, v in uncovered) + w.contract_deviation_hour * sum(dev_terms)
                 + w.off_base_shift * 60 * sum(away))  # fmt: skip
    m.minimize(objective)
    return m, x, y


def solve_peer(scenario: Path, month: str, *, time_limit: float, workers: int = 2,
               seed: int = 0, units: float | None = None) -> str:  # fmt: skip
    """Plan the month; returns its roster.csv text (empty roster if none found)."""
    t0 = time.monotonic()
    h = build_horizon(load_scenario(scenario), month)
    m, x, y = build(h)
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_workers = workers
    p.random_seed = seed
    p.max_time_in_seconds = max(0.1, time_limit - (time.monotonic() - t0) - 0.5)
    if units is not None:
        p.max_deterministic_time = units
        p.interleave_search = True
    status = solver.solve(m)
    duties: list[Duty] = []
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        sc = h.scenario
        for (pid, i, site), v in x.items():
            if solver.boolean_value(v):
                s = h.shifts[i]
                duties.append(Duty(staff_id=pid, date=h.date_of(s.day), duty=s.code, site=site,
                                   start=h.to_datetime(s.start), end=h.to_datetime(s.end),
                                   hours=round(s.paid_minutes / 60, 2), kind="shift"))  # fmt: skip
        for (rid, pid, bi), v in y.items():
            if solver.boolean_value(v):
                r = sc.on_call[rid]
                for d in on_call_blocks(h, rid)[bi][1]:
                    duties.append(Duty(staff_id=pid, date=h.date_of(d), duty=rid,
                                       site=r.units[0], start=h.to_datetime(h.at(d, r.handover)),
                                       end=h.to_datetime(h.at(d + 1, r.handover)), hours=0.0,
                                       kind="on_call"))  # fmt: skip
    return roster_csv(h, sort_duties(duties))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", type=Path)
    ap.add_argument("--month", required=True)
    ap.add_argument("--time-limit", type=float, default=60)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--units", type=float, default=None, help="a deterministic budget")
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    text = solve_peer(a.scenario, a.month, time_limit=a.time_limit, workers=a.workers,
                      seed=a.seed, units=a.units)  # fmt: skip
    a.out.write_text(text)


if __name__ == "__main__":
    main()
