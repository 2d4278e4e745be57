"""The independent checker: every rule of the catalogue judged on a roster in plain Python."""

from rota.check.checker import check, history_breaches, person_violations, validate_roster
from rota.check.report import CheckReport, Shortfall, Violation
from rota.check.roster import PersonShift, history_of, shift_at, shift_of

__all__ = [
    "CheckReport",
    "PersonShift",
    "Shortfall",
    "Violation",
    "check",
    "history_breaches",
    "history_of",
    "person_violations",
    "shift_at",
    "shift_of",
    "validate_roster",
]
