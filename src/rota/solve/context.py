"""All CP-SAT variables of the port and on-call model, made in one place.

Variables are named with entity ids (``x[B0117,2026-12-01,N,STN]``) so that an
exported model reads like the roster. Day series per person (work, night) carry
the history's facts as integers before day 0, for the rules that look back.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from rota.domain.scenario import Scenario
from rota.horizon import Horizon, ShiftInstance
from rota.measures import Scale, scale_of
from rota.solve.core.primitives import Expr
from rota.solve.decisions import Decisions
from rota.solve.families.eligibility import HistoryShift, history_shifts

LOOKBACK_DAYS = 14  # history days kept in series: enough for every rule that looks back


@dataclass
class Option:
    """One eligible (person, shift instance, site) with its boolean variable."""

    staff_id: str
    shift: ShiftInstance
    site: str
    var: cp_model.IntVar


@dataclass(frozen=True)
class Assumption:
    """An input the history sets that may contradict others: `var` must be 1 when
    `literal` is. The first roster keeps it where it can; where it cannot, the month is
    planned without it and `text` says what could not be met."""

    literal: cp_model.IntVar
    var: cp_model.IntVar
    text: str


@dataclass
class OnCallBlock:
    rota: str
    index: int
    first: int  # day index of the block's first day (may be < 0)
    days: list[int]  # its days inside the horizon


@dataclass
class ModelContext:
    """The model under construction: data, variables, and lookups over them."""

    horizon: Horizon
    scale: Scale
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    options: list[Option] = field(default_factory=list)
    by_person: dict[str, list[Option]] = field(default_factory=lambda: defaultdict(list))
    # per person: shift instance index -> the options of that instance (one per site)
    by_person_shift: dict[str, dict[int, list[Option]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    work: dict[str, list] = field(default_factory=dict)  # day -> BoolVar or 0
    night: dict[str, list] = field(default_factory=dict)
    history: list[HistoryShift] = field(default_factory=list)
    history_by_person: dict[str, list[HistoryShift]] = field(
        default_factory=lambda: defaultdict(list)
    )
    blocks: dict[str, list[OnCallBlock]] = field(default_factory=dict)
    on_call: dict[tuple[str, str, int], cp_model.IntVar] = field(default_factory=dict)
    # the domain (families/eligibility.py): person -> (instance, site) options they may
    # work; rota -> block index -> people who may hold it
    eligible: dict[str, list[tuple[ShiftInstance, str]]] = field(default_factory=dict)
    holders: dict[str, dict[int, list[str]]] = field(default_factory=dict)
    # inputs from the history that may contradict each other (see Assumption)
    assumptions: list[Assumption] = field(default_factory=list)
    # a repair (families/changes.py): one 0/1 expression per person and day that may
    # differ from the published roster
    changed: list[Expr] = field(default_factory=list)
    n_changed: cp_model.IntVar | None = None  # their sum
    changes_forced: int = 0  # the constant part of the sum: changes no roster avoids

    @property
    def scenario(self) -> Scenario:
        return self.horizon.scenario

    def decision_vars(self) -> list[int]:
        """Proto indices of the variables that make the roster: shifts and on-call blocks."""
        return [o.var.index for o in self.options] + [v.index for v in self.on_call.values()]

    def decisions(self, values: list[int]) -> Decisions:
        """The roster in `values` (every variable's value, by proto index)."""
        return Decisions(
            frozenset(
                (o.staff_id, o.shift.index, o.site) for o in self.options if values[o.var.index]
            ),  # fmt: skip
            frozenset(k for k, v in self.on_call.items() if values[v.index]),
        )

    def values(self, decisions: Decisions) -> list[int]:
        """Values of the decision variables for a roster (0 for every other variable)."""
        out = [0] * len(self.model.proto.variables)
        for o in self.options:
            out[o.var.index] = int((o.staff_id, o.shift.index, o.site) in decisions.shifts)
        for key, v in self.on_call.items():
            out[v.index] = int(key in decisions.on_call)
        return out

    def shift_expr(self, staff_id: str, shift_index: int) -> Expr:
        """1 when the person works that shift instance at any site, else 0."""
        opts = self.by_person_shift[staff_id].get(shift_index)
        if not opts:
            return 0
        if len(opts) == 1:
            return opts[0].var
        return sum(o.var for o in opts)

    def work_series(self, staff_id: str) -> list:
        """Work-day indicators from day -LOOKBACK_DAYS to the last day (history as ints)."""
        return self._past(staff_id, night=False) + self.work[staff_id]

    def night_series(self, staff_id: str) -> list:
        return self._past(staff_id, night=True) + self.night[staff_id]

    def _past(self, staff_id: str, night: bool) -> list[int]:
        past = [0] * LOOKBACK_DAYS
        for hs in self.history_by_person.get(staff_id, ()):
            if -LOOKBACK_DAYS <= hs.day < 0 and (hs.night or not night):
                past[hs.day + LOOKBACK_DAYS] = 1
        return past


def build_context(h: Horizon) -> ModelContext:
    """An empty model of a month with its history; the families add the rest (model.py)."""
    ctx = ModelContext(horizon=h, scale=scale_of(h))
    ctx.history = history_shifts(h)
    for hs in ctx.history:
        ctx.history_by_person[hs.staff_id].append(hs)
    return ctx
