"""An analyst's own basemap file (MBTiles or PMTiles, raster or vector) used with no network.

The dashboard serves files only from ``static/`` (Streamlit's static serving, 200 MB per file,
no custom routes), so an archive is unpacked once into ``static/tiles/<name>/{z}/{x}/{y}.<ext>``
and the map draws it from there:

    python -m geo basemap add ukraine-osm.mbtiles [--max-zoom 12]

Each unpacked set carries a ``tiles.json`` (:class:`TileSet`); the map offers every set in its
layer control, the most recently added one shown. Raster tiles (PNG, JPEG, WebP) are drawn as
an ordinary tile layer. Vector tiles (Mapbox Vector Tiles, as OpenStreetMap extracts come) are
unpacked uncompressed (``.pbf``) and drawn in the browser by the vendored protomaps-leaflet
(``static/vendor/protomaps-leaflet``): with the Protomaps basemap style when the file follows
the Protomaps schema, an OpenStreetMap style for the OpenMapTiles schema, and a plain style of
every layer the file lists otherwise (:attr:`TileSet.schema`). Tiles are checked against
their format's signature: a tile that is not an image (or, for vector files, not a vector
tile) is skipped and counted, never served.

MBTiles (https://github.com/mapbox/mbtiles-spec) is SQLite with rows in the TMS scheme (row 0
at the south); PMTiles v3 (https://github.com/protomaps/PMTiles) is read with the ``pmtiles``
package. Both give tiles in the XYZ scheme Leaflet asks for.

Borders the bundled basemap lacks (second-level units: raions, districts, counties) come the
same way, from a GeoJSON file the analyst has (geoBoundaries, OCHA's COD-AB, GADM, an
OpenStreetMap export):

    python -m geo basemap add ukraine-adm2.geojson --name Raions

Its polygons and lines are kept (coordinates rounded to about a metre, each unit's name
kept as ``name``, every other property dropped) in ``static/tiles/<name>/borders.geojson``,
and the map draws them as an overlay of thin lines over any basemap, only where it looks.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import json
import re
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from geo.errors import GeoError

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
TILES_SUBDIR = "tiles"
MAX_TILE_ZOOM = 22
# The signatures of the raster formats a browser draws, and the file extension each is
# served under (Streamlit's static serving sets the content type from it).
_SIGNATURES = {
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "webp": (b"RIFF",),
}
_FORMAT_NAMES = {"png": "png", "jpg": "jpg", "jpeg": "jpg", "webp": "webp", "pbf": "pbf",
                 "geojson": "geojson"}
_VECTOR_FORMATS = {"pbf", "mvt"}
# A vector tile is a protocol buffer of layers (field 3, length-delimited): its first byte.
# An empty tile (no layer) is valid and is kept: it says there is nothing there.
_VECTOR_START = b"\x1a"
# The layers that identify a vector tile schema (the file lists its layers in its metadata).
_SCHEMAS = {"protomaps": {"earth", "roads", "places"},
            "openmaptiles": {"transportation", "place", "water"}}
# A borders file: the geometries a border is drawn from, and the decimals kept (5: about a
# metre, far below a line's width at the deepest zoom; it halves a typical export's size).
BORDERS_FILE = "borders.geojson"
_BORDER_GEOMETRIES = {"Polygon": 2, "MultiPolygon": 3, "LineString": 1, "MultiLineString": 2}
_BORDER_DECIMALS = 5
# Streamlit serves no static file above 200 MB.
MAX_BORDERS_BYTES = 200 * 1024 * 1024
# Where each common source keeps a unit's name, most specific first: geoBoundaries
# (shapeName), OCHA COD-AB (ADM2_EN), GADM (NAME_2), Natural Earth and OpenStreetMap (name).
_NAME_KEYS = re.compile(r"^(shapeName|ADM\d_EN|NAME_\d|name:en|name_en|NAME_EN|name|NAME)$")


class TileArchiveError(GeoError, ValueError):
    """A basemap file cannot be used: unreadable, not MBTiles/PMTiles, an unknown tile
    format (MapLibre tiles), empty."""


@dataclass(frozen=True)
class TileSet:
    """An unpacked basemap, as its ``tiles.json`` describes it.

    ``directory`` is its folder under ``static/tiles/``; ``url_path`` the tile URL template
    relative to the static root (``tiles/<name>/{z}/{x}/{y}.png``); ``bounds`` west, south,
    east, north in degrees (``None``: the whole world); ``attribution`` plain text;
    ``vector_layers`` the layer names a vector file lists (empty for raster files).
    """

    name: str
    directory: Path
    format: str
    min_zoom: int
    max_zoom: int
    bounds: tuple[float, float, float, float] | None
    attribution: str
    tiles: int
    skipped: int
    source: str
    added: str
    vector_layers: tuple[str, ...] = ()

    @property
    def url_path(self) -> str:
        if self.is_borders:
            return f"{TILES_SUBDIR}/{self.directory.name}/{BORDERS_FILE}"
        return f"{TILES_SUBDIR}/{self.directory.name}/{{z}}/{{x}}/{{y}}.{self.format}"

    @property
    def is_borders(self) -> bool:
        """A borders overlay (from GeoJSON), drawn over the basemap, not instead of it;
        ``tiles`` counts its units."""
        return self.format == "geojson"

    @property
    def is_vector(self) -> bool:
        return self.format == "pbf"

    @property
    def schema(self) -> str:
        """How a vector file is drawn: ``protomaps`` or ``openmaptiles`` when its layers are
        those schemas', else ``generic`` (every listed layer in a plain style); ``raster``."""
        if self.is_borders:
            return "borders"
        if not self.is_vector:
            return "raster"
        layers = set(self.vector_layers)
        for name, marks in _SCHEMAS.items():
            if len(layers & marks) >= 2:
                return name
        return "generic"


def tiles_dir(static_dir: Path | None = None) -> Path:
    """Where unpacked basemaps live: ``static/tiles/`` (``static_dir`` for tests)."""
    return (static_dir or STATIC_DIR) / TILES_SUBDIR


def add_tile_archive(path: Path, *, static_dir: Path | None = None, name: str | None = None,
                     max_zoom: int | None = None) -> TileSet:
    """Unpack ``path`` (``.mbtiles`` or ``.pmtiles``) under ``static/tiles/<folder>/``, the
    folder named after ``name`` or the file (``ukraine-osm.mbtiles`` → ``ukraine-osm``); the
    layer is called by ``name``, else the archive's own name, else the folder's.

    The set appears whole or not at all: it is written beside the others under a temporary
    name and renamed into place, replacing a set of the same name.

    Raises:
        TileArchiveError: the file is missing, not an archive of either kind, holds tiles of
            an unknown format or holds no drawable tile.
    """
    path = Path(path)
    if not path.is_file():
        raise TileArchiveError(f"{path}: no such file")
    if _looks_like_json(path):
        return _add_borders(path, static_dir=static_dir, name=name)
    reader = _reader_for(path)
    meta = reader.metadata()
    fmt = meta["format"]
    top = min(meta["max_zoom"], max_zoom if max_zoom is not None else MAX_TILE_ZOOM)
    slug = _slug(name or path.stem)
    root, work = _work_dir(static_dir, slug)
    written = skipped = 0
    low = high = None
    try:
        for z, x, y, data in reader.tiles():
            if z > top:
                continue
            if not 0 <= x < 2**z or not 0 <= y < 2**z:
                skipped += 1
                continue
            if fmt == "pbf":
                data = _vector_tile(data)
                if data is None:
                    skipped += 1  # not a vector tile: never served
                    continue
            elif not data.startswith(_SIGNATURES[fmt]):
                skipped += 1  # not an image of the archive's format: never served
                continue
            target = work / str(z) / str(x) / f"{y}.{fmt}"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            written += 1
            low = z if low is None else min(low, z)
            high = z if high is None else max(high, z)
        if not written:
            raise TileArchiveError(
                f"{path.name}: no {'vector' if fmt == 'pbf' else fmt.upper()} tile to draw"
                + (f" up to zoom {top}" if max_zoom is not None else "")
                + (f" ({skipped} tiles were not images)" if skipped else ""))
        tile_set = TileSet(
            name=name or meta["name"] or slug, directory=root / slug, format=fmt,
            min_zoom=int(low), max_zoom=int(high), bounds=meta["bounds"],
            attribution=meta["attribution"], tiles=written, skipped=skipped,
            source=path.name, added=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            vector_layers=tuple(meta.get("vector_layers", ())) if fmt == "pbf" else ())
        _put_in_place(work, tile_set)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    finally:
        reader.close()
    return tile_set


def _work_dir(static_dir: Path | None, slug: str) -> tuple[Path, Path]:
    """The tiles folder and an empty folder beside the sets to write a new one in."""
    root = tiles_dir(static_dir)
    root.mkdir(parents=True, exist_ok=True)
    work = root / f".unpacking-{slug}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    return root, work


def _put_in_place(work: Path, tile_set: TileSet) -> None:
    """Describe the set written in ``work`` and rename it into place, replacing a set of the
    same name: readers see the old set or the new one, never half of one."""
    described = dataclasses.asdict(tile_set)
    described.pop("directory")
    (work / "tiles.json").write_text(json.dumps(described, indent=1), encoding="utf-8")
    final = tile_set.directory
    old = final.parent / f".replaced-{final.name}"
    if final.exists():
        shutil.rmtree(old, ignore_errors=True)
        final.rename(old)
    work.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def _looks_like_json(path: Path) -> bool:
    with path.open("rb") as f:
        head = f.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"{")


def _add_borders(path: Path, *, static_dir: Path | None, name: str | None) -> TileSet:
    """A GeoJSON file of units as a borders overlay (see the module docstring)."""
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise TileArchiveError(f"{path.name}: not a GeoJSON file ({exc})") from exc
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        features = data.get("features")
    elif isinstance(data, dict) and data.get("type") == "Feature":
        features = [data]
    else:
        features = None
    if not isinstance(features, list):
        raise TileArchiveError(f"{path.name}: not a GeoJSON FeatureCollection")
    kept, skipped = [], 0
    bounds = [180.0, 90.0, -180.0, -90.0]
    for feature in features:
        border = _border(feature, bounds)
        if border is None:
            skipped += 1
        else:
            kept.append(border)
    if not kept:
        raise TileArchiveError(f"{path.name}: no polygon or line to draw as a border"
                               + (f" ({skipped} features without one)" if skipped else ""))
    text = json.dumps({"type": "FeatureCollection", "features": kept},
                      separators=(",", ":"), ensure_ascii=False)
    if len(text.encode("utf-8")) > MAX_BORDERS_BYTES:
        raise TileArchiveError(
            f"{path.name}: its borders take {len(text) / 1e6:.0f} MB, more than the "
            f"{MAX_BORDERS_BYTES // 2**20} MB the dashboard can serve; simplify them first "
            "(for example `mapshaper FILE -simplify 10% -o out.geojson`)")
    slug = _slug(name or path.stem)
    root, work = _work_dir(static_dir, slug)
    try:
        (work / BORDERS_FILE).write_text(text, encoding="utf-8")
        tile_set = TileSet(
            name=name or slug, directory=root / slug, format="geojson", min_zoom=0,
            max_zoom=MAX_TILE_ZOOM, bounds=_bounds(bounds), attribution="", tiles=len(kept),
            skipped=skipped, source=path.name,
            added=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
        _put_in_place(work, tile_set)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return tile_set


def _border(feature: object, bounds: list[float]) -> dict | None:
    """A feature reduced to its geometry (rounded) and name; None when it has no polygon or
    line with valid coordinates. ``bounds`` (west, south, east, north) grows to cover it."""
    if not isinstance(feature, dict) or not isinstance(feature.get("geometry"), dict):
        return None
    geometry = feature["geometry"]
    depth = _BORDER_GEOMETRIES.get(geometry.get("type"))
    if depth is None:
        return None
    try:
        coordinates = _rounded(geometry.get("coordinates"), depth, bounds)
    except (TypeError, ValueError):
        return None
    props = feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
    names = sorted((k for k in props if _NAME_KEYS.match(str(k)) and props[k]),
                   key=_name_rank)
    return {"type": "Feature",
            "properties": {"name": str(props[names[0]])[:200]} if names else {},
            "geometry": {"type": geometry["type"], "coordinates": coordinates}}


def _name_rank(key: str) -> tuple[int, int]:
    """Which name to keep: the listed sources in order, the deepest level first (a unit's
    own ``ADM2_EN`` before the ``ADM1_EN`` of the region it lies in)."""
    order = ["shapeName", "ADM", "NAME_", "name:en", "name_en", "NAME_EN", "name", "NAME"]
    for rank, prefix in enumerate(order):
        if key == prefix or (prefix in ("ADM", "NAME_") and key.startswith(prefix)
                             and key[len(prefix)].isdigit()):
            level = int(key[len(prefix)]) if prefix in ("ADM", "NAME_") else 0
            return rank, -level
    return len(order), 0


def _rounded(coordinates: object, depth: int, bounds: list[float]) -> list:
    """``coordinates`` nested ``depth`` lists deep above [lon, lat] positions, rounded; a
    position out of range or a list of the wrong shape raises ValueError."""
    if not isinstance(coordinates, list) or not coordinates:
        raise ValueError("empty or not a list")
    if depth == 0:
        lon, lat = (float(v) for v in coordinates[:2])
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValueError("position out of range")
        bounds[0], bounds[1] = min(bounds[0], lon), min(bounds[1], lat)
        bounds[2], bounds[3] = max(bounds[2], lon), max(bounds[3], lat)
        return [round(lon, _BORDER_DECIMALS), round(lat, _BORDER_DECIMALS)]
    return [_rounded(c, depth - 1, bounds) for c in coordinates]


def list_tile_sets(static_dir: Path | None = None) -> list[TileSet]:
    """The unpacked basemaps, most recently added first; unreadable descriptions are skipped."""
    root = tiles_dir(static_dir)
    sets = []
    for described in sorted(root.glob("*/tiles.json")) if root.is_dir() else []:
        if described.parent.name.startswith("."):
            continue
        try:
            data = json.loads(described.read_text(encoding="utf-8"))
            bounds = data.get("bounds")
            sets.append(TileSet(
                name=str(data["name"]), directory=described.parent,
                format=_FORMAT_NAMES[str(data["format"])], min_zoom=int(data["min_zoom"]),
                max_zoom=int(data["max_zoom"]),
                bounds=tuple(float(v) for v in bounds) if bounds else None,
                attribution=str(data.get("attribution") or ""), tiles=int(data["tiles"]),
                skipped=int(data.get("skipped", 0)), source=str(data.get("source", "")),
                added=str(data.get("added", "")),
                vector_layers=tuple(str(v) for v in data.get("vector_layers", ()))))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return sorted(sets, key=lambda s: s.added, reverse=True)


def remove_tile_set(name: str, *, static_dir: Path | None = None) -> bool:
    """Delete an unpacked basemap by its folder name; ``False`` when there is none."""
    target = tiles_dir(static_dir) / _slug(name)
    if not (target / "tiles.json").is_file():
        return False
    shutil.rmtree(target)
    return True


# --------------------------------------------------------------------------- readers


class _Archive:
    def metadata(self) -> dict:
        raise NotImplementedError

    def tiles(self) -> Iterator[tuple[int, int, int, bytes]]:
        raise NotImplementedError

    def close(self) -> None:
        pass


def _reader_for(path: Path) -> _Archive:
    with path.open("rb") as f:
        head = f.read(16)
    if head.startswith(b"PMTiles"):
        return _PMTiles(path)
    if head.startswith(b"SQLite format 3\x00"):
        return _MBTiles(path)
    raise TileArchiveError(f"{path.name}: neither an MBTiles (SQLite) nor a PMTiles file")


def _tile_format(declared: str, sample: bytes | None, source: str) -> str:
    declared = declared.lower().strip()
    if declared in _VECTOR_FORMATS or (sample or b"").startswith(b"\x1f\x8b"):
        return "pbf"
    if declared in _FORMAT_NAMES:
        return _FORMAT_NAMES[declared]
    for fmt, signatures in _SIGNATURES.items():
        if sample is not None and sample.startswith(signatures):
            return fmt
    raise TileArchiveError(f"{source}: unknown tile format {declared!r}; raster (PNG, JPEG, "
                           "WebP) and Mapbox Vector Tiles can be drawn")


def _vector_tile(data: bytes) -> bytes | None:
    """A vector tile as the browser reads it (uncompressed: the static server sends no
    Content-Encoding), or None when it is not one."""
    if data.startswith(b"\x1f\x8b"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError):
            return None
    return data if not data or data.startswith(_VECTOR_START) else None


def _vector_layers(described: object) -> list[str]:
    """The layer names of a TileJSON-style description (``{"vector_layers": [{"id": ...}]}``),
    as MBTiles' ``json`` metadata row and PMTiles' metadata carry it."""
    if isinstance(described, str):
        try:
            described = json.loads(described)
        except ValueError:
            return []
    layers = described.get("vector_layers") if isinstance(described, dict) else None
    return [str(layer["id"]) for layer in layers or []
            if isinstance(layer, dict) and layer.get("id")][:200]


def _bounds(values: list[float] | None) -> tuple[float, float, float, float] | None:
    if not values or len(values) != 4:
        return None
    west, south, east, north = (float(v) for v in values)
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        return None
    return west, south, east, north


class _MBTiles(_Archive):
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            self.meta = dict(self.db.execute("SELECT name, value FROM metadata").fetchall())
            self.sample = self.db.execute("SELECT tile_data FROM tiles LIMIT 1").fetchone()
        except sqlite3.DatabaseError as exc:
            raise TileArchiveError(f"{path.name}: not an MBTiles file ({exc})") from exc

    def metadata(self) -> dict:
        meta = self.meta
        sample = bytes(self.sample[0]) if self.sample else None
        try:
            bounds = _bounds([float(v) for v in str(meta.get("bounds", "")).split(",")])
        except ValueError:
            bounds = None
        return {"format": _tile_format(str(meta.get("format", "")), sample, self.path.name),
                "name": str(meta.get("name", "")), "attribution": _text(meta.get("attribution")),
                "bounds": bounds, "max_zoom": MAX_TILE_ZOOM,
                "vector_layers": _vector_layers(meta.get("json"))}

    def tiles(self) -> Iterator[tuple[int, int, int, bytes]]:
        rows = self.db.execute("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles")
        for z, x, row, data in rows:
            z, x, row = int(z), int(x), int(row)
            yield z, x, (2**z - 1) - row, bytes(data)  # TMS rows count from the south

    def close(self) -> None:
        self.db.close()


class _PMTiles(_Archive):
    def __init__(self, path: Path) -> None:
        from pmtiles.reader import MmapSource, Reader
        from pmtiles.tile import Compression

        self.path = path
        self.file = path.open("rb")
        try:
            self.get_bytes = MmapSource(self.file)
            self.reader = Reader(self.get_bytes)
            self.header = self.reader.header()
            self.extra = self.reader.metadata()
        except Exception as exc:  # the package raises plain errors for damaged files
            self.file.close()
            raise TileArchiveError(f"{path.name}: not a readable PMTiles file ({exc})") from exc
        self.gzip = self.header["tile_compression"] == Compression.GZIP

    def metadata(self) -> dict:
        tile_type = self.header["tile_type"].name.lower()
        h = self.header
        bounds = _bounds([h["min_lon_e7"] / 1e7, h["min_lat_e7"] / 1e7,
                          h["max_lon_e7"] / 1e7, h["max_lat_e7"] / 1e7])
        return {"format": _tile_format(tile_type, None, self.path.name),
                "name": str(self.extra.get("name", "")) if isinstance(self.extra, dict) else "",
                "attribution": _text(self.extra.get("attribution"))
                if isinstance(self.extra, dict) else "",
                "bounds": bounds, "max_zoom": int(h["max_zoom"]),
                "vector_layers": _vector_layers(self.extra)}

    def tiles(self) -> Iterator[tuple[int, int, int, bytes]]:
        from pmtiles.reader import all_tiles

        for (z, x, y), data in all_tiles(self.get_bytes):
            yield int(z), int(x), int(y), gzip.decompress(data) if self.gzip else bytes(data)

    def close(self) -> None:
        self.file.close()


def _text(value: object) -> str:
    """An archive's attribution as plain text: its HTML tags dropped (it is escaped again
    where it is shown)."""
    return re.sub(r"<[^>]*>", "", str(value or "")).strip()[:300]


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60]
    return slug or "basemap"
