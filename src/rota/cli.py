"""The command line: parse, call rota.app, print, exit with the SPEC's codes.

0 done; 1 `check` found a hard-rule violation; 2 bad input or usage (one line naming
file, row and field); 3 no roster found within the time limit.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from rota.errors import InputError

EXIT_OK, EXIT_VIOLATION, EXIT_INPUT, EXIT_NO_ROSTER = 0, 1, 2, 3


def _fail(exc: InputError) -> None:
    click.echo(f"error: {exc}", err=True)
    sys.exit(EXIT_INPUT)


def _uncovered(u: dict) -> str:
    """The summary's `uncovered`, as one line."""
    return (
        f"officers {u['officer_hours']:g} h, supervisors {u['supervisor_hours']:g} h, "
        f"skills {u['skill_hours']:g} h, on-call days {u['on_call_days']}"
    )


def _write_report(folder: Path, names: dict[str, str], rf=None) -> Path:  # noqa: ANN001
    """report.html of a roster folder, from the folder's own files (`rf` if read)."""
    from rota.io.write import atomic_write
    from rota.report.folder import read_folder
    from rota.report.html import render

    atomic_write(folder / "report.html", render(rf or read_folder(folder), names))
    return folder / "report.html"


def _month_option(f):  # noqa: ANN001, ANN202
    return click.option("--month", required=True, metavar="YYYY-MM", help="The month to plan.")(f)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="rota")
def main() -> None:
    """rota: monthly rotas for port cover and on-call, on a constraint solver."""


@main.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("--month", metavar="YYYY-MM", help="The month to plan.")
@click.option(
    "--months",
    metavar="FIRST..LAST",
    help="Plan consecutive months, each with the previous one as history.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("outputs"),
    show_default=True,
    help="Output folder; the roster goes to OUT/<scenario>/<month>/.",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=1),
    default=60,
    show_default=True,
    help="Seconds for the whole run, loading included.",
)
@click.option(
    "--effort",
    type=click.FloatRange(min=0.1),
    default=None,
    help="Work units the solver spends (default 9, about 30 s for the default month on "
    "2 cores, and 9 per 8,000 shift options in larger months). The same inputs, seed, "
    "workers and effort give the same roster on any machine, unless the time limit "
    "stops the run first.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Solver random seed.")
@click.option(
    "--workers", type=click.IntRange(min=1), default=2, show_default=True, help="Solver threads."
)
@click.option(
    "--history",
    type=click.Path(path_type=Path),
    default=None,
    help="Previous roster (SPEC 3 format); overrides the scenario's history.csv.",
)
@click.option("--force", is_flag=True, help="Replace an existing roster.")
@click.option("--with-names", is_flag=True, help="Add staff names to roster.csv and grid.csv.")
@click.option("--quiet", is_flag=True, help="No progress lines.")
@click.option("--no-report", is_flag=True, help="Do not write report.html.")
def generate(
    scenario: Path,
    month: str | None,
    months: str | None,
    out: Path,
    time_limit: float,
    effort: float | None,
    seed: int,
    workers: int,
    history: Path | None,
    force: bool,
    with_names: bool,
    quiet: bool,
    no_report: bool,
) -> None:
    """Plan a month (--month) or a chain of months (--months) for SCENARIO (a folder or
    its scenario.toml) and write the rosters."""
    started = time.monotonic()
    from rota.app import generate as run
    from rota.app import generate_chain, month_range

    printer = (lambda line: None) if quiet else None
    if (month is None) == (months is None):
        _fail(InputError("usage", "give either --month YYYY-MM or --months FIRST..LAST"))
    try:
        if month is not None:
            done = [
                run(
                    scenario,
                    month,
                    out=out,
                    time_limit=time_limit,
                    effort=effort,
                    seed=seed,
                    workers=workers,
                    history=history,
                    force=force,
                    with_names=with_names,
                    printer=printer,
                    started=started,
                )
            ]
        else:
            done = generate_chain(
                scenario,
                month_range(months),
                out=out,
                history=history,
                time_limit=time_limit,
                effort=effort,
                seed=seed,
                workers=workers,
                force=force,
                with_names=with_names,
                printer=printer,
            )
    except InputError as exc:
        _fail(exc)
    code = EXIT_OK
    for g in done:
        code = max(code, _report_generated(g, time_limit))
        if g.result.found and not no_report:
            names = {p.staff_id: p.name for p in g.horizon.scenario.staff} if with_names else {}
            _write_report(g.folder, names)
    sys.exit(code)


def _report_generated(g, time_limit: float) -> int:  # noqa: ANN001
    res, rep = g.result, g.report
    if not res.found:
        click.echo(f"{g.horizon.label}: no roster found within {time_limit:g} s "
                   f"(status {res.status})", err=True)  # fmt: skip
        return EXIT_NO_ROSTER
    for line in g.summary.get("history_breaches", []):
        click.echo(f"warning: the history already breaks {line}", err=True)
    u = rep.uncovered
    gap = f"gap {res.gap:.2%}" if res.gap is not None else "no bound"
    click.echo(
        f"{g.folder}/roster.csv: {g.summary['duties']['shifts']} shifts, "
        f"{g.summary['duties']['on_call_days']} on-call days; status {res.status}, "
        f"objective {g.summary['objective']:,.2f}, {gap}, {res.wall_seconds:.1f} s"
    )
    demand = g.summary.get("uncovered_demand")
    click.echo("uncovered: " + _uncovered(u) + (f" ({demand['says']})" if demand else ""))
    if res.cut_short:
        click.echo(
            f"note: the time limit ({time_limit:g} s) stopped the solver before its effort "
            "was spent; a longer limit may give a better roster",
            err=True,
        )
    if rep.hard:
        click.echo(f"internal error: the solver's roster breaks {len(rep.hard)} rule(s):", err=True)
        for v in rep.hard[:20]:
            click.echo(f"  {v.line()}", err=True)
        return EXIT_VIOLATION
    return EXIT_OK


@main.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@_month_option
@click.option(
    "--roster",
    type=click.Path(path_type=Path),
    required=True,
    help="The roster.csv to check (SPEC 3), also one edited by hand.",
)
@click.option(
    "--history",
    type=click.Path(path_type=Path),
    default=None,
    help="Previous roster; overrides the scenario's history.csv.",
)
def check(scenario: Path, month: str, roster: Path, history: Path | None) -> None:
    """Check ROSTER against every rule; exit 1 on any hard violation."""
    from rota.app import check_roster

    try:
        h, rep, _duties = check_roster(scenario, month, roster, history)
    except InputError as exc:
        _fail(exc)
    from rota.check.checker import history_breaches

    for v in history_breaches(h):
        click.echo(f"warning: the history already breaks {v.line()}")
    for v in rep.violations:
        click.echo(f"{'HARD' if v.hard else 'soft'} {v.line()}")
    kinds = {"officers": "cover.officers", "supervisors": "cover.supervisors"}
    shown = sorted(rep.shortfalls, key=lambda s: (s.start, s.site, s.kind))
    for s in shown[:60]:
        rid = kinds.get(s.kind) or (
            "oncall.cover" if s.kind.startswith("on_call:") else "cover.skill"
        )
        click.echo(
            f"soft {rid} {s.site} {h.to_datetime(s.start).isoformat()}.."
            f"{h.to_datetime(s.end).isoformat()}: {s.missing} short ({s.kind})"
        )
    if len(shown) > 60:
        click.echo(f"soft ... {len(shown) - 60} more uncovered stretches")
    u = rep.uncovered
    click.echo("uncovered: " + _uncovered(u))
    click.echo(f"{len(rep.hard)} hard violation(s); objective {rep.objective:,.2f}")
    sys.exit(EXIT_VIOLATION if rep.hard else EXIT_OK)


@main.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@_month_option
@click.option(
    "--roster",
    type=click.Path(path_type=Path),
    required=True,
    help="The roster.csv to explain, also one being edited by hand.",
)
@click.option("--site", required=True, help="Site id, e.g. LTN.")
@click.option(
    "--at",
    "at",
    required=True,
    metavar="YYYY-MM-DDTHH:MM",
    help="The moment (local time, or with a UTC offset).",
)
@click.option("--history", type=click.Path(path_type=Path), default=None)
def explain(
    scenario: Path, month: str, roster: Path, site: str, at: str, history: Path | None
) -> None:
    """Why a site is short at a moment: demand, who is on duty, and for each person who
    could have filled the gap, the first rule that stops them."""
    from rota.app import check_roster
    from rota.check.explain import explain_moment, parse_at

    try:
        h, rep, duties = check_roster(scenario, month, roster, history)
        if site not in h.scenario.sites:
            raise InputError("--site", f"unknown site '{site}'")
        minute = parse_at(h, at)
    except InputError as exc:
        _fail(exc)
    for line in explain_moment(h, duties, rep, site, minute):
        click.echo(line)


@main.command()
@click.argument("variants", type=click.Path(path_type=Path))
@_month_option
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Variants solved at once, each in its own process.",
)
@click.option("--out", type=click.Path(path_type=Path), default=Path("outputs"), show_default=True)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=1),
    default=60,
    show_default=True,
    help="Seconds for each variant.",
)
@click.option(
    "--effort",
    type=click.FloatRange(min=0.1),
    default=None,
    help="Work units for each variant (default: as `rota generate`).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Solver threads for each variant.",
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--force", is_flag=True, help="Replace existing rosters.")
def scenario(
    variants: Path,
    month: str,
    jobs: int,
    out: Path,
    time_limit: float,
    effort: float | None,
    workers: int,
    seed: int,
    force: bool,
) -> None:
    """Solve a scenario and the variants of VARIANTS (a TOML file) side by side."""
    from rota.compare import compare, comparison_csv, table
    from rota.io.write import atomic_write

    try:
        rows = compare(
            variants,
            month,
            jobs=jobs,
            out=out,
            time_limit=time_limit,
            effort=effort,
            workers=workers,
            seed=seed,
            force=force,
        )
    except InputError as exc:
        _fail(exc)
    click.echo(table(rows))
    base_folder = Path(rows[0]["folder"]) if rows[0].get("folder") else out
    atomic_write(base_folder / "comparison.csv", comparison_csv(rows))
    click.echo(f"{base_folder / 'comparison.csv'}")
    if any(r["status"] not in ("OPTIMAL", "FEASIBLE") for r in rows):
        sys.exit(EXIT_NO_ROSTER)


def _variant_for_capacity(variants_file: Path, name: str):  # noqa: ANN202
    """A variant of a variants file, and its scenario.toml text. The enlarged scenario is
    written from that text, so variants that change scenario.toml itself (demand,
    closures, rules, weights) are refused rather than silently lost."""
    from rota.io.load import load_scenario, scenario_toml_path
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


@main.command()
@click.argument("scenario_path", metavar="SCENARIO", type=click.Path(path_type=Path))
@_month_option
@click.option(
    "--site",
    "sites",
    multiple=True,
    help="Sites to hire for (default: all operational sites). Repeat for several.",
)
@click.option(
    "--max-per-site",
    type=click.IntRange(1, 50),
    default=8,
    show_default=True,
    help="Candidates of each rank considered per site.",
)
@click.option("--out", type=click.Path(path_type=Path), default=Path("outputs"), show_default=True)
@click.option("--time-limit", type=click.FloatRange(min=3), default=120, show_default=True)
@click.option(
    "--effort",
    type=click.FloatRange(min=0.1),
    default=27,
    show_default=True,
    help="Work units for the three solves; see `rota generate --help`.",
)
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--force", is_flag=True, help="Replace an existing result.")
@click.option(
    "--variant",
    default=None,
    help="SCENARIO is then a variants file: plan the capacity of this variant of it "
    "(staffing, accreditation and absence changes).",
)
def capacity(
    scenario_path: Path,
    month: str,
    sites: tuple[str, ...],
    max_per_site: int,
    out: Path,
    time_limit: float,
    effort: float,
    workers: int,
    seed: int,
    force: bool,
    variant: str | None,
) -> None:
    """The fewest extra full-time constables and sergeants (with Schedule 7) per site
    that bring uncovered time to zero (or its minimum), with the enlarged scenario and
    its roster."""
    started = time.monotonic()
    from rota.app import write_roster_folder
    from rota.check import check
    from rota.horizon import build_horizon
    from rota.io.load import load_scenario, scenario_toml_path
    from rota.io.write import write_scenario
    from rota.solve.capacity import plan_capacity

    try:
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
        cap = plan_capacity(
            sc,
            month,
            sites=list(sites) or None,
            per_site=max_per_site,
            effort=effort,
            time_limit=max(3.0, time_limit - (time.monotonic() - started)),
            workers=workers,
            seed=seed,
        )
    except InputError as exc:
        _fail(exc)
    name = f"{sc.name}-capacity"
    write_scenario(cap.scenario, target / "scenario", toml_text, name)
    enlarged = load_scenario(target / "scenario")
    h = build_horizon(enlarged, month)
    rep = check(h, cap.result.duties)
    write_roster_folder(h, cap.result, rep, target / month)
    total = sum(cap.hires.values())
    click.echo(
        f"hires: {total}" + ("" if cap.proven else " (not proven the fewest within the time limit)")
    )
    for (site, rank), n in cap.hires.items():
        click.echo(f"  {site} {rank}: +{n}")
    u = rep.uncovered
    click.echo("uncovered with them: " + _uncovered(u))
    click.echo(f"enlarged scenario: {target / 'scenario'}; roster: {target / month}")


def _names(folder: Path, scenario: Path | None, with_names: bool) -> dict[str, str]:
    """Staff names, only when asked: from the scenario, or a roster written with names."""
    if not with_names:
        return {}
    if scenario is not None:
        from rota.io.load import load_scenario

        return {p.staff_id: p.name for p in load_scenario(scenario).staff}
    import csv

    with (folder / "roster.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    if rows and "name" in rows[0]:
        return {r["staff_id"]: r["name"] for r in rows}
    raise InputError(
        "--with-names", "no names to show: give --scenario, or a roster written with --with-names"
    )


@main.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option(
    "--scenario",
    type=click.Path(path_type=Path),
    default=None,
    help="The scenario, for staff names with --with-names.",
)
@click.option("--with-names", is_flag=True, help="Show staff names.")
def report(folder: Path, scenario: Path | None, with_names: bool) -> None:
    """Write FOLDER/report.html: grids, cover heatmaps, totals and shortfall of a roster
    folder (self-contained, no network)."""
    from rota.report.folder import read_folder

    try:
        rf = read_folder(folder)
        names = _names(folder, scenario, with_names)
    except InputError as exc:
        _fail(exc)
    click.echo(str(_write_report(folder, names, rf)))


@main.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option(
    "--xlsx",
    type=click.Path(path_type=Path),
    default=None,
    help="Write an Excel workbook: a sheet per site, Cover, Totals, Duties.",
)
@click.option(
    "--ical",
    type=click.Path(path_type=Path),
    default=None,
    help="Write one .ics calendar per person into this folder.",
)
@click.option(
    "--scenario",
    type=click.Path(path_type=Path),
    default=None,
    help="The scenario, for staff names with --with-names.",
)
@click.option("--with-names", is_flag=True, help="Show staff names.")
def export(
    folder: Path, xlsx: Path | None, ical: Path | None, scenario: Path | None, with_names: bool
) -> None:
    """Export a roster folder as an Excel workbook and/or personal calendars."""
    from rota.report.exports import write_calendars, write_workbook
    from rota.report.folder import read_folder

    if xlsx is None and ical is None:
        _fail(InputError("usage", "give --xlsx FILE and/or --ical DIR"))
    try:
        rf = read_folder(folder)
        names = _names(folder, scenario, with_names)
    except InputError as exc:
        _fail(exc)
    if xlsx is not None:
        write_workbook(rf, xlsx, names)
        click.echo(str(xlsx))
    if ical is not None:
        n = write_calendars(rf, ical, names)
        click.echo(f"{ical}: {n} calendars")


@main.command()
def rules() -> None:
    """Print the rule catalogue: id, hard or soft, rule, setting and source."""
    from rota.rules import CATALOGUE

    for r in CATALOGUE:
        param = f" ({r.param})" if r.param else ""
        click.echo(f"{r.id:30} {'hard' if r.hard else 'soft'}  {r.text}{param}")
        click.echo(f"{'':30}       source: {r.source}")


if __name__ == "__main__":
    main()
