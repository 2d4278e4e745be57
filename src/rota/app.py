"""What the commands do, without the command line: generate a month, check a roster.

The CLI parses and prints; these functions load, solve, check and write, and are what
tests and other commands (scenario comparisons, chains of months) call.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from rota.check import CheckReport, check, validate_roster
from rota.check.checker import history_breaches
from rota.domain.models import Duty
from rota.domain.scenario import Scenario
from rota.errors import InputError
from rota.horizon import Horizon, build_horizon, duty_is_night
from rota.io.load import load_roster, load_scenario
from rota.io.write import (
    atomic_write,
    coverage_csv,
    grid_csv,
    roster_csv,
    shortfall_csv,
    write_json,
)
from rota.measures import (
    FAIRNESS_KINDS,
    contract_target_minutes,
    fairness_pools,
    least_spread,
    like_with_like,
    most_off_share,
)
from rota.roster import Result


@dataclass
class Generated:
    horizon: Horizon
    result: Result
    report: CheckReport | None
    folder: Path | None
    summary: dict


def output_folder(out: Path, scenario: Scenario, month: str) -> Path:
    return Path(out) / scenario.name / month


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
                    (round((max(c * n[p] for p, c in g) - min(c * n[p] for p, c in g)) / 100, 2)
                     for g in parts), default=0.0),
                "like_with_like_least": max(
                    (least_spread([c for _, c in g], sum(n[p] for p, _ in g)) / 100
                     for g in parts), default=0.0),
            }
    out = dict(sorted(out.items()))
    return out


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
        "uncovered_demand": uncovered_demand_summary(res),
        "first_roster_seconds": first,
        "inputs_not_met": res.dropped,
        "history_breaches": [v.line() for v in history_breaches(h)],
        "build_seconds": res.build_seconds,
        "model": res.model_stats,
        "bank_holidays": [d.isoformat() for d in h.days if d in h.bank_holidays],
        "timezone": sc.config.scenario.timezone,
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


def generate(
    scenario_path: Path,
    month: str,
    *,
    out: Path = Path("outputs"),
    time_limit: float = 60.0,
    effort: float | None = None,
    seed: int = 0,
    workers: int = 2,
    history: Path | None = None,
    force: bool = False,
    with_names: bool = False,
    printer=None,  # noqa: ANN001
    started: float | None = None,
    write: bool = True,
    scenario: Scenario | None = None,
) -> Generated:
    """Load, solve, check and write one month (SPEC 4). Raises InputError for bad input.
    `effort` (work units; None: the default) decides the roster, `time_limit` caps it."""
    from rota.solve.run import solve  # the solver is loaded only when solving

    t0 = started if started is not None else time.monotonic()
    sc = scenario if scenario is not None else load_scenario(scenario_path, history)
    h = build_horizon(sc, month)
    folder = output_folder(out, sc, h.label) if write else None
    if folder is not None and (folder / "roster.csv").exists() and not force:
        raise InputError(
            str(folder / "roster.csv"), "a roster is already there (use --force to replace it)"
        )
    kwargs = {"printer": printer} if printer is not None else {}
    res = solve(h, effort=effort, time_limit=time_limit, seed=seed,
                workers=workers, started=t0, **kwargs)  # fmt: skip
    rep = check(h, res.duties) if res.found else None
    summary = build_summary(h, res, rep)
    if folder is not None and res.found:
        write_roster_folder(h, res, rep, folder, with_names, summary)
    return Generated(h, res, rep, folder, summary)


def write_roster_folder(
    h: Horizon, res: Result, rep: CheckReport, folder: Path, with_names: bool = False,
    summary: dict | None = None,
) -> None:  # fmt: skip
    """Write every file of a roster folder (SPEC 4, plus shortfall.csv)."""
    from rota.check.explain import shortfall_rows

    atomic_write(folder / "roster.csv", roster_csv(h, res.duties, with_names))
    atomic_write(folder / "grid.csv", grid_csv(h, res.duties, with_names))
    atomic_write(folder / "coverage.csv", coverage_csv(h, rep))
    atomic_write(folder / "shortfall.csv", shortfall_csv(shortfall_rows(h, res.duties, rep)))
    write_json(folder / "summary.json", summary or build_summary(h, res, rep))


def month_range(text: str) -> list[str]:
    """'2026-12..2027-02' -> ['2026-12', '2027-01', '2027-02'] (at most 24 months)."""
    from rota.horizon import parse_month

    first, sep, last = text.partition("..")
    if not sep:
        raise InputError("--months", f"'{text}' is not a range FIRST..LAST, e.g. 2026-12..2027-02")
    y, m = parse_month(first)
    y2, m2 = parse_month(last)
    if (y2, m2) < (y, m):
        raise InputError("--months", f"{last} is before {first}")
    out = []
    while (y, m) <= (y2, m2):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    if len(out) > 24:
        raise InputError("--months", "at most 24 months in one chain")
    return out


def generate_chain(
    scenario_path: Path,
    months: list[str],
    *,
    out: Path = Path("outputs"),
    history: Path | None = None,
    **kwargs,
) -> list[Generated]:
    """Plan consecutive months, each with the previous month's roster as its history.

    The first month uses `history` (or the scenario's history.csv). Each month's folder is
    written before the next is planned, and its roster.csv is the next month's history.
    `time_limit` applies to each month.
    """
    results: list[Generated] = []
    hist = history
    for month in months:
        g = generate(scenario_path, month, out=out, history=hist, started=None, **kwargs)
        results.append(g)
        if not g.result.found:
            break
        hist = g.folder / "roster.csv"
    return results


def check_roster(
    scenario_path: Path, month: str, roster: Path, history: Path | None = None
) -> tuple[Horizon, CheckReport, list[Duty]]:
    """`rota check`: judge any roster.csv (also one edited by hand)."""
    sc = load_scenario(scenario_path, history)
    h = build_horizon(sc, month)
    roster = Path(roster)
    if not roster.is_file():
        raise InputError(str(roster), "no such roster file")
    duties, _ = load_roster(roster, str(roster))
    validate_roster(h, duties, str(roster))
    return h, check(h, duties), duties
