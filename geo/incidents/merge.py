"""Merging: reports of the same happening, from any number of articles, into incidents.

Two reports merge when their event families are the same (``geo.incidents.families``),
their places are the same or one contains the other (a city inside a region-level report's
region, a landmark within 15 km of a town), and their days differ by no more than their
precision allows. One article's two days are two events. An index of clusters
(``_ClusterIndex``) keeps the merge near-linear; ``merge_block`` is the blocking key the
store re-merges by. An incident's id hashes its place, day and type (``with_event_ids``
makes two alike unique).

Fatalities: per incident, ``fatalities_min``/``fatalities_max`` are the smallest and largest
killed figures its reports give; the best estimate ``fatalities`` is the largest lower bound
("at least 9", then "22 bodies", then "at least 33": counts rise as bodies are recovered, and
each report's lower bound is still true), never a vague quantity when a number exists.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections import Counter
from dataclasses import replace

from geo.incidents.dating import _SAID_ON
from geo.incidents.families import _TERRITORY_WON, DEMONSTRATION_SEVERITY, _family
from geo.incidents.places import _SAME_TOWN_KM, _SPECIFICITY
from geo.incidents.records import Incident
from geo.nlp.events import BATTLES, EXPLOSIONS, PROTESTS, RIOTS, STRATEGIC
from geo.nlp.report import Report
from geo.nlp.resolve import haversine_km
from geo.records import Place

# Types whose sub-types are distinct happenings (an arrest is not an agreement).
_SUBTYPE_STRICT = {PROTESTS, STRATEGIC}


# One-off happenings reported on consecutive days (a capture, a deal) are one incident.
_ONE_OFF = {"Non-state actor overtakes territory", "Government regains territory", "Agreement",
            "Non-violent transfer of territory"}


_TOLERANCE_DAYS = {1: 0, 2: 7, 3: 31}


def merge_reports(reports: list[Report], groups: dict[str, int] | None = None) -> list[Incident]:
    """Merge reports of the same happening into incidents.

    Two reports merge when their event types are compatible (equal), their places are the
    same or one contains the other (a city inside a region-level report's region, a landmark
    within 15 km of a city), and their days differ by no more than their precision allows
    (0 days at day precision, 1 for one-off events such as a capture, 7 at week precision).

    Near-linear in reports: each report is compared only with the clusters an index
    (``_ClusterIndex``) returns for its type, region, 32-day window and place, never with
    every cluster of its type and region.

    Args:
        reports: reports of any number of articles.
        groups: article id -> independent-source group (``independent_groups``).

    Returns:
        Incidents sorted by date, then location.
    """
    groups = groups or {}
    index = _ClusterIndex()
    # Most precise reports first, so each cluster is anchored on a town and a day: a report
    # joins the first cluster (in order of creation) whose anchor (first report) it matches.
    for report in sorted(reports, key=lambda r: (r.geo_precision, r.time_precision, r.date,
                                                 r.article, r.sentence_start)):
        for cluster in index.candidates(report):
            if _same_happening(report, cluster[0]):
                cluster.append(report)
                break
        else:
            index.add([report])
    incidents = [incident_from_reports(c, groups) for c in index.clusters]
    return with_event_ids(sorted(incidents, key=lambda i: (i.event_date, i.location,
                                                           i.event_type)))


_FINE = frozenset({"city", "landmark", "computed"})


_WINDOW_DAYS = 32  # wider than the longest tolerance (31 days): adjacent windows cover it


_CELL = _SAME_TOWN_KM / 6371.0  # cube side on the unit sphere: 15 km of chord


class _ClusterIndex:
    """Clusters looked up by what ``_same_happening`` needs, so a report is compared with
    the few clusters that could match, never with every cluster of its type and region.

    Every anchor that can match a report shares with it the event type, the region (the
    place's first-level unit, or the place itself) and a 32-day window or a neighbouring
    one, and then either its place key, or (a town and a region-level report of the same
    region) the other's level, or (a landmark and a town within 15 km) a grid cell or a
    neighbouring one. Candidates come back in order of creation, so the first match is the
    one the plain scan would find.
    """

    def __init__(self) -> None:
        self.clusters: list[list[Report]] = []
        self._by_key: dict[tuple, list[int]] = {}
        self._points: set[str] = set()  # buckets with a landmark or computed anchor

    def add(self, cluster: list[Report]) -> None:
        anchor, n = cluster[0], len(self.clusters)
        self.clusters.append(cluster)
        for key in self._keys(anchor, day_window(anchor.date)):
            self._by_key.setdefault(key, []).append(n)

    def candidates(self, report: Report) -> list[list[Report]]:
        found: set[int] = set()
        window = day_window(report.date)
        for w in (window - 1, window, window + 1):
            for key in self._queries(report, w):
                found.update(self._by_key.get(key, ()))
        return [self.clusters[n] for n in sorted(found)]

    @staticmethod
    def _bucket(report: Report) -> str:
        return merge_block(report)[0]

    def _keys(self, anchor: Report, window: int) -> list[tuple]:
        bucket, place = self._bucket(anchor), anchor.place
        keys: list[tuple] = [(bucket, window, "place", place.key)]
        if place.feature in _FINE:
            keys.append((bucket, window, "fine"))
            kind = "town" if place.feature == "city" else "point"
            if kind == "point":
                self._points.add(bucket)
            keys.append((bucket, window, kind, *_cell(place)))
        elif place.feature == "region":
            keys.append((bucket, window, "region"))
        return keys

    def _queries(self, report: Report, window: int) -> list[tuple]:
        bucket, place = self._bucket(report), report.place
        keys: list[tuple] = [(bucket, window, "place", place.key)]
        if place.feature in _FINE:
            keys.append((bucket, window, "region"))
            # A town joins a point beside it and a point a town; two towns, two points never.
            other = "point" if place.feature == "city" else "town"
            if other == "town" or bucket in self._points:
                x, y, z = _cell(place)
                keys.extend((bucket, window, other, x + dx, y + dy, z + dz)
                            for dx in (-1, 0, 1) for dy in (-1, 0, 1) for dz in (-1, 0, 1))
        elif place.feature == "region":
            keys.append((bucket, window, "fine"))
        return keys


def merge_block(report: Report) -> tuple[str, int]:
    """The report's blocking key: its type and region, and its 32-day window. Only reports
    of one type and region, in the same or adjacent windows, can ever be merged (the store
    re-merges only the blocks an article touches)."""
    region = report.place.admin1_code or report.place.key
    return f"{_family(report)}|{region}", day_window(report.date)


def day_window(day: dt.date) -> int:
    """The 32-day window a day falls in (``merge_block``'s; the store indexes reports by it)."""
    return day.toordinal() // _WINDOW_DAYS


def _cell(place: Place) -> tuple[int, int, int]:
    # A grid on the 3-D unit vector, not on latitude and longitude: no seam at the date line
    # and no cell narrower than a town near the poles. Points 15 km apart on the ground are
    # at most 15 km apart in a straight line, so in the same or a neighbouring cube.
    lat, lon = math.radians(place.lat), math.radians(place.lon)
    return (int(math.floor(math.cos(lat) * math.cos(lon) / _CELL)),
            int(math.floor(math.cos(lat) * math.sin(lon) / _CELL)),
            int(math.floor(math.sin(lat) / _CELL)))


def _same_happening(a: Report, b: Report) -> bool:
    if _family(a) != _family(b):
        return False
    if a.article == b.article and a.date != b.date and _own_day(a) and _own_day(b):
        # One writer's two days are two events ("shelling killed seven in the camp on
        # Sunday ... on Saturday, a shell hit the hospital"): the day tolerance below is
        # for outlets that date one event differently, never for one article's own days.
        return False
    demonstration = a.sub_event_type in DEMONSTRATION_SEVERITY
    if demonstration:
        # Reports of one demonstration: the same place and the same day, any sub-type.
        return (_same_place(a.place, b.place) and a.time_precision == b.time_precision == 1
                and a.date == b.date)
    if a.event_type in _SUBTYPE_STRICT and a.sub_event_type != b.sub_event_type:
        return False
    if not _same_place(a.place, b.place):
        return False
    if a.place.key != b.place.key and {a.place.feature, b.place.feature} & {"landmark",
                                                                          "computed"}:
        # "A shell hit Freedom Square on 1 March" is not "Kharkiv was blasted" reported two
        # days later: a landmark joins its town only for reports of the very same day.
        return a.time_precision == b.time_precision == 1 and a.date == b.date
    precision = max(a.time_precision, b.time_precision)
    tolerance = _TOLERANCE_DAYS[precision]
    if precision == 1 and a.sub_event_type in _ONE_OFF and b.sub_event_type in _ONE_OFF:
        tolerance = 1
    if (a.time_precision == 1) != (b.time_precision == 1):
        vague, dated = (a, b) if b.time_precision == 1 else (b, a)
        # "Kherson has fallen" (dated by its publication) is the capture dated to the day
        # only in the same news cycle. An article published days later never pulls an
        # earlier day's reports onto its date (the 3 March "Kharkiv blasted" must not become
        # a 28 February strike because a 7 March article mentions one).
        if vague.published is None or dated.published is None or abs(
                (vague.published - dated.published).days) > 1:
            return False
        # What a vague report tells happened on its day or in the days before, never after.
        return 0 <= (vague.date - dated.date).days <= tolerance
    return abs((a.date - b.date).days) <= tolerance


def _own_day(report: Report) -> bool:
    """Whether the report's sentence gives its event a day of its own: day words of the
    sentence, not those of a statement about it ("announced on Tuesday it had taken the town")."""
    if not report.date_text or report.time_precision != 1:
        return False
    at = report.excerpt.find(report.date_text)
    return at < 0 or _SAID_ON.search(report.excerpt, max(0, at - 30), at) is None


def _same_place(a: Place, b: Place) -> bool:
    if a.key == b.key:
        return True
    if a.feature in _FINE and b.feature in _FINE:
        # A landmark (or a computed point) and a town around it; two towns are two places.
        return "city" in (a.feature, b.feature) and a.feature != b.feature and haversine_km(
            a.lat, a.lon, b.lat, b.lon) <= _SAME_TOWN_KM
    if a.feature == "region" and b.feature in _FINE:
        return bool(a.admin1_code) and a.admin1_code == b.admin1_code
    if b.feature == "region" and a.feature in _FINE:
        return bool(b.admin1_code) and b.admin1_code == a.admin1_code
    return False


def incident_from_reports(reports: list[Report], groups: dict[str, int]) -> Incident:
    """One incident from reports of one happening: place and day from the most precise
    reports, figures by the documented rule, the type most reports give."""
    anchor = min(reports, key=lambda r: (r.geo_precision, _SPECIFICITY.get(r.place.feature, 5),
                                         r.time_precision, r.date))
    dated = min(reports, key=lambda r: (r.time_precision, r.date))
    types = Counter((r.event_type, r.sub_event_type) for r in reports)
    event_type, sub_event_type = max(types, key=lambda t: (types[t], t))
    shown = [t for t in DEMONSTRATION_SEVERITY if any(r.sub_event_type == t for r in reports)]
    if len(shown) > 1:
        sub_event_type = shown[0]  # the most severe thing the demonstration saw
        event_type = RIOTS if sub_event_type == "Violent demonstration" else PROTESTS
    if event_type == EXPLOSIONS and (EXPLOSIONS, "Air/drone strike") in types:
        # ACLED: an attack by air and by artillery on one place is coded as the air strike,
        # the rule each sentence follows, kept when reports of one attack are merged.
        sub_event_type = "Air/drone strike"
    won = Counter(t for t in types.elements() if t[1] in _TERRITORY_WON)
    if event_type == BATTLES and won:
        # ACLED: fighting that ends with a side taking the place is coded as the taking
        # ("took control of Goma after days of fighting": the territory changed hands).
        sub_event_type = max(won, key=lambda t: (won[t], t))[1]
    killed = [f for r in reports for f in r.killed]
    # A count a side claims for its own strike ("claimed to have killed 40 enemy
    # servicemen") is used only when nobody else gives one; a vague one likewise; and an
    # upper bound ("up to 200", "as many as 85") is no lower bound, so another report's
    # count comes first.
    numeric = ([f for f in killed if f.qualifier not in ("vague", "claimed", "up to")]
               or [f for f in killed if f.qualifier not in ("vague", "claimed")]
               or [f for f in killed if f.qualifier != "vague"] or killed)
    injured = [f for r in reports for f in r.injured]
    flags = []
    if any(r.date_inferred for r in reports):
        flags.append("date inferred: an article has no publication date")
    key = f"{anchor.place.key}|{dated.date.isoformat()}|{event_type}|{sub_event_type}"
    return Incident(
        event_id="EV" + hashlib.sha1(key.encode()).hexdigest()[:10].upper(),
        event_date=dated.date, time_precision=dated.time_precision, event_type=event_type,
        sub_event_type=sub_event_type, place=anchor.place, geo_precision=anchor.geo_precision,
        reports=tuple(sorted(reports, key=lambda r: (r.article, r.sentence_start))),
        fatalities=max((f.low for f in numeric), default=None),
        fatalities_min=min((f.low for f in numeric), default=None),
        fatalities_max=max((f.high or f.low for f in numeric), default=None),
        injuries=max((f.low for f in injured), default=None),
        independent_sources=len({groups.get(r.article, r.article) for r in reports}),
        flags=tuple(flags),
    )


def with_event_ids(incidents: list[Incident]) -> list[Incident]:
    """Make event ids unique when two incidents hash alike (suffix -2, -3...)."""
    seen: Counter[str] = Counter()
    out = []
    for incident in incidents:
        seen[incident.event_id] += 1
        if seen[incident.event_id] > 1:
            incident = replace(incident, event_id=f"{incident.event_id}-{seen[incident.event_id]}")
        out.append(incident)
    return out
