"""The public benchmark: Curtois & Qu's nurse rostering instances.

    python -m benchmarks.nrp benchmarks/nrp/Instance1.txt ... --time-limit 60 --workers 2

Solves each instance, holds its roster against the independent evaluator
(benchmarks/nrp/instance.py), writes OUT/InstanceN.roster.csv, and prints one line per
instance beside the best published result (benchmarks/nrp/SOURCE.md). Exits 1 if the
solver and the evaluator disagree, 2 on an unreadable instance.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from benchmarks.nrp.instance import best_known, evaluate, read_instance  # noqa: E402
from benchmarks.nrp.solver import solve_instance  # noqa: E402
from rota.errors import InputError  # noqa: E402
from rota.io.write import atomic_write  # noqa: E402

HEAD = (
    f"{'instance':<11}{'staff':>6}{'days':>6}{'objective':>11}{'bound':>11}{'by':>7}"
    f"{'status':>10}{'seconds':>9}{'best':>8}{'gap':>8}{'limit':>7}"
)


def main() -> None:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.nrp", description=__doc__.splitlines()[0]
    )
    ap.add_argument(
        "files", nargs="+", type=Path, help="instances, e.g. benchmarks/nrp/Instance1.txt"
    )
    ap.add_argument("--time-limit", type=float, default=60, help="seconds per instance")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--out",
        type=Path,
        default=Path("outputs/nrp"),
        help="rosters go to OUT/InstanceN.roster.csv",
    )
    ap.add_argument(
        "--runs",
        choices=["patterns", "turn-on", "automaton"],
        default="patterns",
        help="encoding of the runs of days (benchmarks/README.md compares them)",
    )
    ap.add_argument(
        "--lns",
        choices=["auto", "on", "off"],
        default="auto",
        help="search neighbourhoods of a first roster instead of the full model "
        "for the whole time; auto: from 1,200 shift options or 42 days",
    )
    a = ap.parse_args()
    table = best_known()
    try:
        instances = [read_instance(f) for f in a.files]
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    print(HEAD, flush=True)
    failed = False
    for inst in instances:
        r = solve_instance(
            inst,
            time_limit=a.time_limit,
            workers=a.workers,
            seed=a.seed,
            runs=a.runs,
            lns={"auto": None, "on": True, "off": False}[a.lns],
        )
        rows = sorted(r.roster.items(), key=lambda kv: (kv[0][0], kv[0][1]))
        text = "employee,day,shift\n" + "".join(f"{e},{d},{t}\n" for (e, d), t in rows)
        atomic_write(a.out / f"{inst.name}.roster.csv", text)
        known = table.get(inst.name, {}).get("best_known_objective") or ""
        gap = ""
        if r.objective is not None:
            pen, bad = evaluate(inst, r.roster)
            if bad or pen != r.objective:
                failed = True
                print(
                    f"EVALUATOR MISMATCH {inst.name}: solver {r.objective}, evaluator {pen}, "
                    f"{len(bad)} hard violation(s): {bad[:3]}",
                    file=sys.stderr,
                )
            if known:
                gap = f"{(r.objective - int(known)) / int(known):.1%}"
        obj = "-" if r.objective is None else str(r.objective)
        bound, by = ("-", "-") if r.bound is None else (f"{r.bound:.0f}", r.bound_by)
        print(
            f"{inst.name:<11}{len(inst.employees):>6}{inst.days:>6}{obj:>11}{bound:>11}{by:>7}"
            f"{r.status:>10}{r.seconds:>9.1f}{known:>8}{gap:>8}{a.time_limit:>7g}",
            flush=True,
        )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
