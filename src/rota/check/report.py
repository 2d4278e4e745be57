"""What the checker finds: violations of rules, uncovered stretches, and the objective's
penalties recomputed, gathered in one report."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from rota.rules import RULES

# the objective's [weights] keys, and the rule whose cost each one carries
COST_RULES: dict[str, str] = {
    "uncovered_officer_hour": "cover.officers",
    "uncovered_supervisor_hour": "cover.supervisors",
    "uncovered_skill_hour": "cover.skill",
    "uncovered_on_call_day": "oncall.cover",
    "contract_deviation_hour": "contract.deviation",
    "off_base_shift": "site.off_base",
    "request_denied": "request.denied",
    "fairness_nights": "fairness.spread",
    "fairness_weekends": "fairness.spread",
    "fairness_bank_holidays": "fairness.spread",
    "fairness_on_call": "fairness.spread",
    "change_duty": "repair.change",
    "premium_hour": "repair.change",
}


@dataclass(frozen=True)
class Violation:
    rule: str
    staff_id: str | None
    day: date | None
    message: str

    @property
    def hard(self) -> bool:
        return RULES[self.rule].hard

    def line(self) -> str:
        who = self.staff_id or "-"
        when = self.day.isoformat() if self.day else "-"
        return f"{self.rule} {who} {when}: {self.message} [{RULES[self.rule].source}]"


@dataclass(frozen=True)
class Shortfall:
    """One slot-run of uncovered demand at a site (or an on-call day)."""

    site: str
    start: int  # minutes after the horizon start
    end: int
    kind: str  # officers | supervisors | skill:NAME | on_call:ID
    missing: int  # people missing during the whole stretch
    rule: str = "cover.officers"  # the rule it falls short of


@dataclass
class CheckReport:
    violations: list[Violation] = field(default_factory=list)
    uncovered: dict[str, float] = field(default_factory=dict)
    penalties: dict[str, float] = field(default_factory=dict)
    shortfalls: list[Shortfall] = field(default_factory=list)
    requests_denied: list[tuple[str, date, str, int, str]] = field(default_factory=list)
    requests_total: int = 0
    counts: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)  # site -> kind -> slots

    @property
    def hard(self) -> list[Violation]:
        return [v for v in self.violations if v.hard]

    @property
    def objective(self) -> float:
        return round(sum(self.penalties.values()), 2)

    def named(self) -> set[str]:
        """Every rule id the report holds against the roster: broken hard rules, and soft
        rules that cost something (uncovered stretches, penalties above zero)."""
        ids = {v.rule for v in self.violations} | {s.rule for s in self.shortfalls}
        return ids | {COST_RULES[k] for k, v in self.penalties.items() if v > 0}
