"""Life after publication: publish, repair with the fewest changes, the cost of notice,
and the changes between two versions."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from ortools.sat.python import cp_model

from conftest import CAP, make_scenario
from rota.check.families.changes import measure_changes
from rota.check.roster import Roster
from rota.cli import main
from rota.repair import publish, published_versions, repair, repair_scenario
from rota.solve.model import build_model

MONTH = "2027-02"
DEMAND = """
[[demand]]
site = "A"
days = "all"
from = "06:00"
to = "22:00"
officers = 3
supervisors = 1
"""
STAFF = [["S1", "PS", "A", 40], ["S2", "PS", "A", 40], ["S3", "PS", "A", 40]] + [
    [f"C{i}", "PC", "A", 40] for i in range(1, 7)
]
SICK = """[[changes]]
op = "add_absence"
ids = ["C1", "C2", "S1"]
start = 2027-02-10
end = 2027-02-16
kind = "sickness"
"""


@pytest.fixture(scope="module")
def published_month(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A tight small month (nine people for three officers and a sergeant from 06:00 to
    22:00), planned, written and published."""
    from rota.app import generate

    root = tmp_path_factory.mktemp("repair")
    sc = make_scenario(root / "sc", demand=DEMAND, staff=STAFF)
    g = generate(sc, MONTH, out=root / "out", effort=2, time_limit=CAP,
                 printer=lambda _l: None)  # fmt: skip
    assert g.folder is not None and g.report is not None and not g.report.hard
    version = publish(g.folder)
    return sc, g.folder, version


def _least(h, objective) -> int:
    """The proven optimum of the repair's own hard rules under another objective."""
    ctx, terms = build_model(h)
    shortfalls = [t for t in terms if t.measure is not None]
    uncovered = sum(t.coef * t.expr for t in shortfalls)
    model = ctx.model
    if objective == "uncovered":
        model.minimize(uncovered)
    else:
        model.add(uncovered <= objective)
        assert ctx.n_changed is not None
        model.minimize(ctx.n_changed)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.max_deterministic_time = 600
    assert solver.solve(model) == cp_model.OPTIMAL
    return int(round(solver.objective_value))


def test_three_sick_for_a_week_repaired_with_the_fewest_changes(published_month, tmp_path):
    """Two constables and a sergeant go sick for seven days from the 10th; C4 is pinned
    to an early on the 20th (a court warning moved to a shift). The repair keeps every
    duty before 06:00 on the 10th and the pin, breaks no hard rule, leaves no more
    demand uncovered than the least possible (proven by a model of the same rules that
    minimises only the uncovered demand), and changes no more duties than a model that
    minimises only the number of changed duties, holding that least, proves necessary."""
    sc, folder, version = published_month
    (tmp_path / "sick.toml").write_text(SICK)
    pins = tmp_path / "pins.csv"
    pins.write_text("staff_id,date,duty,site\nC4,2027-02-20,E,A\n")
    done = repair(sc, MONTH, "2027-02-10T06:00", changes=tmp_path / "sick.toml", pins=pins,
                  published=version / "roster.csv", out=tmp_path / "out", effort=3,
                  time_limit=CAP, printer=lambda _l: None)  # fmt: skip
    assert done.report is not None and not done.result.cut_short
    assert [v.line() for v in done.report.hard] == []
    # the solver's costs are the checker's, the change costs included
    for k, v in done.result.penalties.items():
        assert done.report.penalties[k] == pytest.approx(v, abs=0.011), k
    assert "change_duty" in done.report.penalties
    old = _rows(version / "roster.csv")
    new = _rows(done.folder / "roster.csv")
    cut = datetime.fromisoformat("2027-02-10T06:00:00+00:00")
    before = lambda rows: {r for r in rows if datetime.fromisoformat(r[4]) < cut}  # noqa: E731
    assert before(old) == before(new) and before(old)
    assert any(r[:4] == ("C4", "2027-02-20", "E", "A") for r in new)
    h = done.horizon
    least_uncovered = _least(h, "uncovered")
    assert sum(t for t in _uncovered_units(h, done)) == least_uncovered
    least_changes = _least(h, least_uncovered)
    changes = measure_changes(h, Roster(h, done.result.duties))
    assert len(changes) <= least_changes
    assert done.summary["repair"]["changed_duties"] == len(changes)
    # the sick officers' duties are gone, classed as absence, at no cost
    forced = [c for c in changes if c.staff_id in ("C1", "C2", "S1")
              and date(2027, 2, 10) <= c.day <= date(2027, 2, 16)]  # fmt: skip
    assert forced and all(c.cls == "absence" and c.disturbance == 0 for c in forced)
    with (done.folder / "changes.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(changes)
    assert {r["cost_class"] for r in rows} >= {"absence"}


def _uncovered_units(h, done):
    """The roster's uncovered demand in the model's units, measured by the checker."""
    from rota.measures import scale_of

    w = h.scenario.weights
    u = done.report.uncovered
    per_hour = scale_of(h).per_hour
    yield round(u["officer_hours"] * w.uncovered_officer_hour * per_hour)
    yield round(u["supervisor_hours"] * w.uncovered_supervisor_hour * per_hour)
    yield round(u["skill_hours"] * w.uncovered_skill_hour * per_hour)
    yield round(u["on_call_days"] * w.uncovered_on_call_day * per_hour)


def _rows(path: Path) -> set[tuple[str, ...]]:
    with path.open(newline="") as f:
        return {tuple(r[k] for k in ("staff_id", "date", "duty", "site", "start"))
                for r in csv.DictReader(f)}  # fmt: skip


def test_publish_keeps_every_version(published_month):
    """A published version is never overwritten; the same roster twice is refused."""
    _sc, folder, version = published_month
    assert version in published_versions(folder)
    assert (version / "published.json").is_file()
    assert oct((version / "roster.csv").stat().st_mode & 0o777) == "0o600"
    res = CliRunner().invoke(main, ["publish", str(folder)])
    assert res.exit_code == 2 and "already published" in res.output


# -------------------------------------------------------------- notice and cost classes
NOTICE_TOML = """
[[shift_templates]]
code = "E"
start = "06:00"
end = "14:00"
"""


def _duty(pid: str, day: str) -> list[str]:
    return [pid, day, "E", "A", f"{day}T06:00:00+00:00", f"{day}T14:00:00+00:00", "8.00", "shift"]


def _roster(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["staff_id", "date", "duty", "site", "start", "end", "hours", "kind"])
        w.writerows(rows)
    return path


@pytest.mark.parametrize(
    ("day", "notified", "cls", "premium"),
    [
        # a rest day worked: under 15 days' notice, time and a half (1.5 x 8 h = 12 h)
        ("2026-12-15", "2026-12-01", "rest_day_worked", 12.0),
        # ... 15 days or more: another rest day within 4 days, no premium
        ("2026-12-16", "2026-12-01", "rest_day_moved", 0.0),
        # Christmas Day: under 8 days' notice, double time and a day in lieu (16 + 8 h)
        ("2026-12-25", "2026-12-18", "holiday_worked", 24.0),
        # ... 8 days: senior authority, costed as a rest day at short notice (12 h)
        ("2026-12-25", "2026-12-17", "holiday_authority", 12.0),
        # ... 15 days: another day off
        ("2026-12-25", "2026-12-10", "holiday_moved", 0.0),
    ],
)
def test_notice_sets_the_cost_class(tmp_path, day, notified, cls, premium):
    """P2 had no duty on `day` and is now given an early: the change's class and its
    premium hours follow the 15-day (rest day) and 8-day (public holiday) thresholds
    of the Police Regulations, counted from the day it is notified."""
    sc = make_scenario(tmp_path / "sc", templates=NOTICE_TOML)
    old = _roster(tmp_path / "old.csv", [_duty("P1", "2026-12-02")])
    new = _roster(tmp_path / "new.csv", [_duty("P1", "2026-12-02"), _duty("P2", day)])
    res = CliRunner().invoke(main, ["diff", str(sc), "--month", "2026-12", str(old), str(new),
                                    "--notified", notified])  # fmt: skip
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(res.output.splitlines()))
    assert len(rows) == 1
    row = rows[0]
    notice = (date.fromisoformat(day) - date.fromisoformat(notified)).days
    assert (row["staff_id"], row["date"], row["new_duty"], row["new_site"]) == ("P2", day, "E", "A")
    assert int(row["notice_days"]) == notice
    assert row["cost_class"] == cls
    assert float(row["premium_hours"]) == premium
    assert "Police Regulations 2003" in row["regulation"]


def test_changes_far_ahead_cost_less(tmp_path):
    """The same change disturbs twice as much at no notice as at 28 days or more."""
    sc = make_scenario(tmp_path / "sc", templates=NOTICE_TOML)
    old = _roster(tmp_path / "old.csv", [_duty("P1", "2026-12-02"), _duty("P1", "2026-12-30")])
    new = _roster(tmp_path / "new.csv", [])
    res = CliRunner().invoke(main, ["diff", str(sc), "--month", "2026-12", str(old), str(new),
                                    "--notified", "2026-12-02"])  # fmt: skip
    rows = {r["date"]: r for r in csv.DictReader(res.output.splitlines())}
    assert rows["2026-12-02"]["cost_class"] == "duty_cancelled"
    assert float(rows["2026-12-02"]["cost"]) == 2 * float(rows["2026-12-30"]["cost"])


# -------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("args", "pins", "expect"),
    [
        (["--from", "2027-03-02T06:00"], None, "--from"),
        (["--from", "tomorrow"], None, "--from"),
        (["--from", "2027-02-10T06:00", "--notified", "soon"], None, "--notified"),
        (
            ["--from", "2027-02-10T06:00"],
            "staff_id,date,duty,site\nZZ9,2027-02-20,E,A\n",
            "pins.csv row 2, field staff_id",
        ),
        (
            ["--from", "2027-02-10T06:00"],
            "staff_id,date,duty,site\nC4,2027-02-20,X,A\n",
            "pins.csv row 2, field duty",
        ),
        (
            ["--from", "2027-02-10T06:00"],
            "staff_id,date,duty,site\nC4,2027-02-31,E,A\n",
            "pins.csv row 2, field date",
        ),
    ],
)
def test_bad_repair_input_exits_2_naming_it(published_month, tmp_path, args, pins, expect):
    sc, folder, _version = published_month
    extra = []
    if pins is not None:
        (tmp_path / "pins.csv").write_text(pins)
        extra = ["--pins", str(tmp_path / "pins.csv")]
    res = CliRunner().invoke(main, ["repair", str(sc), "--month", MONTH, "--out",
                                    str(folder.parent.parent), *args, *extra])  # fmt: skip
    assert res.exit_code == 2, res.output
    assert expect in res.output and len(res.output.strip().splitlines()) == 1
    assert "Traceback" not in res.output


def test_a_change_reaching_back_before_from_is_refused(published_month, tmp_path):
    """Sickness from the 5th in a repair from the 10th would unmake duties that have
    happened: exit 2, naming the changes file."""
    sc, folder, version = published_month
    (tmp_path / "early.toml").write_text(SICK.replace("2027-02-10", "2027-02-05"))
    with pytest.raises(Exception) as err:
        repair_scenario(sc, MONTH, version / "roster.csv", "2027-02-10T06:00",
                        changes=tmp_path / "early.toml")  # fmt: skip
    assert "early.toml" in str(err.value) and "before --from" in str(err.value)


def test_repair_without_a_published_version_says_so(tmp_path):
    sc = make_scenario(tmp_path / "sc", templates=NOTICE_TOML)
    args = ["repair", str(sc), "--month", "2026-12", "--from", "2026-12-10T06:00"]
    res = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "out")])
    assert res.exit_code == 2 and "--published" in res.output


def test_leave_that_needs_a_repair_names_it(published_month):
    """C3 asks for leave on 20-22 Feb in the tight month: dropping C3's duties would
    uncover demand, so the answer is a repair from the first day of leave, written
    beside the roster with its changes; the repaired roster gives C3 no duty on those
    days, keeps everything before them and passes the checker."""
    _sc, folder, _version = published_month
    res = CliRunner().invoke(main, ["leave", str(folder), "--staff", "C3", "--from",
                                    "2027-02-20", "--to", "2027-02-22", "--effort", "2",
                                    "--time-limit", str(int(CAP))])  # fmt: skip
    assert res.exit_code in (0, 1), res.output
    assert "grantable as is" not in res.output
    target = folder / "leave" / "C3-2027-02-20"
    assert f"{target}/changes.csv" in res.output
    new = _rows(target / "roster.csv")
    assert not {r for r in new if r[0] == "C3" and "2027-02-20" <= r[1] <= "2027-02-22"}
    old = _rows(folder / "roster.csv")
    assert {r for r in old if r[1] < "2027-02-20"} == {r for r in new if r[1] < "2027-02-20"}
    summary = json.loads((target / "summary.json").read_text())
    assert summary["check"]["hard_violations"] == 0
    assert ("grantable with a repair" in res.output) == (res.exit_code == 0)


def test_the_publication_horizon_is_warned_of(tmp_path):
    """Police Regulations Annex E: rosters published at least a month before they start,
    covering at least three months. December published on 20 November (11 days late)
    and January on 30 November: on 1 December, December is named late, January is in
    time, and February is missing from the three months ahead."""
    from datetime import UTC

    from rota.repair import publication_warnings

    root = tmp_path / "mini"
    for month, when in (("2026-12", "2026-11-20"), ("2027-01", "2026-11-30")):
        folder = root / month
        folder.mkdir(parents=True)
        (folder / "roster.csv").write_text(f"staff_id,date\nP1,{month}-01\n")
        publish(folder, now=datetime.fromisoformat(f"{when}T09:00").replace(tzinfo=UTC))
    lines = publication_warnings(root, date(2026, 12, 1))
    assert len(lines) == 2, lines
    assert lines[0].startswith("2026-12 was first published on 2026-11-20, less than a month")
    assert "no published roster for 2027-02" in lines[1] and "Annex E" in lines[1]
    assert publication_warnings(tmp_path / "nothing", date(2026, 12, 1)) == []


@pytest.mark.parametrize(
    ("changes", "expect"),
    [
        (
            '[[changes]]\nop = "add_absence"\nids = ["C1"]\nstart = 2027-02-12\n'
            'end = 2027-02-11\nkind = "sickness"\n',
            "changes.toml",
        ),
        ('[[changes]]\nop = "fly"\n', "changes.toml field changes[1]"),
        (
            'changes = [ { op = "add_absence", ids = ["C9"], start = 2027-02-12, '
            'end = 2027-02-13, kind = "sickness" } ]\n',
            "unknown staff_id 'C9'",
        ),
        ("changes = [", "changes.toml: not valid TOML"),
    ],
)
def test_a_bad_changes_file_exits_2_naming_it(published_month, tmp_path, changes, expect):
    sc, _folder, version = published_month
    (tmp_path / "changes.toml").write_text(changes)
    res = CliRunner().invoke(main, ["repair", str(sc), "--month", MONTH, "--from",
                                    "2027-02-10T06:00", "--published",
                                    str(version / "roster.csv"), "--changes",
                                    str(tmp_path / "changes.toml"), "--out",
                                    str(tmp_path / "out")])  # fmt: skip
    assert res.exit_code == 2, res.output
    assert expect in res.output and len(res.output.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("command", "expect"),
    [
        (["publish", "{tmp}"], "roster.csv: no roster to publish"),
        (
            ["diff", "{sc}", "--month", MONTH, "{tmp}/none.csv", "{version}/roster.csv"],
            "none.csv: no such roster file",
        ),
        (
            ["diff", "{sc}", "--month", MONTH, "{version}/roster.csv", "{tmp}/bad.csv"],
            "bad.csv row 2, field date",
        ),
        (
            ["leave", "{folder}", "--staff", "ZZ", "--from", "2027-02-20", "--to", "2027-02-21"],
            "--staff: unknown staff_id 'ZZ'",
        ),
        (
            ["leave", "{folder}", "--staff", "C3", "--from", "2027-02-22", "--to", "2027-02-21"],
            "--to: 2027-02-21 is before 2027-02-22",
        ),
        (
            ["leave", "{folder}", "--staff", "C3", "--from", "soon", "--to", "2027-02-21"],
            "are not dates",
        ),
        (["swap", "{tmp}", "--give", "C3:2027-02-20", "--to", "C4"], "no roster here"),
    ],
)
def test_bad_input_to_the_new_commands_exits_2(published_month, tmp_path, command, expect):
    sc, folder, version = published_month
    (tmp_path / "bad.csv").write_text("staff_id,date,duty,site,start,end,hours,kind\n"
                                      "C3,20270220,E,A,x,y,8,shift\n")  # fmt: skip
    args = [a.format(tmp=tmp_path, sc=sc, folder=folder, version=version) for a in command]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 2, res.output
    assert expect in res.output and len(res.output.strip().splitlines()) == 1
    assert "Traceback" not in res.output
