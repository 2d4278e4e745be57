"""The command line's options, each defined once and shared by the commands that take it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])
PathType = click.Path(path_type=Path)


def _options(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    """Several click options as one decorator, so that commands share them."""

    def apply(f: F) -> F:
        for d in reversed(decorators):
            f = d(f)
        return f

    return apply


MONTH = click.option("--month", required=True, metavar="YYYY-MM", help="The month to plan.")
OUT = click.option("--out", type=PathType, default=Path("outputs"), show_default=True,
                   help="Output folder; rosters go to OUT/<scenario>/<month>/.")  # fmt: skip
FORCE = click.option("--force", is_flag=True, help="Replace an existing result.")
HISTORY = click.option("--history", type=PathType, default=None,
                       help="Previous roster (roster.csv format); overrides the scenario's "
                       "history.csv.")  # fmt: skip
ROSTER = click.option("--roster", type=PathType, required=True,
                      help="The roster.csv to judge, also one edited by hand.")  # fmt: skip


def solver_options(time_limit: float, effort: float | None, effort_help: str) -> Callable[[F], F]:
    """--time-limit, --effort, --workers and --seed: how long and how hard to solve."""
    return _options(
        click.option("--time-limit", type=click.FloatRange(min=1), default=time_limit,
                     show_default=True, help="Seconds for the whole run, loading included "
                     "(a cap: the effort decides the roster)."),
        click.option("--effort", type=click.FloatRange(min=0.1), default=effort,
                     show_default=effort is not None, help=effort_help),
        click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True,
                     help="Solver threads."),
        click.option("--seed", type=int, default=0, show_default=True, help="Solver random seed."),
    )  # fmt: skip


EFFORT_HELP = (
    "Work units the solver spends (default 9, about 40 s for the default month on 2 cores, "
    "and 9 per 8,000 shift options in larger months). The same inputs, seed, workers and "
    "effort give the same roster on any machine, unless the time limit stops the run first."
)
NAMES = _options(
    click.option("--scenario", type=PathType, default=None,
                 help="The scenario, for staff names with --with-names."),
    click.option("--with-names", is_flag=True, help="Show staff names."),
)  # fmt: skip
FOLDER_SCENARIO = click.option(
    "--scenario", type=PathType, default=None,
    help="The scenario (default: the one the folder was planned with).",
)  # fmt: skip
