"""What the commands do, without the command line: generate a month, check a roster.

The CLI parses and prints; these functions load, solve, check and write, and are what
tests and other commands (scenario comparisons, chains of months) call.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rota.check import CheckReport, check, validate_roster
from rota.domain.models import Costs, Duty
from rota.domain.scenario import Scenario
from rota.errors import InputError
from rota.horizon import Horizon, build_horizon
from rota.io.load import load_roster, load_scenario
from rota.io.write import (
    atomic_write,
    coverage_csv,
    grid_csv,
    roster_csv,
    shortfall_csv,
    writable_dir,
    write_json,
)
from rota.roster import Result
from rota.summary import build_summary


@dataclass
class Generated:
    horizon: Horizon
    result: Result
    report: CheckReport | None
    folder: Path | None
    summary: dict


def output_folder(out: Path, scenario: Scenario, month: str) -> Path:
    return Path(out) / scenario.name / month


def generate(
    scenario_path: Path,
    month: str,
    *,
    out: Path = Path("outputs"),
    time_limit: float = 60.0,
    effort: float | None = None,
    seed: int = 0,
    workers: int = 2,
    history: Path | list[Path] | None = None,
    force: bool = False,
    with_names: bool = False,
    printer=None,  # noqa: ANN001
    started: float | None = None,
    write: bool = True,
    scenario: Scenario | None = None,
) -> Generated:
    """Load, solve, check and write one month (the roster folder). Raises InputError for bad input.
    `effort` (work units; None: the default) decides the roster, `time_limit` caps it."""
    from rota.solve.run import solve  # the solver is loaded only when solving

    t0 = started if started is not None else time.monotonic()
    sc = scenario if scenario is not None else load_scenario(scenario_path, history)
    h = build_horizon(sc, month)
    folder = output_folder(out, sc, h.label) if write else None
    if folder is not None and (folder / "roster.csv").exists() and not force:
        raise InputError(
            str(folder / "roster.csv"), "a roster is already there (use --force to replace it)"
        )
    if folder is not None:
        writable_dir(folder)  # before the solve, not after it
    kwargs = {"printer": printer} if printer is not None else {}
    res = solve(h, effort=effort, time_limit=time_limit, seed=seed,
                workers=workers, started=t0, **kwargs)  # fmt: skip
    rep = check(h, res.duties) if res.found else None
    summary = build_summary(h, res, rep)
    summary["paths"] = input_paths(scenario_path, history)
    if folder is not None and rep is not None:
        write_roster_folder(h, res, rep, folder, with_names, summary)
    return Generated(h, res, rep, folder, summary)


def input_paths(scenario: Path, history: Path | list[Path] | None) -> dict[str, Any]:
    """Where a roster's scenario and history were read from (for rota swap and leave);
    the history is one file, or several (a chain's months), or none (None)."""
    files = None
    if history is not None:
        several = [history] if isinstance(history, (str, Path)) else history
        files = [str(Path(x).resolve()) for x in several]
    return {"scenario": str(Path(scenario).resolve()), "history": files}


def write_roster_folder(
    h: Horizon, res: Result, rep: CheckReport, folder: Path, with_names: bool = False,
    summary: dict | None = None,
) -> None:  # fmt: skip
    """Write every file of a roster folder (and shortfall.csv)."""
    from rota.check.explain import shortfall_rows

    atomic_write(folder / "roster.csv", roster_csv(h, res.duties, with_names))
    atomic_write(folder / "grid.csv", grid_csv(h, res.duties, with_names))
    atomic_write(folder / "coverage.csv", coverage_csv(h, rep))
    atomic_write(folder / "shortfall.csv", shortfall_csv(shortfall_rows(h, res.duties, rep)))
    write_json(folder / "summary.json", summary or build_summary(h, res, rep))


def month_range(text: str) -> list[str]:
    """'2026-12..2027-02' -> ['2026-12', '2027-01', '2027-02'] (at most 24 months)."""
    from rota.horizon import parse_month

    first, sep, last = text.partition("..")
    if not sep:
        raise InputError("--months", f"'{text}' is not a range FIRST..LAST, e.g. 2026-12..2027-02")
    y, m = parse_month(first)
    y2, m2 = parse_month(last)
    if (y2, m2) < (y, m):
        raise InputError("--months", f"{last} is before {first}")
    out = []
    while (y, m) <= (y2, m2):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    if len(out) > 24:
        raise InputError("--months", "at most 24 months in one chain")
    return out


def generate_chain(
    scenario_path: Path,
    months: list[str],
    *,
    out: Path = Path("outputs"),
    history: Path | None = None,
    **kwargs: Any,
) -> list[Generated]:
    """Plan consecutive months, each with the months before it as its history.

    The first month uses `history` (or the scenario's history.csv); each later month has
    that and every roster of the chain so far (the rules that look back a long way, the
    17-week average, see them all). Each month's folder is written before the next is
    planned. `time_limit` applies to each month.
    """
    from rota.io.load import load_config, scenario_toml_path

    results: list[Generated] = []
    hist: list[Path] = []
    if history is not None:
        hist.append(Path(history))
    else:
        toml = scenario_toml_path(Path(scenario_path))
        own = toml.parent / load_config(toml)[0].files.history
        if own.exists():
            hist.append(own)
    for month in months:
        g = generate(scenario_path, month, out=out, history=list(hist) or None, started=None,
                     **kwargs)  # fmt: skip
        results.append(g)
        if g.folder is None or not g.result.found or g.result.interrupted:
            break
        hist.append(g.folder / "roster.csv")
    return results


def check_roster(
    scenario_path: Path, month: str, roster: Path, history: Path | None = None
) -> tuple[Horizon, CheckReport, list[Duty]]:
    """`rota check`: judge any roster.csv (also one edited by hand)."""
    sc = load_scenario(scenario_path, history)
    h = build_horizon(sc, month)
    roster = Path(roster)
    if not roster.is_file():
        raise InputError(str(roster), "no such roster file")
    duties, _ = load_roster(roster, str(roster))
    validate_roster(h, duties, str(roster))
    return h, check(h, duties), duties


def explain_at(
    scenario_path: Path, month: str, roster: Path, site: str, at: str,
    history: Path | None = None,
) -> list[str]:  # fmt: skip
    """`rota explain`: why a site is short at a moment, as lines to print."""
    from rota.check.explain import explain_moment, parse_at

    h, rep, duties = check_roster(scenario_path, month, roster, history)
    if site not in h.scenario.sites:
        raise InputError("--site", f"unknown site '{site}'")
    return explain_moment(h, duties, rep, site, parse_at(h, at))


def staff_names(folder: Path, scenario: Path | None, with_names: bool) -> dict[str, str]:
    """Staff names, only when asked: from the scenario, or a roster written with names."""
    if not with_names:
        return {}
    if scenario is not None:
        return {p.staff_id: p.name for p in load_scenario(scenario).staff}
    import csv

    with (folder / "roster.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    if rows and "name" in rows[0]:
        return {r["staff_id"]: r["name"] for r in rows}
    raise InputError(
        "--with-names", "no names to show: give --scenario, or a roster written with --with-names"
    )


def write_report(folder: Path, names: dict[str, str]) -> Path:
    """report.html of a roster folder, from the folder's own files."""
    from rota.report.folder import read_folder
    from rota.report.html import render

    atomic_write(folder / "report.html", render(read_folder(folder), names))
    return folder / "report.html"


@dataclass
class CapacityRun:
    """`rota capacity`'s answer: the hires per (site, rank), whether they are proven the
    fewest, and where the enlarged scenario and its roster were written."""

    hires: dict[tuple[str, str], int]
    proven: bool
    report: CheckReport
    scenario_folder: Path
    roster_folder: Path
    costs: Costs  # the scenario's pay rates ([costs])
    days: int  # of the month


def _variant_for_capacity(variants_file: Path, name: str) -> tuple[Scenario, str]:
    """A variant of a variants file, and its scenario.toml text. The enlarged scenario is
    written from that text, so variants that change scenario.toml itself (demand,
    closures, rules, weights) are refused rather than silently lost."""
    from rota.io.load import scenario_toml_path
    from rota.variants import apply_variant, load_variants

    folder, variants = load_variants(variants_file)
    v = next((v for v in variants if v.name == name), None)
    if v is None:
        raise InputError(str(variants_file), f"no variant named '{name}'", field="--variant")
    config_ops = {"add_demand", "remove_demand", "add_closure", "set_rules", "set_weights"}
    for i, ch in enumerate(v.changes, start=1):
        if ch.op in config_ops:
            raise InputError(
                Path(variants_file).name,
                f"capacity plans staffing changes only; '{ch.op}' changes scenario.toml",
                field=f"variant '{name}' changes[{i}].op",
            )
    sc = apply_variant(load_scenario(folder), v, Path(variants_file).name)
    return sc, scenario_toml_path(folder).read_text()


def capacity(
    scenario_path: Path,
    month: str,
    *,
    sites: list[str],
    per_site: int,
    out: Path,
    time_limit: float,
    effort: float,
    workers: int,
    seed: int,
    force: bool,
    variant: str | None,
    started: float,
) -> CapacityRun:
    """`rota capacity`: the fewest hires per site, the enlarged scenario written as a
    scenario folder, and its roster folder beside it."""
    from rota.io.load import scenario_toml_path
    from rota.io.write import write_scenario
    from rota.solve.capacity import plan_capacity

    if variant is None:
        sc = load_scenario(scenario_path)
        toml_text = scenario_toml_path(scenario_path).read_text()
    else:
        sc, toml_text = _variant_for_capacity(scenario_path, variant)
    for s in sites:
        if s not in sc.sites:
            raise InputError("--site", f"unknown site '{s}'")
    target = out / f"{sc.name}-capacity"
    if (target / "scenario").exists() and not force:
        raise InputError(str(target), "a capacity result is already there (use --force)")
    writable_dir(target)  # before the solves
    cap = plan_capacity(sc, month, sites=sites or None, per_site=per_site, effort=effort,
                        time_limit=max(3.0, time_limit - (time.monotonic() - started)),
                        workers=workers, seed=seed)  # fmt: skip
    write_scenario(cap.scenario, target / "scenario", toml_text, f"{sc.name}-capacity")
    h = build_horizon(load_scenario(target / "scenario"), month)
    rep = check(h, cap.result.duties)
    write_roster_folder(h, cap.result, rep, target / month)
    return CapacityRun(cap.hires, cap.proven, rep, target / "scenario", target / month,
                       sc.config.costs, h.n_days)  # fmt: skip
