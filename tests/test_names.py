"""Display names (``geo.names``): pages show a place as the articles spell it, exports keep
GeoNames' name in ``location``. Every sentence here is written for these tests."""

from __future__ import annotations

import datetime as dt
import io
import json

import pandas as pd
import pytest

from geo.exports import geojson_text, incidents_csv
from geo.gazetteer.index import ascii_alternates
from geo.maps import build_incident_map
from geo.names import QUALIFIER_REASON, Spellings, display_name, spelled_as
from geo.pipeline import run_pipeline
from geo.records import Article
from geo.store.db import Store
from geo.store.ingest import Defaults, ingest
from geo.store.results import result_from_store, save_snapshot
from geo.tables import daily_table, filter_incidents, locations_table

NUSEIRAT = "gn:281109"  # GeoNames: "An Nuşayrāt"
DEIR_AL_BALAH = "gn:281141"  # GeoNames: "Dayr al Balaḩ"
KHARKIV = "gn:706483"  # GeoNames: "Kharkiv"
DAY = Defaults(published=dt.date(2024, 3, 5))


def _ingest(store: Store, gazetteer, **texts: str) -> None:
    ingest(store, [(f"{name}.txt", text.encode()) for name, text in texts.items()], gazetteer,
           defaults=DAY)


def _row(incidents: pd.DataFrame, key: str) -> pd.Series:
    rows = incidents[incidents["location_id"] == key]
    assert len(rows), f"no incident at {key}: {incidents[['location', 'location_id']]}"
    return rows.iloc[0]


@pytest.fixture()
def store(tmp_path) -> Store:
    return Store(tmp_path / "names.sqlite")


# ------------------------------------------------------------------------- the rule itself


def test_the_most_frequent_spelling_wins_and_a_tie_goes_to_the_one_closest_to_geonames():
    assert display_name("An Nuşayrāt", {"Nusseirat": 1, "Nuseirat": 2}) == "Nuseirat"
    # One each: "Deir al-Balah" is nearer "Dayr al Balaḩ" than "Deir el-Balah" is.
    assert display_name("Dayr al Balaḩ", {"Deir el-Balah": 1, "Deir al-Balah": 1}) == (
        "Deir al-Balah")


def test_another_name_of_a_place_is_no_spelling_of_its_plain_geonames_name():
    # "the siege of Leningrad" twice, "St Petersburg" once: the city is not shown by its old
    # name, nor Bakhmut as Artemivsk; a spelling of the name itself still counts.
    assert display_name("Saint Petersburg", {"Leningrad": 2, "St Petersburg": 1}) == (
        "St Petersburg")
    assert display_name("Bakhmut", {"Artemivsk": 3}) == "Bakhmut"
    assert display_name("Odesa", {"Odessa": 3, "Odesa": 1}) == "Odessa"


def test_an_ascii_geonames_name_is_kept_when_no_article_spells_the_place_otherwise():
    assert display_name("Kharkiv") == "Kharkiv"
    assert display_name("Kharkiv", {"Kharkiv": 3, "KHARKIV": 5}) == "Kharkiv"


def test_a_case_or_diacritics_variant_counts_for_the_plain_geonames_name_not_for_itself():
    assert spelled_as("KYIV", "Kyiv") == "Kyiv"
    assert spelled_as("kyiv", "Kyiv") == "Kyiv"
    # Four articles writing GeoNames' name without its marks outweigh one other spelling.
    assert display_name("Khān Yūnis", {"Khan Yunis": 4, "Khan Younis": 1}) == "Khan Yunis"


def test_headline_capitals_lower_case_and_other_scripts_are_no_spelling():
    assert spelled_as("NUSEIRAT", "An Nuşayrāt") == ""
    assert spelled_as("nuseirat", "An Nuşayrāt") == ""
    assert spelled_as("Нусейрат", "An Nuşayrāt") == ""
    assert spelled_as("UAE", "United Arab Emirates") == "UAE"  # short capitals are names


def test_with_no_spelling_a_transliterated_name_falls_back_on_its_closest_ascii_alternate():
    alternates = ascii_alternates()
    assert alternates[DEIR_AL_BALAH].isascii()
    assert display_name("Dayr al Balaḩ", {}, [alternates[DEIR_AL_BALAH]]) == (
        alternates[DEIR_AL_BALAH])
    # No alternate at all: the name without its diacritics.
    assert display_name("Ḩalab") == "Halab"


def test_demonyms_region_phrases_and_qualifiers_do_not_spell_their_place(gazetteer):
    article = Article(id="q", text="Russian drones struck Zarichne, Donetsk, on Sunday, and "
                                   "shells fell across the Donetsk region.")
    result = run_pipeline([article], gazetteer=gazetteer, today=dt.date(2024, 3, 5))
    mentions = result.mentions.set_index("text")
    # The resolver still words a qualifier's reason as geo.names expects.
    assert mentions.loc["Donetsk", "reason"].startswith(QUALIFIER_REASON)
    _, counts = result.spellings.places()
    assert "Russian" not in counts.get("country:RU", {})
    region = mentions.loc["Donetsk", "place_key"]
    assert "Donetsk" not in counts.get(region, {})
    assert "Donetsk region" not in counts.get(region, {})


def test_spellings_of_a_rewritten_article_replace_its_old_ones():
    old = Spellings.from_rows([("a", NUSEIRAT, "An Nuşayrāt", "Nusseirat", "name", "")] * 3
                              + [("b", NUSEIRAT, "An Nuşayrāt", "Nuseirat", "name", "")])
    new = old.replaced(["a"], Spellings.from_rows(
        [("a", NUSEIRAT, "An Nuşayrāt", "Nuseirat", "name", "")]))
    assert old.places()[1][NUSEIRAT] == {"Nusseirat": 3, "Nuseirat": 1}
    assert new.places()[1][NUSEIRAT] == {"Nuseirat": 2}


# ----------------------------------------------------------------- through the store to pages


def test_nuseirat_is_shown_as_the_article_spells_it_and_exported_under_its_geonames_name(
        store, gazetteer):
    _ingest(store, gazetteer, camp="Artillery shelling hit Nuseirat in central Gaza on "
                                   "Monday, killing four people.")
    incidents = result_from_store(store).incidents
    row = _row(incidents, NUSEIRAT)
    assert (row["location"], row["display_name"]) == ("An Nuşayrāt", "Nuseirat")
    # The map's labels and tooltips, the place filter and the daily table read the column.
    locations = locations_table(incidents)
    assert locations.set_index("location_id").at[NUSEIRAT, "display_name"] == "Nuseirat"
    html = build_incident_map(locations).get_root().render()
    assert "Nuseirat" in html and "An Nu\\u015fayr\\u0101t" not in html
    assert NUSEIRAT in set(filter_incidents(incidents, place="nuseirat")["location_id"])
    assert "Nuseirat" in set(daily_table(incidents)["display_name"])
    # Exports keep GeoNames' name as the location and carry the display name beside it.
    csv_row = pd.read_csv(io.StringIO(incidents_csv(incidents))).set_index("location_id").loc[
        NUSEIRAT]
    assert (csv_row["location"], csv_row["display_name"]) == ("An Nuşayrāt", "Nuseirat")
    feature = next(f for f in json.loads(geojson_text(incidents))["features"]
                   if f["properties"]["location"] == "An Nuşayrāt")
    assert feature["properties"]["display_name"] == "Nuseirat"
    # The backup is the store itself, whose incident rows keep GeoNames' name.
    stored = {r["location_id"]: r for r in store.incident_rows()[0]}
    assert stored[NUSEIRAT]["location"] == "An Nuşayrāt"


def test_a_place_with_a_plain_ascii_geonames_name_keeps_it(store, gazetteer):
    _ingest(store, gazetteer, city="A missile struck an apartment block in Kharkiv on "
                                   "Tuesday, killing two residents.")
    row = _row(result_from_store(store).incidents, KHARKIV)
    assert row["location"] == row["display_name"] == "Kharkiv"


def test_a_place_spelled_two_ways_takes_the_spelling_more_articles_use(store, gazetteer):
    _ingest(store, gazetteer, first="An air strike hit a house in Deir al-Balah on Sunday, "
                                    "killing five people.")
    first = result_from_store(store)
    assert _row(first.incidents, DEIR_AL_BALAH)["display_name"] == "Deir al-Balah"
    _ingest(store, gazetteer,
            second="Drone fire hit a market in Deir el-Balah on Monday, wounding six people.",
            third="Tank shells landed near a school in Deir el-Balah on Monday evening, "
                  "killing one man.")
    # Brought up to date by a delta (what a running dashboard does), by a full read, and
    # from a snapshot: the same name each way.
    later = result_from_store(store, previous=first)
    assert later.state != first.state
    assert _row(later.incidents, DEIR_AL_BALAH)["display_name"] == "Deir el-Balah"
    assert later.display_names[DEIR_AL_BALAH] == "Deir el-Balah"
    full = result_from_store(store)
    assert _row(full.incidents, DEIR_AL_BALAH)["display_name"] == "Deir el-Balah"
    assert save_snapshot(store, full)
    warm = result_from_store(store, snapshot=True)
    assert _row(warm.incidents, DEIR_AL_BALAH)["display_name"] == "Deir el-Balah"
    assert _row(warm.incidents, DEIR_AL_BALAH)["location"] == "Dayr al Balaḩ"
    # Started from the snapshot, the first write still counts every article's spelling.
    _ingest(store, gazetteer,
            fourth="Gunfire hit a crowd near Deir al-Balah on Tuesday, killing two people.",
            fifth="Shelling struck a clinic in Deir al-Balah on Tuesday, wounding three.")
    assert callable(warm.spelling_source)  # not counted for the start itself
    after = result_from_store(store, previous=warm)
    assert after.state != warm.state and not callable(warm.spelling_source)  # a delta
    assert _row(after.incidents, DEIR_AL_BALAH)["display_name"] == "Deir al-Balah"
