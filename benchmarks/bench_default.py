"""Timed run of a month: time to the first roster, to a proven 1 % gap, and the final gap.

    python benchmarks/bench_default.py                       # the default scenario, Dec 2026
    python benchmarks/bench_default.py --scale 3             # 3x staff and demand
    python benchmarks/bench_default.py --time-limit 60 --workers 2 --json out.json
    python benchmarks/bench_default.py --month 2027-01 --history DEC/roster.csv  # a chain

Timings belong here, not in the tests. Figures are reported in benchmarks/README.md.
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

from rota.check import check  # noqa: E402
from rota.horizon import build_horizon  # noqa: E402
from rota.io.load import load_scenario  # noqa: E402
from rota.solve.run import solve  # noqa: E402
from rota.summary import fairness_summary  # noqa: E402


def run(
    scenario: Path, month: str, time_limit: float, workers: int, seed: int,
    history: Path | None = None,
) -> dict:  # fmt: skip
    t0 = time.monotonic()
    sc = load_scenario(scenario, history)
    h = build_horizon(sc, month)
    res = solve(h, time_limit=time_limit, workers=workers, seed=seed, printer=None, started=t0)
    rep = check(h, res.duties) if res.found else None
    return {
        "scenario": sc.name,
        "staff": len(sc.staff),
        "month": month,
        "workers": workers,
        "seed": seed,
        "time_limit": time_limit,
        "status": res.status,
        "build_seconds": res.build_seconds,
        "first_roster_seconds": res.progress[0].seconds if res.progress else None,
        "gap_1pct_seconds": res.seconds_to_gap(0.01),
        "gap_5pct_seconds": res.seconds_to_gap(0.05),
        "objective": res.objective,
        "best_bound": res.best_bound,
        "final_gap": res.gap,
        "wall_seconds": res.wall_seconds,
        "model": res.model_stats,
        "uncovered": rep.uncovered if rep else None,
        "hard_violations": len(rep.hard) if rep else None,
        "penalties": res.penalties,
        # per port and kind: [spread, least spread for the pool's total, most off share]
        "fairness_spreads": {
            site: {
                kind: [v["spread"], v["least_spread"], v["most_off_share"]]
                for kind, v in kinds.items()
            }
            for site, kinds in fairness_summary(h, res.duties).items()
        },
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "eastern-region")
    ap.add_argument("--scale", type=int, default=1, help="generate an N-times scenario")
    ap.add_argument("--month", default="2026-12")
    ap.add_argument("--time-limit", type=float, default=60)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--history", type=Path, help="the previous month's roster.csv")
    a = ap.parse_args()
    scenario = a.scenario
    if a.scale != 1:
        tmp = Path(tempfile.mkdtemp(prefix="rota-bench-"))
        scenario = tmp / f"eastern-x{a.scale}"
        subprocess.run([sys.executable, str(ROOT / "tools" / "make_scenario.py"), str(scenario),
                        "--scale", str(a.scale)], check=True)  # fmt: skip
    out = run(scenario, a.month, a.time_limit, a.workers, a.seed, a.history)
    print(json.dumps(out, indent=2))
    if a.json:
        a.json.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
