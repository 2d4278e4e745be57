"""A solver-independent result: the roster's duties and how the solve went."""

from __future__ import annotations

from dataclasses import dataclass, field

from rota.domain.models import Duty


@dataclass(frozen=True)
class Progress:
    seconds: float
    objective: float
    bound: float


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

    def seconds_to_gap(self, target: float) -> float | None:
        """When the proven gap first reached `target` (best objective vs best bound)."""
        events = [(p.seconds, "obj", p.objective) for p in self.progress]
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
    """SPEC 3: rows sorted by date, site, start, staff_id."""
    return sorted(duties, key=lambda d: (d.date, d.site, d.start, d.staff_id, d.duty))
