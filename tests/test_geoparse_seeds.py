"""The geoparser on the five seed articles: every place named comes out placed right, and no
person, outlet or ordinary word comes out as a place."""

from __future__ import annotations

import pytest

from tests.conftest import resolved

A000, A001, A002, A003, A004 = ("000_839e6d4a3abab594", "001_4222a503b4c9286b",
                                "002_fff79419f0ffe47e", "003_63e94df4db2917e2",
                                "004_a285586d0cb5f2f7")

# (article, text as written) -> (place key or name, country code)
EXPECTED = {
    A000: {"Kyiv": "Kyiv", "Kherson": "Kherson", "Dnipro River": "Dnieper River",
           "Kharkiv": "Kharkiv", "Mariupol": "Mariupol", "Borodyanka": "Borodianka",
           "Chernihiv region": "admin1:UA.02", "Belarus": "country:BY",
           "Ukraine": "country:UA", "Russia": "country:RU", "Britain": "country:GB",
           "Leningrad": "Saint Petersburg", "The Hague": "The Hague", "Moscow": "Moscow",
           "Eritrea": "country:ER", "Syria": "country:SY", "North Korea": "country:KP",
           "Ukraine region": "country:UA", "Kremlin": "Kremlin"},
    A001: {"Odessa": "Odesa", "Olvia": "Port of Olvia", "Black Sea": "Black Sea",
           "St Petersburg": "Saint Petersburg", "Washington DC": "Washington",
           "Chechnya": "admin1:RU.12", "Aleppo": "Aleppo", "Grozny": "Grozny",
           "Chernihiv": "Chernihiv", "Chernihiv region": "admin1:UA.02"},
    A002: {"Brest region": "admin1:BY.01", "Poland": "country:PL", "Mykolaiv": "Mykolayiv",
           "Enerhodar": "Enerhodar", "Dnieper River": "Dnieper River",
           "Khakhovka Reservoir": "Kakhovka Reservoir",
           "Zaporizhzhia nuclear plant": "Zaporizhzhia nuclear plant", "Europe": "Europe",
           "Volnovakha": "Volnovakha", "Donetsk region": "admin1:UA.05",
           "Odessa": "Odesa", "US": "country:US", "Russian Federation": "country:RU"},
    A003: {"Donbass": "Donbas", "Berdiansk": "Berdyansk", "Freedom Square": "Freedom Square",
           "Kharkiv": "Kharkiv", "Kherson": "Kherson"},
    A004: {"Irpen": "Irpin", "Azov Sea": "Sea of Azov", "Kyiv region": "admin1:UA.13",
           "Moldova": "country:MD", "U.K.": "country:GB", "UK": "country:GB",
           "U.S.": "country:US", "United States": "country:US", "Beijing": "Beijing",
           "Borodyanka": "Borodianka", "Black Sea": "Black Sea", "Slovakia": "country:SK"},
}
COUNTRY = {"Washington": "US", "Grozny": "RU", "Aleppo": "SY", "The Hague": "NL",
           "Kremlin": "RU", "Black Sea": "", "Europe": "",
           "Saint Petersburg": "RU", "Moscow": "RU", "Beijing": "CN"}

CASES = [(aid, text, want) for aid, table in EXPECTED.items() for text, want in table.items()]


@pytest.mark.parametrize(("article", "text", "want"), CASES,
                         ids=[f"{a[:3]}-{t}" for a, t, _ in CASES])
def test_seed_place_is_found_and_placed(seed_resolutions, article, text, want):
    found = resolved(seed_resolutions[article], text)
    assert found, f"{text!r} not found in {article}"
    for r in found:
        assert r.place is not None, r.reason
        if ":" in want:
            assert r.place.key == want
        else:
            assert r.place.name == want
            assert r.place.country_code == COUNTRY.get(want, "UA")


def test_every_mention_offset_round_trips(seed_articles, seed_resolutions):
    for aid, article in seed_articles.items():
        for r in seed_resolutions[aid]:
            assert article.text[r.mention.start:r.mention.end] == r.mention.text
            s, e = r.sentence
            assert s <= r.mention.start and r.mention.end <= e


NOT_PLACES = ["Vladimir", "Putin", "Volodymyr", "Zelenskiy", "Zelenskyy", "Dmytro", "Orlov",
              "Karim", "Khan", "Washington", "Washington Post", "Ekho", "Moskvy", "Emmanuel",
              "Macron", "Viktor", "Michael", "Thursday", "Wednesday", "Monday", "Friday",
              "March", "Sea", "Union", "Court", "Human", "Minister", "War", "Give", "She",
              "Train", "Ban", "Key", "Yves", "Igor", "Wilson", "Molotov", "U.S. State",
              "Security", "The city", "Nato", "Reservoir", "United", "Independent"]


@pytest.mark.parametrize("word", NOT_PLACES)
def test_people_outlets_and_words_are_not_places(seed_resolutions, word):
    for resolutions in seed_resolutions.values():
        assert not resolved(resolutions, word)


def test_all_resolved_seed_mentions_are_confident(seed_resolutions):
    for resolutions in seed_resolutions.values():
        for r in resolutions:
            assert r.place is not None, (r.mention, r.reason)
            assert r.score >= 0.5, (r.mention.text, r.score, r.candidates[:2])


def test_borodyanka_stated_distance_is_checked(seed_resolutions):
    (r, *_) = resolved(seed_resolutions[A000], "Borodyanka")
    assert r.distance is not None
    assert r.distance.km == 60 and r.distance.bearing == 315
    assert r.distance.reference == "gn:703448"  # Kyiv
    assert not r.distance.flagged
    (r4, *_) = [r for r in resolved(seed_resolutions[A004], "Borodyanka") if r.distance]
    assert r4.distance.km == 50
