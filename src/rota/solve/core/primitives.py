"""Runs, window counts, forbidden successions, cover with slack and spreads.

Each function posts constraints on a ``cp_model.CpModel`` and, where the rule is
soft, returns the variables whose values are the shortfall, for the caller to weigh.
Items of a series may be plain integers (known facts such as history): windows made
only of facts post nothing, since nothing can change them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Union

from ortools.sat.python import cp_model

Expr = Union[int, cp_model.LinearExprT]  # noqa: UP007 - a runtime alias


@dataclass(frozen=True)
class Term:
    """A named penalty: `coef` objective units per unit of `expr`."""

    key: str  # the [weights] key it is charged to
    expr: Expr
    coef: int
    # for shortfalls: (summary `uncovered` key, amount per unit of expr), so the solver's
    # own measure of uncovered time can be held against the checker's
    measure: tuple[str, float] | None = None
    # for shortfalls: the one part of the problem it belongs to (a site, an on-call
    # rota), or None where it joins several (supervision across sites)
    scope: str | None = None


def _split(items: Sequence[Expr]) -> tuple[int, list]:
    const = 0
    exprs = []
    for it in items:
        if isinstance(it, int):
            const += it
        else:
            exprs.append(it)
    return const, exprs


def at_most_in_windows(
    model: cp_model.CpModel, series: Sequence[Expr], window: int, limit: int, first: int = 0
) -> int:
    """Every `window` consecutive items of `series` sum to at most `limit`.

    Windows start at every position from `first`; only windows with a variable are
    posted. Returns how many constraints were added.
    """
    n = 0
    for a in range(first, len(series) - window + 1):
        const, exprs = _split(series[a : a + window])
        if not exprs:
            continue
        # facts already past the limit (a history that broke the rule) forbid all the rest
        model.add(sum(exprs) <= max(0, limit - const))
        n += 1
    return n


def at_least_in_windows(
    model: cp_model.CpModel, windows: Sequence[Sequence[Expr]], minimum: Sequence[int]
) -> int:
    """Each window (a list of non-negative items, e.g. booleans) sums to at least its minimum.

    Windows already met by their facts post nothing."""
    n = 0
    for items, m in zip(windows, minimum, strict=True):
        const, exprs = _split(items)
        if m - const <= 0 or not exprs:
            continue
        model.add(sum(exprs) >= m - const)
        n += 1
    return n


def at_most_in_sets(
    model: cp_model.CpModel, sets: Sequence[Sequence[Expr]], limits: Sequence[int]
) -> int:
    """Each set of items sums to at most its limit (windows of any shape, e.g. weeks)."""
    n = 0
    for items, limit in zip(sets, limits, strict=True):
        const, exprs = _split(items)
        if not exprs:
            continue
        model.add(sum(exprs) <= max(0, limit - const))
        n += 1
    return n


def forbid_together(model: cp_model.CpModel, first: Expr, then: Sequence[Expr]) -> None:
    """A forbidden succession: `first` and any of `then` (themselves exclusive) not both.

    Posted as one clique ``first + sum(then) <= 1``, which is tighter than pairs.
    """
    const, exprs = _split([first, *then])
    if const >= 1:
        for e in exprs:
            model.add(e == 0)
    elif exprs:
        model.add(sum(exprs) <= 1)


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


def add_cover(
    model: cp_model.CpModel, supply: Sequence[Expr], required: int, name: str
) -> cp_model.IntVar | None:
    """Soft cover: returns the shortfall variable, at least `required` minus the supply.

    None when the requirement is met by facts alone or nothing is required.
    """
    const, exprs = _split(supply)
    need = required - const
    if need <= 0:
        return None
    short = model.new_int_var(0, need, name)
    if exprs:
        model.add(sum(exprs) + short >= need)
    else:
        model.add(short == need)
    return short


def spread(
    model: cp_model.CpModel, values: Sequence[Expr], lo: int, hi: int, name: str
) -> cp_model.IntVar | None:
    """The spread (max - min) of `values`, each within [lo, hi]; None for fewer than 2."""
    if len(values) < 2:
        return None
    top = model.new_int_var(lo, hi, f"{name}.max")
    bottom = model.new_int_var(lo, hi, f"{name}.min")
    for v in values:
        model.add(top >= v)
        model.add(bottom <= v)
    out = model.new_int_var(0, hi - lo, name)
    model.add(out == top - bottom)
    return out


def add_cover_both(
    model: cp_model.CpModel, supply: Sequence[Expr], required: int, name: str
) -> tuple[cp_model.IntVar | int, cp_model.IntVar | int]:
    """Cover with under- and over-staffing slack: supply + under - over == required.

    Returns (under, over); an int where a side cannot happen or the supply is all facts
    (nothing can change it: no variable, as for windows made only of facts).
    """
    const, exprs = _split(supply)
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

    def y(i: int):  # noqa: ANN202 - the item, or its complement for runs of 0
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
        const, exprs = _split(window)
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
