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

Expr = Union[int, cp_model.LinearExpr]  # noqa: UP007 - a runtime alias


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

    @property
    def index(self) -> int:
        """The proto index of a term that is one variable (every shortfall is)."""
        if not isinstance(self.expr, cp_model.IntVar):
            raise TypeError(f"{self.key}: a sum, not one variable")
        return self.expr.index


def split_constants(items: Sequence[Expr]) -> tuple[int, list]:
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
        const, exprs = split_constants(series[a : a + window])
        if not exprs:
            continue
        # facts already past the limit (a history that broke the rule) forbid all the rest
        model.add(sum(exprs) <= max(0, limit - const))
        n += 1
    return n


def at_most_in_sets(
    model: cp_model.CpModel, sets: Sequence[Sequence[Expr]], limits: Sequence[int]
) -> int:
    """Each set of items sums to at most its limit (windows of any shape, e.g. weeks)."""
    n = 0
    for items, limit in zip(sets, limits, strict=True):
        const, exprs = split_constants(items)
        if not exprs:
            continue
        model.add(sum(exprs) <= max(0, limit - const))
        n += 1
    return n


def forbid_together(model: cp_model.CpModel, first: Expr, then: Sequence[Expr]) -> None:
    """A forbidden succession: `first` and any of `then` (themselves exclusive) not both.

    Posted as one clique ``first + sum(then) <= 1``, which is tighter than pairs.
    """
    const, exprs = split_constants([first, *then])
    if const >= 1:
        for e in exprs:
            model.add(e == 0)
    elif exprs:
        model.add(sum(exprs) <= 1)


def add_cover(
    model: cp_model.CpModel, supply: Sequence[Expr], required: int, name: str
) -> cp_model.IntVar | None:
    """Soft cover: returns the shortfall variable, at least `required` minus the supply.

    None when the requirement is met by facts alone or nothing is required.
    """
    const, exprs = split_constants(supply)
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
