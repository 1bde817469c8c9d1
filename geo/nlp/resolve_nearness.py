"""Nearness of a candidate place to the article's other places, at a first and a second look.

The first look measures a candidate against the article's unambiguous places; the second,
after a first ranking, adds the places that ranking was sure of ("near Petrivka and
Pustynka, south of Pokrovsk": Pokrovsk has namesakes, yet the article's other places settle
it).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from geo.gazetteer.index import normalize
from geo.records import Mention, Place, Resolution

_PROXIMITY_KM = 300.0
# A resolution this sure anchors the nearness of the article's other places (second look).
_SURE = 0.9
_KM_PER_DEGREE = 111.195


def _wrap(degrees: float) -> float:
    return (degrees + 180.0) % 360.0 - 180.0


class _Nearness:
    """Closeness of a candidate to the article's unambiguous places (itself excluded),
    memoised per place: an article names the same places again and again."""

    def __init__(self, anchors: dict[str, Place]) -> None:
        self._anchors = [(key, p.lat, p.lon, math.cos(math.radians(p.lat)))
                         for key, p in anchors.items()]
        self._memo: dict[str, float] = {}

    def closeness(self, place: Place) -> float:
        """``exp(-km / 300)`` to the nearest anchor; 0 with none."""
        if place.key not in self._memo:
            # An equirectangular distance: ample for a bonus that fades over hundreds of km,
            # and a third of the cost of the great circle.
            cos_lat = math.cos(math.radians(place.lat))
            distances = [
                _KM_PER_DEGREE * math.hypot(place.lat - lat, _wrap(place.lon - lon) * (
                    cos_lat + cos_anchor) / 2)
                for key, lat, lon, cos_anchor in self._anchors if key != place.key]
            self._memo[place.key] = math.exp(
                -min(distances) / _PROXIMITY_KM) if distances else 0.0
        return self._memo[place.key]


def _second_look(resolutions: list[Resolution], candidates: list[list[Place]],
                 anchors: dict[str, Place]) -> Callable[[Mention], _Nearness] | None:
    """The nearness of a second look, with the places the first one was sure of as anchors
    too; None when nothing was sure or nothing is left unsure.

    "fighting around two villages south of Pokrovsk" -- Pokrovsk has namesakes
    in Russia, so it anchored nothing, yet the article's other places settle it. A name is
    never anchored by its own reading (its namesakes would be pulled towards it).
    """
    sure: dict[str, dict[str, Place]] = {}
    for r, c in zip(resolutions, candidates, strict=True):
        if (r.place is not None and len(c) > 1 and r.score >= _SURE
                and r.place.feature not in ("country", "continent")):
            sure.setdefault(normalize(r.mention.text), {})[r.place.key] = r.place
    if not sure or not any(r.place is not None and r.score < _SURE for r in resolutions):
        return None
    looks: dict[str, _Nearness] = {}

    def second_look(mention: Mention) -> _Nearness:
        name = normalize(mention.text)
        if name not in looks:
            looks[name] = _Nearness({**anchors, **{
                key: place for other, places in sure.items() if other != name
                for key, place in places.items()}})
        return looks[name]

    return second_look

