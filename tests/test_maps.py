"""The offline incident map: local assets only, escaped data, one point layer, real drawing."""

from __future__ import annotations

import csv
import hashlib
import html
import math
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import folium
import folium.plugins
import pandas as pd
import pytest
from folium.elements import JSCSSMixin

from geo import maps
from geo.maps import build_incident_map, event_type_colors, load_basemap, map_asset_paths

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
XSS = "<img src=x onerror=alert(1)>"
ASSET_BASE = "/app/static/vendor"
STATIC = "/app/static/"  # the vendored libraries, and the map's own script
MAP_JS = ROOT / "static" / "js" / "incident_map.js"


def locations(n: int, *, first_name: str = "Kherson") -> pd.DataFrame:
    """``n`` plausible locations spread over Ukraine, deterministic."""
    types = list(event_type_colors())
    rows = []
    for i in range(n):
        rows.append(
            {
                "location_id": f"loc{i}",
                "location": first_name if i == 0 else f"Place {i}",
                "admin1": "Kherson" if i % 2 else "Donetsk",
                "country_code": "UA",
                "lat": 46.0 + (i * 7919 % 5000) / 1000,
                "lon": 24.0 + (i * 104729 % 15000) / 1000,
                "incidents": 1 + i % 40,
                "fatalities": i % 7,
                "reports": 1 + i % 5,
                "main_event_type": types[i % len(types)],
            }
        )
    return pd.DataFrame(rows, columns=list(maps.REQUIRED_COLUMNS))


def walk(element) -> Iterator:
    """Every element below ``element`` (folium keeps children in ``_children``)."""
    yield element
    for child in element._children.values():
        yield from walk(child)


def point_layers(m: folium.Map) -> list[folium.GeoJson]:
    """GeoJson layers whose features are points (the incident layer)."""
    return [
        e
        for e in walk(m)
        if isinstance(e, folium.GeoJson)
        and any(f["geometry"]["type"] == "Point" for f in e.data.get("features", []))
    ]


def render(m: folium.Map) -> str:
    return m.get_root().render()


# --------------------------------------------------------------------------- offline assets


def test_rendered_html_loads_no_remote_js_or_css():
    m = build_incident_map(
        locations(400),
        regions=pd.DataFrame({"code": ["UA.08"], "incidents": [3]}),
        cluster=True,
        heatmap=True,
    )
    page = render(m)
    tags = re.findall(r'<script[^>]+src="([^"]+)"', page)
    tags += re.findall(r'<link[^>]+href="([^"]+)"', page)
    assert tags, "expected script and stylesheet tags"
    assert all(url.startswith(STATIC) for url in tags), tags
    remote_assets = [
        url
        for url in re.findall(r"(?:https?:)?//[^\s\"'<>)]+", page)
        if re.search(r"\.(?:js|css)(?:[?#]|$)", url)
    ]
    assert remote_assets == []
    # Online tiles exist only as URL templates in the layer control, not shown at start.
    assert "tile.openstreetmap.org" in page
    assert not any(isinstance(e, folium.TileLayer) and e.show for e in walk(m)), (
        "no tile layer may be shown by default"
    )


def test_st_folium_gets_only_local_links():
    """st_folium does not use the rendered page: it collects ``default_js``/``default_css`` from
    every element itself (streamlit_folium.st_folium's ``walk``), so those must be local too."""
    m = build_incident_map(
        locations(400), regions=pd.DataFrame({"code": ["UA.08"], "incidents": [3]})
    )
    links = [
        url
        for e in walk(m)
        if isinstance(e, JSCSSMixin)
        for _, url in [*e.default_js, *e.default_css]
    ]
    assert {url.rsplit("/", 1)[-1] for url in links} >= {
        "leaflet.js",
        "jquery.min.js",
        "leaflet.css",
        "leaflet.markercluster.js",
        "leaflet-heat.js",
    }
    assert all(url.startswith(STATIC) for url in links), links


def test_asset_files_exist_with_licences():
    paths = map_asset_paths()
    assert paths
    for rel in paths:
        assert (ROOT / rel).is_file(), rel
        assert rel.startswith("static/vendor/") or rel.startswith(("static/js/", "static/css/"))
    page = render(build_incident_map(locations(400), cluster=True))
    for url in re.findall(r'(?:src|href)="([^"]+)"', page):
        rel = "static/" + url.removeprefix(STATIC).split("?")[0]
        assert rel in paths, url
    for library in ("leaflet", "leaflet.markercluster", "jquery", "leaflet.heat"):
        assert (ROOT / "static" / "vendor" / library / "LICENSE").is_file(), library


def test_asset_base_is_configurable():
    page = render(build_incident_map(locations(3), asset_base="/assets/vendor/"))
    assert '<script src="/assets/vendor/leaflet/leaflet.js"></script>' in page
    assert '"/assets/vendor/leaflet/images/"' in page  # L.Icon.Default.imagePath
    assert '<script src="/assets/js/incident_map.js?v=' in page


def test_the_maps_own_script_is_a_static_file_the_page_only_calls():
    """The map's behaviour is ``static/js/incident_map.js``, versioned by its content so a
    browser never runs a stale copy; the page passes names and settings as arguments."""
    page = render(build_incident_map(locations(5), view_in_url=True, draw_box=True,
                                     selected="loc1"))
    [version] = re.findall(r'<script src="/app/static/js/incident_map\.js\?v=([0-9a-f]+)"',
                           page)
    assert version == hashlib.sha256(MAP_JS.read_text(encoding="utf-8").encode()).hexdigest()[:12]
    for call in ("geoMap.setup(", "geoMap.inViewGeoJson(", "geoMap.placeLabels(",
                 "geoMap.spreadOverlaps(", "geoMap.labelLayout(", "geoMap.drawBox(",
                 "geoMap.panel(", "geoMap.viewInUrl(", "(geoMap.pointFeature)("):
        assert call in page, call
        name = re.search(r"geoMap\.(\w+)", call).group(1)
        assert f"{name}: {name}" in MAP_JS.read_text(encoding="utf-8"), call
    # No logic is written into the page: none of the file's code is there.
    for code in ("ResizeObserver", "fitBounds", "replaceState", "textContent"):
        assert code in MAP_JS.read_text() and code not in page, code
    # Its styles are written into the page's head.
    assert ".incident-legend {" in page and ".place-label {" in page


# --------------------------------------------------------------------------- escaping


def test_data_strings_are_escaped_everywhere():
    frame = locations(3, first_name=XSS)
    frame.loc[1, "admin1"] = "<script>alert(2)</script>"
    frame.loc[2, "main_event_type"] = "<b>odd</b>"
    m = build_incident_map(frame, regions=pd.DataFrame({"code": ["UA.08"], "incidents": [1]}))
    page = render(m)
    assert XSS not in page
    assert "<script>alert(2)</script>" not in page
    assert "<b>odd</b>" not in page
    [layer] = point_layers(m)
    tooltips = {
        f["properties"]["location_id"]: f["properties"]["tooltip"] for f in layer.data["features"]
    }
    assert html.escape(XSS) in tooltips["loc0"]
    assert XSS not in tooltips["loc0"]
    assert "&lt;script&gt;" in tooltips["loc1"]
    assert "&lt;b&gt;odd&lt;/b&gt;" in tooltips["loc2"]
    # Unknown event types are drawn grey rather than rejected.
    styles = {
        f["properties"]["location_id"]: f["properties"]["style"] for f in layer.data["features"]
    }
    assert styles["loc2"]["fillColor"] == maps.OTHER_COLOR


def test_legend_lists_every_event_type():
    m = build_incident_map(locations(3))
    [legend] = [e for e in walk(m) if isinstance(e, maps._Legend)]
    for event_type, color in event_type_colors().items():
        assert html.escape(event_type) in legend.html
        assert color in legend.html
    assert set(event_type_colors()) == {
        "Battles",
        "Explosions/Remote violence",
        "Violence against civilians",
        "Protests",
        "Riots",
        "Strategic developments",
    }


# --------------------------------------------------------------------------- structure


def test_ten_thousand_locations_are_one_clustered_layer():
    m = build_incident_map(locations(10_000))
    [layer] = point_layers(m)
    assert len(layer.data["features"]) == 10_000
    # Never one folium object per location: no markers at all besides the GeoJson.
    assert not [e for e in walk(m) if isinstance(e, folium.Marker | folium.CircleMarker)]
    clusters = [e for e in walk(m) if isinstance(e, folium.plugins.MarkerCluster)]
    assert len(clusters) == 1 and layer._parent is clusters[0]
    assert len(render(m)) > 0


def test_small_maps_are_not_clustered_unless_asked():
    m = build_incident_map(locations(20))
    assert not [e for e in walk(m) if isinstance(e, folium.plugins.MarkerCluster)]
    assert point_layers(m)[0]._parent is m
    forced = build_incident_map(locations(20), cluster=True)
    assert [e for e in walk(forced) if isinstance(e, folium.plugins.MarkerCluster)]


def test_point_features_carry_location_id_and_sqrt_sizes():
    frame = locations(3)
    frame["incidents"] = [1, 4, 100]
    m = build_incident_map(frame)
    [layer] = point_layers(m)
    features = {f["properties"]["location_id"]: f for f in layer.data["features"]}
    assert set(features) == {"loc0", "loc1", "loc2"}
    radii = [features[k]["properties"]["style"]["radius"] for k in ("loc0", "loc1", "loc2")]
    assert radii[0] < radii[1] < radii[2] == maps.MAX_RADIUS
    lon, lat = features["loc0"]["geometry"]["coordinates"]
    assert (lat, lon) == (pytest.approx(frame.loc[0, "lat"]), pytest.approx(frame.loc[0, "lon"]))
    by_fatalities = point_layers(build_incident_map(frame, size_by="fatalities"))[0]
    assert by_fatalities.data["features"][0]["properties"]["style"]["radius"] == maps.MIN_RADIUS


def test_a_village_placed_at_its_hromada_centre_is_drawn_and_told_as_approximate(gazetteer):
    frame = locations(2)
    (village,) = [gazetteer.place(i) for i in gazetteer.lookup("virnopillia")]
    frame.loc[1, ["location_id", "location"]] = [village.key, village.name]
    [layer] = point_layers(build_incident_map(frame))
    features = {f["properties"]["location_id"]: f["properties"] for f in layer.data["features"]}
    assert "dashArray" in features[village.key]["style"]
    assert "approximate" in features[village.key]["tooltip"]
    assert "dashArray" not in features["loc0"]["style"]
    assert "approximate" not in features["loc0"]["tooltip"]


def test_only_a_map_that_asks_writes_its_view_into_the_page_url():
    assert "geoMap.viewInUrl(" in render(build_incident_map(locations(3), view_in_url=True))
    assert "geoMap.viewInUrl(" not in render(build_incident_map(locations(3)))


def test_selected_location_is_highlighted():
    m = build_incident_map(locations(5), selected="loc3")
    [layer] = point_layers(m)
    selected = [f for f in layer.data["features"] if f["properties"].get("selected")]
    assert [f["properties"]["location_id"] for f in selected] == ["loc3"]
    assert selected[0]["properties"]["style"]["weight"] == 3
    [ring] = [e for e in walk(m) if isinstance(e, folium.CircleMarker)]
    assert ring.options["interactive"] is False  # clicks go to the point under it
    row = locations(5).loc[3]
    assert ring.location == [pytest.approx(row["lat"]), pytest.approx(row["lon"])]


def test_default_layers_and_visibility():
    m = build_incident_map(
        locations(5),
        regions=pd.DataFrame({"code": ["UA.08", "UA.05", "XX.99"], "incidents": [2, 9, 4]}),
    )
    layers = {e.layer_name: e for e in walk(m) if isinstance(e, folium.map.Layer)}
    assert layers["Offline basemap"].show and not layers["Offline basemap"].overlay
    # Fetched by the browser from the static file: neither written into the map nor parsed.
    assert layers["Offline basemap"].data is None
    assert "basemap/countries.geojson" in render(m)
    # The world's borders are drawn only where the map looks, on a canvas.
    borders = layers["First-level borders"]
    assert borders.data is None and not borders.control and "basemap/admin1.geojson" in render(m)
    assert "geoMap.inViewGeoJson(" in render(m) and "map.getBounds().pad(0.5)" in (
        MAP_JS.read_text(encoding="utf-8"))
    assert not layers["OpenStreetMap (online)"].show
    assert not layers["CARTO Positron (online)"].show
    assert layers["Heatmap"].overlay and not layers["Heatmap"].show
    regions = layers["Regions (incidents)"]
    assert regions.overlay and not regions.show
    assert sorted(f["properties"]["code"] for f in regions.data["features"]) == ["UA.05", "UA.08"]
    assert [e for e in walk(m) if isinstance(e, folium.LayerControl)]
    page = render(m)
    assert '"maxZoom": 18' in page


def test_heatmap_can_be_left_out():
    m = build_incident_map(locations(5), heatmap=False)
    assert not [e for e in walk(m) if isinstance(e, folium.plugins.HeatMap)]


def test_empty_map_shows_ukraine():
    m = build_incident_map(locations(0))
    [setup] = [e for e in walk(m) if type(e).__name__ == "_MapSetup"]
    assert setup.bounds == maps.UKRAINE_BOUNDS  # what the map frames
    assert len(point_layers(m)) == 0  # an empty collection has no point features
    assert render(m)


def test_rows_without_coordinates_are_skipped():
    frame = locations(3)
    frame.loc[1, "lat"] = float("nan")
    [layer] = point_layers(build_incident_map(frame))
    assert [f["properties"]["location_id"] for f in layer.data["features"]] == ["loc0", "loc2"]


def test_bad_input_is_rejected():
    with pytest.raises(ValueError, match="missing columns: main_event_type"):
        build_incident_map(locations(2).drop(columns="main_event_type"))
    with pytest.raises(ValueError, match="size_by"):
        build_incident_map(locations(2), size_by="location")
    with pytest.raises(ValueError, match="code"):
        build_incident_map(locations(2), regions=pd.DataFrame({"region": ["x"]}))


def test_module_does_not_import_streamlit():
    paths = sorted((ROOT / "geo" / "maps").glob("*.py"))
    assert paths
    for path in paths:
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(import|from)\s+streamlit", source, re.MULTILINE), path


# --------------------------------------------------------------------------- bundled data


def test_admin1_csv_and_basemap_agree():
    with open(ROOT / "data" / "admin1.csv", encoding="utf-8") as fh:
        rows = {r["code"]: r for r in csv.DictReader(fh)}
    assert {"UA.08", "UA.02", "UA.05", "UA.14", "BY.01", "US.DC", "FR.53"} <= set(rows)
    assert rows["UA.08"]["name"] == "Kherson"
    assert rows["BY.01"]["name"] == "Brest"
    assert rows["FR.53"]["name"] == "Brittany"
    assert rows["UA.11"]["country_code"] == rows["UA.20"]["country_code"] == "UA"
    shapes = maps.load_admin1_shapes()
    assert set(shapes) == set(rows)
    assert shapes["UA.11"]["properties"]["country_code"] == "UA"
    countries = {f["properties"]["name"]: f for f in load_basemap()["features"]}
    assert countries["Ukraine"]["properties"]["iso2"] == "UA"
    for path in (maps.ADMIN1_GEOJSON, maps.COUNTRIES_GEOJSON):
        assert path.stat().st_size < 4.5e6, path


# --------------------------------------------------------------------------- in a browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"http.server did not start on port {port}")


@pytest.fixture
def served_dir(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A directory served on 127.0.0.1 with ``static/`` linked in; yields (dir, base URL)."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "static").symlink_to(ROOT / "static", target_is_directory=True)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=site,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port)
        yield site, f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.mark.browser
def test_map_draws_offline_in_chromium(served_dir, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("Debian chromium is not installed")
    site, origin = served_dir
    n_points = 40
    frame = locations(n_points, first_name=XSS)
    pages = {
        "map.html": build_incident_map(
            frame,
            asset_base="/static/vendor",
            selected="loc5",
            regions=pd.DataFrame({"code": ["UA.08", "UA.05"], "incidents": [4, 30]}),
        ),
        "cluster.html": build_incident_map(locations(2_000), asset_base="/static/vendor"),
    }
    for name, m in pages.items():
        (site / name).write_text(render(m), encoding="utf-8")

    requests: list[str] = []
    errors: list[str] = []
    dialogs: list[str] = []
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1100, "height": 750},
        )
        try:
            context.on("request", lambda r: requests.append(r.url))
            page = context.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

            page.goto(f"{origin}/map.html")
            page.wait_for_selector(".leaflet-overlay-pane path.leaflet-interactive", timeout=20_000)
            drawn = page.evaluate(
                """(landColor) => ({
                    points: document.querySelectorAll(
                        '.leaflet-overlay-pane path.leaflet-interactive').length,
                    land: document.querySelectorAll('.leaflet-basemap-pane canvas').length,
                    ring: document.querySelectorAll('.leaflet-selection-pane path').length,
                    legend: document.querySelector('.incident-legend').innerText,
                    sea: getComputedStyle(document.querySelector('.folium-map')).backgroundColor,
                })""",
                maps.LAND_COLOR,
            )
            assert drawn["points"] == n_points
            assert drawn["land"] == 1  # the countries, on one canvas
            assert drawn["ring"] == 1
            assert "Battles" in drawn["legend"] and "Protests" in drawn["legend"]
            sea = tuple(int(maps.SEA_COLOR[i : i + 2], 16) for i in (1, 3, 5))
            assert drawn["sea"] == f"rgb({sea[0]}, {sea[1]}, {sea[2]})"

            # The first point carries the hostile name: it shows as text, never as an element.
            page.locator(".leaflet-overlay-pane path.leaflet-interactive").first.hover(force=True)
            page.locator(".leaflet-tooltip").first.wait_for(timeout=5_000)
            tooltip = page.evaluate(
                "() => { const ts = Array.from(document.querySelectorAll('.leaflet-tooltip'));"
                " return [ts.map(t => t.innerText).join('\\n'),"
                " ts.reduce((n, t) => n + t.querySelectorAll('img, script').length, 0)]; }"
            )
            # The basemap reads: rivers and lakes, first-level borders, place names by zoom,
            # named incidents.
            page.wait_for_selector(".place-label", timeout=10_000)
            furniture = page.evaluate(
                """() => {
                    // folium's layers are page globals: the in-view layers, land, water and
                    // borders
                    const drawn = Object.keys(window)
                        .filter(k => k.startsWith('in_view_geo_json_'))
                        .map(k => window[k].getLayers().length);
                    return {
                    land: drawn[0], water: drawn[1], borders: drawn[2],
                    places: document.querySelectorAll('.place-label').length,
                    named: document.querySelectorAll('.leaflet-tooltip.incident-label').length,
                }; }"""
            )
            # Only what is near the view is drawn: Ukraine's neighbourhood, not the world's
            # 240 countries and 3,427 regions.
            assert 5 < furniture["land"] < 120 and 20 < furniture["borders"] < 1500
            assert 20 < furniture["water"] < 3000  # of the world's 13,700 rivers and lakes
            assert furniture["places"] > 10
            # No place name runs into another, at the framing zoom and zoomed out to Europe.
            for zoom in (None, 3):
                if zoom is not None:
                    page.evaluate("""(zoom) => new Promise(done => {
                        const map = window[Object.keys(window).find(k => k.startsWith('map_'))];
                        map.once('zoomend', () => setTimeout(done, 50));
                        map.setZoom(zoom, {animate: false}); })""", zoom)
                overlaps = page.evaluate(
                    """() => {
                        const boxes = Array.from(document.querySelectorAll('.place-label'))
                            .map(e => e.getBoundingClientRect());
                        let n = 0;
                        for (let i = 0; i < boxes.length; i++) {
                            for (let j = 0; j < i; j++) {
                                const a = boxes[i], b = boxes[j];
                                if (a.left < b.right && b.left < a.right && a.top < b.bottom
                                    && b.top < a.bottom) { n++; }
                            }
                        }
                        return [n, boxes.length]; }""")
                assert overlaps[0] == 0 and overlaps[1] > 5, (zoom, overlaps)
            # Moving the map draws what comes into view: South America's land, rivers and
            # borders.
            moved = page.evaluate(
                """() => new Promise(done => {
                    const map = window[Object.keys(window).find(k => k.startsWith('map_'))];
                    const layers = Object.keys(window)
                        .filter(k => k.startsWith('in_view_geo_json_')).map(k => window[k]);
                    map.once('moveend', () => setTimeout(() => done(
                        layers.map(l => l.getLayers().length)), 50));
                    map.setView([-15, -55], 4, {animate: false});
                })"""
            )
            assert moved[0] > furniture["land"] + 5 and moved[1] > furniture["water"] + 20
            assert moved[2] > furniture["borders"] + 20
            assert furniture["named"] == maps.LABELLED_PLACES
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "map_static.png"))
            assert XSS in tooltip[0]
            assert tooltip[1] == 0

            page.goto(f"{origin}/cluster.html")
            page.wait_for_selector(".marker-cluster", timeout=20_000)
            assert page.locator(".marker-cluster").count() > 5
            page.screenshot(path=str(ARTIFACTS / "map_cluster.png"))
        finally:
            context.close()

    assert errors == []
    assert dialogs == []  # no alert() from the injected name
    off_machine = [u for u in requests if not u.startswith(origin + "/")]
    assert off_machine == []
    assert any(u.endswith("/static/vendor/leaflet/leaflet.js") for u in requests)
    loaded = {u.removeprefix(origin) for u in requests}
    assert {
        "/static/vendor/leaflet/leaflet.js",
        "/static/vendor/jquery/jquery.min.js",
        "/static/vendor/leaflet.markercluster/leaflet.markercluster.js",
    } <= loaded


@contextmanager
def opened_map(tmp_path: Path, url: str, *, errors: list[str],
               requests: list[str] | None = None) -> Iterator:
    """A Chromium page on ``url``, once the map's points are drawn; page errors (and, when
    asked, every request) are collected."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("Debian chromium is not installed")
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 1000, "height": 700})
        try:
            if requests is not None:
                context.on("request", lambda r: requests.append(r.url))
            page = context.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(url)
            page.wait_for_selector(".leaflet-overlay-pane path.leaflet-interactive",
                                   timeout=20_000)
            ARTIFACTS.mkdir(exist_ok=True)
            yield page
        finally:
            context.close()


def _two_places_a_kilometre_apart() -> pd.DataFrame:
    """Kharkiv and its Freedom Square: 1.2 km apart, 6 px at zoom 8."""
    frame = locations(3)
    frame.loc[0, ["location_id", "location", "lat", "lon", "incidents"]] = \
        ["kharkiv", "Kharkiv", 49.9935, 36.2304, 30]
    frame.loc[1, ["location_id", "location", "lat", "lon", "incidents"]] = \
        ["square", "Freedom Square", 50.0047, 36.2316, 2]
    frame.loc[2, ["location_id", "location", "lat", "lon"]] = ["kyiv", "Kyiv", 50.45, 30.52]
    return frame


@pytest.mark.browser
def test_points_that_hide_each_other_are_drawn_apart_and_each_clicks_itself(served_dir,
                                                                            tmp_path):
    site, origin = served_dir
    m = build_incident_map(_two_places_a_kilometre_apart(), asset_base="/static/vendor",
                           selected="square", labels=False)
    (site / "spread.html").write_text(render(m), encoding="utf-8")
    # Where each point is drawn, which point the browser finds under that spot, and the legs.
    probe = """(zoom) => new Promise(done => {
        const map = window[Object.keys(window).find(k => k.startsWith('map_'))];
        const layer = Object.keys(window).filter(k => k.startsWith('geo_json_'))
            .map(k => window[k]).find(l => l && l.eachLayer && l.getLayers().some(
                m => m.feature && m.feature.properties.location_id));
        map.once('zoomend', () => setTimeout(() => {
            const box = map.getContainer().getBoundingClientRect();
            const out = {legs: document.querySelectorAll(
                '.leaflet-spreadLegs-pane path').length / 2, points: {}};
            layer.eachLayer(l => {
                const p = map.latLngToContainerPoint(l.getLatLng());
                const hit = document.elementFromPoint(box.left + p.x, box.top + p.y);
                out.points[l.feature.properties.location_id] = {
                    x: p.x, y: p.y, r: l.options.radius, hits_itself: hit === l._path,
                    at_home: l.getLatLng().equals(L.latLng(l.feature.geometry.coordinates[1],
                                                          l.feature.geometry.coordinates[0])),
                };
            });
            const ring = Object.keys(window).find(k => k.startsWith('circle_marker_'));
            out.ring = ring ? map.latLngToContainerPoint(window[ring].getLatLng()) : null;
            done(out);
        }, 50));
        map.setView([50.0, 36.23], zoom, {animate: false});
    })"""
    errors: list[str] = []
    with opened_map(tmp_path, f"{origin}/spread.html", errors=errors) as page:
        apart = page.evaluate(probe, 8)
        page.screenshot(path=str(ARTIFACTS / "map_spread.png"))
        close = page.evaluate(probe, 17)
    crowded = _two_places_a_kilometre_apart()
    extra = pd.DataFrame([{**crowded.iloc[2].to_dict(), "location_id": f"v{i}",
                           "location": f"Village {i}", "lat": 49.9 + 0.02 * (i % 4),
                           "lon": 36.1 + 0.03 * (i // 4), "incidents": 10}
                          for i in range(8)])
    knot = build_incident_map(pd.concat([crowded, extra], ignore_index=True),
                              asset_base="/static/vendor", labels=False)
    (site / "knot.html").write_text(render(knot), encoding="utf-8")
    with opened_map(tmp_path, f"{origin}/knot.html", errors=errors) as page:
        far = page.evaluate(probe, 5)
    assert errors == []
    kharkiv, square = apart["points"]["kharkiv"], apart["points"]["square"]
    gap = math.dist((kharkiv["x"], kharkiv["y"]), (square["x"], square["y"]))
    assert gap >= kharkiv["r"] + square["r"]  # side by side, not on top of each other
    assert kharkiv["hits_itself"] and square["hits_itself"]
    assert apart["legs"] == 2 and not kharkiv["at_home"] and not square["at_home"]
    assert apart["points"]["kyiv"]["at_home"]  # a point alone stays where it is
    assert square["y"] < kharkiv["y"]  # the square, north of the centre, stays north of it
    # The selection ring follows the selected point to where it is drawn.
    assert math.dist((apart["ring"]["x"], apart["ring"]["y"]), (square["x"], square["y"])) < 1
    # Seen from a continent, a knot of many places is left as it is: no point far from its
    # place. Zoomed in to the streets the two stand apart by themselves: back home, no legs.
    assert far["legs"] == 0 and all(p["at_home"] for p in far["points"].values())
    assert close["legs"] == 0
    assert close["points"]["kharkiv"]["at_home"] and close["points"]["square"]["at_home"]


@pytest.mark.browser
def test_the_layers_switched_on_go_into_the_link_and_a_link_reopens_them(served_dir, tmp_path):
    site, origin = served_dir
    frame = _two_places_a_kilometre_apart()
    default = build_incident_map(frame, asset_base="/static/vendor", labels=False,
                                 view_in_url=True)
    linked = build_incident_map(frame, asset_base="/static/vendor", labels=False,
                                view_in_url=True,
                                layers=["Heatmap", "Incidents", "Offline basemap", "Nonsense"])
    (site / "default.html").write_text(render(default), encoding="utf-8")
    (site / "linked.html").write_text(render(linked), encoding="utf-8")
    heat_on = """() => { const map = window[Object.keys(window).find(k => k.startsWith('map_'))];
        let on = false; map.eachLayer(l => { if (l instanceof L.HeatLayer) on = true; });
        return on; }"""
    errors: list[str] = []
    with opened_map(tmp_path, f"{origin}/default.html", errors=errors) as page:
        assert not page.evaluate(heat_on)
        time.sleep(1.5)
        assert "layers=" not in page.url  # the defaults: a short link
        # The analyst switches the heatmap on in the layer control: the link says so.
        page.locator(".leaflet-control-layers").hover()
        page.get_by_text("Heatmap").click()
        page.wait_for_url("**layers=**", timeout=10_000)
        assert parse_qs(urlparse(page.url).query)["layers"] == [
            "Heatmap,Incidents,Offline basemap"]
    with opened_map(tmp_path, f"{origin}/linked.html", errors=errors) as page:
        assert page.evaluate(heat_on)  # the link's layers, the unknown name ignored
        page.locator(".leaflet-control-layers").hover()
        page.get_by_text("Heatmap").click()  # off again: back to the defaults
        time.sleep(1.5)
        assert not page.evaluate(heat_on) and "layers=" not in page.url
    assert errors == []


@pytest.mark.browser
def test_incident_labels_never_run_into_each_other_or_the_basemap_names(served_dir, tmp_path):
    site, origin = served_dir
    crowded = _two_places_a_kilometre_apart()
    extra = pd.DataFrame([{**crowded.iloc[2].to_dict(), "location_id": f"v{i}",
                           "location": f"Village number {i}", "lat": 49.9 + 0.04 * (i % 3),
                           "lon": 36.1 + 0.05 * (i // 3), "incidents": 10 + i}
                          for i in range(9)])
    m = build_incident_map(pd.concat([crowded, extra], ignore_index=True),
                           asset_base="/static/vendor")
    (site / "labels.html").write_text(render(m), encoding="utf-8")
    # The boxes of the incident labels shown, and of the basemap's names, at a zoom.
    boxes_at = """(zoom) => new Promise(done => {
        const map = window[Object.keys(window).find(k => k.startsWith('map_'))];
        map.once('zoomend', () => setTimeout(() => {
            const box = el => { const r = el.getBoundingClientRect();
                                return [r.left, r.top, r.right, r.bottom, el.innerText]; };
            done({
                incidents: Array.from(document.querySelectorAll(
                    '.leaflet-tooltip.incident-label')).filter(
                    el => el.style.visibility !== 'hidden').map(box),
                places: Array.from(document.querySelectorAll('.place-label')).map(box),
            });
        }, 400));
        map.setView([49.996, 36.232], zoom, {animate: false});
    })"""

    def overlapping(a: list, b: list) -> bool:
        return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]

    errors: list[str] = []
    with opened_map(tmp_path, f"{origin}/labels.html", errors=errors) as page:
        page.wait_for_selector(".place-label", timeout=10_000)
        views = {zoom: page.evaluate(boxes_at, zoom) for zoom in (6, 9, 14)}
        page.screenshot(path=str(ARTIFACTS / "map_labels_street.png"))
    assert errors == []
    for zoom, view in views.items():
        shown = view["incidents"]
        assert shown, zoom  # the biggest place keeps its name at every zoom
        assert not any(overlapping(a, b) for i, a in enumerate(shown) for b in shown[i + 1:])
        assert not any(overlapping(a, p) for a in shown for p in view["places"]), zoom
    # Zoomed out, names give way; at street level Kharkiv and its square are both named.
    assert len(views[6]["incidents"]) < len(views[14]["incidents"])
    assert {"Kharkiv", "Freedom Square"} <= {b[4] for b in views[14]["incidents"]}
