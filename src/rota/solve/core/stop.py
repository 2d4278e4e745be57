"""Stopping a solve from outside (Ctrl-C): the searches under way end at once, no new one
starts, and the best roster found so far is costed and written, marked interrupted.

`STOP.request()` may be called from a signal handler or another thread. Searches run
through `STOP.solve`, which registers the CP-SAT solver so that a request reaches it
(`stop_search`); the last replay of the roster (its exact costs) is not a search and
still runs.
"""

from __future__ import annotations

import signal
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from ortools.sat.python import cp_model


class _Stop:
    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._active: set[cp_model.CpSolver] = set()

    def requested(self) -> bool:
        return self._event.is_set()

    def request(self) -> None:
        """Stop every search under way, and any later one before it starts."""
        self._event.set()
        with self._lock:
            active = list(self._active)
        for solver in active:
            solver.stop_search()

    def reset(self) -> None:
        """A new solve starts: a request made for an earlier one is forgotten."""
        self._event.clear()

    def solve(
        self,
        solver: cp_model.CpSolver,
        model: cp_model.CpModel,
        callback: cp_model.CpSolverSolutionCallback | None = None,
    ) -> cp_model.CpSolverStatus:
        """`solver.solve(model, callback)`, stoppable by a request."""
        with self._lock:
            self._active.add(solver)
        try:
            if self._event.is_set():  # asked to stop before it began: a solve of no
                solver.parameters.max_time_in_seconds = 0.0  # time, so that its
                solver.parameters.max_deterministic_time = 0.0  # response exists
            return solver.solve(model, callback)
        finally:
            with self._lock:
                self._active.discard(solver)


STOP = _Stop()


@contextmanager
def interruptible() -> Iterator[None]:
    """While the block runs, Ctrl-C (SIGINT) stops the solve gracefully: the searches
    under way end at once and the best roster is kept. A second Ctrl-C aborts.

    CP-SAT runs in C++ with the main thread inside it, where no Python signal handler
    runs until it returns; so the signal is also written to a socket (the interpreter's
    wakeup fd) that a watcher thread reads, and the watcher stops the solvers at once.
    Outside the main thread (nothing can receive the signal there) this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    STOP.reset()
    reader, writer = socket.socketpair()
    writer.setblocking(False)
    seen: list[int] = []

    def handler(signum: int, frame: FrameType | None) -> None:
        seen.append(signum)
        if len(seen) > 1:
            raise KeyboardInterrupt
        STOP.request()

    def watch() -> None:
        try:
            while data := reader.recv(16):
                if signal.SIGINT in data:
                    STOP.request()
        except OSError:
            pass  # closed: the block is over

    old_handler = signal.signal(signal.SIGINT, handler)
    old_fd = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    watcher = threading.Thread(target=watch, daemon=True, name="rota-interrupt")
    watcher.start()
    try:
        yield
    finally:
        signal.set_wakeup_fd(old_fd)
        signal.signal(signal.SIGINT, old_handler)
        writer.close()
        reader.close()
        STOP.reset()
