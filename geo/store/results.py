"""The pipeline's result as the store keeps it: articles, mentions and the incidents the
store keeps up to date with every write, read whole, brought up to date from an earlier read
by the store's delta, or started from a snapshot kept beside the store.

``geo.pipeline`` makes a result from articles in memory; this module reads one from a
``Store``, so the pipeline's layer does not reach up into the store's.

Example:
    >>> import tempfile, pathlib
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "news.sqlite")
    >>> result = result_from_store(store)
    >>> len(result.incidents), result.articles
    (0, [])
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from geo.corrections import apply_incident_changes
from geo.gazetteer.index import Gazetteer
from geo.gazetteer.sources import country_names
from geo.incidents import independent_groups, merge_reports
from geo.names import Spellings
from geo.pipeline import (
    MentionSource,
    PipelineResult,
    named_places,
    spelling_rows,
)
from geo.records import Article
from geo.store.db import Store, StoreDelta
from geo.store.snapshot import read_snapshot, snapshot_dir, write_snapshot
from geo.tables import (
    incidents_frame,
    incidents_frame_from_rows,
    mentions_frame_from_rows,
    reports_frame,
    reports_frame_from_rows,
)


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
