"""The checker's rule families, one module each, mirroring solve/families/.

Each family names the catalogue ids it judges (an exact tuple), a `check` that returns
the hard rules it finds broken, and a `cost` that returns the objective's penalties it
carries (by [weights] key). Adding a rule: its id in rota.rules.CATALOGUE, its check
in one family here, its constraints in the solver family of the same name, and a test
in tests/test_catalogue.py that breaks it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rota.check.families import (
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
from rota.check.report import Violation
from rota.check.roster import Roster
from rota.horizon import Horizon

Check = Callable[[Horizon, Roster], list[Violation]]
Cost = Callable[[Horizon, Roster], dict[str, float]]


def _free(h: Horizon, roster: Roster) -> dict[str, float]:
    return {}


@dataclass(frozen=True)
class Family:
    name: str
    rules: tuple[str, ...]
    check: Check
    cost: Cost = _free


FAMILIES: tuple[Family, ...] = (
    Family("duties", duties.RULES, duties.check_duties),
    Family("eligibility", eligibility.RULES, eligibility.check_eligibility),
    Family(
        "working_time",
        working_time.RULES,
        working_time.check_working_time,
        working_time.cost_working_time,
    ),  # fmt: skip
    Family("coverage", coverage.RULES, coverage.check_coverage, coverage.cost_coverage),
    Family("on_call", on_call.RULES, on_call.check_on_call, on_call.cost_on_call),
    Family("requests", requests.RULES, requests.check_requests, requests.cost_requests),
    Family("sites", sites.RULES, sites.check_sites, sites.cost_sites),
    Family("fairness", fairness.RULES, fairness.check_fairness, fairness.cost_fairness),
    Family("changes", changes.RULES, changes.check_changes, changes.cost_changes),
)


def checked_rules() -> set[str]:
    """Every rule id a checker family judges."""
    return {rid for f in FAMILIES for rid in f.rules}
