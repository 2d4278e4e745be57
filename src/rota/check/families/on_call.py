"""On-call rotas: who may hold them, in whole blocks, and every day held.

Rule ids: oncall.eligibility, oncall.absence, oncall.block, oncall.per_day,
oncall.max_blocks, oncall.back_to_back, oncall.no_nights, oncall.one_rota,
oncall.continue, and oncall.cover (soft: days nobody holds) (solver:
solve/families/on_call.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rota.check.report import Shortfall, Violation
from rota.check.roster import Roster
from rota.domain.models import OnCallRota
from rota.horizon import Horizon
from rota.measures import on_call_blocks, on_call_pool

RULES = (
    "oncall.eligibility",
    "oncall.absence",
    "oncall.block",
    "oncall.per_day",
    "oncall.max_blocks",
    "oncall.back_to_back",
    "oncall.no_nights",
    "oncall.one_rota",
    "oncall.continue",
    "oncall.cover",
)


@dataclass
class OnCall:
    """Rota -> person -> the day indexes they hold; the days short, as stretches."""

    held: dict[str, dict[str, set[int]]]
    shortfalls: list[Shortfall]


def measure_on_call(h: Horizon, roster: Roster) -> OnCall:
    """Who holds which on-call days (rows of unknown rotas are the duties family's),
    and the days with fewer holders than per_day."""
    if "on_call" in roster.memo:
        return roster.memo["on_call"]  # type: ignore[return-value]
    sc = h.scenario
    held: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for d in roster.on_call_rows:
        if d.duty in sc.on_call:
            held[d.duty][d.staff_id].add(h.day_index(d.date))
    shortfalls = []
    for r in sc.config.on_call:
        counts: dict[int, int] = defaultdict(int)
        for days in held[r.id].values():
            for day in days:
                counts[day] += 1
        for day in range(h.n_days):
            short = r.per_day - counts[day]
            if short > 0:
                lo, hi = h.at(day, r.handover), h.at(day + 1, r.handover)
                shortfalls.append(Shortfall(r.units[0], lo, hi, f"on_call:{r.id}", short,
                                            "oncall.cover"))  # fmt: skip
    out = OnCall(held, shortfalls)
    roster.memo["on_call"] = out
    return out


def _can_hold(h: Horizon, r: OnCallRota, pid: str, days: list[int], pool: set[str]) -> bool:
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


def check_on_call(h: Horizon, roster: Roster) -> list[Violation]:
    sc = h.scenario
    out: list[Violation] = []
    v = out.append
    held = measure_on_call(h, roster).held
    hist: dict[tuple[str, int], set[str]] = defaultdict(set)
    for row in sc.history:
        if row.kind == "on_call" and h.day_index(row.date) < 0:
            hist[row.duty, h.day_index(row.date)].add(row.staff_id)
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
                    v(Violation("oncall.eligibility", pid, date_,
                                f"{r.id} without valid {', '.join(missing)}"))  # fmt: skip
                for dd in (day, day + 1):
                    ab = sc.absence_on(pid, h.date_of(dd))
                    if ab is not None and ab.kind != "restricted":
                        v(Violation("oncall.absence", pid, date_,
                                    f"{r.id} overlaps {ab.kind.replace('_', ' ')} on "
                                    f"{h.date_of(dd)}"))  # fmt: skip
                        break
                if r.no_night_shifts:
                    lo, hi = h.at(day, r.handover), h.at(day + 1, r.handover)
                    for s in roster.by_person.get(pid, ()):
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
                v(Violation("oncall.per_day", None, h.date_of(day),
                            f"{counts[day]} people on {r.id} (per_day {r.per_day})"))  # fmt: skip
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
                v(Violation("oncall.max_blocks", pid, None,
                            f"{n} {r.id} blocks (max {r.max_blocks_per_person})"))  # fmt: skip
            if r.no_back_to_back:
                for bi in range(len(blocks) - 1):
                    if pid in holders_of_block[bi] and pid in holders_of_block[bi + 1]:
                        v(Violation("oncall.back_to_back", pid, h.date_of(blocks[bi + 1][1][0]),
                                    f"two {r.id} blocks in a row"))  # fmt: skip
    for (pid, day), rotas in per_day_rotas.items():
        if len(rotas) > 1:
            v(Violation("oncall.one_rota", pid, h.date_of(day), f"on {' and '.join(rotas)}"))
    return out


def cost_on_call(h: Horizon, roster: Roster) -> dict[str, float]:
    """oncall.cover: days without their holders, weighted."""
    missing = sum(s.missing for s in measure_on_call(h, roster).shortfalls)
    return {"uncovered_on_call_day": h.scenario.weights.uncovered_on_call_day * missing}
