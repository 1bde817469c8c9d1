"""What is new: incidents whose articles came after a time, and watch rules an analyst sets
(an area, event types, a minimum toll) evaluated against the store after every write.

Rules live in a JSON file beside the store (``<store>.watch.json``); their matches are
written beside it as ``<store>.watch-matches.json`` and ``.csv``, newest first, for an
analyst's own tool to poll. The dashboard server's worker evaluates the rules every few
seconds when the store has changed (``watch_job``): one writer of those files, whichever
session or command wrote the store. Nothing is sent anywhere: no message leaves the
machine.

A rule matches an incident that lies in its area, is of one of its event types (none: any),
has at least its minimum of fatalities, and has an article stored after the rule was made
(what came in since, not the backlog). Each (rule, incident) is listed once, at the time it
was first found; an incident that later gains articles keeps its first listing.

``new_since`` columns: the incidents table's, plus ``first_added`` and ``last_added`` (when
the incident's first and latest article were stored, UTC) and ``new`` (True when its first
article came after the time: a new incident; False: an older one a new article joined).

Example:
    >>> rule = WatchRule(id=1, name="Kharkiv", lat=49.99, lon=36.23, radius_km=30,
    ...                  created_at="2026-01-01T00:00:00+00:00")
    >>> rule.contains(50.0, 36.3), rule.contains(50.45, 30.52)
    (True, False)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from geo.exports import safe_csv
from geo.geodesy import haversine_km
from geo.pipeline import PipelineResult
from geo.store.db import Store
from geo.store.jobs import JobLike
from geo.store.results import result_from_store

MATCH_COLUMNS = ["found_at", "rule_id", "rule", "event_id", "event_date", "event_type",
                 "sub_event_type", "location", "admin1", "country", "latitude", "longitude",
                 "fatalities", "sources"]


@dataclass(frozen=True)
class WatchRule:
    """An area (a point and radius, or a box), event types (empty: any) and a minimum
    fatality count; ``created_at`` is ISO 8601 UTC."""

    id: int
    name: str
    created_at: str
    lat: float | None = None
    lon: float | None = None
    radius_km: float = 0.0
    box: tuple[float, float, float, float] | None = None  # south, west, north, east
    event_types: tuple[str, ...] = ()
    min_fatalities: int = 0
    # The last article stored when the rule was made (its SQLite rowid): the rule lists what
    # came after it. An order, not a time: the store keeps whole seconds.
    after_article: int = 0

    def contains(self, lat: float, lon: float) -> bool:
        """Whether the point lies in the rule's area."""
        if self.box is not None:
            south, west, north, east = self.box
            inside_lon = west <= lon <= east if west <= east else (lon >= west or lon <= east)
            return south <= lat <= north and inside_lon
        if self.lat is None or self.lon is None:
            return False
        return haversine_km(self.lat, self.lon, lat, lon) <= self.radius_km

    def describe(self) -> str:
        """The rule in words (plain text)."""
        if self.box is not None:
            area = "box {:.2f}, {:.2f} to {:.2f}, {:.2f}".format(*self.box)
        else:
            area = f"within {self.radius_km:g} km of {self.lat:.3f}, {self.lon:.3f}"
        types = ", ".join(self.event_types) or "any type"
        toll = f", at least {self.min_fatalities} killed" if self.min_fatalities else ""
        return f"{self.name}: {area}; {types}{toll}"


def rules_path(store: Store) -> Path:
    return store.path.with_name(store.path.name + ".watch.json")


def matches_paths(store: Store) -> tuple[Path, Path]:
    """Where the matches are written: JSON and CSV, beside the store."""
    base = store.path.name + ".watch-matches"
    return store.path.with_name(base + ".json"), store.path.with_name(base + ".csv")


def load_rules(store: Store) -> list[WatchRule]:
    """The store's watch rules (none when the file is missing or unreadable)."""
    try:
        raw = json.loads(rules_path(store).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    rules = []
    for item in raw if isinstance(raw, list) else []:
        try:
            box = tuple(float(v) for v in item["box"]) if item.get("box") else None
            rules.append(WatchRule(
                id=int(item["id"]), name=str(item["name"]), created_at=str(item["created_at"]),
                lat=None if item.get("lat") is None else float(item["lat"]),
                lon=None if item.get("lon") is None else float(item["lon"]),
                radius_km=float(item.get("radius_km") or 0), box=box,  # type: ignore[arg-type]
                event_types=tuple(item.get("event_types") or ()),
                min_fatalities=int(item.get("min_fatalities") or 0),
                after_article=int(item.get("after_article") or 0)))
        except (KeyError, TypeError, ValueError):
            continue  # a hand-edited entry that does not read: skipped, the others kept
    return rules


def add_rule(store: Store, *, name: str, lat: float | None = None, lon: float | None = None,
             radius_km: float = 0.0, box: Sequence[float] | None = None,
             event_types: Sequence[str] = (), min_fatalities: int = 0,
             now: dt.datetime | None = None) -> WatchRule:
    """Save a new rule (a point and radius, or a box).

    Raises:
        ValueError: when the area is missing or off the globe.
    """
    if box is not None:
        south, west, north, east = (float(v) for v in box)
        if not (-90 <= south < north <= 90 and -180 <= west <= 180 and -180 <= east <= 180):
            raise ValueError("a box needs south < north within ±90 and west, east within ±180")
        area: dict = {"box": [south, west, north, east]}
    elif lat is not None and lon is not None and radius_km > 0:
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError("the point is off the globe")
        area = {"lat": float(lat), "lon": float(lon), "radius_km": float(radius_km)}
    else:
        raise ValueError("a rule needs an area: a place and a radius, or a box")
    rules = load_rules(store)
    rule = WatchRule(id=max((r.id for r in rules), default=0) + 1, name=name.strip() or "rule",
                     created_at=(now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
                     event_types=tuple(event_types), min_fatalities=int(min_fatalities),
                     after_article=max(article_order(store).values(), default=0),
                     **{k: (tuple(v) if k == "box" else v) for k, v in area.items()})
    _write_rules(store, [*rules, rule])
    return rule


# Decimal places kept of a drawn box's corners: about 11 m, finer than a hand-drawn box means,
# and short enough to read back in the form's box field.
BOX_DECIMALS = 4

Box = tuple[float, float, float, float]


def box_from_geojson(drawing: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None
                     ) -> Box | None:
    """The (south, west, north, east) box around a rectangle drawn on the map.

    ``drawing`` is what the map's rectangle tool gives back (streamlit-folium's
    ``all_drawings`` or ``last_active_drawing``): a GeoJSON Feature or geometry of type
    Polygon (``[lon, lat]`` corners), or a list of them, of which the last polygon is
    taken (the latest drawn). Leaflet does not wrap longitudes on a map panned across the
    antimeridian: they are brought back within ±180, so a box across it comes back with
    ``west > east`` (as ``WatchRule.contains`` reads it), and one 360° wide or more is the
    whole band of latitudes. Corners are rounded to ``BOX_DECIMALS`` places.

    Returns:
        The box, or None when there is no polygon (a marker click, a drawing deleted) or
        its coordinates do not read as numbers.

    Example:
        >>> box_from_geojson({"type": "Feature", "properties": {}, "geometry": {
        ...     "type": "Polygon", "coordinates": [[[36.5, 47.0], [36.5, 48.5],
        ...     [38.5, 48.5], [38.5, 47.0], [36.5, 47.0]]]}})
        (47.0, 36.5, 48.5, 38.5)
    """
    if drawing is None:
        return None
    if not isinstance(drawing, Mapping):
        for item in reversed(list(drawing)):
            box = box_from_geojson(item) if isinstance(item, Mapping) else None
            if box is not None:
                return box
        return None
    geometry = drawing.get("geometry") if drawing.get("type") == "Feature" else drawing
    if not isinstance(geometry, Mapping) or geometry.get("type") != "Polygon":
        return None
    try:
        corners = [(float(lon), float(lat)) for lon, lat, *_ in geometry["coordinates"][0]]
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    if not corners or not all(math.isfinite(v) for c in corners for v in c):
        return None
    lons = [lon for lon, _ in corners]
    lats = [min(90.0, max(-90.0, lat)) for _, lat in corners]
    west, east = min(lons), max(lons)
    if east - west >= 360:
        west, east = -180.0, 180.0
    else:
        west, east = _wrap_lon(west, edge="west"), _wrap_lon(east, edge="east")
    return tuple(round(v, BOX_DECIMALS) + 0.0  # + 0.0: no -0.0 in the form
                 for v in (min(lats), west, max(lats), east))  # type: ignore[return-value]


def box_text(box: Sequence[float]) -> str:
    """A box as the dashboard's box field reads it: ``"south, west, north, east"``, each to
    ``BOX_DECIMALS`` places at most.

    Example:
        >>> box_text((47.0, 36.5, 48.25, 179.123456))
        '47, 36.5, 48.25, 179.1235'
    """
    texts = (f"{float(v):.{BOX_DECIMALS}f}".rstrip("0").rstrip(".") for v in box)
    return ", ".join("0" if t == "-0" else t for t in texts)


def _wrap_lon(lon: float, *, edge: str) -> float:
    """A longitude brought within ±180; exactly on the antimeridian, -180 for a west edge
    and 180 for an east one (a box from -180 to 180 is the whole band)."""
    wrapped = (lon + 180.0) % 360.0 - 180.0
    if wrapped == -180.0 and edge == "east":
        return 180.0
    return wrapped


def remove_rule(store: Store, rule_id: int) -> None:
    _write_rules(store, [r for r in load_rules(store) if r.id != rule_id])


def _write_rules(store: Store, rules: list[WatchRule]) -> None:
    items = [{k: (list(v) if isinstance(v, tuple) else v)
              for k, v in dataclasses.asdict(r).items()} for r in rules]
    _atomic_write(rules_path(store), json.dumps(items, indent=1))


def article_order(store: Store) -> dict[str, int]:
    """Each stored article's place in the order articles were stored (its rowid)."""
    with store.read() as conn:
        return dict(conn.execute("SELECT id, rowid FROM articles").fetchall())


def article_times(store: Store) -> dict[str, dt.datetime]:
    """When each stored article was added (UTC)."""
    with store.read() as conn:
        rows = conn.execute("SELECT id, added_at FROM articles").fetchall()
    return {a: _utc(t) for a, t in rows}


def new_since(incidents: pd.DataFrame, added: dict[str, dt.datetime],
              since: dt.datetime) -> pd.DataFrame:
    """The incidents with an article stored after ``since`` (see the module docstring for
    the columns added), latest first."""
    first, last = [], []
    for ids in incidents["articles"]:
        times = [added[a] for a in str(ids).split(";") if a in added]
        first.append(min(times) if times else pd.NaT)
        last.append(max(times) if times else pd.NaT)
    out = incidents.assign(first_added=pd.to_datetime(first, utc=True),
                           last_added=pd.to_datetime(last, utc=True))
    cut = pd.Timestamp(_utc(since))
    # The store keeps whole seconds: an article stored in the second the time falls in
    # counts as after it (a rule made and an ingest in one second must not miss it).
    cut = cut.floor("s")
    out = out[out["last_added"] >= cut]
    out = out.assign(new=out["first_added"] >= cut)
    return out.sort_values(["last_added", "event_date"], ascending=False)


def matching(rule: WatchRule, incidents: pd.DataFrame, order: dict[str, int]) -> pd.DataFrame:
    """The incidents ``rule`` matches (its area, types and toll, and an article stored after
    the rule was made)."""
    later = [any(order.get(a, 0) > rule.after_article for a in str(ids).split(";"))
             for ids in incidents["articles"]]
    fresh = incidents[later]
    if fresh.empty:
        return fresh
    keep = [rule.contains(float(a), float(b))
            for a, b in zip(fresh["latitude"], fresh["longitude"], strict=True)]
    fresh = fresh[keep]
    if rule.event_types:
        fresh = fresh[fresh["event_type"].isin(rule.event_types)]
    if rule.min_fatalities:
        fresh = fresh[fresh["fatalities"].fillna(0) >= rule.min_fatalities]
    return fresh


def refresh_matches(store: Store, incidents: pd.DataFrame,
                    now: dt.datetime | None = None) -> pd.DataFrame:
    """Evaluate every rule against ``incidents`` (the store's, as read now), add the new
    (rule, incident) pairs to the matches files, and return every match, newest first
    (``MATCH_COLUMNS``)."""
    json_path, csv_path = matches_paths(store)
    known = read_matches(store)
    seen = set(zip(known["rule_id"], known["event_id"], strict=True))
    rules = load_rules(store)
    if not rules:
        return known
    order = article_order(store)
    stamp = (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
    found = []
    for rule in rules:
        for row in matching(rule, incidents, order).to_dict("records"):
            if (rule.id, row["event_id"]) in seen:
                continue
            found.append({"found_at": stamp, "rule_id": rule.id, "rule": rule.name,
                          **{c: row.get(c) for c in MATCH_COLUMNS[3:]}})
    if not found:
        return known
    fresh = pd.DataFrame(found, columns=MATCH_COLUMNS)
    fresh["event_date"] = pd.to_datetime(fresh["event_date"]).dt.date.astype(str)
    everything = pd.concat([fresh, known], ignore_index=True) if len(known) else fresh
    records = json.loads(everything.to_json(orient="records"))
    _atomic_write(json_path, json.dumps(records, indent=1, ensure_ascii=False))
    # Same rows as CSV; cells an office program would run as formulas are neutralised.
    _atomic_write(csv_path, safe_csv(everything))
    return everything


# Per store: the state and rules last evaluated in this process, and the result read then
# (the next read is a delta from it).
_EVALUATED: dict[str, tuple[str, int, PipelineResult]] = {}


def watch_job(ctx: JobLike, store_path: str) -> int:
    """Evaluate the rules if the store or the rules changed since the last run in this
    process (the server's worker runs it every few seconds, unlisted).

    Returns:
        How many matches are listed now.
    """
    store = Store(Path(store_path))
    try:
        rules_version = rules_path(store).stat().st_mtime_ns
    except OSError:
        return 0  # no rule
    state = store.state()
    last = _EVALUATED.get(store_path)
    if last is not None and last[:2] == (state, rules_version):
        return len(read_matches(store))
    previous = last[2] if last is not None else None
    result = result_from_store(store, previous=previous)
    _EVALUATED[store_path] = (state, rules_version, result)
    return len(refresh_matches(store, result.incidents))


def read_matches(store: Store) -> pd.DataFrame:
    """The matches found so far, newest first (``MATCH_COLUMNS``)."""
    try:
        records = json.loads(matches_paths(store)[0].read_text(encoding="utf-8"))
    except (OSError, ValueError):
        records = []
    frame = pd.DataFrame(records if isinstance(records, list) else [], columns=MATCH_COLUMNS)
    return frame


def _utc(text: str | dt.datetime) -> dt.datetime:
    value = dt.datetime.fromisoformat(text) if isinstance(text, str) else text
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _atomic_write(path: Path, text: str) -> None:
    """Write a file whole or not at all: a tool polling it never reads half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)
