"""What is new and watch rules (issue 27, item 3): a rule matches what came in after it, in
its area, of its types and toll, and its matches are written where a local tool can poll
them."""

from __future__ import annotations

import datetime as dt
import json
import time

import pandas as pd
import pytest

from geo.store.db import Store
from geo.store.ingest import ingest, ingest_paths
from geo.store.results import result_from_store
from geo.store.watch import (
    add_rule,
    article_times,
    load_rules,
    matches_paths,
    new_since,
    refresh_matches,
    remove_rule,
    watch_job,
)
from tests.conftest import ARTICLES

KHARKIV = (49.9808, 36.2527)
SHELLING = b"Russian forces shelled Kharkiv on March 7, 2022. At least 4 people were killed."


@pytest.fixture()
def store(tmp_path, gazetteer) -> Store:
    store = Store(tmp_path / "store.sqlite")
    ingest_paths(store, [ARTICLES], gazetteer)
    return store


def incidents(store: Store) -> pd.DataFrame:
    return result_from_store(store).incidents


def test_a_rule_lists_what_came_in_after_it_in_its_area_types_and_toll(store, gazetteer):
    near = add_rule(store, name="Kharkiv", lat=KHARKIV[0], lon=KHARKIV[1], radius_km=30)
    add_rule(store, name="Kharkiv battles", lat=KHARKIV[0], lon=KHARKIV[1], radius_km=30,
             event_types=["Battles"])
    add_rule(store, name="Kharkiv, 5 dead", lat=KHARKIV[0], lon=KHARKIV[1], radius_km=30,
             min_fatalities=5)
    add_rule(store, name="Donbas box", box=[47.0, 36.5, 49.5, 39.5])
    # The bundled articles hold Kharkiv incidents: stored before the rules, never listed.
    assert refresh_matches(store, incidents(store)).empty
    ingest(store, [("kharkiv.txt", SHELLING)], gazetteer)
    matches = refresh_matches(store, incidents(store))
    assert list(matches["rule"]) == ["Kharkiv"]
    assert matches.iloc[0]["location"] == "Kharkiv" and matches.iloc[0]["rule_id"] == near.id
    # Written for a local tool, as JSON and CSV; evaluated again, nothing is listed twice.
    json_path, csv_path = matches_paths(store)
    assert [m["rule"] for m in json.loads(json_path.read_text())] == ["Kharkiv"]
    assert pd.read_csv(csv_path)["location"].tolist() == ["Kharkiv"]
    assert len(refresh_matches(store, incidents(store))) == 1


def test_rules_are_kept_beside_the_store_and_a_bad_area_is_refused(store):
    rule = add_rule(store, name="Box", box=[47, 36, 48, 38], event_types=["Battles"])
    assert load_rules(Store(store.path)) == [rule]  # a restart reads them back
    with pytest.raises(ValueError, match="needs an area"):
        add_rule(store, name="nowhere")
    with pytest.raises(ValueError, match="south < north"):
        add_rule(store, name="upside down", box=[48, 36, 47, 38])
    remove_rule(store, rule.id)
    assert load_rules(store) == []


def test_what_is_new_is_what_an_article_stored_after_the_time_brought(store, gazetteer):
    time.sleep(1.1)  # the store keeps whole seconds: the time falls after the fixture's
    since = dt.datetime.now(dt.UTC)
    before = incidents(store)
    assert new_since(before, article_times(store), since).empty
    ingest(store, [("kharkiv.txt", SHELLING)], gazetteer)
    fresh = new_since(incidents(store), article_times(store), since)
    assert list(fresh["location"]) == ["Kharkiv"] and fresh["new"].all()
    # A day earlier, everything stored is new.
    assert len(new_since(incidents(store), article_times(store),
                         since - dt.timedelta(days=1))) == len(incidents(store))


def test_the_workers_job_evaluates_the_rules_when_the_store_changed(store, gazetteer):
    assert watch_job(None, str(store.path)) == 0  # no rule: nothing to do
    add_rule(store, name="Kharkiv", lat=KHARKIV[0], lon=KHARKIV[1], radius_km=30)
    assert watch_job(None, str(store.path)) == 0
    ingest(store, [("kharkiv.txt", SHELLING)], gazetteer)
    assert watch_job(None, str(store.path)) == 1
    assert watch_job(None, str(store.path)) == 1  # unchanged store: listed once
