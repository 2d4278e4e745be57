"""Demand cover and supervision as soft cover with slack.

Rule ids: cover.officers, cover.supervisors, cover.skill, supervision.whenever_staffed.
Cover is measured on the slot grid (the scenario format); consecutive slots during which neither
the demand nor the set of shift instances on duty changes form one *segment*, so the
model has one cover constraint per segment instead of one per slot.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from rota.horizon import Horizon
from rota.measures import fit_for_site
from rota.solve.context import ModelContext, Option
from rota.solve.core import Term, add_cover
from rota.solve.families.eligibility import HistoryShift

RULES = ("cover.officers", "cover.supervisors", "cover.skill", "supervision.whenever_staffed")


def _history_slot_span(h: Horizon, hs: HistoryShift) -> tuple[int, int]:
    """Slots wholly inside a history shift (a person counts for a slot they cover)."""
    a = max(0, -(-hs.start // h.slot))
    b = min(h.n_slots, hs.end // h.slot)
    return a, max(a, b)


def _segments(
    h: Horizon, site_ids: list[str], history: list[HistoryShift]
) -> list[tuple[int, int]]:
    """Slot ranges [a, b) over which demand at these sites and the shifts on duty are constant."""
    cuts = {0, h.n_slots}
    for sid in site_ids:
        sd = h.demand[sid]
        arrays = [sd.officers, sd.supervisors, sd.demanded.astype(np.int64), *sd.skills.values()]
        for arr in arrays:
            change = np.flatnonzero(np.diff(arr)) + 1
            cuts.update(int(c) for c in change)
    for s in h.shifts:
        if any(site in s.sites for site in site_ids):
            a, b = h.slot_range(s.start, s.end)
            cuts.update((a, b))
    for hs in history:
        if hs.site in site_ids:
            cuts.update(_history_slot_span(h, hs))
    pts = sorted(c for c in cuts if 0 <= c <= h.n_slots)
    return list(zip(pts[:-1], pts[1:], strict=True))


class SiteIndex:
    """Options and history shifts at a site, grouped by shift instance, with their counts."""

    def __init__(self, ctx: ModelContext, site: str) -> None:
        h = ctx.horizon
        sc = ctx.scenario
        self.site = site
        self.by_instance: dict[int, list[Option]] = defaultdict(list)
        for o in ctx.options:
            if o.site == site:
                self.by_instance[o.shift.index].append(o)
        self.spans = {i: h.slot_range(h.shifts[i].start, h.shifts[i].end) for i in self.by_instance}
        self.history = [hs for hs in ctx.history if hs.site == site]
        self.hist_spans = [_history_slot_span(h, hs) for hs in self.history]
        self.is_sup: dict[int, bool] = {}
        self.fit: dict[int, bool] = {}
        for opts in self.by_instance.values():
            for o in opts:
                day = h.date_of(o.shift.day)
                self.is_sup[id(o)] = sc.is_supervisor(o.staff_id, day)
                self.fit[id(o)] = fit_for_site(h, o.staff_id, site, o.shift.day)

    def on_duty(self, a: int, b: int) -> list[Option]:
        return [
            o
            for i, opts in self.by_instance.items()
            if self.spans[i][0] <= a and b <= self.spans[i][1]
            for o in opts
        ]

    def history_on_duty(self, a: int, b: int) -> list[HistoryShift]:
        return [
            hs
            for hs, (x, y) in zip(self.history, self.hist_spans, strict=True)
            if x <= a and b <= y
        ]


def _hist_counts(
    h: Horizon, hist: list[HistoryShift], site: str, skill: str | None = None
) -> tuple[int, int, int]:
    """(officers, supervisors, skill holders) among history shifts on duty."""
    sc = h.scenario
    off = sup = sk = 0
    for hs in hist:
        if hs.staff_id not in sc.people:
            continue
        day = h.date_of(hs.day)
        if fit_for_site(h, hs.staff_id, site, hs.day):
            off += 1
        if sc.is_supervisor(hs.staff_id, day):
            sup += 1
        if skill and sc.holds(hs.staff_id, skill, day):
            sk += 1
    return off, sup, sk


def add_coverage(ctx: ModelContext) -> list[Term]:
    """cover.officers, cover.supervisors, cover.skill: shortfalls per segment, weighted."""
    h = ctx.horizon
    sc = ctx.scenario
    wts = sc.weights
    m = ctx.model
    scale = ctx.scale
    terms: list[Term] = []
    for sid in sc.sites:
        sd = h.demand[sid]
        if not sd.demanded.any():
            continue
        idx = SiteIndex(ctx, sid)
        for a, b in _segments(h, [sid], ctx.history):
            if not sd.demanded[a]:
                continue
            minutes = (b - a) * h.slot
            units = scale.minutes(minutes)
            on = idx.on_duty(a, b)
            hist = idx.history_on_duty(a, b)
            tag = f"{sid},{h.to_datetime(a * h.slot).isoformat()}"
            # (requirement, who counts, history count, weight key, uncovered key, name)
            hoff, hsup, _ = _hist_counts(h, hist, sid)
            kinds = [
                (sd.officers[a], lambda o, i=idx: i.fit[id(o)], hoff,
                 "uncovered_officer_hour", "officer_hours", "off"),
                (sd.supervisors[a], lambda o, i=idx: i.is_sup[id(o)], hsup,
                 "uncovered_supervisor_hour", "supervisor_hours", "sup"),
            ]  # fmt: skip
            for skill, arr in sd.skills.items():
                kinds.append((arr[a], lambda o, k=skill: sc.holds(o.staff_id, k, h.date_of(
                    o.shift.day)), _hist_counts(h, hist, sid, skill)[2],
                    "uncovered_skill_hour", "skill_hours", skill))  # fmt: skip
            for req, counts, from_history, key, measure, name in kinds:
                if not req:
                    continue
                supply = [o.var for o in on if counts(o)] + [from_history]
                short = add_cover(m, supply, int(req), f"short.{name}[{tag}]")
                if short is not None:
                    weight = getattr(wts, key)
                    terms.append(Term(key, short, weight * units, (measure, minutes / 60), sid))
    return terms


def add_supervision(ctx: ModelContext) -> list[Term]:
    """supervision.whenever_staffed: a supervisor on duty whenever anyone is (soft).

    Only where the demand itself asks for no supervisor: elsewhere the demand's
    supervisor count already asks for at least one, and a shortfall is counted once.
    """
    h = ctx.horizon
    sc = ctx.scenario
    if not sc.rules.supervisor_whenever_staffed:
        return []
    m = ctx.model
    w = sc.weights.uncovered_supervisor_hour
    op_sites = [s.id for s in sc.config.sites if s.operational]
    indexes = {sid: SiteIndex(ctx, sid) for sid in op_sites}
    terms: list[Term] = []
    for sid in op_sites:
        site = sc.sites[sid]
        sd = h.demand[sid]
        idx = indexes[sid]
        if not idx.by_instance and not idx.history:
            continue
        scope = [sid] if site.supervision == "on_site" else op_sites
        for a, b in _segments(h, scope, ctx.history):
            if sd.supervisors[a] > 0:
                continue
            on = idx.on_duty(a, b)
            hist = idx.history_on_duty(a, b)
            if not on and not hist:
                continue
            sups, hsup = [], 0
            for s2 in scope:
                i2 = indexes[s2]
                sups += [o.var for o in i2.on_duty(a, b) if i2.is_sup[id(o)]]
                hsup += _hist_counts(h, i2.history_on_duty(a, b), s2)[1]
            if hsup:
                continue
            plain = [o.var for o in on if not idx.is_sup[id(o)]]
            hist_plain = any(
                hs.staff_id not in sc.people or not sc.is_supervisor(hs.staff_id, h.date_of(hs.day))
                for hs in hist
            )
            if not plain and not hist_plain:
                continue
            tag = f"{sid},{h.to_datetime(a * h.slot).isoformat()}"
            gap = m.new_bool_var(f"short.staffed[{tag}]")
            if hist_plain:
                m.add(gap + sum(sups) >= 1)
            for v in plain:
                m.add(v <= gap + sum(sups))
            minutes = (b - a) * h.slot
            terms.append(
                Term("uncovered_supervisor_hour", gap, w * ctx.scale.minutes(minutes),
                     ("supervisor_hours", minutes / 60), sid if scope == [sid] else None)
            )  # fmt: skip
    return terms


def add_cover_and_supervision(ctx: ModelContext) -> list[Term]:
    """Demand cover at every site, then a supervisor whenever anyone is on duty."""
    return add_coverage(ctx) + add_supervision(ctx)
