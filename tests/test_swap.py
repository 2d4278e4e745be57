"""Swaps, covers, on-call handovers and leave on a written roster."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ELN, SITE_A, make_scenario
from rota.cli import main

MONTH = "2027-02"
SITES = SITE_A + '[[sites]]\nid = "UCO"\noperational = false\n'
ROTA = ('[[on_call]]\nid = "SUP"\nunits = ["UC"]\nranks = ["DS"]\nhandover = "08:00"\n'
        'block_days = 7\nblock_start = "mon"\nper_day = 1\nmax_blocks_per_person = 4\n'
        "no_back_to_back = false\nno_night_shifts = true\n")  # fmt: skip
STAFF = [["P1", "PS", "A", 40], ["P2", "PC", "A", 40], ["P3", "PC", "A", 40],
         ["D1", "Name D1", "DS", "UC", "UCO", 40, "2015-01-01", ""],
         ["D2", "Name D2", "DS", "UC", "UCO", 40, "2015-01-01", ""]]  # fmt: skip
TIMES = {"E": ("06:00", "14:00"), "L": ("14:00", "22:00"), "N": ("22:00", "06:00")}


def _shift(pid: str, day: int, code: str) -> list[str]:
    start, end = TIMES[code]
    d = f"2027-02-{day:02d}"
    e = f"2027-02-{day + 1:02d}" if code == "N" else d
    return [pid, d, code, "A", f"{d}T{start}:00+00:00", f"{e}T{end}:00+00:00", "8.00", "shift"]


def _on_call(pid: str, day: int) -> list[str]:
    d = f"2027-02-{day:02d}"
    e = f"2027-02-{day + 1:02d}" if day < 28 else "2027-03-01"
    return [pid, d, "SUP", "UC", f"{d}T08:00:00+00:00", f"{e}T08:00:00+00:00", "0.00", "on_call"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A hand-written roster folder: P1 nights on the 3rd, P2 an early on the 4th and a
    late on the 6th, P3 an early on the 8th; D1 on call for the week from Monday 8 Feb,
    D2 for the other weeks."""
    sc = make_scenario(tmp_path / "sc", sites=SITES, templates=ELN, extra=ROTA, staff=STAFF,
                       rules="supervisor_whenever_staffed = false")  # fmt: skip
    out = tmp_path / "out"
    out.mkdir()
    rows = [_shift("P1", 3, "N"), _shift("P2", 4, "E"), _shift("P2", 6, "L"),
            _shift("P3", 8, "E")]  # fmt: skip
    rows += [_on_call("D2", d) for d in range(1, 8)] + [_on_call("D1", d) for d in range(8, 15)]
    rows += [_on_call("D2", d) for d in range(15, 29)]
    with (out / "roster.csv").open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["staff_id", "date", "duty", "site", "start", "end", "hours", "kind"])
        w.writerows(rows)
    (out / "summary.json").write_text(json.dumps({"month": MONTH,
                                                  "paths": {"scenario": str(sc)}}))  # fmt: skip
    return out


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_a_swap_that_breaks_11_hours_rest_is_refused(folder):
    """P2 gives the late of the 6th to P1 and takes P1's night of the 3rd: that night
    ends at 06:00 on the 4th, when P2's early starts, 0 h of rest where 11 h are the
    least: refused, naming rest.min_hours and its source."""
    res = _run("swap", str(folder), "--give", "P2:2027-02-06", "--take", "P1:2027-02-03")
    assert res.exit_code == 1, res.output
    assert "refused" in res.output
    assert "rest.min_hours P2 2027-02-04: E starts 0 h after the N" in res.output
    assert "WTR 1998 reg 10" in res.output


def test_a_legal_swap_is_accepted_and_written(folder, tmp_path):
    res = _run("swap", str(folder), "--give", "P2:2027-02-04", "--take", "P3:2027-02-08",
               "--write", str(tmp_path / "swapped.csv"))  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "legal: breaks no rule" in res.output
    rows = list(csv.DictReader((tmp_path / "swapped.csv").open()))
    mine = {(r["staff_id"], r["date"], r["duty"]) for r in rows if r["kind"] == "shift"}
    assert ("P3", "2027-02-04", "E") in mine and ("P2", "2027-02-08", "E") in mine


def test_a_one_sided_cover(folder):
    """P3 covers P1's night of the 3rd: legal, and the cover does not change."""
    res = _run("swap", str(folder), "--give", "P1:2027-02-03", "--to", "P3")
    assert res.exit_code == 0, res.output
    assert "P3 covers P1's N at A on 2027-02-03" in res.output
    assert "no change to uncovered demand" in res.output


def test_a_partial_on_call_override_with_a_handover_at_18_passes_check(folder, tmp_path):
    """D1 hands the rest of their on-call day of 10 Feb to D2 from 18:00: D1 keeps the
    block (08:00-18:00 that day), D2 covers 18:00 to 08:00 on the 11th. The on-call
    rules take it as an override, not a broken block, and `rota check` passes."""
    out = tmp_path / "handed.csv"
    res = _run("swap", str(folder), "--give", "D1:2027-02-10", "--to", "D2", "--on-call",
               "SUP", "--at", "18:00", "--write", str(out))  # fmt: skip
    assert res.exit_code == 0, res.output
    rows = [r for r in csv.DictReader(out.open()) if r["date"] == "2027-02-10"]
    spans = {(r["staff_id"], r["start"][11:16], r["end"][11:16]) for r in rows}
    assert spans == {("D1", "08:00", "18:00"), ("D2", "18:00", "08:00")}
    scenario = json.loads((folder / "summary.json").read_text())["paths"]["scenario"]
    res = _run("check", scenario, "--month", MONTH, "--roster", str(out))
    assert res.exit_code == 0, res.output
    assert "oncall.block" not in res.output and "on-call days 0" in res.output


def test_an_override_by_someone_absent_is_refused(folder):
    """The rules still hold for the one who covers: D2 on leave on the 10th."""
    scenario = Path(json.loads((folder / "summary.json").read_text())["paths"]["scenario"])
    with (scenario / "absences.csv").open("a") as f:
        f.write("D2,2027-02-10,2027-02-10,annual_leave,\n")
    res = _run("swap", str(folder), "--give", "D1:2027-02-10", "--to", "D2", "--on-call",
               "SUP", "--at", "18:00")  # fmt: skip
    assert res.exit_code == 1 and "oncall.absence D2 2027-02-10" in res.output


def test_a_half_covered_day_is_uncovered(folder, tmp_path):
    """An on-call day whose parts leave a gap counts as uncovered (oncall.cover)."""
    rows = list(csv.reader((folder / "roster.csv").open()))
    for r in rows:
        if r[0] == "D1" and r[1] == "2027-02-10":
            r[5] = "2027-02-10T18:00:00+00:00"
    path = tmp_path / "gap.csv"
    with path.open("w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    scenario = json.loads((folder / "summary.json").read_text())["paths"]["scenario"]
    res = _run("check", scenario, "--month", MONTH, "--roster", str(path))
    assert "on-call days 1" in res.output


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        (["--give", "P9:2027-02-04", "--to", "P3"], "--give: unknown staff_id 'P9'"),
        (["--give", "P2-2027-02-04", "--to", "P3"], "--give: 'P2-2027-02-04' is not"),
        (["--give", "P2:2027-02-05", "--to", "P3"], "--give: P2 has no shift on 2027-02-05"),
        (["--give", "P2:2027-02-04"], "give --take STAFF:DATE (a swap) or --to STAFF"),
        (["--give", "D1:2027-02-10", "--to", "D2", "--on-call", "SUP"], "--at"),
        (["--give", "D1:2027-02-10", "--to", "D2", "--on-call", "SUP", "--at", "25:00"], "--at"),
        (["--give", "P2:2027-03-04", "--to", "P3"], "outside the month"),
    ],
)
def test_bad_swap_input_exits_2_naming_it(folder, args, expect):
    res = _run("swap", str(folder), *args)
    assert res.exit_code == 2, res.output
    assert expect in res.output and len(res.output.strip().splitlines()) == 1


def test_leave_grantable_as_is(folder):
    """P3's early of the 8th goes; nothing demands it, so leave is granted as is."""
    res = _run("leave", str(folder), "--staff", "P3", "--from", "2027-02-08", "--to",
               "2027-02-09")  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "grantable as is: P3 drops 1 duties" in res.output


def test_leave_the_day_after_an_on_call_day_is_not_granted_as_is(folder):
    """D1's on-call day of Sunday 14 Feb runs to 08:00 on the 15th: leave from the 15th
    drops no duty of D1's, yet the on-call day would overlap it (oncall.absence), so it
    is not grantable as is; and the repair from the 15th cannot change the day of the
    14th, which the leave would break: exit 2, one line naming the rule and the day."""
    res = _run("leave", str(folder), "--staff", "D1", "--from", "2027-02-15", "--to",
               "2027-02-16")  # fmt: skip
    assert "grantable as is" not in res.output
    assert res.exit_code == 2, res.output
    assert "oncall.absence (D1 on 2027-02-14" in res.output and "before --from" in res.output
    assert len(res.output.strip().splitlines()) == 1
