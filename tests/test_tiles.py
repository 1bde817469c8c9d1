"""An analyst's own basemap file: MBTiles and PMTiles unpacked into local tiles the map draws."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
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


@pytest.mark.parametrize("case", ["vector", "not an archive", "no image at all"])
def test_unusable_basemap_files_are_refused_with_the_reason_and_nothing_is_added(tmp_path,
                                                                                 case):
    static = tmp_path / "static"
    kept = add_tile_archive(make_mbtiles(tmp_path / "kept.mbtiles", {(0, 0, 0): RED}),
                            static_dir=static, name="kept")
    if case == "vector":
        path = make_mbtiles(tmp_path / "v.mbtiles", {(0, 0, 0): b"\x1f\x8b\x08gzipped pbf"},
                            fmt="pbf")
        reason = "vector tiles"
    elif case == "not an archive":
        path = tmp_path / "notes.mbtiles"
        path.write_text("a text file named like a basemap")
        reason = "neither an MBTiles"
    else:
        path = make_mbtiles(tmp_path / "odd.mbtiles", {(0, 0, 0): b"GIF89a...."})
        reason = "no PNG tile"
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
def test_the_map_draws_an_unpacked_basemap_from_the_local_server_only(tmp_path):
    site = tmp_path / "site"
    static = site / "static"
    static.mkdir(parents=True)
    for part in ("vendor", "basemap"):
        (static / part).symlink_to(ROOT / "static" / part, target_is_directory=True)
    greens = {z: png((40, 120 + 30 * z, 60)) for z in range(4)}
    archive = make_pmtiles(tmp_path / "world.pmtiles", {
        (z, x, y): greens[z] for z in range(4) for x in range(2**z) for y in range(2**z)})
    tile_set = add_tile_archive(archive, static_dir=static, name="World <relief>")
    m = build_incident_map(_two_places_a_kilometre_apart(), asset_base="/static/vendor",
                           tile_sets=list_tile_sets(static))
    (site / "tiles.html").write_text(render(m), encoding="utf-8")
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind",
                               "127.0.0.1"], cwd=site, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    origin = f"http://127.0.0.1:{port}"
    requests: list[str] = []
    errors: list[str] = []
    tiles_at = """(zoom) => new Promise(done => {
        const map = window[Object.keys(window).find(k => k.startsWith('map_'))];
        map.setView([49, 32], zoom, {animate: false});
        setTimeout(() => done(Array.from(document.querySelectorAll(
            '.leaflet-userTiles-pane img.leaflet-tile-loaded')).map(
            i => [i.getAttribute('src'), i.naturalWidth])), 1500);
    })"""
    try:
        _wait_for_port(port)
        with opened_map(tmp_path, f"{origin}/tiles.html", errors=errors,
                        requests=requests) as page:
            at_3 = page.evaluate(tiles_at, 3)
            page.screenshot(path=str(ARTIFACTS / "map_user_tiles.png"))
            at_6 = page.evaluate(tiles_at, 6)  # beyond the file's last zoom: stretched
            control = page.evaluate(
                "() => document.querySelector('.leaflet-control-layers').textContent")
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert errors == []
    # Only the tiles inside the file's bounds (Ukraine: one tile at zoom 3) are asked for.
    assert len(at_3) == 1 and all(w == 256 for _, w in at_3)
    assert all(src.startswith(f"/static/tiles/{tile_set.directory.name}/3/") for src, _ in at_3)
    assert len(at_6) >= 1 and all(f"/{tile_set.directory.name}/3/" in src for src, _ in at_6)
    assert "World <relief> (your file, offline)" in control  # the name shown as text
    assert [u for u in requests if not u.startswith(origin + "/")] == []
