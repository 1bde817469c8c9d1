"""Days in Ukrainian and Russian text, read against the article's publication day.

What a news story writes: a day and a month ("19 листопада", "13 марта 2024 року"), a
weekday ("у вівторок", "в субботу": the latest such day up to the publication day), a
relative word ("вчора", "сегодня"), and a night ("в ніч на 18 листопада", "в ночь на
среду": the morning it ends on, as the air forces' reports count it). A day and a weekday
together ("в четвер, 27 червня") are one date. The words are language data
(``geo/lang/<lang>/dates.json``).

Example:
    >>> import datetime as dt
    >>> [(d.text, d.date.isoformat()) for d in find_dates(
    ...     "Вчора окупанти обстріляли місто, а в ніч на 19 листопада атакували дронами.",
    ...     "uk", dt.date(2024, 11, 19))]
    [('Вчора', '2024-11-18'), ('в ніч на 19 листопада', '2024-11-19')]
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from geo.lang import words

__all__ = ["CyrillicDate", "find_dates"]


@dataclass(frozen=True)
class CyrillicDate:
    """A date written in the text (offsets are the text's)."""

    start: int
    end: int
    text: str
    date: dt.date
    explicit: bool  # a day and month written out, not a weekday or a relative word
    year_written: bool = False
    # The day of something told as coming after the event ("день жалоби після атаки"): the
    # event is on or shortly before it.
    loose: bool = False


@cache
def _patterns(lang: str) -> tuple[re.Pattern[str], dict[str, int], dict[str, int],
                                   dict[str, int]]:
    data = words(lang, "dates")
    months = {form: n for n, forms in enumerate(data["months"], 1) for form in forms}
    weekdays = {form: n for n, forms in enumerate(data["weekdays"]) for form in forms}
    relative = {k.lower(): int(v) for k, v in data["relative"].items()}

    def alt(items: list[str]) -> str:
        return "|".join(re.escape(i) for i in sorted(items, key=len, reverse=True))

    night = alt(data["night_of"])
    years = alt(data["year_words"])
    pattern = re.compile(
        rf"(?<!\w)(?P<night>(?:{night})\s+)?(?:"
        rf"(?P<day>\d{{1,2}})\s+(?P<month>{alt(list(months))})(?:\s+(?P<year>(?:19|20)\d\d)"
        rf"(?:\s*(?:{years}))?)?"
        rf"|(?:(?:в|у|во)\s+)?(?P<weekday>{alt(list(weekdays))})"
        rf"(?:,\s*(?P<wday>\d{{1,2}})\s+(?P<wmonth>{alt(list(months))}))?"
        rf"|(?P<relative>{alt(list(relative))})"
        rf")(?!\w)", re.IGNORECASE)
    return pattern, months, weekdays, relative


def find_dates(text: str, lang: str, published: dt.date, start: int = 0,
               end: int | None = None) -> list[CyrillicDate]:
    """The dates written in ``text[start:end]``, in text order.

    Args:
        text: the text.
        lang: "uk" or "ru".
        published: the article's publication day: weekdays and relative words count back
            from it; a day and month without a year is the latest one up to a week after it.
        start, end: the part of ``text`` to read.

    Returns:
        Dates; offsets are ``text``'s.
    """
    pattern, months, weekdays, relative = _patterns(lang)
    out = []
    for m in pattern.finditer(text, start, len(text) if end is None else end):
        day_text = m.group("day") or m.group("wday")
        month_text = m.group("month") or m.group("wmonth")
        if day_text and month_text:
            year = int(m.group("year")) if m.group("year") else None
            day = _day_month(int(day_text), months[month_text.lower()], year, published)
            if day is None:
                continue
            out.append(CyrillicDate(m.start(), m.end(), m.group(0), day, True, year is not None))
        elif m.group("weekday"):
            back = (published.weekday() - weekdays[m.group("weekday").lower()]) % 7
            out.append(CyrillicDate(m.start(), m.end(), m.group(0),
                                    published - dt.timedelta(days=back), False))
        elif m.group("relative"):
            shift = relative[m.group("relative").lower()]
            out.append(CyrillicDate(m.start(), m.end(), m.group(0),
                                    published + dt.timedelta(days=shift), False))
    return out


def _day_month(day: int, month: int, year: int | None, published: dt.date) -> dt.date | None:
    try:
        if year is not None:
            return dt.date(year, month, day)
        candidate = dt.date(published.year, month, day)
    except ValueError:
        return None
    # "28 грудня" read in January is last year's.
    if candidate > published + dt.timedelta(days=7):
        try:
            candidate = candidate.replace(year=published.year - 1)
        except ValueError:
            return None
    return candidate
