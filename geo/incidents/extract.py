"""One article's reports: its annotated Doc read sentence by sentence into ``Report`` records.

Each sentence with an event trigger (the ``geo_events`` component) becomes one report per
event and place: the place (``geo.incidents.places``), the day (``geo.incidents.dating``),
the figures (``geo.incidents.tolls``) and the sides as ACLED codes them
(``geo.incidents.coding``). A sentence with a trigger but no place continues the previous
report of the same type ("Earlier, the governor said at least nine people had been killed in
an air strike"); a sentence with no trigger may add figures to the report before it. Then the
article-level passes run: the news filter (``geo.nlp.news``), the attacker the article names,
interceptions, victims. Ukrainian and Russian articles are read by ``geo.nlp.cyrillic`` into
the same records.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import Counter
from dataclasses import replace
from typing import TYPE_CHECKING

from geo.doc import doc_text, make_doc, sentence_parse, sentence_spans
from geo.incidents.clauses import (
    _DISTANCE_TO,
    _HISTORICAL,
    _HISTORY_AFTER,
    _HISTORY_BEFORE,
    _RANKED_AMONG,
    _RANKED_IN,
    _clause_event,
    _in_as_clause,
    _names_a_told_event,
    _trigger_objects,
)
from geo.incidents.coding import (
    _ARMED_INTERS,
    _DOWNED_WEAPON,
    Sighting,
    _actors,
    _as_acled_defines,
    _drop_peaceful_beside_intervention,
    _victims_as_second_actor,
    _with_article_attacker,
    _with_interceptors,
    _with_the_named_group,
    _without_transfers_of_captures,
)
from geo.incidents.dating import (
    _DEFAULT_EVENT_TZ,
    _SAID_ON,
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
    state_force_country,
)
from geo.nlp.article import Dateline, find_dateline, the_capital
from geo.nlp.components import run_dates, run_events
from geo.nlp.cyrillic.reports import extract_reports as cyrillic_reports
from geo.nlp.dates import find_dates
from geo.nlp.events import EventMention
from geo.nlp.figures import find_casualties
from geo.nlp.language import CYRILLIC_READ, detect_language
from geo.nlp.news import is_news
from geo.nlp.report import Report, news_day, report_news_features
from geo.records import Article, Resolution

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
