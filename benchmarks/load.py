"""The same answer on any load, and the time limit kept, measured.

    python -m benchmarks.load same --scenario scenarios/eastern-region --month 2026-12
    python -m benchmarks.load limits --scenario /tmp/family/dec-3x --limits 5 10

`same`: `rota generate` at the default effort twice, on an idle machine and beside
--burners processes that burn CPU, and whether the two roster.csv are byte-identical,
with each run's wall time and summary (effort spent, cut short).

`limits`: `rota generate` at each --limits (seconds), idle and loaded, and for each run
its wall time against the limit, whether it wrote a roster, and the checker's verdict on
it (hard violations, uncovered demand).

Each run is a process of its own, as a user runs it; the wall time is the process's.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _burn() -> None:
    while True:
        pass


class Burners:
    """`n` processes burning a CPU each, while the block runs."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.procs: list[multiprocessing.Process] = []

    def __enter__(self) -> Burners:
        self.procs = [multiprocessing.Process(target=_burn, daemon=True) for _ in range(self.n)]
        for p in self.procs:
            p.start()
        return self

    def __exit__(self, *exc: object) -> None:
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            p.join()


def generate(scenario: Path, month: str, out: Path, time_limit: float, workers: int,
             effort: float | None) -> dict:  # fmt: skip
    """One `rota generate` in a process of its own: wall time, exit code, summary."""
    cmd = [sys.executable, "-m", "rota.cli", "generate", str(scenario), "--month", month,
           "--out", str(out), "--time-limit", str(time_limit), "--workers", str(workers),
           "--quiet", "--no-report", "--force"]  # fmt: skip
    if effort is not None:
        cmd += ["--effort", str(effort)]
    t0 = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    wall = time.monotonic() - t0
    folders = sorted(out.glob(f"*/{month}"))
    row: dict = {"wall": round(wall, 2), "exit": proc.returncode, "limit": time_limit}
    if folders and (folders[0] / "roster.csv").exists():
        roster = (folders[0] / "roster.csv").read_bytes()
        summary = json.loads((folders[0] / "summary.json").read_text())
        row |= {
            "roster_sha256": hashlib.sha256(roster).hexdigest()[:16],
            "objective": summary["objective"],
            "uncovered": summary["uncovered"],
            "effort": summary.get("effort"),
            "effort_spent": summary.get("effort_spent"),
            "cut_short": summary.get("cut_short"),
            "hard": _hard(scenario, month, folders[0] / "roster.csv"),
        }
    else:
        row["error"] = proc.stderr.strip().splitlines()[-1:] or ["no roster"]
    return row


def _hard(scenario: Path, month: str, roster: Path) -> int:
    """Hard violations the checker finds on a roster (`rota check` exits 1 on any)."""
    cmd = [sys.executable, "-m", "rota.cli", "check", str(scenario), "--month", month,
           "--roster", str(roster)]  # fmt: skip
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT).stdout
    return sum(1 for line in out.splitlines() if line.startswith("HARD "))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=["same", "limits"])
    ap.add_argument("--scenario", type=Path, default=ROOT / "scenarios/eastern-region")
    ap.add_argument("--month", default="2026-12")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--burners", type=int, default=2)
    ap.add_argument("--effort", type=float, default=None)
    ap.add_argument("--limits", type=float, nargs="*", default=[5, 10])
    ap.add_argument("--json", type=Path)
    a = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        if a.what == "same":
            runs = [("idle", 0, 600.0), ("loaded", a.burners, 600.0)]
        else:
            runs = [(f"{kind} {limit:g} s", n, limit) for limit in a.limits
                    for kind, n in (("idle", 0), ("loaded", a.burners))]  # fmt: skip
        for i, (label, burners, limit) in enumerate(runs):
            with Burners(burners):
                row = generate(a.scenario, a.month, Path(tmp) / str(i), limit, a.workers,
                               a.effort)  # fmt: skip
            row["run"] = label
            rows.append(row)
            print(json.dumps(row), flush=True)
    if a.what == "same":
        same = rows[0].get("roster_sha256") == rows[1].get("roster_sha256")
        print(f"byte-identical roster.csv idle and beside {a.burners} burners: {same}")
    if a.json:
        a.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
