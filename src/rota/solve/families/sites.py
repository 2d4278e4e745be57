"""Shifts away from the base site cost a little ([weights]). Rule id: site.off_base."""

from __future__ import annotations

from rota.solve.context import ModelContext
from rota.solve.core import Term

RULES = ("site.off_base",)


def add_off_base(ctx: ModelContext) -> list[Term]:
    w = ctx.scenario.weights.off_base_shift
    if w <= 0:
        return []
    people = ctx.scenario.people
    away = [o.var for o in ctx.options if people[o.staff_id].base_site not in (None, o.site)]
    if not away:
        return []
    return [Term("off_base_shift", sum(away), w * ctx.scale.per_hour)]
