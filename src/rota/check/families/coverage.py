"""Cover: officers, supervisors and skills on duty against demand, slot by slot.

Rule ids: cover.officers, cover.supervisors, cover.skill, supervision.whenever_staffed
(all soft: what is missing is uncovered time) (solver: solve/families/coverage.py).
Measured as the scenario format defines it: a person counts at a site for the slots their shift
covers whole, towards officers if fit for the site, towards supervisors if a
supervisor that day, towards a skill if it is valid on the day the shift starts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from rota.check.report import Shortfall, Violation
from rota.check.roster import PersonShift, Roster
from rota.horizon import Horizon
from rota.measures import fit_for_site

RULES = ("cover.officers", "cover.supervisors", "cover.skill", "supervision.whenever_staffed")


@dataclass
class Cover:
    """People on duty per site, kind and slot; the stretches short; hours uncovered."""

    counts: dict[str, dict[str, np.ndarray]]
    shortfalls: list[Shortfall]
    uncovered: dict[str, float]


def _runs(mask: np.ndarray, values: np.ndarray) -> Iterator[tuple[int, int, int]]:
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


def _counts(h: Horizon, shifts: list[PersonShift]) -> dict[str, dict[str, np.ndarray]]:
    sc = h.scenario
    n = h.n_slots
    slot = h.slot
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
    return counts


def measure_cover(h: Horizon, roster: Roster) -> Cover:
    """The cover measure on the slot grid: who counts where, and what is uncovered (the
    history's shifts count where they reach into the month)."""
    if "cover" in roster.memo:
        return roster.memo["cover"]  # type: ignore[return-value]
    sc = h.scenario
    n = h.n_slots
    slot = h.slot
    hours = slot / 60
    counts = _counts(h, roster.history + roster.shifts)
    op_sites = [s.id for s in sc.config.sites if s.operational]
    region_sup = sum((counts[s]["supervisors"] for s in op_sites), np.zeros(n, np.int64))
    shortfalls: list[Shortfall] = []
    off_h = sup_h = skill_h = 0.0
    for sid in sc.sites:
        sd = h.demand[sid]
        c = counts[sid]
        short = np.maximum(sd.officers - c["officers"], 0) * sd.demanded
        off_h += short.sum() * hours
        for a, b, k in _runs(short > 0, short):
            shortfalls.append(Shortfall(sid, a * slot, b * slot, "officers", k, "cover.officers"))
        need_sup = sd.supervisors.copy()
        have_sup = c["supervisors"].copy()
        site = sc.sites[sid]
        staffed = np.zeros(n, dtype=bool)
        if sc.rules.supervisor_whenever_staffed and site.operational:
            staffed = (c["anyone"] > 0) & (sd.supervisors == 0)
            scope = c["supervisors"] if site.supervision == "on_site" else region_sup
            need_sup = np.where(staffed, 1, need_sup)
            have_sup = np.where(staffed, scope, have_sup)
        short = np.maximum(need_sup - have_sup, 0)
        sup_h += short.sum() * hours
        # a stretch is one rule's: demand's supervisors, or anyone on duty unsupervised
        for a, b, k in _runs(short > 0, short * 2 + staffed):
            rule = "supervision.whenever_staffed" if k % 2 else "cover.supervisors"
            shortfalls.append(Shortfall(sid, a * slot, b * slot, "supervisors", k // 2, rule))
        for skill, arr in sd.skills.items():
            short = np.maximum(arr - c[f"skill:{skill}"], 0) * sd.demanded
            skill_h += short.sum() * hours
            for a, b, m in _runs(short > 0, short):
                shortfalls.append(Shortfall(sid, a * slot, b * slot, f"skill:{skill}", m,
                                            "cover.skill"))  # fmt: skip
    uncovered = {
        "officer_hours": round(float(off_h), 2),
        "supervisor_hours": round(float(sup_h), 2),
        "skill_hours": round(float(skill_h), 2),
    }
    cover = Cover(counts, shortfalls, uncovered)
    roster.memo["cover"] = cover
    return cover


def check_coverage(h: Horizon, roster: Roster) -> list[Violation]:
    """Cover is soft: what is missing is reported as uncovered stretches, not breaches."""
    measure_cover(h, roster)
    return []


def cost_coverage(h: Horizon, roster: Roster) -> dict[str, float]:
    w = h.scenario.weights
    u = measure_cover(h, roster).uncovered
    return {
        "uncovered_officer_hour": w.uncovered_officer_hour * u["officer_hours"],
        "uncovered_supervisor_hour": w.uncovered_supervisor_hour * u["supervisor_hours"],
        "uncovered_skill_hour": w.uncovered_skill_hour * u["skill_hours"],
    }
