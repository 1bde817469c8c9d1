"""Build the offline map's place labels from the gazetteer: ``static/basemap/places.geojson``.

    python scripts/build_labels.py [--min-population 100000]

One point per town with its name and population (GeoNames via the gazetteer, CC BY 4.0):
towns of at least ``--min-population`` worldwide, and every town of at least 2,000 in the
country the bundled articles are about (Ukraine), so labels reach a city's surroundings at
zoom 11. The file stays around 1 MB, fetched once and cached by the browser. The map shows
them by zoom, biggest first (``geo.maps``). Country names are labelled too, at the country's
point. Run again after the gazetteer changes.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.gazetteer.index import Gazetteer  # noqa: E402

OUT = ROOT / "static" / "basemap" / "places.geojson"
# Where the analysts' news is: small places labelled too.
DETAILED_COUNTRIES = {"UA"}
DETAILED_MIN_POPULATION = 2_000


def build(min_population: int) -> dict:
    gazetteer = Gazetteer.load()
    features = []
    for row in gazetteer.places:
        key, name, lat, lon, feature, cc, _a1, population, _tz, _gid = row
        if feature == "country":
            kind = "country"
        elif feature == "city" and (population >= min_population or (
                cc in DETAILED_COUNTRIES and population >= DETAILED_MIN_POPULATION)):
            kind = "town"
        else:
            continue
        features.append({"type": "Feature",
                         "geometry": {"type": "Point",
                                      "coordinates": [round(lon, 3), round(lat, 3)]},
                         "properties": {"n": name, "p": int(population), "k": kind}})
    # Biggest first: the map takes labels in this order until a zoom's quota is full.
    features.sort(key=lambda f: -f["properties"]["p"])
    return {"type": "FeatureCollection", "features": features}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--min-population", type=int, default=100_000)
    args = parser.parse_args()
    data = build(args.min_population)
    OUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n",
                   encoding="utf-8")
    print(f"{len(data['features'])} labels -> {OUT} ({OUT.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
