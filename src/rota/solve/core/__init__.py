"""Generic rostering primitives on CP-SAT, knowing nothing of police or ports.

A *series* is a list indexed by day whose items are either an integer (a fact, e.g.
from the previous month's roster) or a CP-SAT linear expression. The primitives
post constraints on windows of a series and return penalty variables where a rule
is soft.
"""

from rota.solve.core.primitives import (
    Term,
    add_cover,
    at_most_in_sets,
    at_most_in_windows,
    forbid_together,
    spread,
)

__all__ = [
    "Term",
    "add_cover",
    "at_most_in_sets",
    "at_most_in_windows",
    "forbid_together",
    "spread",
]
