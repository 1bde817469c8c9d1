"""Time expressions resolved against the publication date: the seed articles first, then one
test per rule of geo.nlp.dates."""

from __future__ import annotations

import csv
import datetime
import doctest
from functools import cache
from pathlib import Path

import pytest

import geo.nlp.dates
from geo.nlp.dates import DateRef, _anchor_date, find_dates, zone
from geo.nlp.day_arithmetic import (
    infer_month_year,
    infer_year,
    month_part_start,
    relative_month,
    resolve_weekday,
    weekday_on_or_after,
    weekday_on_or_before,
)

ARTICLES = Path(__file__).resolve().parents[1] / "data" / "articles"
KYIV = "Europe/Kyiv"
D = datetime.date


@cache
def _manifest() -> dict[str, dict[str, str]]:
    with open(ARTICLES / "manifest.csv", encoding="utf-8", newline="") as f:
        return {row["file"][:3]: row for row in csv.DictReader(f)}


@cache
def seed(article: str) -> tuple[str, tuple[DateRef, ...]]:
    """The text of seed article ``article`` ("000".."004") and its dates in Kyiv."""
    row = _manifest()[article]
    text = (ARTICLES / row["file"]).read_text(encoding="utf-8")
    refs = find_dates(text, published=D.fromisoformat(row["published"]),
                      article_tz=row["timezone"], event_tz=KYIV)
    return text, tuple(refs)


def ref_in(article: str, phrase: str, occurrence: int = 0) -> DateRef:
    """The one DateRef inside the ``occurrence``-th ``phrase`` of a seed article."""
    text, refs = seed(article)
    at = -1
    for _ in range(occurrence + 1):
        at = text.index(phrase, at + 1)
    inside = [r for r in refs if at <= r.start and r.end <= at + len(phrase)]
    assert len(inside) == 1, (phrase, inside)
    return inside[0]


# Most synthetic cases are published on Thursday 3 March 2022, like the seed articles.
THURSDAY = D(2022, 3, 3)


def dates(text: str, published: D = THURSDAY, **zones: str) -> list[tuple[str, D, int, str]]:
    """(text, date, precision, kind) of each DateRef in ``text``."""
    return [(r.text, r.date, r.precision, r.kind)
            for r in find_dates(text, published=published, **zones)]


# ---------------------------------------------------------------------------------------------
# Seed corpus: the cases named in the brief


@pytest.mark.parametrize("occurrence", [0, 1, 2])
def test_friday_nzt_is_thursday_in_kyiv(occurrence):
    ref = ref_in("002", "Friday (NZT)", occurrence)
    assert (ref.text, ref.date, ref.precision, ref.kind) == (
        "Friday (NZT)", D(2022, 3, 3), 1, "weekday")


@pytest.mark.parametrize(
    ("article", "phrase", "expected_text", "expected_date"),
    [
        ("002", "Thursday's news conference", "Thursday", D(2022, 3, 3)),
        ("002", "said Thursday", "Thursday", D(2022, 3, 3)),
        ("002", "She spoke Thursday", "Thursday", D(2022, 3, 3)),
        ("000", "met on Thursday", "Thursday", D(2022, 3, 3)),
        ("000", "on Wednesday", "Wednesday", D(2022, 3, 2)),
        ("000", "on Monday", "Monday", D(2022, 2, 28)),
        ("001", "on Wednesday", "Wednesday", D(2022, 3, 2)),
        ("001", "St Petersburg on Wednesday", "Wednesday", D(2022, 3, 2)),
        ("003", "Meanwhile, on Thursday", "Thursday", D(2022, 3, 3)),
    ],
    ids=["002-thursdays-news-conference", "002-said-thursday", "002-spoke-thursday",
         "000-on-thursday", "000-on-wednesday", "000-on-monday", "001-on-wednesday",
         "001-wednesday-st-petersburg", "003-on-thursday"],
)
def test_past_weekday_is_most_recent_on_or_before_anchor(article, phrase, expected_text,
                                                         expected_date):
    ref = ref_in(article, phrase)
    assert (ref.text, ref.date, ref.precision, ref.kind) == (expected_text, expected_date, 1,
                                                             "weekday")


def test_delegates_will_vote_friday_is_future():
    ref = ref_in("002", "Delegates will vote Friday")
    assert (ref.text, ref.date, ref.kind) == ("Friday", D(2022, 3, 4), "weekday")


def test_early_last_month_is_february_at_month_precision():
    ref = ref_in("002", "early last month")
    assert (ref.text, ref.date, ref.precision, ref.kind) == (
        "early last month", D(2022, 2, 1), 3, "month")


@pytest.mark.parametrize(
    ("article", "phrase", "expected_text", "expected_date"),
    [
        ("000", "on February 24", "February 24", D(2022, 2, 24)),
        ("001", "on Feb. 24", "Feb. 24", D(2022, 2, 24)),
        ("004", "on February 24", "February 24", D(2022, 2, 24)),
        ("004", "late on March 2", "March 2", D(2022, 3, 2)),
        ("004", "set to begin on March 4", "March 4", D(2022, 3, 4)),
        ("004", "early on March 3", "March 3", D(2022, 3, 3)),
        ("003", "Tuesday, 1 March", "Tuesday, 1 March", D(2022, 3, 1)),
        ("003", "Thursday, 3 March", "Thursday, 3 March", D(2022, 3, 3)),
    ],
    ids=["000-february-24", "001-feb-dot-24", "004-february-24", "004-late-on-march-2",
         "004-future-march-4", "004-early-on-march-3", "003-tuesday-1-march",
         "003-thursday-3-march"],
)
def test_explicit_seed_dates(article, phrase, expected_text, expected_date):
    ref = ref_in(article, phrase)
    assert (ref.text, ref.date, ref.precision, ref.kind) == (expected_text, expected_date, 1,
                                                             "explicit")


def test_previous_day_after_march_3_in_previous_sentence_is_march_2():
    ref = ref_in("004", "came under Russian air strikes and artillery shelling the previous day")
    assert (ref.text, ref.date, ref.kind) == ("the previous day", D(2022, 3, 2), "anaphoric")


def test_previous_day_in_same_sentence_as_march_2_is_march_1():
    ref = ref_in("004", "an increase of around 2,000 from the previous day")
    assert (ref.text, ref.date, ref.kind) == ("the previous day", D(2022, 3, 1), "anaphoric")


def test_a_day_earlier_than_march_3_is_march_2():
    ref = ref_in("004", "said a day earlier")
    assert (ref.text, ref.date, ref.kind) == ("a day earlier", D(2022, 3, 2), "anaphoric")


@pytest.mark.parametrize("occurrence", [0, 1])
def test_overnight_is_the_anchor_morning(occurrence):
    ref = ref_in("004", "overnight", occurrence)
    assert (ref.date, ref.precision, ref.kind) == (D(2022, 3, 3), 1, "relative")


@pytest.mark.parametrize(
    ("article", "phrase"),
    [("002", "since the invasion began last week"), ("004", "since the war started last week")],
    ids=["002", "004"],
)
def test_last_week_is_anchor_minus_seven_at_week_precision(article, phrase):
    ref = ref_in(article, phrase)
    assert (ref.text, ref.date, ref.precision, ref.kind) == ("last week", D(2022, 2, 24), 2,
                                                             "relative")


# Every DateRef of every seed article, in order: (text, date, precision, kind).
EXPECTED_SEED_DATES = {
    "000": [
        ("Thursday", D(2022, 3, 3), 1, "weekday"),
        ("February 24", D(2022, 2, 24), 1, "explicit"),
        ("Monday", D(2022, 2, 28), 1, "weekday"),
        ("Wednesday", D(2022, 3, 2), 1, "weekday"),
        ("Thursday", D(2022, 3, 3), 1, "weekday"),
        ("Thursday", D(2022, 3, 3), 1, "weekday"),
        ("Thursday", D(2022, 3, 3), 1, "weekday"),
    ],
    "001": [
        ("Thursday", D(2022, 3, 3), 1, "weekday"),
        ("Feb. 24", D(2022, 2, 24), 1, "explicit"),
        ("Monday", D(2022, 2, 28), 1, "weekday"),
        ("Wednesday", D(2022, 3, 2), 1, "weekday"),
        ("Thursday", D(2022, 3, 3), 1, "weekday"),
        ("Thursday", D(2022, 3, 3), 1, "weekday"),
        ("Wednesday", D(2022, 3, 2), 1, "weekday"),
    ],
    "002": [
        ("early last month", D(2022, 2, 1), 3, "month"),
        ("Friday (NZT)", D(2022, 3, 3), 1, "weekday"),
        ("Thursday", D(2022, 3, 3), 1, "weekday"),
        ("Friday (NZT)", D(2022, 3, 3), 1, "weekday"),
        ("Friday (NZT)", D(2022, 3, 3), 1, "weekday"),
        ("Today", D(2022, 3, 3), 1, "relative"),
        ("Thursday", D(2022, 3, 3), 1, "weekday"),
        ("Thursday", D(2022, 3, 3), 1, "weekday"),
        ("Friday", D(2022, 3, 4), 1, "weekday"),
        ("last week", D(2022, 2, 24), 2, "relative"),
    ],
    "003": [
        ("Thursday, 3 March", D(2022, 3, 3), 1, "explicit"),
        ("today", D(2022, 3, 3), 1, "relative"),
        ("Thursday", D(2022, 3, 3), 1, "weekday"),
        ("Thursday", D(2022, 3, 3), 1, "weekday"),
        ("Tuesday, 1 March", D(2022, 3, 1), 1, "explicit"),
        ("today", D(2022, 3, 3), 1, "relative"),
    ],
    "004": [
        ("March 3", D(2022, 3, 3), 1, "explicit"),
        ("the previous day", D(2022, 3, 2), 1, "anaphoric"),
        ("March 3", D(2022, 3, 3), 1, "explicit"),
        ("March 3", D(2022, 3, 3), 1, "explicit"),
        ("February 24", D(2022, 2, 24), 1, "explicit"),
        ("March 2", D(2022, 3, 2), 1, "explicit"),
        ("March 3", D(2022, 3, 3), 1, "explicit"),
        ("March 3", D(2022, 3, 3), 1, "explicit"),
        ("March 2", D(2022, 3, 2), 1, "explicit"),
        ("the previous day", D(2022, 3, 1), 1, "anaphoric"),
        ("March 3", D(2022, 3, 3), 1, "explicit"),
        ("March 3", D(2022, 3, 3), 1, "explicit"),
        ("a day earlier", D(2022, 3, 2), 1, "anaphoric"),
        ("March 3", D(2022, 3, 3), 1, "explicit"),
        ("March 3", D(2022, 3, 3), 1, "explicit"),
        ("overnight", D(2022, 3, 3), 1, "relative"),
        ("March 3", D(2022, 3, 3), 1, "explicit"),
        ("overnight", D(2022, 3, 3), 1, "relative"),
        ("the previous day", D(2022, 3, 2), 1, "anaphoric"),
        ("March 3", D(2022, 3, 3), 1, "explicit"),
        ("March 3", D(2022, 3, 3), 1, "explicit"),
        ("March 2", D(2022, 3, 2), 1, "explicit"),
        ("March 4", D(2022, 3, 4), 1, "explicit"),
        ("March 2", D(2022, 3, 2), 1, "explicit"),
        ("last week", D(2022, 2, 24), 2, "relative"),
        ("March 3", D(2022, 3, 3), 1, "explicit"),
    ],
}


@pytest.mark.parametrize("article", sorted(EXPECTED_SEED_DATES))
def test_seed_article_yields_exactly_these_dates(article):
    _, refs = seed(article)
    assert [(r.text, r.date, r.precision, r.kind) for r in refs] == EXPECTED_SEED_DATES[article]


@pytest.mark.parametrize("article", ["000", "001", "002", "003", "004"])
def test_every_seed_dateref_span_matches_its_text(article):
    text, refs = seed(article)
    assert refs
    for ref in refs:
        assert text[ref.start:ref.end] == ref.text
    assert [r.start for r in refs] == sorted(r.start for r in refs)
    assert all(a.end <= b.start for a, b in zip(refs, refs[1:], strict=False))


def test_bare_year_in_2014_is_not_a_date():
    text, refs = seed("002")
    at = text.index("in 2014")
    assert not [r for r in refs if r.start < at + 7 and r.end > at]
    assert dates("Separatists seized territory in 2014.") == []


# ---------------------------------------------------------------------------------------------
# Anchor: the publication day in the event's zone


@pytest.mark.parametrize(
    ("published", "article_tz", "event_tz", "expected"),
    [
        (D(2022, 3, 4), "Pacific/Auckland", KYIV, D(2022, 3, 3)),
        (D(2022, 3, 3), KYIV, KYIV, D(2022, 3, 3)),
        (D(2022, 3, 3), "Asia/Kolkata", KYIV, D(2022, 3, 3)),
        (D(2022, 3, 3), "Europe/Prague", KYIV, D(2022, 3, 3)),
        (D(2022, 3, 3), "America/Los_Angeles", KYIV, D(2022, 3, 3)),
        (D(2022, 3, 3), KYIV, "America/Los_Angeles", D(2022, 3, 2)),
        (D(2022, 3, 3), "Australia/Sydney", "Europe/London", D(2022, 3, 2)),
    ],
    ids=["auckland-to-kyiv", "kyiv-to-kyiv", "kolkata-to-kyiv", "prague-to-kyiv",
         "los-angeles-to-kyiv", "kyiv-to-los-angeles", "sydney-to-london"],
)
def test_anchor_is_six_am_publication_converted_to_event_zone(published, article_tz, event_tz,
                                                              expected):
    assert _anchor_date(published, zone(article_tz), zone(event_tz)) == expected
    assert dates("It happened today.", published, article_tz=article_tz, event_tz=event_tz) == [
        ("today", expected, 1, "relative")]


def test_event_zone_defaults_to_article_zone():
    assert dates("It happened today.", D(2022, 3, 4), article_tz="Pacific/Auckland") == [
        ("today", D(2022, 3, 4), 1, "relative")]


def test_published_datetime_uses_its_date():
    refs = find_dates("It happened yesterday.",
                      published=datetime.datetime(2022, 3, 3, 23, 59), article_tz=KYIV)
    assert [r.date for r in refs] == [D(2022, 3, 2)]


def test_unknown_zone_raises():
    with pytest.raises(KeyError):
        find_dates("today", published=D(2022, 3, 3), article_tz="Mars/Olympus_Mons")


# ---------------------------------------------------------------------------------------------
# Zone-tagged weekdays: resolved on the tagged zone's calendar, then moved to the event's zone.
# Published Friday 4 March 2022; in Los Angeles 06:00 on that Friday is still Thursday for every
# zone at or east of UTC-2, and Friday for the American ones.


@pytest.mark.parametrize(
    ("tagged", "expected_text", "expected_date"),
    [
        ("on Friday (NZT)", "Friday (NZT)", D(2022, 3, 3)),
        ("on Friday (NZDT)", "Friday (NZDT)", D(2022, 3, 3)),
        ("on Friday NZ time", "Friday NZ time", D(2022, 3, 3)),
        ("on Friday, New Zealand time", "Friday, New Zealand time", D(2022, 3, 3)),
        ("on Friday (AEDT)", "Friday (AEDT)", D(2022, 3, 3)),
        ("on Friday (AEST)", "Friday (AEST)", D(2022, 3, 3)),
        ("on Friday (IST)", "Friday (IST)", D(2022, 3, 3)),
        ("on Friday (GMT)", "Friday (GMT)", D(2022, 3, 3)),
        ("on Friday (UTC)", "Friday (UTC)", D(2022, 3, 3)),
        ("on Friday (BST)", "Friday (BST)", D(2022, 3, 3)),
        ("on Friday (CET)", "Friday (CET)", D(2022, 3, 3)),
        ("on Friday (MSK)", "Friday (MSK)", D(2022, 3, 3)),
        ("on Friday (EET)", "Friday (EET)", D(2022, 3, 3)),
        ("on Friday Kyiv time", "Friday Kyiv time", D(2022, 3, 3)),
        ("on Friday (EST)", "Friday (EST)", D(2022, 3, 4)),
        ("on Friday (EDT)", "Friday (EDT)", D(2022, 3, 4)),
        ("on Friday (PST)", "Friday (PST)", D(2022, 3, 4)),
        ("on Friday (PDT)", "Friday (PDT)", D(2022, 3, 4)),
    ],
)
def test_zone_tagged_weekday_moves_to_event_zone(tagged, expected_text, expected_date):
    # The article zone must not matter for a tagged weekday.
    for article_tz in ("Pacific/Auckland", "UTC"):
        assert dates(f"Talks ended {tagged}.", D(2022, 3, 4), article_tz=article_tz,
                     event_tz="America/Los_Angeles") == [
            (expected_text, expected_date, 1, "weekday")]


def test_zone_tag_is_resolved_against_printed_publication_date():
    # Published Friday in Auckland: "Thursday (NZT)" is the Thursday before, i.e. 3 March NZ,
    # which at 06:00 NZDT is still 2 March in Kyiv.
    assert dates("Talks began on Thursday (NZT).", D(2022, 3, 4),
                 article_tz="Pacific/Auckland", event_tz=KYIV) == [
        ("Thursday (NZT)", D(2022, 3, 2), 1, "weekday")]


def test_lowercase_abbreviation_is_not_a_zone_tag():
    assert dates("Talks ended on Friday est. The rest.", D(2022, 3, 4)) == [
        ("Friday", D(2022, 3, 4), 1, "weekday")]


# ---------------------------------------------------------------------------------------------
# Explicit dates and year inference


@pytest.mark.parametrize(
    ("text", "expected_text", "expected_date"),
    [
        ("Shelling began on March 3.", "March 3", D(2022, 3, 3)),
        ("Shelling began on 3 March.", "3 March", D(2022, 3, 3)),
        ("Shelling began late on March 2.", "March 2", D(2022, 3, 2)),
        ("Shelling began on Tuesday, 1 March.", "Tuesday, 1 March", D(2022, 3, 1)),
        ("Shelling began on Thursday, 3 March.", "Thursday, 3 March", D(2022, 3, 3)),
        ("Shelling began on Tuesday, March 1.", "Tuesday, March 1", D(2022, 3, 1)),
        ("Shelling began on Feb. 24.", "Feb. 24", D(2022, 2, 24)),
        ("Shelling began on Feb 24.", "Feb 24", D(2022, 2, 24)),
        ("Shelling began on February 24.", "February 24", D(2022, 2, 24)),
        ("Shelling began on Feb 24, 2022.", "Feb 24, 2022", D(2022, 2, 24)),
        ("Shelling began on 3 March 2022.", "3 March 2022", D(2022, 3, 3)),
        ("Shelling began on 2022-03-03.", "2022-03-03", D(2022, 3, 3)),
        ("Shelling began on the 24th of February.", "24th of February", D(2022, 2, 24)),
        ("Shelling began on Sept. 5.", "Sept. 5", D(2021, 9, 5)),
        ("Shelling began on May 9, 2014.", "May 9, 2014", D(2014, 5, 9)),
    ],
)
def test_explicit_date_forms(text, expected_text, expected_date):
    assert dates(text) == [(expected_text, expected_date, 1, "explicit")]


@pytest.mark.parametrize(
    ("month", "day", "published", "expected"),
    [
        (3, 3, D(2022, 3, 3), D(2022, 3, 3)),
        (3, 10, D(2022, 3, 3), D(2022, 3, 10)),  # a week ahead: still this year
        (3, 11, D(2022, 3, 3), D(2021, 3, 11)),  # eight days ahead: last year
        (12, 25, D(2022, 1, 5), D(2021, 12, 25)),
        (1, 2, D(2021, 12, 28), D(2022, 1, 2)),  # across new year, within the week
        (2, 29, D(2022, 3, 3), D(2020, 2, 29)),
        (2, 30, D(2022, 3, 3), None),
    ],
)
def test_year_is_latest_not_after_publication_plus_seven_days(month, day, published, expected):
    assert infer_year(month, day, published) == expected


def test_impossible_date_is_dropped():
    assert dates("On February 30 nothing happened.") == []


@pytest.mark.parametrize(
    "text",
    [
        "Separatists seized territory in 2014.",
        "The column is 30 km (19 miles) from the city.",
        "1,597 March recruits.",
        "They may march on the capital.",
        "Black Friday sales were cancelled.",
        "USA Today reported the attack.",
        "A dozen Mondays passed.",
    ],
    ids=["bare-year", "distance", "number-before-month", "modal-may", "holiday",
         "newspaper-title", "plural-weekday"],
)
def test_not_a_date(text):
    assert dates(text) == []


# ---------------------------------------------------------------------------------------------
# Weekdays


@pytest.mark.parametrize(
    ("weekday", "anchor", "before", "after"),
    [
        (3, D(2022, 3, 3), D(2022, 3, 3), D(2022, 3, 3)),  # Thursday on a Thursday
        (4, D(2022, 3, 3), D(2022, 2, 25), D(2022, 3, 4)),  # Friday from a Thursday
        (0, D(2022, 3, 3), D(2022, 2, 28), D(2022, 3, 7)),  # Monday from a Thursday
    ],
)
def test_weekday_on_or_before_and_after(weekday, anchor, before, after):
    assert weekday_on_or_before(weekday, anchor) == before
    assert weekday_on_or_after(weekday, anchor) == after


@pytest.mark.parametrize(
    ("direction", "future", "expected"),
    [
        ("", False, D(2022, 3, 4)),
        ("", True, D(2022, 3, 4)),
        ("last", False, D(2022, 2, 25)),
        ("this past", False, D(2022, 2, 25)),
        ("next", False, D(2022, 3, 4)),
        ("this coming", False, D(2022, 3, 4)),
    ],
)
def test_weekday_direction_on_the_same_weekday(direction, future, expected):
    # Anchor Friday 4 March: a plain "Friday" is the anchor itself.
    assert resolve_weekday(4, D(2022, 3, 4), direction, future) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Delegates will vote Friday on a resolution.", ("Friday", D(2022, 3, 4))),
        ("The vote is set for Friday.", ("Friday", D(2022, 3, 4))),
        ("The games are set to begin on Monday.", ("Monday", D(2022, 3, 7))),
        ("On Friday, delegates will vote.", ("Friday", D(2022, 3, 4))),
        ("Talks are due to resume on Monday.", ("Monday", D(2022, 3, 7))),
        ("They'll meet on Saturday.", ("Saturday", D(2022, 3, 5))),
        ("He said next Friday.", ("next Friday", D(2022, 3, 4))),
        ("Delegates voted Friday.", ("Friday", D(2022, 2, 25))),
        ("He said Friday that he will go.", ("Friday", D(2022, 2, 25))),
        ("Russia will not stop, Putin said on Monday.", ("Monday", D(2022, 2, 28))),
        ("He said it would vote Friday.", ("Friday", D(2022, 2, 25))),
        ("The next round of talks ended Monday.", ("Monday", D(2022, 2, 28))),
        ("It happened last Thursday.", ("last Thursday", D(2022, 2, 24))),
        ("Fighting continued late Wednesday.", ("Wednesday", D(2022, 3, 2))),
    ],
    ids=["will-vote", "is-set-for", "set-to-begin", "clause-opener-then-will", "due-to",
         "contracted-will", "next-weekday", "past-tense", "future-after-the-weekday",
         "future-in-other-clause", "would-is-not-future", "next-round-is-not-future",
         "last-thursday-on-thursday", "late-wednesday"],
)
def test_weekday_tense_from_its_clause(text, expected):
    # Anchor: Thursday 3 March 2022.
    assert [(t, d) for t, d, _, _ in dates(text, article_tz=KYIV)] == [expected]


def test_possessive_weekday_keeps_span_on_the_name():
    assert dates("During Thursday's news conference he spoke.") == [
        ("Thursday", D(2022, 3, 3), 1, "weekday")]


# ---------------------------------------------------------------------------------------------
# Deictic words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It happened today.", ("today", D(2022, 3, 3), 1)),
        ("Today's developments.", ("Today", D(2022, 3, 3), 1)),
        ("A vote is due tonight.", ("tonight", D(2022, 3, 3), 1)),
        ("Sirens sounded this morning.", ("this morning", D(2022, 3, 3), 1)),
        ("It happened yesterday.", ("yesterday", D(2022, 3, 2), 1)),
        ("It happened the day before yesterday.", ("the day before yesterday", D(2022, 3, 1), 1)),
        ("Blasts were heard last night.", ("last night", D(2022, 3, 2), 1)),
        ("Blasts were heard overnight.", ("overnight", D(2022, 3, 3), 1)),
        ("Talks began last week.", ("last week", D(2022, 2, 24), 2)),
        ("Talks began this week.", ("this week", D(2022, 3, 3), 2)),
        ("Talks begin next week.", ("next week", D(2022, 3, 10), 2)),
    ],
)
def test_relative_words_count_from_the_anchor(text, expected):
    assert [(t, d, p) for t, d, p, _ in dates(text, article_tz=KYIV)] == [expected]
    assert dates(text, article_tz=KYIV)[0][3] == "relative"


# ---------------------------------------------------------------------------------------------
# Month precision


@pytest.mark.parametrize(
    ("which", "modifier", "anchor", "expected"),
    [
        ("last", None, D(2022, 3, 3), D(2022, 2, 1)),
        ("last", "early", D(2022, 3, 3), D(2022, 2, 1)),
        ("last", "mid", D(2022, 3, 3), D(2022, 2, 15)),
        ("last", "late", D(2022, 3, 3), D(2022, 2, 15)),
        ("this", "earlier", D(2022, 3, 3), D(2022, 3, 1)),
        ("next", None, D(2022, 3, 3), D(2022, 4, 1)),
        ("last", None, D(2022, 1, 10), D(2021, 12, 1)),
        ("next", "later", D(2021, 12, 31), D(2022, 1, 15)),
    ],
)
def test_relative_month_rule(which, modifier, anchor, expected):
    assert relative_month(which, modifier, anchor) == expected


def test_month_part_start_halves_the_month():
    first = D(2022, 2, 1)
    assert [month_part_start(first, m) for m in (None, "early", "Mid", "late")] == [
        D(2022, 2, 1), D(2022, 2, 1), D(2022, 2, 15), D(2022, 2, 15)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He visited Kherson early last month.", ("early last month", D(2022, 2, 1))),
        ("He visited Kherson late last month.", ("late last month", D(2022, 2, 15))),
        ("He visited Kherson last month.", ("last month", D(2022, 2, 1))),
        ("Prices rose in March.", ("March", D(2022, 3, 1))),
        ("Prices rose in May.", ("May", D(2021, 5, 1))),
        ("Prices rose in mid-March.", ("mid-March", D(2022, 3, 15))),
        ("Prices rose since early February.", ("early February", D(2022, 2, 1))),
        ("Prices rose in March 2021.", ("March 2021", D(2021, 3, 1))),
    ],
)
def test_month_expressions(text, expected):
    assert dates(text, article_tz=KYIV) == [(*expected, 3, "month")]


def test_month_year_inference():
    assert infer_month_year(3, D(2022, 3, 3)) == D(2022, 3, 1)
    assert infer_month_year(12, D(2022, 3, 3)) == D(2021, 12, 1)
    assert infer_month_year(1, D(2021, 12, 28)) == D(2022, 1, 1)


# ---------------------------------------------------------------------------------------------
# Anaphora


def test_anaphor_prefers_date_in_same_sentence():
    text = "Talks were held on March 3. Kyiv was shelled on March 1 and quiet the previous day."
    assert dates(text)[-1] == ("the previous day", D(2022, 2, 28), 1, "anaphoric")


def test_anaphor_falls_back_to_previous_sentences():
    text = "Talks were held on Tuesday. Kyiv was shelled. Kharkiv too, the day before."
    assert dates(text, article_tz=KYIV)[-1] == ("the day before", D(2022, 2, 28), 1, "anaphoric")


def test_anaphor_ignores_dates_written_after_it():
    text = "Mains damaged the previous day would be repaired on March 3."
    assert dates(text, article_tz=KYIV) == [
        ("the previous day", D(2022, 3, 2), 1, "relative"),
        ("March 3", D(2022, 3, 3), 1, "explicit"),
    ]


def test_anaphor_skips_relative_dates():
    text = "Talks were held on March 1. Blasts were heard overnight, a day earlier than expected."
    assert dates(text, article_tz=KYIV)[-1] == ("a day earlier", D(2022, 2, 28), 1, "anaphoric")


def test_anaphor_without_antecedent_is_anchor_minus_one():
    assert dates("Kyiv was shelled the previous day.", article_tz=KYIV) == [
        ("the previous day", D(2022, 3, 2), 1, "relative")]


def test_next_day_counts_forward_from_antecedent():
    assert dates("Kherson fell on March 2. The mayor spoke the next day.") == [
        ("March 2", D(2022, 3, 2), 1, "explicit"),
        ("the next day", D(2022, 3, 3), 1, "anaphoric"),
    ]


def test_next_day_without_antecedent_is_dropped():
    assert dates("The mayor spoke the following day.") == []


# ---------------------------------------------------------------------------------------------
# Module


def test_module_docstring_example_runs():
    result = doctest.testmod(geo.nlp.dates)
    assert result.attempted > 0
    assert result.failed == 0


@pytest.mark.parametrize(("text", "first", "precision"), [
    ("Between 3 and 5 March 2022, they bombed it.", datetime.date(2022, 3, 3), 2),
    ("On March 3-5, the city was shelled.", datetime.date(2022, 3, 3), 2),
    ("From 1 to 20 March 2022 the city was besieged.", datetime.date(2022, 3, 1), 3),
])
def test_a_range_of_days_is_one_date_with_the_range_as_its_text(text, first, precision):
    (ref,) = find_dates(text, published=datetime.date(2022, 3, 30))
    assert (ref.date, ref.precision) == (first, precision)
    assert ref.text in text and len(ref.text) > len("5 March")
