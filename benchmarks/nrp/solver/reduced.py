"""The whole model restricted by column generation's reduced costs.

At generation's last duals, any roster costs at least the Lagrangian bound plus, for
each employee, how much their roster costs above their best (both less the duals). So
an employee's (day, shift) whose best roster costs `r` above their best (its reduced
cost, columns.Start.reduced, exact by dynamic programming) is in no roster cheaper than
`lagrange + r`. Two uses:

- exact: with an incumbent of penalty `ub`, every cell with `lagrange + r > ub - 1`
  can be shut (held off) without losing any better roster (`shut_exact`): the model the
  neighbourhood search works on loses those options, and a solve of the shut model that
  proves its best has proved the instance's optimum;
- by levels (`solve_by_levels`): the whole model with only the cells whose reduced cost
  is at most a slack open (the relaxation's support at the first level, whose cells
  cost nothing more), solved by CP-SAT; each level proven best opens the next, until
  the slack reaches the exact one. On Instance12 the first level holds the optimum
  (4,040, the bound); on Instance7 the level of slack 0.5 (1,056).

Cells the incumbent works stay open, so that it is a solution of every restriction.
Employees priced by CP-SAT have no reduced costs: their cells are never shut.
"""

from __future__ import annotations

import math
import time

from ortools.sat.python import cp_model

from benchmarks.nrp.solver.columns import Start
from rota.solve.core.lns import Values, resolve
from rota.solve.settings import configure

LEVELS = (None, 0.5, 1.0, 2.0, 4.0, 8.0, math.inf)  # the restricted solves: the support
# alone (None), then the cells whose reduced cost is at most each slack, or at most the
# exact slack where it is smaller (math.inf: the exact slack, last)
TOLERANCE = 1e-6  # the duals are GLOP's floats


def exact_slack(start: Start, objective: int) -> float | None:
    """The slack beyond which no roster better than `objective` works a cell (None: no
    reduced costs)."""
    if start.lagrange is None or not start.reduced:
        return None
    return objective - 1 - start.lagrange + TOLERANCE


def closed(x: dict, start: Start, values: Values, slack: float | None) -> list[int]:
    """Proto indices of the cells to hold off: outside the relaxation's support, with a
    reduced cost above `slack` (all of them if None, the support alone open), and not
    worked by the incumbent `values`."""
    out = []
    for key, v in x.items():
        if key in start.support or values[v.index]:
            continue
        if slack is None or start.reduced.get(key, 0.0) > slack:
            out.append(v.index)
    return out


def shut_exact(m: cp_model.CpModel, x: dict, start: Start, values: Values, objective: int) -> int:
    """Hold off, in `m` itself, every cell no roster better than `objective` works (and
    the incumbent does not); returns how many."""
    slack = exact_slack(start, objective)
    if slack is None:
        return 0
    shut = closed(x, start, values, slack)
    for i in shut:
        dom = m.proto.variables[i].domain
        dom[0] = dom[1] = 0
    return len(shut)


def solve_by_levels(m: cp_model.CpModel, x: dict, start: Start, values: Values,
                    objective: int, *, until: float, workers: int,
                    seed: int) -> tuple[Values, int, bool]:  # fmt: skip
    """The restricted solves of LEVELS from the incumbent, each on `workers` until
    `until`, the next only once one proves its best; without reduced costs, the
    support's alone. Returns (values, objective, proven optimal for the instance)."""
    for level in LEVELS:
        slack = exact_slack(start, objective)
        if slack is not None and slack < 0:  # the incumbent meets the bound
            return values, objective, True
        if level is not None and slack is None:
            break
        limit = None if level is None else min(level + TOLERANCE, slack)  # type: ignore[type-var]
        left = until - time.monotonic()
        if left <= 0:
            break
        done = resolve(
            m, values, closed(x, start, values, limit),
            lambda s, left=left: configure(s, workers=workers, seed=seed, time_limit=left),
            below=objective,
        )  # fmt: skip
        if done is None:
            break
        values, objective, proven = done
        if not proven:
            break
        if limit is not None and limit >= slack:  # type: ignore[operator]
            return values, objective, True
    return values, objective, False
