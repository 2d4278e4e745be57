"""Who may work what: contracts, absences, restrictions, officer safety, posting.

Rule ids: eligibility.not_rostered, eligibility.absence, eligibility.restricted,
eligibility.officer_safety, eligibility.site (solver: solve/eligibility.py, which creates
no variable for a duty these rules forbid).
"""

from __future__ import annotations

from rota.check.report import Violation
from rota.check.roster import PersonShift, Roster
from rota.domain.models import Staff
from rota.horizon import Horizon

RULES = (
    "eligibility.not_rostered",
    "eligibility.absence",
    "eligibility.restricted",
    "eligibility.officer_safety",
    "eligibility.site",
)


def person(h: Horizon, p: Staff, mine: list[PersonShift]) -> list[Violation]:
    """The eligibility rules on one person's month (the history is not judged)."""
    sc = h.scenario
    pid = p.staff_id
    out: list[Violation] = []
    v = out.append
    for s in mine:
        if s.history:
            continue
        day = h.date_of(s.day)
        if p.contract_hours_per_week <= 0:
            v(Violation("eligibility.not_rostered", pid, day, f"{s.code} for 0 contracted hours"))
        absence = sc.absence_on(pid, day)
        if absence is not None and absence.kind != "restricted":
            v(Violation("eligibility.absence", pid, day,
                        f"{s.code} on a day of {absence.kind.replace('_', ' ')}"))  # fmt: skip
        if s.site in sc.sites and sc.sites[s.site].operational:
            if absence is not None and absence.kind == "restricted":
                v(Violation("eligibility.restricted", pid, day,
                            f"{s.code} at operational {s.site} while restricted"))  # fmt: skip
            if not sc.holds(pid, "officer_safety", day):
                v(Violation("eligibility.officer_safety", pid, day,
                            f"{s.code} at operational {s.site} without valid "
                            "officer_safety"))  # fmt: skip
        if sc.rules.home_site_only and s.site not in sc.allowed_sites(pid):
            v(Violation("eligibility.site", pid, day,
                        f"{s.code} at {s.site}, not the base site or sites_allowed"))  # fmt: skip
    return out


def check_eligibility(h: Horizon, roster: Roster) -> list[Violation]:
    return roster.each_person(person)
