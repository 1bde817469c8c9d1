"""Distances on the Earth's surface, in kilometres, between (lat, lon) points: the one
great-circle formula the resolver, the merge, the scorer and the watch rules share.

Example:
    >>> round(haversine_km(50.45, 30.52, 49.99, 36.23))
    409
"""

from __future__ import annotations

import math


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance; geopy's classes cost ~30 µs a call, and scoring makes many."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))
