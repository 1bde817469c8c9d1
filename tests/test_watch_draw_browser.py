"""A watch rule's box drawn on the Overview's map in headless Chromium (issue 27): the
rectangle tool, loaded from the local copy, draws a box with the mouse; the box fills the rule
form; the rule saved holds that box. No request leaves the machine (the ``browser_page``
fixture fails the test on any)."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.store.db import Store
from geo.store.watch import load_rules
from tests.test_browser import (  # noqa: F401 (browser_page: the fixture, imported)
    browser_page,
    map_frame,
    no_exception,
    shot,
    start_server,
)

pytestmark = pytest.mark.browser

# The corners of the drag, in the map's own pixels, and what they are on the ground.
CORNERS = """([a, b]) => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  const p = map.containerPointToLatLng(a), q = map.containerPointToLatLng(b);
  return {south: Math.min(p.lat, q.lat), west: Math.min(p.lng, q.lng),
          north: Math.max(p.lat, q.lat), east: Math.max(p.lng, q.lng)};
}"""
# The incident point nearest the map's middle, in the map's pixels.
MIDDLE_POINT = """() => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  const size = map.getSize();
  let best = null;
  map.eachLayer(l => {
    if (!(l.feature && l.feature.properties && l.feature.properties.location_id
          && l.getLatLng)) return;
    const p = map.latLngToContainerPoint(l.getLatLng());
    const d = Math.hypot(p.x - size.x / 2, p.y - size.y / 2);
    if (!best || d < best.d) best = {d: d, x: p.x, y: p.y};
  });
  return best && [Math.round(best.x), Math.round(best.y)];
}"""
# What lies on top at a point of the map (a click there goes to it): a point's circle or the
# drawn box (streamlit-folium's global ``drawnItems`` holds it).
ON_TOP = """([x, y]) => {
  const e = document.elementFromPoint(x, y);
  const box = drawnItems.getLayers()[0]._path;
  return {point: !!e && e !== box && e.matches("path.leaflet-interactive"), box: e === box};
}"""


def test_a_box_drawn_on_the_overview_map_is_saved_as_a_watch_rules_area(
        tmp_path, browser_page):  # noqa: F811 (the fixture, imported)
    store_path = tmp_path / "store" / "news.sqlite"
    proc, url = start_server({"GEO_STORE": str(store_path)})
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(url)  # the first view: the bundled articles are loaded
        page.get_by_text("First visit from this browser").wait_for(timeout=300_000)
        frame = map_frame(page)
        iframe = page.locator('iframe[title="streamlit_folium.st_folium"]').first
        iframe.scroll_into_view_if_needed()
        tool = frame.locator("a.leaflet-draw-draw-rectangle")
        assert tool.count() == 1 and tool.is_visible()
        # The rectangle tool is the only one: no line, polygon, circle or marker.
        assert frame.locator(".leaflet-draw-toolbar a").count() == 1
        # A box around a point: the point stays on top of it, clickable.
        inner = iframe.element_handle().content_frame()
        x, y = inner.evaluate(MIDDLE_POINT)
        start, end = (x - 80, y - 60), (x + 80, y + 60)
        expected = inner.evaluate(CORNERS, [start, end])
        tool.click()
        box = iframe.bounding_box()
        page.mouse.move(box["x"] + start[0], box["y"] + start[1])
        page.mouse.down()
        page.mouse.move(box["x"] + end[0], box["y"] + end[1], steps=12)
        page.mouse.up()
        # The box reaches the page, which puts it in the rule form's box field.
        page.get_by_text("Box drawn:").wait_for(timeout=60_000)
        inner = iframe.element_handle().content_frame()
        assert inner.evaluate(ON_TOP, [x, y]) == {"point": True, "box": False}
        assert frame.locator(".leaflet-drawnBox-pane path").count() == 1
        shot(page, "overview_watch_box_drawn")
        page.get_by_text("Rules, and add a rule", exact=True).click()
        field = page.get_by_label("…or a box: south, west, north, east (or draw it on the map)")
        drawn = [float(v) for v in field.input_value().split(",")]
        assert drawn == pytest.approx([expected[k] for k in ("south", "west", "north", "east")],
                                      abs=1e-3)
        page.get_by_label("Rule name").fill("Drawn box")
        page.get_by_role("button", name="Add the rule").click()
        page.get_by_text("Drawn box: box").wait_for(timeout=60_000)
        no_exception(page)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    rules = load_rules(Store(Path(store_path)))
    assert [r.name for r in rules] == ["Drawn box"]
    assert rules[0].box == pytest.approx(tuple(drawn))
    assert rules[0].lat is None and rules[0].radius_km == 0
    assert errors == []  # the fixture then checks that no request left the machine
