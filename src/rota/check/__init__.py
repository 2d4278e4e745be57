"""The independent checker (no ortools): `check(horizon, duties) -> CheckReport`."""

from rota.check.checker import CheckReport, Shortfall, Violation, check, validate_roster

__all__ = ["CheckReport", "Shortfall", "Violation", "check", "validate_roster"]
