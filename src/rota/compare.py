"""`rota scenario`: solve a base scenario and its variants side by side.

Each variant is solved in its own process (``--jobs``), writes its own roster folder
(``OUT/<scenario>--<variant>/<month>/``), and is measured by the checker on the roster
it wrote, so every figure of the comparison is what `rota check` would say.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rota.app import Generated

FIGURES = ("officer_hours", "supervisor_hours", "skill_hours", "on_call_days",
           "overtime_hours", "overtime_cost", "nights_spread", "weekends_spread")  # fmt: skip


def _figures(g: Generated) -> dict:
    from rota.measures import contract_target_minutes

    h, rep, res = g.horizon, g.report, g.result
    row: dict = {"status": res.status, "gap": res.gap, "objective": res.objective,
                 "bound": res.best_bound, "wall_seconds": res.wall_seconds,
                 "staff": len(h.scenario.staff)}  # fmt: skip
    if rep is None:
        row["reason"] = f"no roster ({res.status}): its figures are unknown, not zero"
        return row
    row.update(rep.uncovered)
    worked: dict[str, int] = {}
    for d in res.duties:
        if d.kind == "shift":
            worked[d.staff_id] = worked.get(d.staff_id, 0) + round(d.hours * 60)
    over, cost = 0, 0.0
    costs = h.scenario.config.costs
    for p in h.scenario.staff:
        if p.contract_hours_per_week > 0:
            extra = max(0, worked.get(p.staff_id, 0) - contract_target_minutes(h, p))
            over += extra
            cost += extra / 60 * costs.rate(p.rank) * costs.overtime_multiplier
    row["overtime_hours"] = round(over / 60, 2)
    row["overtime_cost"] = round(cost, 2)
    fair = g.summary.get("fairness", {})
    for kind in ("nights", "weekends"):
        row[f"{kind}_spread"] = max((s[kind]["spread"] for s in fair.values()), default=0.0)
    per_site: dict[str, float] = {}
    for s in rep.shortfalls:
        if s.kind.startswith("on_call:"):
            continue
        key = f"{s.site}:{s.kind.split(':')[0]}"
        per_site[key] = per_site.get(key, 0.0) + s.missing * (s.end - s.start) / 60
    row["by_site"] = {k: round(v, 2) for k, v in sorted(per_site.items())}
    row["folder"] = str(g.folder) if g.folder else ""
    # what is known of the least uncovered demand: "proven minimum" or its distance above
    # the bound (summary.json's words)
    demand = g.summary.get("uncovered_demand") or {}
    row["uncovered_demand"] = demand.get("says", "")
    row["uncovered_cost"], row["uncovered_bound"] = demand.get("cost"), demand.get("bound")
    return row


def significance(base: dict, row: dict, cost: str, bound: str) -> str:
    """Whether a variant's change from the base is more than the solver's uncertainty:
    each true least lies between its bound and the roster found, so the change of the
    least lies in [variant bound - base found, variant found - base bound]; when that
    interval holds 0 the change may be the solver's, not the variant's ("no"; "yes" when
    it does not; empty when a figure is unknown)."""
    values = (base.get(cost), base.get(bound), row.get(cost), row.get(bound))
    if any(v is None for v in values):
        return ""
    b_found, b_bound, v_found, v_bound = (float(v) for v in values)  # type: ignore[arg-type]
    low, high = v_bound - b_found, v_found - b_bound
    return "no" if low <= 1e-9 and high >= -1e-9 else "yes"


def run_one(variants_file: str, name: str | None, month: str, opts: dict) -> dict:
    """Solve the base (name None) or one variant; returns its figures. Runs in a worker."""
    from rota.app import generate
    from rota.io.load import load_scenario
    from rota.variants import apply_variant, load_variants

    folder, variants = load_variants(Path(variants_file))
    sc = load_scenario(folder)
    if name is not None:
        v = next(v for v in variants if v.name == name)
        sc = apply_variant(sc, v, Path(variants_file).name)
    g = generate(folder, month, scenario=sc, printer=lambda _line: None, **opts)
    return {"variant": name or "base", **_figures(g)}


def compare(variants_file: Path, month: str, *, jobs: int = 1,
            on_start: Callable[[list[str]], None] | None = None,
            on_done: Callable[[dict], None] | None = None, **opts: Any) -> list[dict]:  # fmt: skip
    """Base first, then every variant, in the file's order. Validates every variant
    before solving any, so a bad change fails fast (exit 2). `on_start` hears the names
    to be solved, `on_done` each variant's figures as it finishes (for progress)."""
    from rota.io.load import load_scenario
    from rota.variants import apply_variant, load_variants

    folder, variants = load_variants(variants_file)
    sc = load_scenario(folder)
    for v in variants:
        apply_variant(sc, v, Path(variants_file).name)
    names: list[str | None] = [None, *[v.name for v in variants]]
    if on_start is not None:
        on_start([n or "base" for n in names])
    done = on_done or (lambda _row: None)
    rows: list[dict] = []
    if jobs <= 1:
        for n in names:
            rows.append(run_one(str(variants_file), n, month, opts))
            done(rows[-1])
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(run_one, str(variants_file), n, month, opts) for n in names]
            for f in as_completed(futures):
                done(f.result())
            rows = [f.result() for f in futures]
    base = rows[0]
    for r in rows:
        for k in FIGURES:
            if k in r and k in base:
                r[f"delta_{k}"] = round(r[k] - base[k], 2)
        if r is not base:
            r["uncovered_change_significant"] = significance(base, r, "uncovered_cost",
                                                             "uncovered_bound")  # fmt: skip
            r["objective_change_significant"] = significance(base, r, "objective", "bound")
    return rows


def comparison_csv(rows: list[dict]) -> str:
    """comparison.csv: a row per variant, its figures, their change from the base, and
    the uncovered hours of each site and kind."""
    import pandas as pd

    figures = ["variant", "status", "gap", "objective", "staff", *FIGURES,
               *[f"delta_{k}" for k in FIGURES]]  # fmt: skip
    table = pd.DataFrame(rows, dtype=object).reindex(columns=figures)  # ints stay ints
    by_site = pd.DataFrame([r.get("by_site", {}) for r in rows], index=table.index)
    by_site = by_site.reindex(columns=sorted(by_site.columns))
    # a site short of nothing: 0 h; a variant with no roster: empty, never 0
    measured = [("by_site" in r) for r in rows]
    by_site.loc[measured] = by_site.loc[measured].fillna(0.0)
    by_site.columns = [f"uncovered_{s.replace(':', '_')}_hours" for s in by_site.columns]
    folder = pd.Series([r.get("folder", "") for r in rows], index=table.index, name="folder")
    says = pd.Series([r.get("uncovered_demand", "") for r in rows], index=table.index,
                     name="uncovered_demand")  # fmt: skip
    extra = pd.DataFrame([{k: r.get(k, "") for k in ("uncovered_change_significant",
                                                     "objective_change_significant",
                                                     "reason")} for r in rows],
                         index=table.index)  # fmt: skip
    out = pd.concat([table, by_site, folder, says, extra], axis=1)
    return out.to_csv(index=False, lineterminator="\n")


def comparison_html(rows: list[dict], month: str, currency: str, example: bool) -> str:
    """comparison.html: the same figures as comparison.csv for a person to read, with a
    chart of uncovered hours and overtime cost per variant (self-contained, no script)."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("rota.report"),
                      autoescape=select_autoescape(["html"]))  # fmt: skip
    shown = []
    for r in rows:
        measured = "by_site" in r
        hours = (
            sum(float(r.get(k) or 0) for k in ("officer_hours", "supervisor_hours", "skill_hours"))
            if measured
            else 0.0
        )
        shown.append({**r, "measured": measured, "hours": round(hours, 2),
                      "significant": r.get("uncovered_change_significant", ""),
                      "proven": r.get("uncovered_demand") == "proven minimum"})  # fmt: skip
    top_h = max((x["hours"] for x in shown), default=0.0) or 1.0
    top_c = max((float(x.get("overtime_cost") or 0) for x in shown), default=0.0) or 1.0
    span, left = 420, 170
    bars = [{"variant": x["variant"], "y": 6 + 22 * i, "hours": x["hours"],
             "proven": x["proven"], "cost": float(x.get("overtime_cost") or 0),
             "hours_w": round(span * x["hours"] / top_h, 1),
             "cost_w": round(span * float(x.get("overtime_cost") or 0) / top_c, 1)}
            for i, x in enumerate(shown) if x["measured"]]  # fmt: skip
    chart = {"bars": bars, "left": left, "width": left + span + 200,
             "height": 12 + 22 * len(bars)}  # fmt: skip
    base = rows[0].get("folder", "") if rows else ""
    title = f"Staffing variants, {month}" + (f" ({Path(base).parent.name})" if base else "")
    return env.get_template("comparison.html").render(
        title=title, month=month, rows=shown, chart=chart, currency=currency,
        example_costs=example)  # fmt: skip


def table(rows: list[dict]) -> str:
    cols = [("variant", 22, "{}"), ("status", 9, "{}"), ("gap", 7, "{:.1%}"),
            ("officer_hours", 9, "{:g}"), ("supervisor_hours", 9, "{:g}"),
            ("skill_hours", 9, "{:g}"), ("on_call_days", 7, "{}"),
            ("overtime_hours", 9, "{:g}"), ("nights_spread", 7, "{:g}"),
            ("weekends_spread", 7, "{:g}"), ("delta_officer_hours", 9, "{:+g}"),
            ("delta_skill_hours", 9, "{:+g}")]  # fmt: skip
    heads = ["variant", "status", "gap", "off h", "sup h", "skill h", "oc d", "over h",
             "nights", "wkends", "Δ off h", "Δ skill h"]  # fmt: skip
    out = ["  ".join(f"{h:>{w}}" if i else f"{h:<{w}}" for i, (h, (_, w, _f))
                     in enumerate(zip(heads, cols, strict=True)))]  # fmt: skip
    for r in rows:
        cells = []
        for i, (k, w, f) in enumerate(cols):
            v = r.get(k)
            txt = "-" if v is None else (f.format(v) if not isinstance(v, str) else v)
            cells.append(f"{txt:<{w}}" if i == 0 else f"{txt:>{w}}")
        out.append("  ".join(cells))
    return "\n".join(out)


__all__ = ["compare", "comparison_csv", "table"]


def compare_variants(
    variants: Path, month: str, *, out: Path, **kwargs: Any
) -> tuple[list[dict], Path]:
    """`rota scenario`: solve a scenario and its variants; write comparison.csv beside the
    base scenario's roster. Returns the rows and the file written."""
    from rota.io.load import load_scenario
    from rota.io.write import atomic_write
    from rota.variants import load_variants

    rows = compare(variants, month, out=out, **kwargs)
    folder = Path(rows[0]["folder"]) if rows[0].get("folder") else out
    atomic_write(folder / "comparison.csv", comparison_csv(rows))
    costs = load_scenario(load_variants(variants)[0]).config.costs
    atomic_write(folder / "comparison.html",
                 comparison_html(rows, month, costs.currency, costs.example))  # fmt: skip
    return rows, folder / "comparison.csv"
