"""Places far from the rest of their article: a name read as a namesake abroad.

The gazetteer lacks many quarters, camps and small towns of the places in the news (Gaza
City's quarters, Darfur's camps, towns GeoNames' list of cities leaves out); a name it lacks
is still resolved when it holds a namesake anywhere, and the only candidate scores 1.00:
"Al-Karama", a quarter of Gaza City, read as the Dubai district of that name. The article's
other places say where it is about. Its points (towns, landmarks, points computed from a
stated distance) are grouped into clusters of places within ``FAR_KM`` of one another (single
linkage); when one cluster holds more of the article's names than any other, a point outside
it is *far*. Two namesakes abroad that lie near each other ("Daraj and Sabra in Gaza City",
both read in Libya) are outside it too, which a point's distance to its nearest other point
would miss.

``far_points`` is the rule; the Places page flags what it finds (``geo.tables.far_from_article``).
``doubt_far_places`` applies it at parse time: a far town under ``SMALL_TOWN_POPULATION`` keeps
its place (the analyst sees it, with its runner-ups) but half its score, and its reason says
why, so it never shows as a sure 1.00 and never feeds the corpus prior
(``geo.nlp.corpus.CONFIDENT_SCORE``). A larger city far from the rest is mostly named on
purpose (a capital, "talks in Geneva"), a landmark too ("the Kremlin"), an analyst's own place
always: those keep their score. The report stage (``geo.incidents.places``) lets a place in
doubt locate an event only when its sentence names nothing better, and then prefers the place
the report before it gives.

On GeoWebNews (shipped models, 7 December) the cluster rule flags 98 resolved mentions: 48
right (Moscow, London, Beijing in stories about elsewhere), 16 wrong, 34 no gold toponym at
all. Under 100,000 inhabitants it keeps 12 wrong, 18 with no gold toponym and 2 right ones
(Saipan); under 50,000 it missed the 75,560 of Dubai's Al Karama, the case that asked for it.

Example:
    >>> far_points(["Kharkiv", "Izium", "Kupiansk", "Lisbon"], [49.99, 49.21, 49.71, 38.72],
    ...            [36.23, 37.26, 37.62, -9.14])
    [False, False, False, True]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from geo.records import Resolution

#: Farther than this from every place of the article's main cluster, a point is in doubt.
FAR_KM = 1000.0
#: The kinds of place that are points: a country's or a region's point is only its centre.
POINT_FEATURES = frozenset({"city", "landmark", "computed"})
#: A far town smaller than this is more likely a namesake than a place named from afar.
SMALL_TOWN_POPULATION = 100_000
#: What a far town's reason says (``doubt_far_places``); ``in_doubt`` reads it.
IN_DOUBT = "in doubt:"
# Fewer names than this, and there is no "rest of the article" to be far from.
_MIN_NAMES = 3
_EARTH_KM = 6371.0


def far_points(names: Sequence[str], lats: Sequence[float], lons: Sequence[float], *,
               km: float = FAR_KM) -> list[bool]:
    """Whether each of an article's points lies outside the cluster most of its names are in.

    Args:
        names: each point's mention as written (two mentions of one name are one name).
        lats: their latitudes, in degrees.
        lons: their longitudes, in degrees.
        km: how near two points must be to belong to one cluster.

    Returns:
        One flag per point; all False with fewer than three names, or when two clusters
        hold the same largest number of names (a story about two places far apart).
    """
    n = len(names)
    if len(set(names)) < _MIN_NAMES:
        return [False] * n
    lat = np.radians(np.asarray(lats, dtype=float))
    lon = np.radians(np.asarray(lons, dtype=float))
    # Great-circle distance between every pair (haversine), in km.
    a = (np.sin((lat[:, None] - lat[None, :]) / 2) ** 2 + np.cos(lat[:, None])
         * np.cos(lat[None, :]) * np.sin((lon[:, None] - lon[None, :]) / 2) ** 2)
    near = 2 * _EARTH_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))) <= km
    labels = np.asarray(names, dtype=object)
    near |= labels[:, None] == labels[None, :]  # one name resolved twice is one place
    cluster = _components(near)
    sizes = {c: len({names[i] for i in range(n) if cluster[i] == c}) for c in set(cluster)}
    largest = max(sizes.values())
    main = [c for c, size in sizes.items() if size == largest]
    if len(main) > 1:
        return [False] * n
    return [c != main[0] for c in cluster]


def _components(linked: np.ndarray) -> list[int]:
    """The connected component of each node of a symmetric adjacency matrix."""
    component = [-1] * len(linked)
    for start in range(len(linked)):
        if component[start] >= 0:
            continue
        component[start], stack = start, [start]
        while stack:
            node = stack.pop()
            for other in np.flatnonzero(linked[node]):
                if component[other] < 0:
                    component[other] = start
                    stack.append(int(other))
    return component


def doubt_far_places(resolutions: list[Resolution], *, km: float = FAR_KM) -> list[Resolution]:
    """An article's resolutions, a small town far from its other places at half its score.

    Args:
        resolutions: the article's resolutions, as the resolver made them.
        km: see ``far_points``.

    Returns:
        The same resolutions in the same order; a far town under ``SMALL_TOWN_POPULATION``
        (not an analyst's own place) with its score halved and the reason told.
    """
    points = [i for i, r in enumerate(resolutions)
              if r.place is not None and r.place.feature in POINT_FEATURES]
    flags = far_points([resolutions[i].mention.text for i in points],
                       [resolutions[i].place.lat for i in points],
                       [resolutions[i].place.lon for i in points], km=km)
    out = list(resolutions)
    for i, far in zip(points, flags, strict=True):
        place = out[i].place
        if far and place.feature == "city" and place.population < SMALL_TOWN_POPULATION and (
                not place.from_analyst):
            out[i] = replace(out[i], score=round(out[i].score / 2, 3),
                             reason=f"{out[i].reason}; {IN_DOUBT} more than {km:,.0f} km from "
                                    f"where the article's other places lie")
    return out


def in_doubt(reason: str) -> bool:
    """Whether a resolution's reason says ``doubt_far_places`` put its place in doubt."""
    return IN_DOUBT in reason
