"""The whole pipeline in one call: articles -> mentions -> incidents -> tables.

Example:
    >>> from pathlib import Path
    >>> from geo.articles import read_articles
    >>> result = run_pipeline(read_articles([Path("data/articles")]))
    >>> {"Chernihiv", "Kherson"} <= set(result.incidents["location"])
    True
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import pandas as pd

from geo.aggregate import (
    EXTRA_INCIDENT_COLUMNS,
    INCIDENT_COLUMNS,
    REPORT_COLUMNS,
    incidents_frame,
    mentions_frame,
    mentions_frame_from_rows,
    reports_frame,
)
from geo.corrections import apply_incident_changes
from geo.gazetteer import Gazetteer
from geo.geoparse import geoparse
from geo.incidents import extract_incidents, independent_groups, merge_reports, publication_date
from geo.records import Article, Resolution
from geo.store import Store


@dataclass(frozen=True)
class PipelineResult:
    """Everything the dashboard and the exports read."""

    articles: list[Article]
    resolutions: dict[str, list[Resolution]]
    mentions: pd.DataFrame  # geo.aggregate.MENTION_COLUMNS
    incidents: pd.DataFrame  # geo.aggregate.INCIDENT_COLUMNS + EXTRA_INCIDENT_COLUMNS
    reports: pd.DataFrame  # geo.aggregate.REPORT_COLUMNS
    warnings: list[str]


def run_pipeline(articles: list[Article], *, gazetteer: Gazetteer | None = None,
                 resolver: str = "context", today: dt.date | None = None) -> PipelineResult:
    """Geoparse, extract and merge incidents, and build the tables.

    Args:
        articles: the articles.
        gazetteer: the place index (loaded from its cache when None).
        resolver: a name in ``geo.resolve.RESOLVERS``.
        today: the date assumed for an article with no date at all.

    Returns:
        The result; ``warnings`` names each article whose publication date was inferred.
    """
    gazetteer = gazetteer or Gazetteer.load()
    resolutions = {a.id: geoparse(a, gazetteer, resolver=resolver) for a in articles}
    incidents = extract_incidents(articles, gazetteer, resolutions=resolutions, today=today)
    warnings = []
    for article in articles:
        day, inferred = publication_date(article, today=today)
        if inferred:
            warnings.append(f"{article.id}: no publication date in the manifest or file; "
                            f"assumed {day.isoformat()} (incidents flagged 'date inferred')")
    return PipelineResult(
        articles=articles, resolutions=resolutions,
        mentions=mentions_frame(articles, resolutions),
        incidents=incidents_frame(incidents, country_names=gazetteer.country_names()),
        reports=reports_frame(incidents), warnings=warnings,
    )


def result_from_store(store: Store, *, gazetteer: Gazetteer | None = None) -> PipelineResult:
    """The pipeline's result as stored: articles, mentions and reports read back, incidents
    merged (and the analysts' incident changes applied) only when the data changed since
    they were last materialised.

    Args:
        store: the store.
        gazetteer: used for country names when incidents are rebuilt.

    Returns:
        The result; ``resolutions`` is empty (mentions come as rows).
    """
    articles = store.articles()
    cached = store.cached_incidents()
    if cached is None:
        version = store.data_version()
        incidents = merge_reports(store.reports(), groups := independent_groups(articles))
        incidents = apply_incident_changes(incidents, store.changes(), groups)
        names = (gazetteer or Gazetteer.load()).country_names()
        incident_table = incidents_frame(incidents, country_names=names)
        report_table = reports_frame(incidents)
        store.save_incidents(version, _to_records(incident_table, report_table))
    else:
        incident_table, report_table = _from_records(cached[1])
    warnings = [f"{a.id}: no publication date; incidents dated from the text or today "
                f"(flagged 'date inferred')" for a in articles if a.published is None]
    return PipelineResult(articles=articles, resolutions={},
                          mentions=mentions_frame_from_rows(store.mention_rows()),
                          incidents=incident_table, reports=report_table, warnings=warnings)


def _to_records(incidents: pd.DataFrame, reports: pd.DataFrame) -> list[dict]:
    by_event = {k: g for k, g in reports.groupby("event_id", sort=False)}
    records = []
    for row in json.loads(incidents.to_json(orient="records", date_format="iso",
                                                   double_precision=15)):
        group = by_event.get(row["event_id"], reports.iloc[:0])
        records.append({"event_id": row["event_id"], "incident": row,
                        "reports": json.loads(group.to_json(orient="records",
                                                            date_format="iso"))})
    return records


def _from_records(records: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    incidents = pd.DataFrame([r["incident"] for r in records],
                             columns=INCIDENT_COLUMNS + EXTRA_INCIDENT_COLUMNS)
    # Incidents materialised before actors were extracted have none.
    for column, empty in (("actor1", ""), ("actor2", ""), ("inter1", 0), ("interaction", 0)):
        incidents[column] = incidents[column].fillna(empty)
    reports = pd.DataFrame([rep for r in records for rep in r["reports"]],
                           columns=REPORT_COLUMNS)
    incidents["event_date"] = pd.to_datetime(incidents["event_date"]).dt.tz_localize(None)
    reports["report_date"] = pd.to_datetime(reports["report_date"]).dt.tz_localize(None)
    incidents = incidents.astype({
        "event_date": "datetime64[ns]", "time_precision": "int64", "geo_precision": "int64",
        "latitude": "float64", "longitude": "float64", "fatalities": "Int64",
        "fatalities_min": "Int64", "fatalities_max": "Int64", "injuries": "Int64",
        "inter1": "int64", "interaction": "int64", "reports": "int64", "outlets": "int64",
        "independent_sources": "int64"})
    return incidents, reports.astype({"report_date": "datetime64[ns]"})
