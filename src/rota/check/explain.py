"""Why a stretch is uncovered: for each person who could in principle have filled it, the
first rule that stops them, judged by the checker's own rule code on a roster with
that one shift added (plain Python, no solver).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from rota.check.checker import person_violations
from rota.check.report import CheckReport, Shortfall, Violation
from rota.check.roster import PersonShift, shift_at, shift_of
from rota.domain.models import Duty, Staff
from rota.horizon import Horizon, ShiftInstance
from rota.rules import CATALOGUE

_ORDER = {r.id: i for i, r in enumerate(CATALOGUE)}


@dataclass(frozen=True)
class Blocker:
    staff_id: str
    rule: str  # a rule id, or "on_duty" / "free"
    detail: str

    def text(self) -> str:
        return f"{self.staff_id} {self.rule}: {self.detail}"


def _person_shifts(h: Horizon, duties: list[Duty]) -> dict[str, list[PersonShift]]:
    out: dict[str, list[PersonShift]] = {}
    for d in h.scenario.history:
        if d.kind == "shift" and h.day_index(h.local_date(d.start)) < 0:
            out.setdefault(d.staff_id, []).append(shift_of(h, d, True))
    for d in duties:
        if d.kind == "shift":
            out.setdefault(d.staff_id, []).append(shift_of(h, d, False))
    return out


def _qualifies(h: Horizon, pid: str, kind: str, day: date) -> bool:
    sc = h.scenario
    if kind == "supervisors":
        return sc.is_supervisor(pid, day)
    if kind.startswith("skill:"):
        return sc.holds(pid, kind[6:], day)
    return True


def _candidates_site(h: Horizon, pid: str, site: str) -> bool:
    """Right site: the person may be posted there at all (home_site_only and base)."""
    return site in h.scenario.allowed_sites(pid)


def _covering(h: Horizon, site: str, start: int, end: int) -> list[ShiftInstance]:
    """Shift instances usable at the site that cover the stretch's first slot."""
    return [s for s in h.shifts if site in s.sites and s.start <= start and s.end >= start + h.slot]


def _supervised(h: Horizon, duties: list[Duty], site: str, at: int) -> bool:
    """Is a supervisor on duty at the site (or in the region, per its supervision) at `at`?"""
    sc = h.scenario
    st = sc.sites[site]
    if not sc.rules.supervisor_whenever_staffed or not st.operational:
        return True
    scope = (
        {site} if st.supervision == "on_site" else {s.id for s in sc.config.sites if s.operational}
    )
    return any(
        d.kind == "shift" and d.site in scope
        and h.to_minutes(d.start) <= at and h.to_minutes(d.end) >= at + h.slot
        and sc.is_supervisor(d.staff_id, d.date)
        for d in duties
    )  # fmt: skip


def _added_breaches(
    h: Horizon, p: Staff, mine: list[PersonShift], inst: ShiftInstance, site: str
) -> list[Violation]:
    """Violations that adding `inst` at `site` to the person's shifts would cause."""
    base = person_violations(h, p.staff_id, mine)
    after = person_violations(h, p.staff_id, [*mine, shift_at(h, p.staff_id, inst, site)])
    seen = {(v.rule, v.day) for v in base}
    # one_per_day is named by the caller, with the shift already there
    return [v for v in after if (v.rule, v.day) not in seen and v.rule != "duty.one_per_day"]


def blockers(
    h: Horizon, duties: list[Duty], site: str, start: int, end: int, kind: str,
    shifts: dict[str, list[PersonShift]] | None = None,
) -> list[Blocker]:  # fmt: skip
    """For each person with the right site, rank and accreditation, what stops them."""
    sc = h.scenario
    shifts = shifts if shifts is not None else _person_shifts(h, duties)
    covering = _covering(h, site, start, end)
    on_call_nights: dict[str, list[tuple[int, int]]] = {}
    for d in duties:
        if d.kind == "on_call":
            r = sc.on_call.get(d.duty)
            if r is not None and r.no_night_shifts:
                on_call_nights.setdefault(d.staff_id, []).append(
                    (h.to_minutes(d.start), h.to_minutes(d.end))
                )
    out: list[Blocker] = []
    for p in sc.staff:
        pid = p.staff_id
        if not _candidates_site(h, pid, site):
            continue
        mine = shifts.get(pid, [])
        on = [s for s in mine if s.site == site and s.start <= start and s.end >= start + h.slot]
        if on:
            if _qualifies(h, pid, kind, h.date_of(on[0].day)):
                out.append(Blocker(pid, "on_duty", f"on duty here ({on[0].code})"))
            continue
        best: tuple[int, Blocker] | None = None
        for inst in covering:
            if not _qualifies(h, pid, kind, h.date_of(inst.day)):
                continue
            breaches = _added_breaches(h, p, mine, inst, site)
            if inst.night and any(a < inst.end and inst.start < b
                                  for a, b in on_call_nights.get(pid, ())):  # fmt: skip
                breaches.append(Violation("oncall.no_nights", pid, h.date_of(inst.day),
                                          f"on call during the night {inst.code}"))  # fmt: skip
            same_day = [s for s in mine if s.day == inst.day]
            if same_day:
                s = same_day[0]
                breaches.append(Violation("duty.one_per_day", pid, h.date_of(inst.day),
                                          f"already rostered {s.code} at {s.site}"))  # fmt: skip
            if (
                not breaches
                and kind != "supervisors"
                and not sc.is_supervisor(pid, h.date_of(inst.day))
                and not _supervised(h, duties, site, start)
            ):
                breaches.append(
                    Violation(
                        "supervision.whenever_staffed",
                        pid,
                        h.date_of(inst.day),
                        "no supervisor on duty then to supervise them",
                    )
                )
            if not breaches:
                cand = Blocker(pid, "free", f"could work {inst.code} ({h.date_of(inst.day)}); "
                               "left off by the optimiser's trade-offs")  # fmt: skip
                best = (-1, cand)
                break
            first = min(breaches, key=lambda v: _ORDER.get(v.rule, 999))
            rank = _ORDER.get(first.rule, 999)
            cand = Blocker(pid, first.rule, f"{inst.code}: {first.message}")
            if best is None or rank > best[0]:
                best = (rank, cand)
        if best is not None:
            out.append(best[1])
    return out


def _split_days(h: Horizon, sf: Shortfall) -> list[Shortfall]:
    """Split a stretch at local midnights so that each reason speaks of one day."""
    out = []
    a = sf.start
    while a < sf.end:
        day = h.day_index(h.to_datetime(a).date())
        nxt = h.day_start(day + 1) if day + 1 <= h.n_days else sf.end
        b = min(sf.end, nxt)
        out.append(Shortfall(sf.site, a, b, sf.kind, sf.missing))
        a = b
    return out


def shortfall_rows(h: Horizon, duties: list[Duty], rep: CheckReport) -> list[dict]:
    """One row per uncovered stretch (split by day), with its reason."""
    shifts = _person_shifts(h, duties)
    rows = []
    for sf0 in sorted(rep.shortfalls, key=lambda s: (s.start, s.site, s.kind)):
        parts = [sf0] if sf0.kind.startswith("on_call:") else _split_days(h, sf0)
        for sf in parts:
            hours = (sf.end - sf.start) / 60
            row = {
                "site": sf.site,
                "start": h.to_datetime(sf.start).isoformat(),
                "end": h.to_datetime(sf.end).isoformat(),
                "kind": sf.kind,
                "missing": sf.missing,
                "person_hours": 0.0
                if sf.kind.startswith("on_call:")
                else round(sf.missing * hours, 2),
                "on_call_days": sf.missing if sf.kind.startswith("on_call:") else 0,
                "reason": reason_text(h, duties, sf, shifts),
            }
            rows.append(row)
    return rows


def reason_text(
    h: Horizon, duties: list[Duty], sf: Shortfall,
    shifts: dict[str, list[PersonShift]] | None = None,
) -> str:  # fmt: skip
    if sf.kind.startswith("on_call:"):
        return on_call_reason(h, duties, sf)
    found = blockers(h, duties, sf.site, sf.start, sf.end, sf.kind, shifts)
    stopped = [b for b in found if b.rule != "on_duty"]
    if not found:
        what = {"officers": "fit officer", "supervisors": "supervisor"}.get(
            sf.kind, f"holder of a valid {sf.kind[6:]}"
        )
        return f"nobody qualified: no {what} may work at {sf.site} then"
    if not stopped:
        return "everyone qualified is already on duty here"
    return "; ".join(b.text() for b in stopped)


def on_call_reason(h: Horizon, duties: list[Duty], sf: Shortfall) -> str:
    from rota.measures import on_call_pool

    sc = h.scenario
    rid = sf.kind.split(":", 1)[1]
    r = sc.on_call[rid]
    day = h.day_index(h.to_datetime(sf.start).date())
    parts = []
    for pid in on_call_pool(h, rid):
        date_ = h.date_of(day)
        missing = [a for a in r.accreditations if not sc.holds(pid, a, date_)]
        if missing:
            parts.append(f"{pid} oncall.eligibility: no valid {', '.join(missing)}")
            continue
        ab = next((a for dd in (day, day + 1)
                   if (a := sc.absence_on(pid, h.date_of(dd))) and a.kind != "restricted"),
                  None)  # fmt: skip
        if ab is not None:
            parts.append(f"{pid} oncall.absence: {ab.kind.replace('_', ' ')} "
                         f"{ab.start}..{ab.end}")  # fmt: skip
            continue
        held = sorted({d.duty for d in duties if d.kind == "on_call" and d.staff_id == pid
                       and d.date == date_})  # fmt: skip
        if held:
            parts.append(f"{pid} oncall.one_rota: on {', '.join(held)}")
            continue
        parts.append(f"{pid}: may hold the day but not the whole block, or is at "
                     "max_blocks / back to back (oncall.block, oncall.max_blocks, "
                     "oncall.back_to_back)")  # fmt: skip
    if not parts:
        return f"nobody qualified: nobody in {', '.join(r.units)} of the rota's ranks"
    return "; ".join(parts)


def parse_at(h: Horizon, text: str) -> int:
    """An instant given as local time (YYYY-MM-DDTHH:MM) or with an offset."""
    from rota.errors import InputError

    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        raise InputError("--at", f"'{text}' is not a time YYYY-MM-DDTHH:MM") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=h.tz)
    m = h.to_minutes(dt)
    if not 0 <= m < h.minutes:
        raise InputError("--at", f"{text} is outside the month {h.label}")
    return m - m % h.slot


def explain_moment(
    h: Horizon, duties: list[Duty], rep: CheckReport, site: str, at: int
) -> list[str]:
    """`rota explain`: demand, who is on duty, and why each shortfall is there."""
    i = at // h.slot
    sd = h.demand[site]
    c = rep.counts[site]
    when = h.to_datetime(at)
    lines = [f"{site} {when.isoformat()} ({when.strftime('%a')})"]
    kinds = [("officers", sd.officers[i], c["officers"][i]),
             ("supervisors", sd.supervisors[i], c["supervisors"][i])]  # fmt: skip
    kinds += [(f"skill:{k}", arr[i], c[f"skill:{k}"][i]) for k, arr in sd.skills.items()]
    on = sorted(
        d.staff_id for d in duties
        if d.kind == "shift" and d.site == site
        and h.to_minutes(d.start) <= at and h.to_minutes(d.end) >= at + h.slot
    )  # fmt: skip
    lines.append(f"on duty: {', '.join(on) if on else 'nobody'}")
    short_here = [s for s in rep.shortfalls if s.site == site and s.start <= at < s.end]
    for kind, need, have in kinds:
        lines.append(f"{kind}: required {int(need)}, rostered {int(have)}")
    if not short_here:
        lines.append("no shortfall at this moment")
    for s in short_here:
        one = Shortfall(site, at, at + h.slot, s.kind, s.missing)
        lines.append(f"{s.kind}: {s.missing} short "
                     f"({h.to_datetime(s.start).strftime('%d %b %H:%M')} - "
                     f"{h.to_datetime(s.end).strftime('%d %b %H:%M')})")  # fmt: skip
        lines.append("  " + reason_text(h, duties, one).replace("; ", "\n  "))
    return lines


__all__ = ["Blocker", "blockers", "explain_moment", "parse_at", "shortfall_rows"]
