"""What a person waiting for a solve sees: on a terminal, one line that updates in place
(rich); written to a file or a pipe, one line per phase of the solve, never a flood."""

from __future__ import annotations

import sys
from types import TracebackType

from rich.console import Console
from rich.live import Live
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text


class ProgressLine:
    """A printer for `solve` (each call: a line such as "[  12.3s] improve: objective
    2,721.00"), as a context manager that clears up the live line at the end."""

    def __init__(self, console: Console | None = None, limit: float | None = None,
                 verbose: bool = False) -> None:  # fmt: skip
        self.console = console or Console(stderr=True)
        self.live: Live | None = None
        self.phase: str | None = None
        self.limit = limit  # the time limit, shown beside the elapsed time
        self.verbose = verbose  # every line, not only the first of each phase

    def __enter__(self) -> ProgressLine:
        if self.console.is_terminal:
            self.live = Live(Text(""), console=self.console, auto_refresh=False)
            self.live.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        if self.live is not None:
            self.live.stop()
            self.live = None

    def __call__(self, line: str) -> None:
        if self.live is not None:
            self.live.update(Text(self._shown(line)), refresh=True)
            return
        phase = line.split("] ", 1)[-1].split(":", 1)[0]
        if self.verbose or phase != self.phase:  # else only the first line of a phase
            self.phase = phase
            print(line, file=sys.stderr, flush=True)

    def _shown(self, line: str) -> str:
        """The live line: the elapsed time against the limit, then what was found."""
        if self.limit is None or not line.startswith("[") or "] " not in line:
            return line
        stamp, what = line[1:].split("] ", 1)
        return f"{stamp.strip()} of {self.limit:g} s  {what}"


class VariantsProgress:
    """`rota scenario`'s progress: on a terminal a bar of the variants solved, with the
    last one's uncovered hours; written to a file, a line as each variant finishes."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)
        self.progress: Progress | None = None
        self.task: TaskID | None = None

    def __enter__(self) -> VariantsProgress:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        if self.progress is not None:
            self.progress.stop()

    def start(self, names: list[str]) -> None:
        if self.console.is_terminal:
            self.progress = Progress(TextColumn("{task.description}"), BarColumn(),
                                     MofNCompleteColumn(), TimeElapsedColumn(),
                                     console=self.console)  # fmt: skip
            self.task = self.progress.add_task(f"solving {len(names)} variants", total=len(names))
            self.progress.start()

    def done(self, row: dict) -> None:
        hours = sum(row.get(k, 0) for k in ("officer_hours", "supervisor_hours", "skill_hours"))
        line = f"{row['variant']}: {row['status']}, {hours:g} h uncovered"
        if self.progress is not None and self.task is not None:
            self.progress.update(self.task, advance=1, description=line)
        else:
            print(line, file=sys.stderr, flush=True)
