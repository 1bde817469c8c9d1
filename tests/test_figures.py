"""Casualty figures: number parsing, the linking rules, the numbers that must never count, and
every figure of the seed articles."""

from __future__ import annotations

import doctest
from functools import cache
from pathlib import Path

import pytest

import geo.nlp.figures
from geo.doc import parse_text
from geo.nlp.figures import Figure, find_casualties, parse_number
from geo.nlp.sentences import split_sentences

ARTICLES = Path(__file__).resolve().parents[1] / "data" / "articles"


@cache
def seed_text(article: str) -> str:
    (path,) = ARTICLES.glob(f"{article}_*.txt")
    return path.read_text(encoding="utf-8")


def seed_sentence(article: str, phrase: str) -> tuple[str, int]:
    """The sentence of a seed article holding ``phrase``, and the phrase's offset in it."""
    text = seed_text(article)
    at = text.index(phrase)
    for start, end in split_sentences(text):
        if start <= at and at + len(phrase) <= end:
            return text[start:end], at - start
    raise AssertionError(f"{phrase!r} crosses a sentence boundary")


def summary(figures: list[Figure]) -> list[tuple[str, int, int | None, str, str | None, str]]:
    return [(f.kind, f.low, f.high, f.qualifier, f.who, f.text) for f in figures]


def figures_of(sentence: str) -> list[tuple[str, int, int | None, str, str | None, str]]:
    figures = find_casualties(sentence)
    for f in figures:
        assert sentence[f.start:f.end] == f.text
    return summary(figures)


# ---------------------------------------------------------------------------------------------
# parse_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nine", 9),
        ("Nine", 9),
        ("twenty-two", 22),
        ("twenty two", 22),
        ("Thirty-five", 35),
        ("22", 22),
        ("2,000", 2000),
        ("1,597", 1597),
        ("2,90,000", 290000),
        ("12,34,567", 1234567),
        ("1.5 million", 1500000),
        ("2 million", 2000000),
        ("a dozen", 12),
        ("two dozen", 24),
        ("1600", 1600),
        ("one", 1),
        ("a hundred", 100),
        ("two hundred and fifty", 250),
        ("fifteen hundred", 1500),
        ("ten thousand", 10000),
        ("one million", 1000000),
        (" 12 ", 12),
    ],
)
def test_parse_number(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "hundreds", "several", "many", "1.5", "1,5", "two two", "twelve three", "a", "people",
     "nine people", "second", "1,0000"],
)
def test_parse_number_rejects_non_numbers(text):
    assert parse_number(text) is None


# ---------------------------------------------------------------------------------------------
# Seed corpus: every figure of every article

EXPECTED_SEED_FIGURES = {
    "000": [
        ("killed", 100, None, "vague", "soldiers and civilians", "Hundreds"),
        ("killed", 9, None, "at least", "people", "At least nine"),
        ("injured", 4, 4, "exact", "people", "four"),
    ],
    "001": [
        ("killed", 100, None, "vague", "soldiers and civilians", "Hundreds"),
        ("killed", 22, 22, "exact", "bodies", "22"),
        ("killed", 9, None, "at least", "people", "at least nine"),
        ("killed", 1, None, "at least", "crew member", "at least one"),
        ("killed", 500, 500, "nearly", "soldiers", "nearly 500"),
        ("killed", 9000, 9000, "nearly", None, "nearly 9,000"),
    ],
    "002": [
        ("killed", 22, None, "at least", "civilians", "at least 22"),
        # The Mariupol mayor's "many wounded and ... many civilian dead": ACLED's "many" = 10.
        ("injured", 10, None, "vague", None, "many"),
        ("killed", 10, None, "vague", "civilian", "many"),
        ("killed", 500, 500, "nearly", "troops", "nearly 500"),
        ("injured", 1600, 1600, "nearly", "troops", "almost 1600"),
        ("killed", 2000, None, "more than", "civilians", "more than 2000"),
    ],
    "003": [],
    "004": [
        ("killed", 100, None, "vague", "soldiers and civilians", "Hundreds"),
        ("killed", 33, None, "at least", "bodies", "at least 33"),
        ("killed", 2000, None, "more than", "civilians", "more than 2,000"),
        ("injured", 10, None, "vague", "people", "several"),
        ("killed", 498, 498, "exact", "soldiers", "498"),
        ("injured", 1597, 1597, "exact", "soldiers", "1,597"),
    ],
}


@pytest.mark.parametrize("article", sorted(EXPECTED_SEED_FIGURES))
def test_seed_article_yields_exactly_these_figures(article):
    text = seed_text(article)
    found = []
    for start, end in split_sentences(text):
        found += figures_of(text[start:end])
    assert found == EXPECTED_SEED_FIGURES[article]


@pytest.mark.parametrize(
    ("article", "phrase", "expected"),
    [
        ("000", "At least nine people were killed and four wounded",
         [("killed", 9, None, "at least", "people", "At least nine"),
          ("injured", 4, 4, "exact", "people", "four")]),
        ("001", "22 bodies had been pulled",
         [("killed", 22, 22, "exact", "bodies", "22")]),
        ("001", "at least one crew member was killed",
         [("killed", 1, None, "at least", "crew member", "at least one")]),
        ("001", "Ukraine says it has killed nearly 9,000",
         [("killed", 9000, 9000, "nearly", None, "nearly 9,000")]),
        ("002", "nearly 500 of its troops have been killed and almost 1600 wounded",
         [("killed", 500, 500, "nearly", "troops", "nearly 500"),
          ("injured", 1600, 1600, "nearly", "troops", "almost 1600")]),
        ("004", "498 of its soldiers have died",
         [("killed", 498, 498, "exact", "soldiers", "498"),
          ("injured", 1597, 1597, "exact", "soldiers", "1,597")]),
        ("004", "more than 2,000 civilians have died",
         [("killed", 2000, None, "more than", "civilians", "more than 2,000")]),
    ],
    ids=["000-nine-killed-four-wounded", "001-22-bodies", "001-one-crew-member",
         "001-has-killed-nearly-9000", "002-500-killed-1600-wounded", "004-498-died-1597-wounded",
         "004-more-than-2000-died"],
)
def test_seed_sentence_figures(article, phrase, expected):
    sentence, _ = seed_sentence(article, phrase)
    assert figures_of(sentence) == expected


# ---------------------------------------------------------------------------------------------
# Numbers in the seed articles that are never casualty figures


def _no_figure_over(article: str, phrase: str) -> None:
    sentence, at = seed_sentence(article, phrase)
    over = [f for f in find_casualties(sentence) if f.start < at + len(phrase) and f.end > at]
    assert over == []


@pytest.mark.parametrize(
    ("article", "phrase"),
    [
        ("000", "a city of 1.5 million people"),
        ("001", "a city of 1.5 million people"),
        ("002", "a city of 280,000"),
        ("002", "Kherson has about 300,000 residents"),
        ("003", "The mayor of 2,90,000 locals"),
        ("004", "home to nearly 300,000 people"),
        ("004", "that city of nearly 300,000 people"),
        ("001", "a provincial capital of around 250,000 people"),
        ("002", "our city of half a million people"),
    ],
)
def test_city_population_is_not_a_casualty(article, phrase):
    _no_figure_over(article, phrase)


@pytest.mark.parametrize(
    ("article", "phrase"),
    [
        ("000", "60 km (40 miles) northwest"),
        ("000", "30 km (19 miles)"),
        ("001", "60 km (40 miles) northwest"),
        ("002", "30 metres"),
        ("002", "64km-long convoy"),
        ("004", "tens of kilometers"),
        ("004", "50 kilometers northwest"),
    ],
)
def test_distance_is_not_a_casualty(article, phrase):
    _no_figure_over(article, phrase)


@pytest.mark.parametrize(
    ("article", "phrase"),
    [
        ("000", "more than 1 million refugees had fled"),
        ("001", "more than 1 million refugees had fled"),
        ("004", "More than 1 million people have fled"),
        ("004", "1 million people had fled Ukraine"),
    ],
)
def test_refugees_are_not_casualties(article, phrase):
    _no_figure_over(article, phrase)


def test_people_returning_are_not_casualties():
    _no_figure_over("004", "nearly 14,000 Ukrainians, mostly men, had returned")
    _no_figure_over("004", "an increase of around 2,000 from the previous day")


def test_rescued_crew_is_not_a_casualty():
    _no_figure_over("001", "Six crew members were rescued")


@pytest.mark.parametrize(
    ("article", "phrase"),
    [
        ("004", "39 countries"),
        ("004", "141 of the assembly's 193 members"),
        ("004", "Thirty-five members"),
        ("004", "five countries"),
    ],
)
def test_counts_of_countries_and_members_are_not_casualties(article, phrase):
    _no_figure_over(article, phrase)


@pytest.mark.parametrize("phrase", ["$10 billion", "$15 billion"])
def test_money_is_not_a_casualty(phrase):
    _no_figure_over("004", phrase)


@pytest.mark.parametrize(
    ("article", "phrase"),
    [("002", "in 2014"), ("001", "a 77-year-old woman")],
)
def test_years_and_ages_are_not_casualties(article, phrase):
    _no_figure_over(article, phrase)


@pytest.mark.parametrize(
    ("article", "phrase"),
    [
        ("000", "in just seven days"),
        ("001", "in just seven days"),
        ("002", "more than 15 hours"),
        ("002", "the past two days"),
        ("004", "eight days after"),
        ("004", "the past three days"),
        ("004", "in the past seven days"),
    ],
)
def test_durations_are_not_casualties(article, phrase):
    _no_figure_over(article, phrase)


@pytest.mark.parametrize(
    ("article", "phrase"),
    [("000", "its second week"), ("002", "The second round of talks"),
     ("002", "a third round of talks"), ("001", "a first round of talks")],
)
def test_ordinals_are_not_casualties(article, phrase):
    _no_figure_over(article, phrase)


@pytest.mark.parametrize(
    ("article", "phrase"),
    [
        ("001", "Two cargo ships"),
        ("000", "two schools and private houses"),
        ("001", "homes and two schools"),
        ("004", "two schools as well as private houses"),
        ("004", "A five-story apartment building"),
        ("002", "a three-person panel"),
        ("000", "only one Ukrainian city"),
        ("002", "about one-quarter"),
    ],
)
def test_ships_schools_and_buildings_are_not_casualties(article, phrase):
    _no_figure_over(article, phrase)


@pytest.mark.parametrize(
    ("article", "phrase"),
    [
        # The seed text has a no-break space before "around", as scraped.
        ("004", "Russia's casualty numbers are\u00a0around 9,000"),
        ("004", "Russia's casualty numbers are close to 6,000"),
    ],
    ids=["around-9000", "close-to-6000"],
)
def test_casualty_numbers_are_ambiguous_and_not_a_figure(article, phrase):
    _no_figure_over(article, phrase)


def test_feared_dead_without_a_number_is_not_a_figure():
    # "large numbers" is no quantity ACLED gives a stand-in for.
    _no_figure_over("002", "large numbers of people may be dead")


@pytest.mark.parametrize(
    ("article", "phrase"),
    [("002", "many cities have been besieged"), ("002", "Many Western envoys")],
)
def test_many_without_casualty_verb_is_not_a_figure(article, phrase):
    _no_figure_over(article, phrase)


# ---------------------------------------------------------------------------------------------
# Linking rules, one by one


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Nine people were killed.", [("killed", 9, 9, "exact", "people", "Nine")]),
        ("It said 9 were killed.", [("killed", 9, 9, "exact", None, "9")]),
        ("Twenty-two people were killed on March 3.",
         [("killed", 22, 22, "exact", "people", "Twenty-two")]),
        ("Nine people, including two children, were killed.",
         [("killed", 9, 9, "exact", "people", "Nine")]),
        ("Five soldiers died.", [("killed", 5, 5, "exact", "soldiers", "Five")]),
        ("Some 300 people are feared dead.",
         [("killed", 300, 300, "about", "people", "Some 300")]),
        ("The shelling left 12 dead.", [("killed", 12, 12, "exact", None, "12")]),
        ("2,000 deaths have been recorded.", [("killed", 2000, 2000, "exact", None, "2,000")]),
        ("Three police officers were wounded.",
         [("injured", 3, 3, "exact", "police officers", "Three")]),
        ("Four people were hurt.", [("injured", 4, 4, "exact", "people", "Four")]),
    ],
)
def test_number_as_subject_of_casualty_verb(sentence, expected):
    assert figures_of(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Russian forces killed 22 civilians and wounded 40 others.",
         [("killed", 22, 22, "exact", "civilians", "22"),
          ("injured", 40, 40, "exact", "others", "40")]),
        ("Shelling killed a dozen people.", [("killed", 12, 12, "exact", "people", "a dozen")]),
        # "sep..." is no September: the noun after the number is not taken for a month.
        ("Shelling killed 5 separatists.", [("killed", 5, 5, "exact", "separatists", "5")]),
        ("The strike killed 12 people, including three children, officials said.",
         [("killed", 12, 12, "exact", "people", "12")]),
        ("A blast killed one person and injured two.",
         [("killed", 1, 1, "exact", "person", "one"), ("injured", 2, 2, "exact", None, "two")]),
    ],
)
def test_number_as_object_of_casualty_verb(sentence, expected):
    assert figures_of(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Rescuers recovered 14 bodies from the rubble.",
         [("killed", 14, 14, "exact", "bodies", "14")]),
        ("At least 33 bodies had been recovered.",
         [("killed", 33, None, "at least", "bodies", "At least 33")]),
    ],
)
def test_bodies_recovered_are_killed(sentence, expected):
    assert figures_of(sentence) == expected


def test_legislative_bodies_are_not_killed():
    assert figures_of("Two bodies of the UN met.") == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The death toll rose to 40 on Monday.", [("killed", 40, 40, "exact", None, "40")]),
        ("The death toll in Kharkiv has risen to at least 34.",
         [("killed", 34, None, "at least", None, "at least 34")]),
        ("The attack claimed the lives of at least 15 people.",
         [("killed", 15, None, "at least", None, "at least 15")]),
    ],
)
def test_death_toll_and_lives_are_killed(sentence, expected):
    assert figures_of(sentence) == expected


def test_death_toll_of_a_year_is_not_a_figure():
    assert figures_of("The death toll of the 2014 war is unknown.") == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Two soldiers killed three civilians.",
         [("killed", 3, 3, "exact", "civilians", "three")]),
        ("Five soldiers have killed three civilians.",
         [("killed", 3, 3, "exact", "civilians", "three")]),
    ],
)
def test_active_subject_is_not_killed(sentence, expected):
    assert figures_of(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "They were killed 5 km from the border.",
        "He was wounded three days ago.",
        "Troops were killed 3 March.",
        "In Borodyanka, a town 60 km from where soldiers were killed.",
        "how many people were killed is unknown",
        "Officials say they cannot evacuate the wounded.",
        "There were no reports of deaths from the attack.",
        "so that people stopped being killed",
    ],
)
def test_unlinked_numbers_are_not_figures(sentence):
    assert figures_of(sentence) == []


def test_elided_noun_is_borrowed_from_coordinated_figure():
    assert figures_of("Nine people were killed and four wounded.") == [
        ("killed", 9, 9, "exact", "people", "Nine"),
        ("injured", 4, 4, "exact", "people", "four"),
    ]


# ---------------------------------------------------------------------------------------------
# Qualifiers and vague quantities


@pytest.mark.parametrize(
    ("qualifier", "expected_low", "expected_high", "expected_qualifier"),
    [
        ("at least", 12, None, "at least"),
        ("no fewer than", 12, None, "at least"),
        ("more than", 12, None, "more than"),
        ("over", 12, None, "more than"),
        ("nearly", 12, 12, "nearly"),
        ("almost", 12, 12, "nearly"),
        ("up to", 12, 12, "up to"),
        ("as many as", 12, 12, "up to"),
        ("fewer than", 12, 12, "up to"),
        ("about", 12, 12, "about"),
        ("around", 12, 12, "about"),
        ("some", 12, 12, "about"),
        ("roughly", 12, 12, "about"),
        ("", 12, 12, "exact"),
    ],
)
def test_qualifier_sets_bounds(qualifier, expected_low, expected_high, expected_qualifier):
    sentence = f"{qualifier} 12 people were killed.".strip()
    (figure,) = find_casualties(sentence)
    assert (figure.low, figure.high, figure.qualifier, figure.text) == (
        expected_low, expected_high, expected_qualifier, f"{qualifier} 12".strip())


@pytest.mark.parametrize(
    ("quantity", "expected_low"),
    [
        ("Several", 10),
        ("Many", 10),
        ("Dozens of", 12),
        ("Hundreds of", 100),
        ("Thousands of", 1000),
        ("Tens of thousands of", 10000),
    ],
)
def test_vague_quantity_gets_acled_stand_in(quantity, expected_low):
    (figure,) = find_casualties(f"{quantity} civilians have been killed.")
    assert (figure.kind, figure.low, figure.high, figure.qualifier, figure.who) == (
        "killed", expected_low, None, "vague", "civilians")


def test_hundreds_of_soldiers_and_civilians_killed_is_vague_100():
    sentence, _ = seed_sentence("000", "Hundreds of Russian soldiers and Ukrainian civilians")
    assert figures_of(sentence) == [
        ("killed", 100, None, "vague", "soldiers and civilians", "Hundreds")]


def test_module_docstring_example_runs():
    result = doctest.testmod(geo.nlp.figures)
    assert result.attempted > 0
    assert result.failed == 0


@pytest.mark.parametrize("sentence, expected", [
    # Airwars-style copy: a spelled-out range after the verb, digits with a dash or en dash.
    ("On the evening of October 9th 2023 an airstrike hit the house, killing between four "
     "and five civilians.", [("killed", 4, 5)]),
    ("Israeli forces bombed the camp, killing 3-7 civilians.", [("killed", 3, 7)]),
    ("Between 10 and 15 people were killed and 3 – 7 wounded.",
     [("killed", 10, 15), ("injured", 3, 7)]),
    ("Four or five soldiers were killed.", [("killed", 4, 5)]),
    ("The strike killed 10 to 15 people.", [("killed", 10, 15)]),
])
def test_a_range_is_one_figure_from_its_lower_to_its_upper_bound(sentence, expected):
    found = [(f.kind, f.low, f.high) for f in find_casualties(sentence)]
    assert found == expected
    assert all(f.qualifier == "range" for f in find_casualties(sentence))


@pytest.mark.parametrize("sentence", [
    "On 2022-10-14 two people were killed.",  # a date is no range
    "Nine and four people were killed.",  # "and" makes a range only after "between"
    "The shelling killed 3, wounding 7.",
    "Seven soldiers were killed in the 7-3 aftermath.",  # the larger number first: no range
])
def test_numbers_side_by_side_are_not_read_as_a_range(sentence):
    assert not [f for f in find_casualties(sentence) if f.qualifier == "range"]


@pytest.mark.parametrize(("sentence", "kind", "count", "who"), [
    # Victims listed one group at a time are added up, from the parse.
    ("An air strike on a house in Deir al-Balah killed a mother and her three children.",
     "killed", 4, "mother and children"),
    ("Shelling of Kharkiv wounded two soldiers and a medic.", "injured", 3,
     "soldiers and medic"),
    ("Two civilians and a policeman were killed in the blast.", "killed", 3,
     "civilians and policeman"),
])
def test_victims_counted_one_group_at_a_time_are_added_up(sentence, kind, count, who):
    from geo.doc import parse_text

    (figure,) = [f for f in find_casualties(sentence, parse_text(sentence)) if f.kind == kind]
    assert (figure.low, figure.high, figure.who) == (count, count, who)
    # Without the parse, the first group alone is read: what the sum fixes.
    assert [f.low for f in find_casualties(sentence) if f.kind == kind] != [count]


def test_members_of_a_family_are_counted_as_family_members():
    (figure,) = find_casualties("The strike killed five members of the Abu Taha family.")
    assert (figure.low, figure.who) == (5, "family members")
    (militants,) = find_casualties("The strike killed five members of the armed group.")
    assert militants.who == "members"


def test_a_count_the_rules_miss_is_read_from_the_parse():
    from geo.doc import parse_text

    sentence = "Russian forces executed three men in Izium."
    assert find_casualties(sentence) == []
    (figure,) = find_casualties(sentence, parse_text(sentence))
    assert (figure.kind, figure.low, figure.high, figure.who) == ("killed", 3, 3, "men")


def test_a_toll_whose_noun_phrase_names_the_attack_is_still_the_toll():
    s = ("The death toll from Tuesday's drone attack on a bus depot in Kherson rose to nine, "
         "city officials said.")
    assert [(f.kind, f.low) for f in find_casualties(s, parse_text(s))] == [("killed", 9)]


def test_the_number_of_dead_rising_is_a_toll():
    s = "The number of dead has risen to eleven, officials said."
    assert [(f.kind, f.low) for f in find_casualties(s, parse_text(s))] == [("killed", 11)]


def test_no_one_hurt_is_nobody_not_one_person():
    s = "The army said the shells fell in a field and that no one was hurt."
    assert find_casualties(s, parse_text(s)) == []


def test_a_distance_inside_a_tolls_noun_phrase_does_not_hide_the_toll():
    s = ("The death toll from the raid on the village of Umm Kadada, about 40 km east of the "
         "town, has risen to 17, a medical group said.")
    assert [(f.kind, f.low) for f in find_casualties(s, parse_text(s))] == [("killed", 17)]
