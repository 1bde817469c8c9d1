"""The files the incident map loads, all from this machine: the vendored libraries under
``static/vendor`` (keyed by the names folium gives them), the map's own script and styles
under ``static/``, and the bundled basemap GeoJSON, parsed once per process.

Example:
    >>> "static/js/incident_map.js" in map_asset_paths()
    True
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
STATIC_DIR = ROOT / "static"
VENDOR_DIR = STATIC_DIR / "vendor"
COUNTRIES_GEOJSON = STATIC_DIR / "basemap" / "countries.geojson"
ADMIN1_GEOJSON = STATIC_DIR / "basemap" / "admin1.geojson"

DEFAULT_ASSET_BASE = "/app/static/vendor"
# The map's own script and styles, under static/ (not vendored).
_OWN_JS = "js/incident_map.js"
_MAP_STYLE = "css/incident_map.css"
_LABELS_STYLE = "css/place_labels.css"

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
