"""Incidents from the five seed articles: place, day, type, figures, merging across outlets."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pandas as pd
import pytest

from geo.acled import EXPORT_COLUMNS
from geo.cli import cli
from geo.incidents import Report, independent_groups, merge_reports
from geo.io.articles import read_articles
from geo.pipeline import run_pipeline
from geo.records import Article, Place
from geo.tables import (
    DAILY_COLUMNS,
    daily_table,
    filter_incidents,
    region_daily_table,
)
from tests.conftest import ARTICLES

D = dt.date


@pytest.fixture(scope="module")
def result(gazetteer):
    return run_pipeline(read_articles([ARTICLES]), gazetteer=gazetteer)


def only(result, **where):
    frame = result.incidents
    for column, value in where.items():
        frame = frame[frame[column] == value]
    assert len(frame) == 1, (where, frame[["location", "event_date", "sub_event_type"]])
    return frame.iloc[0]


def test_kherson_entered_by_russian_tanks_on_wednesday_2_march(result):
    kherson = only(result, location="Kherson")
    assert kherson["event_date"].date() == D(2022, 3, 2)
    assert (kherson["event_type"], kherson["sub_event_type"]) == (
        "Battles", "Non-state actor overtakes territory")
    assert kherson["geo_precision"] == 1 and kherson["time_precision"] == 1
    assert kherson["outlets"] == 5 and kherson["independent_sources"] == 4


def test_shell_on_freedom_square_in_kharkiv_on_tuesday_1_march(result):
    square = only(result, location="Freedom Square")
    assert square["event_date"].date() == D(2022, 3, 1)
    assert square["admin1"] == "Kharkiv"
    assert square["sub_event_type"] == "Shelling/artillery/missile attack"
    assert "Freedom Square" in square["notes"] and "Tuesday, 1 March" in square["notes"]


def test_borodyanka_struck_the_previous_day(result):
    strike = only(result, location="Borodianka", event_type="Explosions/Remote violence")
    assert strike["event_date"].date() == D(2022, 3, 2)
    assert strike["sub_event_type"] == "Air/drone strike"
    assert strike["articles"] == "004_a285586d0cb5f2f7"


def test_chernihiv_air_strike_merged_across_four_outlets(result):
    strike = only(result, location="Chernihiv")
    assert strike["event_date"].date() == D(2022, 3, 3)
    assert strike["sub_event_type"] == "Air/drone strike"
    assert (strike["fatalities_min"], strike["fatalities_max"], strike["fatalities"]) == (
        9, 33, 33)
    assert strike["injuries"] == 4
    assert set(strike["articles"].split(";")) == {
        "000_839e6d4a3abab594", "001_4222a503b4c9286b", "002_fff79419f0ffe47e",
        "004_a285586d0cb5f2f7"}
    assert strike["outlets"] == 4
    # 000 and 001 are the same Reuters story: one independent source.
    assert strike["independent_sources"] == 3
    excerpts = result.reports[result.reports["event_id"] == strike["event_id"]]
    assert {"Chernihiv region", "Chernihiv"} <= set(excerpts["mention_text"])
    assert any("22 bodies" in e for e in excerpts["excerpt"])


@pytest.mark.parametrize(("location", "event_type", "sub_event_type", "day"), [
    ("Saint Petersburg", "Protests", "Protest with intervention", D(2022, 3, 2)),
    ("Belarus", "Strategic developments", "Agreement", D(2022, 3, 3)),
    ("Mariupol", "Strategic developments", "Other", D(2022, 3, 3)),
    ("Mariupol", "Explosions/Remote violence", "Shelling/artillery/missile attack",
     D(2022, 3, 3)),
    ("Enerhodar", "Battles", "Armed clash", D(2022, 3, 3)),
    ("Borodianka", "Battles", "Armed clash", D(2022, 3, 3)),
    ("Odesa", "Explosions/Remote violence", "Remote explosive/landmine/IED", D(2022, 3, 3)),
    ("Port of Olvia", "Explosions/Remote violence", "Remote explosive/landmine/IED",
     D(2022, 3, 3)),
    ("Berdyansk", "Battles", "Non-state actor overtakes territory", D(2022, 3, 3)),
    ("Volnovakha", "Explosions/Remote violence", "Shelling/artillery/missile attack",
     D(2022, 3, 3)),
    ("Irpin", "Explosions/Remote violence", "Shelling/artillery/missile attack",
     D(2022, 3, 3)),
])
def test_seed_incident(result, location, event_type, sub_event_type, day):
    row = only(result, location=location, event_type=event_type)
    assert row["sub_event_type"] == sub_event_type
    assert row["event_date"].date() == day


def test_olvia_blast_killed_one_crew_member_and_odesa_none(result):
    assert only(result, location="Port of Olvia")["fatalities"] == 1
    assert pd.isna(only(result, location="Odesa")["fatalities"])


def test_agreement_is_located_at_the_talks(result):
    deal = only(result, sub_event_type="Agreement")
    assert deal["location"] == "Belarus" and deal["geo_precision"] == 3
    assert set(deal["articles"].split(";")) == {"003_63e94df4db2917e2", "004_a285586d0cb5f2f7"}


@pytest.mark.parametrize("place", ["Moscow", "Aleppo", "Grozny", "Mykolayiv", "Washington",
                                   "The Hague", "Saint Petersburg-Leningrad", "Ukraine",
                                   "Kremlin", "Europe"])
def test_actors_speakers_and_history_are_not_incident_places(result, place):
    assert place not in set(result.incidents["location"])


def test_no_population_or_distance_becomes_a_casualty_figure(result):
    figures = result.incidents["fatalities_max"].dropna()
    assert figures.max() == 33  # not Kharkiv's 1.5 million, not 300,000 residents of Kherson


def test_exports_load_with_documented_columns(tmp_path):
    from click.testing import CliRunner

    outcome = CliRunner().invoke(cli, ["extract", str(ARTICLES), "--out", str(tmp_path)])
    assert outcome.exit_code == 0, outcome.output
    incidents = pd.read_csv(tmp_path / "incidents.csv", parse_dates=["event_date"])
    assert list(incidents.columns) == EXPORT_COLUMNS
    ukraine = incidents.iloc[0]
    assert (ukraine["iso"], ukraine["region"], ukraine["year"]) == (804, "Europe", 2022)
    assert set(incidents["disorder_type"]) <= {"Political violence", "Demonstrations",
                                               "Strategic developments"}
    assert incidents["event_date"].min() == pd.Timestamp("2022-03-01")
    daily = pd.read_csv(tmp_path / "daily.csv")
    assert list(daily.columns) == DAILY_COLUMNS
    geojson = json.loads((tmp_path / "incidents.geojson").read_text(encoding="utf-8"))
    chernihiv = next(f for f in geojson["features"]
                     if f["properties"]["location"] == "Chernihiv")
    lon, lat = chernihiv["geometry"]["coordinates"]
    assert (round(lat, 1), round(lon, 1)) == (51.5, 31.3)
    assert chernihiv["properties"]["fatalities"] == 33
    assert len(geojson["features"]) == len(incidents)


def test_daily_and_region_tables(result):
    daily = daily_table(result.incidents)
    row = daily[(daily["location"] == "Chernihiv")].iloc[0]
    assert (row["incidents"], row["fatalities"], row["outlets"]) == (1, 33, 4)
    regions = region_daily_table(result.incidents)
    kharkiv = regions[regions["admin1_code"] == "UA.07"]
    assert kharkiv["incidents"].sum() >= 1


def test_filters(result):
    frame = result.incidents
    assert len(filter_incidents(frame, start=D(2022, 3, 3), end=D(2022, 3, 3))) == (
        (frame["event_date"] == "2022-03-03").sum())
    battles = filter_incidents(frame, event_types=["Battles"])
    assert set(battles["event_type"]) == {"Battles"}
    assert set(filter_incidents(frame, min_outlets=4)["location"]) >= {"Chernihiv", "Kherson"}
    assert set(filter_incidents(frame, place="chern")["location"]) == {"Chernihiv"}
    rfe = filter_incidents(frame, outlets=["RFE/RL"])
    assert rfe["sources"].str.contains("RFE/RL", regex=False).all()
    assert len(rfe) < len(frame)


def test_undated_article_is_warned_and_flagged(gazetteer):
    article = Article(id="undated", text="Russian forces shelled Kharkiv on March 5, 2022. "
                      "Officials said at least 4 people were killed in the shelling.")
    result = run_pipeline([article], gazetteer=gazetteer, today=D(2026, 11, 21))
    assert result.warnings and "undated" in result.warnings[0]
    row = result.incidents.iloc[0]
    assert row["event_date"].date() == D(2022, 3, 5)
    assert "date inferred" in row["flags"]
    assert row["fatalities"] == 4


def _report(place: Place, day: dt.date, *, article: str = "a", sub: str = "Air/drone strike",
            tp: int = 1, published: dt.date | None = None) -> Report:
    return Report(article=article, outlet=article, sentence_start=0, sentence_end=1,
                  excerpt="x", trigger="strike", event_type="Explosions/Remote violence",
                  sub_event_type=sub, place=place, mention_start=0, mention_end=1,
                  mention_text=place.name, geo_precision=1, date=day, time_precision=tp,
                  date_text="", date_inferred=False, published=published or day)


def test_merge_rules(gazetteer):
    kharkiv = gazetteer.get("gn:706483")
    region = gazetteer.region("UA.07")
    lviv = gazetteer.get("gn:702550")
    merged = merge_reports([_report(kharkiv, D(2022, 3, 1), article="a",
                                    published=D(2022, 3, 4)),
                            _report(region, D(2022, 3, 1), article="b"),
                            _report(kharkiv, D(2022, 3, 2), article="c"),
                            _report(lviv, D(2022, 3, 1), article="d"),
                            # "Kharkiv has been shelled", in the same day's news as "a"
                            _report(kharkiv, D(2022, 3, 4), article="e", tp=2),
                            # ... and in a later day's news: not pulled onto 1 March
                            _report(lviv, D(2022, 3, 4), article="f", tp=2)])
    by_place = sorted((i.place.name, i.event_date.isoformat(), i.articles) for i in merged)
    assert by_place == [("Kharkiv", "2022-03-01", ("a", "b", "e")),
                        ("Kharkiv", "2022-03-02", ("c",)), ("Lviv", "2022-03-01", ("d",)),
                        ("Lviv", "2022-03-04", ("f",))]
    assert len({i.event_id for i in merged}) == len(merged)


def _merge_by_scanning(reports: list[Report]) -> list[tuple]:
    """The merge as it was before its index (``geo.baselines``, ``bench/scale.py``'s baseline),
    as sorted report keys per cluster: the index must find exactly these clusters."""
    from geo.baselines import scan_merge

    return sorted(tuple(sorted(r.key for r in c)) for c in scan_merge(reports))


def test_indexed_merge_finds_the_clusters_that_comparing_every_cluster_finds(gazetteer):
    import random

    rng = random.Random(3)
    # Towns, their regions and points beside towns (landmarks and computed points 0-20 km
    # away) in two neighbouring oblasts, over two months: every rule of _same_place and
    # every day tolerance is exercised, many times.
    towns = [gazetteer.get(k) for k in ("gn:706483", "gn:702550", "gn:710791", "gn:703448",
                                        "gn:698740", "gn:709930")]
    towns = [t for t in towns if t is not None]
    regions = [gazetteer.region(t.admin1_code) for t in towns if gazetteer.region(
        t.admin1_code)]
    beside = [Place(key=f"extra:p{n}", name=f"Point {n}", lat=t.lat + rng.uniform(-.18, .18),
                    lon=t.lon + rng.uniform(-.25, .25), feature=rng.choice(
                        ["landmark", "computed"]), country_code="UA", admin1=t.admin1,
                    admin1_code=t.admin1_code) for n, t in enumerate(towns * 4)]
    reports = []
    for n in range(1500):
        place = rng.choice(towns + regions + beside)
        day = D(2022, 3, 1) + dt.timedelta(days=rng.randint(0, 60))
        tp = rng.choice([1, 1, 1, 2, 3])
        sub = rng.choice(["Air/drone strike", "Shelling/artillery/missile attack"])
        report = _report(place, day, article=f"a{n}", sub=sub, tp=tp,
                         published=day + dt.timedelta(days=rng.randint(0, 3)))
        if rng.random() < 0.2:
            report = dataclasses.replace(report, event_type="Battles",
                                         sub_event_type="Government regains territory")
        reports.append(dataclasses.replace(report, geo_precision=rng.choice([1, 2, 3])))
    merged = merge_reports(reports)
    assert sorted(tuple(sorted(r.key for r in i.reports)) for i in merged) == (
        _merge_by_scanning(reports))
    assert sum(len(i.reports) > 1 for i in merged) > 100  # merging really happened


def test_indexed_merge_keeps_the_seed_incidents(seed_articles, gazetteer):
    from geo.store.ingest import process_article

    reports = [r for a in seed_articles.values() for r in process_article(a, gazetteer, [])[1]]
    merged = merge_reports(reports)
    assert sorted(tuple(sorted(r.key for r in i.reports)) for i in merged) == (
        _merge_by_scanning(reports))


def test_wire_copies_count_once(seed_articles):
    groups = independent_groups(list(seed_articles.values()))
    assert groups["000_839e6d4a3abab594"] == groups["001_4222a503b4c9286b"]
    assert len(set(groups.values())) == 4


def test_undated_article_takes_the_year_its_weekday_fits(gazetteer):
    article = Article(id="okhtyrka", text="Russian forces shelled Okhtyrka on Thursday, 3 March, "
                      "officials said. At least 4 people were killed in the shelling.")
    result = run_pipeline([article], gazetteer=gazetteer, today=D(2026, 11, 21))
    assert result.incidents.iloc[0]["event_date"].date() == D(2022, 3, 3)
    assert "2022-03-03" in result.warnings[0]


def test_a_landmark_strike_is_not_merged_with_later_town_reports(result):
    square = only(result, location="Freedom Square")
    assert square["articles"] == "003_63e94df4db2917e2" and square["outlets"] == 1
    kharkiv = only(result, location="Kharkiv")
    assert kharkiv["event_date"].date() == D(2022, 3, 3) and kharkiv["time_precision"] == 2
