"""Generic rostering primitives on CP-SAT, knowing nothing of police or ports.

A *series* is a list indexed by day whose items are either an integer (a fact, e.g.
from the previous month's roster) or a CP-SAT linear expression. The primitives
post constraints on windows of a series and return penalty variables where a rule
is soft. Both the port model and the public-benchmark model are written with these.
"""

from rota.solve.core.primitives import (
    Term,
    add_cover,
    add_cover_both,
    at_least_in_windows,
    at_most_in_sets,
    at_most_in_windows,
    forbid_patterns,
    forbid_together,
    min_run_length,
    run_automaton,
    spread,
)

__all__ = [
    "Term",
    "add_cover",
    "add_cover_both",
    "at_least_in_windows",
    "at_most_in_sets",
    "at_most_in_windows",
    "forbid_patterns",
    "forbid_together",
    "min_run_length",
    "run_automaton",
    "spread",
]
