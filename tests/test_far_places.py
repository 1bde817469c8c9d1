"""A place read far from every other place of its article: the gazetteer lacks the quarter or
camp meant and holds only a namesake abroad. It is flagged, and a small town keeps half its
score (``geo.nlp.far_places``). Every sentence here is written for the test."""

from __future__ import annotations

import datetime as dt

import pytest

from geo.nlp.far_places import doubt_far_places, far_points
from geo.pipeline import run_pipeline
from geo.records import Article, Mention, Place, Resolution
from geo.tables import far_from_article


def parsed(gazetteer, text: str):
    """The article's mentions, with the Places page's far flag as column ``far``."""
    result = run_pipeline([Article(id="t", text=text, published=dt.date(2024, 5, 7))],
                          gazetteer=gazetteer)
    mentions = result.mentions
    return mentions.assign(far=far_from_article(mentions)).set_index("text")


def test_gaza_neighbourhood_is_not_a_sure_district_of_dubai(gazetteer):
    # Al-Karama is a quarter of Gaza City the gazetteer lacks; its namesake is in Dubai.
    rows = parsed(gazetteer, "Families sheltering in Al-Karama fled south towards Deir "
                             "al-Balah and Khan Younis after the army ordered Gaza City emptied.")
    quarter = rows.loc["Al-Karama"]
    if quarter["country_code"] != "PS":  # until the gazetteer knows Gaza City's quarters
        assert quarter["far"]
        assert quarter["score"] <= 0.5
        assert "in doubt" in quarter["reason"]
    assert rows.loc["Khan Younis", "score"] == 1.0  # the article's own places are untouched


def test_two_namesakes_abroad_near_each_other_are_both_in_doubt(gazetteer):
    # Each Libyan namesake has the other within 1,000 km: only the article's main cluster
    # (Gaza) says both are far.
    rows = parsed(gazetteer, "Shelling hit Daraj and Sabra in Gaza City, residents of Jabalia "
                             "and Beit Lahia said.")
    for name in ("Daraj", "Sabra"):
        if rows.loc[name, "country_code"] != "PS":
            assert rows.loc[name, "far"]
            assert rows.loc[name, "score"] <= 0.5
    assert not rows.loc["Jabalia", "far"]


def test_a_capital_named_from_afar_is_flagged_but_keeps_its_score(gazetteer):
    rows = parsed(gazetteer, "Russian drones struck Kharkiv and Kupiansk overnight; ministers "
                             "meeting in Madrid condemned the strikes.")
    assert rows.loc["Madrid", "country_code"] == "ES"
    assert rows.loc["Madrid", "far"]
    assert rows.loc["Madrid", "score"] > 0.9


def test_a_story_of_two_places_far_apart_flags_neither(gazetteer):
    rows = parsed(gazetteer, "Missiles hit Kyiv and Odesa on Monday, while air strikes hit "
                             "Rafah and Khan Younis.")
    assert not rows["far"].any()
    assert (rows["score"] > 0.9).all()


@pytest.mark.parametrize(("names", "lats", "lons", "expected"), [
    # Two names are no "rest of the article".
    (["Goma", "Kinshasa"], [-1.68, -4.32], [29.22, 15.31], [False, False]),
    # One name said twice is one place: "Madrid" is not a cluster of its own twice over.
    (["Goma", "Bukavu", "Sake", "Madrid", "Madrid"], [-1.68, -2.51, -1.57, 40.42, 40.42],
     [29.22, 28.86, 29.04, -3.70, -3.70], [False, False, False, True, True]),
    # Two clusters of two names each: no main one.
    (["Kyiv", "Odesa", "Rafah", "Gaza"], [50.45, 46.48, 31.30, 31.50],
     [30.52, 30.72, 34.25, 34.47], [False] * 4),
])
def test_far_points_reads_the_article_main_cluster(names, lats, lons, expected):
    assert far_points(names, lats, lons) == expected


def _resolution(start: int, text: str, place: Place) -> Resolution:
    return Resolution(mention=Mention(article="t", start=start, end=start + len(text),
                                      text=text), place=place, score=1.0,
                      reason="the only place of that name", sentence=(0, 200))


def test_an_analysts_own_place_far_away_keeps_its_score():
    towns = [_resolution(i * 10, name, Place(f"gn:{i}", name, lat, lon, "city", "SD",
                                             population=200_000))
             for i, (name, lat, lon) in enumerate([("El Fasher", 13.63, 25.35),
                                                   ("Nyala", 12.05, 24.88),
                                                   ("Kutum", 14.20, 24.66)])]
    camp = Place("analyst:camp", "Camp", 48.0, 2.0, "city", "FR")
    village = Place("gn:99", "Village", 48.0, 2.0, "city", "FR", population=900)
    kept, doubted = (doubt_far_places([*towns, _resolution(90, "Camp", p)])[-1]
                     for p in (camp, village))
    assert kept.score == 1.0
    assert doubted.score == 0.5 and "in doubt" in doubted.reason
