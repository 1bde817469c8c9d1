"""Decoding TopoJSON (https://github.com/topojson/topojson-specification), shared by the
build scripts that read it (``build_basemap.py``, ``build_us_counties.py``)."""

from __future__ import annotations

Point = tuple[float, float]


def arcs_of(topology: dict) -> list[list[Point]]:
    """The topology's arcs as lists of (lon, lat): delta-decoded and un-quantised."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(indexes: list[int], arcs: list[list[Point]]) -> list[Point]:
    """A ring from its arcs (``~i``, a negative index, is arc i reversed); each arc after
    the first repeats the last point of the one before, so it is dropped."""
    points: list[Point] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc if not points else arc[1:])
    return points
