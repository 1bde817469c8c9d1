"""The geoparsing field's scorer (EUPEG; Gritta et al. 2019), shared by the benchmarks and the
training scripts.

A predicted span matches a gold one when their surface texts are equal ignoring case and their
centres are less than 10 characters apart; each gold span matches at most one prediction.

Example:
    >>> pairs, fp, fn = match_spans([(0, 5, "Paris"), (9, 13, "Kyiv")], [(0, 5, "paris")])
    >>> len(pairs), len(fp), len(fn)
    (1, 1, 0)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from geo.geodesy import haversine_km

P = TypeVar("P", bound=Sequence)
G = TypeVar("G", bound=Sequence)

#: Span centres closer than this (in characters) may match.
CENTRE_TOLERANCE = 10


def match_spans(predicted: list[P], gold: list[G]) -> tuple[list[tuple[P, G]], list[P], list[G]]:
    """Pair predictions with gold spans.

    Args:
        predicted: items whose first three fields are (start, end, text).
        gold: the same shape.

    Returns:
        (matched pairs, unmatched predictions, unmatched gold).
    """
    free = list(gold)
    pairs, unmatched = [], []
    for p in predicted:
        centre = (p[0] + p[1]) / 2
        text = p[2].lower()
        hit = next((g for g in free if g[2].lower() == text
                    and abs((g[0] + g[1]) / 2 - centre) < CENTRE_TOLERANCE), None)
        if hit is None:
            unmatched.append(p)
        else:
            free.remove(hit)
            pairs.append((p, hit))
    return pairs, unmatched, free


def toponym_span(start: int, end: int, text: str, pattern: str) -> tuple[int, int, str]:
    """The toponym inside a mention, as gold corpora mark it: "Chernihiv region" is read as
    the region but the toponym written is "Chernihiv".

    >>> toponym_span(10, 26, "Chernihiv region", "region")
    (10, 19, 'Chernihiv')
    """
    if pattern == "region" and " " in text:
        base = text.rsplit(" ", 1)[0].rstrip()
        return start, start + len(base), base
    return start, end, text


def f1_score(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """(precision, recall, F1) from counts."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


#: Incidents closer than this to a gold event may be its pair (the article dev set's rule).
PAIR_KM = 25.0


def pair_points(produced: Sequence[tuple[float, float]], gold: Sequence[tuple[float, float]],
                *, km: float = PAIR_KM,
                agreement: Callable[[int, int], int] | None = None,
                ) -> list[tuple[int, int, float]]:
    """Produced and gold points paired within ``km``, the closest pair first, each used once.

    Args:
        agreement: how much produced ``i`` and gold ``j`` agree besides their place (the
            same day, the same type): among pairs equally far apart (to 0.1 km: two incidents
            of one town), the more agreeing pair comes first, where the order was arbitrary.

    Returns:
        (produced index, gold index, distance) triples.

    Example:
        >>> pair_points([(50.0, 36.2), (48.5, 35.0)], [(48.46, 35.04)])
        [(1, 0, 5.3)]
        >>> same = [(13.6, 25.3), (13.6, 25.3)]  # two incidents of one town, twice
        >>> pair_points(same, same, agreement=lambda i, j: int(i != j))
        [(0, 1, 0.0), (1, 0, 0.0)]
    """
    def agrees(i: int, j: int) -> int:
        return agreement(i, j) if agreement is not None else 0

    options = sorted((round(haversine_km(p[0], p[1], g[0], g[1]), 1), -agrees(i, j), i, j)
                     for i, p in enumerate(produced) for j, g in enumerate(gold))
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for dist, _agree, i, j in options:
        if dist > km:
            break
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        pairs.append((i, j, round(dist, 1)))
    return pairs
