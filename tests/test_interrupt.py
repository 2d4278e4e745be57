"""Ctrl-C during a solve: the best roster found so far is written, legal, and marked
interrupted; nothing found is lost."""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[1] / "scenarios" / "eastern-region"
HANG = 300  # seconds: only a guard against a hang, never a verdict


def _wait_for(proc: subprocess.Popen, text: str) -> list[str]:
    """stderr lines until one holds `text` (the solve has reached that point)."""
    assert proc.stderr is not None
    sel = selectors.DefaultSelector()
    sel.register(proc.stderr, selectors.EVENT_READ)
    lines: list[str] = []
    end = time.monotonic() + HANG
    while time.monotonic() < end:
        if not sel.select(timeout=1):
            continue
        line = proc.stderr.readline()
        if not line:
            break
        lines.append(line)
        if text in line:
            return lines
    raise AssertionError(f"never saw {text!r}: {lines}")


def test_ctrl_c_writes_the_best_roster_marked_interrupted(tmp_path):
    """An effort far beyond what the test waits for (500 units, minutes of work); once
    the model has costed the first roster, SIGINT. The run ends with exit 0, a roster
    the checker passes, and summary.json saying it was interrupted."""
    cmd = [
        sys.executable,
        "-m",
        "rota.cli",
        "generate",
        str(DEFAULT),
        "--month",
        "2026-12",
        "--out",
        str(tmp_path),
        "--effort",
        "500",
        "--time-limit",
        "3000",
        "--no-report",
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                            env=env)  # fmt: skip
    try:
        _wait_for(proc, "first roster's costs")
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=HANG)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert "stopped by Ctrl-C" in err
    folder = tmp_path / "eastern-region" / "2026-12"
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["interrupted"] is True and summary["effort_spent"] < 500
    check = subprocess.run([sys.executable, "-m", "rota.cli", "check", str(DEFAULT), "--month",
                            "2026-12", "--roster", str(folder / "roster.csv")],
                           capture_output=True, text=True)  # fmt: skip
    assert check.returncode == 0, check.stdout[-2000:]


def test_a_stop_asked_before_a_search_begins_still_gives_a_response():
    """Ctrl-C may land between two searches: the next one then returns at once, with a
    response the caller can read (its work, its status), not an error."""
    from ortools.sat.python import cp_model

    from rota.solve.core.stop import STOP

    m = cp_model.CpModel()
    xs = [m.new_bool_var(f"x{i}") for i in range(50)]
    m.maximize(sum(xs))
    STOP.request()
    try:
        solver = cp_model.CpSolver()
        status = STOP.solve(solver, m)
        assert status == cp_model.UNKNOWN and solver.deterministic_time == 0.0
    finally:
        STOP.reset()
    solver = cp_model.CpSolver()
    assert STOP.solve(solver, m) == cp_model.OPTIMAL  # a new solve after reset runs
