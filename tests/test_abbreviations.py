"""States and provinces abbreviated after a town, as news agencies write them (issue 26),
on the real gazetteer. Every sentence is written for the test."""

from __future__ import annotations

import pytest

from geo.lang import words
from geo.nlp.abbreviations import regions_of, with_region_abbreviations
from tests.conftest import places_by_mention


def read(text: str, gazetteer) -> dict[str, tuple[str, str, str]]:
    """Mention text -> (place name, admin1 code, feature) of its resolution."""
    return {name: (p.name, p.admin1_code, p.feature) if p else ("", "", "")
            for name, p in places_by_mention(text, gazetteer).items()}


def test_dateline_state_abbreviation_keeps_the_town_in_that_state(gazetteer):
    # The largest Jackson is in Mississippi; the dateline says Tennessee.
    found = read("JACKSON, Tenn. (Test Wire) — The city council passed a budget late on "
                 "Thursday after a week of talks in Jackson.", gazetteer)
    assert found["Tenn."] == ("Tennessee", "US.TN", "region")
    assert found["JACKSON"][1] == "US.TN"
    assert found["Jackson"][1] == "US.TN"


def test_abbreviation_in_running_text_qualifies_the_town(gazetteer):
    found = read("Residents of Columbus, Miss., were told to boil their water after a "
                 "main broke on Monday.", gazetteer)
    assert found["Miss."] == ("Mississippi", "US.MS", "region")
    assert found["Columbus"][1] == "US.MS"


def test_abbreviation_in_parentheses_after_a_county(gazetteer):
    found = read("The Floyd County (Ga.) sheriff said two deputies were hurt.", gazetteer)
    assert found["Ga."][1] == "US.GA"


def test_dateline_town_the_gazetteer_lacks_still_gives_its_state(gazetteer):
    found = read("CAMP HOLLOWAY, Wash. — Guard units left the base on Friday.", gazetteer)
    assert found["Wash."] == ("Washington", "US.WA", "region")


def test_postal_code_replaces_a_foreign_namesake_of_the_same_letters(gazetteer):
    # "WA" is also a town in Ghana; after Perth it is Western Australia.
    found = read("A bushfire near Perth, WA, destroyed a dozen homes overnight.", gazetteer)
    assert found["WA"] == ("Western Australia", "AU.08", "region")
    assert found["Perth"][1] == "AU.08"


def test_postal_code_after_a_person_is_no_place(gazetteer):
    found = read("The report was written by Anna Kowalski, MD, and two nurses.", gazetteer)
    assert "MD" not in found


def test_dotted_form_that_spells_a_word_needs_a_town_in_its_state(gazetteer):
    # "Mass." after a weekday is the service, not Massachusetts.
    found = read("On the feast day, as every Sunday, Mass. was said in the chapel.",
                 gazetteer)
    assert "Mass." not in found


def test_town_and_abbreviation_that_make_one_name_stay_one_place(gazetteer):
    found = read("Marchers gathered in Washington, D.C., and in Baltimore.", gazetteer)
    assert found["Washington, D.C."][1] == "US.DC"
    assert "D.C." not in found


@pytest.mark.parametrize("form", sorted(words("en", "region_abbreviations")["after_town"]))
def test_every_listed_abbreviation_names_a_region_of_its_country(form, gazetteer):
    countries = {country for country, _ in
                 words("en", "region_abbreviations")["after_town"][form]}
    regions = regions_of(form, gazetteer)
    assert regions and {r.country_code for r in regions} == countries
    assert all(r.feature == "region" for r in regions)


def test_a_long_run_of_hyphenated_capitalised_words_does_not_hang(gazetteer):
    # The town before a form is read backwards in a bounded window with one reading of each
    # text: a pasted list of hyphenated names once made the search exponential.
    import signal

    def stop(*_args):
        raise TimeoutError("the abbreviation finder hung")

    text = "-".join(["Ab"] * 60) + " x, Calif. and " + " ".join(["Cd"] * 60) + ", Ill."
    signal.signal(signal.SIGALRM, stop)
    signal.alarm(20)
    try:
        found = with_region_abbreviations(text, [], gazetteer)
    finally:
        signal.alarm(0)
    assert found == []
