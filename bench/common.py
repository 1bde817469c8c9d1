"""Helpers shared by the bench scripts: a corpus of the seed articles repeated to a size, and
medians of repeated timings."""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from geo.articles import read_articles
from geo.records import Article

ROOT = Path(__file__).resolve().parents[1]


def seed_corpus(min_bytes: int) -> list[Article]:
    """The bundled seed articles, repeated (with distinct ids) to at least ``min_bytes``."""
    seeds = read_articles([ROOT / "data" / "articles"])
    corpus: list[Article] = []
    size = 0
    n = 0
    while size < min_bytes:
        for a in seeds:
            corpus.append(replace(a, id=f"{a.id}-{n}"))
            size += len(a.text.encode())
        n += 1
    return corpus


def corpus_bytes(articles: list[Article]) -> int:
    return sum(len(a.text.encode()) for a in articles)


def median_seconds(fn: Callable[[], object], *, runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
