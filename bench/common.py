"""Helpers shared by the bench scripts: corpora (distinct generated articles, or the seed
articles repeated) and medians of repeated timings, interleaved between the contenders."""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from geo.io.articles import read_articles
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


def distinct_corpus(min_bytes: int, *, seed: int = 7) -> list[Article]:
    """Distinct generated articles (``bench/generate.py``) of at least ``min_bytes`` in all:
    no text repeats, so no cache or copy detection flatters a run."""
    from bench.generate import generate
    from geo.gazetteer.index import Gazetteer

    n = max(1, min_bytes // 4800 + 1)
    return generate(n, Gazetteer.load(), seed=seed, days=max(30, n // 10))


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
