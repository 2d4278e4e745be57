"""Tiny scenarios written to a temporary folder, and helpers to solve and check them."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from rota.app import generate
from rota.check import check
from rota.horizon import build_horizon
from rota.io.load import load_scenario

BASE_TOML = """
[scenario]
name = "{name}"
timezone = "Europe/London"
bank_holidays = "GB-ENG"
supervisor_ranks = ["PS", "DS", "DI"]
{sites}
{templates}
{demand}
{extra}
[rules]
{rules}
[weights]
{weights}
"""

SITE_A = """
[[sites]]
id = "A"
name = "Port A"
operational = true
supervision = "on_site"
"""

ELN = """
[[shift_templates]]
code = "E"
start = "06:00"
end = "14:00"
[[shift_templates]]
code = "L"
start = "14:00"
end = "22:00"
[[shift_templates]]
code = "N"
start = "22:00"
end = "06:00"
"""


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    with path.open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def make_scenario(
    root: Path,
    *,
    name: str = "mini",
    sites: str = SITE_A,
    templates: str = ELN,
    demand: str = "",
    extra: str = "",
    rules: str = "",
    weights: str = "",
    staff: list[list] | None = None,
    accreditations: list[list] | None = None,
    absences: list[list] | None = None,
    requests: list[list] | None = None,
    history: list[list] | None = None,
    officer_safety: bool = True,
) -> Path:
    """Write a scenario folder. Staff rows: [id, rank, base_site, hours] or full rows.

    Every person gets a valid officer_safety unless officer_safety=False.
    """
    root.mkdir(parents=True, exist_ok=True)
    (root / "scenario.toml").write_text(
        BASE_TOML.format(
            name=name,
            sites=sites,
            templates=templates,
            demand=demand,
            extra=extra,
            rules=rules,
            weights=weights,
        )  # fmt: skip
    )
    staff = staff if staff is not None else [["P1", "PS", "A", 40], ["P2", "PC", "A", 40]]
    rows = []
    for s in staff:
        if len(s) == 4:
            sid, rank, base, hours = s
            rows.append([sid, f"Name {sid}", rank, "BORDER", base, hours, "2020-01-01", ""])
        else:
            rows.append(s)
    write_csv(root / "staff.csv", ["staff_id", "name", "rank", "unit", "base_site",
              "contract_hours_per_week", "appointed_on", "sites_allowed"], rows)  # fmt: skip
    accs = list(accreditations or [])
    if officer_safety:
        accs = [[r[0], "officer_safety", "2020-01-01", ""] for r in rows] + accs
    write_csv(
        root / "accreditations.csv",
        ["staff_id", "accreditation", "valid_from", "valid_until"],
        accs,
    )
    write_csv(root / "absences.csv", ["staff_id", "start", "end", "kind", "note"],
              absences or [])  # fmt: skip
    if requests is not None:
        write_csv(root / "requests.csv", ["staff_id", "date", "request", "weight"], requests)
    if history is not None:
        write_csv(root / "history.csv",
                  ["staff_id", "date", "duty", "site", "start", "end", "hours", "kind"],
                  history)  # fmt: skip
    return root


# Tests judge behaviour, never speed: every solve in them runs on a deterministic budget
# (work units) under a wall-clock cap far above what it needs, so no verdict depends on
# the machine or its load.
CAP = 900.0


def budget(effort: float) -> list[str]:
    """Command-line options for a test's solve: its effort, and the cap far above it."""
    return ["--effort", str(effort), "--time-limit", str(int(CAP))]


def solve_and_check(folder: Path, month: str, effort: float = 4, **kw):
    """Generate (without writing) and hold the roster against the checker."""
    g = generate(folder, month, effort=effort, time_limit=CAP, write=False,
                 printer=lambda _l: None, **kw)  # fmt: skip
    assert not g.result.cut_short, "the cap stopped a test's solve: its verdict would be load's"
    assert g.result.found, g.result.status
    rep = g.report
    assert [v.line() for v in rep.hard] == [], "solver roster breaks a hard rule"
    assert rep.objective == pytest.approx(g.result.objective, abs=0.011), (
        rep.penalties,
        g.result.penalties,
    )
    for k, v in g.result.uncovered.items():
        assert rep.uncovered[k] == pytest.approx(v, abs=0.011), (
            k,
            rep.uncovered,
            g.result.uncovered,
        )
    for k, v in g.result.penalties.items():
        assert rep.penalties[k] == pytest.approx(v, abs=0.011), k
    return g


def check_duties(folder: Path, month: str, duties):
    h = build_horizon(load_scenario(folder), month)
    return check(h, duties)


@pytest.fixture
def tmp_scenario(tmp_path: Path):
    def _make(**kw) -> Path:
        return make_scenario(tmp_path / kw.pop("folder", "sc"), **kw)

    return _make
