"""A watch rule's box drawn on the map (issue 27): the rectangle the map's draw tool gives back
(GeoJSON, ``[lon, lat]`` corners) becomes the rule's (south, west, north, east), and the map
that offers the tool loads it from the local copy only."""

from __future__ import annotations

import re

import pytest
from folium.elements import JSCSSMixin

from geo.maps import DEFAULT_ASSET_BASE, ROOT, build_incident_map, map_asset_paths
from geo.store.db import Store
from geo.store.watch import WatchRule, add_rule, box_from_geojson, box_text, load_rules
from tests.test_maps import locations, render, walk


def rectangle(west: float, south: float, east: float, north: float) -> dict:
    """A rectangle as Leaflet.draw's ``toGeoJSON()`` gives it: a closed ring starting at the
    south-west corner and going up the west side."""
    ring = [[west, south], [west, north], [east, north], [east, south], [west, south]]
    return {"type": "Feature", "properties": {},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}


def test_a_drawn_rectangle_becomes_its_south_west_north_east_box():
    assert box_from_geojson(rectangle(36.5, 47.0, 38.5, 48.5)) == (47.0, 36.5, 48.5, 38.5)
    # A bare geometry reads the same; the corners are rounded to about 11 m.
    drawn = rectangle(36.512345678, 47.000049, 38.49999, 48.123456)["geometry"]
    assert box_from_geojson(drawn) == (47.0, 36.5123, 48.1235, 38.5)


def test_the_latest_rectangle_among_the_drawings_is_taken():
    drawings = [rectangle(30, 50, 31, 51), rectangle(36.5, 47.0, 38.5, 48.5),
                {"type": "Feature", "properties": {},
                 "geometry": {"type": "Point", "coordinates": [36.2, 49.9]}}]
    assert box_from_geojson(drawings) == (47.0, 36.5, 48.5, 38.5)


@pytest.mark.parametrize("drawing", [
    None, [],  # nothing drawn yet; a click on a point gives an empty list
    {"type": "Feature", "properties": {"location_id": "k"},
     "geometry": {"type": "Point", "coordinates": [36.2, 49.9]}},
    {"type": "Polygon", "coordinates": []},
    {"type": "Polygon", "coordinates": [[["east", 1], [2, 3]]]},
    {"type": "Polygon", "coordinates": [[[float("nan"), 1], [2, 3]]]},
])
def test_no_box_comes_from_a_click_an_empty_or_a_broken_drawing(drawing):
    assert box_from_geojson(drawing) is None


def test_a_box_drawn_across_the_antimeridian_keeps_west_above_east():
    # Leaflet does not wrap: a box dragged east of 180 comes back with longitudes past it.
    box = box_from_geojson(rectangle(170.0, 60.0, 190.0, 65.0))
    assert box == (60.0, 170.0, 65.0, -170.0)
    rule = WatchRule(id=1, name="Bering", created_at="2026-01-01T00:00:00+00:00", box=box)
    assert rule.contains(62.0, 179.0) and rule.contains(62.0, -175.0)
    assert not rule.contains(62.0, 0.0)
    # Panned a whole turn west, the same box.
    assert box_from_geojson(rectangle(-190.0, 60.0, -170.0, 65.0)) == box
    # Wider than the world: the whole band of latitudes.
    assert box_from_geojson(rectangle(-200.0, -10.0, 200.0, 10.0)) == (-10.0, -180.0, 10.0,
                                                                        180.0)
    assert box_from_geojson(rectangle(-180.0, -10.0, 180.0, 10.0)) == (-10.0, -180.0, 10.0,
                                                                        180.0)


def test_a_drawn_box_typed_into_the_form_is_saved_as_the_rules_box(tmp_path):
    box = box_from_geojson(rectangle(36.512345, 47.0, 38.5, 48.25))
    text = box_text(box)
    assert text == "47, 36.5123, 48.25, 38.5"
    # What the Overview's form does with the box field (dashboard.add_rule).
    corners = [float(v) for v in text.replace(";", ",").split(",")]
    store = Store(tmp_path / "store.sqlite")
    add_rule(store, name="Drawn", box=corners)
    assert [r.box for r in load_rules(store)] == [box]
    assert box_text((-0.00001, 0, 1.5, 2)) == "0, 0, 1.5, 2"


def test_the_rectangle_tool_is_loaded_from_the_local_copy_only():
    m = build_incident_map(locations(20), draw_box=True)
    # What st_folium loads: every element's default_js/default_css (its own ``walk``).
    links = [url for e in walk(m) if isinstance(e, JSCSSMixin)
             for _, url in [*e.default_js, *e.default_css]]
    assert any(url.endswith("/leaflet.draw/leaflet.draw.js") for url in links), links
    assert all(url.startswith(DEFAULT_ASSET_BASE.removesuffix("vendor")) for url in links), links
    page = render(m)
    assert "geoMap.drawBox(" in page and "drawnItems_draw_control_" in page
    assert "L.Control.Draw" in (ROOT / "static/js/incident_map.js").read_text(encoding="utf-8")
    assert not re.search(r"(?:https?:)?//[^\s\"'<>)]+leaflet\.draw", page)
    paths = map_asset_paths()
    for rel in ("static/vendor/leaflet.draw/leaflet.draw.js",
                "static/vendor/leaflet.draw/leaflet.draw.css",
                "static/vendor/leaflet.draw/images/spritesheet.svg"):
        assert rel in paths and (ROOT / rel).is_file(), rel
    assert (ROOT / "static/vendor/leaflet.draw/LICENSE").is_file()
    # The stylesheet's icons are the files listed.
    css = (ROOT / "static/vendor/leaflet.draw/leaflet.draw.css").read_text()
    for image in set(re.findall(r"url\('([^']+)'\)", css)):
        assert f"static/vendor/leaflet.draw/{image}" in paths, image
    # Without the tool, the map does not load it.
    assert "leaflet.draw" not in render(build_incident_map(locations(20)))
