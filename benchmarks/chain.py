"""Months in a row: the law's long measures across a chain, and fairness over it.

    python -m benchmarks.chain --scenario scenarios/eastern-region --months 2026-10..2027-03

`rota generate --months` plans the chain (each month with every roster before it as
history); then each month's roster is checked with that history (every hard rule,
hours.avg_17w included, wherever the history reaches back 17 weeks), and the nights
and weekend shifts of the whole chain are counted per person, pro rata to contracted
hours (a full-time share), within each port's constables and within its sergeants:
the spread (most - least) of each.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    from rota.app import month_range
    from rota.check import check
    from rota.horizon import build_horizon, duty_is_night
    from rota.io.load import load_roster, load_scenario
    from rota.measures import reference_ends

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scenario", type=Path, default=ROOT / "scenarios/eastern-region")
    ap.add_argument("--months", default="2026-10..2027-03")
    ap.add_argument("--time-limit", type=float, default=60)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    out = Path(tempfile.mkdtemp(prefix="rota-chain-"))
    t = time.monotonic()
    p = subprocess.run([sys.executable, "-m", "rota.cli", "generate", str(args.scenario),
                        "--months", args.months, "--out", str(out), "--quiet", "--no-report",
                        "--time-limit", str(args.time_limit), "--workers", str(args.workers)],
                       capture_output=True, text=True, check=False)  # fmt: skip
    wall = round(time.monotonic() - t, 1)
    if p.returncode != 0:
        raise SystemExit(p.stderr)
    sc0 = load_scenario(args.scenario)
    months = month_range(args.months)
    history: list[Path] = []
    own = args.scenario / "history.csv"
    if own.exists():
        history.append(own)
    rows = []
    counts: dict[str, dict[str, float]] = {"nights": defaultdict(float),
                                           "weekends": defaultdict(float)}  # fmt: skip
    for month in months:
        folder = out / sc0.name / month
        sc = load_scenario(args.scenario, list(history) or None)
        h = build_horizon(sc, month)
        duties, _ = load_roster(folder / "roster.csv")
        rep = check(h, duties)
        summary = json.loads((folder / "summary.json").read_text())
        rows.append({
            "month": month, "hard": len(rep.hard),
            "rules_broken": sorted({v.rule for v in rep.hard}),
            "avg_17w_judged_days": len(reference_ends(h)),
            "uncovered": rep.uncovered, "objective": summary["objective"],
        })  # fmt: skip
        for d in duties:
            if d.kind != "shift":
                continue
            if duty_is_night(h, d):
                counts["nights"][d.staff_id] += 1
            if d.date.weekday() >= 5:
                counts["weekends"][d.staff_id] += 1
        history.append(folder / "roster.csv")
        print(json.dumps(rows[-1]))
    supervisors = set(sc0.config.scenario.supervisor_ranks)
    spreads = {}
    for kind, per in counts.items():
        groups: dict[str, list[float]] = defaultdict(list)
        for p_ in sc0.staff:
            if not p_.base_site or p_.contract_hours_per_week <= 0 or p_.unit != "BORDER":
                continue
            part = "supervisors" if p_.rank in supervisors else "officers"
            share = per.get(p_.staff_id, 0.0) * 40 / p_.contract_hours_per_week
            groups[f"{p_.base_site} {part}"].append(share)
        spreads[kind] = {g: round(max(v) - min(v), 2) for g, v in sorted(groups.items())
                         if len(v) > 1}  # fmt: skip
    result = {"months": months, "wall_seconds": wall, "rows": rows, "spreads": spreads}
    print(json.dumps(spreads, indent=1))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
