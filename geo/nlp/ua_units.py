"""Which raion and hromada of Ukraine holds a place, from the codifier (KATOTTG) codes.

A coder's note may qualify a village by its raion as well as its oblast ("Yakovlivka,
Bakhmutskyi district, Donetsk"): the oblast holds several Yakovlivkas, the raion one. The
codifier's code says where a unit sits: ``UA`` + oblast (2 digits) + raion (2) + hromada (3)
+ settlement (3) + a serial, so a raion's villages share its first 6 characters and a
hromada's its first 9. ``data/ua_settlements.csv`` (``scripts/build_settlements.py``) gives
each gazetteer place its code: the codifier's own places by their key, the GeoNames places it
names by its ``of`` column.

Example:
    >>> unit_prefix("ua:UA14020000000013572", "area")  # Bakhmutskyi raion
    'UA1402'
    >>> unit_prefix("gn:709717", "city")  # a town is no unit
    ''
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

SETTLEMENTS = Path(__file__).resolve().parents[2] / "data" / "ua_settlements.csv"
_PREFIX = "ua:"
_CODE_LENGTH = 19  # "UA" and 17 digits


def unit_prefix(key: str, feature: str) -> str:
    """The code prefix of the places inside a raion or hromada (by its gazetteer key), or ""
    when the place is no such unit."""
    code = key[len(_PREFIX):] if key.startswith(_PREFIX) else ""
    if feature != "area" or len(code) != _CODE_LENGTH:
        return ""
    if code[4:6] != "00" and code[6:12] == "000000":
        return code[:6]  # a raion
    if code[6:9] != "000" and code[9:12] == "000":
        return code[:9]  # a hromada
    return ""


def in_unit(key: str, prefix: str) -> bool:
    """Whether the place of this gazetteer key lies in the unit of this code prefix."""
    return any(code.startswith(prefix) for code in _codes().get(key, ()))


def official_name(key: str) -> str:
    """The codifier's own name of the place of this gazetteer key (its official spelling,
    ACLED's), normalised by the caller's rules; "" when the codifier does not name it."""
    return _names().get(key, "")


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    found: dict[str, str] = {}
    if not SETTLEMENTS.exists():
        return {}
    with SETTLEMENTS.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["of"]:
                found[row["of"]] = row["name"]
    return found


@lru_cache(maxsize=1)
def _codes() -> dict[str, tuple[str, ...]]:
    """Each gazetteer key's codifier codes (a GeoNames place may stand for more than one)."""
    found: dict[str, list[str]] = {}
    if not SETTLEMENTS.exists():
        return {}
    with SETTLEMENTS.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            found.setdefault(row["of"] or f"{_PREFIX}{row['key']}", []).append(row["key"])
    return {key: tuple(codes) for key, codes in found.items()}
