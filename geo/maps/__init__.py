"""Offline folium map of incident locations for the dashboard.

The map must work with no internet: Leaflet, jQuery and the plugins are loaded from local copies
under ``static/vendor`` (served by Streamlit at ``/app/static/vendor``), and the default basemap
is a GeoJSON of country outlines drawn over a sea-coloured background instead of web tiles.
Online tile layers are offered in the layer control but are not shown unless chosen.

The map's own behaviour in the browser is ``static/js/incident_map.js``, loaded beside the
vendored scripts; the page's inline scripts only call its functions, with names, settings and
data as JSON arguments. Its styles are ``static/css/``, written into the page's head.

This package is folium only; it never imports streamlit. Here: :func:`build_incident_map` and
its input; ``assets`` (the files loaded), ``style`` (colours, sizes, text), ``layers`` (what
is drawn) and ``furniture`` (the page around it). Their public names are importable from here.

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

from collections.abc import Collection, Sequence

import folium
import pandas as pd

from geo.maps.assets import (
    _LEAFLET_IMAGES,
    _MAP_CSS,
    _MAP_JS,
    ADMIN1_GEOJSON,
    COUNTRIES_GEOJSON,
    DEFAULT_ASSET_BASE,
    ROOT,
    STATIC_DIR,
    VENDOR_DIR,
    _own_js_url,
    _urls,
    load_admin1_shapes,
    load_basemap,
    map_asset_paths,
)
from geo.maps.furniture import (
    _BroadPanel,
    _choose_layers,
    _DrawBox,
    _LabelLayout,
    _Legend,
    _MapSetup,
    _PlaceLabels,
    _shown_layers,
    _ViewInUrl,
)
from geo.maps.layers import (
    _add_base_layers,
    _add_borders,
    _add_heatmap,
    _add_panes,
    _add_points_layer,
    _add_regions_layer,
    _add_selection,
    _add_tile_set,
    _InViewGeoJson,
    _SpreadOverlaps,
)
from geo.maps.style import (
    _BROAD_FEATURES,
    BORDER_COLOR,
    CLUSTER_THRESHOLD,
    LABELLED_PLACES,
    LAND_COLOR,
    MAX_RADIUS,
    MAX_ZOOM,
    MIN_RADIUS,
    NEW_RIM,
    OTHER_COLOR,
    REVIEWED_RIM,
    SEA_COLOR,
    SPREAD_MAX_GROUP,
    SPREAD_MAX_KM,
    SPREAD_MAX_RING_PX,
    UKRAINE_BOUNDS,
    USER_BORDER_COLOR,
    WATER_ATTRIBUTION,
    WATER_LINE_COLOR,
    event_type_colors,
)
from geo.tiles import TileSet

__all__ = [
    "ADMIN1_GEOJSON", "BORDER_COLOR", "CLUSTER_THRESHOLD", "COUNTRIES_GEOJSON", "COUNT_COLUMNS",
    "DEFAULT_ASSET_BASE", "LABELLED_PLACES", "LAND_COLOR", "MAX_RADIUS", "MAX_ZOOM",
    "MIN_RADIUS", "NEW_RIM", "OTHER_COLOR", "REQUIRED_COLUMNS", "REVIEWED_RIM", "ROOT",
    "SEA_COLOR", "SPREAD_MAX_GROUP", "SPREAD_MAX_KM", "SPREAD_MAX_RING_PX", "STATIC_DIR",
    "UKRAINE_BOUNDS", "USER_BORDER_COLOR", "VENDOR_DIR", "WATER_ATTRIBUTION",
    "WATER_LINE_COLOR", "build_incident_map", "event_type_colors", "load_admin1_shapes",
    "load_basemap", "map_asset_paths",
]

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


def build_incident_map(
    locations: pd.DataFrame, *, size_by: str = "incidents",
    asset_base: str = DEFAULT_ASSET_BASE, basemap: dict | None = None,
    basemap_url: str | None = None, regions: pd.DataFrame | None = None, heatmap: bool = True,
    cluster: bool | None = None, selected: str | None = None, labels: bool = True,
    view_in_url: bool = False, tile_sets: Sequence[TileSet] = (),
    layers: Collection[str] | None = None, highlight: Collection[str] = (),
    draw_box: bool = False,
) -> folium.Map:
    """Build the incident map: offline basemap, one point layer, optional heatmap and regions.

    The offline basemap has land and sea, major rivers and lakes, country and first-level
    borders, and place names from the gazetteer that appear by zoom (biggest towns first);
    the most important incident places carry their name. Precision shows: a region-level
    location is a dashed ring, not a dot; country-level ones are listed in a corner.

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
    points, broad = _points_and_broad(_clean_locations(locations, size_by))
    base = asset_base.rstrip("/")
    static_base = base.rsplit("/", 1)[0]
    m = _new_map(base, static_base, _bounds(_focus(locations, points)))
    # The browser fetches the outlines from the URL: nothing of them is written into the
    # map, so they are not parsed here either.
    _add_base_layers(m, basemap, url=None if basemap is not None else (
        basemap_url or f"{static_base}/basemap/countries.geojson"))
    _add_own_files(m, tile_sets, static_base, base)
    if labels:
        _add_labels(m, static_base)
    if regions is not None:
        _add_regions_layer(m, regions)
    if heatmap and len(points):
        _add_heatmap(m, points, base)
    _add_incidents(m, points, size_by, base, cluster, selected, frozenset(highlight))
    if draw_box:
        _DrawBox(base).add_to(m)
    _Legend(size_by, review="unchecked" in points.columns,
            highlight=bool(set(highlight) & set(points["location_id"]))).add_to(m)
    _add_controls(m, layers, view_in_url, broad, size_by)
    return m


# --------------------------------------------------------------------------- the map's parts


def _points_and_broad(points: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The points drawn, and the country-level places listed in a panel instead."""
    broad = points[points["feature"].isin(_BROAD_FEATURES)]
    if len(broad) < len(points):  # a map of only country-level places still shows them
        points = points[~points["feature"].isin(_BROAD_FEATURES)].reset_index(drop=True)
    else:
        broad = broad.iloc[:0]
    return points, broad


def _new_map(base: str, static_base: str,
             bounds: tuple[list[float], list[float]]) -> folium.Map:
    """An empty map over ``bounds`` with the vendored scripts, the map's own, and its panes.
    The points are framed by ``_MapSetup`` (clear of the legend, without animation)."""
    south_west, north_east = bounds
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
    return m


def _add_own_files(m: folium.Map, tile_sets: Sequence[TileSet], static_base: str,
                   base: str) -> None:
    """The analyst's basemap files (the first shown) and borders files (all shown)."""
    basemaps = [t for t in tile_sets if not t.is_borders]
    for n, tile_set in enumerate(basemaps):
        _add_tile_set(m, tile_set, static_base, show=n == 0, asset_base=base)
    for tile_set in tile_sets:
        if tile_set.is_borders:
            _add_borders(m, tile_set, static_base)


def _add_labels(m: folium.Map, static_base: str) -> None:
    """Rivers and lakes, first-level borders and place names, fetched by the browser."""
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


def _add_incidents(m: folium.Map, points: pd.DataFrame, size_by: str, base: str,
                   cluster: bool | None, selected: str | None,
                   highlight: frozenset[str]) -> None:
    """The points, the selection ring, overlapping points spread apart and the labels laid
    out."""
    layer, clustered = _add_points_layer(m, points, size_by, base, cluster, selected,
                                         highlight)
    ring = _add_selection(m, points, size_by, selected)
    if not clustered:
        # Clusters spread their own coinciding points (at the deepest zoom).
        _SpreadOverlaps(layer, ring).add_to(m)
    _LabelLayout().add_to(m)


def _add_controls(m: folium.Map, layers: Collection[str] | None, view_in_url: bool,
                  broad: pd.DataFrame, size_by: str) -> None:
    """The layer control (the layers chosen shown), the view kept in the URL and the
    country-level panel. Added last: the control lists the layers added before it."""
    control = folium.LayerControl(collapsed=True)
    defaults = _shown_layers(m)
    if layers is not None:
        _choose_layers(m, layers)
    if view_in_url:
        _ViewInUrl(control.get_name(), defaults).add_to(m)
    if len(broad):
        _BroadPanel(broad, size_by).add_to(m)
    control.add_to(m)


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
