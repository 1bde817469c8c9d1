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
from dataclasses import dataclass

import pandas as pd

from geo.aggregate import incidents_frame, mentions_frame, reports_frame
from geo.gazetteer import Gazetteer
from geo.geoparse import geoparse
from geo.incidents import Incident, extract_incidents, publication_date
from geo.records import Article, Resolution


@dataclass(frozen=True)
class PipelineResult:
    """Everything the dashboard and the exports read."""

    articles: list[Article]
    resolutions: dict[str, list[Resolution]]
    incident_records: list[Incident]
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
        articles=articles, resolutions=resolutions, incident_records=incidents,
        mentions=mentions_frame(articles, resolutions),
        incidents=incidents_frame(incidents, country_names=gazetteer.country_names()),
        reports=reports_frame(incidents), warnings=warnings,
    )
