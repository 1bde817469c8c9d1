"""How the incident map looks: the event types' colours, the rims of reviewed and new places,
the kinds of place drawn differently, sizes and thresholds, the basemap's colours, and how
its text is written (every data value escaped, counts in words).

Example:
    >>> _count(1, "fatality"), _count(2_000, "fatality"), _esc("<b>")
    ('1 fatality', '2,000 fatalities', '&lt;b&gt;')
"""

from __future__ import annotations

import html

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


def event_type_colors() -> dict[str, str]:
    """Colour of each ACLED event type on the map and in the legend.

    Returns:
        A new dict ``{event type: "#rrggbb"}``; types not in it are drawn in ``OTHER_COLOR``.
    """
    return dict(_EVENT_TYPE_COLORS)


def _esc(value: object) -> str:
    """Escape a data value for insertion into tooltip/legend HTML."""
    return html.escape(str(value), quote=True)


def _count(n: int, word: str) -> str:
    plural = word[:-1] + "ies" if word.endswith("y") else word + "s"
    return f"{n:,} {word if n == 1 else plural}"
