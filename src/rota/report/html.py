"""report.html: one self-contained page (no network) for a roster folder.

The month's grid per site (people x days, weekends and bank holidays shaded), a cover
heatmap per site (hours x days, required against rostered, gaps in red, supervisor and
Schedule 7 gaps marked), per-person totals, and the summary with every shortfall.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from html import escape

from rota.report.folder import RosterFolder, person_totals

CSS = """
body{font:13px/1.4 system-ui,sans-serif;margin:16px;color:#222}
h1{font-size:20px;margin:0 0 4px} h2{font-size:17px;margin:24px 0 6px;border-bottom:2px solid #345}
h3{font-size:14px;margin:14px 0 4px}
table{border-collapse:collapse;margin:4px 0}
th,td{border:1px solid #ccc;padding:1px 3px;text-align:center;white-space:nowrap}
th{background:#eef} td.who{text-align:left;font-family:monospace}
.we{background:#f1f1f1} .bh{background:#ffe9c6}
td.cell.shift{background:#dbeafe} td.cell.night{background:#c7d2fe}
td.cell.absence{background:#fde68a} td.cell.oncall{background:#e9d5ff}
td.hm{width:14px;height:12px;font-size:9px;padding:0}
td.hm.none{background:#f7f7f7} td.hm.ok{background:#86efac} td.hm.over{background:#4ade80}
td.hm.short{background:#f87171;color:#fff;font-weight:bold}
td.hm.sup,td.hm.skill{background:#fca5a5;color:#7f1d1d;font-weight:bold}
.summary td,.summary th{text-align:left} .bad{color:#b91c1c;font-weight:bold}
nav a{margin-right:10px}
"""


def _cls_of(code: str) -> str:
    if not code:
        return "off"
    if code in ("AL", "SK", "TR", "CT", "RS", "OT") or code.split("+")[0] in (
        "AL", "SK", "TR", "CT", "RS", "OT"):  # fmt: skip
        return "absence"
    if code.startswith("N"):
        return "night"
    if "-" in code and "@" not in code and "+" not in code:
        return "oncall"
    return "shift"


def _day_class(rf: RosterFolder, day: date) -> str:
    if day in rf.bank_holidays:
        return "bh"
    return "we" if day.weekday() >= 5 else ""


def _grid(rf: RosterFolder, site: str, names: dict[str, str]) -> str:
    people = rf.people_of_site(site)
    cells = rf.cells()
    head = "".join(
        f'<th class="{_day_class(rf, d)}">{d.day}<br>{d.strftime("%a")[:2]}</th>' for d in rf.days
    )
    rows = []
    for pid in people:
        row = cells.get(pid, {})
        who = escape(pid + (f" {names[pid]}" if pid in names else ""))
        tds = []
        for d in rf.days:
            code = row.get(d.isoformat(), "")
            extra = _day_class(rf, d)
            tds.append(f'<td class="cell {_cls_of(code)} {extra}">{escape(code)}</td>')
        rows.append(f'<tr><td class="who">{who}</td>{"".join(tds)}</tr>')
    return (f'<table class="grid" data-site="{escape(site)}"><thead><tr><th>staff</th>{head}'
            f'</tr></thead><tbody>{"".join(rows)}</tbody></table>')  # fmt: skip


def _heatmap(rf: RosterFolder, site: str) -> str:
    """Rows: hours 0-23 (local); columns: days. The worst slot of each hour is shown."""
    tz = rf.tz
    worst: dict[tuple[str, int], tuple[int, str, str]] = {}
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
            worst[key] = (rank, state, mark + "|" + tip)
    head = "".join(f'<th class="{_day_class(rf, d)}">{d.day}</th>' for d in rf.days)
    rows = []
    for hour in range(24):
        tds = []
        for d in rf.days:
            w = worst.get((d.isoformat(), hour))
            if w is None:
                tds.append('<td class="hm none"></td>')
            else:
                mark, tip = w[2].split("|", 1)
                tds.append(f'<td class="hm {w[1]}" title="{escape(tip)}">{mark}</td>')
        rows.append(f"<tr><th>{hour:02d}</th>{''.join(tds)}</tr>")
    return (f'<table class="heatmap" data-site="{escape(site)}"><thead><tr><th>h</th>{head}'
            f'</tr></thead><tbody>{"".join(rows)}</tbody></table>')  # fmt: skip


def _totals(rf: RosterFolder, names: dict[str, str]) -> str:
    cols = ["staff_id", "base_site", "hours", "target_hours", "shifts", "nights", "weekends",
            "bank_holidays", "on_call_days"]  # fmt: skip
    rows = []
    for r in person_totals(rf):
        tds = []
        for c in cols:
            v = r[c]
            if c == "staff_id" and r["staff_id"] in names:
                v = f"{v} {names[r['staff_id']]}"
            cls = ""
            if c == "hours" and r["target_hours"] is not None and v - r["target_hours"] > 16:
                cls = ' class="bad"'
            tds.append(f"<td{cls}>{escape('' if v is None else str(v))}</td>")
        rows.append(f"<tr>{''.join(tds)}</tr>")
    head = "".join(f"<th>{c.replace('_', ' ')}</th>" for c in cols)
    return f'<table class="totals"><tr>{head}</tr>{"".join(rows)}</table>'


def _summary(rf: RosterFolder) -> str:
    s = rf.summary
    u = s.get("uncovered") or {}
    parts = [
        f"<tr><th>status</th><td>{escape(str(s.get('status', '?')))}</td></tr>",
        f"<tr><th>objective</th><td>{s.get('objective')}</td></tr>",
        f"<tr><th>proven gap</th><td>{s.get('gap')}</td></tr>",
    ]
    for k in ("officer_hours", "supervisor_hours", "skill_hours", "on_call_days"):
        v = u.get(k, 0)
        cls = ' class="bad"' if v else ""
        parts.append(f"<tr><th>uncovered {k.replace('_', ' ')}</th><td{cls}>{v}</td></tr>")
    return f'<table class="summary">{"".join(parts)}</table>'


def _shortfall(rf: RosterFolder) -> str:
    if not rf.shortfall:
        return "<p>No uncovered time.</p>"
    cols = ["site", "start", "end", "kind", "missing", "person_hours", "reason"]
    rows = "".join(
        "<tr>" + "".join(f"<td style='text-align:left'>{escape(r.get(c, ''))}</td>"
                         for c in cols) + "</tr>"
        for r in rf.shortfall[:300]
    )  # fmt: skip
    more = (
        f"<p>{len(rf.shortfall) - 300} more in shortfall.csv</p>" if len(rf.shortfall) > 300 else ""
    )
    head = "".join(f"<th>{c}</th>" for c in cols)
    return f'<table class="shortfall"><tr>{head}</tr>{rows}</table>{more}'


def render(rf: RosterFolder, names: dict[str, str] | None = None) -> str:
    """The whole page. `names` (staff id -> name) only when the user asked for names."""
    names = names or {}
    s = rf.summary
    title = f"{s.get('scenario', rf.path.parent.name)} {s.get('month', rf.path.name)}"
    sites = rf.sites()
    by_site: dict[str, list[str]] = defaultdict(list)
    nav = "".join(f'<a href="#site-{escape(x)}">{escape(x)}</a>' for x in sites)
    body = [
        f"<header><h1>Rota {escape(title)}</h1>{_summary(rf)}</header>",
        f"<nav>{nav}<a href='#totals'>totals</a><a href='#shortfall'>shortfall</a></nav>",
    ]
    for site in sites:
        by_site[site] = rf.people_of_site(site)
        body.append(f'<section class="site" id="site-{escape(site)}"><h2>{escape(site)}</h2>')
        body.append(_grid(rf, site, names))
        if any(r["site"] == site for r in rf.coverage):
            body.append(
                "<h3>Cover (worst slot of each hour; number = officers short, "
                "S = supervisor short, 7 = Schedule 7 or skill short)</h3>"
            )
            body.append(_heatmap(rf, site))
        body.append("</section>")
    body.append(f'<section id="totals"><h2>Totals</h2>{_totals(rf, names)}</section>')
    body.append(f'<section id="shortfall"><h2>Shortfall</h2>{_shortfall(rf)}</section>')
    return ("<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>Rota {escape(title)}</title><style>{CSS}</style></head><body>"
            + "".join(body) + "</body></html>\n")  # fmt: skip
