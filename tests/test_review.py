"""Review states (issue 27, item 2): set in one session and seen in another, kept across
restarts, backups and re-processing, filtering every page and the map, drawn on the map and
carried by the exports; two independent sources corroborate automatically, and say so."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from click.testing import CliRunner

from geo.acled import acled_table
from geo.cli import cli
from geo.exports import incidents_csv, incidents_geojson
from geo.maps import REVIEWED_RIM, build_incident_map
from geo.review import REVIEW_KIND, review_payload, with_reviews
from geo.store.db import Store
from geo.store.ingest import ingest_paths, reprocess
from geo.store.results import result_from_store
from geo.tables import locations_table
from tests.conftest import ARTICLES
from tests.test_maps import point_layers

CHERNIHIV = "gn:710735"


@pytest.fixture(scope="module")
def bundled(tmp_path_factory, gazetteer) -> Store:
    """The bundled articles in a store of this module's own (reviews are written to it)."""
    store = Store(tmp_path_factory.mktemp("review") / "store.sqlite")
    ingest_paths(store, [ARTICLES], gazetteer)
    return store


def reviewed(store: Store) -> pd.DataFrame:
    result = result_from_store(store)
    return with_reviews(result.incidents, result.reports, store.changes())


def review(store: Store, location_id: str, state: str, reviewer: str, note: str = "") -> str:
    """Review the first incident at ``location_id``; returns its event id."""
    result = result_from_store(store)
    event_id = result.incidents.loc[result.incidents["location_id"] == location_id,
                                    "event_id"].iloc[0]
    keys = result.reports.loc[result.reports["event_id"] == event_id, "report_key"]
    store.add_change(REVIEW_KIND, event_id, review_payload(list(keys), state, reviewer),
                     note=note)
    return event_id


def test_a_review_survives_a_restart_a_backup_and_reprocessing(tmp_path, bundled, gazetteer):
    event_id = review(bundled, CHERNIHIV, "disputed", "Ana", "the toll is the oblast's")
    # A restart: a new Store object on the same file.
    row = reviewed(Store(bundled.path)).set_index("event_id").loc[event_id]
    assert (row["review_state"], row["reviewed_by"], row["review_note"]) == (
        "disputed", "Ana", "the toll is the oblast's")
    assert row["reviewed_at"] and not row["review_auto"]
    restored = Store(tmp_path / "restored.sqlite")
    restored.restore(bundled.backup(tmp_path / "backup.sqlite"))
    reprocess(restored, gazetteer, article_ids=[a.id for a in restored.articles()])
    again = reviewed(restored)
    (state,) = again.loc[again["location_id"] == CHERNIHIV, "review_state"]
    assert state == "disputed"


def test_two_independent_sources_corroborate_automatically_and_an_analyst_overrides(
        bundled):
    table = reviewed(bundled)
    auto = table[table["review_auto"]]
    assert len(auto) and (auto["independent_sources"] >= 2).all()
    assert set(auto["review_state"]) == {"corroborated"}
    assert auto["review_note"].str.startswith("automatic: ").all()
    single = table[table["independent_sources"] < 2]
    assert not single["review_auto"].any() and len(single)
    # An analyst's state wins over the automatic one.
    location = auto["location_id"].iloc[0]
    event_id = review(bundled, location, "reviewed", "Bo")
    row = reviewed(bundled).set_index("event_id").loc[event_id]
    assert (row["review_state"], row["reviewed_by"], row["review_auto"]) == (
        "reviewed", "Bo", False)


def test_exports_carry_the_review_state_and_the_reviewer(bundled):
    event_id = review(bundled, "gn:703448", "corroborated", "Cy")  # Kyiv
    table = reviewed(bundled)
    csv = pd.read_csv(io.StringIO(incidents_csv(acled_table(table))))
    row = csv.set_index("event_id").loc[event_id]
    assert (row["review_state"], row["reviewed_by"]) == ("corroborated", "Cy")
    features = {f["properties"]["event_id"]: f["properties"]
                for f in json.loads(json.dumps(incidents_geojson(table)))["features"]}
    assert features[event_id]["review_state"] == "corroborated"
    assert features[event_id]["reviewed_by"] == "Cy"


def test_the_map_draws_unreviewed_places_pale_and_reviewed_ones_with_a_dark_rim(bundled):
    table = reviewed(bundled)
    checked = table[(table["review_state"] != "unreviewed") & ~table["review_auto"]]
    places = locations_table(table)
    all_checked = set(places.loc[places["unchecked"] == 0, "location_id"])
    none_checked = set(places.loc[places["unchecked"] == places["incidents"], "location_id"])
    assert all_checked and none_checked
    assert all_checked <= set(checked["location_id"])
    [layer] = point_layers(build_incident_map(places))
    styles = {f["properties"]["location_id"]: f["properties"]["style"]
              for f in layer.data["features"]}
    for location in all_checked - {CHERNIHIV}:
        assert styles[location]["color"] == REVIEWED_RIM
    for location in none_checked:
        if location in styles:
            assert styles[location]["fillOpacity"] < 0.85
            assert styles[location].get("color") != REVIEWED_RIM


def test_the_command_line_export_carries_the_reviews(tmp_path, bundled):
    event_id = review(bundled, "gn:701822", "disputed", "Eli")  # Mariupol
    out = CliRunner().invoke(cli, ["export", "--store", str(bundled.path), "--out",
                                   str(tmp_path)])
    assert out.exit_code == 0, out.output
    csv = pd.read_csv(tmp_path / "incidents.csv").set_index("event_id")
    assert (csv.loc[event_id, "review_state"], csv.loc[event_id, "reviewed_by"]) == (
        "disputed", "Eli")
