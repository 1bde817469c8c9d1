"""The pandas layer: the pipeline's records as typed DataFrames. The only pandas code in ``geo``.

``mentions_frame`` columns (one row per place mention):

=================  ======================================================================
article            article id (file name without extension)
start, end         half-open character offsets of the mention in the article's text
text               the mention as written (``text[start:end]``)
sentence           the sentence that holds it
name               the resolved place's name ("" when unresolved)
latitude           resolved point (NaN when unresolved)
longitude
feature            country, region, city, water, area, landmark, continent, computed
country_code       ISO 3166 alpha-2
admin1             first-level region's name
geonameid          GeoNames id when the place comes from GeoNames (<NA> otherwise)
score              confidence in [0, 1]: the winner's share of the candidates' weight
place_key          stable place key (``gn:703448``, ``admin1:UA.08``, ``extra:donbas``)
pattern            how the span was read: name, region, computed
reason             why this place was chosen (or why none was)
candidates         runner-ups as "name (CC, score)" joined by "; "
distance_flag      True when a stated distance strongly disagrees with the gazetteer
candidate_keys     place keys of every candidate, best first, joined by ";"
=================  ======================================================================
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd

from geo.incidents import Incident
from geo.names import display_name
from geo.nlp.far_places import FAR_KM, POINT_FEATURES, far_points
from geo.records import Article, Resolution

MENTION_COLUMNS = ["article", "start", "end", "text", "sentence", "name", "latitude",
                   "longitude", "feature", "country_code", "admin1", "geonameid", "score",
                   "place_key", "pattern", "reason", "candidates", "distance_flag",
                   "candidate_keys"]


def mentions_frame(articles: list[Article],
                   resolutions: dict[str, list[Resolution]]) -> pd.DataFrame:
    """One row per mention, in article and text order.

    Args:
        articles: the articles (for sentences).
        resolutions: each article id's resolutions.

    Returns:
        A DataFrame with ``MENTION_COLUMNS``.
    """
    # Built column by column: a DataFrame from a list of dicts costs twice as much.
    columns: list[list] = [[] for _ in MENTION_COLUMNS]
    for article in articles:
        for r in resolutions.get(article.id, []):
            for column, value in zip(columns, _mention_values(article, r), strict=True):
                column.append(value)
    return _typed_mentions(pd.DataFrame(dict(zip(MENTION_COLUMNS, columns, strict=True)),
                                        columns=MENTION_COLUMNS))


def mention_rows(article: Article, resolutions: list[Resolution]) -> list[dict]:
    """An article's mentions as plain dicts (``MENTION_COLUMNS``), as the store keeps them."""
    return [dict(zip(MENTION_COLUMNS, _mention_values(article, r), strict=True))
            for r in resolutions]


def _mention_values(article: Article, r: Resolution) -> tuple:
    p = r.place
    return (
        article.id, r.mention.start, r.mention.end, r.mention.text,
        article.text[r.sentence[0]:r.sentence[1]],
        p.name if p else "", p.lat if p else None, p.lon if p else None,
        p.feature if p else "", p.country_code if p else "", p.admin1 if p else "",
        p.geonameid if p else None, r.score, p.key if p else "", r.mention.pattern,
        r.reason, _runner_ups(r), bool(r.distance and r.distance.flagged),
        ";".join(c.place.key for c in r.candidates),
    )


def mentions_frame_from_rows(rows: list[dict]) -> pd.DataFrame:
    """The mentions DataFrame from ``mention_rows`` output."""
    columns = {name: [row.get(name) for row in rows] for name in MENTION_COLUMNS}
    return _typed_mentions(pd.DataFrame(columns, columns=MENTION_COLUMNS))


def far_from_article(mentions: pd.DataFrame, *, km: float = FAR_KM) -> pd.Series:
    """Whether each mention is a point outside the cluster (places within ``km`` of one
    another) where most of its article's names lie, as a boolean Series on ``mentions``'
    index: a district read in another country, a Gaza quarter placed in Dubai. The rule is
    ``geo.nlp.far_places.far_points``; the Places page lists these first.

    Example:
        >>> rows = pd.DataFrame({"article": ["a"] * 4, "text": ["Kyiv", "Irpin", "Bucha",
        ...     "Kanal"], "feature": ["city"] * 4, "latitude": [50.45, 50.52, 50.54, 46.0],
        ...     "longitude": [30.52, 30.25, 30.23, 13.6]})
        >>> far_from_article(rows).tolist()
        [False, False, False, True]
    """
    far = pd.Series(False, index=mentions.index)
    points = mentions[mentions["feature"].isin(POINT_FEATURES) & mentions["latitude"].notna()]
    for _article, group in points.groupby("article", sort=False):
        far.loc[group.index] = far_points(group["text"].tolist(),
                                          group["latitude"].to_numpy(dtype=float),
                                          group["longitude"].to_numpy(dtype=float), km=km)
    return far


def _typed_mentions(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype({"start": "int64", "end": "int64", "latitude": "float64",
                         "longitude": "float64", "geonameid": "Int64", "score": "float64",
                         "distance_flag": "bool"})


def _runner_ups(resolution: Resolution) -> str:
    return "; ".join(f"{c.place.name} ({c.place.country_code or '-'}, {c.score:.2f})"
                     for c in resolution.candidates[1:])


# ---------------------------------------------------------------------------------------------
# Incidents

#: ACLED-style columns of ``incidents.csv``, then the project's own.
INCIDENT_COLUMNS = ["event_id", "event_date", "time_precision", "event_type", "sub_event_type",
                    "location", "admin1", "country", "latitude", "longitude", "geo_precision",
                    "fatalities", "fatalities_min", "fatalities_max", "injuries", "actor1",
                    "inter1", "actor2", "interaction", "sources", "articles", "notes"]
EXTRA_INCIDENT_COLUMNS = ["location_id", "display_name", "feature", "country_code",
                          "admin1_code", "reports", "outlets", "independent_sources", "flags"]
REPORT_COLUMNS = ["event_id", "report_key", "article", "outlet", "excerpt", "sentence_start",
                  "sentence_end",
                  "mention_start", "mention_end", "mention_text", "trigger", "event_type",
                  "sub_event_type", "report_date", "date_text", "killed", "injured",
                  "published", "place_reason"]


def incidents_frame(incidents: list[Incident], *,
                    country_names: dict[str, str] | None = None,
                    display_names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """One row per incident.

    Columns: ``INCIDENT_COLUMNS`` (as ACLED's export: ``articles`` are article ids joined by
    ";", ``sources`` the outlets joined by ";", ``notes`` the most informative excerpt;
    ``actor1``, ``inter1``, ``actor2``, ``interaction`` the actors as ACLED names them and
    ACLED's interaction code, empty or 0 when no report names one), then
    ``EXTRA_INCIDENT_COLUMNS``: ``location_id`` (stable place key), ``display_name`` (the
    place as the articles spell it, ``geo.names``; ``location`` stays the gazetteer's name,
    what exports join on), ``feature``,
    ``country_code``, ``admin1_code``, ``reports`` (how many sentences report it), ``outlets``
    (how many outlets), ``independent_sources`` (outlets, counting copies of one wire story
    once) and ``flags``.
    """
    return incidents_frame_from_rows([incident_row(i) for i in incidents],
                                     country_names=country_names, display_names=display_names)


def incident_row(i: Incident) -> dict:
    """An incident as a plain JSON-able dict (the store keeps these): the frame's columns,
    the day as an ISO string and ``country`` as its code (named when the frame is built);
    no ``display_name``, which depends on every article of the store (``with_display_names``
    adds it to the frame)."""
    p = i.place
    return {
        "event_id": i.event_id, "event_date": i.event_date.isoformat(),
        "time_precision": i.time_precision, "event_type": i.event_type,
        "sub_event_type": i.sub_event_type, "location": p.name, "admin1": p.admin1,
        "country": p.country_code, "latitude": p.lat,
        "longitude": p.lon, "geo_precision": i.geo_precision, "fatalities": i.fatalities,
        "fatalities_min": i.fatalities_min, "fatalities_max": i.fatalities_max,
        "injuries": i.injuries, "actor1": i.actor1, "inter1": i.inter1,
        "actor2": i.actor2, "interaction": i.interaction,
        "sources": ";".join(i.outlets),
        "articles": ";".join(i.articles), "notes": _best_excerpt(i),
        "location_id": p.key, "feature": p.feature, "country_code": p.country_code,
        "admin1_code": p.admin1_code, "reports": len(i.reports), "outlets": len(i.outlets),
        "independent_sources": i.independent_sources, "flags": "; ".join(i.flags),
    }


def incidents_frame_from_rows(rows: list[dict], *,
                              country_names: dict[str, str] | None = None,
                              display_names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The incidents frame (see ``incidents_frame``) from ``incident_row`` dicts, in order of
    day, place and type; ``display_names`` (place key -> name, ``geo.names.display_names``)
    fills ``display_name``, a place it lacks shown by ``geo.names.display_name`` of its name."""
    names = country_names or {}
    columns = INCIDENT_COLUMNS + EXTRA_INCIDENT_COLUMNS
    frame = pd.DataFrame({c: [row.get(c) for row in rows] for c in columns}, columns=columns)
    frame["country"] = [names.get(code, code) for code in frame["country_code"]]
    frame = with_display_names(frame, display_names or {})
    # Incidents materialised before actors were extracted have none.
    for column, empty in (("actor1", ""), ("actor2", ""), ("inter1", 0), ("interaction", 0)):
        frame[column] = frame[column].fillna(empty)
    frame["event_date"] = pd.to_datetime(frame["event_date"])
    frame = frame.astype({
        "event_date": "datetime64[ns]", "time_precision": "int64", "geo_precision": "int64",
        "latitude": "float64", "longitude": "float64", "fatalities": "Int64",
        "fatalities_min": "Int64", "fatalities_max": "Int64", "injuries": "Int64",
        "inter1": "int64", "interaction": "int64", "reports": "int64", "outlets": "int64",
        "independent_sources": "int64",
    })
    return frame.sort_values(["event_date", "location", "event_type"], kind="stable",
                             ignore_index=True)


def with_display_names(frame: pd.DataFrame, display_names: Mapping[str, str], *,
                       key: str = "location_id", name: str = "location") -> pd.DataFrame:
    """``frame`` with its ``display_name`` column set: each row's place (``key``) named as
    ``display_names`` says, a place it lacks by ``geo.names.display_name`` of its gazetteer
    name (``name``), so every frame shown has one. The mentions frame takes it with
    ``key="place_key", name="name"`` (empty for an unresolved mention).

    Example:
        >>> rows = pd.DataFrame({"location_id": ["gn:1", "gn:2"],
        ...                      "location": ["An Nuşayrāt", "Kyiv"]})
        >>> with_display_names(rows, {"gn:1": "Nuseirat"})["display_name"].tolist()
        ['Nuseirat', 'Kyiv']
    """
    keys = frame[key].fillna("").astype(str).tolist()
    gazetteer_names = frame[name].fillna("").astype(str).tolist()
    shown = [display_names.get(k) or display_name(n)
             for k, n in zip(keys, gazetteer_names, strict=True)]
    return frame.assign(display_name=pd.Series(shown, index=frame.index, dtype=object))


def _best_excerpt(incident: Incident) -> str:
    """The excerpt that says most: one with figures, then the most precisely dated."""
    best = min(incident.reports, key=lambda r: (not (r.killed or r.injured), r.time_precision,
                                                r.geo_precision, -len(r.excerpt)))
    return best.excerpt


def reports_frame(incidents: list[Incident]) -> pd.DataFrame:
    """One row per report: the excerpts behind each incident, with their offsets in the
    article (``sentence_*`` for the excerpt, ``mention_*`` for the place) so a reader can
    highlight them; why it is dated (``date_text``, the words that gave ``report_date``, or
    none: then ``published``, the article's day, or the report before it gave the day) and
    why it is placed (``place_reason``, the resolver's reason for the place's mention)."""
    return reports_frame_from_rows([row for i in incidents for row in report_rows(i)])


def report_rows(i: Incident) -> list[dict]:
    """An incident's reports as plain JSON-able dicts (``REPORT_COLUMNS``, ISO days)."""
    return [report_row(i.event_id, r.key, vars(r)) for r in i.reports]


def report_row(event_id: str, key: str, report: Mapping[str, Any]) -> dict:
    """One row of the reports table (``REPORT_COLUMNS``) from a report's fields: a
    ``Report``'s own (``vars``) or its stored JSON payload's (``geo.store.payloads``), whose
    days are ISO strings and whose figures are dicts; the one home of the row's shape."""
    def iso(day: Any) -> str:
        return day.isoformat() if hasattr(day, "isoformat") else (day or "")

    def texts(figures: Any) -> str:
        return "; ".join(f["text"] if isinstance(f, Mapping) else f.text
                         for f in figures or ())

    return {
        "event_id": event_id, "report_key": key, "article": report["article"],
        "outlet": report.get("outlet", ""), "excerpt": report.get("excerpt", ""),
        "sentence_start": report["sentence_start"], "sentence_end": report["sentence_end"],
        "mention_start": report["mention_start"], "mention_end": report["mention_end"],
        "mention_text": report.get("mention_text", ""), "trigger": report.get("trigger", ""),
        "event_type": report["event_type"], "sub_event_type": report["sub_event_type"],
        "report_date": iso(report["date"]), "date_text": report.get("date_text", ""),
        "killed": texts(report.get("killed")), "injured": texts(report.get("injured")),
        "published": iso(report.get("published")),
        "place_reason": report.get("place_reason", ""),
    }


def reports_frame_from_rows(rows: list[dict]) -> pd.DataFrame:
    """The reports frame (see ``reports_frame``) from ``report_rows`` dicts."""
    frame = pd.DataFrame({c: [row.get(c) for row in rows] for c in REPORT_COLUMNS},
                         columns=REPORT_COLUMNS)
    frame["report_date"] = pd.to_datetime(frame["report_date"])
    return frame.astype({"report_date": "datetime64[ns]", "sentence_start": "int64",
                         "sentence_end": "int64", "mention_start": "int64",
                         "mention_end": "int64"})


def filter_incidents(frame: pd.DataFrame, *, start: dt.date | None = None,
                     end: dt.date | None = None, event_types: list[str] | None = None,
                     outlets: list[str] | None = None, min_outlets: int = 1,
                     place: str = "", min_independent: int = 1,
                     review_states: list[str] | None = None) -> pd.DataFrame:
    """The incidents that pass the dashboard's filters.

    Args:
        frame: ``incidents_frame`` output.
        start, end: inclusive date range.
        event_types: keep these ACLED event types (None or empty: all).
        outlets: keep incidents reported by at least one of these outlets (None/empty: all).
        min_outlets: at least this many outlets behind the incident.
        min_independent: at least this many independent sources (wire copies count once).
        place: case-insensitive substring of location, its display name, admin1 or
            country.
        review_states: keep incidents in these review states (``geo.review``; the frame
            must carry ``review_state``); None or empty: all.

    Returns:
        The filtered rows, same columns.
    """
    keep = pd.Series(True, index=frame.index)
    if start is not None:
        keep &= frame["event_date"] >= pd.Timestamp(start)
    if end is not None:
        keep &= frame["event_date"] <= pd.Timestamp(end)
    if event_types:
        keep &= frame["event_type"].isin(event_types)
    if outlets:
        wanted = set(outlets)
        keep &= frame["sources"].map(lambda s: bool(wanted & set(s.split(";"))))
    if min_outlets > 1:
        keep &= frame["outlets"] >= min_outlets
    if min_independent > 1:
        keep &= frame["independent_sources"] >= min_independent
    if place.strip():
        needle = place.strip().lower()
        text = frame["location"] + " " + frame["admin1"] + " " + frame["country"]
        if "display_name" in frame:  # "Nuseirat" finds An Nuşayrāt
            text = text + " " + frame["display_name"].fillna("")
        text = text.str.lower()
        keep &= text.str.contains(needle, regex=False)
    if review_states:
        keep &= frame["review_state"].isin(review_states)
    return frame[keep]


DAILY_COLUMNS = ["location_id", "location", "display_name", "admin1", "country", "latitude",
                 "longitude", "event_date", "incidents", "reports", "outlets", "fatalities",
                 "fatalities_min", "fatalities_max", "event_types"]


def daily_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Location × day: incidents, reports, outlets (distinct), fatalities (best estimate,
    min and max summed over the day's incidents) and the event types seen; the place by its
    gazetteer name (``location``) and its ``display_name``.

    Args:
        frame: ``incidents_frame`` output (filtered or not).

    Returns:
        One row per location and day, ``DAILY_COLUMNS``, sorted by day then incidents.
    """
    if frame.empty:
        return pd.DataFrame(columns=DAILY_COLUMNS)
    frame = _displayed(frame)
    keys = ["location_id", "location", "display_name", "admin1", "country", "latitude",
            "longitude", "event_date"]
    grouped = frame.groupby(keys, dropna=False, sort=False)
    daily = grouped.agg(
        incidents=("event_id", "size"), reports=("reports", "sum"),
        outlets=("sources", _distinct_outlets), fatalities=("fatalities", _sum_known),
        fatalities_min=("fatalities_min", _sum_known),
        fatalities_max=("fatalities_max", _sum_known),
        event_types=("event_type", lambda s: "; ".join(sorted(set(s)))),
    ).reset_index()
    return daily.sort_values(["event_date", "incidents"], ascending=[True, False],
                             ignore_index=True)[DAILY_COLUMNS]


def region_daily_table(frame: pd.DataFrame) -> pd.DataFrame:
    """First-level region (admin1) × day, as ``daily_table`` but without points."""
    columns = ["admin1_code", "admin1", "country", "event_date", "incidents", "reports",
               "outlets", "fatalities", "fatalities_min", "fatalities_max"]
    regional = frame[frame["admin1_code"] != ""]
    if regional.empty:
        return pd.DataFrame(columns=columns)
    grouped = regional.groupby(["admin1_code", "admin1", "country", "event_date"], sort=True)
    return grouped.agg(
        incidents=("event_id", "size"), reports=("reports", "sum"),
        outlets=("sources", _distinct_outlets), fatalities=("fatalities", _sum_known),
        fatalities_min=("fatalities_min", _sum_known),
        fatalities_max=("fatalities_max", _sum_known),
    ).reset_index()[columns]


def region_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Incidents per first-level region, for the map's choropleth: columns ``code`` (GeoNames
    admin1 code) and ``incidents``. A count, so none of ``region_daily_table``'s sums."""
    regional = frame[frame["admin1_code"] != ""]
    counts = regional.groupby("admin1_code", sort=True).size()
    return pd.DataFrame({"code": counts.index.astype(str), "incidents": counts.to_numpy(
        dtype="int64")})


def locations_table(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per location for the map (the columns ``geo.maps.build_incident_map`` reads):
    incidents, fatalities, reports and the most frequent event type; with ``unchecked``,
    the incidents no analyst has reviewed, when the frame carries the review columns
    (``geo.review``); ``display_name`` is the name the map shows."""
    columns = ["location_id", "location", "display_name", "admin1", "country_code", "feature",
               "lat", "lon", "incidents", "fatalities", "reports", "main_event_type"]
    if "review_state" in frame.columns:
        columns.append("unchecked")
    if frame.empty:
        return pd.DataFrame(columns=columns)
    frame = _displayed(frame)
    keys = ["location_id", "location", "display_name", "admin1", "country_code", "feature",
            "latitude", "longitude"]
    grouped = frame.groupby(keys, dropna=False, sort=False)
    table = grouped.agg(
        incidents=("event_id", "size"), fatalities=("fatalities", "sum"),
        reports=("reports", "sum"),
    ).reset_index().rename(columns={"latitude": "lat", "longitude": "lon"})
    # The most frequent event type per location (a tie: the alphabetically first, the same
    # in every run), counted once for all locations: a value_counts per group costs a
    # second on 10,000 locations.
    counts = frame.groupby(["location_id", "event_type"], sort=True).size().reset_index(
        name="n").sort_values(["location_id", "n"], ascending=[True, False], kind="stable")
    main = counts.drop_duplicates("location_id").set_index("location_id")["event_type"]
    table["main_event_type"] = table["location_id"].map(main)
    table["fatalities"] = table["fatalities"].fillna(0).astype("int64")
    if "unchecked" in columns:
        # A person's review only: an automatic corroboration is still the machine's reading.
        unchecked = (frame["review_state"] == "unreviewed") | frame["review_auto"]
        counts = unchecked.groupby(frame["location_id"]).sum()
        table["unchecked"] = table["location_id"].map(counts).fillna(0).astype("int64")
    return table[columns]


def _displayed(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with a ``display_name``: a frame built elsewhere (by hand, an older
    snapshot) gets each place's own (``with_display_names`` without the articles' spellings)."""
    return frame if "display_name" in frame else with_display_names(frame, {})


def _sum_known(values: pd.Series) -> object:
    """Sum of the known figures; unknown (<NA>) when no incident gave one."""
    return values.sum(min_count=1)


def _distinct_outlets(sources: pd.Series) -> int:
    return len({o for s in sources for o in s.split(";") if o})
