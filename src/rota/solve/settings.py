"""Every setting of a solve in one place: the effort, how it is shared between phases,
and CP-SAT's parameters by name.

Effort is counted in work units: one unit is one second of CP-SAT's deterministic
time (a count of the solver's own operations, scaled to be about a second of one
thread on the machine it was fitted on; about 2.5 s of one thread on the 2-core
machine of benchmarks/README.md). Every phase that decides the roster runs on such a
budget, in CP-SAT's interleaved (deterministic) search, so the same inputs, seed,
workers and effort give the same roster on any load. The wall-clock limit only caps
the run; a run it cuts short says so in its summary.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

DEFAULT_EFFORT = 9.0  # the default month (7.9k shift options): 33 s of search on 2 workers
# a repair: the default month's one-week sickness repaired in under 20 s on 2 cores, the
# fewest changes found (benchmarks/repair.py)
REPAIR_EFFORT = 3.0
EFFORT_OPTIONS = 8000  # ... and as many units per this many shift options beyond it


def default_effort(options: int, repair: bool = False) -> float:
    """The effort a month gets unless one is asked for: DEFAULT_EFFORT (REPAIR_EFFORT for
    a repair, which changes a published roster little), and pro rata for a month of
    more than EFFORT_OPTIONS shift options (three times the region, three times the
    work)."""
    base = REPAIR_EFFORT if repair else DEFAULT_EFFORT
    return round(base * max(1.0, options / EFFORT_OPTIONS), 1)


@dataclass(frozen=True)
class Effort:
    """How a solve's work units are spent.

    - cover: at most this share goes to the uncovered-demand phase (a copy of the month
      whose only objective is its uncovered demand). It stops as soon as it proves its
      least, and what it leaves goes to the next phase.
    - bound: this share of the cover phase's units goes to a bound on the least
      uncovered demand, site by site, when the best roster leaves some.
    - polish: this share of what the cover phase leaves goes to steps of improve.py
      (a site's staff, a fairness pool's ends, a pool steered to another total), after
      CP-SAT's own neighbourhood search has had the rest.
    - fewest: in a repair, this share of what the cover phase leaves goes to the fewest
      changed duties (the later phases then choose among rosters with that many).
    - replay: units for each replay of a roster with its shifts fixed (its exact costs).
    - lp_bound: units (per 8,000 shift options) for the whole model's linear relaxation
      (CP-SAT's max_lp worker, one thread beside the searches): the lower bound that
      gives the gap its meaning. It never touches the roster.
    """

    units: float | None = None  # None: default_effort of the month
    cover: float = 0.3
    bound: float = 0.4
    polish: float = 0.4
    fewest: float = 0.5
    replay: float = 2.0
    lp_bound: float = 4.0

    def __post_init__(self) -> None:
        if self.units is not None and not self.units > 0:
            raise ValueError("effort must be positive")


def configure(
    solver: cp_model.CpSolver,
    *,
    workers: int,
    seed: int,
    time_limit: float,
    units: float | None = None,
    lns_only: bool = False,
    extra: dict | None = None,
    subsolvers: list[str] | None = None,
) -> None:
    """Solver parameters by name.

    With `units`, the solve is deterministic: CP-SAT's interleaved search (its workers
    synchronise in batches, so thread timing never reaches the result) stopped by
    deterministic time; `time_limit` is then only the wall-clock cap. `lns_only`: only
    CP-SAT's neighbourhood searches, from the hint (a complete roster), which on these
    models improve a roster far faster than its full-problem searches (benchmarks).

    Without `units` (the public benchmark's solver), the solve is stopped by the wall
    clock; with few workers the full-problem worker is `max_lp`, whose bound on
    rostering models is far better than the default LP's.
    """
    p = solver.parameters
    p.max_time_in_seconds = max(0.01, time_limit)
    p.num_workers = workers
    p.random_seed = seed
    p.log_search_progress = False
    p.catch_sigint_signal = False  # Ctrl-C is rota's to handle (core/stop.py)
    if units is not None:
        p.max_deterministic_time = max(0.01, units)
        if workers > 1:
            p.interleave_search = True
            # two tasks a batch: each neighbourhood starts from a recent best (batches
            # of 3 x workers, the default, start six tasks from one roster)
            p.interleave_batch_size = workers
        # one worker: CP-SAT's sequential search, deterministic by itself
        p.use_lns_only = lns_only
    if subsolvers is not None:
        for name in subsolvers:
            p.subsolvers.append(name)
    elif units is None and workers <= 4:
        for name in ("max_lp", "default_lp", "core", "quick_restart")[: max(2, workers)]:
            p.subsolvers.append(name)
    for key, value in (extra or {}).items():
        current = getattr(p, key)
        if isinstance(current, (bool, int, float, str)):
            setattr(p, key, value)
        else:
            current.extend(value if isinstance(value, list) else [value])
