"""Where people work: a shift away from the base site costs a little.

Rule id: site.off_base (soft) (solver: solve/families/sites.py).
"""

from __future__ import annotations

from rota.check.report import Violation
from rota.check.roster import Roster
from rota.horizon import Horizon

RULES = ("site.off_base",)


def check_sites(h: Horizon, roster: Roster) -> list[Violation]:
    """Working away from base is allowed (eligibility.site says where not): only a cost."""
    return []


def cost_sites(h: Horizon, roster: Roster) -> dict[str, float]:
    people = h.scenario.people
    away = sum(1 for s in roster.shifts if people[s.staff_id].base_site not in (None, s.site))
    return {"off_base_shift": h.scenario.weights.off_base_shift * away}
