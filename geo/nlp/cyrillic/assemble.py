"""A Ukrainian or Russian article's reports made and read together: the ``Report`` record
of one reading (ACLED's air-force naming applied), then the passes over the article's
reports: an attack with no weapon named takes the one another sentence names for its place
and day; one demonstration per place and day, as its most violent form; the news filter.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from geo.nlp.actors import Actor, as_coded_for, interaction
from geo.nlp.events import EXPLOSIONS
from geo.nlp.figures import Figure
from geo.nlp.report import Report, news_day, report_news_features
from geo.records import Article, Place

__all__ = ["make_report", "one_protest_per_place", "one_weapon_per_attack", "only_news"]


def make_report(article: Article, s: int, e: int, sentence: str, trigger: str, etype: str,
                subtype: str, place: Place, m_start: int, m_end: int, m_text: str,
                precision: int, day: dt.date, tp: int, date_text: str, inferred: bool,
                killed: tuple[Figure, ...], injured: tuple[Figure, ...],
                actor1: Actor | None, actor2: Actor | None, published: dt.date) -> Report:
    """One reading of a sentence as the ``Report`` record both readers give."""
    # A state's air strike is its air force's, as ACLED names it (the English reader's rule).
    actor1 = as_coded_for(actor1, subtype)
    return Report(
        article=article.id, outlet=article.outlet, sentence_start=s, sentence_end=e,
        excerpt=sentence, trigger=trigger, event_type=etype, sub_event_type=subtype,
        place=place, mention_start=m_start, mention_end=m_end, mention_text=m_text,
        geo_precision=precision, date=day, time_precision=tp, date_text=date_text,
        date_inferred=inferred, killed=killed, injured=injured,
        actor1=actor1.name if actor1 else "", inter1=actor1.inter if actor1 else 0,
        actor2=actor2.name if actor2 else "", interaction=interaction(actor1, actor2),
        published=published)


def one_weapon_per_attack(reports: list[Report], defaulted: set[int]) -> list[Report]:
    """An attack whose sentence named no weapon ("двоє загинули внаслідок удару по
    складу") takes the weapon another sentence names for the same place and day."""
    named = {(r.place.key, r.date): r.sub_event_type for r in reports
             if r.event_type == EXPLOSIONS and id(r) not in defaulted}
    return [dataclasses.replace(r, sub_event_type=named[(r.place.key, r.date)])
            if id(r) in defaulted and (r.place.key, r.date) in named else r for r in reports]


def one_protest_per_place(reports: list[Report]) -> list[Report]:
    """Protesters who threw stones and police who dispersed them at one place and day are
    one happening, coded as its most violent form (ACLED: a violent demonstration)."""
    rank = {"Violent demonstration": 0, "Excessive force against protesters": 1,
            "Protest with intervention": 2, "Peaceful protest": 3}
    worst: dict[tuple[str, dt.date], Report] = {}
    for r in reports:
        if r.sub_event_type in rank:
            key = (r.place.key, r.date)
            if key not in worst or rank[r.sub_event_type] < rank[worst[key].sub_event_type]:
                worst[key] = r
    out = []
    for r in reports:
        w = worst.get((r.place.key, r.date)) if r.sub_event_type in rank else None
        if w is not None and w is not r:
            r = dataclasses.replace(r, event_type=w.event_type, sub_event_type=w.sub_event_type,
                                    actor1=w.actor1, inter1=w.inter1, actor2=w.actor2,
                                    interaction=w.interaction)
        out.append(r)
    return out


def only_news(reports: list[Report], text: str, published: dt.date,
              lang: str) -> list[Report]:
    """The reports the learned news filter (``geo.nlp.news``) reads as the article's news."""
    from geo.nlp.news import is_news  # noqa: PLC0415

    day = news_day(reports, published)
    return [r for r in reports
            if is_news(report_news_features(r, len(text), day, lang=lang))]
