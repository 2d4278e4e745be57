"""A family of months the solver was never tuned on, written as scenario folders.

    python -m benchmarks.months OUT            # every month of the family into OUT/<name>/
    python -m benchmarks.months OUT --only dec-70 oct-3x

Each month is the default region (tools/make_scenario.py) reshaped: other calendar
months (clock changes, bank holidays, 28 to 31 days), staffing from 70 % to 130 % of
the default, Schedule 7 reviews missed, leave peaks, thin on-call pools, one to three
times the size, and Januaries planned after a December (their history.csv is the
December planned by the plain peer model on a fixed deterministic budget, so the family
does not change when rota's solver does).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "src"))

from make_scenario import Shape, make  # noqa: E402


@dataclass(frozen=True)
class Month:
    """One benchmark month: a scenario shape, the month to plan, and (for a month after
    another) the shape whose month is planned first to give it a history."""

    name: str
    shape: Shape
    why: str
    after: Shape | None = field(default=None)

    @property
    def month(self) -> str:
        return self.shape.month


def _m(name: str, why: str, after: Shape | None = None, **kw) -> Month:
    return Month(name, Shape(**kw), why, after)


FAMILY: tuple[Month, ...] = (
    _m("dec-default", "the default scenario's month (the committed scenario)"),
    _m("oct", "clock change (25 Oct): a 25-hour night", month="2026-10"),
    _m("mar", "clock change (28 Mar) and Easter (26 and 29 Mar)", month="2027-03"),
    _m("nov", "30 days, no bank holiday", month="2026-11"),
    _m("feb", "28 days", month="2027-02"),
    _m("may", "two bank holidays", month="2027-05"),
    _m("aug-leave", "summer leave peak (leave x1.6)", month="2027-08", leave=1.6),
    _m("dec-70", "short-staffed: 70 % of the default's officers", staffing=0.7),
    _m("dec-85", "85 % of the default's officers", staffing=0.85),
    _m("dec-115", "115 % of the default's officers", staffing=1.15),
    _m("dec-130", "130 % of the default's officers", staffing=1.3),
    _m("dec-lapse", "a quarter of Schedule 7 reviews missed", s7_lapse=0.25),
    _m(
        "dec-thin-oncall",
        "three supervisors and three cover officers on call",
        uc_supervisors=3,
        uc_cover=3,
    ),  # fmt: skip
    _m("oct-80", "clock change, 80 % staffing", month="2026-10", staffing=0.8),
    _m(
        "apr-leave", "Easter leave (x1.5), 90 % staffing", month="2027-04", leave=1.5, staffing=0.9
    ),  # fmt: skip
    _m("jun-75", "75 % staffing", month="2027-06", staffing=0.75),
    _m(
        "jan-after-dec",
        "January with December as history",
        month="2027-01",
        after=Shape(month="2026-12"),
    ),  # fmt: skip
    _m(
        "jan-after-short",
        "January at 80 % with a short December as history",
        month="2027-01",
        staffing=0.8,
        after=Shape(month="2026-12", staffing=0.8),
    ),  # fmt: skip
    _m("dec-1.5x", "one and a half times the size", scale=1.5),
    _m(
        "mar-1.5x", "1.5x, clock change, 90 % staffing", scale=1.5, month="2027-03", staffing=0.9
    ),  # fmt: skip
    _m("dec-2x", "twice the size", scale=2),
    _m("dec-3x", "three times the size", scale=3),
    _m("oct-3x", "three times the size, clock change", scale=3, month="2026-10"),
)
HISTORY_UNITS = 6.0  # the peer's deterministic budget for a history month


def write_month(m: Month, out: Path) -> Path:
    """Write the month's scenario folder (and its history) into OUT/<name>/."""
    folder = out / m.name
    if m.name == "dec-default":
        make(folder, name=m.name, shape=Shape())
    else:
        make(folder, name=m.name, shape=m.shape)
    if m.after is not None:
        from benchmarks.peer import solve_peer

        prev = out / f".{m.name}-before"
        make(prev, name=f"{m.name}-before", shape=m.after)
        roster = solve_peer(prev, m.after.month, time_limit=600, units=HISTORY_UNITS,
                            workers=2, seed=0)  # fmt: skip
        (folder / "history.csv").write_text(roster)
        toml = folder / "scenario.toml"
        files = 'requests = "requests.csv"\n'
        toml.write_text(toml.read_text().replace(files, files + 'history = "history.csv"\n'))
    return folder


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--only", nargs="*", help="names of months to write (default: all)")
    a = ap.parse_args()
    names = {m.name for m in FAMILY}
    for n in a.only or []:
        if n not in names:
            ap.error(f"no month named {n!r}; the family: {', '.join(sorted(names))}")
    for m in FAMILY:
        if not a.only or m.name in a.only:
            print(write_month(m, a.out))


if __name__ == "__main__":
    main()
