"""A solver-independent result: the roster's duties and how the solve went."""

from __future__ import annotations

from dataclasses import dataclass, field

from rota.domain.models import Duty


@dataclass(frozen=True)
class Progress:
    """A better roster found during a solve: when, by which phase, and what it costs
    (None where the phase does not know: a roster's objective before its costs are
    replayed, its uncovered demand while the whole objective is improved)."""

    seconds: float
    objective: float | None
    bound: float
    phase: str = ""
    uncovered: float | None = None


@dataclass(frozen=True)
class Uncovered:
    """The weighted cost of the uncovered demand (summary units) and a proven lower
    bound on it: equal when the least uncovered demand is proven."""

    cost: float
    bound: float

    @property
    def proven(self) -> bool:
        return self.cost <= self.bound + 1e-9


@dataclass
class Result:
    status: str  # OPTIMAL, FEASIBLE, INFEASIBLE, MODEL_INVALID, UNKNOWN
    duties: list[Duty]
    objective: float | None
    best_bound: float | None
    gap: float | None
    wall_seconds: float
    seed: int
    workers: int
    time_limit_seconds: float
    penalties: dict[str, float] = field(default_factory=dict)
    progress: list[Progress] = field(default_factory=list)
    build_seconds: float = 0.0
    model_stats: dict[str, int] = field(default_factory=dict)
    # the solver's own measure of uncovered time (the summary reports the checker's)
    uncovered: dict[str, float] = field(default_factory=dict)
    bounds: list[tuple[float, float]] = field(default_factory=list)  # (seconds, bound)
    dropped: list[str] = field(default_factory=list)  # inputs that could not be met
    effort: float | None = None  # work units asked for
    effort_spent: float | None = None  # work units spent (less when proven sooner)
    cut_short: bool = False  # the wall-clock limit stopped the run before its effort
    interrupted: bool = False  # the user stopped the run (Ctrl-C); the best roster kept
    uncovered_cost: Uncovered | None = None
    phases: dict[str, float] = field(default_factory=dict)  # wall seconds of each phase
    # a repair: the duties changed from the published roster, and the least number
    # proven necessary with that uncovered demand (None: not a repair)
    changed: int | None = None
    changed_least: int | None = None

    def seconds_to_gap(self, target: float) -> float | None:
        """When the proven gap first reached `target` (best objective vs best bound)."""
        events = [(p.seconds, "obj", p.objective) for p in self.progress
                  if p.objective is not None]  # fmt: skip
        events += [(t, "bound", b) for t, b in self.bounds]
        best = bound = None
        for t, kind, value in sorted(events, key=lambda e: e[0]):
            if kind == "obj":
                best = value if best is None else min(best, value)
            else:
                bound = value if bound is None else max(bound, value)
            if best is not None and bound is not None:
                if best - bound <= target * max(abs(best), 1.0):
                    return t
        if self.status == "OPTIMAL" and self.progress:
            return self.wall_seconds
        return None

    @property
    def found(self) -> bool:
        return self.status in ("OPTIMAL", "FEASIBLE")


def sort_duties(duties: list[Duty]) -> list[Duty]:
    """The roster format: rows sorted by date, site, start, staff_id."""
    return sorted(duties, key=lambda d: (d.date, d.site, d.start, d.staff_id, d.duty))
