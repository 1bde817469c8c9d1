"""An analyst's own places: GeoNames dumps and CSV files imported into a gazetteer pack.

``python -m geo gazetteer add FILE...`` calls ``import_places``. Accepted:

* GeoNames dumps as downloaded (https://download.geonames.org/export/dump/): ``UA.zip``,
  ``allCountries.zip`` or their tab-separated ``.txt`` (19 columns: geonameid, name,
  asciiname, alternatenames, latitude, longitude, feature class, feature code, country code,
  cc2, admin1 code, admin2, admin3, admin4, population, elevation, dem, timezone, date).
  Zips are read member by member, line by line, never whole into memory.
* A CSV of one's own places with at least ``name,lat,lon`` and optionally ``alt_names``
  (``|``-separated), ``feature``, ``country_code``, ``admin1_code``, ``population``.

Each file becomes one pack, ``<pack dir>/<file stem>.csv`` (the pack directory is
``$GEO_GAZETTEER_DIR`` or ``data/gazetteer_user/``); ``geo.gazetteer.index`` reads every pack into
the index, so the new places are used by every stage. Names of a place GeoNames already gave
the index (same geonameid, a first-level region's code) are added to that place instead of
making a second one: an ``UA.zip`` brings ACLED's transliterations ("Pobieda") to the towns
the index knows, and raions (``ADM2``) as places of their own.

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "mine.csv").write_text("name,lat,lon\\nCamp Zulu,48.1,37.2\\n")
    >>> import_places([d / "mine.csv"], pack_dir=d / "packs")
    [PackReport(source='mine.csv', pack='mine.csv', places=1, skipped=0)]
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from geo.errors import GazetteerFormatError
from geo.gazetteer.build import usable_alternates
from geo.records import FeatureKind

#: Columns of a pack file, in order.
PACK_COLUMNS = ("key", "of", "name", "alt_names", "feature", "lat", "lon", "country_code",
                "admin1_code", "population")
_GEONAMES_COLUMNS = 19
# GeoNames feature classes to the index's kinds. Countries and first-level regions are
# already in the index: their names are added to them.
_FEATURE_CLASSES = {"P": "city", "H": "water", "T": "area", "L": "area", "V": "area",
                    "U": "water", "S": "landmark", "R": "landmark"}
_ALTERNATES_MIN_POPULATION = 1000


@dataclass(frozen=True)
class PackReport:
    """What one imported file gave."""

    source: str
    pack: str
    places: int
    skipped: int


def import_places(paths: list[Path], *, pack_dir: Path) -> list[PackReport]:
    """Convert GeoNames dumps or place CSVs into gazetteer packs.

    Args:
        paths: the files.
        pack_dir: where packs are written (one CSV per file, replaced if it exists).

    Returns:
        One report per file.

    Raises:
        GazetteerFormatError: a file is neither format; the message names it and why.
    """
    pack_dir.mkdir(parents=True, exist_ok=True)
    reports = []
    for path in paths:
        rows, skipped = _convert(path)
        pack = pack_dir / f"{_slug(path.stem)}.csv"
        tmp = pack.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(PACK_COLUMNS)
            writer.writerows(rows)
        tmp.replace(pack)
        reports.append(PackReport(source=path.name, pack=pack.name, places=len(rows),
                                  skipped=skipped))
    return reports


def _slug(stem: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-") or "places"


def _convert(path: Path) -> tuple[list[tuple], int]:
    if not path.is_file():
        raise GazetteerFormatError(f"{path}: no such file")
    if path.suffix.lower() == ".zip":
        return _from_geonames(_zip_lines(path), path)
    if path.suffix.lower() == ".csv":
        return _from_csv(path)
    return _from_geonames(_text_lines(path), path)


def _zip_lines(path: Path) -> Iterator[str]:
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.namelist() if m.endswith(".txt")
                       and "readme" not in m.lower()]
            if not members:
                raise GazetteerFormatError(f"{path}: the zip holds no GeoNames .txt file")
            for member in members:
                with archive.open(member) as raw:
                    yield from io.TextIOWrapper(raw, encoding="utf-8")
    except zipfile.BadZipFile as exc:
        raise GazetteerFormatError(f"{path}: not a readable zip ({exc})") from exc


def _text_lines(path: Path) -> Iterator[str]:
    try:
        with path.open(encoding="utf-8") as fh:
            yield from fh
    except UnicodeDecodeError as exc:
        raise GazetteerFormatError(f"{path}: not UTF-8 text, as GeoNames dumps are") from exc


def _from_geonames(lines: Iterator[str], path: Path) -> tuple[list[tuple], int]:
    rows, skipped = [], 0
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.rstrip("\n").split("\t")
        if len(cols) != _GEONAMES_COLUMNS:
            raise GazetteerFormatError(
                f"{path}: line {n} has {len(cols)} tab-separated columns, a GeoNames dump has "
                f"{_GEONAMES_COLUMNS}; for your own places use a CSV with name,lat,lon")
        gid, name, _ascii, alternates, lat, lon, fclass, fcode, cc = cols[:9]
        admin1, population = cols[10], cols[14]
        try:
            lat_f, lon_f, pop = float(lat), float(lon), int(population or 0)
        except ValueError:
            skipped += 1
            continue
        names = _alternates(alternates.split(","), pop, fclass)
        a1 = f"{cc}.{admin1}" if admin1 else ""
        if fcode.startswith("PCL"):
            rows.append((f"geonames-{gid}", f"country:{cc}", "", "|".join(names), "", "", "",
                         "", "", ""))
        elif fcode == "ADM1":
            rows.append((f"geonames-{gid}", f"admin1:{a1}", "", "|".join(names | {name}), "",
                         "", "", "", "", ""))
        elif fclass in _FEATURE_CLASSES or fclass == "A":
            feature = "area" if fclass == "A" else _FEATURE_CLASSES[fclass]
            rows.append((f"geonames-{gid}", f"gn:{gid}?", name, "|".join(names - {name}),
                         feature, lat_f, lon_f, cc, a1, pop))
        else:
            skipped += 1
    return rows, skipped


def _alternates(names: list[str], population: int, feature_class: str) -> set[str]:
    # As for the bundled cities: alternates of small villages are mostly other languages'
    # spellings; places that are not villages keep theirs.
    if feature_class == "P" and population < _ALTERNATES_MIN_POPULATION:
        return set()
    return usable_alternates(names)


def _from_csv(path: Path) -> tuple[list[tuple], int]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = {"name", "lat", "lon"} - set(reader.fieldnames or ())
            if missing:
                raise GazetteerFormatError(
                    f"{path}: a places CSV needs the columns name, lat, lon "
                    f"(missing: {', '.join(sorted(missing))})")
            rows, skipped = [], 0
            for n, row in enumerate(reader, 1):
                try:
                    lat, lon = float(row["lat"]), float(row["lon"])
                    population = int(row.get("population") or 0)
                except (TypeError, ValueError):
                    skipped += 1
                    continue
                if not (row.get("name") or "").strip() or not (
                        -90 <= lat <= 90 and -180 <= lon <= 180):
                    skipped += 1
                    continue
                rows.append((f"{_slug(path.stem)}-{n}", "", row["name"].strip(),
                             row.get("alt_names") or "",
                             FeatureKind.of(row.get("feature") or "landmark").value,
                             lat, lon, (row.get("country_code") or "").upper(),
                             row.get("admin1_code") or "", population))
    except UnicodeDecodeError as exc:
        raise GazetteerFormatError(f"{path}: not UTF-8 text") from exc
    except csv.Error as exc:
        raise GazetteerFormatError(f"{path}: malformed CSV ({exc})") from exc
    return rows, skipped
