"""Second-level units (``data/subdivisions.csv``): English counties read as counties in British
news, the US towns that share their names kept where the context is American, and no unit
read from a word or a big town's name."""

from __future__ import annotations

import csv

from geo.gazetteer.keys import normalize
from geo.gazetteer.sources import SUBDIVISIONS_CSV
from tests.conftest import places_by_mention


def places(text: str, gazetteer) -> dict[str, tuple[str, str, str]]:
    return {name: (p.key, p.country_code, p.admin1_code) if p else ("", "", "")
            for name, p in places_by_mention(text, gazetteer).items()}


def test_kent_next_to_london_and_maidstone_is_the_english_county(gazetteer):
    found = places("Storms closed schools across Kent on Monday. Rail services between "
                   "Maidstone and London were cancelled, and Kent's council opened shelters.",
                   gazetteer)
    assert found["Kent"][:2] == ("subdiv:GBR-3409", "GB")
    assert found["Kent"][2] == "GB.ENG"


def test_hampshire_next_to_southampton_is_the_english_county(gazetteer):
    found = places("A ferry from Southampton was delayed as fog lay over Hampshire and the "
                   "Isle of Wight.", gazetteer)
    assert found["Hampshire"][1] == "GB"
    assert found["Hampshire"][0].startswith("subdiv:")


def test_kent_ohio_next_to_akron_stays_the_us_town(gazetteer):
    found = places("Police in Kent, Ohio, a short drive from Akron, said the campus was "
                   "closed after the storm.", gazetteer)
    assert found["Kent"][1] == "US"
    assert found["Kent"][0].startswith("gn:")


def test_northamptonshire_is_found_and_placed_in_england(gazetteer):
    found = places("Lorries queued on the roads of Northamptonshire near Northampton.",
                   gazetteer)
    assert found["Northamptonshire"][1:] == ("GB", "GB.ENG")


def test_a_unit_named_after_a_big_town_leaves_the_name_to_the_town(gazetteer):
    # Naples' province (Napoli) and County Cork: the bare names are the towns.
    for name in ("Napoli", "Cork", "Roma"):
        keys = [gazetteer.place(i).key for i in gazetteer.lookup(normalize(name))]
        assert not any(k.startswith("subdiv:") for k in keys), name


def test_no_unit_abroad_is_named_as_an_english_word():
    from geo.nlp.mentions import english_words

    words = english_words()
    with SUBDIVISIONS_CSV.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["country_code"] in ("GB", "IE"):
                continue
            for name in [row["name"], *filter(None, row["alt_names"].split("|"))]:
                assert name.lower() not in words, (row["key"], name)


def test_department_names_that_are_words_do_not_become_places(gazetteer):
    found = places("A lot of people in Paris said Ain and Lot were on their itinerary.",
                   gazetteer)
    assert not any(p[0].startswith("subdiv:") for p in found.values())
