"""Analysts' corrections, applied on top of what the machine found.

A change is stored (``geo.store.db``) with its kind, target, payload, time and note, and is
applied every time articles are processed, so it survives restarts and re-processing; undoing
it removes it from the list and processing again restores the machine's answer.

Kinds (``KINDS``):

* ``resolve_mention`` — target ``article:start:end``; payload ``{"place_key": ...}`` (a
  gazetteer place, e.g. a runner-up candidate) or ``{"name", "lat", "lon", "country_code"}``
  (a place the analyst names or an online geocoder found);
* ``dismiss_mention`` — target ``article:start:end``: not a place;
* ``add_alias`` — payload ``{"alias": "Zaporozhe", "place_key": ...}`` or a custom point: the
  alias becomes a name of that place in every article;
* ``edit_incident`` — payload ``{"reports": [report keys], "fields": {"event_type": ...,
  "sub_event_type", "event_date", "fatalities", "fatalities_min", "fatalities_max",
  "injuries"}}``;
* ``merge_incidents`` — payload ``{"groups": [[report keys], [report keys], ...]}``;
* ``split_incident`` — payload ``{"reports": [report keys]}``: those reports become an
  incident of their own;
* ``review_incident`` — payload ``{"reports": [report keys], "state", "reviewer"}``: an
  analyst's review state (``geo.review``); it changes no result.

Incident changes name their incidents by report keys (``article:sentence:type:place``), not by
event id: ids change when new articles join an incident, reports do not.

Example:
    >>> report_key_parts("a1:120:Battles:gn:706483")
    ('a1', 120, 'Battles', 'gn:706483')
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from typing import Protocol

from geo.acled import consistent_sub_event_type
from geo.gazetteer.index import Gazetteer, normalize
from geo.geodesy import haversine_km
from geo.incidents import Incident, Report, incident_from_reports, with_event_ids
from geo.records import Place, Resolution

KINDS = ("resolve_mention", "dismiss_mention", "add_alias", "edit_incident",
         "merge_incidents", "split_incident",
         # An analyst's review state of an incident (``geo.review``): stored with the
         # changes, it acts on no article's results and no incident's figures.
         "review_incident")
INCIDENT_FIELDS = ("event_type", "sub_event_type", "event_date", "fatalities",
                   "fatalities_min", "fatalities_max", "injuries")


class ChangeLike(Protocol):
    id: int
    kind: str
    target: str
    payload: dict
    note: str


def mention_target(article: str, start: int, end: int) -> str:
    return f"{article}:{start}:{end}"


def report_key(report: Report) -> str:
    return report.key


def report_key_parts(key: str) -> tuple[str, int, str, str]:
    article, sentence, event_type, place = key.split(":", 3)
    return article, int(sentence), event_type, place


# A point the analyst gives is the gazetteer's town of the name it is given when that town
# lies this close (the analyst's pin, or a geocoder's point, is not the gazetteer's).
NAMED_TOWN_KM = 10.0


def analyst_place(change: ChangeLike, gazetteer: Gazetteer) -> Place | None:
    """The place a change points at: a gazetteer key, or a point the analyst gave.

    A point named as a town the gazetteer knows there is that town (its key and region), so
    a mention moved onto Chasiv Yar by coordinates or by a geocoder's answer merges with the
    other reports of Chasiv Yar: a place of its own would stand apart from them (another
    key, no region, another merge block)."""
    payload = change.payload
    if payload.get("place_key"):
        return gazetteer.get(payload["place_key"])
    if "lat" in payload and "lon" in payload:
        lat, lon = float(payload["lat"]), float(payload["lon"])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return None
        known = _town_at(gazetteer, str(payload.get("name") or ""), lat, lon)
        if known is not None:
            return known
        return Place(key=payload.get("key") or f"analyst:{change.id}",
                     name=str(payload.get("name") or f"{lat:.4f}, {lon:.4f}"), lat=lat, lon=lon,
                     feature=str(payload.get("feature") or "analyst"),
                     country_code=str(payload.get("country_code") or ""))
    return None


def _town_at(gazetteer: Gazetteer, name: str, lat: float, lon: float) -> Place | None:
    """The gazetteer's populated place of ``name`` (or of the name's first part, "Chasiv Yar,
    Donetsk Oblast", as geocoders write it) nearest the point, when within
    ``NAMED_TOWN_KM``; None otherwise. A point named otherwise (a plant, a checkpoint)
    keeps the analyst's name and point."""
    towns = []
    for candidate in {normalize(name), normalize(name.split(",", 1)[0])} - {""}:
        towns += [gazetteer.place(i) for i in gazetteer.lookup(candidate)]
    near = [(haversine_km(lat, lon, p.lat, p.lon), p.key, p) for p in towns
            if p.feature == "city"]
    near = [t for t in near if t[0] <= NAMED_TOWN_KM]
    return min(near)[2] if near else None


def relevant_changes(article_id: str, text: str, changes: Sequence[ChangeLike],
                     ) -> list[ChangeLike]:
    """The changes that can alter this article's mentions and reports: its own mention
    changes, and aliases whose name occurs in its text. Saving or undoing any other change
    leaves the article's stored results as they are (a write invalidates only what it
    changed)."""
    folded: str | None = None
    out = []
    for change in changes:
        if change.kind in ("resolve_mention", "dismiss_mention"):
            if change.target.startswith(f"{article_id}:"):
                out.append(change)
        elif change.kind == "add_alias":
            if folded is None:
                folded = normalize(text)
            alias = normalize(str(change.payload.get("alias", "")))
            if alias and re.search(rf"(?<!\w){re.escape(alias)}(?!\w)", folded):
                out.append(change)
    return out


def aliased_gazetteer(gazetteer: Gazetteer, changes: Sequence[ChangeLike]) -> Gazetteer:
    """The gazetteer plus the analysts' aliases (a light overlay; the index is not copied)."""
    aliases = [c for c in changes if c.kind == "add_alias"]
    if not aliases:
        return gazetteer
    names = dict(gazetteer.names)  # a shallow copy: tuples of indexes are shared
    places = list(gazetteer.places)
    by_key = dict(gazetteer.by_key)
    prefixes = set(gazetteer.prefixes)
    for change in aliases:
        place = analyst_place(change, gazetteer)
        key = normalize(str(change.payload.get("alias", "")))
        if place is None or not key:
            continue
        index = by_key.get(place.key)
        if index is None:
            index = len(places)
            places.append((place.key, place.name, place.lat, place.lon, place.feature,
                           place.country_code, place.admin1_code, place.population,
                           place.timezone, place.geonameid))
            by_key[place.key] = index
        # The alias wins over whatever the name meant before: that is what the analyst said.
        names[key] = (index,)
        tokens = key.split(" ")
        prefixes.update(" ".join(tokens[:n]) for n in range(1, len(tokens)))
    return dataclasses.replace(gazetteer, names=names, places=places, by_key=by_key,
                               prefixes=frozenset(prefixes))


def apply_mention_changes(article_id: str, resolutions: list[Resolution],
                          changes: Sequence[ChangeLike], gazetteer: Gazetteer,
                          ) -> list[Resolution]:
    """The article's resolutions with re-resolved mentions replaced and dismissed ones gone."""
    by_target: dict[str, ChangeLike] = {}
    for change in changes:
        if change.kind in ("resolve_mention", "dismiss_mention") and change.target.startswith(
                f"{article_id}:"):
            by_target[change.target] = change  # the latest change of a mention wins
    if not by_target:
        return resolutions
    out = []
    for r in resolutions:
        change = by_target.get(mention_target(article_id, r.mention.start, r.mention.end))
        if change is None:
            out.append(r)
        elif change.kind == "resolve_mention":
            place = analyst_place(change, gazetteer)
            if place is None:
                out.append(r)
                continue
            note = f": {change.note}" if change.note else ""
            out.append(dataclasses.replace(r, place=place, score=1.0,
                                           reason=f"set by an analyst (change #{change.id}"
                                                  f"{note})"))
    return out


def apply_incident_changes(incidents: list[Incident], changes: Sequence[ChangeLike],
                           groups: dict[str, int]) -> list[Incident]:
    """Incidents after the analysts' merges, splits and edits, in the order they were made."""
    current = list(incidents)
    # Merges and splits first, in order, then edits: an edit follows its incident through a
    # later split (to the part holding most of the reports it was made on).
    for change in changes:
        if change.kind == "merge_incidents":
            current = _merge(current, change, groups)
        elif change.kind == "split_incident":
            current = _split(current, change, groups)
    for change in changes:
        if change.kind == "edit_incident":
            current = _edit(current, change)
    return with_event_ids(sorted(current, key=lambda i: (i.event_date, i.location,
                                                         i.event_type)))


def _holding(incidents: list[Incident], keys: Sequence[str]) -> list[int]:
    wanted = set(keys)
    return [n for n, i in enumerate(incidents) if wanted & {report_key(r) for r in i.reports}]


def _merge(incidents: list[Incident], change: ChangeLike,
           groups: dict[str, int]) -> list[Incident]:
    chosen: list[int] = []
    for group in change.payload.get("groups", []):
        chosen.extend(n for n in _holding(incidents, group) if n not in chosen)
    if len(chosen) < 2:
        return incidents
    reports = [r for n in chosen for r in incidents[n].reports]
    merged = incident_from_reports(reports, groups)
    return [i for n, i in enumerate(incidents) if n not in chosen] + [merged]


def _split(incidents: list[Incident], change: ChangeLike,
           groups: dict[str, int]) -> list[Incident]:
    keys = set(change.payload.get("reports", []))
    out = []
    for incident in incidents:
        leaving = [r for r in incident.reports if report_key(r) in keys]
        staying = [r for r in incident.reports if report_key(r) not in keys]
        if leaving and staying:
            out += [incident_from_reports(staying, groups), incident_from_reports(leaving, groups)]
        else:
            out.append(incident)
    return out


def _edit(incidents: list[Incident], change: ChangeLike) -> list[Incident]:
    fields = {k: v for k, v in change.payload.get("fields", {}).items() if k in INCIDENT_FIELDS}
    if "event_date" in fields:
        fields["event_date"] = dt.date.fromisoformat(str(fields["event_date"]))
        fields["time_precision"] = 1
    for key in ("fatalities", "fatalities_min", "fatalities_max", "injuries"):
        if key in fields and fields[key] is not None:
            fields[key] = int(fields[key])
    out = list(incidents)
    keys = set(change.payload.get("reports", []))
    holding = _holding(out, list(keys))
    if not holding:
        return out
    n = max(holding, key=lambda k: len(keys & {r.key for r in out[k].reports}))
    flags = (*out[n].flags, f"edited by an analyst (change #{change.id})")
    edited = dataclasses.replace(out[n], **fields, flags=flags)
    # A type changed without a sub-type of its own (the form offers only pairs, but a change
    # stored before it did, or made from Python, may not) takes the type's default sub-type:
    # no stored incident is "Strategic developments / Armed clash".
    sub_type = consistent_sub_event_type(edited.event_type, edited.sub_event_type)
    if sub_type != edited.sub_event_type:
        edited = dataclasses.replace(edited, sub_event_type=sub_type, flags=(
            *edited.flags, f"sub-event type set to {sub_type}: "
                           f"{out[n].sub_event_type} is not a sub-type of {edited.event_type}"))
    out[n] = edited
    return out
