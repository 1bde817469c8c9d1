"""Incidents kept in the store per write (``geo.store.materialise``) are the incidents a full merge
of everything stored gives: after each article, after changes and undos, after copies."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from geo.corrections import report_key
from geo.incidents import independent_groups, merge_reports
from geo.store import materialise
from geo.store.db import Store
from geo.store.ingest import process_article
from geo.synthetic import generate


@pytest.fixture(scope="module")
def processed(gazetteer):
    articles = generate(50, gazetteer, seed=11, days=20)
    return [(a, *process_article(a, gazetteer, [])) for a in articles]


def _fresh(path) -> Store:
    store = Store(path)
    store.incident_rows()  # an empty store's incidents (none) are current from here on
    return store


def _kept(store: Store) -> list[tuple]:
    """The stored incidents as comparable facts: reports, day, place, toll, sources."""
    with store.read() as conn:
        assert materialise.is_current(conn), "the writes must have kept the incidents"
    rows, reports = store.incident_rows()
    keys: dict[str, list[str]] = {}
    for r in reports:
        keys.setdefault(r["event_id"], []).append(r["report_key"])
    return sorted((tuple(sorted(keys[row["event_id"]])), row["event_date"], row["location_id"],
                   row["fatalities"], row["independent_sources"], row["event_type"])
                  for row in rows)


def _rebuilt(store: Store) -> list[tuple]:
    with store.write() as conn:  # "stale": the next read rebuilds everything
        conn.execute("UPDATE meta SET value = '-1' WHERE key = 'incidents_version'")
    store.incident_rows()
    return _kept(store)


def _merged_in_memory(store: Store) -> list[tuple]:
    groups = independent_groups(store.articles())
    return sorted((tuple(sorted(report_key(r) for r in i.reports)), i.event_date.isoformat(),
                   i.place.key, i.fatalities, i.independent_sources, i.event_type)
                  for i in merge_reports(store.reports(), groups))


def test_incidents_kept_article_by_article_equal_a_full_merge(tmp_path, processed):
    store = _fresh(tmp_path / "s.sqlite")
    assert store.incident_rows() == ([], [])
    for article, mentions, reports in processed:
        store.put_article(article, mentions, reports)
    kept = _kept(store)
    assert sum(len(k[0]) > 1 for k in kept) >= 10  # re-reports were merged
    assert kept == _merged_in_memory(store)
    assert kept == _rebuilt(store)


def test_reprocessed_article_moves_its_reports_out_of_their_incidents(tmp_path, processed):
    store = _fresh(tmp_path / "s.sqlite")
    for article, mentions, reports in processed[:30]:
        store.put_article(article, mentions, reports)
    # An article processed again finds nothing any more (as after dismissing its places).
    shared = next(a for a, _, reps in processed[:30] if any(
        len(p[0]) > 1 and report_key(reps[0]) in p[0] for p in _kept(store)))
    store.put_results(shared.id, [], [])
    kept = _kept(store)
    assert all(not key.startswith(f"{shared.id}:") for k in kept for key in k[0])
    assert kept == _merged_in_memory(store) == _rebuilt(store)


def test_incident_changes_and_their_undo_are_applied_where_they_name(tmp_path, processed):
    store = _fresh(tmp_path / "s.sqlite")
    for article, mentions, reports in processed:
        store.put_article(article, mentions, reports)
    kept = _kept(store)
    single = [k for k in kept if len(k[0]) == 1]
    several = next(k for k in kept if len(k[0]) > 2)
    merge = store.add_change("merge_incidents", "x", {"groups": [list(single[0][0]),
                                                                 list(single[1][0])]})
    split = store.add_change("split_incident", "y", {"reports": [several[0][0]]})
    edit = store.add_change("edit_incident", "z", {"reports": [several[0][1]],
                                                   "fields": {"fatalities": 99}})
    after = _kept(store)
    assert (tuple(sorted(single[0][0] + single[1][0]))) in [k[0] for k in after]
    assert (several[0][0],) in [k[0] for k in after]
    assert any(k[3] == 99 for k in after)
    assert len(after) == len(kept)  # one merge, one split
    assert after == _rebuilt(store)
    for change in (edit, split, merge):
        store.undo_change(change)
    assert _kept(store) == kept


def test_a_wire_copy_counts_once_and_a_bridge_joins_two_groups(tmp_path, processed):
    store = _fresh(tmp_path / "s.sqlite")
    (a, mentions_a, reports_a), (b, mentions_b, reports_b) = processed[0], processed[1]
    store.put_article(a, mentions_a, reports_a)
    copy = dataclasses.replace(a, id="copy", outlet="Another Outlet",
                               text=a.text.replace(".", " .", 1))
    store.put_article(copy, *[[{**m, "article": "copy"} for m in mentions_a],
                              [dataclasses.replace(r, article="copy", outlet="Another Outlet")
                               for r in reports_a]])
    with_copy = [r for r in store.incident_rows()[0] if "copy" in r["articles"]]
    assert with_copy and all(r["independent_sources"] == 1 and r["outlets"] == 2
                             for r in with_copy)
    store.put_article(b, mentions_b, reports_b)
    # Half of a's text and half of b's: a copy of both, so a and b are now one group.
    half = len(a.text) // 2
    bridge = dataclasses.replace(a, id="bridge", text=a.text[:half] + " " + b.text[half:])
    store.put_article(bridge, [], [])
    with store.read() as conn:
        groups = dict(conn.execute("SELECT id, copy_group FROM articles").fetchall())
    assert groups[a.id] == groups[b.id] == groups["copy"] == groups["bridge"]
    assert _kept(store) == _rebuilt(store)


def _same(a: pd.DataFrame, b: pd.DataFrame, keys: list[str]) -> None:
    pd.testing.assert_frame_equal(a.sort_values(keys, ignore_index=True),
                                  b.sort_values(keys, ignore_index=True))


def test_a_reader_brought_up_to_date_by_deltas_sees_what_a_full_read_sees(
        tmp_path, processed, gazetteer):
    from geo.store.results import result_from_store

    store = _fresh(tmp_path / "s.sqlite")
    for article, mentions, reports in processed[:20]:
        store.put_article(article, mentions, reports)
    seen = result_from_store(store, gazetteer=gazetteer)
    assert seen.state == store.state()
    assert len(seen.mentions)  # read now, so the deltas below extend the table read
    for article, mentions, reports in processed[20:]:
        store.put_article(article, mentions, reports)
        if article.id.endswith("5"):
            seen = result_from_store(store, gazetteer=gazetteer, previous=seen)
    single = next(k for k in _kept(store) if len(k[0]) == 1)
    store.add_change("edit_incident", "z", {"reports": [single[0][0]],
                                            "fields": {"fatalities": 77}})
    store.put_results(processed[3][0].id, [], [])  # an article re-processed: nothing found
    delta = store.delta(seen.state)
    assert delta is not None and len(delta.articles) < len(processed)
    seen = result_from_store(store, gazetteer=gazetteer, previous=seen)
    full = result_from_store(store, gazetteer=gazetteer)
    _same(seen.incidents, full.incidents, ["event_id"])
    _same(seen.reports, full.reports, ["event_id", "report_key"])
    _same(seen.mentions, full.mentions, ["article", "start", "end"])
    assert [a.id for a in seen.articles] == [a.id for a in full.articles]
    assert 77 in set(seen.incidents["fatalities"].dropna())
    # A deletion rebuilds the incidents: no delta can say what changed, a full read does.
    store.delete_article(processed[0][0].id)
    assert store.delta(seen.state) is None
    again = result_from_store(store, gazetteer=gazetteer, previous=seen)
    assert processed[0][0].id not in {a.id for a in again.articles}


def test_an_unmergeable_report_is_set_aside_not_read_again_by_every_write(
        tmp_path, processed, monkeypatch):
    store = _fresh(tmp_path / "s.sqlite")
    (first, mentions, reports), *rest = processed[:6]
    # Dated where no table can hold it (an older version's misreading): never merged.
    future = dataclasses.replace(reports[0], date=reports[0].date.replace(year=2300))
    store.put_article(first, mentions, [future, *reports[1:]])
    parsed = []
    real = materialise._load

    def counting(conn, where, args, located, parse, **kw):
        return real(conn, where, args, located, lambda t: parsed.append(t) or parse(t), **kw)

    monkeypatch.setattr(materialise, "_load", counting)
    for article, mentions, reports in rest:
        store.put_article(article, mentions, reports)
    assert not any('"2300-' in t for t in parsed)  # set aside at its own write, not re-read
    with store.read() as conn:
        assert conn.execute("SELECT cluster FROM reports WHERE article = ? AND seq = 0",
                            (first.id,)).fetchone()[0] == materialise.UNMERGEABLE
    assert _kept(store) == _rebuilt(store)


def test_a_stored_result_reads_its_mentions_only_when_a_page_asks(tmp_path, processed,
                                                                   monkeypatch):
    from geo.store.results import result_from_store

    store = _fresh(tmp_path / "s.sqlite")
    for article, mentions, reports in processed[:10]:
        store.put_article(article, mentions, reports)
    reads = []
    original = Store.mention_rows
    monkeypatch.setattr(Store, "mention_rows", lambda self: reads.append(1) or original(self))
    result = result_from_store(store)
    assert not reads and not result.mentions_read and len(result.incidents)
    first = result.mentions
    assert reads == [1] and result.mentions is first  # read once, then kept
    assert set(first["article"]) <= {a.id for a in result.articles} and len(first)
    # A result brought up to date from one whose mentions were never read stays lazy too.
    unread = result_from_store(store)
    store.put_article(*processed[10])
    later = result_from_store(store, previous=unread)
    assert later.state != unread.state
    assert not later.mentions_read and processed[10][0].id in set(later.mentions["article"])


def test_a_reader_started_from_a_snapshot_sees_what_a_full_read_sees(tmp_path, processed):
    from geo.store.results import result_from_store, save_snapshot
    from geo.store.snapshot import read_snapshot, snapshot_dir

    store = _fresh(tmp_path / "s.sqlite")
    for article, mentions, reports in processed[:20]:
        store.put_article(article, mentions, reports)
    assert save_snapshot(store, result_from_store(store))
    # Written after the snapshot: the reader brings the snapshot up to date by a delta.
    for article, mentions, reports in processed[20:30]:
        store.put_article(article, mentions, reports)
    single = next(k for k in _kept(store) if len(k[0]) == 1)
    store.add_change("edit_incident", "z", {"reports": [single[0][0]],
                                            "fields": {"fatalities": 77}})
    started = result_from_store(store, snapshot=True)
    full = result_from_store(store)
    assert started.state == full.state == store.state()
    _same(started.incidents, full.incidents, ["event_id"])
    _same(started.reports, full.reports, ["event_id", "report_key"])
    assert [a.id for a in started.articles] == [a.id for a in full.articles]
    assert 77 in set(started.incidents["fatalities"].dropna())
    # A deletion: the store can no longer say what changed since the snapshot, so it is
    # not used (a full read), and a damaged snapshot is never read.
    store.delete_article(processed[0][0].id)
    after = result_from_store(store, snapshot=True)
    assert processed[0][0].id not in set(after.reports["article"])
    folder = snapshot_dir(store.path)
    (folder / "incidents.parquet").write_bytes(b"PAR1 cut short")
    assert read_snapshot(folder) is None
    _same(result_from_store(store, snapshot=True).incidents, result_from_store(store).incidents,
          ["event_id"])
