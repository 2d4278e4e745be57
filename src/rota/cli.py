"""The command line: parse, call rota.app, print, exit.

Exit codes: 0 done; 1 `check` found a hard-rule violation; 2 bad input or usage (one
line naming file, row and field); 3 no roster (inputs that contradict each other);
130 aborted by a second Ctrl-C, nothing written (the first writes the best roster so far).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from rota.errors import InputError
from rota.options import (
    EFFORT_HELP,
    FOLDER_SCENARIO,
    FORCE,
    HISTORY,
    MONTH,
    NAMES,
    OUT,
    ROSTER,
    PathType,
    solver_options,
)

if TYPE_CHECKING:
    from rota.app import Generated
    from rota.swap import Verdict

EXIT_OK, EXIT_VIOLATION, EXIT_INPUT, EXIT_NO_ROSTER = 0, 1, 2, 3
EXIT_ABORTED = 130  # a second Ctrl-C: stopped at once, nothing written


def _fail(exc: InputError) -> NoReturn:
    click.echo(f"error: {exc}", err=True)
    sys.exit(EXIT_INPUT)


def _uncovered(u: dict) -> str:
    """The summary's `uncovered`, as one line."""
    return (
        f"officers {u['officer_hours']:g} h, supervisors {u['supervisor_hours']:g} h, "
        f"skills {u['skill_hours']:g} h, on-call days {u['on_call_days']}"
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="rota")
def main() -> None:
    """rota: monthly rotas for port cover and on-call, on a constraint solver."""


@main.command()
@click.argument("scenario", type=PathType)
@click.option("--month", metavar="YYYY-MM", help="The month to plan.")
@click.option("--months", metavar="FIRST..LAST",
              help="Plan consecutive months, each with the previous one as history.")  # fmt: skip
@OUT
@solver_options(60, None, EFFORT_HELP)
@HISTORY
@FORCE
@click.option("--with-names", is_flag=True, help="Add staff names to roster.csv and grid.csv.")
@click.option("--quiet", is_flag=True, help="No progress lines.")
@click.option("-v", "--verbose", is_flag=True, help="A line for every better roster found.")
@click.option("--no-report", is_flag=True, help="Do not write report.html.")
def generate(scenario: Path, month: str | None, months: str | None, quiet: bool,
             verbose: bool, no_report: bool, **opts: Any) -> None:  # fmt: skip
    """Plan a month (--month) or a chain of months (--months) for SCENARIO (a folder or
    its scenario.toml) and write the rosters."""
    started = time.monotonic()
    from rota.app import generate as run
    from rota.app import generate_chain, month_range, write_report
    from rota.progress import ProgressLine
    from rota.solve.core.stop import interruptible

    if (month is None) == (months is None):
        _fail(InputError("usage", "give either --month YYYY-MM or --months FIRST..LAST"))
    try:
        with interruptible(), ProgressLine(limit=opts["time_limit"], verbose=verbose) as line:
            printer = (lambda _line: None) if quiet else line
            if month is not None:
                done = [run(scenario, month, printer=printer, started=started, **opts)]
            else:
                done = generate_chain(scenario, month_range(str(months)), printer=printer,
                                      **opts)  # fmt: skip
    except InputError as exc:
        _fail(exc)
    except KeyboardInterrupt:  # the second Ctrl-C: nothing more is written
        click.echo("aborted: nothing written for the month being planned", err=True)
        sys.exit(EXIT_ABORTED)
    code = EXIT_OK
    for g in done:
        code = max(code, _report_generated(g, opts["time_limit"]))
        if g.result.found and g.folder is not None and not no_report:
            staff = g.horizon.scenario.staff
            write_report(
                g.folder, {p.staff_id: p.name for p in staff} if opts["with_names"] else {}
            )
    sys.exit(code)


def _report_generated(g: Generated, time_limit: float) -> int:
    res, rep = g.result, g.report
    if not res.found or rep is None:
        click.echo(f"{g.horizon.label}: no roster found within {time_limit:g} s "
                   f"(status {res.status})", err=True)  # fmt: skip
        return EXIT_NO_ROSTER
    for line in g.summary.get("history_breaches", []):
        click.echo(f"warning: the history already breaks {line}", err=True)
    gap = f"gap {res.gap:.2%}" if res.gap is not None else "no bound"
    click.echo(
        f"{g.folder}/roster.csv: {g.summary['duties']['shifts']} shifts, "
        f"{g.summary['duties']['on_call_days']} on-call days; status {res.status}, "
        f"objective {g.summary['objective']:,.2f}, {gap}, {res.wall_seconds:.1f} s"
    )
    demand = g.summary.get("uncovered_demand")
    click.echo(
        "uncovered: " + _uncovered(rep.uncovered) + (f" ({demand['says']})" if demand else "")
    )
    if res.interrupted:
        click.echo("note: stopped by Ctrl-C; the best roster found so far was written",
                   err=True)  # fmt: skip
    elif res.cut_short:
        click.echo(f"note: the time limit ({time_limit:g} s) stopped the solver before "
                   "its effort was spent; a longer limit may give a better roster",
                   err=True)  # fmt: skip
    if rep.hard:
        click.echo(f"internal error: the solver's roster breaks {len(rep.hard)} rule(s):", err=True)
        for v in rep.hard[:20]:
            click.echo(f"  {v.line()}", err=True)
        return EXIT_VIOLATION
    return EXIT_OK


@main.command()
@click.argument("scenario", type=PathType)
@MONTH
@ROSTER
@HISTORY
@click.option("--out", type=PathType, default=Path("outputs"), show_default=True,
              help="Where the scenario's published rosters are (OUT/<scenario>/), for "
              "the publication horizon's warnings.")  # fmt: skip
def check(scenario: Path, month: str, roster: Path, history: Path | None, out: Path) -> None:
    """Check ROSTER against every rule; exit 1 on any hard violation. Warns where the
    scenario's published rosters fall short of the Police Regulations' horizon."""
    from datetime import date

    from rota.app import check_roster
    from rota.check import history_breaches
    from rota.repair import publication_warnings

    try:
        h, rep, _duties = check_roster(scenario, month, roster, history)
    except InputError as exc:
        _fail(exc)
    for line in publication_warnings(out / h.scenario.name, date.today()):
        click.echo(f"warning: {line}")
    for v in history_breaches(h):
        click.echo(f"warning: the history already breaks {v.line()}")
    for v in rep.violations:
        click.echo(f"{'HARD' if v.hard else 'soft'} {v.line()}")
    shown = sorted(rep.shortfalls, key=lambda s: (s.start, s.site, s.kind))
    for s in shown[:60]:
        click.echo(f"soft {s.rule} {s.site} {h.to_datetime(s.start).isoformat()}.."
                   f"{h.to_datetime(s.end).isoformat()}: {s.missing} short ({s.kind})")  # fmt: skip
    if len(shown) > 60:
        click.echo(f"soft ... {len(shown) - 60} more uncovered stretches")
    click.echo("uncovered: " + _uncovered(rep.uncovered))
    click.echo(f"{len(rep.hard)} hard violation(s); objective {rep.objective:,.2f}")
    sys.exit(EXIT_VIOLATION if rep.hard else EXIT_OK)


@main.command()
@click.argument("scenario", type=PathType)
@MONTH
@ROSTER
@click.option("--site", required=True, help="Site id, e.g. LTN.")
@click.option("--at", required=True, metavar="YYYY-MM-DDTHH:MM",
              help="The moment (local time, or with a UTC offset).")  # fmt: skip
@HISTORY
def explain(scenario: Path, month: str, roster: Path, site: str, at: str,
            history: Path | None) -> None:  # fmt: skip
    """Why a site is short at a moment: demand, who is on duty, and for each person who
    could have filled the gap, the first rule that stops them."""
    from rota.app import explain_at

    try:
        lines = explain_at(scenario, month, roster, site, at, history)
    except InputError as exc:
        _fail(exc)
    for line in lines:
        click.echo(line)


@main.command()
@click.argument("variants", type=PathType)
@MONTH
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Variants solved at once, each in its own process.")  # fmt: skip
@OUT
@solver_options(60, None, "Work units for each variant (default: as `rota generate`).")
@FORCE
def scenario(variants: Path, month: str, **opts: Any) -> None:
    """Solve a scenario and the variants of VARIANTS (a TOML file) side by side."""
    from rota.compare import compare_variants, table
    from rota.progress import VariantsProgress

    try:
        with VariantsProgress() as shown:
            rows, written = compare_variants(variants, month, on_start=shown.start,
                                             on_done=shown.done, **opts)  # fmt: skip
    except InputError as exc:
        _fail(exc)
    click.echo(table(rows))
    click.echo(str(written))
    if any(r["status"] not in ("OPTIMAL", "FEASIBLE") for r in rows):
        sys.exit(EXIT_NO_ROSTER)


@main.command()
@click.argument("scenario_path", metavar="SCENARIO", type=PathType)
@MONTH
@click.option(
    "--site",
    "sites",
    multiple=True,
    help="Sites to hire for (default: all operational sites). Repeat for several.",
)
@click.option(
    "--max-per-site",
    "per_site",
    type=click.IntRange(1, 50),
    default=8,
    show_default=True,
    help="Candidates of each rank considered per site.",
)
@OUT
@solver_options(120, 27, "Work units for the three solves; see `rota generate --help`.")
@FORCE
@click.option("--variant", default=None,
              help="SCENARIO is then a variants file: plan the capacity of this variant of it "
              "(staffing, accreditation and absence changes).")  # fmt: skip
def capacity(scenario_path: Path, month: str, sites: tuple[str, ...], **opts: Any) -> None:
    """The fewest extra full-time constables and sergeants (with Schedule 7) per site
    that bring uncovered time to zero (or its minimum), with the enlarged scenario and
    its roster."""
    started = time.monotonic()
    from rota.app import capacity as plan

    try:
        cap = plan(scenario_path, month, sites=list(sites), started=started, **opts)
    except InputError as exc:
        _fail(exc)
    proven = "" if cap.proven else " (not proven the fewest within the time limit)"
    click.echo(f"hires: {sum(cap.hires.values())}{proven}")
    costs = cap.costs
    note = " (the example rates of [costs]: set the force's own)" if costs.example else ""
    for (site, rank), n in cap.hires.items():
        month_cost = n * costs.rate(rank) * 40 * cap.days / 7
        click.echo(f"  {site} {rank}: +{n}, {month_cost:,.0f} {costs.currency} for the "
                   f"month at 40 h a week{note}")  # fmt: skip
    click.echo("uncovered with them: " + _uncovered(cap.report.uncovered))
    click.echo(f"enlarged scenario: {cap.scenario_folder}; roster: {cap.roster_folder}")


@main.command()
@click.argument("folder", type=PathType)
@NAMES
def report(folder: Path, scenario: Path | None, with_names: bool) -> None:
    """Write FOLDER/report.html: grids, cover heatmaps, totals and shortfall of a roster
    folder (self-contained, no network)."""
    from rota.app import staff_names, write_report

    try:
        click.echo(str(write_report(folder, staff_names(folder, scenario, with_names))))
    except InputError as exc:
        _fail(exc)


@main.command()
@click.argument("folder", type=PathType)
@click.option(
    "--xlsx",
    type=PathType,
    default=None,
    help="Write an Excel workbook: a sheet per site, Cover, Totals, Duties.",
)
@click.option("--ical", type=PathType, default=None,
              help="Write one .ics calendar per person into this folder.")  # fmt: skip
@click.option(
    "--with-rest-days",
    is_flag=True,
    help="Calendars also show rest days and days of leave or absence.",
)
@click.option(
    "--duty-csv",
    type=PathType,
    default=None,
    help="Write the duty sheet for a rostering system (a row per person and day).",
)
@click.option("--excel", is_flag=True, help="The duty sheet with a BOM and CRLF, for Excel.")
@NAMES
def export(folder: Path, xlsx: Path | None, ical: Path | None, with_rest_days: bool,
           duty_csv: Path | None, excel: bool, scenario: Path | None,
           with_names: bool) -> None:  # fmt: skip
    """Export a roster folder as an Excel workbook, personal calendars and/or the duty
    sheet for a rostering system."""
    from rota.app import staff_names
    from rota.io.write import atomic_write
    from rota.report.exports import duty_csv as duty_sheet
    from rota.report.exports import write_calendars, write_workbook
    from rota.report.folder import read_folder

    if xlsx is None and ical is None and duty_csv is None:
        _fail(InputError("usage", "give --xlsx FILE, --ical DIR and/or --duty-csv FILE"))
    try:
        rf = read_folder(folder)
        names = staff_names(folder, scenario, with_names)
    except InputError as exc:
        _fail(exc)
    if xlsx is not None:
        write_workbook(rf, xlsx, names)
        click.echo(str(xlsx))
    if ical is not None:
        n = write_calendars(rf, ical, names, rest_days=with_rest_days)
        click.echo(f"{ical}: {n} calendars")
    if duty_csv is not None:
        atomic_write(duty_csv, duty_sheet(rf, names, excel=excel))
        click.echo(str(duty_csv))


@main.command()
@click.argument("scenario", type=PathType)
@MONTH
@click.option(
    "--from",
    "since",
    required=True,
    metavar="YYYY-MM-DDTHH:MM",
    help="From this moment (local time, or with a UTC offset) the roster may "
    "change; every duty starting before it stays as published.",
)
@click.option(
    "--published",
    type=PathType,
    default=None,
    help="The published roster.csv (default: the month folder's latest "
    "published version, see rota publish).",
)
@click.option(
    "--changes",
    type=PathType,
    default=None,
    help="New facts: a TOML file of changes = [...], the operations of a "
    "variants file (absences, lapses, staff, demand).",
)
@click.option(
    "--pins",
    type=PathType,
    default=None,
    help="Duties to keep whatever happens: a CSV of staff_id,date,duty,site.",
)
@click.option(
    "--notified",
    metavar="YYYY-MM-DD",
    default=None,
    help="The day the changes are notified, from which notice is counted "
    "(default: the day of --from).",
)
@OUT
@solver_options(
    60,
    None,
    "Work units the solver spends (default: as `rota generate`, for the duties that may change).",
)
@HISTORY
@FORCE
@click.option("--with-names", is_flag=True, help="Add staff names to roster.csv and grid.csv.")
@click.option("--quiet", is_flag=True, help="No progress lines.")
@click.option("--no-report", is_flag=True, help="Do not write report.html.")
def repair(scenario: Path, month: str, since: str, quiet: bool, no_report: bool,
           **opts: Any) -> None:  # fmt: skip
    """Repair a published roster of SCENARIO after new facts (sickness, lapses, leave):
    the fewest changes, far ahead rather than near, with the Police Regulations' costs.
    Writes the month folder and changes.csv."""
    started = time.monotonic()
    from rota.progress import ProgressLine
    from rota.repair import repair as run
    from rota.solve.core.stop import interruptible

    try:
        with interruptible(), ProgressLine(limit=opts["time_limit"], verbose=False) as line:
            done = run(scenario, month, since, printer=(lambda _l: None) if quiet else line,
                       started=started, **opts)  # fmt: skip
    except InputError as exc:
        _fail(exc)
    except KeyboardInterrupt:
        click.echo("aborted: nothing written", err=True)
        sys.exit(EXIT_ABORTED)
    res, rep = done.result, done.report
    if not res.found or rep is None:
        click.echo(f"no roster found within {opts['time_limit']:g} s", err=True)
        sys.exit(EXIT_NO_ROSTER)
    info = done.summary["repair"]
    least = info["least_changed_duties"]
    proven = " (the fewest possible)" if least == info["changed_duties"] else (
        f" (at least {least} needed)" if least is not None else "")  # fmt: skip
    click.echo(f"{done.folder}/roster.csv: {info['changed_duties']} changed duties{proven}; "
               f"{res.wall_seconds:.1f} s")  # fmt: skip
    for cls, n in info["by_class"].items():
        click.echo(f"  {cls}: {n}")
    click.echo(f"{done.folder}/changes.csv")
    click.echo("uncovered: " + _uncovered(rep.uncovered))
    if not no_report:
        from rota.app import write_report

        staff = done.horizon.scenario.staff
        write_report(done.folder,
                     {p.staff_id: p.name for p in staff} if opts["with_names"] else {})  # fmt: skip
    if rep.hard:
        click.echo(f"internal error: the repaired roster breaks {len(rep.hard)} rule(s):",
                   err=True)  # fmt: skip
        for v in rep.hard[:20]:
            click.echo(f"  {v.line()}", err=True)
        sys.exit(EXIT_VIOLATION)


@main.command()
@click.argument("folder", type=PathType)
def publish(folder: Path) -> None:
    """Stamp FOLDER's roster.csv as published: a copy in FOLDER/published/<time>/ with
    its time and input hashes, never overwritten."""
    from rota.repair import publish as stamp

    try:
        click.echo(str(stamp(folder)))
    except InputError as exc:
        _fail(exc)


@main.command()
@click.argument("scenario", type=PathType)
@MONTH
@click.argument("old", type=PathType)
@click.argument("new", type=PathType)
@click.option(
    "--notified",
    metavar="YYYY-MM-DD",
    default=None,
    help="The day the changes were notified (default: the month's first day).",
)
@click.option(
    "--out",
    "out_file",
    type=PathType,
    default=None,
    help="Write the changes as CSV here (default: print them).",
)
@HISTORY
def diff(scenario: Path, month: str, old: Path, new: Path, notified: str | None,
         out_file: Path | None, history: Path | None) -> None:  # fmt: skip
    """The changes from roster OLD to roster NEW of SCENARIO's month, with their notice,
    cost class and the regulation that sets it."""
    from rota.io.write import atomic_write
    from rota.repair import changes_csv
    from rota.repair import diff as between

    try:
        h, changes = between(scenario, month, old, new, notified=notified, history=history)
    except InputError as exc:
        _fail(exc)
    text = changes_csv(h, changes)
    if out_file is not None:
        atomic_write(out_file, text)
        click.echo(f"{out_file}: {len(changes)} changes")
    else:
        click.echo(text, nl=False)


def _verdict(v: Verdict) -> None:
    for line in v.moves:
        click.echo(line)
    cover = {k: x for k, x in v.cover_change().items() if x}
    click.echo("cover: " + (", ".join(f"{k} {x:+g}" for k, x in cover.items()) if cover
                            else "no change to uncovered demand"))  # fmt: skip
    if v.legal:
        click.echo("legal: breaks no rule")
    else:
        click.echo(f"refused: breaks {len(v.broken)} rule(s)")
        for x in v.broken:
            click.echo(f"  {x.line()}")


@main.command()
@click.argument("folder", type=PathType)
@click.option(
    "--give", required=True, metavar="STAFF:YYYY-MM-DD", help="Who gives their duty of that day."
)
@click.option(
    "--take",
    default=None,
    metavar="STAFF:YYYY-MM-DD",
    help="A swap: who takes it, giving their duty of that day back.",
)
@click.option("--to", default=None, metavar="STAFF", help="Cover: who takes it.")
@click.option(
    "--on-call",
    default=None,
    metavar="ROTA",
    help="Hand over part of an on-call day of this rota instead of a shift.",
)
@click.option(
    "--at",
    default=None,
    metavar="HH:MM",
    help="With --on-call: the handover time; the other covers from it.",
)
@click.option(
    "--write",
    type=PathType,
    default=None,
    help="Write the roster after a legal swap to this file (roster.csv format).",
)
@FOLDER_SCENARIO
def swap(folder: Path, give: str, take: str | None, to: str | None, on_call: str | None,
         at: str | None, write: Path | None, scenario: Path | None) -> None:  # fmt: skip
    """Is a swap or a cover legal on FOLDER's roster? Each rule it would break, with its
    source, and the cover it changes; exit 1 when refused."""
    from rota.io.write import atomic_write, roster_csv
    from rota.swap import read_roster_folder
    from rota.swap import swap as try_swap

    try:
        f = read_roster_folder(folder, scenario)
        verdict = try_swap(f, give, take=take, to=to, on_call=on_call, at=at)
    except InputError as exc:
        _fail(exc)
    _verdict(verdict)
    if not verdict.legal:
        sys.exit(EXIT_VIOLATION)
    if write is not None:
        atomic_write(write, roster_csv(f.horizon, verdict.duties, False))
        click.echo(str(write))


@main.command()
@click.argument("folder", type=PathType)
@click.option("--staff", required=True, help="Who asks for leave.")
@click.option("--from", "first", required=True, metavar="YYYY-MM-DD", help="First day of leave.")
@click.option("--to", "last", required=True, metavar="YYYY-MM-DD", help="Last day of leave.")
@click.option(
    "--kind",
    type=click.Choice(["annual_leave", "training", "court", "other"]),
    default="annual_leave",
    show_default=True,
)
@click.option(
    "--since",
    default=None,
    metavar="YYYY-MM-DDTHH:MM",
    help="If a repair is needed: duties from this moment may change (default: "
    "the first day of leave).",
)
@click.option(
    "--notified",
    metavar="YYYY-MM-DD",
    default=None,
    help="If a repair is needed: the day its changes are notified.",
)
@solver_options(60, None, "Work units for a repair, if one is needed.")
@FOLDER_SCENARIO
def leave(folder: Path, staff: str, first: str, last: str, kind: str, scenario: Path | None,
          **opts: Any) -> None:  # fmt: skip
    """Can STAFF have leave from --from to --to on FOLDER's roster? As is, or with which
    repair (written to FOLDER/leave/), at what cost; exit 1 when it cannot be granted
    without uncovering demand."""
    from rota.swap import leave as ask
    from rota.swap import read_roster_folder

    try:
        f = read_roster_folder(folder, scenario)
        answer = ask(f, staff, first, last, kind=kind, printer=lambda _l: None, **opts)
    except InputError as exc:
        _fail(exc)
    n = len(answer.dropped)
    if answer.grantable_as_is:
        click.echo(f"grantable as is: {staff} drops {n} duties, no cover lost, no rule broken")
        return
    done = answer.repaired
    if done is None or done.report is None:
        click.echo(f"no roster found within {opts['time_limit']:g} s", err=True)
        sys.exit(EXIT_NO_ROSTER)
    rep = done.report
    before = answer.as_is.before.uncovered
    worse = {k: round(rep.uncovered[k] - before[k], 2) for k in before
             if rep.uncovered[k] > before[k] + 1e-9}  # fmt: skip
    cost = rep.penalties.get("change_duty", 0.0) + rep.penalties.get("premium_hour", 0.0)
    if rep.hard or worse:
        click.echo("not grantable without uncovering demand: even repaired, "
                   + ", ".join(f"{k} +{x:g}" for k, x in worse.items()))  # fmt: skip
        click.echo(f"the best repair: {done.folder}/changes.csv")
        sys.exit(EXIT_VIOLATION)
    click.echo(f"grantable with a repair: {len(done.changes)} changed duties "
               f"(cost {cost:,.2f}), no cover lost")  # fmt: skip
    click.echo(f"{done.folder}/changes.csv")


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
