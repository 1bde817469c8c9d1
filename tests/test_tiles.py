"""An analyst's own basemap file: MBTiles and PMTiles unpacked into local tiles the map draws."""

from __future__ import annotations

import gzip
import io
import json
import math
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image
from test_maps import (
    ARTIFACTS,
    ROOT,
    _free_port,
    _two_places_a_kilometre_apart,
    _wait_for_port,
    opened_map,
    render,
)

from geo.cli import cli
from geo.maps import build_incident_map
from geo.tiles import TileArchiveError, add_tile_archive, list_tile_sets, remove_tile_set


def png(color: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (256, 256), color).save(out, format="PNG")
    return out.getvalue()


def make_mbtiles(path: Path, tiles: dict[tuple[int, int, int], bytes], *,
                 fmt: str = "png", attribution: str = "© OpenStreetMap contributors") -> Path:
    """An MBTiles file as the spec writes it: ``tiles`` keyed by XYZ, stored as TMS rows."""
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    db.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, "
                "tile_row INTEGER, tile_data BLOB)")
    db.executemany("INSERT INTO metadata VALUES (?, ?)", [
        ("name", "Kharkiv streets"), ("format", fmt), ("bounds", "35.9,49.8,36.5,50.2"),
        ("attribution", attribution)])
    db.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)",
                   [(z, x, (2**z - 1) - y, data) for (z, x, y), data in tiles.items()])
    db.commit()
    db.close()
    return path


def make_pmtiles(path: Path, tiles: dict[tuple[int, int, int], bytes]) -> Path:
    from pmtiles.tile import Compression, TileType, zxy_to_tileid
    from pmtiles.writer import Writer

    with path.open("wb") as f:
        writer = Writer(f)
        for (z, x, y), data in sorted(tiles.items(), key=lambda t: zxy_to_tileid(*t[0])):
            writer.write_tile(zxy_to_tileid(z, x, y), data)
        writer.finalize({
            "tile_type": TileType.PNG, "tile_compression": Compression.NONE,
            "min_zoom": min(z for z, _, _ in tiles), "max_zoom": max(z for z, _, _ in tiles),
            "min_lon_e7": int(22 * 1e7), "min_lat_e7": int(44 * 1e7),
            "max_lon_e7": int(40.5 * 1e7), "max_lat_e7": int(52.5 * 1e7),
            "center_zoom": 6, "center_lon_e7": int(31 * 1e7), "center_lat_e7": int(48.5 * 1e7),
        }, {"name": "Ukraine relief", "attribution": "<b>Relief</b> by the analyst"})
    return path


# ---------------------------------------------------------------- vector tiles, written here
# A Mapbox Vector Tile (https://github.com/mapbox/vector-tile-spec, version 2) is a small
# protocol buffer; these few lines write one, so the tests need no encoder package.


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        low, n = n & 0x7F, n >> 7
        out.append(low | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _field(number: int, payload: bytes | int) -> bytes:
    if isinstance(payload, int):
        return _varint(number << 3) + _varint(payload)
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _zigzag(n: int) -> int:
    return (n << 1) ^ (n >> 31)


def _geometry(kind: int, parts: list[list[tuple[int, int]]]) -> bytes:
    commands, x, y = [], 0, 0
    for part in parts:
        for i, (px, py) in enumerate(part):
            if i == 0:
                commands.append(1 | 1 << 3)  # MoveTo one point
            elif i == 1:
                commands.append(2 | (len(part) - 1) << 3)  # LineTo the rest
            commands += [_zigzag(px - x), _zigzag(py - y)]
            x, y = px, py
        if kind == 3:
            commands.append(7 | 1 << 3)  # ClosePath
    return b"".join(_varint(c) for c in commands)


def mvt(layers: dict[str, list[tuple[int, list[list[tuple[int, int]]], dict[str, str]]]]
        ) -> bytes:
    """A vector tile: layer name -> features (geometry type 1 point / 2 line / 3 polygon,
    parts in tile coordinates of extent 4096, string properties)."""
    tile = b""
    for name, features in layers.items():
        keys: list[str] = []
        values: list[str] = []
        body = _field(15, 2) + _field(1, name.encode())
        for kind, parts, props in features:
            tags = []
            for k, v in props.items():
                keys.append(k) if k not in keys else None
                values.append(v) if v not in values else None
                tags += [keys.index(k), values.index(v)]
            feature = (_field(2, b"".join(_varint(t) for t in tags)) + _field(3, kind)
                       + _field(4, _geometry(kind, parts)))
            body += _field(2, feature)
        body += b"".join(_field(3, k.encode()) for k in keys)
        body += b"".join(_field(4, _field(1, v.encode())) for v in values)
        body += _field(5, 4096)
        tile += _field(3, body)
    return tile


def tile_of(lat: float, lon: float, z: int) -> tuple[int, int]:
    n = 2**z
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return int((lon + 180) / 360 * n), int(y)


# An OpenMapTiles-style tile: the west half water, a road across, a town in the middle.
STREETS = mvt({
    "water": [(3, [[(0, 0), (2048, 0), (2048, 4096), (0, 4096)]], {"class": "lake"})],
    "transportation": [(2, [[(0, 3000), (4096, 3000)]], {"class": "primary"})],
    "place": [(1, [[(3000, 2048)]], {"class": "town", "name": "Testville"})],
})
OPENMAPTILES_LAYERS = json.dumps({"vector_layers": [
    {"id": "water"}, {"id": "transportation"}, {"id": "place"}]})


def make_vector_mbtiles(path: Path, tiles: dict[tuple[int, int, int], bytes]) -> Path:
    """As OpenStreetMap extracts come: gzipped vector tiles, their layers in ``json``."""
    make_mbtiles(path, {k: gzip.compress(v) for k, v in tiles.items()}, fmt="pbf")
    db = sqlite3.connect(path)
    db.execute("INSERT INTO metadata VALUES ('json', ?)", (OPENMAPTILES_LAYERS,))
    db.commit()
    db.close()
    return path


def test_a_vector_basemap_is_unpacked_uncompressed_with_its_layers_and_schema(tmp_path):
    static = tmp_path / "static"
    x, y = tile_of(49.99, 36.23, 6)
    archive = make_vector_mbtiles(tmp_path / "kharkiv-osm.mbtiles",
                                  {(6, x, y): STREETS, (5, x // 2, y // 2): STREETS,
                                   (6, x + 1, y): b"garbage, not a tile"})
    tile_set = add_tile_archive(archive, static_dir=static)
    assert tile_set.is_vector and tile_set.format == "pbf"
    assert tile_set.vector_layers == ("water", "transportation", "place")
    assert tile_set.schema == "openmaptiles"
    assert (tile_set.tiles, tile_set.skipped) == (2, 1)
    # Served as the browser reads it: no gzip (the static server sends no Content-Encoding).
    assert (static / "tiles" / "kharkiv-osm" / "6" / str(x) / f"{y}.pbf").read_bytes() == STREETS
    assert list_tile_sets(static) == [tile_set]  # read back from tiles.json, layers included


def test_a_vector_pmtiles_file_is_read_and_an_unknown_schema_is_drawn_generically(tmp_path):
    from pmtiles.tile import Compression, TileType, zxy_to_tileid
    from pmtiles.writer import Writer

    path = tmp_path / "rivers.pmtiles"
    tile = mvt({"rivers": [(2, [[(0, 0), (4096, 4096)]], {"name": "Udy"})]})
    with path.open("wb") as f:
        writer = Writer(f)
        writer.write_tile(zxy_to_tileid(0, 0, 0), gzip.compress(tile))
        writer.finalize({
            "tile_type": TileType.MVT, "tile_compression": Compression.GZIP,
            "min_zoom": 0, "max_zoom": 0, "min_lon_e7": -1800000000, "min_lat_e7": -850000000,
            "max_lon_e7": 1800000000, "max_lat_e7": 850000000, "center_zoom": 0,
            "center_lon_e7": 0, "center_lat_e7": 0,
        }, {"name": "Rivers", "vector_layers": [{"id": "rivers"}]})
    tile_set = add_tile_archive(path, static_dir=tmp_path / "static")
    assert tile_set.vector_layers == ("rivers",) and tile_set.schema == "generic"
    assert (tile_set.directory / "0" / "0" / "0.pbf").read_bytes() == tile


# Zoom 1 has four tiles; x=1, y=0 is the north-east one. Its TMS row is 1.
RED, BLUE = png((200, 30, 30)), png((30, 30, 200))


def test_mbtiles_rows_counted_from_the_south_land_at_the_xyz_tile_leaflet_asks_for(tmp_path):
    archive = make_mbtiles(tmp_path / "k.mbtiles", {(1, 1, 0): RED, (1, 0, 1): BLUE})
    tile_set = add_tile_archive(archive, static_dir=tmp_path / "static")
    assert (tile_set.directory / "1" / "1" / "0.png").read_bytes() == RED
    assert (tile_set.directory / "1" / "0" / "1.png").read_bytes() == BLUE
    assert tile_set.url_path == "tiles/k/{z}/{x}/{y}.png"  # the folder: the file's name
    assert (tile_set.name, tile_set.tiles, tile_set.min_zoom, tile_set.max_zoom) == \
        ("Kharkiv streets", 2, 1, 1)
    assert tile_set.bounds == (35.9, 49.8, 36.5, 50.2)
    assert list_tile_sets(tmp_path / "static") == [tile_set]


def test_a_pmtiles_basemap_is_unpacked_with_its_bounds_and_plain_text_attribution(tmp_path):
    archive = make_pmtiles(tmp_path / "relief.pmtiles",
                           {(0, 0, 0): BLUE, (1, 1, 0): RED, (2, 2, 1): BLUE})
    tile_set = add_tile_archive(archive, static_dir=tmp_path / "static")
    assert (tile_set.directory / "1" / "1" / "0.png").read_bytes() == RED
    assert (tile_set.directory / "2" / "2" / "1.png").read_bytes() == BLUE
    assert (tile_set.min_zoom, tile_set.max_zoom, tile_set.tiles) == (0, 2, 3)
    assert tile_set.bounds == pytest.approx((22, 44, 40.5, 52.5))
    assert tile_set.attribution == "Relief by the analyst"


def test_max_zoom_leaves_out_deeper_tiles(tmp_path):
    archive = make_pmtiles(tmp_path / "relief.pmtiles", {(0, 0, 0): BLUE, (2, 2, 1): RED})
    tile_set = add_tile_archive(archive, static_dir=tmp_path / "static", max_zoom=1)
    assert tile_set.tiles == 1 and not (tile_set.directory / "2").exists()


def test_a_tile_that_is_not_an_image_is_never_served(tmp_path):
    script = b"<script>alert(1)</script>"
    archive = make_mbtiles(tmp_path / "k.mbtiles", {(1, 1, 0): RED, (1, 0, 0): script})
    tile_set = add_tile_archive(archive, static_dir=tmp_path / "static")
    assert (tile_set.tiles, tile_set.skipped) == (1, 1)
    assert not (tile_set.directory / "1" / "0" / "0.png").exists()


@pytest.mark.parametrize("case", ["maplibre tiles", "not an archive", "no image at all",
                                  "vector file without a vector tile"])
def test_unusable_basemap_files_are_refused_with_the_reason_and_nothing_is_added(tmp_path,
                                                                                 case):
    static = tmp_path / "static"
    kept = add_tile_archive(make_mbtiles(tmp_path / "kept.mbtiles", {(0, 0, 0): RED}),
                            static_dir=static, name="kept")
    if case == "maplibre tiles":
        path = make_mbtiles(tmp_path / "m.mbtiles", {(0, 0, 0): b"MLT..."}, fmt="mlt")
        reason = "unknown tile format 'mlt'"
    elif case == "not an archive":
        path = tmp_path / "notes.mbtiles"
        path.write_text("a text file named like a basemap")
        reason = "neither an MBTiles"
    elif case == "no image at all":
        path = make_mbtiles(tmp_path / "odd.mbtiles", {(0, 0, 0): b"GIF89a...."})
        reason = "no PNG tile"
    else:
        path = make_mbtiles(tmp_path / "v.mbtiles", {(0, 0, 0): gzip.compress(b"<html>")},
                            fmt="pbf")
        reason = "no vector tile to draw"
    with pytest.raises(TileArchiveError, match=reason):
        add_tile_archive(path, static_dir=static)
    assert list_tile_sets(static) == [kept]
    assert [p.name for p in (static / "tiles").iterdir()] == ["kept"]  # no half-written set


def test_adding_a_file_again_replaces_its_set_and_remove_deletes_it(tmp_path):
    static = tmp_path / "static"
    archive = make_mbtiles(tmp_path / "k.mbtiles", {(1, 1, 0): RED})
    add_tile_archive(archive, static_dir=static)
    archive.unlink()
    make_mbtiles(archive, {(1, 1, 0): BLUE, (1, 0, 0): BLUE})
    again = add_tile_archive(archive, static_dir=static)
    assert len(list_tile_sets(static)) == 1 and again.tiles == 2
    assert (again.directory / "1" / "1" / "0.png").read_bytes() == BLUE
    assert remove_tile_set("k", static_dir=static)
    assert list_tile_sets(static) == [] and not remove_tile_set("k", static_dir=static)


def test_the_cli_adds_lists_and_refuses_by_name(tmp_path, monkeypatch):
    static = tmp_path / "static"
    monkeypatch.setattr("geo.tiles.STATIC_DIR", static)
    archive = make_mbtiles(tmp_path / "k.mbtiles", {(1, 1, 0): RED})
    runner = CliRunner()
    added = runner.invoke(cli, ["basemap", "add", str(archive), "--name", "Streets"])
    assert added.exit_code == 0, added.output
    assert "1 PNG tiles, zoom 1-1" in added.output
    described = json.loads((static / "tiles" / "streets" / "tiles.json").read_text())
    assert described["name"] == "Streets" and described["source"] == "k.mbtiles"
    assert "streets\tStreets" in runner.invoke(cli, ["basemap", "list"]).output
    bad = tmp_path / "bad.pmtiles"
    bad.write_bytes(b"\x00" * 200)
    refused = runner.invoke(cli, ["basemap", "add", str(bad)])
    assert refused.exit_code != 0 and "neither an MBTiles" in refused.output


@pytest.mark.browser
def tile_site(tmp_path: Path) -> tuple[Path, Path]:
    """A site folder whose ``static/`` has the app's vendored scripts, its own script and
    basemap, and room for unpacked tiles: (site, its static folder)."""
    site = tmp_path / "site"
    static = site / "static"
    static.mkdir(parents=True)
    for part in ("vendor", "js", "basemap"):
        (static / part).symlink_to(ROOT / "static" / part, target_is_directory=True)
    return site, static


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """``site`` served on 127.0.0.1 while in the block; yields its origin."""
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind",
                               "127.0.0.1"], cwd=site, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        _wait_for_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_map_draws_an_unpacked_basemap_from_the_local_server_only(tmp_path):
    site, static = tile_site(tmp_path)
    greens = {z: png((40, 120 + 30 * z, 60)) for z in range(4)}
    archive = make_pmtiles(tmp_path / "world.pmtiles", {
        (z, x, y): greens[z] for z in range(4) for x in range(2**z) for y in range(2**z)})
    tile_set = add_tile_archive(archive, static_dir=static, name="World <relief>")
    m = build_incident_map(_two_places_a_kilometre_apart(), asset_base="/static/vendor",
                           tile_sets=list_tile_sets(static))
    (site / "tiles.html").write_text(render(m), encoding="utf-8")
    requests: list[str] = []
    errors: list[str] = []
    tiles_at = """(zoom) => new Promise(done => {
        const map = window[Object.keys(window).find(k => k.startsWith('map_'))];
        map.setView([49, 32], zoom, {animate: false});
        setTimeout(() => done(Array.from(document.querySelectorAll(
            '.leaflet-userTiles-pane img.leaflet-tile-loaded')).map(
            i => [i.getAttribute('src'), i.naturalWidth])), 1500);
    })"""
    with serve(site) as origin:
        with opened_map(tmp_path, f"{origin}/tiles.html", errors=errors,
                        requests=requests) as page:
            at_3 = page.evaluate(tiles_at, 3)
            page.screenshot(path=str(ARTIFACTS / "map_user_tiles.png"))
            at_6 = page.evaluate(tiles_at, 6)  # beyond the file's last zoom: stretched
            control = page.evaluate(
                "() => document.querySelector('.leaflet-control-layers').textContent")
    assert errors == []
    # Only the tiles inside the file's bounds (Ukraine: one tile at zoom 3) are asked for.
    assert len(at_3) == 1 and all(w == 256 for _, w in at_3)
    assert all(src.startswith(f"/static/tiles/{tile_set.directory.name}/3/") for src, _ in at_3)
    assert len(at_6) >= 1 and all(f"/{tile_set.directory.name}/3/" in src for src, _ in at_6)
    assert "World <relief> (your file, offline)" in control  # the name shown as text
    assert [u for u in requests if not u.startswith(origin + "/")] == []


def test_the_map_draws_a_vector_basemap_file_in_the_browser_from_the_local_server(tmp_path):
    site, static = tile_site(tmp_path)
    tiles = {}
    for z in (5, 6, 7):
        x, y = tile_of(49.99, 36.23, z)
        tiles[(z, x, y)] = STREETS
    tile_set = add_tile_archive(make_vector_mbtiles(tmp_path / "kharkiv.mbtiles", tiles),
                                static_dir=static)
    m = build_incident_map(_two_places_a_kilometre_apart(), asset_base="/static/vendor",
                           tile_sets=list_tile_sets(static), labels=False)
    (site / "vector.html").write_text(render(m), encoding="utf-8")
    requests: list[str] = []
    errors: list[str] = []
    # The colour drawn at a spot of the map, read from the vector layer's canvases.
    colour_at = """([lat, lon]) => {
        const map = window[Object.keys(window).find(k => k.startsWith('map_'))];
        const p = map.latLngToContainerPoint([lat, lon]);
        const box = map.getContainer().getBoundingClientRect();
        for (const c of document.querySelectorAll('.leaflet-userTiles-pane canvas')) {
            const r = c.getBoundingClientRect();
            const x = box.left + p.x - r.left, y = box.top + p.y - r.top;
            if (x < 0 || y < 0 || x >= r.width || y >= r.height) continue;
            const px = c.getContext('2d').getImageData(
                Math.floor(x * c.width / r.width), Math.floor(y * c.height / r.height),
                1, 1).data;
            return [px[0], px[1], px[2], px[3]];
        }
        return null;
    }"""
    with serve(site) as origin:
        with opened_map(tmp_path, f"{origin}/vector.html", errors=errors,
                        requests=requests) as page:
            page.evaluate("""() => new Promise(done => {
                const map = window[Object.keys(window).find(k => k.startsWith('map_'))];
                map.setView([49.99, 36.23], 7, {animate: false});
                setTimeout(done, 2500);
            })""")
            page.screenshot(path=str(ARTIFACTS / "map_user_vector_tiles.png"))
            x, y = tile_of(49.99, 36.23, 6)  # the data zoom of view zoom 7
            n = 2**6
            west = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * (y + 0.5) / n))))
            lon_water = x / n * 360 - 180 + 360 / n / 4  # a quarter into the tile: water
            water = page.evaluate(colour_at, [west, lon_water])
            control = page.evaluate(
                "() => document.querySelector('.leaflet-control-layers').textContent")
    assert errors == []
    pbf = [u for u in requests if u.endswith(".pbf")]
    assert pbf and all(u.startswith(f"{origin}/static/tiles/{tile_set.directory.name}/")
                       for u in pbf)
    assert any(u.endswith("protomaps-leaflet.js") for u in requests)
    assert [u for u in requests if not u.startswith(origin + "/")] == []
    # The water polygon is painted in the map's sea colour (#c9dfee).
    assert water is not None and water[3] == 255
    assert all(abs(a - b) <= 3 for a, b in zip(water[:3], (0xC9, 0xDF, 0xEE), strict=True))
    assert "Kharkiv streets (your file, offline)" in control


# ---------------------------------------------------------------- borders files (GeoJSON)
# Second-level units as analysts get them: geoBoundaries names a unit ``shapeName``, OCHA's
# COD-AB carries every level's name (``ADM2_EN`` beside ``ADM1_EN``), GADM ``NAME_2``.


def _square(west: float, south: float, size: float) -> list[list[list[float]]]:
    return [[[west, south], [west + size, south], [west + size, south + size],
             [west, south + size], [west, south]]]


def borders_file(path: Path, features: list[dict]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}),
                    encoding="utf-8")
    return path


KHARKIV_RAIONS = [
    {"type": "Feature", "properties": {"ADM0_EN": "Ukraine", "ADM1_EN": "Kharkivska",
                                       "ADM2_EN": "Kharkivskyi", "ADM2_PCODE": "UA6312",
                                       "Shape_Area": 0.41},
     "geometry": {"type": "Polygon", "coordinates": _square(35.8123456789, 49.7, 0.8)}},
    {"type": "Feature", "properties": {"ADM0_EN": "Ukraine", "ADM1_EN": "Kharkivska",
                                       "ADM2_EN": "Chuhuivskyi"},
     "geometry": {"type": "MultiPolygon", "coordinates": [_square(36.6, 49.6, 0.6),
                                                          _square(37.3, 49.6, 0.2)]}},
    # Not a border: a seat marked as a point, a feature with a position off the globe, and
    # one with no geometry at all.
    {"type": "Feature", "properties": {"ADM2_EN": "Kharkiv (seat)"},
     "geometry": {"type": "Point", "coordinates": [36.23, 49.99]}},
    {"type": "Feature", "properties": {"ADM2_EN": "Broken"},
     "geometry": {"type": "Polygon", "coordinates": _square(200.0, 49.0, 1.0)}},
    {"type": "Feature", "properties": {"ADM2_EN": "Nothing"}, "geometry": None},
]


def test_a_borders_file_keeps_each_units_outline_and_own_name_and_nothing_else(tmp_path):
    static = tmp_path / "static"
    added = add_tile_archive(borders_file(tmp_path / "ukr_adm2.geojson", KHARKIV_RAIONS),
                             static_dir=static, name="Raions")
    assert added.is_borders and added.tiles == 2 and added.skipped == 3
    assert added.url_path == "tiles/raions/borders.geojson"
    west, south, east, north = added.bounds
    assert (west, south) == pytest.approx((35.8123456789, 49.6))
    assert (east, north) == pytest.approx((37.5, 50.5))
    written = json.loads((static / added.url_path).read_text(encoding="utf-8"))
    units = written["features"]
    # The unit's own level named, not the oblast it lies in; every other property dropped.
    assert [u["properties"] for u in units] == [{"name": "Kharkivskyi"},
                                                {"name": "Chuhuivskyi"}]
    assert [u["geometry"]["type"] for u in units] == ["Polygon", "MultiPolygon"]
    assert units[0]["geometry"]["coordinates"][0][0] == [35.81235, 49.7]
    assert list_tile_sets(static) == [added]


def test_geoboundaries_and_gadm_unit_names_are_read(tmp_path):
    static = tmp_path / "static"
    outline = {"type": "Polygon", "coordinates": _square(30.0, 50.0, 0.5)}
    added = add_tile_archive(borders_file(tmp_path / "geoBoundaries-UKR-ADM2.geojson", [
        {"type": "Feature", "geometry": outline,
         "properties": {"shapeName": "Buchanskyi raion", "shapeISO": "", "shapeGroup": "UKR"}},
        {"type": "Feature", "geometry": outline,
         "properties": {"GID_2": "UKR.11.2_1", "NAME_1": "Kiev", "NAME_2": "Borodianka"}},
    ]), static_dir=static)
    units = json.loads((static / added.url_path).read_text(encoding="utf-8"))["features"]
    assert [u["properties"]["name"] for u in units] == ["Buchanskyi raion", "Borodianka"]
    assert added.name == "geoboundaries-ukr-adm2"


@pytest.mark.parametrize("case", ["broken json", "points only", "a bare geometry"])
def test_an_unusable_borders_file_is_refused_with_the_reason_and_nothing_is_added(tmp_path,
                                                                                 case):
    static = tmp_path / "static"
    kept = add_tile_archive(borders_file(tmp_path / "kept.geojson", KHARKIV_RAIONS[:1]),
                            static_dir=static)
    path = tmp_path / "units.geojson"
    if case == "broken json":
        path.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
        reason = "not a GeoJSON file"
    elif case == "points only":
        borders_file(path, KHARKIV_RAIONS[2:3])
        reason = r"no polygon or line to draw as a border \(1 features without one\)"
    else:
        path.write_text(json.dumps(KHARKIV_RAIONS[0]["geometry"]), encoding="utf-8")
        reason = "not a GeoJSON FeatureCollection"
    with pytest.raises(TileArchiveError, match=reason):
        add_tile_archive(path, static_dir=static)
    assert list_tile_sets(static) == [kept]
    assert [p.name for p in (static / "tiles").iterdir()] == ["kept"]


def test_borders_too_large_to_serve_are_refused_with_a_way_to_simplify_them(tmp_path,
                                                                           monkeypatch):
    monkeypatch.setattr("geo.tiles.MAX_BORDERS_BYTES", 200)  # Streamlit's 200 MB, scaled
    with pytest.raises(TileArchiveError, match="more than the .* simplify them first"):
        add_tile_archive(borders_file(tmp_path / "adm2.geojson", KHARKIV_RAIONS),
                         static_dir=tmp_path / "static")
    assert list_tile_sets(tmp_path / "static") == []


def test_the_cli_adds_a_borders_file_and_lists_it_as_borders(tmp_path, monkeypatch):
    static = tmp_path / "static"
    monkeypatch.setattr("geo.tiles.STATIC_DIR", static)
    runner = CliRunner()
    added = runner.invoke(cli, ["basemap", "add", str(borders_file(
        tmp_path / "adm2.geojson", KHARKIV_RAIONS)), "--name", "Raions"])
    assert added.exit_code == 0, added.output
    assert "Raions: 2 borders" in added.output
    assert "3 features without a polygon or line left out" in added.output
    listed = runner.invoke(cli, ["basemap", "list"]).output
    assert "raions\tRaions\t2 borders\tover every basemap\tfrom adm2.geojson" in listed


def test_the_map_draws_a_borders_file_over_the_basemap_from_the_local_server(tmp_path):
    site, static = tile_site(tmp_path)
    add_tile_archive(make_pmtiles(tmp_path / "world.pmtiles", {
        (z, x, y): png((40, 120 + 30 * z, 60)) for z in range(3) for x in range(2**z)
        for y in range(2**z)}), static_dir=static, name="Relief")
    add_tile_archive(borders_file(tmp_path / "adm2.geojson", KHARKIV_RAIONS),
                     static_dir=static, name="Raions <adm2>")
    m = build_incident_map(_two_places_a_kilometre_apart(), asset_base="/static/vendor",
                           tile_sets=list_tile_sets(static), labels=False)
    (site / "borders.html").write_text(render(m), encoding="utf-8")
    requests: list[str] = []
    errors: list[str] = []
    # Pixels painted on the borders pane's canvas: the raion outlines, nothing else there
    # (labels=False leaves out the first-level borders).
    inked = """() => new Promise(done => {
        const map = window[Object.keys(window).find(k => k.startsWith('map_'))];
        map.setView([50.1, 36.4], 8, {animate: false});
        setTimeout(() => {
            let n = 0;
            for (const c of document.querySelectorAll('.leaflet-borders-pane canvas')) {
                const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                for (let i = 3; i < px.length; i += 4) { if (px[i] > 0) n++; }
            }
            done(n);
        }, 1500);
    })"""
    with serve(site) as origin:
        with opened_map(tmp_path, f"{origin}/borders.html", errors=errors,
                        requests=requests) as page:
            ink = page.evaluate(inked)
            page.screenshot(path=str(ARTIFACTS / "map_user_borders.png"))
            control = page.evaluate(
                "() => document.querySelector('.leaflet-control-layers').textContent")
            basemap_tiles = page.evaluate("() => document.querySelectorAll("
                                          "'.leaflet-userTiles-pane img.leaflet-tile-loaded')"
                                          ".length")
    assert errors == []
    assert f"{origin}/static/tiles/raions-adm2/borders.geojson" in requests
    assert [u for u in requests if not u.startswith(origin + "/")] == []
    # Two raions' outlines at zoom 8 are hundreds of pixels of dotted line.
    assert ink > 300
    # Drawn over the basemap, which stays: the borders are an overlay, not a basemap.
    assert basemap_tiles >= 1
    assert "Raions <adm2> (your borders, offline)" in control
