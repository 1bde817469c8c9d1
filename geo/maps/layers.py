"""The incident map's layers: the offline basemap (land, water, borders) and the online tile
layers offered beside it, an analyst's own tile and borders files, the incident points (one
GeoJSON layer of circle markers, clustered when there are many), the heatmap, the regions'
choropleth, the selection ring, and points that hide each other spread apart. Each layer's
behaviour in the browser is a ``geoMap`` function of ``static/js/incident_map.js``.
"""

from __future__ import annotations

import math
from typing import Any

import folium
import folium.plugins
import pandas as pd
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template
from folium.utilities import JsCode

from geo.gazetteer.keys import is_estimated_key
from geo.maps.assets import (
    _CLUSTER_CSS,
    _CLUSTER_JS,
    _HEAT_JS,
    _VECTOR_JS,
    _urls,
    load_admin1_shapes,
)
from geo.maps.style import (
    _EVENT_TYPE_COLORS,
    _LANDMARK_FEATURES,
    _REGION_FEATURES,
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
    USER_BORDER_COLOR,
    WATER_LINE_COLOR,
    _count,
    _esc,
)
from geo.tiles import TileSet


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
