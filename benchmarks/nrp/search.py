"""Large neighbourhood search with lanes sharing the best, and neighbourhood sizes that
adapt to what the steps prove: the public benchmark's loop around rota's `resolve`."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")  # an incumbent: Values, or a roster

# what one step of a search returned: (incumbent, objective, proven best of its
# neighbourhood), or None when it found nothing as good in its time
Step = tuple[T, int, bool] | None


def in_lanes(lane: Callable[[int], None], workers: int) -> None:
    """Run `lane(0)`, `lane(1)`, ... one thread each (a lane's solves use one worker and
    release the interpreter), and wait for all of them."""
    threads = [threading.Thread(target=lane, args=(i,)) for i in range(max(1, workers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


# what one step of a search returned: (incumbent, objective, proven best of its
# neighbourhood), or None when it found nothing as good in its time
Step = tuple[T, int, bool] | None


@dataclass
class Sizes:
    """How big a neighbourhood of each kind is, and how that adapts: `grow` times bigger
    when a step proves its neighbourhood holds nothing better, `shrink` times smaller
    when a step runs out of time without gain, within [smallest, largest]."""

    start: float
    smallest: float
    largest: float
    grow: float
    shrink: float


def search(incumbent: T, objective: int, *, kinds: Sequence[str], sizes: Sizes,
           step: Callable[[str, float, T, int, random.Random, int], Step],
           rebase: Callable[[T, T, T], tuple[T, int]] | None = None,
           deadline: float, workers: int, seed: int,
           bound: float | None = None) -> tuple[T, int, int]:  # fmt: skip
    """Large neighbourhood search from `incumbent`, in `workers` lanes sharing the best.

    Each lane takes the kinds in turn and calls `step(kind, size, incumbent, objective,
    rng, number)`, which re-solves a neighbourhood of that size (each step's `number` is
    distinct, for solver seeds) and returns a Step. A step at least as good as the best
    it started from is kept (one as good but other is a move across a plateau: see
    `resolve`'s `differ`; one that returns its start changes nothing); if another lane
    moved the best meanwhile, `rebase(candidate, its start, the best now)` carries the
    step's change onto the new best (without it, the candidate is kept only if strictly
    better). Stops at `deadline` or at `bound`. Returns (incumbent, objective, steps
    that gained)."""
    size = dict.fromkeys(kinds, sizes.start)
    lock = threading.Lock()
    best = {"incumbent": incumbent, "objective": objective, "version": 0, "better": 0}

    def lane(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        while time.monotonic() + 0.3 < deadline:
            with lock:
                if bound is not None and best["objective"] <= bound:
                    return
                start, obj, version = best["incumbent"], best["objective"], best["version"]
                kind = kinds[number % len(kinds)]
                share = size[kind]
            number += max(1, workers)
            out = step(kind, share, start, obj, rng, number)
            with lock:
                if out is None or (out[1] >= obj and not out[2]):  # out of time, no gain
                    size[kind] = max(sizes.smallest, size[kind] / sizes.shrink)
                elif out[1] >= obj:  # nothing better in there: a bigger one
                    size[kind] = min(sizes.largest, size[kind] * sizes.grow)
                if out is None or out[0] == start:
                    continue
                new, new_obj, _proven = out
                if version == best["version"]:
                    keep = new_obj <= best["objective"]
                elif rebase is not None:
                    new, new_obj = rebase(new, start, best["incumbent"])
                    keep = new_obj < best["objective"]
                else:
                    keep = new_obj < best["objective"]
                if keep:
                    best["better"] += new_obj < best["objective"]
                    best.update(incumbent=new, objective=new_obj, version=best["version"] + 1)

    in_lanes(lane, workers)
    return best["incumbent"], best["objective"], best["better"]
