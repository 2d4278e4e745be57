"""The port and on-call model: an empty context, then one rule family after another.

FAMILIES reads as the table of contents of the model. Each family names the catalogue
ids it enforces (an exact tuple) and an `add(ctx) -> list[Term]` that posts its
constraints and returns the penalty terms it adds to the objective. The order is the
build order: eligibility decides the domain, the duties and on-call families make the
variables, the rest constrain them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rota.horizon import Horizon
from rota.solve.context import ModelContext, build_context
from rota.solve.core import Term
from rota.solve.families import (
    changes,
    coverage,
    duties,
    eligibility,
    fairness,
    on_call,
    requests,
    sites,
    working_time,
)

Add = Callable[[ModelContext], list[Term]]


@dataclass(frozen=True)
class Family:
    name: str
    rules: tuple[str, ...]
    add: Add


FAMILIES: tuple[Family, ...] = (
    Family("eligibility", eligibility.RULES, eligibility.add_eligibility),
    Family("duties", duties.RULES, duties.add_duties),
    Family("working_time", working_time.RULES, working_time.add_working_time),
    Family("coverage", coverage.RULES, coverage.add_cover_and_supervision),
    Family("on_call", on_call.RULES, on_call.add_on_call),
    Family("requests", requests.RULES, requests.add_requests),
    Family("sites", sites.RULES, sites.add_off_base),
    Family("fairness", fairness.RULES, fairness.add_fairness),
    Family("changes", changes.RULES, changes.add_changes),
)


def enforced_rules() -> set[str]:
    """Every rule id a solver family enforces."""
    return {rid for f in FAMILIES for rid in f.rules}


def build_model(h: Horizon) -> tuple[ModelContext, list[Term]]:
    """Build the whole CP-SAT model of a month; returns it with its penalty terms."""
    ctx = build_context(h)
    terms: list[Term] = []
    for family in FAMILIES:
        terms.extend(family.add(ctx))
    objective = sum(t.coef * t.expr for t in terms)
    ctx.model.minimize(objective)
    return ctx, terms
