"""Corrections that stay consistent (issue 27, item 5): a type change keeps an ACLED
(type, sub-type) pair, a mention moved onto a town merges with that town's incident, and the
Map's correction form offers only ACLED's pairs."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from geo.acled import SUB_EVENT_TYPES, is_acled_pair
from geo.store.db import Store
from geo.store.ingest import ingest, ingest_paths, reprocess
from geo.store.results import result_from_store
from tests.conftest import ARTICLES, ROOT

CHASIV_YAR = "gn:710915"
CLASH = b"Ukrainian troops clashed with Russian forces in Chasiv Yar on May 5, 2023."
MISPLACED = (b"Fierce fighting between Ukrainian and Russian forces was reported in Bakhmut on "
             b"May 5, 2023.")


def stored_pairs(store: Store) -> set[tuple[str, str]]:
    incidents = result_from_store(store).incidents
    return set(zip(incidents["event_type"], incidents["sub_event_type"], strict=True))


def report_keys(store: Store, location_id: str) -> list[list[str]]:
    result = result_from_store(store)
    ids = result.incidents.loc[result.incidents["location_id"] == location_id, "event_id"]
    reports = result.reports
    return [list(reports.loc[reports["event_id"] == e, "report_key"]) for e in ids]


def test_every_stored_incident_is_an_acled_pair_after_type_changes_merges_and_splits(
        tmp_path, gazetteer):
    store = Store(tmp_path / "store.sqlite")
    ingest_paths(store, [ARTICLES], gazetteer)
    assert all(is_acled_pair(*pair) for pair in stored_pairs(store))
    result = result_from_store(store)
    reports = result.reports
    keys = {e: list(reports.loc[reports["event_id"] == e, "report_key"])
            for e in result.incidents["event_id"]}
    battles = result.incidents[result.incidents["event_type"] == "Battles"]["event_id"]
    shelling = result.incidents[result.incidents["event_type"] != "Battles"]["event_id"]
    # The case: a clash made a strategic development, its sub-type not given.
    clash = battles.iloc[0]
    store.add_change("edit_incident", clash, {"reports": keys[clash],
                                              "fields": {"event_type": "Strategic developments"}})
    # A type change with a sub-type of another type, as a change made from Python may carry.
    other = shelling.iloc[0]
    store.add_change("edit_incident", other, {"reports": keys[other], "fields": {
        "event_type": "Protests", "sub_event_type": "Air/drone strike"}})
    merged = [keys[e] for e in shelling.iloc[1:3]]
    store.add_change("merge_incidents", "+".join(shelling.iloc[1:3]), {"groups": merged})
    pairs = stored_pairs(store)
    assert ("Strategic developments", "Other") in pairs
    assert ("Protests", "Peaceful protest") in pairs
    assert all(is_acled_pair(*pair) for pair in pairs), pairs
    # Re-processing every article replays the changes: still only ACLED's pairs.
    reprocess(store, gazetteer, article_ids=[a.id for a in store.articles()])
    assert all(is_acled_pair(*pair) for pair in stored_pairs(store))


@pytest.mark.parametrize("payload", [
    {"place_key": CHASIV_YAR},
    # By name and coordinates (the Places form's point, an online geocoder's answer): the
    # gazetteer's Chasiv Yar, not a place of its own that would never merge with it.
    {"name": "Chasiv Yar, Donetsk Oblast", "lat": 48.5861, "lon": 37.8358,
     "country_code": "UA"},
], ids=["gazetteer place", "named point"])
def test_a_mention_moved_onto_a_town_joins_that_towns_incident_of_the_day(tmp_path, gazetteer,
                                                                          payload):
    store = Store(tmp_path / "store.sqlite")
    ingest(store, [("chasiv.txt", CLASH), ("bakhmut.txt", MISPLACED)], gazetteer)
    assert len(report_keys(store, CHASIV_YAR)) == 1
    start = MISPLACED.decode().index("Bakhmut")
    store.add_change("resolve_mention", f"bakhmut:{start}:{start + len('Bakhmut')}", payload)
    reprocess(store, gazetteer)
    (together,) = report_keys(store, CHASIV_YAR)
    assert {k.split(":")[0] for k in together} == {"chasiv", "bakhmut"}


def test_a_point_named_otherwise_keeps_the_analysts_own_place(tmp_path, gazetteer):
    store = Store(tmp_path / "store.sqlite")
    ingest(store, [("bakhmut.txt", MISPLACED)], gazetteer)
    start = MISPLACED.decode().index("Bakhmut")
    store.add_change("resolve_mention", f"bakhmut:{start}:{start + len('Bakhmut')}",
                     {"name": "Checkpoint 7", "lat": 48.5861, "lon": 37.8358})
    reprocess(store, gazetteer)
    incidents = result_from_store(store).incidents
    assert list(incidents["location"]) == ["Checkpoint 7"]


def test_the_maps_correction_form_offers_only_acled_pairs(tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_STORE", str(tmp_path / "store.sqlite"))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    at.query_params["location"] = "gn:710735"  # Chernihiv: its incident's card and form
    at.switch_page("pages/map.py").run()
    assert not at.exception, at.exception
    (pairs,) = [w for w in at.selectbox if w.label == "Sub-event type (event type)"]
    offered = [tuple(reversed(option[:-1].split(" ("))) for option in pairs.options]
    assert offered == [(t, s) for t, subs in SUB_EVENT_TYPES.items() for s in subs]
    assert pairs.value[0] == "Explosions/Remote violence" and is_acled_pair(*pairs.value)
