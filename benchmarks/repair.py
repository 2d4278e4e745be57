"""Repairs of a published month, measured against planning it again.

    python -m benchmarks.repair --scenario scenarios/eastern-region --month 2026-12 \
        --json benchmarks/repair-60s.json

The month is planned (`rota generate`, default effort) and published; then for each
case (one officer sick for a week from a day of the month) `rota repair` runs with the
sickness as its change, at --time-limit on --workers, and, for comparison, the month
is planned again with the sickness in absences.csv (`generate --force`, what a user
could do without repair). Both are held against the published roster by `rota diff`:
the changed duties, and what is left uncovered. Each run is a process of its own.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# (staff id, first day of sickness, days): constables at Stansted and Luton, a sergeant
CASES = [("B0010", 10, 7), ("B0008", 3, 7), ("B0009", 20, 7), ("B0001", 10, 7),
         ("B0030", 14, 5)]  # fmt: skip


def _rota(*args: str) -> tuple[float, subprocess.CompletedProcess]:
    t = time.monotonic()
    p = subprocess.run([sys.executable, "-m", "rota.cli", *args], capture_output=True,
                       text=True, check=False)  # fmt: skip
    return round(time.monotonic() - t, 2), p


def _changes(scenario: Path, month: str, old: Path, new: Path) -> list[dict]:
    _t, p = _rota("diff", str(scenario), "--month", month, str(old), str(new))
    if p.returncode != 0:
        raise RuntimeError(p.stderr)
    return list(csv.DictReader(io.StringIO(p.stdout)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scenario", type=Path, default=Path("scenarios/eastern-region"))
    ap.add_argument("--month", default="2026-12")
    ap.add_argument("--time-limit", type=float, default=60)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument(
        "--no-regenerate", action="store_true", help="Skip planning the month again for each case."
    )
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="rota-repair-"))
    out = work / "out"
    wall, p = _rota("generate", str(args.scenario), "--month", args.month, "--out", str(out),
                    "--workers", str(args.workers), "--quiet", "--no-report")  # fmt: skip
    if p.returncode != 0:
        raise SystemExit(p.stderr)
    name = json.loads(next(out.glob(f"*/{args.month}/summary.json")).read_text())["scenario"]
    folder = out / name / args.month
    _t, p = _rota("publish", str(folder))
    published = Path(p.stdout.strip()) / "roster.csv"
    print(f"planned and published in {wall} s: {published}")
    rows = []
    year, mon = (int(x) for x in args.month.split("-"))
    for staff, first, days in CASES:
        start = f"{year:04d}-{mon:02d}-{first:02d}"
        end = f"{year:04d}-{mon:02d}-{first + days - 1:02d}"
        change = work / f"{staff}-{first}.toml"
        change.write_text(f'[[changes]]\nop = "add_absence"\nids = ["{staff}"]\n'
                          f"start = {start}\nend = {end}\nkind = \"sickness\"\n")  # fmt: skip
        target = work / f"repair-{staff}-{first}"
        wall_r, p = _rota("repair", str(args.scenario), "--month", args.month, "--from",
                          f"{start}T06:00", "--changes", str(change), "--published",
                          str(published), "--out", str(target), "--time-limit",
                          str(args.time_limit), "--workers", str(args.workers),
                          "--quiet")  # fmt: skip
        if p.returncode != 0:
            raise SystemExit(p.stderr + p.stdout)
        summ = json.loads((target / name / args.month / "summary.json").read_text())
        info = summ["repair"]
        row = {
            "case": f"{staff} sick {start}..{end}",
            "repair_seconds": wall_r,
            "changed": info["changed_duties"],
            "least": info["least_changed_duties"],
            "by_class": info["by_class"],
            "uncovered": summ["uncovered"],
            "hard": summ["check"]["hard_violations"],
            "effort_spent": summ["effort_spent"],
            "cut_short": summ["cut_short"],
        }
        rows.append(row)
        if args.no_regenerate:
            print(json.dumps(row))
            continue
        # planned again with the sickness in the scenario
        copy = work / f"scenario-{staff}-{first}"
        shutil.copytree(args.scenario, copy)
        with (copy / "absences.csv").open("a") as f:
            f.write(f"{staff},{start},{end},sickness,benchmark\n")
        again = work / f"again-{staff}-{first}"
        wall_g, p = _rota("generate", str(copy), "--month", args.month, "--out", str(again),
                          "--time-limit", str(args.time_limit), "--workers",
                          str(args.workers), "--quiet", "--no-report")  # fmt: skip
        if p.returncode != 0:
            raise SystemExit(p.stderr)
        regen = json.loads((again / name / args.month / "summary.json").read_text())
        n_again = len(_changes(args.scenario, args.month, published,
                               again / name / args.month / "roster.csv"))  # fmt: skip
        row |= {
            "regenerate_seconds": wall_g,
            "regenerate_changed": n_again,
            "regenerate_uncovered": regen["uncovered"],
        }
        print(json.dumps(row))
    if args.json:
        record = {"month": args.month, "time_limit": args.time_limit,
                  "workers": args.workers, "rows": rows}  # fmt: skip
        args.json.write_text(json.dumps(record, indent=1))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
