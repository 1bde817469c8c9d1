"""Timing and memory for the benches: medians of repeated runs, contenders interleaved so a
slower moment of the machine hits every one of them, CPU and wall seconds of one call, and
the process's peak memory.

Example:
    >>> seconds, times = median_seconds(lambda: sum(range(1000)), runs=3)
    >>> len(times), seconds >= 0
    (3, True)
"""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable
from typing import TypeVar

from geo.records import Article

T = TypeVar("T")


def interleaved(contenders: dict[str, Callable[[], object]], *, runs: int,
                ) -> dict[str, list[float]]:
    """Wall seconds of each contender, run in turn ``runs`` times (A, B, A, B...), so that a
    slower moment of the machine hits every one of them."""
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(runs):
        for name, fn in contenders.items():
            started = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - started)
    return times


def corpus_bytes(articles: list[Article]) -> int:
    """The articles' texts' size in UTF-8 bytes."""
    return sum(len(a.text.encode()) for a in articles)


def median_seconds(fn: Callable[[], object], *, runs: int) -> tuple[float, list[float]]:
    """The median wall seconds of ``runs`` calls of ``fn``, and each call's."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu(fn: Callable[[], T]) -> tuple[T, float, float]:
    """``fn()``'s result, the CPU seconds this process spent in it, and its wall seconds."""
    started, wall = time.process_time(), time.perf_counter()
    out = fn()
    return out, time.process_time() - started, time.perf_counter() - wall
