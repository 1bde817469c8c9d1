"""Offline folium map of incident locations for the dashboard.

The map must work with no internet: Leaflet, jQuery and the plugins are loaded from local copies
under ``static/vendor`` (served by Streamlit at ``/app/static/vendor``), and the default basemap
is a GeoJSON of country outlines drawn over a sea-coloured background instead of web tiles.
Online tile layers are offered in the layer control but are not shown unless chosen.

The map's own behaviour in the browser is ``static/js/incident_map.js``, loaded beside the
vendored scripts; the page's inline scripts only call its functions, with names, settings and
data as JSON arguments. Its styles are ``static/css/``, written into the page's head.

This module is folium only; it never imports streamlit.

``locations`` (the input of :func:`build_incident_map`) is a DataFrame with one row per place:

==================  =========================================================================
column              meaning
==================  =========================================================================
location_id         str, unique; comes back from a click (see below)
feature             optional: the place's kind; country-level points do not set the view
location            place name (the gazetteer's)
display_name        optional: the name labels and tooltips show (``geo.names``; the articles'
                    spelling); ``location`` when absent
admin1              first-level region name (may be empty)
country_code        ISO 3166-1 alpha-2
lat, lon            float, WGS84
incidents           int
fatalities          int
reports             int
main_event_type     one of the ACLED event types (:func:`event_type_colors` keys); other
                    values are drawn grey
unchecked           optional int: incidents here no analyst has reviewed (``geo.review``);
                    a place with none reviewed is drawn pale, one with all reviewed gets a
                    dark rim
==================  =========================================================================

Clicks in ``st_folium`` (checked with streamlit-folium 0.27.4): all points are one ``L.geoJson``
layer of circle markers, and clicking a point makes ``st_folium`` return

* ``last_active_drawing``: the clicked GeoJSON feature, ``{"type": "Feature", "geometry":
  {"type": "Point", "coordinates": [lon, lat]}, "properties": {"location_id": "...",
  "tooltip": "<escaped HTML>", "style": {...}}}`` -- use ``["properties"]["location_id"]``;
* ``last_object_clicked``: ``{"lat": ..., "lng": ...}`` where the click landed (not the point's
  exact coordinates);
* ``last_object_clicked_tooltip``: the tooltip as plain text, entities decoded (so a name like
  ``<b>`` comes back literally: escape it again before showing it as HTML).

Clicks on land return nothing but ``last_clicked`` (the basemap is not interactive). A click on
a cluster only zooms. st_folium hooks only the layers shown at start, so the choropleth (hidden at
start) reports region clicks as ``last_clicked`` only; its features carry ``properties.code``.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import math
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

import folium
import folium.plugins
import pandas as pd
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template
from folium.utilities import JsCode

from geo.gazetteer.index import is_estimated_key
from geo.tiles import TileSet

ROOT = Path(__file__).resolve().parent.parent
STATIC_DIR = ROOT / "static"
VENDOR_DIR = STATIC_DIR / "vendor"
COUNTRIES_GEOJSON = STATIC_DIR / "basemap" / "countries.geojson"
ADMIN1_GEOJSON = STATIC_DIR / "basemap" / "admin1.geojson"

DEFAULT_ASSET_BASE = "/app/static/vendor"
# The map's own script and styles, under static/ (not vendored).
_OWN_JS = "js/incident_map.js"
_MAP_STYLE = "css/incident_map.css"
_LABELS_STYLE = "css/place_labels.css"

REQUIRED_COLUMNS = (
    "location_id",
    "location",
    "admin1",
    "country_code",
    "lat",
    "lon",
    "incidents",
    "fatalities",
    "reports",
    "main_event_type",
)
COUNT_COLUMNS = ("incidents", "fatalities", "reports")

# Colour-blind-friendly (Okabe-Ito based) so event types stay apart on the pale basemap.
_EVENT_TYPE_COLORS = {
    "Battles": "#d55e00",
    "Explosions/Remote violence": "#e69f00",
    "Violence against civilians": "#cc79a7",
    "Protests": "#0072b2",
    "Riots": "#56b4e9",
    "Strategic developments": "#009e73",
}
OTHER_COLOR = "#7f7f7f"
# The rim of a place whose every incident an analyst has reviewed (``geo.review``).
REVIEWED_RIM = "#1f1f1f"
# The rim of a place with something new since the time the analyst asks (``geo.store.watch``).
NEW_RIM = "#e0001b"

# Locations that are a whole country or continent: listed, not drawn as a point in the
# middle of the country (Russia's middle is in Siberia).
_BROAD_FEATURES = ("country", "continent")
# Locations that are a region or an area: a dashed ring, so they do not read as a town.
_REGION_FEATURES = ("region", "area", "water")
# Point features inside a town (a square, a port, a plant): their name never takes the
# place of the town's on the map.
_LANDMARK_FEATURES = ("landmark",)
# How many incident places carry their name on the map (the biggest by the size measure).
LABELLED_PLACES = 12

# Above this many locations the points are clustered unless the caller decides.
CLUSTER_THRESHOLD = 300
# Points that hide each other are drawn side by side in groups up to this size; a bigger knot
# (a front line seen from a whole country) is left for the analyst to zoom into.
SPREAD_MAX_GROUP = 12
# ... and only when the ring they are spread on stays this small, on screen and on the ground:
# a wider one would draw points far from their places.
SPREAD_MAX_RING_PX = 36
SPREAD_MAX_KM = 25.0
MAX_ZOOM = 18
MIN_RADIUS, MAX_RADIUS = 4.0, 20.0
SEA_COLOR = "#c9dfee"
WATER_LINE_COLOR = "#86b3d6"
WATER_ATTRIBUTION = "Water &copy; OpenStreetMap contributors (ODbL), WDB II"
LAND_COLOR = "#f5f3ee"
BORDER_COLOR = "#9a9a9a"
# An analyst's second-level borders: finer and lighter than the first-level ones (#a59f93).
USER_BORDER_COLOR = "#8c8577"
UKRAINE_BOUNDS = [[44.38, 22.14], [52.38, 40.23]]

# Files under static/vendor, keyed by the names folium gives them so that plugins that ask for
# the same library share one tag.
_MAP_JS = [("leaflet", "leaflet/leaflet.js"), ("jquery", "jquery/jquery.min.js")]
_MAP_CSS = [("leaflet_css", "leaflet/leaflet.css")]
_CLUSTER_JS = [("markerclusterjs", "leaflet.markercluster/leaflet.markercluster.js")]
_CLUSTER_CSS = [
    ("markerclustercss", "leaflet.markercluster/MarkerCluster.css"),
    ("markerclusterdefaultcss", "leaflet.markercluster/MarkerCluster.Default.css"),
]
_HEAT_JS = [("leaflet-heat.js", "leaflet.heat/leaflet-heat.js")]
# Only on a map that draws an analyst's vector basemap file (geo.tiles).
_VECTOR_JS = [("protomaps-leaflet", "protomaps-leaflet/protomaps-leaflet.js")]
# Only on a map with the rectangle tool (``draw_box``). Named as folium's ``Draw`` names them,
# so the two would share one tag.
_DRAW_JS = [("leaflet_draw_js", "leaflet.draw/leaflet.draw.js")]
_DRAW_CSS = [("leaflet_draw_css", "leaflet.draw/leaflet.draw.css")]
# Referenced from leaflet.draw.css (the toolbar's icons).
_DRAW_IMAGES = ["leaflet.draw/images/spritesheet.png", "leaflet.draw/images/spritesheet-2x.png",
                "leaflet.draw/images/spritesheet.svg"]
_LEAFLET_IMAGES = "leaflet/images"
# Referenced from leaflet.css (layer control) and L.Icon.Default (markers).
_IMAGE_FILES = [
    "layers.png",
    "layers-2x.png",
    "marker-icon.png",
    "marker-icon-2x.png",
    "marker-shadow.png",
]


def event_type_colors() -> dict[str, str]:
    """Colour of each ACLED event type on the map and in the legend.

    Returns:
        A new dict ``{event type: "#rrggbb"}``; types not in it are drawn in ``OTHER_COLOR``.
    """
    return dict(_EVENT_TYPE_COLORS)


def map_asset_paths() -> list[str]:
    """Local JS/CSS/image files the map loads, relative to the repository root.

    Returns:
        Paths such as ``static/vendor/leaflet/leaflet.js``, and the map's own
        ``static/js/incident_map.js`` and ``static/css/`` files.
    """
    rel = [p for _, p in _MAP_JS + _MAP_CSS + _CLUSTER_JS + _CLUSTER_CSS + _HEAT_JS
           + _VECTOR_JS + _DRAW_JS + _DRAW_CSS]
    rel += _DRAW_IMAGES
    rel += [f"{_LEAFLET_IMAGES}/{name}" for name in _IMAGE_FILES]
    return [(VENDOR_DIR / p).relative_to(ROOT).as_posix() for p in rel] + [
        (STATIC_DIR / p).relative_to(ROOT).as_posix()
        for p in (_OWN_JS, _MAP_STYLE, _LABELS_STYLE)]


@functools.lru_cache(maxsize=1)
def load_basemap() -> dict[str, Any]:
    """World country outlines (``static/basemap/countries.geojson``), parsed once per process.

    Returns:
        The GeoJSON FeatureCollection. It is shared between calls: do not modify it.
    """
    return json.loads(COUNTRIES_GEOJSON.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def load_admin1_shapes() -> dict[str, dict[str, Any]]:
    """First-level region polygons (``static/basemap/admin1.geojson``) by GeoNames admin1 code.

    Returns:
        ``{code: feature}``, shared between calls: do not modify it.
    """
    data = json.loads(ADMIN1_GEOJSON.read_text(encoding="utf-8"))
    return {f["properties"]["code"]: f for f in data["features"]}


def build_incident_map(
    locations: pd.DataFrame,
    *,
    size_by: str = "incidents",
    asset_base: str = DEFAULT_ASSET_BASE,
    basemap: dict | None = None,
    basemap_url: str | None = None,
    regions: pd.DataFrame | None = None,
    heatmap: bool = True,
    cluster: bool | None = None,
    selected: str | None = None,
    labels: bool = True,
    view_in_url: bool = False,
    tile_sets: Sequence[TileSet] = (),
    layers: Collection[str] | None = None,
    highlight: Collection[str] = (),
    draw_box: bool = False,
) -> folium.Map:
    """Build the incident map: offline basemap, one point layer, optional heatmap and regions.

    The offline basemap has land and sea, major rivers and lakes, country and first-level
    borders, and place names
    from the gazetteer that appear by zoom (``static/basemap/places.geojson``, biggest towns
    first); the most important incident places carry their name. Precision shows: a
    region-level location is a dashed ring, not a dot; country-level locations are not
    points in a country's middle but a list in the map's corner.

    Args:
        locations: One row per place; columns as in the module docstring. Rows without valid
            coordinates are left out.
        size_by: Count column that sets the circle area (``incidents``, ``fatalities`` or
            ``reports``).
        asset_base: URL prefix under which ``static/vendor`` is served.
        basemap: GeoJSON FeatureCollection drawn as land, embedded in the page; default the
            bundled world countries, fetched by the browser from ``basemap_url``.
        basemap_url: where the browser finds ``static/basemap/countries.geojson``; default
            beside ``asset_base`` (``/app/static/basemap/countries.geojson``). Fetched, not
            embedded, so every redraw does not resend 1.3 MB and the browser caches it.
        regions: Optional ``code`` (GeoNames admin1 code) and ``incidents`` columns; drawn as a
            choropleth layer, hidden until switched on in the layer control.
        heatmap: Add a heatmap overlay weighted by incidents (hidden until switched on).
        cluster: Cluster the points; ``None`` clusters above ``CLUSTER_THRESHOLD`` locations.
        selected: ``location_id`` to highlight.
        view_in_url: Keep the view in the page's URL as ``c=lat,lon&z=zoom`` (the page that
            embeds the map reads them back to open a shared link on the same view), and the
            layers switched on as ``layers=`` (their names in the layer control, comma
            separated) when they differ from the map's defaults.
        labels: Draw first-level borders and place names (fetched by the browser from
            ``static/basemap/``).
        tile_sets: The analyst's own basemaps (:func:`geo.tiles.list_tile_sets`), each a
            layer of local tiles over the land; the first is shown, the others offered.
            Borders files among them are overlays of lines, all shown.
        highlight: ``location_id``s drawn with a red rim (what is new since a time).
        layers: The names of the layers to show (as ``layers=`` in a shared link): the base
            layer named, else the default one, and exactly the overlays named. ``None``
            shows the defaults. Unknown names are ignored.
        draw_box: Add a rectangle tool (Leaflet.draw, vendored) under the zoom buttons: the
            analyst drags a box, one at a time (a new one replaces the last), and
            ``st_folium`` returns it in ``all_drawings`` as a GeoJSON Polygon
            (``geo.store.watch.box_from_geojson`` reads its corners).

    Returns:
        The folium map, ready for ``st_folium`` or ``get_root().render()``.

    Raises:
        ValueError: If a required column is missing, ``size_by`` is not a count column or
            ``regions`` lacks ``code``/``incidents``.
    """
    points = _clean_locations(locations, size_by)
    broad = points[points["feature"].isin(_BROAD_FEATURES)]
    if len(broad) < len(points):  # a map of only country-level places still shows them
        points = points[~points["feature"].isin(_BROAD_FEATURES)].reset_index(drop=True)
    else:
        broad = broad.iloc[:0]
    base = asset_base.rstrip("/")
    static_base = base.rsplit("/", 1)[0]
    south_west, north_east = _bounds(_focus(locations, points))
    m = folium.Map(
        location=[(south_west[0] + north_east[0]) / 2, (south_west[1] + north_east[1]) / 2],
        zoom_start=6,
        tiles=None,
        control_scale=True,
        # Without a tile layer nothing else tells Leaflet the zoom range, and marker clustering
        # refuses to work on a map with no maximum zoom.
        maxZoom=MAX_ZOOM,
        minZoom=2,
    )
    m.default_js = _urls(base, _MAP_JS) + [("incident_map", _own_js_url(static_base))]
    m.default_css = _urls(base, _MAP_CSS)
    _MapSetup(f"{base}/{_LEAFLET_IMAGES}/", [south_west, north_east]).add_to(m)
    _add_panes(m)
    # The browser fetches the outlines from the URL: nothing of them is written into the
    # map, so they are not parsed here either.
    _add_base_layers(m, basemap, url=None if basemap is not None else (
        basemap_url or f"{static_base}/basemap/countries.geojson"))
    basemaps = [t for t in tile_sets if not t.is_borders]
    for n, tile_set in enumerate(basemaps):
        _add_tile_set(m, tile_set, static_base, show=n == 0, asset_base=base)
    for tile_set in tile_sets:
        if tile_set.is_borders:
            _add_borders(m, tile_set, static_base)
    if labels:
        # Rivers and lakes (static/basemap/water.geojson, scripts/build_water.py): drawn
        # like the sea, only where the map looks.
        _InViewGeoJson(url=f"{static_base}/basemap/water.geojson", data=None,
                       name="Rivers and lakes", control=False, options={
                           "pane": "water", "interactive": False,
                           "attribution": WATER_ATTRIBUTION,
                           "style": {"color": WATER_LINE_COLOR, "weight": 1,
                                     "fillColor": SEA_COLOR, "fillOpacity": 1}}).add_to(m)
        _InViewGeoJson(url=f"{static_base}/basemap/admin1.geojson", data=None,
                       name="First-level borders", control=False, options={
                           "pane": "borders", "interactive": False,
                           "style": {"color": "#a59f93", "weight": 0.7, "dashArray": "3 3",
                                     "fill": False}}).add_to(m)
        _PlaceLabels(f"{static_base}/basemap/places.geojson").add_to(m)
    if regions is not None:
        _add_regions_layer(m, regions)
    if heatmap and len(points):
        _add_heatmap(m, points, base)
    layer, clustered = _add_points_layer(m, points, size_by, base, cluster, selected,
                                         frozenset(highlight))
    ring = _add_selection(m, points, size_by, selected)
    if not clustered:
        # Clusters spread their own coinciding points (at the deepest zoom).
        _SpreadOverlaps(layer, ring).add_to(m)
    _LabelLayout().add_to(m)
    if draw_box:
        _DrawBox(base).add_to(m)
    _Legend(size_by, review="unchecked" in points.columns,
            highlight=bool(set(highlight) & set(points["location_id"]))).add_to(m)
    control = folium.LayerControl(collapsed=True)
    defaults = _shown_layers(m)
    if layers is not None:
        _choose_layers(m, layers)
    if view_in_url:
        _ViewInUrl(control.get_name(), defaults).add_to(m)
    if len(broad):
        _BroadPanel(broad, size_by).add_to(m)
    control.add_to(m)
    # The points are framed by _MapSetup (clear of the legend, without animation).
    return m


# --------------------------------------------------------------------------- input


def _clean_locations(locations: pd.DataFrame, size_by: str) -> pd.DataFrame:
    """Validate the columns and drop rows that cannot be drawn."""
    missing = [c for c in REQUIRED_COLUMNS if c not in locations.columns]
    if missing:
        raise ValueError(f"locations is missing columns: {', '.join(missing)}")
    if size_by not in COUNT_COLUMNS:
        raise ValueError(f"size_by must be one of {', '.join(COUNT_COLUMNS)}, not {size_by!r}")
    points = locations.loc[:, list(REQUIRED_COLUMNS)].copy()
    if "display_name" in locations.columns:
        # Drawn by the name the articles use ("Nuseirat"), not GeoNames' ("An Nuşayrāt").
        shown = locations["display_name"].fillna("").astype(str)
        points["location"] = shown.where(shown != "", points["location"])
    points["feature"] = (locations["feature"].fillna("").astype(str)
                         if "feature" in locations.columns else "")
    if "unchecked" in locations.columns:
        points["unchecked"] = pd.to_numeric(locations["unchecked"], errors="coerce"
                                            ).fillna(0).astype(int)
    points["lat"] = pd.to_numeric(points["lat"], errors="coerce")
    points["lon"] = pd.to_numeric(points["lon"], errors="coerce")
    valid = points["lat"].between(-90, 90) & points["lon"].between(-180, 180)
    points = points[valid]
    for column in COUNT_COLUMNS:
        points[column] = pd.to_numeric(points[column], errors="coerce").fillna(0).astype(int)
    for column in ("location_id", "location", "admin1", "country_code", "main_event_type"):
        points[column] = points[column].fillna("").astype(str)
    return points.reset_index(drop=True)


def _focus(locations: pd.DataFrame, points: pd.DataFrame) -> pd.DataFrame:
    """The points to frame: a country-level point sits in the country's middle (Russia's is in
    Siberia) and would zoom the map out, so it is left out when towns are there."""
    if "feature" not in locations.columns or points.empty:
        return points
    broad = locations["feature"].isin(["country", "continent"])
    fine = points[points["location_id"].isin(locations.loc[~broad, "location_id"])]
    return fine if len(fine) else points


def _bounds(points: pd.DataFrame) -> tuple[list[float], list[float]]:
    """South-west and north-east corners of the points, or Ukraine when there are none."""
    if points.empty:
        return UKRAINE_BOUNDS[0], UKRAINE_BOUNDS[1]
    return (
        [float(points["lat"].min()), float(points["lon"].min())],
        [float(points["lat"].max()), float(points["lon"].max())],
    )


def _urls(base: str, assets: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(name, f"{base}/{path}") for name, path in assets]


@functools.lru_cache(maxsize=4)
def _own_file(rel: str) -> str:
    """The text of one of the map's own files under ``static/``, read once per process."""
    return (STATIC_DIR / rel).read_text(encoding="utf-8")


def _own_js_url(static_base: str) -> str:
    """Where the browser finds ``static/js/incident_map.js``, with its content's digest as a
    version: a browser that kept an older copy fetches the new one after an upgrade."""
    digest = hashlib.sha256(_own_file(_OWN_JS).encode("utf-8")).hexdigest()[:12]
    return f"{static_base}/{_OWN_JS}?v={digest}"


def _esc(value: object) -> str:
    """Escape a data value for insertion into tooltip/legend HTML."""
    return html.escape(str(value), quote=True)


# --------------------------------------------------------------------------- layers


class _StaticGeoJson(folium.GeoJson):
    """GeoJson whose extent is left out of ``Map.get_bounds()``.

    ``st_folium`` calls ``get_bounds()`` on every rerun; walking every vertex of the world basemap
    would cost time and would report the world instead of the incidents.
    """

    def _get_self_bounds(self) -> list[list[float | None]]:
        return [[None, None], [None, None]]


class _VectorTiles(JSCSSMixin, folium.map.Layer):
    """An analyst's vector basemap file, unpacked under ``static/tiles/``, drawn on canvases
    in the browser by protomaps-leaflet (vendored; loaded only on a map that has one).

    The style follows the file's schema (``TileSet.schema``): the Protomaps basemap's own
    light style; for OpenMapTiles, land cover, water, roads by class, borders and place names
    in this map's colours; for any other schema, every layer the file lists in a plain
    style (areas, lines and the ``name`` of points), so an unknown file still shows. Tiles
    come from the local server, only inside the file's bounds and from its first zoom;
    beyond its last zoom they are drawn larger. Labels use the browser's own fonts: nothing
    is fetched.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = geoMap.vectorTiles(protomapsL, {{ this.schema|tojson }},
            {{ this.layers|tojson }}, {{ this.options|tojson }}, {{ this.colors|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, tile_set: TileSet, url: str, asset_base: str, options: dict[str, Any],
                 *, show: bool) -> None:
        super().__init__(name=f"{_esc(tile_set.name)} (your file, offline)", overlay=True,
                         control=True, show=show)
        self._name = "VectorTiles"
        self.schema = tile_set.schema
        self.layers = list(tile_set.vector_layers)
        self.colors = {"sea": SEA_COLOR, "waterLine": WATER_LINE_COLOR}
        # protomaps-leaflet reads data tiles one zoom below the view (512-pixel tiles on a
        # 256-pixel grid): the layer starts one zoom above the file's first.
        self.options = {**options, "url": url, "maxDataZoom": tile_set.max_zoom,
                        "minZoom": tile_set.min_zoom + 1, "maxZoom": MAX_ZOOM,
                        "attribution": _esc(tile_set.attribution
                                            or f"{tile_set.name} (your basemap file)")}
        self.default_js = _urls(asset_base, _VECTOR_JS)


class _InViewGeoJson(folium.map.Layer):
    """A world GeoJSON layer (land, first-level borders) drawn only where the map looks.

    The browser fetches the file (or takes ``data``), notes each feature's bounding box and
    adds a feature to the layer when it comes within half a view of the visible area, on the
    first draw and after each move. A map of one country so draws a few hundred outlines
    instead of the world's 270,000 vertices on every page view: that was half of the
    browser's work per Map view, and what ten analysts' browsers on one machine contend for.
    Drawn on a canvas (one element, not a DOM node per outline); never clickable.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = geoMap.inViewGeoJson({{ this._parent.get_name() }},
            {{ this.options|tojson }}, {{ this.url|tojson }}, {{ this.data|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, *, url: str | None, data: dict | None, name: str, options: dict,
                 overlay: bool = True, control: bool = True, show: bool = True) -> None:
        super().__init__(name=name, overlay=overlay, control=control, show=show)
        self._name = "InViewGeoJson"
        self.url = url
        self.data = data
        self.options = options


def _add_panes(m: folium.Map) -> None:
    """Panes that keep the stacking right whichever layers are toggled on later.

    Leaflet draws vector layers of one pane in the order they were added, so a layer switched on
    in the layer control would cover the points; separate panes fix the order.
    """
    folium.map.CustomPane("basemap", z_index=150, pointer_events=False).add_to(m)
    folium.map.CustomPane("water", z_index=152, pointer_events=False).add_to(m)
    # An analyst's own tiles: over the offline land, under the borders and names.
    folium.map.CustomPane("userTiles", z_index=155, pointer_events=False).add_to(m)
    folium.map.CustomPane("borders", z_index=160, pointer_events=False).add_to(m)
    folium.map.CustomPane("placeLabels", z_index=390, pointer_events=False).add_to(m)
    folium.map.CustomPane("regions", z_index=350, pointer_events=True).add_to(m)
    folium.map.CustomPane("selection", z_index=650, pointer_events=False).add_to(m)
    # Legs from spread points to their true places: under the points (overlayPane is 400).
    folium.map.CustomPane("spreadLegs", z_index=395, pointer_events=False).add_to(m)


def _add_base_layers(m: folium.Map, basemap: dict | None, *, url: str | None = None) -> None:
    """The offline land layer (default) and two online tile layers (shown only if chosen)."""
    _InViewGeoJson(
        url=url,
        data=basemap,
        name="Offline basemap",
        overlay=False,
        show=True,
        options={
            "pane": "basemap",
            # Not clickable: a click on land must not come back from st_folium as an object
            # click.
            "interactive": False,
            "style": {"fillColor": LAND_COLOR, "fillOpacity": 1, "color": BORDER_COLOR,
                      "weight": 0.7},
        },
    ).add_to(m)
    folium.TileLayer(
        "OpenStreetMap", name="OpenStreetMap (online)", overlay=False, show=False
    ).add_to(m)
    # Spelled out: folium's "CartoDB positron" shortcut warns about an API key on every build.
    folium.TileLayer(
        "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
        attr="&copy; OpenStreetMap contributors &copy; CARTO",
        subdomains="abcd",
        name="CARTO Positron (online)",
        overlay=False,
        show=False,
    ).add_to(m)


def _add_tile_set(m: folium.Map, tile_set: TileSet, static_base: str, *, show: bool,
                  asset_base: str) -> None:
    """An unpacked basemap file as a tile layer served from ``static/tiles/``.

    Shown from its first zoom (below it a whole-world view would ask for thousands of tiles)
    and stretched beyond its last; no tile is asked for outside its bounds."""
    options: dict[str, Any] = {"pane": "userTiles"}
    if tile_set.bounds:
        west, south, east, north = tile_set.bounds
        options["bounds"] = [[south, west], [north, east]]
    if tile_set.is_vector:
        _VectorTiles(tile_set, f"{static_base}/{tile_set.url_path}", asset_base, options,
                     show=show).add_to(m)
        return
    folium.TileLayer(
        f"{static_base}/{tile_set.url_path}",
        attr=_esc(tile_set.attribution or f"{tile_set.name} (your basemap file)"),
        name=f"{_esc(tile_set.name)} (your file, offline)",
        overlay=True,
        show=show,
        min_zoom=tile_set.min_zoom,
        max_native_zoom=tile_set.max_zoom,
        max_zoom=MAX_ZOOM,
        **options,
    ).add_to(m)


def _add_borders(m: folium.Map, tile_set: TileSet, static_base: str) -> None:
    """An analyst's borders file (``python -m geo basemap add units.geojson``) as thin lines
    over every basemap, under the points; fetched by the browser, drawn where the map looks."""
    _InViewGeoJson(url=f"{static_base}/{tile_set.url_path}", data=None,
                   name=f"{_esc(tile_set.name)} (your borders, offline)", options={
                       "pane": "borders", "interactive": False,
                       "style": {"color": USER_BORDER_COLOR, "weight": 0.8,
                                 "dashArray": "1 3", "fill": False}}).add_to(m)


# Binds the (already escaped) tooltip string and keeps a selected point above its neighbours;
# an important place's name is set as text (static/js/incident_map.js).
_ON_EACH_FEATURE = JsCode("geoMap.pointFeature")


def _add_points_layer(
    m: folium.Map,
    points: pd.DataFrame,
    size_by: str,
    base: str,
    cluster: bool | None,
    selected: str | None,
    highlight: frozenset[str] = frozenset(),
) -> tuple[folium.GeoJson, bool]:
    """All points as one GeoJSON layer of circle markers, clustered when there are many.

    Returns the layer and whether it is clustered."""
    use_cluster = len(points) > CLUSTER_THRESHOLD if cluster is None else cluster
    layer = folium.GeoJson(
        _points_collection(points, size_by, selected, label_top=not use_cluster,
                           highlight=highlight),
        name="Incidents",
        overlay=True,
        control=not use_cluster,
        marker=folium.CircleMarker(
            radius=MIN_RADIUS, weight=1, color="#ffffff", fill=True, fill_opacity=0.85
        ),
        on_each_feature=_ON_EACH_FEATURE,
    )
    if not use_cluster:
        layer.add_to(m)
        return layer, False
    group = folium.plugins.MarkerCluster(
        name="Incidents",
        overlay=True,
        show=True,
        chunkedLoading=True,
        showCoverageOnHover=False,
        maxClusterRadius=45,
    )
    group.default_js = _urls(base, _CLUSTER_JS)
    group.default_css = _urls(base, _CLUSTER_CSS)
    group.add_to(m)
    layer.add_to(group)
    return layer, True


def _points_collection(points: pd.DataFrame, size_by: str, selected: str | None, *,
                       label_top: bool = True, highlight: frozenset[str] = frozenset()) -> dict:
    """FeatureCollection of the points; styles and tooltips are precomputed per feature."""
    colors = _EVENT_TYPE_COLORS
    top = max(int(points[size_by].max()) if len(points) else 0, 1)
    # A landmark's name gives way to a town's: Kharkiv's point is named Kharkiv, not
    # Freedom Square (a square inside it, with as many incidents).
    ranked = points.assign(_landmark=points["feature"].isin(_LANDMARK_FEATURES))
    labelled = set(ranked.sort_values([size_by, "incidents", "_landmark"],
                                      ascending=[False, False, True], kind="stable")
                   .head(LABELLED_PLACES)["location_id"]) if label_top else set()
    features = []
    for row in points.itertuples(index=False):
        value = max(getattr(row, size_by), 0)
        color = colors.get(row.main_event_type, OTHER_COLOR)
        style: dict[str, Any] = {
            "radius": round(MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * math.sqrt(value / top), 1),
            "fillColor": color,
        }
        if row.feature in _REGION_FEATURES:
            # A region is not a town: a dashed ring in the type's colour, nearly hollow.
            style.update(color=color, weight=2.5, dashArray="4 3", fillOpacity=0.15)
        elif is_estimated_key(row.location_id):
            # A village placed at its hromada's centre: filled as a town, its rim dotted.
            style.update(color=color, weight=2.5, dashArray="2 3", fillOpacity=0.5)
        unchecked = getattr(row, "unchecked", None)
        if unchecked is not None and row.feature not in _REGION_FEATURES:
            if unchecked >= row.incidents:
                # Nothing here reviewed by a person: the machine's reading, drawn pale.
                style.update(fillOpacity=0.4)
            elif unchecked == 0:
                # Every incident here reviewed: a dark rim.
                style.update(color=REVIEWED_RIM, weight=2.5)
        if row.location_id in highlight:
            style.update(color=NEW_RIM, weight=3, fillOpacity=0.85)
        is_selected = selected is not None and row.location_id == selected
        if is_selected:
            style.update(color="#111111", weight=3)
        properties = {"location_id": row.location_id, "tooltip": _tooltip(row), "style": style}
        if is_selected:
            properties["selected"] = True
        if row.location_id in labelled:
            properties["label"] = row.location  # set as text by the browser, never as HTML
            if row.feature in _LANDMARK_FEATURES:
                properties["landmark"] = True  # its label yields to a town's
        point = {"type": "Point", "coordinates": [round(row.lon, 5), round(row.lat, 5)]}
        features.append({"type": "Feature", "geometry": point, "properties": properties})
    return {"type": "FeatureCollection", "features": features}


def _tooltip(row: Any) -> str:
    """Tooltip HTML of one point; every data string is escaped.

    Spaces before the line breaks keep the words apart in st_folium's plain-text
    ``last_object_clicked_tooltip``.
    """
    where = ", ".join(_esc(v) for v in (row.admin1, row.country_code) if v)
    head = f"<b>{_esc(row.location)}</b>" + (f" ({where})" if where else "")
    counts = " · ".join(
        _count(n, word)
        for n, word in (
            (row.incidents, "incident"),
            (row.fatalities, "fatality"),
            (row.reports, "report"),
        )
    )
    event = f" <br><i>{_esc(row.main_event_type)}</i>" if row.main_event_type else ""
    level = (" <br>region-level: somewhere in this region"
             if getattr(row, "feature", "") in _REGION_FEATURES
             else " <br>approximate: placed at the centre of its hromada"
             if is_estimated_key(row.location_id) else "")
    return f"{head} <br>{counts}{event}{level}"


def _count(n: int, word: str) -> str:
    plural = word[:-1] + "ies" if word.endswith("y") else word + "s"
    return f"{n:,} {word if n == 1 else plural}"


def _add_heatmap(m: folium.Map, points: pd.DataFrame, base: str) -> None:
    """Heatmap overlay weighted by incidents, hidden until chosen."""
    top = max(int(points["incidents"].max()), 1)
    # Weights in (0, 1]: Leaflet.heat clips intensities at its `max` option (1.0).
    data = [
        [float(lat), float(lon), max(n, 0) / top]
        for lat, lon, n in zip(points["lat"], points["lon"], points["incidents"], strict=True)
    ]
    heat = folium.plugins.HeatMap(
        data, name="Heatmap", overlay=True, show=False, radius=20, blur=16, min_opacity=0.3
    )
    heat.default_js = _urls(base, _HEAT_JS)
    heat.add_to(m)


# Sequential yellow-orange-red (ColorBrewer YlOrRd, 6 classes).
_CHOROPLETH = ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"]

_REGION_TOOLTIP = JsCode("geoMap.regionFeature")


def _add_regions_layer(m: folium.Map, regions: pd.DataFrame) -> None:
    """Choropleth of incidents per first-level region, hidden until chosen."""
    if not {"code", "incidents"} <= set(regions.columns):
        raise ValueError("regions needs columns 'code' and 'incidents'")
    counts = pd.to_numeric(regions["incidents"], errors="coerce").fillna(0)
    totals = counts.groupby(regions["code"].astype(str)).sum()
    totals = totals[totals > 0]
    shapes = load_admin1_shapes()
    top = float(totals.max()) if len(totals) else 1.0
    features = []
    for code, total in totals.items():
        shape = shapes.get(code)
        if shape is None:
            continue
        # Log scale: incident counts per region span orders of magnitude.
        level = min(int(len(_CHOROPLETH) * math.log1p(total) / math.log1p(top)), 5)
        name = shape["properties"]["name"]
        features.append(
            {
                "type": "Feature",
                "geometry": shape["geometry"],
                "properties": {
                    "code": code,
                    "tooltip": f"<b>{_esc(name)}</b> <br>{int(total):,} incidents",
                    "style": {"fillColor": _CHOROPLETH[level]},
                },
            }
        )
    _StaticGeoJson(
        {"type": "FeatureCollection", "features": features},
        name="Regions (incidents)",
        overlay=True,
        show=False,
        pane="regions",
        style={"color": "#6b6b6b", "weight": 0.8, "fillOpacity": 0.6},
        on_each_feature=_REGION_TOOLTIP,
    ).add_to(m)


def _add_selection(m: folium.Map, points: pd.DataFrame, size_by: str,
                   selected: str | None) -> folium.CircleMarker | None:
    """A ring around the selected location, drawn above clusters so it shows even inside one."""
    if selected is None:
        return None
    rows = points[points["location_id"] == selected]
    if rows.empty:
        return None
    row = rows.iloc[0]
    top = max(int(points[size_by].max()), 1)
    radius = MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * math.sqrt(max(row[size_by], 0) / top)
    ring = folium.CircleMarker(
        location=[float(row["lat"]), float(row["lon"])],
        radius=radius + 6,
        color="#111111",
        weight=2.5,
        fill=False,
    )
    # folium's CircleMarker drops Leaflet options it does not know; these two must reach Leaflet
    # so the ring never swallows a click meant for the point below it.
    ring.options.update(interactive=False, pane="selection")
    ring.add_to(m)
    return ring


class _SpreadOverlaps(MacroElement):
    """Points that cover each other drawn side by side, each tied to its true place.

    At a given zoom, points whose circles overlap by more than a third of their radii
    (Kharkiv and its Freedom Square 6 px apart at zoom 8) would hide each other and a click on
    one would open the other. They are moved apart on a small ring around their middle, each
    with a thin leg to a dot at its true position; zooming in far enough to separate them puts
    them back. Redone on every zoom, from the true positions. Groups larger than
    ``SPREAD_MAX_GROUP``, or needing a ring wider than ``SPREAD_MAX_RING_PX`` or
    ``SPREAD_MAX_KM``, are left as they are (a country-wide view of a dense front line):
    there the analyst zooms in, and no point is drawn far from its place. The selection ring
    follows its point.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        geoMap.spreadOverlaps({{ this._parent.get_name() }}, {{ this.layer.get_name() }},
            {{ this.ring.get_name() if this.ring else "null" }}, {{ this.limits|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, layer: folium.GeoJson, ring: folium.CircleMarker | None) -> None:
        super().__init__()
        self._name = "SpreadOverlaps"
        self.layer = layer
        self.ring = ring
        self.limits = {"maxGroup": SPREAD_MAX_GROUP, "maxRing": SPREAD_MAX_RING_PX,
                       "maxKm": SPREAD_MAX_KM, "maxRadius": MAX_RADIUS}


# --------------------------------------------------------------------------- page furniture


class _MapSetup(MacroElement):
    """Page furniture that folium has no option for.

    Sea-coloured background under the land layer, the local marker-icon path, a heatmap canvas
    that lets clicks through to the points, no focus box around a clicked point, legend styles,
    and the points framed clear of the panels (``geoMap.setup``). The styles
    (``static/css/incident_map.css``) are written into the page's head, not linked:
    streamlit-folium adds linked stylesheets only as the map is made, and the first framing
    measures the panels they style.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>{{ this.style }}</style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
            geoMap.setup({{ this._parent.get_name() }}, {{ this.image_path|tojson }},
                         {{ this.bounds|tojson }}, {{ this.sea|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, image_path: str, bounds: list[list[float]] | None = None) -> None:
        super().__init__()
        self._name = "MapSetup"
        self.image_path = image_path
        self.bounds = bounds
        self.sea = SEA_COLOR
        self.style = _own_file(_MAP_STYLE)


def _controlled_layers(m: folium.Map) -> list[folium.map.Layer]:
    return [c for c in m._children.values()
            if isinstance(c, folium.map.Layer) and c.control]


def _shown_layers(m: folium.Map) -> list[str]:
    """The names of the layers the map shows on opening, sorted."""
    return sorted(c.layer_name for c in _controlled_layers(m) if c.show)


def _choose_layers(m: folium.Map, layers: Collection[str]) -> None:
    chosen = set(layers)
    items = _controlled_layers(m)
    bases = [c for c in items if not c.overlay]
    if any(c.layer_name in chosen for c in bases):  # one base layer, the one named
        for c in bases:
            c.show = c.layer_name in chosen
    for c in items:
        if c.overlay:
            c.show = c.layer_name in chosen


class _ViewInUrl(MacroElement):
    """The map's centre and zoom written into the embedding page's URL (``c``, ``z``), in the
    browser: a pan costs no round trip to the server and no rerun of the page. Written again
    every second while the map is shown, because the page rewrites its URL from the
    server's parameters when it changes one of its own (a click on a marker). Only on the
    page the map belongs to: a page left keeps its own URL.

    The layers switched on go in as ``layers=`` (names as the layer control shows them),
    only while they differ from the map's defaults: a link keeps the heatmap or the online
    basemap its author chose, and an ordinary link stays short."""

    def __init__(self, control: str, defaults: list[str]) -> None:
        super().__init__()
        self._name = "ViewInUrl"
        self.control = control
        self.defaults = ",".join(defaults)

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            geoMap.viewInUrl({{ this._parent.get_name() }}, {{ this.control|tojson }},
                             {{ this.defaults|tojson }});
        {% endmacro %}
        """
    )


class _Panel(MacroElement):
    """A box of (already escaped) HTML as a Leaflet control in one corner of the map; with a
    ``title`` it folds to that title (a ``<details>``, open at first)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = geoMap.panel({{ this._parent.get_name() }},
                {{ this.position|tojson }}, {{ this.css_class|tojson }}, {{ this.html|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, html_text: str, *, position: str, css_class: str,
                 title: str = "") -> None:
        super().__init__()
        self._name = "Panel"
        self.html = (f'<details open><summary title="Fold or unfold">{title}</summary>'
                     f"{html_text}</details>" if title else html_text)
        self.position = position
        self.css_class = css_class


class _Legend(_Panel):
    """Event-type colour key in the map's bottom-right corner."""

    def __init__(self, size_by: str, *, review: bool = False, highlight: bool = False) -> None:
        rows = [
            f'<div><span class="swatch" style="background:{_esc(color)}"></span>{_esc(label)}</div>'
            for label, color in [*_EVENT_TYPE_COLORS.items(), ("Other", OTHER_COLOR)]
        ]
        if review:
            rows.append(
                '<div class="note"><span class="swatch" style="background:#999;opacity:0.4">'
                '</span>pale: no incident reviewed<br><span class="swatch" style="background:'
                f'#999;border:2px solid {REVIEWED_RIM}"></span>dark rim: all reviewed</div>')
        if highlight:
            rows.append(f'<div class="note"><span class="swatch" style="background:#999;border:'
                        f'2px solid {NEW_RIM}"></span>red rim: new since the time asked</div>')
        super().__init__(
            "".join(rows) + f'<div class="note">Circle area: {_esc(size_by)}</div>',
            position="bottomright", css_class="incident-legend",
            title="<b>Main event type</b>")


class _DrawBox(JSCSSMixin, MacroElement):
    """A rectangle tool (Leaflet.draw's, from the local copy), the only drawing tool.

    streamlit-folium reads the drawn shapes from a global ``drawnItems``: it renames
    ``drawnItems_<this control's name>`` to that (as for folium's own ``Draw``), so the group
    keeps that name. One box at a time: a new box replaces the last, so what comes back is
    the box the analyst sees. The box is drawn in a pane under the points (and not
    clickable): a point inside it still opens on a click.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var drawnItems_{{ this.get_name() }} = geoMap.drawBoxLayer(
                {{ this._parent.get_name() }});
            var {{ this.get_name() }} = geoMap.drawBox({{ this._parent.get_name() }},
                drawnItems_{{ this.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, asset_base: str) -> None:
        super().__init__()
        self._name = "DrawControl"
        self.default_js = _urls(asset_base, _DRAW_JS)
        self.default_css = _urls(asset_base, _DRAW_CSS)


class _LabelLayout(MacroElement):
    """Incident labels that never run into one another: after each move, the labelled
    points are taken biggest first and a label that would overlap one already shown is
    hidden until the map is zoomed in enough to part them (its point keeps its tooltip).
    The boxes of the labels shown, and of their points, are what the basemap's own place
    names (``_PlaceLabels``) then keep clear of: a town labelled by its incidents is not
    named a second time under that label."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        geoMap.labelLayout({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "LabelLayout"


class _PlaceLabels(MacroElement):
    """Place names over the offline land layer.

    The file is fetched by the browser from Streamlit's static serving. Place names come
    biggest first; at each zoom the towns above a population threshold inside the view are
    labelled, up to a quota, so the map reads from the whole region down to a city's
    surroundings (zoom 11). Names are set as text, never as HTML.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>{{ this.style }}</style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        geoMap.placeLabels({{ this._parent.get_name() }}, {{ this.places_url|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, places_url: str) -> None:
        super().__init__()
        self._name = "PlaceLabels"
        self.places_url = places_url
        self.style = _own_file(_LABELS_STYLE)


class _BroadPanel(_Panel):
    """Country-level locations as a list in the top-right corner, not as points."""

    def __init__(self, broad: pd.DataFrame, size_by: str) -> None:
        rows = [
            f"<div>{_esc(r.location)}: {_count(int(r.incidents), 'incident')}"
            + (f", {_count(int(r.fatalities), 'fatality')}" if r.fatalities else "") + "</div>"
            for r in broad.sort_values(size_by, ascending=False).itertuples(index=False)
        ]
        super().__init__("<div class=\"note\">No place within the country</div>"
                         + "".join(rows), position="topright",
                         css_class="incident-legend broad-panel",
                         title=f"<b>Country-level</b> ({len(rows)})")
