"""Compiling the gazetteer's sources (``geo.gazetteer.sources``) into the index's tables:
GeoNames' towns with their usable alternate names (Arabic names in every form of their
article), first-level regions at their area centroid (read from their bare name unless a
town of theirs bears it), countries and continents with their other names and their peoples'
words, the curated places, Ukraine's codifier, the US counties, the second-level units
(English counties, French departments) and the analyst's packs.
``geo.gazetteer.index.build_gazetteer`` makes a ``Gazetteer`` of them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from geo.errors import GazetteerFormatError
from geo.gazetteer import sources
from geo.gazetteer.keys import SETTLEMENT_PREFIX, SUBDIVISION_PREFIX, normalize
from geo.gazetteer.sources import _read_country_info, _read_csv, _read_json, _user_packs

# GeoNames' own points for the countries where pycountryinfo's point lies far from it. Public
# geoparsing gold places a country at GeoNames' point, so the map and the scores do too.
_GEONAMES_COUNTRY_POINTS = {
    "US": (39.76, -98.5), "CA": (60.10867, -113.64258), "IN": (22.0, 79.0),
    "JP": (35.68536, 139.75309), "LY": (28.0, 17.0), "ZA": (-29.0, 24.0),
    "AU": (-25.0, 135.0), "RU": (60.0, 100.0), "CN": (35.0, 105.0),
}
# Continental adjectives: a demonym names the continent, as "Russian" names the country.
_CONTINENT_DEMONYMS = {"EU": ("European", "Europeans"), "AF": ("African", "Africans"),
                       "AS": ("Asian", "Asians")}

# Alternate names of small places are mostly noise for English news; their main name stays.
_ALTERNATES_MIN_POPULATION = 1000
_LETTER = r"A-Za-z\u00C0-\u024F\u1E00-\u1EFF"
_LATIN = re.compile(rf"^[{_LETTER}][{_LETTER} '’.\-()]*$")
# A town this big gives its name to the region around it, so the bare name means the town.
_NAMESAKE_POPULATION = 50_000


class _Builder:
    def __init__(self) -> None:
        self.places: list[tuple] = []
        self.names: dict[str, set[int]] = defaultdict(set)
        self.region_names: dict[str, set[int]] = defaultdict(set)
        self.by_key: dict[str, int] = {}
        self.uppercase: set[str] = set()
        self.demonyms: dict[str, int] = {}

    def add_place(self, row: tuple, names: Iterable[str]) -> int:
        index = len(self.places)
        self.places.append(row)
        self.by_key[row[0]] = index
        self.add_names(index, names)
        return index

    def add_names(self, index: int, names: Iterable[str], *, table: dict | None = None) -> None:
        table = self.names if table is None else table
        for name in names:
            key = normalize(name)
            if len(key) >= 2:
                table[key].add(index)
                if name.replace(".", "").isupper():
                    self.uppercase.add(key)


#: Told (share done from 0 to 1, what is being done) while the index is built.
Progress = Callable[[float, str], None]


def compile_sources(*, progress: Progress | None = None) -> dict[str, Any]:
    """Compile every source into the index's tables: the fields of a ``Gazetteer`` (a few
    seconds; ``geo.gazetteer.index.build_gazetteer`` makes one of them).

    Args:
        progress: told (share done, what now) at each step.
    """
    def step(share: float, what: str) -> None:
        if progress is not None:
            progress(share, what)

    b = _Builder()
    admin1_names: dict[str, str] = {}
    step(0.0, "reading GeoNames' towns")
    admin1_population = _add_cities(b)
    step(0.45, "regions, countries and their peoples")
    _add_regions(b, admin1_names, admin1_population)
    info = _read_country_info()
    _add_countries(b, info)
    _add_continents(b)
    _add_demonyms(b, info)
    step(0.55, "Ukraine's villages and the curated places")
    _add_extra(b)
    _add_settlements(b)
    if sources.US_COUNTIES_CSV.exists():
        _add_pack(b, sources.US_COUNTIES_CSV, prefix="uscounty:")
    if sources.SUBDIVISIONS_CSV.exists():
        _add_pack(b, sources.SUBDIVISIONS_CSV, prefix=SUBDIVISION_PREFIX,
                  namesakes=True)
    step(0.7, "your own places")
    for pack in _user_packs():
        _add_pack(b, pack)
    step(0.8, "indexing the names")
    prefixes = set()
    for key in list(b.names) + list(b.region_names):
        tokens = key.split(" ")
        for n in range(1, len(tokens)):
            prefixes.add(" ".join(tokens[:n]))
    return dict(
        places=b.places,
        names={k: tuple(sorted(v)) for k, v in b.names.items()},
        region_names={k: tuple(sorted(v)) for k, v in b.region_names.items()},
        prefixes=frozenset(prefixes),
        by_key=b.by_key,
        admin1_names=admin1_names,
        uppercase_names=frozenset(b.uppercase),
        countries=tuple(i for i, row in enumerate(b.places) if row[4] == "country"),
        demonyms=b.demonyms,
    )


def usable_alternates(names: Iterable[str]) -> set[str]:
    """The alternate names English news could use: Latin script, capitalised, not codes."""
    # Lower-case alternates are romanisations from other scripts ("ha er ke fu"), and short
    # capitals are airport codes (IEV, HRK): neither is how English news writes a place.
    keep = set()
    for name in names:
        if len(name) < 3 or not _LATIN.match(name) or not name[0].isupper():
            continue
        if name.replace(".", "").isupper() and len(name) <= 4:
            continue
        keep.add(name)
    return keep


def _add_cities(b: _Builder) -> dict[str, int]:
    cities = _read_json(sources._GEONAMES / "cities500.json")
    admin1_population: dict[str, int] = defaultdict(int)
    for city in cities.values():
        a1 = f"{city['countrycode']}.{city['admin1code']}"
        population = int(city.get("population") or 0)
        admin1_population[a1] += population
        names = {city["name"]}
        if population >= _ALTERNATES_MIN_POPULATION:
            names |= usable_alternates(city.get("alternatenames") or ())
        if city["countrycode"] in _ARABIC_COUNTRIES:
            names |= {v for name in names for v in arabic_article_variants(name)}
        row = (f"gn:{city['geonameid']}", city["name"], float(city["latitude"]),
               float(city["longitude"]), "city", city["countrycode"], a1, population,
               city.get("timezone") or "", int(city["geonameid"]))
        b.add_place(row, names)
    return admin1_population


# Where place names are Arabic: their romanisations write the article "al-", "el-" or an
# assimilated "an-", "ash-"... or leave it out ("Al-Maghazi", "Maghazi"; "Deir el-Balah",
# "Deir al-Balah"), and news uses every form.
_ARABIC_COUNTRIES = frozenset({"AE", "BH", "DJ", "DZ", "EG", "EH", "IQ", "JO", "KM", "KW",
                               "LB", "LY", "MA", "MR", "OM", "PS", "QA", "SA", "SD", "SO",
                               "SY", "TN", "YE"})
_ARABIC_ARTICLE = re.compile(r"^(?:al|el|an|ar|as|ash|at|ad|az|adh|ath)[\s\-‑]+(?=\S)",
                             re.IGNORECASE)
_ARABIC_INNER_ARTICLE = re.compile(r"(?<=\s)(al|el)(?=[\s\-])", re.IGNORECASE)


def arabic_article_variants(name: str) -> set[str]:
    """Other ways news writes an Arabic place name's article: "Al Burayj" -> "Burayj",
    "El Burayj"; "Deir el-Balah" -> "Deir al-Balah".

    >>> sorted(arabic_article_variants("Deir el-Balah"))
    ['Deir al-Balah']
    """
    out = set()
    stripped = _ARABIC_ARTICLE.sub("", name)
    if stripped != name and len(stripped) >= 4:
        out.add(stripped)
        out.add("Al-" + stripped)
        out.add("El-" + stripped)
    swapped = _ARABIC_INNER_ARTICLE.sub(lambda m: {"al": "el", "el": "al"}[m.group(1).lower()],
                                        name)
    if swapped != name:
        out.add(swapped)
    return out - {name}


def _add_regions(b: _Builder, admin1_names: dict[str, str], population: dict[str, int]) -> None:
    if not sources.ADMIN1_CSV.exists():
        return
    rows = _read_csv(sources.ADMIN1_CSV, {"code", "country_code", "name", "alt_names", "lat",
                                          "lon"})
    centres = _region_centres()
    for row in rows:
        code = row["code"]
        admin1_names[code] = row["name"]
        names = {row["name"], *filter(None, row["alt_names"].split("|"))}
        lat, lon = centres.get(code) or (float(row["lat"]), float(row["lon"]))
        place = (f"admin1:{code}", row["name"], lat, lon, "region",
                 row["country_code"], code, population.get(code, 0), "", None)
        index = b.add_place(place, ())
        b.add_names(index, names, table=b.region_names)
        # A region is also read from its bare name unless it is named after a town of its
        # country: "Crimea" and "Chechnya" are regions; "Kherson", "Kyiv" and "Leningrad" are
        # the towns (Kyiv city is a region of its own, and Kyiv Oblast is named after it).
        for name in names:
            key = normalize(name)
            if not any(_is_namesake_town(b.places[i], code, key)
                       for i in b.names.get(key, ())):
                b.add_names(index, [name])


def _region_centres() -> dict[str, tuple[float, float]]:
    """Each region's area centroid, where it lies inside the region.

    GeoNames places a first-level region near its middle, and public gold uses GeoNames'
    point; Natural Earth's label point (``admin1.csv``) sits where a label fits, often far
    from the middle (California's is 367 km off). A concave region whose centroid falls
    outside it keeps the label point.
    """
    if not sources.ADMIN1_GEOJSON.exists():
        return {}
    centres = {}
    for feature in _read_json(sources.ADMIN1_GEOJSON).get("features", []):
        code = (feature.get("properties") or {}).get("code")
        rings = [ring for ring in _outer_rings(feature) if len(ring) > 3]
        centre = centroid(rings)
        if code and centre is not None and any(_inside(centre, ring) for ring in rings):
            centres[code] = (round(centre[0], 4), round(centre[1], 4))
    return centres


def _outer_rings(feature: dict) -> list[list[list[float]]]:
    """The outer rings ([lon, lat] points) of a GeoJSON Polygon or MultiPolygon feature."""
    geometry = feature.get("geometry") or {}
    polygons = geometry.get("coordinates") or []
    if geometry.get("type") == "Polygon":
        polygons = [polygons]
    return [poly[0] for poly in polygons if poly]


def centroid(rings: list[list[list[float]]]) -> tuple[float, float] | None:
    """Area-weighted centroid (lat, lon) of outer rings given as [lon, lat] points (a
    region's, here; a US county's in ``scripts/build_us_counties.py``)."""
    area = cx = cy = 0.0
    for ring in rings:
        for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
            cross = x0 * y1 - x1 * y0
            area += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
    if abs(area) < 1e-12:
        return None
    return cy / (3 * area), cx / (3 * area)


def _inside(point: tuple[float, float], ring: list[list[float]]) -> bool:
    """Ray casting: is (lat, lon) inside the ring of [lon, lat] points?"""
    lat, lon = point
    inside = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        if (y0 > lat) != (y1 > lat) and lon < x0 + (lat - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def _is_namesake_town(row: tuple, admin1_code: str, key: str) -> bool:
    if row[4] != "city":
        return False
    if row[6] == admin1_code:
        # A small town of the region is its namesake only under its own name: "Montana City"
        # (2,700, also called Montana) and "Minneota" must not hide their states.
        return normalize(row[1]) == key or row[7] >= _NAMESAKE_POPULATION
    return row[5] == admin1_code.split(".")[0] and row[7] >= _NAMESAKE_POPULATION


def _country_points() -> dict[str, tuple[float, float]]:
    """A point inside each country: the middle of its largest outline's bounding box."""
    if not sources.COUNTRIES_GEOJSON.exists():
        return {}
    points = {}
    for feature in _read_json(sources.COUNTRIES_GEOJSON).get("features", []):
        iso2 = (feature.get("properties") or {}).get("iso2")
        rings = _outer_rings(feature)
        if not iso2 or not rings:
            continue
        ring = max(rings, key=len)
        lons = [p[0] for p in ring]
        lats = [p[1] for p in ring]
        points[iso2] = ((min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2)
    return points


def _add_countries(b: _Builder, info: dict[str, dict]) -> None:
    outline_points = _country_points()
    for iso2, country in _read_json(sources._GEONAMES / "countries.json").items():
        latlng = (info.get(iso2) or {}).get("latlng") or ()
        point = _GEONAMES_COUNTRY_POINTS.get(iso2) or (
            (float(latlng[0]), float(latlng[1])) if len(latlng) == 2 else None
        ) or outline_points.get(iso2)
        if point is None:
            capital = _capital_point(b, iso2, country.get("capital") or "")
            if capital is None:
                continue
            point = capital
        row = (f"country:{iso2}", country["name"], point[0], point[1], "country", iso2, "",
               int(country.get("population") or 0), "", int(country["geonameid"]))
        b.add_place(row, [country["name"], *_country_alternates(info.get(iso2) or {})])


def _capital_point(b: _Builder, iso2: str, capital: str) -> tuple[float, float] | None:
    for index in b.names.get(normalize(capital), ()):
        row = b.places[index]
        if row[5] == iso2:
            return row[2], row[3]
    return None


def _add_continents(b: _Builder) -> None:
    for code, continent in _read_json(sources._GEONAMES / "continents.json").items():
        row = (f"continent:{code}", continent["name"], float(continent["lat"]),
               float(continent["lng"]), "continent", "", "", int(continent["population"] or 0),
               "", int(continent["geonameId"]))
        b.add_place(row, [continent["name"]])


def _country_alternates(row: dict) -> list[str]:
    """Other names of a country ("Republic of Armenia", "Burma"), without the two- and
    three-letter codes among them ("AM", "ARM" would match ordinary words and acronyms), in
    the forms news writes them: a name with its parenthesis split ("Holy See (Vatican City
    State)" is also "Holy See") and "of the" also as "of" ("Democratic Republic of the
    Congo" is written "Democratic Republic of Congo" by Reuters and the BBC)."""
    names = [row.get("common_name") or "", row.get("official_name") or "",
             *(row.get("alt_spellings") or [])]
    forms: list[str] = []
    for name in names:
        head, _, rest = name.partition(" (")
        for part in (head, rest.removesuffix(")")) if rest else (name,):
            forms.append(part)
            if " of the " in part:
                forms.append(part.replace(" of the ", " of "))
    return [n for n in dict.fromkeys(forms)
            if len(n) > 3 and not n.isupper() and "," not in n and "(" not in n]


def _add_pack(b: _Builder, path: Path, *, prefix: str | None = None,
              namesakes: bool = False) -> None:
    """One pack (``geo.gazetteer.imports.PACK_COLUMNS``): new places keyed ``prefix + key``
    (default ``user:<pack>:``, an imported pack), and names for places the index has (``of``;
    a trailing ``?`` makes a new place when the index lacks it). With ``namesakes``, a new
    place is not read from a name its namesake town bears, as for regions: "Napoli" and
    "Cork" are the towns, not the province and county named after them."""
    prefix = f"user:{path.stem}:" if prefix is None else prefix
    required = {"key", "of", "name", "alt_names", "feature", "lat", "lon", "country_code",
                "admin1_code", "population"}
    for row in _read_csv(path, required):
        alt_names = [n for n in row["alt_names"].split("|") if n]
        of = row["of"]
        optional = of.endswith("?")
        index = b.by_key.get(of.rstrip("?")) if of else None
        if index is not None:
            b.add_names(index, [row["name"], *alt_names] if row["name"] else alt_names)
            continue
        if of and not optional:
            continue  # names for a country or region this index does not have
        try:
            lat, lon = float(row["lat"]), float(row["lon"])
            population = int(row["population"] or 0)
        except ValueError as exc:
            raise GazetteerFormatError(f"{path}: row {row['key']!r}: {exc}; re-import the "
                                       "file with python -m geo gazetteer add") from exc
        place = (f"{prefix}{row['key']}", row["name"], lat, lon,
                 row["feature"] or "landmark", row["country_code"], row["admin1_code"],
                 population, "", None)
        names = [row["name"], *alt_names]
        if namesakes:
            names = [n for n in names if not any(
                _is_namesake_town(b.places[i], row["admin1_code"], normalize(n))
                for i in b.names.get(normalize(n), ()))]
        b.add_place(place, names)


def _add_demonyms(b: _Builder, info: dict[str, dict]) -> None:
    """Nationality words and their plurals, each to its country; a word two countries share
    ("Dominican") goes to the more populous."""
    best: dict[str, tuple[int, int]] = {}
    for iso2, row in info.items():
        index = b.by_key.get(f"country:{iso2}")
        if index is None:
            continue
        for word in re.split(r",\s*", row.get("nationality") or ""):
            for form in _demonym_forms(word.strip()):
                key = normalize(form)
                population = b.places[index][7]
                if len(key) >= 3 and (key not in best or best[key][1] < population):
                    best[key] = (index, population)
    for code, words in _CONTINENT_DEMONYMS.items():
        index = b.by_key.get(f"continent:{code}")
        if index is not None:
            for word in words:
                best.setdefault(normalize(word), (index, 0))
    b.demonyms = {key: index for key, (index, _) in best.items()}


def _demonym_forms(word: str) -> list[str]:
    if not word:
        return []
    # "Russians", "Israelis", "New Zealanders"; "Chinese", "British", "French" have no plural.
    return [word, word + "s"] if word.endswith(("n", "i", "er")) else [word]


def _add_extra(b: _Builder) -> None:
    required = {"key", "of", "name", "alt_names", "feature", "lat", "lon", "country_code",
                "admin1_code", "population"}
    for row in _read_csv(sources.EXTRA_CSV, required):
        alt_names = [n for n in row["alt_names"].split("|") if n]
        if row["of"]:
            index = b.by_key.get(row["of"])
            if index is None:
                raise GazetteerFormatError(
                    f"{sources.EXTRA_CSV}: row {row['key']!r} adds names to unknown place "
                    f"{row['of']!r}"
                )
            b.add_names(index, alt_names)
            continue
        try:
            lat, lon = float(row["lat"]), float(row["lon"])
            population = int(row["population"] or 0)
        except ValueError as exc:
            raise GazetteerFormatError(f"{sources.EXTRA_CSV}: row {row['key']!r}: {exc}") from exc
        place = (f"extra:{row['key']}", row["name"], lat, lon, row["feature"],
                 row["country_code"], row["admin1_code"], population, "", None)
        b.add_place(place, [row["name"], *alt_names])


def _add_settlements(b: _Builder) -> None:
    """Ukraine's codifier: official spellings as names of the GeoNames places, the villages
    GeoNames lacks, raions and hromadas (the last two at their administrative centre)."""
    if not sources.SETTLEMENTS_CSV.exists():
        return
    required = {"key", "of", "name", "alt_names", "feature", "lat", "lon", "country_code",
                "admin1_code", "level"}
    for row in _read_csv(sources.SETTLEMENTS_CSV, required):
        names = [row["name"], *filter(None, row["alt_names"].split("|"))]
        if row["of"]:
            index = b.by_key.get(row["of"])
            if index is not None:
                b.add_names(index, names)
            continue
        try:
            lat, lon = float(row["lat"]), float(row["lon"])
        except ValueError as exc:
            raise GazetteerFormatError(f"{sources.SETTLEMENTS_CSV}: row {row['key']!r}: {exc}; "
                                       "rebuild it with scripts/build_settlements.py") from exc
        place = (f"{SETTLEMENT_PREFIX}{row['key']}", row["name"], lat, lon, row["feature"],
                 row["country_code"], row["admin1_code"], 0, "", None)
        b.add_place(place, names)
