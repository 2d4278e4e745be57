"""A roster as the solver's decisions: which shift options and on-call blocks are taken.

Every phase of a solve hands its roster on in this form (the first roster built by
construct.py, each CP-SAT phase's best), and the final one becomes the duties written.
"""

from __future__ import annotations

from dataclasses import dataclass

from rota.domain.models import Duty
from rota.horizon import Horizon
from rota.measures import on_call_blocks
from rota.roster import sort_duties

ShiftKey = tuple[str, int, str]  # (staff id, shift instance index, site)
OnCallKey = tuple[str, str, int]  # (rota id, staff id, block index)


@dataclass(frozen=True)
class Decisions:
    """The shifts worked and the on-call blocks held; everything else follows."""

    shifts: frozenset[ShiftKey]
    on_call: frozenset[OnCallKey]

    def duties(self, h: Horizon) -> list[Duty]:
        """The roster's rows (the roster format): one per shift, one per person per on-call day."""
        sc = h.scenario
        out: list[Duty] = []
        for pid, idx, site in self.shifts:
            s = h.shifts[idx]
            out.append(
                Duty(
                    staff_id=pid,
                    date=h.date_of(s.day),
                    duty=s.code,
                    site=site,
                    start=h.to_datetime(s.start),
                    end=h.to_datetime(s.end),
                    hours=round(s.paid_minutes / 60, 2),
                    kind="shift",
                )  # fmt: skip
            )
        blocks = {rid: on_call_blocks(h, rid) for rid in sc.on_call}
        for rid, pid, bi in self.on_call:
            r = sc.on_call[rid]
            for d in blocks[rid][bi][1]:
                out.append(
                    Duty(
                        staff_id=pid,
                        date=h.date_of(d),
                        duty=rid,
                        site=r.units[0],
                        start=h.to_datetime(h.at(d, r.handover)),
                        end=h.to_datetime(h.at(d + 1, r.handover)),
                        hours=0.0,
                        kind="on_call",
                    )  # fmt: skip
                )
        return sort_duties(out)
