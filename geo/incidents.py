"""Incidents: what happened, where, on which day, how many — merged across articles.

Each sentence with an event trigger (``geo.nlp.events``) becomes a ``Report``
(``geo.nlp.report``): one article's account of one happening, with the place it happened at,
the day, the figures and the excerpt. Reports of the same incident — same place, same day
within their precision, compatible type — are merged into one ``Incident`` that lists every
article, outlet and excerpt.

Where: the place must be where it happened, so mentions that only name an actor or a speaker
("Moscow says", "the Kyiv government", "Kyiv said") and the reference of a stated distance
("60 km northwest of Kyiv") are skipped while a better place is there; then the most specific
place nearest the trigger wins, and a list ("shelling of Kyiv and the cities of Kharkiv,
Chernihiv and Mariupol") yields one report per place. A sentence with a trigger but no place
continues the previous report of the same type ("Earlier, the governor said at least nine
people had been killed in an air strike"). ACLED's ``geo_precision``: 1 the town itself, 2 near
it or part of a region, 3 only a region or a country.

When: a date written in the sentence (nearest the trigger), else the day of the report it
continues, else the publication day in the event's time zone at week precision. An article
without a publication date is dated by its latest written date, or today, and flagged.

Fatalities: per incident, ``fatalities_min``/``fatalities_max`` are the smallest and largest
killed figures its reports give; the best estimate ``fatalities`` is the largest lower bound
("at least 9", then "22 bodies", then "at least 33": counts rise as bodies are recovered, and
each report's lower bound is still true), never a vague quantity when a number exists.

Independent sources: articles whose texts share most sentences (copies of one wire story,
as a Reuters story reprinted by two outlets) count once in ``independent_sources``.

Example:
    >>> from pathlib import Path
    >>> from geo.io.articles import read_articles
    >>> from geo.gazetteer.index import Gazetteer
    >>> incidents = extract_incidents(read_articles([Path("data/articles")]), Gazetteer.load())
    >>> chernihiv = [i for i in incidents if i.location == "Chernihiv"][0]
    >>> chernihiv.event_date.isoformat(), chernihiv.fatalities, len(chernihiv.outlets)
    ('2022-03-03', 33, 4)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import zlib
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from geo.doc import doc_text, make_doc, sentence_parse, sentence_spans
from geo.gazetteer.index import Gazetteer, is_estimated, normalize
from geo.lang import words
from geo.nlp.actors import (
    SPEECH_VERBS,
    UNIDENTIFIED_MILITARY,
    Actor,
    acled_country_name,
    acronyms,
    as_coded_for,
    civilians_hurt,
    find_actor,
    find_targets,
    interaction,
    military_of,
    ordered_pair,
    passive_roles,
    state_as_subject,
    state_force_country,
    state_forces_in_protest,
    subject_group,
    subject_span,
    unidentified_armed_group,
)
from geo.nlp.article import Dateline, capital_name, find_dateline, the_capital
from geo.nlp.components import run_dates, run_events
from geo.nlp.cyrillic.reports import extract_reports as cyrillic_reports
from geo.nlp.dates import DateRef, find_dates
from geo.nlp.distances import UNITS
from geo.nlp.events import (
    BATTLES,
    EXPLOSIONS,
    PROTESTS,
    RIOTS,
    STRATEGIC,
    VIOLENCE_AGAINST_CIVILIANS,
    WEAK_RANK,
    EventMention,
)
from geo.nlp.figures import Figure, find_casualties, is_toll_update, parse_number
from geo.nlp.geoparse import geoparse_doc
from geo.nlp.groups import canonical_group, find_group
from geo.nlp.language import CYRILLIC_READ, detect_language
from geo.nlp.news import is_news, tells_a_span
from geo.nlp.report import Report, news_day, report_news_features
from geo.nlp.resolve import haversine_km
from geo.records import Article, Place, Resolution

if TYPE_CHECKING:
    from spacy.tokens import Doc


@dataclass(frozen=True)
class Incident:
    """Reports of one happening, merged."""

    event_id: str
    event_date: dt.date
    time_precision: int
    event_type: str
    sub_event_type: str
    place: Place
    geo_precision: int
    reports: tuple[Report, ...]
    fatalities: int | None
    fatalities_min: int | None
    fatalities_max: int | None
    injuries: int | None
    independent_sources: int
    flags: tuple[str, ...] = field(default=())

    @property
    def location(self) -> str:
        return self.place.name

    @property
    def articles(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.article for r in self.reports))

    @property
    def outlets(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.outlet or r.article for r in self.reports))

    @property
    def actor1(self) -> str:
        """The actor most of its reports of its own sub-type name, else most of its reports
        ("" when none does): a demonstration coded as a riot is by its rioters, not by the
        police of a report that told only the intervention."""
        named = (Counter(r.actor1 for r in self.reports
                         if r.actor1 and r.sub_event_type == self.sub_event_type)
                 or Counter(r.actor1 for r in self.reports if r.actor1))
        return named.most_common(1)[0][0] if named else ""

    @property
    def inter1(self) -> int:
        return next((r.inter1 for r in self.reports if r.actor1 == self.actor1 and r.actor1), 0)

    @property
    def actor2(self) -> str:
        """The other side the first report of ``actor1`` that names one gives."""
        return self._dyad().actor2

    @property
    def interaction(self) -> int:
        return self._dyad().interaction

    def _dyad(self) -> Report:
        # Of the reports by actor1, the first naming a second actor ("Russian forces shelled
        # Hirske. ... One civilian was wounded." tells the victims in its second report).
        own = [r for r in self.reports if r.actor1 == self.actor1]
        return next((r for r in own if r.actor2), own[0] if own else self.reports[0])


# Places more specific come first; a country is only a location for protests and agreements.
_SPECIFICITY = {"landmark": 0, "city": 0, "computed": 0, "region": 1, "area": 1, "water": 2,
                "country": 3, "continent": 4}
_COUNTRY_LEVEL_TYPES = {PROTESTS}
_COUNTRY_LEVEL_SUBTYPES = {"Agreement"}
# The hit place of a strike is never just "near" somewhere; a column or a battle may be.
_REFERENCE_TYPES = {BATTLES, STRATEGIC}
# Types whose sub-types are distinct happenings (an arrest is not an agreement).
_SUBTYPE_STRICT = {PROTESTS, STRATEGIC}
# One-off happenings reported on consecutive days (a capture, a deal) are one incident.
_ONE_OFF = {"Non-state actor overtakes territory", "Government regains territory", "Agreement",
            "Non-violent transfer of territory"}
_TOLERANCE_DAYS = {1: 0, 2: 7, 3: 31}
_SAME_TOWN_KM = 15.0
_FIGURE_TO_TRIGGER = 60  # characters from "at least 9 killed" to "in an air strike"
# The types whose actor1 is who used force (never the civilians it was used against).
_VIOLENT_TYPES = frozenset({BATTLES, EXPLOSIONS, VIOLENCE_AGAINST_CIVILIANS})
# Triggers that name a military's weapons (``geo.nlp.events.RULES``).
_MILITARY_WEAPON_RULES = frozenset({"shelling", "air_strike", "aircraft_strike", "drone_strike",
                                    "drones_launched", "air_force_attack"})
_VERB_TO_OBJECT = 12  # characters from "killed" to its count: "killed at least 12"
_REFERENCE_REACH = 60  # a "near X" place only locates a trigger this close to it
# "drones the enemy launched overnight, most of them from the X region": the launch verb may
# stand this far before the place.
_ORIGIN_REACH = 110
# A mention followed by these speaks for a government or an army, it is not a location.
_METONYM_AFTER = re.compile(
    rf"^(?:\s+(?:{SPEECH_VERBS}|government|authorities|officials|administration|regime|"
    r"leadership)|(?:'s|’s)\s+(?:government|forces|troops|military|army|invasion|defen[cs]e|"
    r"increasing|isolation|veto|aggression|all-out|president|foreign))\b",
    re.IGNORECASE,
)
# "..., the Kirovohrad regional governor said": the seat of an official who speaks locates
# an event only when its sentence names no other place ("the Moscow mayor said drones were
# shot down as they approached the capital").
_SPEAKERS_SEAT_AFTER = re.compile(
    r"^\s+(?:(?:regional|provincial|state|city|district|military)\s+)?"
    r"(?:governor|mayor|administration|authorities|officials)\b", re.IGNORECASE)
_METONYM_BEFORE = re.compile(r"\b(?:the|a)\s+$", re.IGNORECASE)
# "north of Kyiv", "towards Kyiv": a reference point, not where it happened. "near X" and
# "outside X" are where it happened, at lower precision (ACLED codes them to X, precision 2).
_REFERENCE_BEFORE = re.compile(
    r"(?:\b(?:north|south|east|west|northeast|northwest|southeast|southwest|north-east|"
    r"north-west|south-east|south-west)\s+of|\btowards?|advancing on|"
    r"threatening)\s+(?:the\s+(?:\w+\s+)?capital,?\s+)?$",
    re.IGNORECASE,
)
# Where people went, not where it happened: "forces retreating to the nearby city of Mykolaiv".
_DESTINATION_BEFORE = re.compile(
    r"\b(?:retreat\w*|fled|flee\w*|evacuat\w*|head\w*|left)\b[^.]{0,30}\b(?:to|for)\b"
    r"[^.]{0,25}$", re.IGNORECASE)
_NEAR_BEFORE = re.compile(r"\boff\s+$|\b(?:near|outside|around|edges? of|outskirts of|"
                          r"(?:north|south|east|west)(?:east|west)? of)\s+"
                          r"(?:the\s+)?(?:\w+\s+){0,2}$", re.IGNORECASE)
_TALKS = re.compile(r"\b(?:talks|negotiations|delegation|negotiators)\b", re.IGNORECASE)
_HISTORY_BEFORE, _HISTORY_AFTER = 60, 25  # characters around a trigger
_HISTORICAL = re.compile(r"\b(?:tactics (?:it|they) used|World War|years ago|in the past|"
                         r"Soviet era|in (?:19|20)\d\d)\b", re.IGNORECASE)
# "the plant in Kurchatov, about 60 km from the fighting": the trigger is what the distance
# is measured to, never something that happened at the sentence's place.
_DISTANCE_TO = re.compile(
    rf"\b\d[\d.,]*\s*(?:{'|'.join(sorted(map(re.escape, UNITS), key=len, reverse=True))})"
    r"\.?\s+(?:\([^)]{0,30}\)\s+)?(?:away\s+)?from\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE)
# "The Sumy barrage was one of the bloodiest raids of the year": a trigger that
# names a class an event is ranked in, not an event of its own.
# Only after a copula: "after one of the largest drone raids of the year killed 12" is
# the event itself.
_RANKED_AMONG = re.compile(r"\b(?:was|is|were|are|been|being|became|becomes|remains?|"
                           r"remained)\s+one of (?:the|its|their|his|her)\s+(?:most\s+[\w-]+|"
                           r"[\w-]+est|worst|biggest|largest)\s+(?:[\w-]+\s+){0,2}$",
                           re.IGNORECASE)
_RANKED_IN = re.compile(r"\b(?:in|during)\s+(?:the|its|their|what\s+\w+\s+(?:called|"
                        r"described\s+as))\s+(?:most\s+[\w-]+|[\w-]+est|worst|biggest|"
                        r"largest)\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)
_LIST_GAP = re.compile(r"^(?:,\s*|\s+and\s+|,\s+and\s+)(?:the\s+)?(?:[\w-]+\s+){0,3}(?:of\s+)?$")
_DEFAULT_EVENT_TZ = "UTC"


def extract_incidents(articles: list[Article], gazetteer: Gazetteer, *,
                      today: dt.date | None = None) -> list[Incident]:
    """Reports of every article, merged into incidents.

    Each article becomes one Doc that the geoparser and then the report stage annotate.

    Args:
        articles: the articles.
        gazetteer: the place index.
        today: the date used for an article with no date at all (default: today).

    Returns:
        Incidents sorted by date, then location.
    """
    names = gazetteer.country_names()
    reports: list[Report] = []
    for article in articles:
        doc = make_doc(article)
        reports.extend(extract_reports(doc, geoparse_doc(doc, gazetteer), today=today,
                                       country_names=names))
    return merge_reports(reports, independent_groups(articles))


def publication_date(article: Article, *, today: dt.date | None = None,
                     dateline: Dateline | None = None) -> tuple[dt.date, bool]:
    """The article's publication date, or the best inference and True when inferred.

    A dateline's day ("KYIV, June 28 —") is the filing day: it is the publication date of an
    undated article, in the year its other dates give (else the latest year up to today)."""
    if article.published is not None:
        return article.published, False
    today = today or dt.date.today()
    explicit = [r for r in find_dates(article.text, published=today) if r.kind == "explicit"]
    if dateline is not None and dateline.date_text:
        filed = [r for r in explicit if r.start == dateline.date_start]
        if filed:
            years = [r.date.year for r in explicit
                     if r.start != dateline.date_start and str(r.date.year) in r.text]
            day = filed[0].date
            if years and str(day.year) not in filed[0].text:
                day = _same_day_in(day, max(years))
            return day, str(day.year) not in filed[0].text and not years
    # A date written with its year anchors the rest: "28 February 2022 … on March 1" is 2022
    # throughout, not this year's 1 March.
    with_year = [r.date for r in explicit if re.search(rf"\b{r.date.year}\b", r.text)]
    if with_year:
        return max(with_year), True
    written = [_weekday_year(r, today) for r in explicit]
    return (max(written) if written else today), True


def _same_day_in(day: dt.date, year: int) -> dt.date:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day


def _after_dateline(sentences: list[tuple[int, int]],
                    dateline: Dateline | None) -> list[tuple[int, int]]:
    """The sentences with the dateline cut off the first: its words report nothing."""
    if dateline is None:
        return sentences
    out = []
    for start, end in sentences:
        if end <= dateline.end:
            continue
        out.append((max(start, dateline.end) if start <= dateline.start else start, end))
    return out


_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _weekday_year(ref: DateRef, today: dt.date) -> dt.date:
    """"Thursday, 3 March" without a year: the latest year, up to today's, in which 3 March
    was a Thursday (2022, not the current year)."""
    first = ref.text.split(",")[0].strip().lower()
    if first not in _WEEKDAY_NAMES or str(ref.date.year) in ref.text:
        return ref.date
    weekday = _WEEKDAY_NAMES.index(first)
    for year in range(today.year, today.year - 30, -1):
        try:
            candidate = ref.date.replace(year=year)
        except ValueError:  # 29 February
            continue
        if candidate.weekday() == weekday and candidate <= today + dt.timedelta(days=7):
            return candidate
    return ref.date


def extract_reports(doc: Doc | Article, resolutions: list[Resolution] | None = None, *,
                    today: dt.date | None = None,
                    country_names: dict[str, str] | None = None,
                    news_only: bool = True) -> list[Report]:
    """One article's reports, in text order, read from its annotated Doc.

    Args:
        doc: the article's Doc (``geo.doc.make_doc``): its sentences, and the parse of each
            sentence holding a trigger; an ``Article`` is made into one here.
        resolutions: its geoparse results (default: ``doc._.resolutions``).
        today: fallback publication date for an undated article.
        country_names: ISO code -> name (``Gazetteer.country_names()``), to name civilians
            and protesters by their country as ACLED does.
        news_only: drop the reports the news filter (``geo.nlp.news``) reads as background
            (cumulative tolls, earlier events, threats, denials); False keeps every report
            (to train the filter).

    Returns:
        Reports; an article without a publication date has ``date_inferred`` set on all.
    """
    if isinstance(doc, Article):
        doc = make_doc(doc)
    # Civilians, protesters and rioters are named by their country as ACLED names it.
    country_names = {code: acled_country_name(code, name)
                     for code, name in (country_names or {}).items()}
    article: Article = doc._.article
    if resolutions is None:
        resolutions = doc._.resolutions or []
    # --- Ukrainian and Russian articles: read by geo.nlp.cyrillic, apart from the English
    # rules below (the same Report records, so merging and storage are unchanged).
    lang = detect_language(article.text)
    if lang in CYRILLIC_READ:
        return _at_region_seats(
            cyrillic_reports(article, resolutions or None, lang=lang, today=today,
                             country_names=country_names, news_only=news_only),
            resolutions)
    # --- English.
    text = doc_text(doc)
    dateline = find_dateline(text)
    sentences = _after_dateline(sentence_spans(doc), dateline)
    published, inferred = publication_date(article, today=today, dateline=dateline)
    event_tz = _event_timezone(resolutions) or article.timezone or _DEFAULT_EVENT_TZ
    # The dateline's day is the filing day, not the event's: "KYIV, June 28 — … on Thursday"
    # is Thursday's news, so its date words are no event date (and its place no event place).
    # The dates and the triggers are the ``geo_dates`` and ``geo_events`` components' span
    # groups on the article Doc (``geo.nlp.components``), run with this article's settings.
    dates = [d for d in run_dates(doc, published=published,
                                  article_tz=article.timezone or event_tz,
                                  event_tz=event_tz, sentences=sentences)
             if dateline is None or d.start >= dateline.end]
    capital = _dateline_capital(resolutions, dateline)
    if dateline is not None:
        resolutions = [r for r in resolutions if r.mention.start >= dateline.end]
    anchor = find_dates("today", published=published, article_tz=article.timezone or event_tz,
                        event_tz=event_tz)[0].date
    # A nationality word ("Russian forces") points to a country but locates nothing; a
    # qualifier ("Zarichne, Donetsk") only said where the place before it is.
    places = [r for r in resolutions if r.place is not None and r.mention.pattern != "demonym"
              and r.role != "qualifier"]
    # "The small town 50 km northwest of Kyiv came under air strikes": the distance's subject.
    # Everything below is looked up per sentence, never by scanning all sentences or all
    # places again: the cost stays linear in the article's length.
    position = {start: i for i, (start, _end) in enumerate(sentences)}
    starts = [start for start, _end in sentences]
    by_sentence: dict[int, list[Resolution]] = {}
    for r in places:
        by_sentence.setdefault(_sentence_of(starts, r.mention.start), []).append(r)
    # Every name the geoparser placed, per sentence (sentence offsets): the names an
    # organisation found by the NER must not be.
    mention_spans: dict[int, list[tuple[int, int]]] = {}
    for r in resolutions:
        if r.place is None:
            continue  # a name the geoparser found no place for may well be a group ("Hamas")
        s = _sentence_of(starts, r.mention.start)
        mention_spans.setdefault(s, []).append((r.mention.start - s, r.mention.end - s))
    # Nationality words and countries, for who acted ("Russian forces").
    nationals: dict[int, list[Resolution]] = {}
    for r in resolutions:
        if r.place is not None and r.place.feature == "country":
            nationals.setdefault(_sentence_of(starts, r.mention.start), []).append(r)
    distance_subjects = {}
    for r in places:
        if r.distance is not None and r.distance.phrase_start >= 0:
            distance_subjects[_sentence_of(starts, r.distance.phrase_start)] = r
    talks_venue: list | None = None  # found once, when an agreement needs it
    aliases = acronyms(text)  # "the Rapid Support Forces (RSF)"
    reports: list[Report] = []
    borrowed_dates: set[int] = set()  # reports dated by another clause's day words
    reasons = {r.mention.start: r.reason for r in resolutions if r.place is not None}
    unplaced: list[Sighting] = []  # who acted in sentences that locate nothing
    triggers = run_events(doc, sentences=sentences)
    for s_start, s_end in sentences:
        if s_start not in triggers:
            toll = _toll_elsewhere(text, s_start, s_end, reports, by_sentence.get(s_start, []),
                                   dates, position)
            if toll is not None:
                reports.append(toll)
                continue
            _add_following_figures(text, s_start, s_end, reports, position, sentences,
                                   triggers)
            continue
        sentence = text[s_start:s_end]
        events = [e for e in triggers[s_start] if not _HISTORICAL.search(
            sentence, max(0, e.start - _HISTORY_BEFORE), e.end + _HISTORY_AFTER)
            and not _DISTANCE_TO.search(sentence[max(0, e.start - _HISTORY_BEFORE):e.start])
            and not _RANKED_AMONG.search(sentence[max(0, e.start - _HISTORY_BEFORE):e.start])]
        # "shot down 74 drones ..., in the largest drone attack on the city since the war
        # began": a superlative adjunct ranks the clause's own event, not a second one.
        ranked = [e for e in events if _RANKED_IN.search(
            sentence, max(0, e.start - _HISTORY_BEFORE), e.start)]
        if ranked and len(ranked) < len(events):
            events = [e for e in events if e not in ranked]
        if not events:
            continue
        in_sentence = by_sentence.get(s_start, [])
        parsed = sentence_parse(doc, s_start, s_end)
        # "killed seven in the camp on Sunday, ... as fighting for the city intensified": a
        # clause of circumstance beside the sentence's own event is its setting, no event.
        setting = [e for e in events if _in_as_clause(parsed, e)]
        if setting and len(setting) < len(events):
            events = [e for e in events if e not in setting]
        figures = _as_claimed(sentence, find_casualties(sentence, parsed))
        subject = distance_subjects.get(s_start)
        seen: set[tuple[str, str]] = set()
        first_here = len(reports)  # this sentence's reports are appended from here
        # ACLED: an attack by air and by artillery on one place is coded as the air strike.
        for event in sorted(events, key=lambda e: e.sub_event_type != "Air/drone strike"):
            trigger_at = s_start + event.start
            locations = _locations(text, in_sentence, trigger_at, event, subject,
                                   owners=_owners_of(parsed, event, in_sentence, s_start))
            date_ref = _date_for(dates, s_start, s_end, trigger_at,
                                 clause=(event, events, parsed))
            # A day another clause gives ("pulled more bodies on Sunday, a day after bombs
            # hit the shop") is the trigger's only until the article dates the event itself.
            # A calendar date ("On 10 May 2023, the RSF attacked") is the event's however the
            # small parser hangs it; only day words counted from publication are borrowed.
            borrowed = (date_ref is not None and date_ref.kind != "explicit"
                        and (_SAID_ON.search(text, max(0, date_ref.start - 30),
                                             date_ref.start) is not None
                             or _clause_event((date_ref.start - s_start,
                                               date_ref.end - s_start),
                                              events, parsed) is None))
            previous = _continued(reports, event, s_start, position)
            if not locations and event.sub_event_type == "Agreement":
                if talks_venue is None:
                    talks_venue = _talks_venue(text, by_sentence, sentences)
                locations = talks_venue
            if not locations and capital is not None and (
                    at := the_capital(sentence)) is not None:
                # "KYIV — drones hit the capital overnight": the dateline's city, when it is
                # its country's capital, is the capital the sentence names without a name.
                locations = [(capital.place, 1, s_start + at[0], s_start + at[1],
                              sentence[at[0]:at[1]])]
                reasons[s_start + at[0]] = "the capital the dateline names"
            continued = not locations and previous is not None
            if continued:
                locations = [(previous.place, previous.geo_precision, previous.mention_start,
                              previous.mention_end, previous.mention_text)]
            named = [(r.mention.start - s_start, r.mention.end - s_start, r.place)
                     for r in nationals.get(s_start, [])]
            country = locations[0][0].country_code if locations else ""
            nxt = position.get(s_start, -1) + 1
            following = text[sentences[nxt][0]:sentences[nxt][1]] if (
                0 < nxt < len(sentences)) else ""
            name = (country_names or {}).get(country, "")
            actor, others = _actors(sentence, event, sentence_parse(doc, s_start, s_end),
                                    named, country, name, following, aliases,
                                    mention_spans.get(s_start, []))
            if actor is None and continued and previous.actor1:
                # "Several houses were destroyed.": the same attack, by the same actor.
                actor = Actor(previous.actor1, previous.inter1)
            actor1, actor2 = ordered_pair(actor, others)
            if event.sub_event_type == "Disrupted weapons use" and actor is not None and any(
                    p.country_code == state_force_country(actor.name, country_names or {})
                    and _DOWNED_WEAPON.match(sentence, e) for _s, e, p in named):
                # "debris from a Ukrainian missile shot down by air defences": the missile's
                # state is the side whose weapon fell, never the one that brought it down.
                actor, others = None, [actor, *others]
            if event.sub_event_type == "Disrupted weapons use" and actor is None:
                # "shot down 74 Ukrainian drones": whose weapons fell is the other side; who
                # brought them down is found from the article (``_with_interceptors``).
                actor1, actor2 = None, next((o for o in others if state_force_country(
                    o.name, country_names or {})), None)
            if not locations and actor is not None:
                # "Russia fired 100 missiles at Ukraine": no place of its own, but it tells
                # whose strikes the article's unattributed ones are.
                unplaced.append(Sighting(event.event_type, event.sub_event_type, actor.name,
                                         actor.inter))
            killed = tuple(_in_article(f, s_start) for f in figures if f.kind == "killed"
                           and _nearest_event(f, events, parsed) is event)
            injured = tuple(_in_article(f, s_start) for f in figures if f.kind == "injured"
                            and _nearest_event(f, events, parsed) is event)
            # The sentence's victims, whichever of its triggers they are counted by: "gunmen
            # killed 12 villagers in an attack on X" is one attack on civilians.
            marchers = actor1
            etype, subtype, actor1, actor2 = _as_acled_defines(
                sentence, event, actor1, actor2,
                tuple(f for f in figures if f.kind in ("killed", "injured")), country, name,
                targets=_trigger_objects(parsed, event))
            if subtype == "Peaceful protest" and any(
                    a is not None and a.inter in _ARMED_INTERS for a in (marchers, actor1)):
                continue  # "M23 fighters marched through the centre": armed men, no protest
            retold = (date_ref is None and not killed and not injured
                      and _names_a_told_event(parsed, event))
            for place, precision, m_start, m_end, m_text in locations:
                told = next((r for r in reversed(reports[:first_here])
                             if r.place.key == place.key), None) if retold else None
                if (etype, place.key) in seen:
                    # "air strikes and artillery shelling" of one place, "a missile strike on
                    # X killed 10": one report, with the figures either trigger counted.
                    _add_figures(reports, first_here, etype, place.key, killed, injured)
                    continue
                seen.add((etype, place.key))
                if date_ref is not None:
                    day, tp, date_text = date_ref.date, date_ref.precision, date_ref.text
                    shift = _days_apart(sentence, event.start)
                    if shift and tp == 1:
                        # "struck the port on Saturday, a day after a drone attack on X":
                        # the attack was the day before the clause's Saturday.
                        day = day + dt.timedelta(days=shift)
                    elif borrowed:
                        borrowed_dates.add(len(reports))
                elif previous is not None:
                    day, tp, date_text = previous.date, previous.time_precision, ""
                else:
                    day, tp, date_text = anchor, 2, ""
                reports.append(Report(
                    article=article.id, outlet=article.outlet, sentence_start=s_start,
                    sentence_end=s_end, excerpt=sentence, trigger=event.text,
                    event_type=etype, sub_event_type=subtype,
                    place=place, mention_start=m_start, mention_end=m_end, mention_text=m_text,
                    geo_precision=precision, date=day, time_precision=tp, date_text=date_text,
                    date_inferred=inferred,
                    killed=killed, injured=injured,
                    actor1=actor1.name if actor1 else "", inter1=actor1.inter if actor1 else 0,
                    actor2=actor2.name if actor2 else "",
                    interaction=interaction(actor1, actor2), published=published,
                    place_reason=(_CONTINUED_PLACE if continued else reasons.get(m_start, ""))))
                if told is not None:
                    # "the envoy said the attack on Sumy crossed a line": the event the
                    # article told, named again with no day or toll of its own, is that
                    # event (its kind, day and sides), so it merges into it.
                    reports[-1] = replace(
                        reports[-1], event_type=told.event_type,
                        sub_event_type=told.sub_event_type, date=told.date,
                        time_precision=told.time_precision, actor1=told.actor1,
                        inter1=told.inter1, actor2=told.actor2, interaction=told.interaction)
        _drop_peaceful_beside_intervention(reports, first_here)
    reports = _at_region_seats(_dated_by_the_article(reports, borrowed_dates), resolutions)
    if news_only:
        day = news_day(reports, published)
        reports = [r for r in reports if is_news(report_news_features(r, len(text), day))]
    reports = _without_transfers_of_captures(reports)
    reports = _with_the_named_group(_with_article_attacker(reports, unplaced))
    reports = _with_interceptors(reports, Counter(
        r.place.country_code for found in nationals.values() for r in found),
        country_names or {})
    return [_victims_as_second_actor(r, country_names or {}) for r in reports]


# ACLED's inter codes of armed actors (state forces, rebels, political and identity
# militias, external forces): a demonstration is by protesters, never by them (ACLED's
# definition of Protests), so their "march" or "rally" is no protest.
_ARMED_INTERS = frozenset({1, 2, 3, 4, 8})


#: The place reason of a report whose sentence names no place of its own.
_CONTINUED_PLACE = "no place in its sentence: the place the report before it gives"


# The attacks whose unnamed attacker the article's own attacker stands for.
_REMOTE = frozenset({EXPLOSIONS})
_ATTACKER_SHARE = 2 / 3


def _dateline_capital(resolutions: list[Resolution],
                      dateline: Dateline | None) -> Resolution | None:
    """The dateline's place when it is its country's capital (by GeoNames' country table)."""
    if dateline is None:
        return None
    for r in resolutions:
        if r.mention.start >= dateline.end:
            return None
        if (r.place is not None and r.place.feature == "city" and r.place.name
                and normalize(r.place.name) == normalize(capital_name(r.place.country_code))):
            return r
    return None


def _without_transfers_of_captures(reports: list[Report]) -> list[Report]:
    """"The army withdrew from the base in Singa" beside "the RSF seized Singa": one change
    of hands told from both sides. ACLED's non-violent transfer is territory given up
    without a fight; where the article tells the place taken by force within a day, the
    withdrawal is that capture's, not an event of its own."""
    won = [r for r in reports if r.sub_event_type in _TERRITORY_WON]
    return [r for r in reports if r.sub_event_type != _TRANSFER or not any(
        w.place.key == r.place.key and abs((w.date - r.date).days) <= 1 for w in won)]


def _with_interceptors(reports: list[Report], countries: Counter,
                       country_names: dict[str, str]) -> list[Report]:
    """An interception nobody claims is the defending side's (ACLED codes it as disrupted
    weapons use by whoever brought the weapons down): the side whose weapons fell is the
    one whose forces are the report's other actor, else the attacker of the article's
    strikes on the same place, else of its strikes at all. The defender is the state the
    place is in when that is not the attacker ("shot down six drones over Kyiv" in an
    article of Russian strikes), else the state the article names most besides the
    attacker (over an occupied city the gazetteer files under the attacker's country)."""
    attackers = Counter(state_force_country(r.actor1, country_names) for r in reports
                        if r.event_type in _REMOTE and r.actor1)
    attackers.pop("", None)
    out = []
    for r in reports:
        if r.sub_event_type != "Disrupted weapons use" or r.actor1:
            out.append(r)
            continue
        same_place = Counter(state_force_country(o.actor1, country_names) for o in reports
                             if o.event_type in _REMOTE and o.place.key == r.place.key)
        same_place.pop("", None)
        owner = (state_force_country(r.actor2, country_names)
                 or next(iter(same_place.most_common(1)), ("", 0))[0]
                 or next(iter(attackers.most_common(1)), ("", 0))[0])
        defender = r.place.country_code
        if owner and owner == defender:
            others = [(n, code) for code, n in countries.items() if code and code != owner]
            defender = max(others)[1] if others else ""
        if not defender or defender not in country_names:
            out.append(r)
            continue
        actor = military_of(defender, country_names[defender], r.place.country_code)
        other = (Actor(r.actor2, _inter2(r)) if r.actor2 else
                 military_of(owner, country_names[owner], r.place.country_code)
                 if owner in country_names else None)
        out.append(replace(r, actor1=actor.name, inter1=actor.inter,
                           actor2=other.name if other else "",
                           interaction=interaction(actor, other)))
    return out


@dataclass(frozen=True)
class Sighting:
    """Who did an event of one kind, where the sentence located nothing ("Russia fired more
    than 100 missiles at Ukraine"): evidence of whose the article's unattributed strikes
    are, never an incident itself."""

    event_type: str
    sub_event_type: str
    actor1: str
    inter1: int


def _with_article_attacker(reports: list[Report],
                           unplaced: list[Sighting] = ()) -> list[Report]:
    """"A drone hit a house in Mykolaiv" in an article whose other strikes are Russia's: a
    strike whose sentence names no attacker is by the attacker the article names for its
    other strikes, when one state's or group's forces carry at least two thirds of them (as
    an ACLED coder reads the article, not the sentence). With no such majority, or none
    named, the report keeps what its sentence gives. Battles likewise, by the side the
    article's other battles name first ("heavy clashes erupted in Khartoum North"). The
    strikes of the same kind speak first: an unattributed air strike in an article of
    Israeli air strikes and Hezbollah rockets is Israel's, though neither side has two
    thirds of all its strikes."""
    out = reports
    for subtype in sorted({r.sub_event_type for r in reports if r.event_type in _REMOTE}):
        out = _with_family_actor(out, _REMOTE, subtype=subtype, unplaced=unplaced)
    out = _with_family_actor(out, _REMOTE, unplaced=unplaced)
    return _with_family_actor(out, frozenset({BATTLES}))


def _with_family_actor(reports: list[Report], family: frozenset[str], *,
                       subtype: str = "", unplaced: list[Sighting] = ()) -> list[Report]:
    """Unattributed reports of ``family`` (and of ``subtype``, when given) take the force
    that carries two thirds of the attributed ones (and of the ``unplaced`` sightings)."""
    def member(r: Report | Sighting) -> bool:
        return r.event_type in family and (not subtype or r.sub_event_type == subtype)

    seen = [*reports, *unplaced]
    # An unidentified attacker names nobody: it is no evidence of whose the others are.
    named = Counter(_force(r.actor1) for r in seen
                    if member(r) and r.actor1 and r.inter1 != 7
                    and not r.actor1.startswith("Unidentified"))
    if not named:
        return reports
    force, count = named.most_common(1)[0]
    if count / sum(named.values()) < _ATTACKER_SHARE:
        return reports
    model = next(r for r in seen if r.actor1 and _force(r.actor1) == force)
    out = []
    for r in reports:
        if member(r) and (not r.actor1 or r.actor1 == UNIDENTIFIED_MILITARY.name):
            actor = as_coded_for(Actor(force, model.inter1), r.sub_event_type)
            other = Actor(r.actor2, _inter2(r)) if r.actor2 else None
            r = replace(r, actor1=actor.name, inter1=actor.inter,
                        interaction=interaction(actor, other))
        out.append(r)
    return out


# ACLED's inter codes of non-state armed groups: rebels, political and identity militias.
_GROUP_INTERS = frozenset({2, 3, 4})


@lru_cache(maxsize=4)
def _definite_group(lang: str = "en") -> re.Pattern[str]:
    nouns = sorted(words(lang, "references")["group_fighters"], key=len, reverse=True)
    # "the rebels", "the armed group"; and a creed's kind of group ("Islamist militants").
    return re.compile(rf"\b(?:the (?:[\w-]+ )?|[A-Za-z]+ists? )"
                      rf"(?:{'|'.join(map(re.escape, nouns))})\b", re.IGNORECASE)


def _with_the_named_group(reports: list[Report]) -> list[Report]:
    """"The rebels captured the lakeside town" in an article whose only named non-state
    armed group is M23: "the rebels" are M23's, as a coder reads it. A report whose sentence
    refers back to "the rebels", "the militants", "the group" and names no group of its own
    (no actor, or ACLED's unidentified armed group) takes the one group the article's other
    reports name; with none or two named, it keeps what its sentence gives."""
    groups = {a for r in reports for a, inter in ((r.actor1, r.inter1), (r.actor2, _inter2(r)))
              if a and inter in _GROUP_INTERS and not a.startswith("Unidentified")}
    if len(groups) != 1:
        return reports
    (group,) = groups
    model = next(r for r in reports if group in (r.actor1, r.actor2))
    inter = model.inter1 if model.actor1 == group else _inter2(model)
    out = []
    for r in reports:
        if (not r.actor1 or r.actor1.startswith("Unidentified Armed Group")) and (
                _definite_group().search(r.excerpt)):
            actor = Actor(group, inter)
            other = Actor(r.actor2, _inter2(r)) if r.actor2 else None
            r = replace(r, actor1=group, inter1=inter, interaction=interaction(actor, other))
        out.append(r)
    return out


def _inter2(report: Report) -> int:
    """The second actor's inter code, from the report's interaction code (lower first)."""
    if not report.actor1:
        return report.interaction // 10
    low, high = divmod(report.interaction, 10)
    return high if low == report.inter1 else low


def _force(name: str) -> str:
    """A force whatever its branch: a state's air force is its military."""
    return name.removesuffix(" Air Force")


_CLAIMED_BEFORE = re.compile(r"\b(?:claim(?:ed|s|ing)?|boast(?:ed|s)?|alleged(?:ly)?)\b"
                             r"[^.;]{0,60}$", re.IGNORECASE)


def _as_claimed(sentence: str, figures: list[Figure]) -> list[Figure]:
    """Figures a side claims ("it claimed to have killed 40 enemy officers") keep their
    count, marked as a claim: an incident takes them only when no other report gives one."""
    return [replace(f, qualifier="claimed") if _CLAIMED_BEFORE.search(sentence, 0, f.start)
            else f for f in figures]


_DAYS_APART = re.compile(r"\b(?P<n>a|an|[a-z]+|\d{1,2})\s+"
                         r"(?:days?|nights?)\s+(?P<dir>after|before)\s+(?:[\w'’-]+\s+){0,5}$",
                         re.IGNORECASE)


def _days_apart(sentence: str, trigger_at: int) -> int:
    """Days from the sentence's date to an event it places relative to it: -1 for "a day
    after <the event>" (the event came first), +2 for "two days before <the event>"."""
    m = _DAYS_APART.search(sentence, max(0, trigger_at - 60), trigger_at)
    if m is None:
        return 0
    word = m.group("n").lower()
    # "a day after", else a count read as the figures read counts ("two", "12").
    n = 1 if word in ("a", "an") else parse_number(word)
    if not n:
        return 0
    return -n if m.group("dir").lower() == "after" else n


_RETOLD_WITHIN_DAYS = 3


def _dated_by_the_article(reports: list[Report], borrowed: set[int]) -> list[Report]:
    """A report dated only by another clause of its sentence ("Ukraine buried on Monday the
    victims of a strike on Sumy that killed 35") retells the event the article dates itself
    ("missiles hit Sumy on Sunday"): the same place and kind of event up to three days
    before takes its day. Reports dated by their own clause are never moved."""
    if not borrowed:
        return reports
    out = list(reports)
    for k in sorted(borrowed):
        r = reports[k]
        own = [o for j, o in enumerate(reports) if j not in borrowed and j != k
               and o.place.key == r.place.key and _family(o) == _family(r)
               and 0 < (r.date - o.date).days <= _RETOLD_WITHIN_DAYS]
        if own:
            first = max(own, key=lambda o: o.date)
            out[k] = replace(r, date=first.date, time_precision=first.time_precision,
                             date_text=first.date_text)
    return out


def _at_region_seats(reports: list[Report], resolutions: list[Resolution]) -> list[Report]:
    """A report only a region locates is put at the region's seat, at the region's
    precision, as ACLED codes it ("two people were killed in the Zhytomyr region" ->
    Zhytomyr, precision 3; ``geo.nlp.geoparse.with_seats``)."""
    seats = {r.place.key: r.seat for r in resolutions
             if r.place is not None and r.seat is not None}
    if not seats:
        return reports
    return [replace(r, place=seats[r.place.key], geo_precision=max(r.geo_precision, 3))
            if r.place.key in seats else r for r in reports]


def _add_figures(reports: list[Report], first_here: int, etype: str, place_key: str,
                 killed: tuple[Figure, ...], injured: tuple[Figure, ...]) -> None:
    """Give the sentence's report of ``etype`` at the place the figures it lacks."""
    for k in range(first_here, len(reports)):
        r = reports[k]
        if r.event_type == etype and r.place.key == place_key:
            reports[k] = replace(r, killed=r.killed or killed, injured=r.injured or injured)
            return


_INTERVENED = {"Excessive force against protesters", "Protest with intervention",
               "Violent demonstration", "Mob violence"}


def _as_acled_defines(sentence: str, event: EventMention, actor1: Actor | None,
                      actor2: Actor | None, figures: tuple[Figure, ...], country: str,
                      name: str, targets: tuple[str, ...] = ()
                      ) -> tuple[str, str, Actor | None, Actor | None]:
    """The event type and actors as ACLED's definitions make them, once the sides are known.

    - A protest the state's forces act on (dispersed, fired on) has them as the actor and
      the protesters as the other side, even when the forces go unnamed ("police").
    - A clash whose side is demonstrators is a violent demonstration by rioters: battles are
      between organised armed groups.
    - Civilians are never actor1 of a battle, explosion or attack: the victims are actor2
      and the attacker, unnamed, unidentified military forces (shelling, air strikes) or
      an unidentified armed group.
    - An attack with no weapon named whose victims, by the sentence's figures or by what
      it was aimed at (``targets``, the trigger's objects), are civilians and whose other
      side is not armed is an attack on civilians ("gunmen attacked the town, killing 30
      people", "fighters opened fire on villagers")."""
    etype, subtype = event.event_type, event.sub_event_type
    if actor1 is not None and actor1.inter == 7 and etype in _VIOLENT_TYPES:
        # Civilians are the side harmed, never the attacker: an attacker no one names is a
        # military when the weapons are (shelling, an air strike), else an unidentified
        # armed group ("a blast at a market killed four people").
        attacker = (UNIDENTIFIED_MILITARY if event.rule in _MILITARY_WEAPON_RULES
                    else unidentified_armed_group(name))
        actor1, actor2 = attacker, actor1
    protesters = Actor(f"Protesters ({name})" if name else "Protesters", 6)
    if subtype == "Peaceful protest" and actor1 is None:
        # ACLED's definition: a peaceful protest is by its protesters, named or not
        # ("thousands marched through the city").
        return etype, subtype, protesters, actor2
    if subtype in ("Excessive force against protesters", "Protest with intervention"):
        forces = state_forces_in_protest(sentence, event.start, event_country=country,
                                         country_name=name)
        if forces is not None and (actor1 is None or actor1.inter == 6):
            return etype, subtype, forces, protesters
        if actor1 is not None and actor1.inter != 6:
            return etype, subtype, actor1, actor2 or protesters
        return etype, subtype, actor1, actor2
    if subtype == "Violent demonstration" and (actor1 is None or actor1.inter == 6):
        # ACLED: the demonstrators of a violent demonstration are rioters.
        rioters = Actor(f"Rioters ({name})" if name else "Rioters", 5)
        forces = state_forces_in_protest(sentence, len(sentence), event_country=country,
                                         country_name=name)
        return etype, subtype, rioters, actor2 if actor2 is not None else forces
    if subtype == "Armed clash" and actor1 is not None and actor1.inter == 6:
        rioters = Actor(f"Rioters ({name})" if name else "Rioters", 5)
        forces = actor2 or state_forces_in_protest(sentence, len(sentence),
                                                   event_country=country, country_name=name)
        return RIOTS, "Violent demonstration", rioters, forces
    if etype == BATTLES and (actor2 is None or actor2.inter == 7) and (
            (event.rank <= WEAK_RANK
             and civilians_hurt([f.who for f in figures], country_name=name) is not None)
            or civilians_hurt(list(targets), country_name=name) is not None):
        return VIOLENCE_AGAINST_CIVILIANS, "Attack", actor1, actor2
    return etype, subtype, actor1, actor2


def _names_a_told_event(parsed: Doc, event: EventMention) -> bool:
    """Whether the trigger is a noun made definite ("the attack on Sumy", "the Majdal Shams
    strike", "Sunday's strike"): a reference to an event, as a reader takes it, not news of
    a new one."""
    node = next((t for t in parsed if event.start <= t.idx < event.end), None)
    if node is None:
        return False  # (the small pipeline tags no parts of speech: a determiner says noun)
    # The head noun of a compound trigger ("drone strike") carries the determiner.
    while node.dep_ == "compound" and node.head.i != node.i:
        node = node.head
    return any((c.dep_ == "det" and c.lower_ in ("the", "this", "that"))
               or c.dep_ == "poss" for c in node.children)


def _in_as_clause(parsed: Doc, event: EventMention) -> bool:
    """Whether the trigger stands in an adverbial clause opened by "as" ("as fighting for
    the city intensified", "as Russian troops kept up attacks"), by the parse."""
    node = next((t for t in parsed if event.start <= t.idx < event.end), None)
    for _ in range(8):
        if node is None:
            return False
        if node.dep_ == "advcl" and any(c.dep_ in ("mark", "prep") and c.lower_ == "as"
                                        for c in node.children):
            return True
        if node.head.i == node.i:
            return False
        node = node.head
    return False


def _trigger_objects(parsed: Doc, event: EventMention) -> tuple[str, ...]:
    """The plain nouns a trigger acts on, by the parse: "opened fire on villagers",
    "attacked residents" -> ("villagers",), ("residents",)."""
    heads = [t for t in parsed if event.start <= t.idx < event.end]
    out = []
    for head in heads:
        for child in head.children:
            if child.dep_ == "dobj":
                out.append(child.lemma_ if child.tag_ == "NNS" else child.text)
            elif child.dep_ == "prep" and child.lower_ in ("on", "at"):
                out.extend(g.text for g in child.children if g.dep_ == "pobj")
    return tuple(w.lower() for w in out)


def _drop_peaceful_beside_intervention(reports: list[Report], first_here: int) -> None:
    """"Protesters clashed with police as thousands marched": one happening, coded as the
    intervention or riot, not also as a peaceful protest at the same place. Reads only the
    sentence's own reports (from ``first_here``), so a long article is not rescanned."""
    here = reports[first_here:]
    intervened = {r.place.key for r in here if r.sub_event_type in _INTERVENED}
    if not intervened:
        return
    dropped = [r for r in here if r.sub_event_type == "Peaceful protest"
               and r.place.key in intervened]
    kept = [r for r in here if r not in dropped]
    # The protest's own figures ("three protesters were killed when police opened fire")
    # belong to the one happening: the report that keeps it gets what it lacks.
    for gone in dropped:
        for k, r in enumerate(kept):
            if r.place.key == gone.place.key and r.sub_event_type in _INTERVENED:
                kept[k] = replace(r, killed=r.killed or gone.killed,
                                  injured=r.injured or gone.injured)
                break
    reports[first_here:] = kept


def _actors(sentence: str, event: EventMention, parsed: Doc,
            named: list[tuple[int, int, Place]], country: str, name: str,
            following: str, aliases: dict[str, str], mentions: list[tuple[int, int]],
            ) -> tuple[Actor | None, list[Actor]]:
    """Who acted, and the other sides named, nearest first. In the active order the actor is
    named before the trigger and the sides after it (``find_actor``, ``find_targets``). A
    passive clause with its agent written reverses that, and the parse says so: "Ukrainian
    positions were shelled by Russian forces" has Russia's forces as the actor and
    Ukraine's as the other side."""
    targets = find_targets(sentence, event.start, named, event_country=country,
                           country_name=name, after=following)
    roles = passive_roles(parsed, event.start, event.end)
    if (roles is not None and roles.patient is None
            and event.sub_event_type == "Disrupted weapons use"):
        roles = None  # "shot down a rocket launched by Russian aircraft": who fired it fell
    if roles is not None and roles.agent is not None:
        agent = find_actor(sentence, roles.agent[1], named, event_country=country,
                           country_name=name, since=roles.agent[0])
        if agent is None:  # "fired by M23 rebels": a group ACLED knows by name
            found = find_group(sentence, roles.agent[0], roles.agent[1])
            agent = found.actor if found is not None else None
        if agent is not None:
            patients: list[Actor] = []
            if roles.patient is not None:
                p_start, p_end = roles.patient
                patients = find_targets(sentence[:p_end], p_start - 1,
                                        [n for n in named if n[1] <= p_end],
                                        event_country=country, country_name=name)
                victims = civilians_hurt([roles.patient_noun], country_name=name)
                if not patients and victims is not None:
                    patients = [victims]
            return (as_coded_for(agent, event.sub_event_type),
                    patients + [t for t in targets if t.name != agent.name])
    # The trigger's own subject, from the parse, before the nearest side named before it:
    # "Russian forces shot down a Ukrainian jet and shelled X" is Russia's shelling.
    subject = subject_span(parsed, event.start, event.end)
    actor = None
    if subject is not None and subject[1] <= event.start:
        actor = find_actor(sentence, subject[1], named, event_country=country,
                           country_name=name, since=subject[0])
    if actor is None:
        actor = find_actor(sentence, event.start, named, event_country=country,
                           country_name=name)
    if actor is None and subject is not None and subject[1] <= event.start:
        actor = state_as_subject(sentence, subject, named, event_country=country)
    if actor is None and event.sub_event_type == "Disrupted weapons use":
        # The side that claims an interception made it: "the Polish army said it brought down
        # two drones" is Poland's, though its army only speaks.
        actor = find_actor(sentence, event.start, named, event_country=country,
                           country_name=name, speakers=True)
    if actor is None and (subject is None or subject[1] <= event.start):
        actor = subject_group(parsed, subject, event.start, aliases, mentions)
    if actor is not None and actor.inter == 2 and actor.name in aliases:
        actor = Actor(aliases[actor.name], actor.inter)  # "RSF" the article spelt out
    actor = _as_named_group(actor, sentence, event, subject)
    return as_coded_for(actor, event.sub_event_type), [t for t in targets
                                                       if actor is None or t.name != actor.name]


def _as_named_group(actor: Actor | None, sentence: str, event: EventMention,
                    subject: tuple[int, int] | None) -> Actor | None:
    """A group ACLED knows by name (``geo.nlp.groups``) is named as ACLED names it ("the
    RSF", "Houthi rebels"), and is the actor when the sentence names it before the trigger
    and no state's forces were found ("Fighters from the RSF attacked a village")."""
    # "a Houthi drone attack", "an RSF assault": the group that qualifies the trigger's own
    # noun phrase did it, whoever else the sentence names first.
    own = find_group(sentence, max(0, event.start - 30), event.start)
    if own is not None and re.fullmatch(r"(?:\s+[a-z][\w-]*){0,2}\s+",
                                        sentence[own.end:event.start] or " "):
        return own.actor
    if subject is not None and subject[1] <= event.start:
        # "M23 fighters and the Congolese army clashed": the side the subject names first.
        first = find_group(sentence, subject[0], subject[1])
        if first is not None and not sentence[subject[0]:first.start].strip(" ,'\"").replace(
                "the", "").strip():
            return first.actor
    if actor is not None:
        known = canonical_group(actor.name)
        if known is not None:
            return known
        if actor.inter != 2:
            return actor  # a state's forces, protesters, civilians: found by their own rules
    since = subject[0] if subject is not None and subject[1] <= event.start else 0
    found = find_group(sentence, since, event.start)
    if found is None and subject is not None and since:
        found = find_group(sentence, 0, event.start)
    return found.actor if found is not None else actor


def _victims_as_second_actor(report: Report, country_names: dict[str, str]) -> Report:
    """A report whose armed actor hurt civilians, by its own figures, has them as its second
    actor ("shelled Derhachi, wounding one civilian"; the toll of the next sentence too)."""
    if report.actor2 or not report.actor1 or report.inter1 == 7:
        return report
    name = country_names.get(report.place.country_code, "")
    victims = civilians_hurt([f.who for f in (*report.killed, *report.injured)],
                             country_name=name)
    if victims is None and report.event_type == "Violence against civilians":
        # ACLED's definition: violence against civilians has unarmed non-combatants as its
        # target, so "Russian forces tortured a man" has civilians as the other side.
        victims = Actor(f"Civilians ({name})" if name else "Civilians", 7)
    if victims is None:
        return report
    return replace(report, actor2=victims.name,
                   interaction=interaction(Actor(report.actor1, report.inter1), victims))


_TOLL_REACH = 4  # sentences back to the attack whose wave a toll elsewhere belongs to


def _toll_elsewhere(text: str, s_start: int, s_end: int, reports: list[Report],
                    here: list[Resolution], dates: list[DateRef],
                    position: dict[int, int]) -> Report | None:
    """"In Vinnytsia, two people died and four were hurt on Tuesday": a sentence with a
    toll and a town of its own, but no word for an attack, right after the article's
    reports of an attack wave, tells one more place the wave hit, by the same attacker with
    the same weapons. None when the sentence's place is the last report's (its toll is
    that report's, ``_add_following_figures``), when the toll counts a span of time, or
    when no attack was reported in the sentences just before."""
    last = reports[-1] if reports else None
    if last is None or last.event_type != EXPLOSIONS:
        return None
    if position.get(s_start, 0) - position.get(last.sentence_start, -99) > _TOLL_REACH:
        return None
    towns = [r for r in here if r.place is not None and r.place.feature in ("city", "region")
             and r.role != "qualifier" and r.mention.pattern != "demonym"
             # "the Gaza Civil Defence said": a place inside an organisation's name
             and not re.match(r"\s+[A-Z]", text[r.mention.end:r.mention.end + 2])]
    if len(towns) != 1 or towns[0].place.key == last.place.key:
        return None
    sentence = text[s_start:s_end]
    if tells_a_span(sentence, last.published or last.date):
        return None
    figures = [_in_article(f, s_start) for f in find_casualties(sentence)]
    killed = tuple(f for f in figures if f.kind == "killed")
    injured = tuple(f for f in figures if f.kind == "injured")
    if not (killed or injured):
        return None
    town = towns[0]
    date_ref = _date_for(dates, s_start, s_end, town.mention.start)
    day, tp, date_text = ((date_ref.date, date_ref.precision, date_ref.text)
                          if date_ref is not None else (last.date, last.time_precision, ""))
    return replace(
        last, sentence_start=s_start, sentence_end=s_end, excerpt=sentence,
        trigger="", place=town.place, mention_start=town.mention.start,
        mention_end=town.mention.end, mention_text=town.mention.text,
        geo_precision=_geo_precision(town.place, False), date=day, time_precision=tp,
        date_text=date_text, killed=killed, injured=injured)


def _add_following_figures(text: str, s_start: int, s_end: int, reports: list[Report],
                           position: dict[int, int], sentences: list[tuple[int, int]],
                           triggers: dict[int, list[EventMention]]) -> None:
    """"Russian forces shelled Slovyansk. 1 civilian was killed.": casualties told in the next
    sentence (with no event of its own) belong to the report just before, for the kinds
    (killed, injured) it has none of.
    Only the last report of that sentence gets them: a list of places hit gives no figure
    to split."""
    if not reports or (reports[-1].killed and reports[-1].injured
                       and not _TOLL_WORD.search(text, s_start, s_end)):
        return  # nothing to add (a toll updated replaces, so a toll word reads on)
    here = position.get(s_start, -1)
    there = position.get(reports[-1].sentence_start, -10)
    # The next sentence of the same paragraph, or the one after a sentence that tells no
    # event and no toll ("Civilian infrastructure was damaged. 1 civilian was killed."):
    # further on, a figure is as likely a toll of the whole war ("Hundreds have been killed
    # since February 24").
    between = text[reports[-1].sentence_end:s_start]
    if here - there not in (1, 2) or "\n" in between:
        return
    # A sentence between that tells only damage ("Several houses were destroyed": a weak
    # trigger, no weapon) is about the same attack; another attack or toll is not.
    if here - there == 2 and (any(e.rank > WEAK_RANK
                                  for e in triggers.get(sentences[there + 1][0], []))
                              or find_casualties(between)):
        return
    last = reports[-1]
    if tells_a_span(text[s_start:s_end], last.published or last.date):
        return  # "The conflict has cost 20,000 lives since 2015": a toll of the war
    found = find_casualties(text[s_start:s_end])
    figures = [_in_article(f, s_start) for f in found]
    # Only what the report lacks: "killing a child. Another child was wounded." A toll
    # updated ("the death toll later rose to six") is the latest count of the same dead,
    # and ACLED codes the latest: it replaces the report's.
    update = tuple(_in_article(f, s_start) for f in found
                   if is_toll_update(text[s_start:s_end], f))
    killed = update or last.killed or tuple(f for f in figures if f.kind == "killed")
    injured = last.injured or tuple(f for f in figures if f.kind == "injured")
    if (killed, injured) != (last.killed, last.injured):
        # The excerpt grows to cover the figures' sentence.
        reports[-1] = replace(last, killed=killed, injured=injured, sentence_end=s_end,
                              excerpt=text[last.sentence_start:s_end])


_TOLL_WORD = re.compile(r"\b(?:tolls?|number of (?:the )?(?:dead|deaths))\b", re.IGNORECASE)


def _in_article(figure: Figure, s_start: int) -> Figure:
    """A figure found in the sentence at ``s_start``, its offsets made the article's."""
    return replace(figure, start=figure.start + s_start, end=figure.end + s_start)


def _event_timezone(resolutions: list[Resolution]) -> str:
    zones = Counter(r.place.timezone for r in resolutions
                    if r.place is not None and r.place.timezone)
    return zones.most_common(1)[0][0] if zones else ""


def _nearest_event(figure: Figure, events: list[EventMention],
                   parsed: Doc | None = None) -> EventMention:
    """The trigger a figure belongs to: the one its clause names, by the parse ("air strikes
    on X killed 16 people, ..., and a strike on Y killed at least 10": each toll is its own
    subject's), else the verb it is the object of ("gunmen killed 12 villagers in an attack
    on X": the killing's, not the attack's after it), else the next one after it ("one crew
    member was killed in a blast at Olvia"), else the nearest."""
    if parsed is not None and len(events) > 1:
        clause = _clause_event(figure, events, parsed)
        if clause is not None:
            return clause
    governing = [e for e in events if 0 <= figure.start - e.end <= _VERB_TO_OBJECT]
    if governing:
        return max(governing, key=lambda e: e.end)
    following = [e for e in events if 0 <= e.start - figure.end <= _FIGURE_TO_TRIGGER]
    if following:
        return min(following, key=lambda e: e.start)
    middle = (figure.start + figure.end) / 2
    return min(events, key=lambda e: abs((e.start + e.end) / 2 - middle))


_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj"})
_FRONTED = frozenset({"advcl", "npadvmod"})


def _clause_event(span: Figure | DateRef | tuple[int, int], events: list[EventMention],
                  parsed: Doc) -> EventMention | None:
    """The trigger of the clause a figure or a date (``span``, sentence offsets) belongs to:
    up the parse from it, the first word that is a trigger itself, or whose subject holds
    one ("strikes ... killed 16 people on Saturday": the strikes' toll and day)."""
    start, end = span if isinstance(span, tuple) else (span.start, span.end)
    # From the count itself ("16" of "at least 16"): its head leads to the verb.
    inside_figure = [t for t in parsed if start <= t.idx < end]
    node = inside_figure[-1] if inside_figure else None
    for _ in range(10):  # a figure is a few steps below its verb
        if node is None:
            return None
        own = [e for e in events if e.start <= node.idx < e.end]
        if own:
            return own[0]
        # The subject nearest before the verb: the small parser may hang two clauses'
        # subjects on one verb ("a strike ... killed 16, and a strike ... killed four").
        # A sentence-initial noun the small parser hung as a clause ("Shelling by the RSF
        # killed seven": "Shelling" advcl, "Forces" nsubj) is the subject all the same.
        subjects = sorted((c for c in node.children if c.dep_ in _SUBJECTS or (
                               c.dep_ in _FRONTED and c.i == c.sent.start < node.i)),
                          key=lambda c: (c.i > node.i, -c.i if c.i < node.i else c.i))
        for child in subjects:
            first, last = child.left_edge, child.right_edge
            inside = [e for e in events if first.idx <= e.start < last.idx + len(last.text)]
            if inside:
                return max(inside, key=lambda e: (e.rank, e.start))
        if node.head.i == node.i:
            return None
        node = node.head
    return None


def _owners_of(parsed: Doc, event: EventMention, mentions: list[Resolution],
               s_start: int) -> frozenset[int]:
    """The mentions (article offsets of their starts) that own the trigger in the parse
    ("Moscow's new offensive", "Israel's strikes") while the sentence names another place:
    the owner says who did it, a metonym for its state, and the other place is where."""
    if len(mentions) < 2:
        return frozenset()
    owners = set()
    for r in mentions:
        start, end = r.mention.start - s_start, r.mention.end - s_start
        if any(start <= t.idx < end and t.dep_ == "poss"
               and event.start <= t.head.idx < event.end for t in parsed):
            owners.add(r.mention.start)
    return frozenset(owners) if len(owners) < len(mentions) else frozenset()


def _locations(text: str, mentions: list[Resolution], trigger_at: int, event: EventMention,
               distance_subject: Resolution | None, *, owners: frozenset[int] = frozenset()
               ) -> list[tuple[Place, int, int, int, str]]:
    candidates = []
    # "rockets at a base south of Haifa": a reference point locates a strike only when
    # nothing else in its sentence does (then near it, precision 2) -- still closer than the
    # place of the sentence before.
    fallback = []
    for r in mentions:
        if _part_of_the_town_before(text, r):
            continue  # "the city's X district": the town the sentence before named
        if r.mention.start in owners:
            continue  # "as Moscow's new offensive ...": who did it, not where
        town = _inside_town(text, r, mentions)
        near_town = town is not None
        if near_town:
            r = town
        place = r.place
        assert place is not None
        before = text[max(0, r.mention.start - 45):r.mention.start]
        if place.feature == "continent" or not _may_locate(place, event, before):
            continue
        after = text[r.mention.end:r.mention.end + 40]
        if place.feature in ("city", "country") and _METONYM_AFTER.match(after):
            continue
        if place.feature in ("city", "region") and _SPEAKERS_SEAT_AFTER.match(after):
            fallback.append(((_SPECIFICITY.get(place.feature, 5) + 2,
                              abs(r.mention.start - trigger_at)), r, _geo_precision(place, False)))
            continue
        origin_window = text[max(0, r.mention.start - _ORIGIN_REACH):r.mention.start]
        if _DESTINATION_BEFORE.search(before) or _origin_pattern().search(origin_window):
            continue  # where people went, or where a weapon came from: not where it hit
        reference = _REFERENCE_BEFORE.search(before) is not None
        if reference and distance_subject is not None:
            r, reference = distance_subject, False  # the town the distance is stated for
            place = r.place
        elif reference and (event.event_type not in _REFERENCE_TYPES
                            or abs(r.mention.start - trigger_at) > _REFERENCE_REACH):
            if abs(r.mention.start - trigger_at) <= _REFERENCE_REACH:
                fallback.append(((_SPECIFICITY.get(place.feature, 5) + 2,
                                  abs(r.mention.start - trigger_at)), r,
                                 _geo_precision(place, True)))
            continue
        # "Shostka district" read as its centre town: near it, as ACLED codes a raion.
        near = (near_town or _NEAR_BEFORE.search(before) is not None
                or r.mention.pattern == "computed"
                or (r.mention.pattern == "region" and place.feature == "city"))
        distance = abs(r.mention.start - trigger_at)
        if r.mention.start < trigger_at:
            distance *= 2.5  # objects follow their verb more often than subjects precede it
        rank = (_SPECIFICITY.get(place.feature, 5) + (2 if reference else 0), distance)
        precision = _geo_precision(place, near or reference)
        candidates.append((rank, r, precision))
    candidates = candidates or fallback
    if not candidates:
        return []
    candidates.sort(key=lambda c: c[0])
    best_rank, best, best_precision = candidates[0]
    # "bombed Kharkiv ..., with a shell striking the Freedom Square": the landmark in the town.
    for rank, r, precision in candidates:
        if r.place.feature == "landmark" and best.place.feature == "city" and haversine_km(
                r.place.lat, r.place.lon, best.place.lat, best.place.lon) <= _SAME_TOWN_KM:
            best_rank, best, best_precision = rank, r, precision
            break
    chosen = [(best, best_precision)]
    # A list after the trigger: "of Kyiv and the strategic cities of Kharkiv, Chernihiv, and
    # Mariupol" names every place hit.
    ordered = sorted((c for c in candidates if c[1].mention.start > trigger_at),
                     key=lambda c: c[1].mention.start)
    if ordered and ordered[0][1] is best:
        for (_, prev, _), (rank, nxt, precision) in zip(ordered, ordered[1:], strict=False):
            gap = text[prev.mention.end:nxt.mention.start]
            if rank[0] != best_rank[0] or not _LIST_GAP.match(gap):
                break
            chosen.append((nxt, precision))
    seen = set()
    out = []
    for r, precision in chosen:
        if r.place.key not in seen:
            seen.add(r.place.key)
            out.append((r.place, precision, r.mention.start, r.mention.end, r.mention.text))
    return out


@lru_cache(maxsize=4)
def _origin_pattern(lang: str = "en") -> re.Pattern[str]:
    """"drones launched by Russia from the Kursk region", "missiles fired from Crimea",
    "bombers circling over the Black Sea": the place a weapon came from (launch verbs from
    ``geo/lang/<code>/places.json``)."""
    data = words(lang, "places")
    launch = "|".join(re.escape(w) for w in data["launch_verbs"])
    flying = "|".join(re.escape(w) for w in data["flying"])
    return re.compile(rf"(?:\b(?:{launch})\b[^.;:]{{0,100}}\bfrom|\b(?:{flying}))\s+"
                      r"(?:the\s+)?(?:[\w'’-]+\s+){0,3}$", re.IGNORECASE)


@lru_cache(maxsize=4)
def _town_parts(lang: str = "en") -> tuple[frozenset[str], re.Pattern[str]]:
    """The words for a part of a town (``geo/lang/<code>/places.json``), and the pattern of
    one right after a name, with the "of" that may follow it ("district of the city of")."""
    parts = words(lang, "places")["town_parts"]
    alternatives = "|".join(re.escape(w) for w in parts)
    return (frozenset(w.lower() for w in parts),
            re.compile(rf"\s+(?:{alternatives})\b(?:\s+of\s+(?:the\s+)?(?:city\s+of\s+)?)?",
                       re.IGNORECASE))


def _part_of_the_town_before(text: str, r: Resolution, lang: str = "en") -> bool:
    """"the city's Shevchenkivskyi district": a part of a town the article named before,
    never a place of its own (the report then goes on about that town)."""
    parts, after = _town_parts(lang)
    return (re.search(r"\b(?:the|that)\s+(?:city|town|village|capital)(?:'s|’s)\s+$",
                      text[max(0, r.mention.start - 30):r.mention.start], re.IGNORECASE)
            is not None and (
                after.match(text, r.mention.end, r.mention.end + 40) is not None
                # "Shevchenkivskyi district" read as one name
                or r.mention.text.rsplit(" ", 1)[-1].lower() in parts))


def _inside_town(text: str, r: Resolution, mentions: list[Resolution],
                 lang: str = "en") -> Resolution | None:
    """"the Slobidskyi district of Kharkiv", "the Shakhtarskyi micro-district of Toretsk",
    "Kharkiv's Saltivskyi district": a part of a town named beside it is read as that town
    (precision 2), never as a namesake of the part elsewhere."""
    after = _town_parts(lang)[1].match(text, r.mention.end, r.mention.end + 40)
    if after is None:
        return None
    if after.group().rstrip().endswith(("of", "Of", "OF")):
        at = after.end()
        return next((m for m in mentions if m.mention.start == at and m.place is not None
                     and m.place.feature == "city"), None)
    # "Kharkiv's Saltivskyi district", "Gaza City's Shejaiya neighbourhood": the town owns it.
    owner = re.search(r"(?:'s|’s)\s+(?:the\s+)?$", text[max(0, r.mention.start - 6):
                                                          r.mention.start])
    if owner is None:
        return None
    end = r.mention.start - len(owner.group())
    return next((m for m in mentions if m.mention.end == end and m.place is not None
                 and m.place.feature == "city"), None)


def _may_locate(place: Place, event: EventMention, before: str) -> bool:
    """Countries locate protests ("Protests in Russia") and, as venues, agreements ("talks in
    Belarus"); as parties ("Ukraine and Russia have agreed") they locate nothing."""
    if place.feature != "country":
        return True
    if event.event_type in _COUNTRY_LEVEL_TYPES:
        return True
    return event.sub_event_type in _COUNTRY_LEVEL_SUBTYPES and before.rstrip().endswith(
        ("in", "in western", "in eastern", "in northern", "in southern"))


def _geo_precision(place: Place, near: bool) -> int:
    if is_estimated(place):
        return 2  # a village at its hromada's centre, a raion or hromada at its seat
    if place.feature in ("country", "continent", "region", "area"):
        return 3
    if place.feature in ("water", "computed"):
        return 2
    return 2 if near else 1


def _date_start(ref: DateRef) -> int:
    return ref.start


def _date_for(dates: list[DateRef], s_start: int, s_end: int, trigger_at: int, *,
              clause: tuple[EventMention, list[EventMention], Doc] | None = None,
              ) -> DateRef | None:
    """The date of the trigger at ``trigger_at``: of the sentence's dates, those of its own
    clause by the parse ("a strike on X killed 16 on Saturday, and a strike on Y killed four
    on Sunday"), else the most precise nearest it."""
    # ``dates`` are in text order (``find_dates``): the sentence's are found by bisection, not
    # by scanning the article's every date for every event (quadratic on event-dense text).
    inside = dates[bisect_left(dates, s_start, key=_date_start):
                   bisect_left(dates, s_end, key=_date_start)]
    if not inside:
        return None
    if clause is not None and len(clause[1]) > 1:
        event, events, parsed = clause
        own = [d for d in inside if _clause_event((d.start - s_start, d.end - s_start),
                                                  events, parsed) is event]
        inside = own or inside
    return min(inside, key=lambda d: (d.precision, abs(d.start - trigger_at)))


_DOWNED_WEAPON = re.compile(r"\s+(?:[\w-]+\s+){0,2}?(?:drones?|missiles?|rockets?|shaheds?|"
                            r"uavs?)\b", re.IGNORECASE)
# "An armed group said on Sunday it had captured ...": the day words right after a verb of
# saying date the statement; the event is that day or before, whatever the parse attached.
_SAID_ON = re.compile(rf"\b(?:{SPEECH_VERBS})\s+(?:(?:late|early)\s+)?(?:on\s+)?$",
                      re.IGNORECASE)
def _sentence_of(starts: list[int], offset: int) -> int:
    """The start of the sentence holding ``offset`` (or the nearest before it)."""
    i = bisect_right(starts, offset) - 1
    return starts[max(i, 0)] if starts else 0


def _continued(reports: list[Report], event: EventMention, s_start: int,
               position: dict[int, int]) -> Report | None:
    """The report this sentence goes on about: the same type, one or two sentences back."""
    # Past this sentence's own reports: its second trigger goes on about the sentence
    # before, as its first does ("Protesters there threw stones, and police beat them").
    k = len(reports) - 1
    while k >= 0 and reports[k].sentence_start == s_start:
        k -= 1
    if k < 0:
        return None
    # Of that sentence's reports, the first of the same kind: its main clause ("Warplanes
    # struck the port on Saturday, a day after a drone attack on X" goes on about the port).
    prev_start = reports[k].sentence_start
    while k > 0 and reports[k - 1].sentence_start == prev_start:
        k -= 1
    same = [r for r in reports[k:] if r.sentence_start == prev_start
            and _family(r) == _event_family(event)]
    last = same[0] if same else reports[k]
    here = position.get(s_start, 0)
    there = position.get(last.sentence_start, -10)
    if _family(last) == _event_family(event) and 0 < here - there <= 2:
        return last
    return None


def _talks_venue(text: str, by_sentence: dict[int, list[Resolution]],
                 sentences: list[tuple[int, int]]) -> list[tuple[Place, int, int, int, str]]:
    """Where talks were held: the most specific place in a sentence about talks."""
    best = None
    for s_start, s_end in sentences:
        if s_start not in by_sentence or not _TALKS.search(text, s_start, s_end):
            continue
        for r in by_sentence[s_start]:
            if r.place.feature != "continent" and (
                text[max(0, r.mention.start - 25):r.mention.start].rstrip().endswith(
                    ("in", "in western", "in eastern", "in southern", "in northern", ","))
            ):
                rank = _SPECIFICITY.get(r.place.feature, 5)
                if best is None or rank < best[0]:
                    best = (rank, r)
    if best is None:
        return []
    r = best[1]
    return [(r.place, _geo_precision(r.place, False), r.mention.start, r.mention.end,
             r.mention.text)]


# ---------------------------------------------------------------------------------------------
# Merging


def merge_reports(reports: list[Report], groups: dict[str, int] | None = None) -> list[Incident]:
    """Merge reports of the same happening into incidents.

    Two reports merge when their event types are compatible (equal), their places are the
    same or one contains the other (a city inside a region-level report's region, a landmark
    within 15 km of a city), and their days differ by no more than their precision allows
    (0 days at day precision, 1 for one-off events such as a capture, 7 at week precision).

    Near-linear in reports: each report is compared only with the clusters an index
    (``_ClusterIndex``) returns for its type, region, 32-day window and place, never with
    every cluster of its type and region.

    Args:
        reports: reports of any number of articles.
        groups: article id -> independent-source group (``independent_groups``).

    Returns:
        Incidents sorted by date, then location.
    """
    groups = groups or {}
    index = _ClusterIndex()
    # Most precise reports first, so each cluster is anchored on a town and a day: a report
    # joins the first cluster (in order of creation) whose anchor (first report) it matches.
    for report in sorted(reports, key=lambda r: (r.geo_precision, r.time_precision, r.date,
                                                 r.article, r.sentence_start)):
        for cluster in index.candidates(report):
            if _same_happening(report, cluster[0]):
                cluster.append(report)
                break
        else:
            index.add([report])
    incidents = [incident_from_reports(c, groups) for c in index.clusters]
    return with_event_ids(sorted(incidents, key=lambda i: (i.event_date, i.location,
                                                           i.event_type)))


_FINE = frozenset({"city", "landmark", "computed"})
_WINDOW_DAYS = 32  # wider than the longest tolerance (31 days): adjacent windows cover it
_CELL = _SAME_TOWN_KM / 6371.0  # cube side on the unit sphere: 15 km of chord


class _ClusterIndex:
    """Clusters looked up by what ``_same_happening`` needs, so a report is compared with
    the few clusters that could match, never with every cluster of its type and region.

    Every anchor that can match a report shares with it the event type, the region (the
    place's first-level unit, or the place itself) and a 32-day window or a neighbouring
    one, and then either its place key, or (a town and a region-level report of the same
    region) the other's level, or (a landmark and a town within 15 km) a grid cell or a
    neighbouring one. Candidates come back in order of creation, so the first match is the
    one the plain scan would find.
    """

    def __init__(self) -> None:
        self.clusters: list[list[Report]] = []
        self._by_key: dict[tuple, list[int]] = {}
        self._points: set[str] = set()  # buckets with a landmark or computed anchor

    def add(self, cluster: list[Report]) -> None:
        anchor, n = cluster[0], len(self.clusters)
        self.clusters.append(cluster)
        for key in self._keys(anchor, day_window(anchor.date)):
            self._by_key.setdefault(key, []).append(n)

    def candidates(self, report: Report) -> list[list[Report]]:
        found: set[int] = set()
        window = day_window(report.date)
        for w in (window - 1, window, window + 1):
            for key in self._queries(report, w):
                found.update(self._by_key.get(key, ()))
        return [self.clusters[n] for n in sorted(found)]

    @staticmethod
    def _bucket(report: Report) -> str:
        return merge_block(report)[0]

    def _keys(self, anchor: Report, window: int) -> list[tuple]:
        bucket, place = self._bucket(anchor), anchor.place
        keys: list[tuple] = [(bucket, window, "place", place.key)]
        if place.feature in _FINE:
            keys.append((bucket, window, "fine"))
            kind = "town" if place.feature == "city" else "point"
            if kind == "point":
                self._points.add(bucket)
            keys.append((bucket, window, kind, *_cell(place)))
        elif place.feature == "region":
            keys.append((bucket, window, "region"))
        return keys

    def _queries(self, report: Report, window: int) -> list[tuple]:
        bucket, place = self._bucket(report), report.place
        keys: list[tuple] = [(bucket, window, "place", place.key)]
        if place.feature in _FINE:
            keys.append((bucket, window, "region"))
            # A town joins a point beside it and a point a town; two towns, two points never.
            other = "point" if place.feature == "city" else "town"
            if other == "town" or bucket in self._points:
                x, y, z = _cell(place)
                keys.extend((bucket, window, other, x + dx, y + dy, z + dz)
                            for dx in (-1, 0, 1) for dy in (-1, 0, 1) for dz in (-1, 0, 1))
        elif place.feature == "region":
            keys.append((bucket, window, "fine"))
        return keys


def merge_block(report: Report) -> tuple[str, int]:
    """The report's blocking key: its type and region, and its 32-day window. Only reports
    of one type and region, in the same or adjacent windows, can ever be merged (the store
    re-merges only the blocks an article touches)."""
    region = report.place.admin1_code or report.place.key
    return f"{_family(report)}|{region}", day_window(report.date)


def day_window(day: dt.date) -> int:
    """The 32-day window a day falls in (``merge_block``'s; the store indexes reports by it)."""
    return day.toordinal() // _WINDOW_DAYS


def _cell(place: Place) -> tuple[int, int, int]:
    # A grid on the 3-D unit vector, not on latitude and longitude: no seam at the date line
    # and no cell narrower than a town near the poles. Points 15 km apart on the ground are
    # at most 15 km apart in a straight line, so in the same or a neighbouring cube.
    lat, lon = math.radians(place.lat), math.radians(place.lon)
    return (int(math.floor(math.cos(lat) * math.cos(lon) / _CELL)),
            int(math.floor(math.cos(lat) * math.sin(lon) / _CELL)),
            int(math.floor(math.sin(lat) / _CELL)))


# One demonstration, however each report tells it: ACLED codes it once, by the most severe
# thing that happened in it (rioting over lethal force over an intervention over a peaceful
# march).
DEMONSTRATION_SEVERITY = ("Violent demonstration", "Excessive force against protesters",
                          "Protest with intervention", "Peaceful protest")


def _family(report: Report) -> str:
    """The event type a report merges under: a violent demonstration merges with the protest
    it grew out of."""
    if report.sub_event_type in DEMONSTRATION_SEVERITY:
        return PROTESTS
    return report.event_type


def _event_family(event: EventMention) -> str:
    return PROTESTS if event.sub_event_type in DEMONSTRATION_SEVERITY else event.event_type


def _same_happening(a: Report, b: Report) -> bool:
    if _family(a) != _family(b):
        return False
    if a.article == b.article and a.date != b.date and _own_day(a) and _own_day(b):
        # One writer's two days are two events ("shelling killed seven in the camp on
        # Sunday ... on Saturday, a shell hit the hospital"): the day tolerance below is
        # for outlets that date one event differently, never for one article's own days.
        return False
    demonstration = a.sub_event_type in DEMONSTRATION_SEVERITY
    if demonstration:
        # Reports of one demonstration: the same place and the same day, any sub-type.
        return (_same_place(a.place, b.place) and a.time_precision == b.time_precision == 1
                and a.date == b.date)
    if a.event_type in _SUBTYPE_STRICT and a.sub_event_type != b.sub_event_type:
        return False
    if not _same_place(a.place, b.place):
        return False
    if a.place.key != b.place.key and {a.place.feature, b.place.feature} & {"landmark",
                                                                          "computed"}:
        # "A shell hit Freedom Square on 1 March" is not "Kharkiv was blasted" reported two
        # days later: a landmark joins its town only for reports of the very same day.
        return a.time_precision == b.time_precision == 1 and a.date == b.date
    precision = max(a.time_precision, b.time_precision)
    tolerance = _TOLERANCE_DAYS[precision]
    if precision == 1 and a.sub_event_type in _ONE_OFF and b.sub_event_type in _ONE_OFF:
        tolerance = 1
    if (a.time_precision == 1) != (b.time_precision == 1):
        vague, dated = (a, b) if b.time_precision == 1 else (b, a)
        # "Kherson has fallen" (dated by its publication) is the capture dated to the day
        # only in the same news cycle. An article published days later never pulls an
        # earlier day's reports onto its date (the 3 March "Kharkiv blasted" must not become
        # a 28 February strike because a 7 March article mentions one).
        if vague.published is None or dated.published is None or abs(
                (vague.published - dated.published).days) > 1:
            return False
        # What a vague report tells happened on its day or in the days before, never after.
        return 0 <= (vague.date - dated.date).days <= tolerance
    return abs((a.date - b.date).days) <= tolerance


def _own_day(report: Report) -> bool:
    """Whether the report's sentence gives its event a day of its own: day words of the
    sentence, not those of a statement about it ("said on Sunday it had captured")."""
    if not report.date_text or report.time_precision != 1:
        return False
    at = report.excerpt.find(report.date_text)
    return at < 0 or _SAID_ON.search(report.excerpt, max(0, at - 30), at) is None


def _same_place(a: Place, b: Place) -> bool:
    if a.key == b.key:
        return True
    if a.feature in _FINE and b.feature in _FINE:
        # A landmark (or a computed point) and a town around it; two towns are two places.
        return "city" in (a.feature, b.feature) and a.feature != b.feature and haversine_km(
            a.lat, a.lon, b.lat, b.lon) <= _SAME_TOWN_KM
    if a.feature == "region" and b.feature in _FINE:
        return bool(a.admin1_code) and a.admin1_code == b.admin1_code
    if b.feature == "region" and a.feature in _FINE:
        return bool(b.admin1_code) and b.admin1_code == a.admin1_code
    return False


_TRANSFER = "Non-violent transfer of territory"
# ACLED's Battles sub-types in which a side wins a place.
_TERRITORY_WON = frozenset({"Non-state actor overtakes territory",
                            "Government regains territory"})


def incident_from_reports(reports: list[Report], groups: dict[str, int]) -> Incident:
    """One incident from reports of one happening: place and day from the most precise
    reports, figures by the documented rule, the type most reports give."""
    anchor = min(reports, key=lambda r: (r.geo_precision, _SPECIFICITY.get(r.place.feature, 5),
                                         r.time_precision, r.date))
    dated = min(reports, key=lambda r: (r.time_precision, r.date))
    types = Counter((r.event_type, r.sub_event_type) for r in reports)
    event_type, sub_event_type = max(types, key=lambda t: (types[t], t))
    shown = [t for t in DEMONSTRATION_SEVERITY if any(r.sub_event_type == t for r in reports)]
    if len(shown) > 1:
        sub_event_type = shown[0]  # the most severe thing the demonstration saw
        event_type = RIOTS if sub_event_type == "Violent demonstration" else PROTESTS
    if event_type == EXPLOSIONS and (EXPLOSIONS, "Air/drone strike") in types:
        # ACLED: an attack by air and by artillery on one place is coded as the air strike,
        # the rule each sentence follows, kept when reports of one attack are merged.
        sub_event_type = "Air/drone strike"
    won = Counter(t for t in types.elements() if t[1] in _TERRITORY_WON)
    if event_type == BATTLES and won:
        # ACLED: fighting that ends with a side taking the place is coded as the taking
        # ("took control of Goma after days of fighting": the territory changed hands).
        sub_event_type = max(won, key=lambda t: (won[t], t))[1]
    killed = [f for r in reports for f in r.killed]
    # A count a side claims for its own strike ("claimed to have killed 40 enemy
    # servicemen") is used only when nobody else gives one; a vague one likewise; and an
    # upper bound ("up to 200", "as many as 85") is no lower bound, so another report's
    # count comes first.
    numeric = ([f for f in killed if f.qualifier not in ("vague", "claimed", "up to")]
               or [f for f in killed if f.qualifier not in ("vague", "claimed")]
               or [f for f in killed if f.qualifier != "vague"] or killed)
    injured = [f for r in reports for f in r.injured]
    flags = []
    if any(r.date_inferred for r in reports):
        flags.append("date inferred: an article has no publication date")
    key = f"{anchor.place.key}|{dated.date.isoformat()}|{event_type}|{sub_event_type}"
    return Incident(
        event_id="EV" + hashlib.sha1(key.encode()).hexdigest()[:10].upper(),
        event_date=dated.date, time_precision=dated.time_precision, event_type=event_type,
        sub_event_type=sub_event_type, place=anchor.place, geo_precision=anchor.geo_precision,
        reports=tuple(sorted(reports, key=lambda r: (r.article, r.sentence_start))),
        fatalities=max((f.low for f in numeric), default=None),
        fatalities_min=min((f.low for f in numeric), default=None),
        fatalities_max=max((f.high or f.low for f in numeric), default=None),
        injuries=max((f.low for f in injured), default=None),
        independent_sources=len({groups.get(r.article, r.article) for r in reports}),
        flags=tuple(flags),
    )


# ---------------------------------------------------------------------------------------------
# Independent sources

_SHINGLE = 8  # words per shingle
COPY_SHARE = 0.3  # share of the smaller text's shingles two copies have in common


def independent_groups(articles: list[Article], *,
                       shingles: dict[str, frozenset[int]] | None = None) -> dict[str, int]:
    """Group articles that are copies of one story (shared 8-word shingles).

    Each shingle remembers the first article that had it; an article sharing at least
    ``COPY_SHARE`` of its shingles with an earlier one joins its group. Linear in the
    corpus, where comparing every pair would be quadratic.

    Args:
        articles: in the order they came (the first of two copies is the original).
        shingles: each article's ``text_shingles``, when computed elsewhere already.

    Returns:
        article id -> group number; copies share a number.
    """
    roots = copy_roots(articles, shingles=shingles)[0]
    numbers = {root: n for n, root in enumerate(sorted(set(roots.values())))}
    return {x: numbers[root] for x, root in roots.items()}


def copy_roots(articles: list[Article], *, shingles: dict[str, frozenset[int]] | None = None,
               ) -> tuple[dict[str, str], dict[int, str], dict[str, int]]:
    """``independent_groups``' grouping as (article id -> the id naming its group, shingle ->
    the first article that had it, article id -> size of its sample): what the store keeps
    to place later articles without reading every text again."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first_seen: dict[int, str] = {}
    sizes: dict[str, int] = {}
    for article in articles:
        parent.setdefault(article.id, article.id)
        sample = (shingles or {}).get(article.id)
        if sample is None:
            sample = text_shingles(article.text)
        sizes[article.id] = len(sample)
        shared = Counter(first_seen[s] for s in sample if s in first_seen)
        for other in sorted(shared):
            smaller = min(len(sample), sizes[other]) or 1
            if other != article.id and shared[other] / smaller >= COPY_SHARE:
                parent[find(article.id)] = find(other)
        for s in sample:
            first_seen.setdefault(s, article.id)
    return {x: find(x) for x in parent}, first_seen, sizes


_FNV_PRIME = np.uint64(1099511628211)
_WORD_HASHES: dict[str, int] = {}  # words repeat: each is hashed once per process


def _word_hash(word: str) -> int:
    h = _WORD_HASHES[word] = zlib.crc32(word.encode()) | 1 << 32  # never 0 (falsy)
    return h


def text_shingles(text: str) -> set[int]:
    """The sample of a text's 8-word shingles that copy detection compares."""
    # A fixed quarter of all shingles (by hash), the same quarter in every text: shares
    # between texts are kept, at a quarter of the cost. Words hashed with CRC-32, not
    # hash(): Python salts str hashes per process, and the sample (so independent_sources)
    # must not change between runs. Each shingle's hash combines its eight word hashes
    # (FNV-style, wrapping at 64 bits), all shingles at once.
    words = re.findall(r"\w+", text.lower())
    if len(words) < _SHINGLE:
        return set()
    if len(_WORD_HASHES) > 1_000_000:
        _WORD_HASHES.clear()  # a bound on memory; the hashes are recomputed as needed
    hashes = np.fromiter((_WORD_HASHES.get(w) or _word_hash(w) for w in words),
                         dtype=np.uint64, count=len(words))
    n = len(words) - _SHINGLE + 1
    combined = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(_SHINGLE):
            combined = combined * _FNV_PRIME + hashes[k:k + n]
    combined ^= combined >> np.uint64(29)
    kept = combined[(combined & np.uint64(3)) == 0] >> np.uint64(2)  # fits SQLite's INTEGER
    return set(kept.astype(np.int64).tolist())


def with_event_ids(incidents: list[Incident]) -> list[Incident]:
    """Make event ids unique when two incidents hash alike (suffix -2, -3...)."""
    seen: Counter[str] = Counter()
    out = []
    for incident in incidents:
        seen[incident.event_id] += 1
        if seen[incident.event_id] > 1:
            incident = replace(incident, event_id=f"{incident.event_id}-{seen[incident.event_id]}")
        out.append(incident)
    return out


__all__ = ["BATTLES", "EXPLOSIONS", "Incident", "Report", "extract_incidents",
           "extract_reports", "incident_from_reports", "independent_groups", "merge_block",
           "merge_reports",
           "copy_roots", "publication_date", "text_shingles"]
