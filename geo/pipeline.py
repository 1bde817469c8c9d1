"""The whole pipeline in one call: articles -> mentions -> incidents -> tables.

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

from geo.corrections import apply_incident_changes
from geo.doc import make_doc
from geo.gazetteer.index import Gazetteer, ascii_alternates, country_names
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
from geo.store.db import Store, StoreDelta
from geo.store.snapshot import read_snapshot, snapshot_dir, write_snapshot
from geo.tables import (
    incidents_frame,
    incidents_frame_from_rows,
    mentions_frame,
    mentions_frame_from_rows,
    reports_frame,
    reports_frame_from_rows,
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


def result_from_store(store: Store, *, gazetteer: Gazetteer | None = None,
                      previous: PipelineResult | None = None,
                      snapshot: bool = False) -> PipelineResult:
    """The pipeline's result as stored: articles, mentions and the incidents the store keeps
    up to date with every write (``geo.store.materialise``); a read-only store is merged here, in
    memory.

    Args:
        store: the store.
        gazetteer: for country names (GeoNames' country list when None).
        previous: a result read from this store before: only what changed since is read
            (``Store.delta``), when the store can say what that is.
        snapshot: with no ``previous``, start from the store's snapshot (``geo.store.snapshot``,
            written by ``save_snapshot``) when it has one the store can still relate to.

    Returns:
        The result; ``resolutions`` is empty (mentions come as rows).
    """
    # Country names only: the index itself (a second or more to load) is not needed here.
    names = gazetteer.country_names() if gazetteer is not None else country_names()
    if previous is None and snapshot:
        previous = _from_snapshot(store)
    if previous is not None and previous.state:
        delta = store.delta(previous.state)
        if delta is not None:
            return _with_delta(previous, delta, names, store)
    # Taken before reading: a write meanwhile is in the next delta again, and applying a
    # delta twice changes nothing (rows are dropped by id, then added).
    state = store.state()
    spellings = Spellings.from_rows(store.mention_spellings())
    articles = store.articles()
    stored = store.incident_rows()
    if stored is None:
        groups = independent_groups(articles)
        incidents = apply_incident_changes(merge_reports(store.reports(), groups),
                                           store.changes(), groups)
        incident_table = incidents_frame(incidents, country_names=names)
        report_table = reports_frame(incidents)
        state = ""  # merged in memory: nothing to bring up to date from
    else:
        incident_table = incidents_frame_from_rows(stored[0], country_names=names)
        report_table = reports_frame_from_rows(stored[1])
    incident_table, shown = named_places(incident_table, spellings)
    return PipelineResult(articles=articles, resolutions={},
                          mention_source=_stored_mentions(store),
                          incidents=incident_table, reports=report_table,
                          warnings=_undated(articles), state=state,
                          spelling_source=spellings, name_source=shown)


def _with_delta(previous: PipelineResult, delta: StoreDelta, names: dict[str, str],
                store: Store) -> PipelineResult:
    if delta.state == previous.state:
        return previous
    gone = list(delta.gone)
    changed = [a.id for a in delta.articles]
    incidents = pd.concat([previous.incidents[~previous.incidents["event_id"].isin(gone)],
                           incidents_frame_from_rows(delta.incident_rows, country_names=names)],
                          ignore_index=True)
    reports = pd.concat([previous.reports[~previous.reports["event_id"].isin(gone)],
                         reports_frame_from_rows(delta.report_rows)], ignore_index=True)
    mention_source: MentionSource = _stored_mentions(store)
    if previous.mentions_read:
        mention_source = pd.concat(
            [previous.mentions[~previous.mentions["article"].isin(changed)],
             mentions_frame_from_rows(delta.mention_rows)], ignore_index=True).sort_values(
            ["article", "start", "end"], kind="stable", ignore_index=True)
    by_id = {a.id: a for a in previous.articles} | {a.id: a for a in delta.articles}
    articles = [by_id[k] for k in sorted(by_id)]
    # An article written since may spell any place anew: every incident's name is looked at
    # again (the counting is per article, so only the articles written are read).
    spellings = previous.spellings.replaced(
        changed, Spellings.from_rows(spelling_rows(delta.mention_rows)))
    incidents, shown = named_places(incidents, spellings)
    return PipelineResult(
        articles=articles, resolutions={},
        mention_source=mention_source,
        incidents=incidents.sort_values(["event_date", "location", "event_type"],
                                        kind="stable", ignore_index=True),
        reports=reports.sort_values(["event_id", "article", "sentence_start"], kind="stable",
                                    ignore_index=True),
        warnings=_undated(articles), state=delta.state, spelling_source=spellings,
        name_source=shown)


def save_snapshot(store: Store, result: PipelineResult) -> bool:
    """Keep ``result``'s incident tables beside the store, so the next reader starts from
    them (``result_from_store(snapshot=True)``); False when it cannot be written."""
    if not result.state:
        return False  # merged in memory: no state a delta could start from
    return write_snapshot(snapshot_dir(store.path), result.state, incidents=result.incidents,
                          reports=result.reports)


def _from_snapshot(store: Store) -> PipelineResult | None:
    snap = read_snapshot(snapshot_dir(store.path))
    if snap is None:
        return None
    # Tables of another layout (an older version of this code) are not used.
    for frame, expected in ((snap.incidents, incidents_frame_from_rows([])),
                            (snap.reports, reports_frame_from_rows([]))):
        if list(frame.columns) != list(expected.columns):
            return None
    articles = store.articles()
    # The snapshot's incidents carry their display names; the spellings they were made from
    # are counted when a delta or a page first needs them.
    return PipelineResult(articles=articles, resolutions={},
                          mention_source=_stored_mentions(store), incidents=snap.incidents,
                          reports=snap.reports, warnings=_undated(articles), state=snap.state,
                          spelling_source=_stored_spellings(store))


def _stored_mentions(store: Store) -> Callable[[], pd.DataFrame]:
    return lambda: mentions_frame_from_rows(store.mention_rows())


def _stored_spellings(store: Store) -> Callable[[], Spellings]:
    return lambda: Spellings.from_rows(store.mention_spellings())


def _undated(articles: list[Article]) -> list[str]:
    return [f"{a.id}: no publication date; incidents dated from the text or today "
            f"(flagged 'date inferred')" for a in articles if a.published is None]
