"""The news filter's signals for one report (``geo.nlp.news``) and the article's news day.
The ``Report`` record itself (one article's account of one happening, as both readers give
it, the English one in ``geo.incidents`` and the Ukrainian and Russian one in
``geo.nlp.cyrillic``) lives with the other records in ``geo.records``; it is importable from
here and from ``geo.incidents`` too.
"""

from __future__ import annotations

import datetime as dt

from geo.nlp.news import news_features
from geo.records import Report  # its home; importable from here as before


def news_day(reports: list[Report], published: dt.date) -> dt.date:
    """The latest day the article's reports give, up to its publication day."""
    return max((r.date for r in reports if r.date <= published), default=published)


def report_news_features(report: Report, text_length: int, day: dt.date | None = None, *,
                         lang: str = "en") -> dict[str, float]:
    """The news filter's signals for one report (``geo.nlp.news.news_features``); ``day``
    is the article's ``news_day``."""
    sentence = report.excerpt
    at = sentence.find(report.trigger)
    killed = max((f.low or 0 for f in report.killed), default=0)
    return news_features(sentence, max(at, 0), date=report.date,
                         published=report.published or report.date,
                         date_text=report.date_text, killed=killed,
                         position=report.sentence_start / max(text_length, 1),
                         news_day=day, lang=lang)
