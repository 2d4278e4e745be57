"""A repair of a published roster: what has happened stays, pins are kept, and every
change costs by its notice and class (rota/changes.py measures both).

Rule ids: repair.kept, repair.pinned (hard), repair.change (soft)
(solver: solve/families/changes.py). A month that is not a repair has none of them.
"""

from __future__ import annotations

from rota.changes import (
    Change,
    changes_between,
    frozen_days,
    published,
    published_on_call,
    since_minutes,
)
from rota.check.families.on_call import measure_on_call
from rota.check.report import Violation
from rota.check.roster import Roster
from rota.horizon import Horizon
from rota.measures import scale_of

RULES = ("repair.kept", "repair.pinned", "repair.change")


def measure_changes(h: Horizon, roster: Roster) -> list[Change]:
    """Every change of the roster from the published one (measured once per roster)."""
    if "changes" not in roster.memo:
        shifts = {(s.staff_id, s.day): ((s.code, s.site), s.paid) for s in roster.shifts
                  if 0 <= s.day < h.n_days}  # fmt: skip
        held = measure_on_call(h, roster).held
        on_call = {(rota, pid, d) for rota, people in held.items()
                   for pid, days in people.items() for d in days}  # fmt: skip
        roster.memo["changes"] = changes_between(h, shifts, on_call)
    return roster.memo["changes"]  # type: ignore[return-value]


def check_changes(h: Horizon, roster: Roster) -> list[Violation]:
    if h.scenario.published is None:
        return []
    pub = published(h)
    cut = since_minutes(h)
    out: list[Violation] = []
    when = pub.since.isoformat(timespec="minutes")
    # repair.kept: shifts starting before the instant, both ways
    old = {(d.staff_id, d.date, d.duty, d.site) for d in pub.duties
           if d.kind == "shift" and h.to_minutes(d.start) < cut}  # fmt: skip
    new = {(d.staff_id, d.date, d.duty, d.site) for d, s in roster.shift_rows if s.start < cut}
    for pid, when_, code, site in sorted(old - new):
        out.append(Violation("repair.kept", pid, when_, f"{code} at {site} started before "
                             f"{when} and is no longer in the roster"))  # fmt: skip
    for pid, when_, code, site in sorted(new - old):
        out.append(Violation("repair.kept", pid, when_, f"{code} at {site} starts before {when} "
                             "but was not published"))  # fmt: skip
    # ... and on-call blocks begun before it (held whole, so kept whole)
    frozen = frozen_days(h)
    was = {k for k in published_on_call(h) if k[2] in frozen[k[0]]}
    held = measure_on_call(h, roster).held
    now = {(rota, pid, d) for rota, people in held.items() for pid, days in people.items()
           for d in days if d in frozen.get(rota, set())}  # fmt: skip
    for rota, pid, d in sorted(was ^ now):
        verb = "no longer holds" if (rota, pid, d) in was else "now holds"
        out.append(Violation("repair.kept", pid, h.date_of(d), f"{verb} the {rota} block "
                             f"that began before {when}"))  # fmt: skip
    # repair.pinned
    worked = {(d.staff_id, d.date, d.duty, d.site) for d, _s in roster.shift_rows}
    for pin in pub.pins:
        index = h.day_index(pin.date)
        if pin.duty in h.scenario.on_call:
            kept = index in held.get(pin.duty, {}).get(pin.staff_id, set())
            what = f"on call ({pin.duty})"
        else:
            kept = (pin.staff_id, pin.date, pin.duty, pin.site) in worked
            what = f"{pin.duty} at {pin.site}"
        if not kept:
            where = f"{pub.pins_source} row {pin.line}"
            out.append(Violation("repair.pinned", pin.staff_id, pin.date,
                                 f"pinned to {what} ({where})"))  # fmt: skip
    return out


def cost_changes(h: Horizon, roster: Roster) -> dict[str, float]:
    if h.scenario.published is None:
        return {}
    per_hour = scale_of(h).per_hour
    changes = measure_changes(h, roster)
    return {
        "change_duty": sum(c.disturbance for c in changes) / per_hour,
        "premium_hour": sum(c.premium for c in changes) / per_hour,
    }
