"""The incident map's page furniture, what folium has no option for: the page set up (sea
colour, icon path, the points framed clear of the panels), the layers shown on opening and
chosen by a link, the view kept in the page's URL, the corner panels (legend, country-level
places), the rectangle tool, and the labels of incident places and of the basemap's towns.
Each is a call of a ``geoMap`` function of ``static/js/incident_map.js``.
"""

from __future__ import annotations

from collections.abc import Collection

import folium
import pandas as pd
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

from geo.maps.assets import _DRAW_CSS, _DRAW_JS, _LABELS_STYLE, _MAP_STYLE, _own_file, _urls
from geo.maps.style import (
    _EVENT_TYPE_COLORS,
    NEW_RIM,
    OTHER_COLOR,
    REVIEWED_RIM,
    SEA_COLOR,
    _count,
    _esc,
)


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
