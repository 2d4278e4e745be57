"""Validated, frozen models of a scenario: no solver and no I/O."""

from rota.domain.models import (
    ABSENCE_CODES,
    Absence,
    Accreditation,
    Closure,
    Demand,
    Duty,
    OnCallRota,
    Request,
    Rules,
    ScenarioConfig,
    ShiftTemplate,
    Site,
    Staff,
    Weights,
)
from rota.domain.scenario import Scenario

__all__ = [
    "ABSENCE_CODES",
    "Absence",
    "Accreditation",
    "Closure",
    "Demand",
    "Duty",
    "OnCallRota",
    "Request",
    "Rules",
    "Scenario",
    "ScenarioConfig",
    "ShiftTemplate",
    "Site",
    "Staff",
    "Weights",
]
