"""report.html: one self-contained page (no network, no script) for a roster folder,
rendered from templates/report.html with Jinja2.

A headline (is every hour covered, and is that the least possible), the grid per site
(people with their rank, supervisors in bold, days across, a daily headcount), a cover
heatmap per site, the on-call rotas as their own around-the-clock rows, per-person
totals against their target, every shortfall, a legend of every code, and the solver's
figures folded away. It prints on A4 landscape.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from jinja2 import Environment, PackageLoader, select_autoescape

from rota.report.folder import RosterFolder, cell_kind, legend, person_totals, rota_ids

SHORTFALL_ROWS = 300

_env = Environment(loader=PackageLoader("rota.report"), autoescape=select_autoescape(["html"]),
                   trim_blocks=True, lstrip_blocks=True)  # fmt: skip


def _day_class(rf: RosterFolder, day: date) -> str:
    if day in rf.bank_holidays:
        return "bh"
    return "we" if day.weekday() >= 5 else ""


def _heatmap(rf: RosterFolder, site: str) -> list[dict]:
    """Rows: hours 0-23 (local); columns: days. The worst slot of each hour is shown."""
    tz = rf.tz
    worst: dict[tuple[str, int], tuple[int, str, str, str]] = {}
    for r in rf.coverage:
        if r["site"] != site:
            continue
        t = datetime.fromisoformat(r["start"]).astimezone(tz)
        key = (t.date().isoformat(), t.hour)
        req, got = int(r["officers_required"]), int(r["officers_rostered"])
        sreq, sgot = int(r["supervisors_required"] or 0), int(r["supervisors_rostered"] or 0)
        skills = [k[: -len("_required")] for k in r if k.endswith("_required")
                  and not k.startswith(("officers", "supervisors"))]  # fmt: skip
        skill_short = any(r[f"{k}_required"] and int(r[f"{k}_required"]) > int(
            r[f"{k}_rostered"] or 0) for k in skills)  # fmt: skip
        if got < req:
            state, mark = "short", str(req - got)
        elif sgot < sreq:
            state, mark = "sup", "S"
        elif skill_short:
            state, mark = "skill", "7"
        else:
            state, mark = ("over" if got > req else "ok"), ""
        rank = {"short": 0, "sup": 1, "skill": 2, "ok": 3, "over": 4}[state]
        tip = f"{t:%a %d %b %H:%M}: officers {got}/{req}, supervisors {sgot}/{sreq}"
        if key not in worst or rank < worst[key][0]:
            worst[key] = (rank, state, mark, tip)
    rows = []
    for hour in range(24):
        cells = []
        for d in rf.days:
            w = worst.get((d.isoformat(), hour))
            cells.append({"cls": "none", "mark": "", "tip": ""} if w is None
                         else {"cls": w[1], "mark": w[2], "tip": w[3]})  # fmt: skip
        rows.append({"hour": f"{hour:02d}", "cells": cells})
    return rows


def _sites(rf: RosterFolder, names: dict[str, str], on_call: set[str]) -> list[dict]:
    known = rf.summary.get("names", {})
    sup_ranks = set(known.get("supervisor_ranks", []))
    cells = rf.cells()
    on_duty: dict[tuple[str, date], set[str]] = defaultdict(set)
    for d in rf.duties:
        if d.kind == "shift":
            on_duty[d.site, d.date].add(d.staff_id)
    out = []
    for site in rf.sites():
        people = []
        for pid in rf.people_of_site(site):
            rank = rf.staff.get(pid, {}).get("rank", "")
            row = cells.get(pid, {})
            codes = [row.get(d.isoformat(), "") for d in rf.days]
            people.append({
                "label": f"{pid} {names[pid]}" if pid in names else pid, "title": pid,
                "rank": rank, "supervisor": rank in sup_ranks,
                "cells": [{"code": c, "cls": f"{cell_kind(c, on_call)} {_day_class(rf, d)}"}
                          for c, d in zip(codes, rf.days, strict=True)],
            })  # fmt: skip
        has_cover = any(r["site"] == site for r in rf.coverage)
        out.append({
            "id": site, "name": known.get("sites", {}).get(site, site), "people": people,
            "headcount": [len(on_duty.get((site, d), ())) for d in rf.days],
            "heatmap": _heatmap(rf, site) if has_cover else None,
        })  # fmt: skip
    return out


def _on_call(rf: RosterFolder) -> list[dict]:
    """Each on-call rota as one row: its holders each day (ids joined), or none."""
    held: dict[str, dict[date, list[str]]] = defaultdict(lambda: defaultdict(list))
    for d in rf.duties:
        if d.kind == "on_call":
            held[d.duty][d.date].append(d.staff_id)
    names = rf.summary.get("names", {}).get("duties", {})
    rotas = sorted(rota_ids(rf))
    return [{"id": r, "name": names.get(r, r),
             "holders": [" ".join(sorted(held[r].get(d, []))) for d in rf.days]}
            for r in rotas]  # fmt: skip


def _totals(rf: RosterFolder, names: dict[str, str]) -> list[dict]:
    out = []
    for r in person_totals(rf):
        target = r["target_hours"]
        diff = None if target is None else round(r["hours"] - target, 2)
        cls = "" if diff is None or abs(diff) < 1 else "over" if diff > 0 else "under"
        pid = r["staff_id"]
        out.append({
            "who": f"{pid} {names[pid]}" if pid in names else pid,
            "rank": rf.staff.get(pid, {}).get("rank", ""), "base": r["base_site"],
            "hours": f"{r['hours']:g}", "target": "" if target is None else f"{target:g}",
            "diff": "" if diff is None else f"{diff:+g}", "cls": cls,
            **{k: r[k] for k in ("shifts", "nights", "weekends", "bank_holidays",
                                 "on_call_days")},
        })  # fmt: skip
    return out


def _solver(s: dict) -> list[tuple[str, str]]:
    gap = s.get("gap")
    demand = s.get("uncovered_demand") or {}
    rows = [
        ("status", str(s.get("status", "?"))),
        ("cost (the objective, lower is better)", f"{s.get('objective') or 0:,.2f}"),
        ("lower bound on the cost", f"{s.get('best_bound') or 0:,.2f}"),
        ("gap to the bound", "-" if gap is None else f"{gap:.1%}"),
        ("uncovered demand", demand.get("says", "-")),
        ("effort (work units spent of those given)",
         f"{s.get('effort_spent', '-')} of {s.get('effort', '-')}"),
        ("seconds", str(s.get("wall_seconds", "-"))),
    ]  # fmt: skip
    if s.get("cut_short"):
        rows.append(("note", "the time limit stopped the solver before its effort was spent"))
    if s.get("interrupted"):
        rows.append(("note", "stopped by Ctrl-C: the best roster found so far"))
    return rows


def render(rf: RosterFolder, names: dict[str, str] | None = None) -> str:
    """The whole page. `names` (staff id -> name) only when the user asked for names."""
    names = names or {}
    s = rf.summary
    on_call = rota_ids(rf)
    u = s.get("uncovered") or {}
    parts = [f"{u.get(k, 0):g} h of {k.split('_')[0]}" for k in
             ("officer_hours", "supervisor_hours", "skill_hours") if u.get(k)]  # fmt: skip
    if u.get("on_call_days"):
        parts.append(f"{u['on_call_days']} on-call days")
    shortfall = rf.shortfall[:SHORTFALL_ROWS]
    return _env.get_template("report.html").render(
        title=f"{s.get('scenario', rf.path.parent.name)} {s.get('month', rf.path.name)}",
        uncovered_total=sum(float(v) for v in u.values()), uncovered_text=", ".join(parts),
        says=(s.get("uncovered_demand") or {}).get("says", ""),
        shifts=sum(1 for d in rf.duties if d.kind == "shift"),
        on_call_days=sum(1 for d in rf.duties if d.kind == "on_call"),
        people=len(rf.staff) or len({d.staff_id for d in rf.duties}),
        solver=_solver(s),
        days=[{"day": d.day, "wd": d.strftime("%a")[:2], "cls": _day_class(rf, d)}
              for d in rf.days],
        sites=_sites(rf, names, on_call), on_call=_on_call(rf),
        totals_head=["staff", "rank", "base", "hours", "target", "vs target", "shifts",
                     "nights", "weekends", "bank holidays", "on-call days"],
        totals=_totals(rf, names),
        shortfall_head=["site", "start", "end", "kind", "missing", "person_hours", "reason"],
        shortfall=shortfall, shortfall_more=max(0, len(rf.shortfall) - SHORTFALL_ROWS),
        legend=legend(rf, on_call),
    )  # fmt: skip
