"""The report: one article's account of one happening (what, where, on which day, how many,
who), as both readers give it, the English one (``geo.incidents``) and the Ukrainian and
Russian one (``geo.nlp.cyrillic``); and the news filter's signals for one report
(``geo.nlp.news``). ``geo.incidents`` merges reports into incidents; ``Report`` is importable
from there too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from geo.nlp.figures import Figure
from geo.nlp.news import news_features
from geo.records import Place


@dataclass(frozen=True)
class Report:
    """One article's account of one happening."""

    article: str
    outlet: str
    sentence_start: int  # offsets of the excerpt in the article's text
    sentence_end: int
    excerpt: str
    trigger: str
    event_type: str
    sub_event_type: str
    place: Place
    mention_start: int  # offsets of the place's mention in the article's text
    mention_end: int
    mention_text: str
    geo_precision: int
    date: dt.date
    time_precision: int
    date_text: str  # the words that gave the date ("" when inferred)
    date_inferred: bool
    # The report's own figures; their offsets are the article's, like every offset here.
    killed: tuple[Figure, ...] = ()
    injured: tuple[Figure, ...] = ()
    actor1: str = ""  # as ACLED names actors (geo.nlp.actors); "" when the sentence names none
    inter1: int = 0
    actor2: str = ""
    interaction: int = 0  # ACLED's code: the two inter codes, lower first
    published: dt.date | None = None  # the article's publication date (or its inference)
    # Why the report is placed where it is: the resolver's reason for its place's mention
    # ("the only place of that name", "nearest the store's other reports of those weeks"),
    # or that the sentence before gave the place.
    place_reason: str = ""

    @property
    def key(self) -> str:
        """Stable name of the report (``article:sentence:type:place``), for corrections."""
        return f"{self.article}:{self.sentence_start}:{self.event_type}:{self.place.key}"


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
