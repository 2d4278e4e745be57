"""On-call rotas: who may hold them, in whole blocks, and every day held.

Rule ids: oncall.eligibility, oncall.absence, oncall.block, oncall.per_day,
oncall.max_blocks, oncall.back_to_back, oncall.no_nights, oncall.one_rota,
oncall.continue, and oncall.cover (soft: days nobody holds) (solver:
solve/families/on_call.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
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


Span = tuple[int, int]  # (from, to) in horizon minutes


@dataclass
class OnCall:
    """Rota -> person -> the day indexes they hold; the days short, as stretches.

    An on-call day may be handed over in part (rota swap's override): the block's
    holder keeps the day, over the `spans` they still hold, and someone who holds no
    day of the block covers the rest (`overrides`: rota -> day -> (person, span)).
    """

    held: dict[str, dict[str, set[int]]]
    shortfalls: list[Shortfall]
    spans: dict[tuple[str, str, int], Span]  # (rota, person, day) held in part
    overrides: dict[str, dict[int, list[tuple[str, Span]]]]
    counts: dict[str, dict[int, int]]  # rota -> day -> people holding it whole

    def span(self, h: Horizon, rota: OnCallRota, pid: str, day: int) -> Span:
        """The part of a day a holder holds (the whole day unless handed over)."""
        whole = (h.at(day, rota.handover), h.at(day + 1, rota.handover))
        return self.spans.get((rota.id, pid, day), whole)


def measure_on_call(h: Horizon, roster: Roster) -> OnCall:
    """Who holds which on-call days (rows of unknown rotas are the duties family's),
    the days handed over in part, and the days with fewer holders than per_day (a day
    handed over counts once where its parts cover it from handover to handover)."""
    if "on_call" in roster.memo:
        return roster.memo["on_call"]  # type: ignore[return-value]
    sc = h.scenario
    held: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    parts: dict[tuple[str, int], list[tuple[str, Span]]] = defaultdict(list)
    for d in roster.on_call_rows:
        if d.duty in sc.on_call:
            r = sc.on_call[d.duty]
            day = h.day_index(d.date)
            whole = (h.at(day, r.handover), h.at(day + 1, r.handover))
            got = (h.to_minutes(d.start), h.to_minutes(d.end))
            if got == whole:
                held[d.duty][d.staff_id].add(day)
            else:
                parts[d.duty, day].append((d.staff_id, got))
    spans: dict[tuple[str, str, int], Span] = {}
    overrides: dict[str, dict[int, list[tuple[str, Span]]]] = defaultdict(
        lambda: defaultdict(list))  # fmt: skip
    part_cover: dict[tuple[str, int], int] = {}
    for (rid, day), rows in parts.items():
        r = sc.on_call[rid]
        block = next((ds for _f, ds in on_call_blocks(h, rid) if day in ds), [day])
        holders = {p for p, days in held[rid].items() if days & set(block)}
        for pid, span in rows:
            if pid in holders:
                held[rid][pid].add(day)
                spans[rid, pid, day] = span
            else:
                overrides[rid][day].append((pid, span))
        lo, hi = h.at(day, r.handover), h.at(day + 1, r.handover)
        at = lo
        for _pid, (a, b) in sorted(rows, key=lambda x: x[1]):
            if a <= at:
                at = max(at, b)
        part_cover[rid, day] = 1 if at >= hi else 0
    shortfalls = []
    whole_counts: dict[str, dict[int, int]] = {}
    for r in sc.config.on_call:
        counts: dict[int, int] = defaultdict(int)
        for pid, days in held[r.id].items():
            for day in days:
                if (r.id, pid, day) not in spans:
                    counts[day] += 1
        whole_counts[r.id] = dict(counts)
        for (rid, day), n in part_cover.items():
            if rid == r.id:
                counts[day] += n
        for day in range(h.n_days):
            short = r.per_day - counts[day]
            if short > 0:
                lo, hi = h.at(day, r.handover), h.at(day + 1, r.handover)
                shortfalls.append(Shortfall(r.units[0], lo, hi, f"on_call:{r.id}", short,
                                            "oncall.cover"))  # fmt: skip
    out = OnCall(held, shortfalls, spans, overrides, whole_counts)
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


def _person_day(h: Horizon, roster: Roster, r: OnCallRota, pid: str, day: int, span: Span,
                pool: set[str], v: Callable[[Violation], None]) -> None:  # fmt: skip
    """The rules of one person on call for `span` of a day: eligibility, absence,
    no night shifts."""
    sc = h.scenario
    date_ = h.date_of(day)
    lo, hi = span
    if pid not in pool:
        v(Violation("oncall.eligibility", pid, date_, f"not of the units/ranks of {r.id}"))
    missing = [a for a in r.accreditations if not sc.holds(pid, a, date_)]
    if missing:
        v(Violation("oncall.eligibility", pid, date_,
                    f"{r.id} without valid {', '.join(missing)}"))  # fmt: skip
    first, last = h.local_date(h.to_datetime(lo)), h.local_date(h.to_datetime(hi - 1))
    for dd in range((first - date_).days, (last - date_).days + 1):
        ab = sc.absence_on(pid, h.date_of(day + dd))
        if ab is not None and ab.kind != "restricted":
            v(Violation("oncall.absence", pid, date_,
                        f"{r.id} overlaps {ab.kind.replace('_', ' ')} on "
                        f"{h.date_of(day + dd)}"))  # fmt: skip
            break
    if r.no_night_shifts:
        for s in roster.by_person.get(pid, ()):
            if s.night and s.end > lo and s.start < hi:
                what = f"night {s.code} of {h.date_of(s.day)} while on call ({r.id})"
                v(Violation("oncall.no_nights", pid, date_, what))


def check_on_call(h: Horizon, roster: Roster) -> list[Violation]:
    sc = h.scenario
    out: list[Violation] = []
    v = out.append
    oc = measure_on_call(h, roster)
    held = oc.held
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
                _person_day(h, roster, r, pid, day, oc.span(h, r, pid, day), pool, v)
        for day, covers in oc.overrides.get(r.id, {}).items():
            for pid, span in covers:
                per_day_rotas[pid, day].append(r.id)
                _person_day(h, roster, r, pid, day, span, pool, v)
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
