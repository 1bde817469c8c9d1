"""ACLED's naming, kept as data: ``data/acled/*.csv`` (armed groups, country names, the periods
of governments), each file opening with ``#`` lines that say where it comes from; and the
names of states' forces made from it ("Military Forces of Russia (2000-)").

Example:
    >>> rows = acled_rows("state_periods")
    >>> next(r["period"] for r in rows if r["iso2"] == "RU")
    '2000-'
"""

from __future__ import annotations

import csv
import re
from functools import cache, lru_cache
from pathlib import Path

from geo.records import Actor

ACLED_DATA = Path(__file__).resolve().parents[2] / "data" / "acled"


@cache
def acled_rows(name: str) -> tuple[dict[str, str], ...]:
    """The rows of ``data/acled/<name>.csv``, its ``#`` provenance lines skipped."""
    with (ACLED_DATA / f"{name}.csv").open(encoding="utf-8") as fh:
        return tuple(csv.DictReader(line for line in fh if not line.startswith("#")))


def acled_country_name(country_code: str, name: str) -> str:
    """The country's name as ACLED writes it in actor names ("Democratic Republic of Congo"
    where GeoNames has "Democratic Republic of the Congo"); ``name`` for every other."""
    return _acled_country_names().get(country_code.upper(), name)


@lru_cache(maxsize=1)
def _acled_country_names() -> dict[str, str]:
    return {r["iso2"]: r["acled_name"] for r in acled_rows("countries")}


@lru_cache(maxsize=1)
def _state_periods() -> dict[str, str]:
    """ACLED's actor names carry the period of the government in office (data file)."""
    return {r["iso2"]: r["period"] for r in acled_rows("state_periods")}


def state_force_country(name: str, country_names: dict[str, str]) -> str:
    """The ISO code of the state whose forces ``name`` is ("Military Forces of Russia
    (2000-) Air Force" -> "RU"); "" for any other actor. ``country_names``: code -> name."""
    m = re.match(r"(?:Military|Police) Forces of (.+?)(?: \(\d{4}-\d{0,4}\))?(?: Air Force)?$",
                 name)
    if m is None:
        return ""
    wanted = m.group(1)
    return next((code for code, country in country_names.items()
                 if acled_country_name(code, country) == wanted), "")


def military_of(country_code: str, country_name: str, event_country: str) -> Actor:
    """A state's military forces as ACLED names them (inter 8 outside its own country)."""
    return _military_of(country_code, country_name, event_country)


def _military_of(country_code: str, country_name: str, event_country: str) -> Actor:
    country_name = acled_country_name(country_code, country_name)
    period = _state_periods().get(country_code)
    name = f"Military Forces of {country_name}" + (f" ({period})" if period else "")
    return Actor(name, 8 if event_country and country_code != event_country else 1)
