"""The port and on-call model: variables, then one rule family after another.

FAMILIES reads as the table of contents of the model; each entry posts its rule's
constraints and returns the penalty terms it adds to the objective.
"""

from __future__ import annotations

from collections.abc import Callable

from rota.horizon import Horizon
from rota.solve.context import ModelContext, build_context
from rota.solve.core import Term
from rota.solve.families.coverage import add_coverage, add_supervision
from rota.solve.families.fairness import add_fairness
from rota.solve.families.on_call import add_on_call
from rota.solve.families.requests import add_requests
from rota.solve.families.sites import add_off_base
from rota.solve.families.working_time import (
    add_consecutive_days,
    add_consecutive_nights,
    add_days_off,
    add_hours,
    add_rest,
    add_rest_after_nights,
)

Family = Callable[[ModelContext], list[Term]]

FAMILIES: tuple[tuple[str, Family], ...] = (
    ("rest.min_hours", add_rest),
    ("days.max_consecutive", add_consecutive_days),
    ("days.off_per_week", add_days_off),
    ("nights.max_consecutive", add_consecutive_nights),
    ("nights.rest_after", add_rest_after_nights),
    ("hours.*, contract.deviation", add_hours),
    ("cover.*", add_coverage),
    ("supervision.whenever_staffed", add_supervision),
    ("oncall.*", add_on_call),
    ("request.denied", add_requests),
    ("site.off_base", add_off_base),
    ("fairness.spread", add_fairness),
)


def build_model(h: Horizon) -> tuple[ModelContext, list[Term]]:
    """Build the whole CP-SAT model of a month; returns it with its penalty terms."""
    ctx = build_context(h)
    terms: list[Term] = []
    for _name, family in FAMILIES:
        terms.extend(family(ctx))
    objective = sum(t.coef * t.expr for t in terms)
    ctx.model.minimize(objective)
    return ctx, terms
