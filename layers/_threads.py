"""Work on large frames split over the machine's cores.

Arrow's and GEOS's compiled loops release Python's lock, so a million rows split in
parts are done side by side: a column's reordering, a point's making, a distance.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import numpy as np

T = TypeVar("T")
#: Below this many rows one thread does it: starting others would cost more than it saves.
SPLIT_FROM = 50_000


def workers() -> int:
    """How many threads share one job: the cores this process may use, at most four."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(4, cores))


def each(function: Callable[[T], object], items: Sequence[T]) -> list:
    """``function`` applied to every item, side by side; results in the items' order."""
    if len(items) < 2 or workers() == 1:
        return [function(item) for item in items]
    with ThreadPoolExecutor(max_workers=workers()) as pool:
        return list(pool.map(function, items))


def by_parts(function: Callable[..., np.ndarray], *arrays: np.ndarray) -> np.ndarray:
    """``function(*arrays)`` worked out on consecutive parts side by side and joined again;
    ``function`` must work row by row (each output row from the same input rows)."""
    count = len(arrays[0]) if arrays else 0
    parts = workers() if count >= SPLIT_FROM else 1
    bounds = np.linspace(0, count, parts + 1).astype(int)
    pieces = each(lambda span: function(*(array[span[0]:span[1]] for array in arrays)),
                  list(zip(bounds[:-1], bounds[1:])))
    return np.concatenate(pieces) if len(pieces) > 1 else pieces[0]
