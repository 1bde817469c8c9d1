"""Copy detection: which articles are copies of one story, so they count as one source.

Articles whose texts share most sentences (copies of one wire story, as a Reuters story
reprinted by two outlets) count once in an incident's ``independent_sources``. Texts are
compared by a fixed sample of their 8-word shingles; each shingle remembers the first article
that had it, so grouping is linear in the corpus, and the store keeps what it needs
(``copy_roots``) to place later articles without reading every text again.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter

import numpy as np

from geo.records import Article

_SHINGLE = 8  # words per shingle


COPY_SHARE = 0.3  # share of the smaller text's shingles two copies have in common


def independent_groups(articles: list[Article], *,
                       shingles: dict[str, frozenset[int]] | None = None) -> dict[str, int]:
    """Group articles that are copies of one story (shared 8-word shingles).

    Each shingle remembers the first article that had it; an article sharing at least
    ``COPY_SHARE`` of its shingles with an earlier one joins its group. Linear in the
    corpus, where comparing every pair would be quadratic.

    Args:
        articles: in the order they came (the first of two copies is the original).
        shingles: each article's ``text_shingles``, when computed elsewhere already.

    Returns:
        article id -> group number; copies share a number.
    """
    roots = copy_roots(articles, shingles=shingles)[0]
    numbers = {root: n for n, root in enumerate(sorted(set(roots.values())))}
    return {x: numbers[root] for x, root in roots.items()}


def copy_roots(articles: list[Article], *, shingles: dict[str, frozenset[int]] | None = None,
               ) -> tuple[dict[str, str], dict[int, str], dict[str, int]]:
    """``independent_groups``' grouping as (article id -> the id naming its group, shingle ->
    the first article that had it, article id -> size of its sample): what the store keeps
    to place later articles without reading every text again."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first_seen: dict[int, str] = {}
    sizes: dict[str, int] = {}
    for article in articles:
        parent.setdefault(article.id, article.id)
        sample = (shingles or {}).get(article.id)
        if sample is None:
            sample = text_shingles(article.text)
        sizes[article.id] = len(sample)
        shared = Counter(first_seen[s] for s in sample if s in first_seen)
        for other in sorted(shared):
            smaller = min(len(sample), sizes[other]) or 1
            if other != article.id and shared[other] / smaller >= COPY_SHARE:
                parent[find(article.id)] = find(other)
        for s in sample:
            first_seen.setdefault(s, article.id)
    return {x: find(x) for x in parent}, first_seen, sizes


_FNV_PRIME = np.uint64(1099511628211)


_WORD_HASHES: dict[str, int] = {}  # words repeat: each is hashed once per process


def _word_hash(word: str) -> int:
    h = _WORD_HASHES[word] = zlib.crc32(word.encode()) | 1 << 32  # never 0 (falsy)
    return h


def text_shingles(text: str) -> set[int]:
    """The sample of a text's 8-word shingles that copy detection compares."""
    # A fixed quarter of all shingles (by hash), the same quarter in every text: shares
    # between texts are kept, at a quarter of the cost. Words hashed with CRC-32, not
    # hash(): Python salts str hashes per process, and the sample (so independent_sources)
    # must not change between runs. Each shingle's hash combines its eight word hashes
    # (FNV-style, wrapping at 64 bits), all shingles at once.
    words = re.findall(r"\w+", text.lower())
    if len(words) < _SHINGLE:
        return set()
    if len(_WORD_HASHES) > 1_000_000:
        _WORD_HASHES.clear()  # a bound on memory; the hashes are recomputed as needed
    hashes = np.fromiter((_WORD_HASHES.get(w) or _word_hash(w) for w in words),
                         dtype=np.uint64, count=len(words))
    n = len(words) - _SHINGLE + 1
    combined = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(_SHINGLE):
            combined = combined * _FNV_PRIME + hashes[k:k + n]
    combined ^= combined >> np.uint64(29)
    kept = combined[(combined & np.uint64(3)) == 0] >> np.uint64(2)  # fits SQLite's INTEGER
    return set(kept.astype(np.int64).tolist())
