"""What the person waiting sees: one updating line on a terminal, a few lines in a file."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

from conftest import budget, make_scenario

DEMAND = '[[demand]]\nsite = "A"\nfrom = "06:00"\nto = "22:00"\nofficers = 1\nsupervisors = 1\n'


def _scenario(tmp_path):
    staff = [[f"S{i}", "PS", "A", 40] for i in range(1, 4)] + [
        [f"C{i}", "PC", "A", 40] for i in range(1, 4)
    ]
    return make_scenario(tmp_path / "sc", demand=DEMAND, staff=staff)


def _cmd(sc, out):
    return [sys.executable, "-m", "rota.cli", "generate", str(sc), "--month", "2027-02",
            "--out", str(out), *budget(2), "--no-report"]  # fmt: skip


def test_progress_to_a_file_is_a_handful_of_lines(tmp_path):
    sc = _scenario(tmp_path)
    p = subprocess.run(_cmd(sc, tmp_path / "out"), capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    lines = p.stderr.strip().splitlines()
    assert 1 <= len(lines) <= 8, lines
    assert lines[0].endswith("first roster")


def test_progress_on_a_terminal_is_one_line_updated_in_place(tmp_path):
    """stderr on a pseudo-terminal: the progress is redrawn in place (cursor moves),
    not a new line per roster found."""
    sc = _scenario(tmp_path)
    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "120"}
    p = subprocess.Popen(_cmd(sc, tmp_path / "out"), stderr=slave, stdout=subprocess.PIPE,
                         env=env)  # fmt: skip
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    p.wait(timeout=600)
    os.close(master)
    assert p.returncode == 0
    shown = b"".join(chunks).decode("utf-8", "replace")
    assert "first roster" in shown
    assert "\x1b[" in shown  # redrawn with cursor controls
    assert shown.count("\n") <= 3, shown
