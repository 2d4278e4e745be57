"""Staff requests: a day off, no night, a given shift, not on call; each denial costs its
weight, and the report says why it was denied.

Rule id: request.denied (soft) (solver: solve/families/requests.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rota.check.families.on_call import measure_on_call
from rota.check.report import Violation
from rota.check.roster import PersonShift, Roster
from rota.domain.models import Request
from rota.horizon import Horizon

RULES = ("request.denied",)


@dataclass(frozen=True)
class Denied:
    staff_id: str
    day: date
    request: str
    weight: int
    why: str


def _why_denied(h: Horizon, rq: Request, s: PersonShift | None, on_call: bool) -> str | None:
    """Why a request of the month is denied, or None when it is granted."""
    d = h.day_index(rq.date)
    if rq.request == "day_off":
        return f"rostered {s.code} at {s.site} for cover" if s is not None else None
    if rq.request == "no_night":
        return f"rostered night {s.code} at {s.site} for cover" if s and s.night else None
    if rq.request == "not_on_call":
        return "holds the on-call block of that day (blocks are held whole)" if on_call else None
    code = rq.request[6:]
    if s is not None and s.code == code:
        return None
    absence = h.scenario.absence_on(rq.staff_id, rq.date)
    if absence is not None and absence.kind != "restricted":
        return f"absent that day ({absence.kind.replace('_', ' ')})"
    if h.instance_of(d, code) is None:
        return f"{code} is not worked on that day"
    if s is not None:
        return f"rostered {s.code} at {s.site} instead"
    return "not rostered that day (rules, hours or cover)"


def measure_requests(h: Horizon, roster: Roster) -> tuple[int, list[Denied]]:
    """The requests of the month, and those denied with the reason (measured once per
    roster: the checker's report and the family's cost share it)."""
    if "requests" in roster.memo:
        return roster.memo["requests"]  # type: ignore[return-value]
    worked = {(s.staff_id, s.day): s for s in roster.shifts}
    held = measure_on_call(h, roster).held
    on_call = {(pid, d) for rota in held.values() for pid, days in rota.items() for d in days}
    total = 0
    denied: list[Denied] = []
    for rq in h.scenario.requests:
        d = h.day_index(rq.date)
        if not 0 <= d < h.n_days:
            continue
        total += 1
        why = _why_denied(h, rq, worked.get((rq.staff_id, d)), (rq.staff_id, d) in on_call)
        if why is not None:
            denied.append(Denied(rq.staff_id, rq.date, rq.request, rq.weight, why))
    roster.memo["requests"] = (total, denied)
    return total, denied


def check_requests(h: Horizon, roster: Roster) -> list[Violation]:
    """Requests are soft: a denial is a cost and a line of the report, not a breach."""
    return []


def cost_requests(h: Horizon, roster: Roster) -> dict[str, float]:
    _, denied = measure_requests(h, roster)
    return {"request_denied": h.scenario.weights.request_denied * sum(x.weight for x in denied)}
