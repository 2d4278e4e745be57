"""Staff requests (the scenario format), soft and weighted. Rule id: request.denied."""

from __future__ import annotations

from rota.domain.models import Request
from rota.solve.context import ModelContext
from rota.solve.core import Term
from rota.solve.core.primitives import Expr

RULES = ("request.denied",)


def request_denied_expr(ctx: ModelContext, rq: Request) -> Expr:
    """1 when the request is denied, as an expression (an int where nothing can change)."""
    h = ctx.horizon
    d = h.day_index(rq.date)
    if not 0 <= d < h.n_days:
        return 0
    pid = rq.staff_id
    if rq.request == "day_off":
        return ctx.work[pid][d]
    if rq.request == "no_night":
        return ctx.night[pid][d]
    if rq.request == "not_on_call":
        vs = [
            v
            for (rid, p, bi), v in ctx.on_call.items()
            if p == pid and d in ctx.blocks[rid][bi].days
        ]
        return sum(vs) if vs else 0
    code = rq.request[6:]
    inst = h.instance_of(d, code)
    if inst is None:
        return 1
    y = ctx.shift_expr(pid, inst.index)
    return 1 - y


def add_requests(ctx: ModelContext) -> list[Term]:
    w = ctx.scenario.weights.request_denied
    if w <= 0:
        return []
    return [
        Term("request_denied", request_denied_expr(ctx, rq), w * rq.weight * ctx.scale.per_hour)
        for rq in ctx.scenario.requests
    ]
