"""Which day: the article's publication date, and the day of each event it tells.

An event is dated by a date written in its sentence (of its own clause by the parse, else
the most precise nearest its trigger), else by the report it continues, else by the
publication day in the event's time zone at week precision (``geo.incidents.extract``). An
article without a publication date is dated by its dateline's day, else its latest written
date, else today, and flagged. The helpers here cover what the words around a date change:
"a day after <the event>" moves the event a day back; a day word right after a verb of saying
("said on Sunday") dates the statement, not the event; a report dated only by another
clause's day takes the day the article gives the same event elsewhere.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from collections import Counter
from dataclasses import replace
from typing import TYPE_CHECKING

from geo.incidents.clauses import _clause_event
from geo.incidents.families import _family
from geo.nlp.actors import SPEECH_VERBS
from geo.nlp.article import Dateline
from geo.nlp.dates import DateRef, find_dates
from geo.nlp.figures import parse_number
from geo.nlp.report import Report
from geo.records import Article, Resolution

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from geo.nlp.events import EventMention


_DEFAULT_EVENT_TZ = "UTC"


# "The militia announced on Tuesday it had taken the town": the day words right after a verb of
# saying date the statement; the event is that day or before, whatever the parse attached.
_SAID_ON = re.compile(rf"\b(?:{SPEECH_VERBS})\s+(?:(?:late|early)\s+)?(?:on\s+)?$",
                      re.IGNORECASE)



def _borrowed_day(text: str, date_ref: DateRef | None, s_start: int,
                  events: list[EventMention], parsed: Doc) -> bool:
    """Whether the date found for a trigger is another clause's day words.

    A day another clause gives ("pulled more bodies on Sunday, a day after bombs hit the
    shop") is the trigger's only until the article dates the event itself. A calendar date
    ("On 10 May 2023, the RSF attacked") is the event's however the small parser hangs it;
    only day words counted from publication are borrowed."""
    return (date_ref is not None and date_ref.kind != "explicit"
            and (_SAID_ON.search(text, max(0, date_ref.start - 30),
                                 date_ref.start) is not None
                 or _clause_event((date_ref.start - s_start, date_ref.end - s_start),
                                  events, parsed) is None))


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


def _event_timezone(resolutions: list[Resolution]) -> str:
    zones = Counter(r.place.timezone for r in resolutions
                    if r.place is not None and r.place.timezone)
    return zones.most_common(1)[0][0] if zones else ""


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
