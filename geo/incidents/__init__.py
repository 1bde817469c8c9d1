"""Incidents: what happened, where, on which day, how many — merged across articles.

Each sentence with an event trigger (``geo.nlp.events``) becomes a ``Report``
(``geo.nlp.report``): one article's account of one happening, with the place it happened at,
the day, the figures and the excerpt. Reports of the same incident — same place, same day
within their precision, compatible type — are merged into one ``Incident`` that lists every
article, outlet and excerpt.

The package, one module per job:

- ``extract``: one article's annotated Doc read into its reports, sentence by sentence;
- ``places``: where each event happened (and ACLED's ``geo_precision``);
- ``dating``: the publication date and each event's day;
- ``tolls``: which trigger each killed or injured figure belongs to;
- ``clauses``: which triggers are events of their own, and the clause a figure or date is in;
- ``coding``: ACLED's coding policy, the sides of each report and its type by the definitions;
- ``families``: which reports can tell one happening;
- ``merge``: reports merged into incidents, and the incident's figures;
- ``copies``: articles that are copies of one story, counted as one source;
- ``records``: the ``Incident`` record.

Every name callers use is importable from ``geo.incidents`` itself.

Example:
    >>> from pathlib import Path
    >>> from geo.io.articles import read_articles
    >>> from geo.gazetteer.index import Gazetteer
    >>> incidents = extract_incidents(read_articles([Path("data/articles")]), Gazetteer.load())
    >>> chernihiv = [i for i in incidents if i.location == "Chernihiv"][0]
    >>> chernihiv.event_date.isoformat(), chernihiv.fatalities, len(chernihiv.outlets)
    ('2022-03-03', 33, 4)
"""

from __future__ import annotations

import datetime as dt

from geo.doc import make_doc
from geo.gazetteer.index import Gazetteer
from geo.incidents.copies import COPY_SHARE, copy_roots, independent_groups, text_shingles
from geo.incidents.dating import publication_date
from geo.incidents.extract import extract_reports
from geo.incidents.families import DEMONSTRATION_SEVERITY
from geo.incidents.merge import (
    _same_happening,  # noqa: F401 - geo.baselines compares by the merge's own rule
    day_window,
    incident_from_reports,
    merge_block,
    merge_reports,
    with_event_ids,
)
from geo.incidents.records import Incident
from geo.nlp.events import BATTLES, EXPLOSIONS
from geo.nlp.geoparse import geoparse_doc
from geo.nlp.report import Report, news_day, report_news_features
from geo.records import Article

__all__ = ["BATTLES", "COPY_SHARE", "DEMONSTRATION_SEVERITY", "EXPLOSIONS", "Incident", "Report",
           "copy_roots", "day_window", "extract_incidents", "extract_reports",
           "incident_from_reports", "independent_groups", "merge_block", "merge_reports",
           "news_day", "publication_date", "report_news_features", "text_shingles",
           "with_event_ids"]


def extract_incidents(articles: list[Article], gazetteer: Gazetteer, *,
                      today: dt.date | None = None) -> list[Incident]:
    """Reports of every article, merged into incidents.

    Each article becomes one Doc that the geoparser and then the report stage annotate.

    Args:
        articles: the articles.
        gazetteer: the place index.
        today: the date used for an article with no date at all (default: today).

    Returns:
        Incidents sorted by date, then location.
    """
    names = gazetteer.country_names()
    reports: list[Report] = []
    for article in articles:
        doc = make_doc(article)
        reports.extend(extract_reports(doc, geoparse_doc(doc, gazetteer), today=today,
                                       country_names=names))
    return merge_reports(reports, independent_groups(articles))
