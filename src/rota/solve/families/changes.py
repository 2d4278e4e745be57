"""A repair of a published roster: duties before the repair's instant fixed as published,
pinned duties fixed, and each changed duty costed by its notice and class (rota/changes.py
measures both sides alike). `ctx.changed` gets one 0/1 expression per person and day
whose duty may change, which the repair's own phase minimises first (solve/run.py).

Rule ids: repair.kept, repair.pinned, repair.change.
"""

from __future__ import annotations

from collections import defaultdict

from rota.changes import (
    disturbance,
    frozen_blocks,
    on_call_class,
    premium,
    published,
    published_on_call,
    published_shifts,
    shift_class,
    since_minutes,
)
from rota.solve.context import ModelContext, Option
from rota.solve.core import Term

RULES = ("repair.kept", "repair.pinned", "repair.change")


def add_changes(ctx: ModelContext) -> list[Term]:
    h = ctx.horizon
    if h.scenario.published is None:
        return []
    m = ctx.model
    pub = published(h)
    cut = since_minutes(h)
    old = published_shifts(h)
    # repair.kept: options starting before the instant are fixed at their published value
    per_day: dict[tuple[str, int], list[Option]] = defaultdict(list)
    for o in ctx.options:
        if o.shift.start < cut:
            m.add(o.var == int(old.get((o.staff_id, o.shift.day)) == (o.shift.code, o.site)))
        per_day[o.staff_id, o.shift.day].append(o)
    # ... and on-call blocks begun before it, whole
    old_oc = published_on_call(h)
    for rota in h.scenario.on_call:
        for bi in frozen_blocks(h, rota):
            b = ctx.blocks[rota][bi]
            for pid in ctx.holders[rota][bi]:
                was = any((rota, pid, d) in old_oc for d in b.days)
                m.add(ctx.on_call[rota, pid, bi] == int(was))
    # repair.pinned (every pin is in the domain: the repair's inputs are checked first)
    for pin in pub.pins:
        day = h.day_index(pin.date)
        if pin.duty in h.scenario.on_call:
            for b in ctx.blocks[pin.duty]:
                if day in b.days:
                    m.add(ctx.on_call[pin.duty, pin.staff_id, b.index] == 1)
        else:
            inst = h.instance_of(day, pin.duty)
            opts = [
                o
                for o in per_day.get((pin.staff_id, day), [])
                if inst is not None and o.shift.index == inst.index and o.site == pin.site
            ]
            m.add(sum(o.var for o in opts) == 1)  # fmt: skip
    # repair.change: per person and day, what changes and what it costs
    disturb: list = []
    pay: list = []
    for key in sorted(set(per_day) | set(old)):
        pid, day = key
        opts = per_day.get(key, [])
        before = old.get(key)
        same = [o for o in opts if (o.shift.code, o.site) == before]
        others = [o for o in opts if (o.shift.code, o.site) != before]
        if before is not None:
            # changed unless the published option is kept
            ctx.changed.append(1 - sum(o.var for o in same))
            cls = shift_class(h, pid, day, before, None)
            off = disturbance(h, cls, day)
            disturb.append(off * (1 - sum(o.var for o in opts)))
        else:
            ctx.changed.append(sum(o.var for o in opts))
        for o in others:
            cls = shift_class(h, pid, day, before, (o.shift.code, o.site))
            disturb.append(disturbance(h, cls, day) * o.var)
            pay.append(premium(h, cls, o.shift.paid_minutes) * o.var)
    for (rota, pid, bi), v in ctx.on_call.items():
        for d in ctx.blocks[rota][bi].days:
            held = (rota, pid, d) in old_oc
            cost = disturbance(h, on_call_class(h, pid, d, held), d)
            ctx.changed.append(1 - v if held else v)
            disturb.append(cost * (1 - v) if held else cost * v)
    # published on-call days of someone who can no longer hold the block: changed anyway
    for rota, pid, d in old_oc:
        if not any((rota, pid, b.index) in ctx.on_call for b in ctx.blocks[rota] if d in b.days):
            ctx.changed.append(1)
            disturb.append(disturbance(h, on_call_class(h, pid, d, True), d))
    # changes no roster can avoid (duties of people now absent or ineligible): a bound
    ctx.changes_forced = sum(x for x in ctx.changed if isinstance(x, int))
    n = m.new_int_var(ctx.changes_forced, len(ctx.changed), "changed_duties")
    m.add(n == sum(ctx.changed))
    ctx.n_changed = n
    return [Term("change_duty", sum(disturb), 1), Term("premium_hour", sum(pay), 1)]
