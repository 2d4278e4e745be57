"""Duties as variables: one boolean per eligible (person, shift instance, site) and per
(on-call rota, person, whole block) the person may hold (oncall.block, whose other
constraints are the on-call family's), and at most one shift starting per person per day.

Rule ids: duty.template (only instances of the templates, at their sites and times,
become variables), duty.one_per_day, duty.max_shift_hours (longer templates are left
out of the domain, families/eligibility.py).
"""

from __future__ import annotations

from collections import defaultdict

from rota.measures import on_call_blocks
from rota.solve.context import ModelContext, OnCallBlock, Option
from rota.solve.core import Term

RULES = ("duty.template", "duty.one_per_day", "duty.max_shift_hours")


def add_duties(ctx: ModelContext) -> list[Term]:
    """Make the shift variables from the eligible options, with each person's work-day
    and night series (duty.one_per_day ties a day's options to one work variable)."""
    h = ctx.horizon
    m = ctx.model
    days = [d.isoformat() for d in h.days]
    for p in h.scenario.staff:
        pid = p.staff_id
        per_day: dict[int, list] = defaultdict(list)
        night_day: dict[int, list] = defaultdict(list)
        for inst, site in ctx.eligible.get(pid, ()):
            v = m.new_bool_var(f"x[{pid},{days[inst.day]},{inst.code},{site}]")
            opt = Option(pid, inst, site, v)
            ctx.options.append(opt)
            ctx.by_person[pid].append(opt)
            ctx.by_person_shift[pid][inst.index].append(opt)
            per_day[inst.day].append(v)
            if inst.night:
                night_day[inst.day].append(v)
        work: list = [0] * h.n_days
        night: list = [0] * h.n_days
        for d, vs in per_day.items():
            if len(vs) == 1:
                work[d] = vs[0]
            else:
                w = m.new_bool_var(f"work[{pid},{days[d]}]")
                m.add(sum(vs) == w)  # duty.one_per_day
                work[d] = w
        for d, vs in night_day.items():
            if len(vs) == 1:
                night[d] = vs[0]
            else:
                n = m.new_bool_var(f"night[{pid},{days[d]}]")
                m.add(sum(vs) == n)
                night[d] = n
        ctx.work[pid] = work
        ctx.night[pid] = night
    _block_vars(ctx)
    return []


def _block_vars(ctx: ModelContext) -> None:
    """oncall.block: one variable per (rota, person, whole block) the person may hold."""
    h = ctx.horizon
    days = [d.isoformat() for d in h.days]
    for rota in h.scenario.config.on_call:
        ctx.blocks[rota.id] = [
            OnCallBlock(rota.id, i, first, ds)
            for i, (first, ds) in enumerate(on_call_blocks(h, rota.id))
        ]
        for b in ctx.blocks[rota.id]:
            for pid in ctx.holders[rota.id][b.index]:
                ctx.on_call[rota.id, pid, b.index] = ctx.model.new_bool_var(
                    f"oc[{rota.id},{pid},{days[b.days[0]]}]"
                )
