"""What a finished month says about itself: summary.json (objective, uncovered demand
and its bound, fairness spreads, requests), built from the solver's result and the
checker's report."""

from __future__ import annotations

from rota.check import CheckReport, history_breaches
from rota.domain.models import Duty, ShiftTemplate
from rota.horizon import Horizon, duty_is_night
from rota.measures import (
    FAIRNESS_KINDS,
    contract_target_minutes,
    fairness_pools,
    least_spread,
    like_with_like,
    most_off_share,
)
from rota.roster import Result


def fairness_summary(h: Horizon, duties: list[Duty]) -> dict:
    """Per base site and kind: the spread (max - min) of nights, weekend and bank-holiday
    shifts in full-time shares (rota.measures.fairness_pools), with the raw min and max,
    the pool's total, the least spread whole shifts summing to that total allow
    (rota.measures.least_spread), and how far anyone is from their pro-rata share of the
    total (rota.measures.most_off_share), and the same spread like with like: within the
    supervisors and within the rest (rota.measures.like_with_like)."""
    counts: dict[str, dict[str, int]] = {}
    for d in duties:
        if d.kind != "shift":
            continue
        c = counts.setdefault(d.staff_id, {k: 0 for k in FAIRNESS_KINDS})
        i = h.day_index(d.date)
        if duty_is_night(h, d):
            c["nights"] += 1
        if h.is_weekend(i):
            c["weekends"] += 1
        if h.is_bank_holiday(i):
            c["bank_holidays"] += 1
    out: dict = {}
    for kind in FAIRNESS_KINDS:
        for site, pool in sorted(fairness_pools(h, kind).items()):
            scaled = [coef * counts.get(pid, {}).get(kind, 0) / 100 for pid, coef in pool]
            raw = [counts.get(pid, {}).get(kind, 0) for pid, _ in pool]
            n = {pid: counts.get(pid, {}).get(kind, 0) for pid, _ in pool}
            parts = [g for g in like_with_like(h, pool) if len(g) > 1]
            out.setdefault(site, {})[kind] = {
                "people": len(pool),
                "spread": round(max(scaled) - min(scaled), 2) if scaled else 0.0,
                "min": min(raw) if raw else 0,
                "max": max(raw) if raw else 0,
                "total": sum(raw),
                "most_off_share": round(most_off_share([c for _, c in pool], raw), 2),
                "least_spread": least_spread([c for _, c in pool], sum(raw)) / 100,
                # within the supervisors and within the rest: the spread in shares,
                # and the least whole shifts allow there
                "like_with_like": max(
                    (
                        round((max(c * n[p] for p, c in g) - min(c * n[p] for p, c in g)) / 100, 2)
                        for g in parts
                    ),
                    default=0.0,
                ),
                "like_with_like_least": max(
                    (least_spread([c for _, c in g], sum(n[p] for p, _ in g)) / 100 for g in parts),
                    default=0.0,
                ),
            }
    out = dict(sorted(out.items()))
    return out


def duty_name(t: ShiftTemplate) -> str:
    """A shift as people say it: a night, or an early, day or late shift by its start."""
    if t.is_night:
        return "Night shift"
    hour = int(t.start[:2])
    return "Early shift" if hour < 10 else "Day shift" if hour < 13 else "Late shift"


def uncovered_demand_summary(res: Result) -> dict | None:
    """The weighted cost of the uncovered demand, with what is known of its least: the
    `proven minimum`, or `at most X above the bound`."""
    u = res.uncovered_cost
    if u is None:
        return None
    above = round(u.cost - u.bound, 2)
    return {
        "cost": u.cost,
        "bound": u.bound,
        "proven_minimum": u.proven,
        "says": "proven minimum" if u.proven else f"at most {above:,.2f} above the bound",
    }


def build_summary(h: Horizon, res: Result, rep: CheckReport | None) -> dict:
    sc = h.scenario
    first = res.progress[0].seconds if res.progress else None
    objective, penalties = res.objective, res.penalties
    if objective is None and rep is not None:
        # the run was cut short before the model costed its roster: the checker's costs
        objective, penalties = rep.objective, dict(sorted(rep.penalties.items()))
    summary = {
        "scenario": sc.name,
        "month": h.label,
        "status": res.status,
        "objective": objective,
        "best_bound": res.best_bound,
        "gap": res.gap,
        "wall_seconds": res.wall_seconds,
        "seed": res.seed,
        "workers": res.workers,
        "time_limit_seconds": res.time_limit_seconds,
        "uncovered": rep.uncovered if rep else None,
        "penalties": penalties,
        "inputs": dict(sorted(sc.input_hashes.items())),
        # additions to the contract
        "effort": res.effort,
        "effort_spent": res.effort_spent,
        "cut_short": res.cut_short,
        "interrupted": res.interrupted,
        "uncovered_demand": uncovered_demand_summary(res),
        "first_roster_seconds": first,
        "inputs_not_met": res.dropped,
        "history_breaches": [v.line() for v in history_breaches(h)],
        "build_seconds": res.build_seconds,
        "model": res.model_stats,
        "bank_holidays": [d.isoformat() for d in h.days if d in h.bank_holidays],
        "timezone": sc.config.scenario.timezone,
        # what people call the duties and places (calendars, reports)
        "names": {
            "sites": {s.id: s.name or s.id for s in sc.config.sites},
            "duties": {t.code: duty_name(t) for t in sc.config.shift_templates}
            | {r.id: r.name or f"On call {r.id}" for r in sc.config.on_call},
            "times": {t.code: f"{t.start}-{t.end}" for t in sc.config.shift_templates}
            | {r.id: f"{r.handover}-{r.handover}" for r in sc.config.on_call},
            "supervisor_ranks": list(sc.config.scenario.supervisor_ranks),
            "on_call_rotas": [r.id for r in sc.config.on_call],
        },
        "staff": {
            p.staff_id: {
                "rank": p.rank,
                "unit": p.unit,
                "base_site": p.base_site,
                "contract_hours_per_week": p.contract_hours_per_week,
                "target_hours": round(contract_target_minutes(h, p) / 60, 2),
            }
            for p in sc.staff
        },
        "duties": {
            "shifts": sum(1 for d in res.duties if d.kind == "shift"),
            "on_call_days": sum(1 for d in res.duties if d.kind == "on_call"),
        },
    }
    if rep is not None:
        summary["check"] = {
            "hard_violations": len(rep.hard),
            "objective_recomputed": rep.objective,
        }
        summary["requests"] = {
            "total": rep.requests_total,
            "granted": rep.requests_total - len(rep.requests_denied),
            "denied": [
                {"staff_id": s, "date": d.isoformat(), "request": r, "weight": w, "why": why}
                for s, d, r, w, why in rep.requests_denied
            ],
        }
        summary["fairness"] = fairness_summary(h, res.duties)
    return summary
