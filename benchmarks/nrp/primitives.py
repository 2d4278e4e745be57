"""CP-SAT primitives only the public benchmark's model uses: runs of days with their
minimum and maximum lengths, forbidden patterns, cover counted both ways, and a run
automaton. Written on the port model's series convention (rota.solve.core)."""

from __future__ import annotations

from collections.abc import Sequence

from ortools.sat.python import cp_model

from rota.solve.core.primitives import Expr, split_constants


def at_least_in_windows(
    model: cp_model.CpModel, windows: Sequence[Sequence[Expr]], minimum: Sequence[int]
) -> int:
    """Each window (a list of non-negative items, e.g. booleans) sums to at least its minimum.

    Windows already met by their facts post nothing."""
    n = 0
    for items, m in zip(windows, minimum, strict=True):
        const, exprs = split_constants(items)
        if m - const <= 0 or not exprs:
            continue
        model.add(sum(exprs) >= m - const)
        n += 1
    return n


def forbid_patterns(model: cp_model.CpModel, series: Sequence[Expr], pattern: Sequence[int]) -> int:
    """Forbid a 0/1 pattern anywhere in a series of booleans (e.g. work, off, work).

    For each placement: sum of items equal to 1 in the pattern minus those equal to 0
    is at most (number of ones - 1). Returns how many constraints were added.
    """
    ones = sum(pattern)
    n = 0
    for a in range(len(series) - len(pattern) + 1):
        const = 0
        exprs = []
        for it, bit in zip(series[a : a + len(pattern)], pattern, strict=True):
            sign = 1 if bit else -1
            if isinstance(it, int):
                const += sign * it
            else:
                exprs.append(sign * it)
        if not exprs:
            continue
        model.add(sum(exprs) <= ones - 1 - const)
        n += 1
    return n


def add_cover_both(
    model: cp_model.CpModel, supply: Sequence[Expr], required: int, name: str
) -> tuple[cp_model.IntVar | int, cp_model.IntVar | int]:
    """Cover with under- and over-staffing slack: supply + under - over == required.

    Returns (under, over); an int where a side cannot happen or the supply is all facts
    (nothing can change it: no variable, as for windows made only of facts).
    """
    const, exprs = split_constants(supply)
    need = required - const
    if not exprs:
        return max(0, need), max(0, -need)
    most = len(exprs)
    under = model.new_int_var(0, max(0, need), f"{name}.under") if need > 0 else 0
    over = model.new_int_var(0, max(0, most - need), f"{name}.over") if most > need else 0
    model.add(sum(exprs) + under - over == need)
    return under, over


def min_run_length(
    model: cp_model.CpModel, series: Sequence[Expr], length: int, name: str, value: int = 1
) -> int:
    """Runs of `value` (1: working, 0: off) that start and end inside the series last at
    least `length` items; runs touching either end are exempt.

    Posted in the turn-on form of unit commitment's minimum up time (Rajan & Takriti):
    a start variable s[d] >= y[d] - y[d-1] and, for every d, the starts of the last
    `length` items sum to at most y[d]. Its LP relaxation is the convex hull of a single
    series' runs, much tighter than forbidding each short pattern.
    """
    if length <= 1:
        return 0

    def y(i: int):
        it = series[i]
        return it if value == 1 else (1 - it)

    starts: dict[int, object] = {}
    for d in range(1, len(series)):
        a, b = y(d), y(d - 1)
        if isinstance(a, int) and isinstance(b, int):
            if a - b > 0:
                starts[d] = 1
            continue
        s = model.new_bool_var(f"{name}.start[{d}]")
        model.add(s >= a - b)
        model.add(s <= a)  # a start is a day of the run
        starts[d] = s
    n = 0
    for d in range(1, len(series)):
        window = [starts[i] for i in range(max(1, d - length + 1), d + 1) if i in starts]
        if not window:
            continue
        const, exprs = split_constants(window)
        target = y(d)
        if exprs or const:
            model.add(sum(exprs) + const <= target)
            n += 1
    return n


def run_automaton(
    model: cp_model.CpModel,
    series: Sequence[Expr],
    *,
    max_on: int,
    min_on: int = 1,
    min_off: int = 1,
) -> None:
    """Runs of a 0/1 series as one automaton (a regular constraint): runs of 1 last at
    most `max_on` items, and runs of 1 (0) that start and end inside the series at least
    `min_on` (`min_off`); runs touching either end are exempt from the minimums.

    States: 0 before the first item; ("s", v, k): a run of v touching the start, k long;
    (v, k): a run of v inside the series, k long (runs of 0 counted up to min_off).
    CP-SAT expands it into one flow per item, whose relaxation sees whole runs (the
    pattern and window forms see each window alone).
    """
    if not series:
        return
    states: dict[object, int] = {0: 0}

    def sid(s: object) -> int:
        return states.setdefault(s, len(states))

    cap_off = max(1, min_off)
    arcs: list[tuple[int, int, int]] = []
    todo = [0]
    seen = {0}
    while todo:
        s = todo.pop()
        if s == 0:
            nxt = {1: ("s", 1, 1), 0: ("s", 0, 1)}
        else:
            touch = s[0] == "s"
            v, k = s[-2], s[-1]
            nxt = {}
            if v == 1:
                if k < max_on:
                    nxt[1] = ("s", 1, k + 1) if touch else (1, k + 1)
                if touch or k >= min_on:
                    nxt[0] = (0, 1)
            else:
                nxt[0] = ("s", 0, min(k + 1, cap_off)) if touch else (0, min(k + 1, cap_off))
                if touch or k >= min_off:
                    nxt[1] = (1, 1)
        for value, t in nxt.items():
            arcs.append((sid(s), value, sid(t)))
            if t not in seen:
                seen.add(t)
                todo.append(t)
    items = []
    for it in series:
        if isinstance(it, int):
            items.append(model.new_constant(it))
        else:
            items.append(it)
    model.add_automaton(items, 0, list(states.values()), arcs)
