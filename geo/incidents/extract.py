"""One article's reports: its annotated Doc read sentence by sentence into ``Report`` records.

Each sentence with an event trigger (the ``geo_events`` component) becomes one report per
event and place: the place (``geo.incidents.places``), the day (``geo.incidents.dating``),
the figures (the ``geo_figures`` component, given to their triggers by
``geo.incidents.tolls``) and the sides (the ``geo_actors`` component) as ACLED codes them
(``geo.incidents.coding``). A sentence with a trigger but no place continues the previous
report of the same type ("Earlier, the governor said at least nine people had been killed in
an air strike"); a sentence with no trigger may add figures to the report before it. Then
the article-level passes run: the news filter (``geo.nlp.news``), the attacker the article
names, interceptions, victims. Ukrainian and Russian articles are read by ``geo.nlp.cyrillic`` into
the same records.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from geo.doc import doc_text, make_doc, sentence_parse, sentence_spans
from geo.incidents.clauses import (
    _events_of_their_own,
    _names_a_told_event,
    _trigger_objects,
)
from geo.incidents.coding import (
    _ARMED_INTERS,
    Sighting,
    _as_acled_defines,
    _drop_peaceful_beside_intervention,
    _interception_sides,
    _victims_as_second_actor,
    _with_article_attacker,
    _with_interceptors,
    _with_the_named_group,
    _without_transfers_of_captures,
    strikes_of_the_articles_kind,
)
from geo.incidents.dating import (
    _DEFAULT_EVENT_TZ,
    _borrowed_day,
    _date_for,
    _dated_by_the_article,
    _days_apart,
    _event_timezone,
    publication_date,
)
from geo.incidents.families import _event_family, _family
from geo.incidents.places import (
    _CONTINUED_PLACE,
    _at_region_seats,
    _dateline_capital,
    _locations,
    _owners_of,
    _talks_venue,
)
from geo.incidents.tolls import (
    _add_figures,
    _add_following_figures,
    _as_claimed,
    _in_article,
    _nearest_event,
    _toll_elsewhere,
)
from geo.nlp.actors import (
    Actor,
    acled_country_name,
    acronyms,
    interaction,
    ordered_pair,
)
from geo.nlp.article import Dateline, find_dateline, the_capital
from geo.nlp.components import run_actors, run_dates, run_events, run_figures
from geo.nlp.cyrillic.reports import extract_reports as cyrillic_reports
from geo.nlp.dates import DateRef, find_dates
from geo.nlp.events import EventMention, in_as_clause
from geo.nlp.far_places import in_doubt
from geo.nlp.figures import Figure
from geo.nlp.language import CYRILLIC_READ, detect_language
from geo.nlp.news import is_news
from geo.nlp.report import Report, news_day, report_news_features
from geo.records import Article, Place, Resolution

if TYPE_CHECKING:
    from spacy.tokens import Doc


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
    context = _read_article(doc, article, resolutions, today, country_names)
    found = _Found()
    for s_start, s_end in context.sentences:
        if s_start in context.triggers:
            _read_sentence(context, found, s_start, s_end)
        else:
            _read_figures_only(context, found, s_start, s_end)
    return _article_passes(context, found, news_only)


@dataclass(frozen=True)
class _Article:
    """What every sentence of one English article is read with, found once per article
    (``_read_article``): each sentence looks things up here, never scanning all sentences or
    all places again, so the cost stays linear in the article's length. Offsets are the
    article's; the per-sentence tables are keyed by the sentence's start."""

    doc: Doc
    article: Article
    text: str
    sentences: list[tuple[int, int]]  # after the dateline
    position: dict[int, int]  # sentence start -> its index in ``sentences``
    published: dt.date
    inferred: bool  # the publication date was inferred
    anchor: dt.date  # "today" on the publication day, in the event's time zone
    dates: list[DateRef]  # the ``geo_dates`` spans after the dateline, in text order
    triggers: dict[int, list[EventMention]]  # the ``geo_events`` spans per sentence
    figures: dict[int, list[Figure]]  # the ``geo_figures`` spans per sentence with a trigger
    capital: Resolution | None  # the dateline's city, when it is its country's capital
    resolutions: list[Resolution]  # after the dateline
    places: dict[int, list[Resolution]]  # the places that may locate an event
    mention_spans: dict[int, list[tuple[int, int]]]  # every name placed (sentence offsets)
    nationals: dict[int, list[Resolution]]  # nationality words and countries
    distance_subjects: dict[int, Resolution]  # "the town 50 km northwest of Kyiv"
    aliases: dict[str, str]  # "the Rapid Support Forces (RSF)"
    reasons: dict[int, str]  # a mention's start -> why it was placed there (filled as read)
    country_names: dict[str, str]  # ISO code -> ACLED's name of the country


@dataclass
class _Found:
    """What reading one article has found so far: its reports in text order, which of them
    another clause's day words date, who acted where no place was named, and the talks'
    venue once an agreement needed it."""

    reports: list[Report] = field(default_factory=list)
    borrowed: set[int] = field(default_factory=set)  # indices into ``reports``
    unplaced: list[Sighting] = field(default_factory=list)
    talks_venue: list[tuple[Place, int, int, int, str]] | None = None


@dataclass(frozen=True)
class _Sentence:
    """One sentence with triggers: its offsets and words, the triggers that are events of
    their own, its parse (sentence offsets), its figures, and where its reports begin in
    ``_Found.reports``; ``seen`` holds the (event type, place) pairs reported so far."""

    start: int
    end: int
    text: str
    events: list[EventMention]
    parsed: Doc
    figures: list[Figure]
    first_here: int
    seen: set[tuple[str, str]]


@dataclass(frozen=True)
class _Event:
    """One trigger read: its type and sides as ACLED codes them, its own figures, the date
    found for it, and the report it continues (``continued`` when that report's place is
    its place, its sentence naming none)."""

    trigger: EventMention
    event_type: str
    sub_event_type: str
    actor1: Actor | None
    actor2: Actor | None
    killed: tuple[Figure, ...]
    injured: tuple[Figure, ...]
    date_ref: DateRef | None
    borrowed: bool  # dated by another clause's day words (``_borrowed_day``)
    previous: Report | None
    continued: bool
    retold: bool  # names an event the article told before, with no day or toll of its own


def _read_article(doc: Doc, article: Article, resolutions: list[Resolution],
                  today: dt.date | None, country_names: dict[str, str]) -> _Article:
    """The article-wide values every sentence is read with."""
    text = doc_text(doc)
    dateline = find_dateline(text)
    sentences = _after_dateline(sentence_spans(doc), dateline)
    published, inferred = publication_date(article, today=today, dateline=dateline)
    event_tz = _event_timezone(resolutions) or article.timezone or _DEFAULT_EVENT_TZ
    # The dateline's day is the filing day, not the event's: "KYIV, June 28 — … on Thursday"
    # is Thursday's news, so its date words are no event date (and its place no event place).
    # The dates, the triggers and their sentences' figures are the ``geo_dates``,
    # ``geo_events`` and ``geo_figures`` components' span groups on the article Doc
    # (``geo.nlp.components``), run with this article's settings.
    dates = [d for d in run_dates(doc, published=published,
                                  article_tz=article.timezone or event_tz,
                                  event_tz=event_tz, sentences=sentences)
             if dateline is None or d.start >= dateline.end]
    capital = _dateline_capital(resolutions, dateline)
    if dateline is not None:
        resolutions = [r for r in resolutions if r.mention.start >= dateline.end]
    anchor = find_dates("today", published=published, article_tz=article.timezone or event_tz,
                        event_tz=event_tz)[0].date
    places, mention_spans, nationals, distance_subjects = _per_sentence(
        resolutions, [start for start, _end in sentences])
    return _Article(
        doc=doc, article=article, text=text, sentences=sentences,
        position={start: i for i, (start, _end) in enumerate(sentences)},
        published=published, inferred=inferred, anchor=anchor, dates=dates,
        capital=capital, resolutions=resolutions, places=places, mention_spans=mention_spans,
        nationals=nationals, distance_subjects=distance_subjects, aliases=acronyms(text),
        reasons={r.mention.start: r.reason for r in resolutions if r.place is not None},
        country_names=country_names,
        triggers=strikes_of_the_articles_kind(run_events(doc, sentences=sentences)),
        figures=run_figures(doc))


def _per_sentence(resolutions: list[Resolution], starts: list[int]) -> tuple[
        dict[int, list[Resolution]], dict[int, list[tuple[int, int]]],
        dict[int, list[Resolution]], dict[int, Resolution]]:
    """The geoparse results per sentence (keyed by the sentence's start): the places that
    may locate an event, every name placed (sentence offsets), the countries named, and the
    place a stated distance is the subject of."""
    # A nationality word ("Russian forces") points to a country but locates nothing; a
    # qualifier ("Zarichne, Donetsk") only said where the place before it is.
    places = [r for r in resolutions if r.place is not None and r.mention.pattern != "demonym"
              and r.role != "qualifier"]
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
    # "The small town 50 km northwest of Kyiv came under air strikes": the distance's subject.
    distance_subjects = {}
    for r in places:
        if r.distance is not None and r.distance.phrase_start >= 0:
            distance_subjects[_sentence_of(starts, r.distance.phrase_start)] = r
    return by_sentence, mention_spans, nationals, distance_subjects


def _read_figures_only(context: _Article, found: _Found, s_start: int, s_end: int) -> None:
    """A sentence with no trigger: a toll at a town of its own after an attack wave is one
    more report of it, else its figures may belong to the report just before."""
    toll = _toll_elsewhere(context.text, s_start, s_end, found.reports,
                           context.places.get(s_start, []), context.dates, context.position)
    if toll is not None:
        found.reports.append(toll)
        return
    _add_following_figures(context.text, s_start, s_end, found.reports, context.position,
                           context.sentences, context.triggers)


def _read_sentence(context: _Article, found: _Found, s_start: int, s_end: int) -> None:
    """A sentence with triggers: a report for each of its events and each place it
    happened at."""
    sentence = context.text[s_start:s_end]
    events = _events_of_their_own(sentence, context.triggers[s_start])
    if not events:
        return
    parsed = sentence_parse(context.doc, s_start, s_end)
    # "killed seven in the camp on Sunday, ... as fighting for the city intensified": a
    # clause of circumstance beside the sentence's own event is its setting, no event.
    setting = [e for e in events if in_as_clause(parsed, e)]
    if setting and len(setting) < len(events):
        events = [e for e in events if e not in setting]
    here = _Sentence(start=s_start, end=s_end, text=sentence, events=events, parsed=parsed,
                     figures=_as_claimed(sentence, context.figures.get(s_start, [])),
                     first_here=len(found.reports), seen=set())
    # ACLED: an attack by air and by artillery on one place is coded as the air strike.
    for event in sorted(events, key=lambda e: e.sub_event_type != "Air/drone strike"):
        _read_event(context, found, here, event)
    _drop_peaceful_beside_intervention(found.reports, here.first_here)


def _read_event(context: _Article, found: _Found, here: _Sentence,
                trigger: EventMention) -> None:
    """One trigger of a sentence: where, which day, who, how many; a report per place."""
    previous = _continued(found.reports, trigger, here.start, context.position)
    locations, continued = _event_places(context, found, here, trigger, previous)
    date_ref = _date_for(context.dates, here.start, here.end, here.start + trigger.start,
                         clause=(trigger, here.events, here.parsed))
    sides = _event_sides(context, found, here, trigger, locations,
                         previous if continued else None)
    if sides is None:
        return  # "armed fighters paraded through the square": armed men, no protest
    killed = tuple(_in_article(f, here.start) for f in here.figures if f.kind == "killed"
                   and _nearest_event(f, here.events, here.parsed) is trigger)
    injured = tuple(_in_article(f, here.start) for f in here.figures if f.kind == "injured"
                    and _nearest_event(f, here.events, here.parsed) is trigger)
    event = _Event(trigger, *sides, killed=killed, injured=injured, date_ref=date_ref,
                   borrowed=_borrowed_day(context.text, date_ref, here.start, here.events,
                                          here.parsed),
                   previous=previous, continued=continued,
                   retold=(date_ref is None and not killed and not injured
                           and _names_a_told_event(here.parsed, trigger)))
    for location in locations:
        _add_report(context, found, here, event, location)


def _event_places(context: _Article, found: _Found, here: _Sentence, trigger: EventMention,
                  previous: Report | None,
                  ) -> tuple[list[tuple[Place, int, int, int, str]], bool]:
    """Where the trigger happened (place, precision, mention start, end and text), and
    whether that is the place of the report it continues, its sentence naming none."""
    in_sentence = context.places.get(here.start, [])
    locations = _locations(context.text, in_sentence, here.start + trigger.start, trigger,
                           context.distance_subjects.get(here.start),
                           owners=_owners_of(here.parsed, trigger, in_sentence, here.start))
    if not locations and trigger.sub_event_type == "Agreement":
        if found.talks_venue is None:
            found.talks_venue = _talks_venue(context.text, context.places, context.sentences)
        locations = found.talks_venue
    if not locations and context.capital is not None and (
            at := the_capital(here.text)) is not None:
        # "KYIV — drones hit the capital overnight": the dateline's city, when it is
        # its country's capital, is the capital the sentence names without a name.
        locations = [(context.capital.place, 1, here.start + at[0], here.start + at[1],
                      here.text[at[0]:at[1]])]
        context.reasons[here.start + at[0]] = "the capital the dateline names"
    # A place in doubt (a small namesake far from the article's others, its sentence naming
    # nothing better) gives way to the place the report before it gives: "the army took the
    # Halfaya bridge area" after fighting in Bahri is Bahri's, not a Syrian Halfaya's.
    doubtful = bool(locations) and all(in_doubt(context.reasons.get(start, ""))
                                       for _p, _prec, start, _e, _t in locations)
    continued = (not locations or doubtful) and previous is not None
    if continued:
        locations = [(previous.place, previous.geo_precision, previous.mention_start,
                      previous.mention_end, previous.mention_text)]
    return locations, continued


def _event_sides(context: _Article, found: _Found, here: _Sentence, trigger: EventMention,
                 locations: list[tuple[Place, int, int, int, str]],
                 continued: Report | None,
                 ) -> tuple[str, str, Actor | None, Actor | None] | None:
    """The event type, sub-type and two sides as ACLED codes them; None for a "protest" by
    armed men. ``continued`` is the report whose place the trigger took, if any."""
    named = [(r.mention.start - here.start, r.mention.end - here.start, r.place)
             for r in context.nationals.get(here.start, [])]
    country = locations[0][0].country_code if locations else ""
    name = context.country_names.get(country, "")
    # Who acted and the other sides named: the ``geo_actors`` component's spans of this
    # trigger. It is run here, one trigger at a time, because the event's country it reads
    # is known only once the trigger's place is chosen, and that choice depends on the
    # reports read before it (the place of the report a trigger continues).
    ((actor, others),) = run_actors(
        context.doc, triggers=[((here.start, here.end), trigger)], country=country,
        country_name=name, nationals=named, following=_following(context, here.start),
        aliases=context.aliases, mentions=context.mention_spans.get(here.start, [])).values()
    if actor is None and continued is not None and continued.actor1:
        # "Several houses were destroyed.": the same attack, by the same actor.
        actor = Actor(continued.actor1, continued.inter1)
    actor1, actor2 = ordered_pair(actor, others)
    if trigger.sub_event_type == "Disrupted weapons use":
        actor, (actor1, actor2) = _interception_sides(here.text, actor, others,
                                                      (actor1, actor2), named,
                                                      context.country_names)
    if not locations and actor is not None:
        # "Russia fired 100 missiles at Ukraine": no place of its own, but it tells
        # whose strikes the article's unattributed ones are.
        found.unplaced.append(Sighting(trigger.event_type, trigger.sub_event_type, actor.name,
                                       actor.inter))
    # The sentence's victims, whichever of its triggers they are counted by: "gunmen
    # killed 12 villagers in an attack on X" is one attack on civilians.
    marchers = actor1
    etype, subtype, actor1, actor2 = _as_acled_defines(
        here.text, trigger, actor1, actor2,
        tuple(f for f in here.figures if f.kind in ("killed", "injured")), country, name,
        targets=_trigger_objects(here.parsed, trigger))
    if subtype == "Peaceful protest" and any(
            a is not None and a.inter in _ARMED_INTERS for a in (marchers, actor1)):
        return None
    return etype, subtype, actor1, actor2


def _following(context: _Article, s_start: int) -> str:
    """The text of the sentence after the one at ``s_start`` ("" for the last)."""
    nxt = context.position.get(s_start, -1) + 1
    return context.text[context.sentences[nxt][0]:context.sentences[nxt][1]] if (
        0 < nxt < len(context.sentences)) else ""


def _add_report(context: _Article, found: _Found, here: _Sentence, event: _Event,
                location: tuple[Place, int, int, int, str]) -> None:
    """The event's report at one of its places, or its figures given to the sentence's
    report of the same type at that place."""
    place, precision, m_start, m_end, m_text = location
    reports = found.reports
    told = next((r for r in reversed(reports[:here.first_here])
                 if r.place.key == place.key), None) if event.retold else None
    if (event.event_type, place.key) in here.seen:
        # "air strikes and artillery shelling" of one place, "a missile strike on
        # X killed 10": one report, with the figures either trigger counted.
        _add_figures(reports, here.first_here, event.event_type, place.key, event.killed,
                     event.injured)
        return
    here.seen.add((event.event_type, place.key))
    day, tp, date_text, borrowed = _day_of(context, here, event)
    if borrowed:
        found.borrowed.add(len(reports))
    actor1, actor2 = event.actor1, event.actor2
    reports.append(Report(
        article=context.article.id, outlet=context.article.outlet, sentence_start=here.start,
        sentence_end=here.end, excerpt=here.text, trigger=event.trigger.text,
        event_type=event.event_type, sub_event_type=event.sub_event_type,
        place=place, mention_start=m_start, mention_end=m_end, mention_text=m_text,
        geo_precision=precision, date=day, time_precision=tp, date_text=date_text,
        date_inferred=context.inferred,
        killed=event.killed, injured=event.injured,
        actor1=actor1.name if actor1 else "", inter1=actor1.inter if actor1 else 0,
        actor2=actor2.name if actor2 else "",
        interaction=interaction(actor1, actor2), published=context.published,
        place_reason=(_CONTINUED_PLACE if event.continued
                      else context.reasons.get(m_start, ""))))
    if told is not None:
        # "a minister described the raid on the depot as a crime": the event the
        # article told, named again with no day or toll of its own, is that
        # event (its kind, day and sides), so it merges into it.
        reports[-1] = replace(
            reports[-1], event_type=told.event_type,
            sub_event_type=told.sub_event_type, date=told.date,
            time_precision=told.time_precision, actor1=told.actor1,
            inter1=told.inter1, actor2=told.actor2, interaction=told.interaction)


def _day_of(context: _Article, here: _Sentence, event: _Event,
            ) -> tuple[dt.date, int, str, bool]:
    """The event's day, time precision and date words, and whether the day is borrowed
    from another clause: its own date, else the report it continues, else the publication
    day at week precision."""
    ref = event.date_ref
    if ref is not None:
        shift = _days_apart(here.text, event.trigger.start)
        if shift and ref.precision == 1:
            # "struck the port on Saturday, a day after a drone attack on X":
            # the attack was the day before the clause's Saturday.
            return ref.date + dt.timedelta(days=shift), ref.precision, ref.text, False
        return ref.date, ref.precision, ref.text, event.borrowed
    if event.previous is not None:
        return event.previous.date, event.previous.time_precision, "", False
    return context.anchor, 2, "", False


def _article_passes(context: _Article, found: _Found, news_only: bool) -> list[Report]:
    """The article's reports read as a whole, as a coder reads it: retold events take the
    article's own day, regions their seats; background dropped (``news_only``); then the
    article-level actor passes of ``geo.incidents.coding``."""
    reports = _at_region_seats(_dated_by_the_article(found.reports, found.borrowed),
                               context.resolutions)
    if news_only:
        day = news_day(reports, context.published)
        reports = [r for r in reports
                   if is_news(report_news_features(r, len(context.text), day))]
    reports = _without_transfers_of_captures(reports)
    reports = _with_the_named_group(_with_article_attacker(reports, found.unplaced))
    reports = _with_interceptors(reports, Counter(
        r.place.country_code for named in context.nationals.values() for r in named),
        context.country_names)
    return [_victims_as_second_actor(r, context.country_names) for r in reports]


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
