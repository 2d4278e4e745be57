"""rota against the plain peer model on the family of months, judged by the checker.

    python -m benchmarks.family --dir /tmp/family --time-limit 60 --workers 2 \\
        --json benchmarks/family-60s.json          # every month, both solvers
    python -m benchmarks.family --dir /tmp/family --only dec-70 oct --solvers rota \\
        --effort 6 --time-limit 300                 # a deterministic rota run, no peer

Months missing from --dir are written first (benchmarks/months.py). Each solver runs
as a user would run it, in a process of its own (`rota generate`, `python -m
benchmarks.peer`), one at a time; its roster is then judged by rota's checker: every
objective term, the uncovered demand, hard violations, and the spread of nights and
weekends within each port in full-time shares (like with like). rota's bound and what
it says of its uncovered demand come from its summary.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from benchmarks.months import FAMILY, Month, write_month  # noqa: E402


def judge(folder: Path, month: str, roster: Path) -> dict:
    """The checker's figures for a roster of the month."""
    from rota.check import check
    from rota.horizon import build_horizon
    from rota.io.load import load_roster, load_scenario
    from rota.summary import fairness_summary

    h = build_horizon(load_scenario(folder), month)
    duties, _ = load_roster(roster, str(roster))
    rep = check(h, duties)
    fair = fairness_summary(h, duties)
    spread = {kind: max((v[kind]["spread"] for v in fair.values() if kind in v), default=0.0)
              for kind in ("nights", "weekends")}  # fmt: skip
    # like with like: within each port's supervisors and within the rest, the widest,
    # with the least whole shifts allow there
    like = {kind: max((v[kind]["like_with_like"] for v in fair.values() if kind in v),
                      default=0.0) for kind in ("nights", "weekends")}  # fmt: skip
    least = {kind: max((v[kind]["like_with_like_least"] for v in fair.values() if kind in v),
                       default=0.0) for kind in ("nights", "weekends")}  # fmt: skip
    return {
        "objective": rep.objective,
        "penalties": {k: v for k, v in sorted(rep.penalties.items()) if v},
        "uncovered": rep.uncovered,
        "hard": len(rep.hard),
        "spread": spread,
        "like_with_like": like,
        "like_with_like_least": least,
        "staff": len(h.scenario.staff),
        "shifts": sum(1 for d in duties if d.kind == "shift"),
    }


def run_rota(folder: Path, m: Month, limit: float, workers: int, effort: float | None,
             out: Path) -> dict:  # fmt: skip
    cmd = [sys.executable, "-m", "rota.cli", "generate", str(folder), "--month", m.month,
           "--out", str(out), "--time-limit", str(limit), "--workers", str(workers),
           "--force", "--quiet", "--no-report"]  # fmt: skip
    if effort is not None:
        cmd += ["--effort", str(effort)]
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.monotonic() - t0
    got = out / m.name / m.month
    if p.returncode != 0 or not (got / "roster.csv").exists():
        return {"wall": round(wall, 2), "error": (p.stderr or p.stdout).strip()[-300:]}
    summary = json.loads((got / "summary.json").read_text())
    row = {"wall": round(wall, 2), **judge(folder, m.month, got / "roster.csv")}
    row.update(bound=summary["best_bound"], gap=summary["gap"], cut_short=summary["cut_short"],
               first=summary["first_roster_seconds"], effort_spent=summary["effort_spent"],
               uncovered_demand=summary["uncovered_demand"],
               options=summary["model"].get("shift_options"))  # fmt: skip
    return row


def run_peer(folder: Path, m: Month, limit: float, workers: int, out: Path) -> dict:
    roster = out / f"{m.name}-peer.csv"
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.peer",
        str(folder),
        "--month",
        m.month,
        "--time-limit",
        str(limit),
        "--workers",
        str(workers),
        "--out",
        str(roster),
    ]
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    wall = time.monotonic() - t0
    if p.returncode != 0:
        return {"wall": round(wall, 2), "error": (p.stderr or p.stdout).strip()[-300:]}
    return {"wall": round(wall, 2), **judge(folder, m.month, roster)}


def _u(row: dict) -> str:
    if "uncovered" not in row:
        return "-"
    u = row["uncovered"]
    return (f"{u['officer_hours']:g}/{u['supervisor_hours']:g}/{u['skill_hours']:g}"
            f"/{u['on_call_days']}")  # fmt: skip


def table(rows: list[dict]) -> str:
    """The markdown table of benchmarks/README.md."""
    head = (
        "| month | staff | rota | peer | rota / peer | uncovered rota (off/sup/skill/oc) "
        "| uncovered peer | rota's uncovered demand | bound | gap | nights spread "
        "rota / peer | weekends spread rota / peer | like with like, nights / weekends "
        "(rota) | rota s | peer s |"
    )
    out = [head, "|" + "---|" * 15]
    for r in rows:
        a, b = r.get("rota", {}), r.get("peer", {})
        oa, ob = a.get("objective"), b.get("objective")
        ratio = f"{oa / ob:.2f}" if oa is not None and ob else "-"
        ud = a.get("uncovered_demand") or {}
        says = ud.get("says", "-")
        gap = f"{a['gap']:.1%}" if a.get("gap") is not None else "-"
        bound = f"{a['bound']:,.0f}" if a.get("bound") is not None else "-"
        sp = lambda row, k: f"{row['spread'][k]:.2f}" if "spread" in row else "-"  # noqa: E731
        hard = lambda row: f" ({row['hard']} hard)" if row.get("hard") else ""  # noqa: E731
        fmt = lambda v: f"{v:,.1f}" if v is not None else "-"  # noqa: E731
        lk = lambda row, k: (  # noqa: E731
            f"{row['like_with_like'][k]:.2f}" if "like_with_like" in row else "-"
        )
        out.append(
            f"| {r['month']} | {a.get('staff', b.get('staff', '-'))} | {fmt(oa)}{hard(a)} "
            f"| {fmt(ob)}{hard(b)} | {ratio} | {_u(a)} | {_u(b)} | {says} | {bound} | {gap} "
            f"| {sp(a, 'nights')} / {sp(b, 'nights')} | {sp(a, 'weekends')} / "
            f"{sp(b, 'weekends')} | {lk(a, 'nights')} / {lk(a, 'weekends')} "
            f"| {a.get('wall', '-')} | {b.get('wall', '-')} |"
        )
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, required=True, help="where the months are (or go)")
    ap.add_argument("--only", nargs="*", help="names of months (default: the family)")
    ap.add_argument("--solvers", nargs="*", default=["rota", "peer"])
    ap.add_argument("--time-limit", type=float, default=60)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--effort", type=float, default=None, help="rota's effort (its default)")
    ap.add_argument("--json", type=Path, help="write every figure here")
    a = ap.parse_args()
    months = [m for m in FAMILY if not a.only or m.name in a.only]
    out = Path(tempfile.mkdtemp(prefix="rota-family-"))
    rows = []
    for m in months:
        folder = a.dir / m.name
        if not (folder / "scenario.toml").exists():
            write_month(m, a.dir)
        row: dict = {"month": m.name, "why": m.why}
        if "rota" in a.solvers:
            row["rota"] = run_rota(folder, m, a.time_limit, a.workers, a.effort, out)
        if "peer" in a.solvers:
            row["peer"] = run_peer(folder, m, a.time_limit, a.workers, out)
        rows.append(row)
        print(json.dumps(row), flush=True)
    print(table(rows))
    if a.json:
        record = {"time_limit": a.time_limit, "workers": a.workers, "effort": a.effort,
                  "rows": rows}  # fmt: skip
        a.json.write_text(json.dumps(record, indent=1) + "\n")


if __name__ == "__main__":
    main()
