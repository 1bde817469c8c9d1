"""The whole pipeline in one call: articles -> mentions -> incidents -> tables, and the
result every page and export reads (``PipelineResult``). A result read back from the store is
made by ``geo.store.results``.

Example:
    >>> from pathlib import Path
    >>> from geo.io.articles import read_articles
    >>> result = run_pipeline(read_articles([Path("data/articles")]))
    >>> {"Chernihiv", "Kherson"} <= set(result.incidents["location"])
    True
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from geo.doc import make_doc
from geo.gazetteer.index import Gazetteer, ascii_alternates
from geo.incidents import (
    Report,
    extract_reports,
    independent_groups,
    merge_reports,
    publication_date,
)
from geo.names import SpellingRow, Spellings, display_names
from geo.nlp.geoparse import geoparse_doc
from geo.records import Article, Resolution
from geo.tables import (
    incidents_frame,
    mentions_frame,
    reports_frame,
    with_display_names,
)

MentionSource = pd.DataFrame | Callable[[], pd.DataFrame]


@dataclass(frozen=True, eq=False)
class PipelineResult:
    """Everything the dashboard and the exports read.

    ``mentions`` (``geo.tables.MENTION_COLUMNS``) is built when first read: a stored
    result holds tens of thousands of mentions that the first map does not need (only the
    place filter, the reader and the Places page do), so it is given as a function of no
    arguments and read once, under a lock, by whichever session asks first.

    ``spellings`` counts how the articles spell each place, and ``display_names`` (place key
    -> the name pages show, ``geo.names``) is made from it for every place a mention or an
    incident names; the incidents' ``display_name`` column holds the same. A result started
    from a snapshot takes that column from the snapshot and counts the spellings only when
    first asked (the first write after the start, or the Places page): counting 150,000
    mentions takes a second that the first map does not need.
    """

    articles: list[Article]
    resolutions: dict[str, list[Resolution]]
    mention_source: MentionSource = field(repr=False)
    incidents: pd.DataFrame  # geo.tables.INCIDENT_COLUMNS + EXTRA_INCIDENT_COLUMNS
    reports: pd.DataFrame  # geo.tables.REPORT_COLUMNS
    warnings: list[str]
    state: str = ""  # the store state it was read at (``Store.state``); "" when not stored
    spelling_source: Spellings | Callable[[], Spellings] = field(default_factory=Spellings,
                                                                 repr=False)
    # Place key -> display name; None: made from ``spellings`` when first read.
    name_source: Mapping[str, str] | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def mentions(self) -> pd.DataFrame:
        """One row per place mention (``geo.tables.MENTION_COLUMNS``)."""
        if callable(self.mention_source):
            with self._lock:
                if callable(self.mention_source):
                    # Frozen for every other field; this one is filled in once.
                    object.__setattr__(self, "mention_source", self.mention_source())
        return self.mention_source

    @property
    def spellings(self) -> Spellings:
        """How the articles spell each place (``geo.names.Spellings``)."""
        if callable(self.spelling_source):
            with self._lock:
                if callable(self.spelling_source):
                    object.__setattr__(self, "spelling_source", self.spelling_source())
        return self.spelling_source

    @property
    def display_names(self) -> Mapping[str, str]:
        """Place key -> the name pages show, for every place a mention or an incident names."""
        if self.name_source is None:
            object.__setattr__(self, "name_source", named_places(self.incidents,
                                                                 self.spellings)[1])
        return self.name_source

    @property
    def mentions_read(self) -> bool:
        """Whether the mentions table has been built (reading ``mentions`` builds it)."""
        return not callable(self.mention_source)


def run_pipeline(articles: list[Article], *, gazetteer: Gazetteer | None = None,
                 resolver: str = "context", today: dt.date | None = None) -> PipelineResult:
    """Geoparse, extract and merge incidents, and build the tables.

    Args:
        articles: the articles.
        gazetteer: the place index (loaded from its cache when None).
        resolver: a name in ``geo.nlp.resolve.RESOLVERS``.
        today: the date assumed for an article with no date at all.

    Returns:
        The result; ``warnings`` names each article whose publication date was inferred.
    """
    gazetteer = gazetteer or Gazetteer.load()
    names = gazetteer.country_names()
    resolutions: dict[str, list[Resolution]] = {}
    reports: list[Report] = []
    for article in articles:
        # One Doc per article: the geoparser annotates it, the report stage reads it.
        doc = make_doc(article)
        resolutions[article.id] = geoparse_doc(doc, gazetteer, resolver=resolver)
        reports.extend(extract_reports(doc, today=today, country_names=names))
    incidents = merge_reports(reports, independent_groups(articles))
    mentions = mentions_frame(articles, resolutions)
    spellings = Spellings.from_rows(spelling_rows(mentions))
    table, shown = named_places(incidents_frame(incidents, country_names=names), spellings)
    return PipelineResult(
        articles=articles, resolutions=resolutions, mention_source=mentions,
        incidents=table, reports=reports_frame(incidents),
        warnings=inferred_date_warnings(articles, today=today),
        spelling_source=spellings, name_source=shown,
    )


def spelling_rows(mentions: pd.DataFrame | Iterable[dict]) -> list[SpellingRow]:
    """The mentions (a ``geo.tables.MENTION_COLUMNS`` frame or its rows) as
    ``geo.names.Spellings`` counts them."""
    if isinstance(mentions, pd.DataFrame):
        columns = [mentions[c].fillna("").astype(str) for c in _SPELLING_COLUMNS]
        return list(zip(*columns, strict=True))
    return [tuple(str(m.get(c) or "") for c in _SPELLING_COLUMNS) for m in mentions]


_SPELLING_COLUMNS = ("article", "place_key", "name", "text", "pattern", "reason")


def named_places(incidents: pd.DataFrame, spellings: Spellings,
                 ) -> tuple[pd.DataFrame, dict[str, str]]:
    """The incidents with their ``display_name`` column, and the display name of every place
    the articles or the incidents name (``geo.names.display_names``)."""
    places, counts = spellings.places()
    # An incident's place no mention names (an analyst moved it): named by itself.
    for key, name in zip(incidents["location_id"], incidents["location"], strict=True):
        places.setdefault(key, name)
    shown = display_names(places, counts, ascii_alternates())
    return with_display_names(incidents, shown), shown


def inferred_date_warnings(articles: list[Article], *,
                           today: dt.date | None = None) -> list[str]:
    """One warning per article whose publication date had to be assumed."""
    warnings = []
    for article in articles:
        day, inferred = publication_date(article, today=today)
        if inferred:
            warnings.append(f"{article.id}: no publication date in the manifest or file; "
                            f"assumed {day.isoformat()} (incidents flagged 'date inferred')")
    return warnings
