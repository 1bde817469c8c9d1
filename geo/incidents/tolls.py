"""Tolls: which trigger each killed or injured figure belongs to, and figures told in a
sentence with no trigger of its own.

A figure belongs to the trigger its clause names by the parse, else the verb it is the
object of, else the next trigger after it, else the nearest. A sentence with figures and no
trigger adds them to the report just before it ("Russian forces shelled Slovyansk. 1 civilian
was killed."), or, with a town of its own right after an attack wave, tells one more place
the wave hit ("In Vinnytsia, two people died"). A toll updated ("the death toll later rose to
six") replaces the report's count, as ACLED codes the latest figure; a count a side claims is
marked as a claim, used only when no other report gives one.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from geo.incidents.clauses import _clause_event
from geo.incidents.dating import _date_for
from geo.incidents.places import _geo_precision
from geo.nlp.dates import DateRef
from geo.nlp.events import EXPLOSIONS, WEAK_RANK, EventMention
from geo.nlp.figures import Figure, find_casualties, is_toll_update
from geo.nlp.news import tells_a_span
from geo.nlp.report import Report
from geo.records import Resolution

if TYPE_CHECKING:
    from spacy.tokens import Doc


_FIGURE_TO_TRIGGER = 60  # characters from "at least 9 killed" to "in an air strike"


_VERB_TO_OBJECT = 12  # characters from "killed" to its count: "killed at least 12"


def _in_article(figure: Figure, s_start: int) -> Figure:
    """A figure found in the sentence at ``s_start``, its offsets made the article's."""
    return replace(figure, start=figure.start + s_start, end=figure.end + s_start)


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


_CLAIMED_BEFORE = re.compile(r"\b(?:claim(?:ed|s|ing)?|boast(?:ed|s)?|alleged(?:ly)?)\b"
                             r"[^.;]{0,60}$", re.IGNORECASE)


def _as_claimed(sentence: str, figures: list[Figure]) -> list[Figure]:
    """Figures a side claims ("it claimed to have killed 40 enemy officers") keep their
    count, marked as a claim: an incident takes them only when no other report gives one."""
    return [replace(f, qualifier="claimed") if _CLAIMED_BEFORE.search(sentence, 0, f.start)
            else f for f in figures]


def _add_figures(reports: list[Report], first_here: int, etype: str, place_key: str,
                 killed: tuple[Figure, ...], injured: tuple[Figure, ...]) -> None:
    """Give the sentence's report of ``etype`` at the place the figures it lacks."""
    for k in range(first_here, len(reports)):
        r = reports[k]
        if r.event_type == etype and r.place.key == place_key:
            reports[k] = replace(r, killed=r.killed or killed, injured=r.injured or injured)
            return


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
             # "the Kharkiv Emergency Service said": a place inside an organisation's name
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
    # event and no toll ("Homes were hit. Two residents died."):
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
    # Only what the report lacks: "killing a boy. His sister was hurt." A toll
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
