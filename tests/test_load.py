"""Bad input is expected input: every malformed file exits 2 with one line naming the
file, the row and the field, and never a traceback."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import budget, make_scenario
from rota.cli import main


def edit_csv(path: Path, row: int, column: str, value: str) -> None:
    """Set one cell (row counted as in a spreadsheet: the header is row 1)."""
    with path.open(newline="") as f:
        rows = list(csv.reader(f))
    rows[row - 1][rows[0].index(column)] = value
    with path.open("w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def run(args: list[str]):
    return CliRunner().invoke(main, args)


def base(tmp_path: Path) -> Path:
    return make_scenario(
        tmp_path / "sc",
        demand='[[demand]]\nsite = "A"\nfrom = "06:00"\nto = "14:00"\nofficers = 1\n',
        staff=[["P1", "PS", "A", 40], ["P2", "PC", "A", 40], ["P3", "PC", "A", 30]],
        absences=[["P2", "2027-02-03", "2027-02-04", "annual_leave", ""]],
        extra='[[on_call]]\nid = "OC"\nunits = ["BORDER"]\nranks = ["PS"]\n',
    )


CSV_CASES = [
    # (file, row, column, value, expected fragments of the one line)
    ("staff.csv", 3, "base_site", "XYZ", ["staff.csv row 3", "base_site", "unknown site 'XYZ'"]),
    ("staff.csv", 3, "staff_id", "P1", ["staff.csv row 3", "staff_id", "duplicate"]),
    ("staff.csv", 2, "rank", "CAPTAIN", ["staff.csv row 2", "rank", "unknown rank"]),
    ("staff.csv", 4, "contract_hours_per_week", "forty",
     ["staff.csv row 4", "contract_hours_per_week", "'forty'"]),
    ("staff.csv", 2, "sites_allowed", "A;QQ", ["staff.csv row 2", "sites_allowed", "QQ"]),
    ("staff.csv", 2, "appointed_on", "2020-13-01", ["staff.csv row 2", "appointed_on"]),
    ("absences.csv", 2, "end", "2027-02-01", ["absences.csv row 2", "before start"]),
    ("absences.csv", 2, "start", "3rd Feb", ["absences.csv row 2", "start", "'3rd Feb'"]),
    ("absences.csv", 2, "kind", "holiday", ["absences.csv row 2", "kind", "'holiday'"]),
    ("absences.csv", 2, "staff_id", "P9", ["absences.csv row 2", "staff_id", "unknown"]),
    ("accreditations.csv", 2, "valid_from", "yesterday",
     ["accreditations.csv row 2", "valid_from"]),
    ("accreditations.csv", 3, "valid_until", "2019-01-01",
     ["accreditations.csv row 3", "before valid_from"]),
]  # fmt: skip


@pytest.mark.parametrize(("file", "row", "column", "value", "expect"), CSV_CASES)
def test_bad_csv_cell_exits_2_naming_file_row_field(tmp_path, file, row, column, value, expect):
    sc = base(tmp_path)
    edit_csv(sc / file, row, column, value)
    r = run(["generate", str(sc), "--month", "2027-02", "--out", str(tmp_path / "o")])
    assert r.exit_code == 2, r.output
    lines = [x for x in r.output.splitlines() if x.strip()]
    assert len(lines) == 1
    for frag in expect:
        assert frag in lines[0]
    assert "Traceback" not in r.output


TOML_CASES = [
    ('start = "06:00"', 'start = "06:30"', ["scenario.toml", "shift_templates[1].start", "grid"]),
    ('start = "06:00"', 'start = "6am"', ["scenario.toml", "shift_templates[1].start"]),
    ('ranks = ["PS"]', 'ranks = ["SGT"]', ["on_call[1].ranks[1]", "unknown rank 'SGT'"]),
    ('site = "A"', 'site = "Z"', ["demand[1].site", "unknown site 'Z'"]),
    ('officers = 1', 'officers = -1', ["demand[1].officers"]),
    ('[rules]', '[rules]\nslot_minutes = 7', ["rules.slot_minutes", "divide"]),
    ('[rules]', '[rules]\nmin_rest = 11', ["rules.min_rest", "unknown field"]),
    ('timezone = "Europe/London"', 'timezone = "Mars/Olympus"', ["scenario.timezone"]),
    ('[[sites]]', '[[sites]\n', ["scenario.toml", "not valid TOML"]),
    ('code = "E"', 'code = "L"', ["shift_templates[2].code", "duplicate"]),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "expect"), TOML_CASES)
def test_bad_toml_exits_2_naming_the_field(tmp_path, old, new, expect):
    sc = base(tmp_path)
    text = (sc / "scenario.toml").read_text()
    assert old in text
    (sc / "scenario.toml").write_text(text.replace(old, new, 1))
    r = run(["generate", str(sc), "--month", "2027-02", "--out", str(tmp_path / "o")])
    assert r.exit_code == 2, r.output
    lines = [x for x in r.output.splitlines() if x.strip()]
    assert len(lines) == 1, r.output
    for frag in expect:
        assert frag in lines[0], lines[0]


def test_missing_column(tmp_path):
    sc = base(tmp_path)
    text = (sc / "absences.csv").read_text().replace("kind,", "sort,")
    (sc / "absences.csv").write_text(text)
    r = run(["check", str(sc), "--month", "2027-02", "--roster", str(sc / "absences.csv")])
    assert r.exit_code == 2
    assert "absences.csv row 1, field kind: missing column" in r.output


def test_missing_file_and_bad_month(tmp_path):
    sc = base(tmp_path)
    (sc / "staff.csv").unlink()
    r = run(["generate", str(sc), "--month", "2027-02"])
    assert r.exit_code == 2 and "staff.csv" in r.output and "not found" in r.output
    r = run(["generate", str(tmp_path / "nowhere"), "--month", "2027-02"])
    assert r.exit_code == 2 and "no such scenario" in r.output
    sc = base(tmp_path / "b")
    r = run(["generate", str(sc), "--month", "2027-14"])
    assert r.exit_code == 2 and "--month" in r.output
    r = run(["generate", str(sc), "--month", "2027-2"])  # not January: a usage error
    assert r.exit_code == 2 and "'2027-2' is not a month YYYY-MM" in r.output


def test_spreadsheet_exports_that_are_not_utf8_csv(tmp_path):
    """A staff.csv saved with semicolons, and one saved in Windows-1252 (a name with an
    accent on row 3): each one line naming the file and the row, exit 2."""
    sc = base(tmp_path)
    staff = sc / "staff.csv"
    text = staff.read_text()
    staff.write_text(text.replace(",", ";"))
    r = run(["generate", str(sc), "--month", "2027-02"])
    assert r.exit_code == 2 and len(r.output.strip().splitlines()) == 1
    assert "staff.csv" in r.output and "row 1" in r.output and "';'" in r.output
    lines = text.splitlines()
    lines[2] = lines[2].replace("Name P2", "Zoë P2")
    staff.write_bytes(("\n".join(lines) + "\n").encode("cp1252"))
    r = run(["generate", str(sc), "--month", "2027-02"])
    assert r.exit_code == 2 and len(r.output.strip().splitlines()) == 1
    assert "staff.csv" in r.output and "row 3" in r.output and "UTF-8" in r.output


def test_a_history_from_another_scenario_exits_2(tmp_path):
    """A history.csv whose people are none of this scenario's (a roster of another
    scenario), or whose shifts are at a site this scenario has not: exit 2, one line."""
    sc = base(tmp_path)
    header = "staff_id,date,duty,site,start,end,hours,kind\n"
    row = (
        "{pid},2027-01-31,E,{site},2027-01-31T06:00:00+00:00,2027-01-31T14:00:00+00:00,8.00,shift\n"
    )
    (sc / "history.csv").write_text(header + row.format(pid="X9", site="A"))
    r = run(["generate", str(sc), "--month", "2027-02"])
    assert r.exit_code == 2 and "history.csv row 2, field staff_id" in r.output
    assert "another scenario" in r.output
    (sc / "history.csv").write_text(header + row.format(pid="P1", site="ZZZ"))
    r = run(["generate", str(sc), "--month", "2027-02"])
    assert r.exit_code == 2 and "history.csv row 2, field site: unknown site 'ZZZ'" in r.output
    # a shift code the scenario no longer uses is not an error: patterns change
    (sc / "history.csv").write_text(header + row.format(pid="P1", site="A").replace(",E,", ",Q,"))
    r = run(["generate", str(sc), "--month", "2027-02", "--out", str(tmp_path / "out"),
             *budget(0.5), "--quiet", "--no-report"])  # fmt: skip
    assert r.exit_code == 0, r.output


def test_a_symlinked_month_folder_is_refused(tmp_path):
    """The month folder is a link to somewhere else: refused before any solve, and the
    target's permissions are left as they were."""
    sc = base(tmp_path)
    target = tmp_path / "elsewhere"
    target.mkdir(mode=0o755)
    target.chmod(0o755)
    (tmp_path / "out" / "mini").mkdir(parents=True)
    (tmp_path / "out" / "mini" / "2027-02").symlink_to(target)
    r = run(["generate", str(sc), "--month", "2027-02", "--out", str(tmp_path / "out")])
    assert r.exit_code == 2 and "symbolic link" in r.output
    assert oct(target.stat().st_mode & 0o777) == "0o755"


def test_an_unwritable_out_exits_2_before_solving(tmp_path):
    """A file where the output folder should be: one line naming it, exit 2, and no
    solve (the effort asked for would take minutes; the run takes none of it)."""
    sc = base(tmp_path)
    blocker = tmp_path / "out"
    blocker.write_text("a file, not a folder")
    r = run(["generate", str(sc), "--month", "2027-02", "--out", str(blocker),
             "--effort", "500", "--quiet"])  # fmt: skip
    assert r.exit_code == 2
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and "cannot write here" in lines[0] and str(blocker) in lines[0]


def test_bad_roster_rows(tmp_path):
    sc = base(tmp_path)
    roster = tmp_path / "r.csv"
    header = "staff_id,date,duty,site,start,end,hours,kind\n"
    cases = [
        ("P9,2027-02-01,E,A,2027-02-01T06:00:00+00:00,2027-02-01T14:00:00+00:00,8.00,shift",
         "r.csv row 2, field staff_id: unknown staff_id 'P9'"),
        ("P1,2027-03-01,E,A,2027-03-01T06:00:00+00:00,2027-03-01T14:00:00+00:00,8.00,shift",
         "r.csv row 2, field date"),
        ("P1,2027-02-01,E,A,2027-02-01T06:00:00,2027-02-01T14:00:00+00:00,8.00,shift",
         "UTC offset"),
        ("P1,2027-02-01,E,A,2027-02-01T06:00:00+00:00,2027-02-01T14:00:00+00:00,8.00,duty",
         "r.csv row 2, field kind"),
    ]  # fmt: skip
    for row, expect in cases:
        roster.write_text(header + row + "\n")
        r = run(["check", str(sc), "--month", "2027-02", "--roster", str(roster)])
        assert r.exit_code == 2, (row, r.output)
        assert expect in r.output, r.output


def checked_cleanly(folder: Path) -> str | None:
    """`rota check` of FOLDER's roster.csv for February 2027 ended with 0 or 1, or with 2
    and one line (returned), never with a traceback or another exception."""
    r = run(["check", str(folder), "--month", "2027-02", "--roster", str(folder / "roster.csv")])
    event(f"exit {r.exit_code}")
    assert "Traceback" not in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert r.exit_code in (0, 1, 2), r.output
    if r.exit_code != 2:
        return None
    lines = [x for x in r.output.splitlines() if x.strip()]
    assert len(lines) == 1, r.output
    return lines[0]


FUZZ_FILES = ["staff.csv", "accreditations.csv", "absences.csv", "requests.csv", "roster.csv"]
FUZZ_VALUES = ["", " ", "x", "-1", "0", "1e309", "nan", "2027-02-30", "31/12/2026", "A ", "a",
               "PS", "ZZ", "1.5", "P1", "P9", "\N{SLIGHTLY SMILING FACE}", '"', ",", "24:00",
               "2027-02-01T25:00"]  # fmt: skip


def _mutated(text: str, kind: str, row: int, col: int, value: str) -> str:
    """`text` (a CSV) with one mutation: a cell set to `value`, a column dropped or added, a
    row repeated, cut short or made long, the header's case changed, the file emptied, a
    stray quote in a row, a byte-order mark, CRLF line ends, or blank lines at the end."""
    rows = list(csv.reader(text.splitlines()))
    r = 1 + row % max(1, len(rows) - 1) if len(rows) > 1 else 0
    c = col % len(rows[0])
    if kind == "cell" and r:
        rows[r][c % len(rows[r])] = value
    elif kind == "drop column":
        rows = [x[:c] + x[c + 1 :] for x in rows]
    elif kind == "add column":
        rows = [x + (["extra"] if i == 0 else [value]) for i, x in enumerate(rows)]
    elif kind == "repeat row" and r:
        rows.insert(r, list(rows[r]))
    elif kind == "short row" and r:
        rows[r] = rows[r][: max(0, len(rows[r]) - 1 - c % 3)]
    elif kind == "long row" and r:
        rows[r] = [*rows[r], value, value]
    elif kind == "header case":
        rows[0][c] = rows[0][c].upper()
    elif kind == "empty":
        return ""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n" if kind == "crlf" else "\n").writerows(rows)
    lines = out.getvalue().split("\n")
    if kind == "stray quote" and r:
        at = c % (len(lines[r]) + 1)
        lines[r] = lines[r][:at] + '"' + lines[r][at:]
    text = "\n".join(lines)
    return ("\ufeff" + text) if kind == "bom" else (text + "\n\n" if kind == "blank" else text)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    file=st.sampled_from(FUZZ_FILES),
    kind=st.sampled_from(["cell", "cell", "cell", "drop column", "add column", "repeat row",
                          "short row", "long row", "header case", "empty", "stray quote",
                          "crlf", "bom", "blank"]),
    row=st.integers(0, 50),
    col=st.integers(0, 50),
    value=st.sampled_from(FUZZ_VALUES) | st.text(max_size=6),
)  # fmt: skip
def test_any_mutated_file_exits_0_1_or_2_with_one_line(tmp_path, file, kind, row, col, value):
    """Whatever is done to one file, `rota check` ends with 0 or 1 (a roster checked) or 2
    with one line naming a file and a row, never a traceback."""
    sc = tmp_path / "sc"
    if not sc.exists():
        make_scenario(
            sc,
            demand='[[demand]]\nsite = "A"\nfrom = "06:00"\nto = "14:00"\nofficers = 1\n',
            staff=[["P1", "PS", "A", 40], ["P2", "PC", "A", 40]],
            absences=[["P2", "2027-02-03", "2027-02-04", "annual_leave", ""]],
            accreditations=[["P1", "schedule7", "2026-10-01", "2027-04-01"]],
            requests=[["P2", "2027-02-10", "day_off", 2]],
        )
    work = tmp_path / "work"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(sc, work)
    (work / "roster.csv").write_text(
        "staff_id,date,duty,site,start,end,hours,kind\n"
        "P1,2027-02-01,E,A,2027-02-01T06:00:00+00:00,2027-02-01T14:00:00+00:00,8.00,shift\n"
    )
    target = work / file
    target.write_text(_mutated(target.read_text(encoding="utf-8"), kind, row, col, value),
                      encoding="utf-8")  # fmt: skip
    line = checked_cleanly(work)
    assert line is None or ("row " in line and any(f in line for f in FUZZ_FILES)), line


TOML_VALUES = ['""', '"x"', "-1", "0", "1e9", "3.5", "true", "[]", '["ZZ"]', '"25:00"',
               '"2027-02-01"', "{}", '"A"', "[1, 2]", "nan", '"E"']  # fmt: skip


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(line=st.integers(0, 500), op=st.sampled_from(["value", "value", "delete", "repeat"]),
       value=st.sampled_from(TOML_VALUES))  # fmt: skip
def test_any_mutated_toml_line_exits_0_1_or_2_with_one_line(tmp_path, line, op, value):
    """One `key = value` line of scenario.toml given another value, deleted or repeated:
    `rota check` ends with 0, 1, or 2 with one line naming scenario.toml, never a traceback."""
    sc = tmp_path / "sc"
    shutil.rmtree(sc, ignore_errors=True)
    base(tmp_path)  # writes tmp_path / "sc"
    (sc / "roster.csv").write_text("staff_id,date,duty,site,start,end,hours,kind\n")
    lines = (sc / "scenario.toml").read_text().splitlines()
    keyed = [i for i, x in enumerate(lines) if "=" in x and not x.lstrip().startswith("#")]
    i = keyed[line % len(keyed)]
    if op == "value":
        lines[i] = lines[i].split("=")[0] + "= " + value
    elif op == "delete":
        lines[i] = ""
    else:
        lines.insert(i, lines[i])
    (sc / "scenario.toml").write_text("\n".join(lines) + "\n")
    said = checked_cleanly(sc)
    assert said is None or "scenario.toml" in said, said
