"""Day arithmetic for dates news copy gives, one rule each: the year of a year-less date,
a weekday counted back from publication, the first day a month phrase stands for, and
"last week", "yesterday", "overnight". Pure functions of dates; ``geo.nlp.dates`` reads the
words and calls them.
"""

from __future__ import annotations

import datetime

__all__ = ["add_months", "infer_month_year", "infer_year", "month_part_start",
           "relative_day", "relative_month", "relative_week", "resolve_weekday",
           "weekday_on_or_after", "weekday_on_or_before"]

# A year-less date is put in the latest year that does not land it more than this far past
# publication: previews of scheduled events are rarely further ahead.
YEAR_SLACK = datetime.timedelta(days=7)



def infer_year(month: int, day: int, published: datetime.date) -> datetime.date | None:
    """The latest ``month``/``day`` not after publication + 7 days; None if the day never
    exists ("February 30")."""
    limit = published + YEAR_SLACK
    # Eight years back always reaches a 29 February.
    for year in range(limit.year, limit.year - 9, -1):
        try:
            candidate = datetime.date(year, month, day)
        except ValueError:
            continue
        if candidate <= limit:
            return candidate
    return None


def infer_month_year(month: int, published: datetime.date) -> datetime.date:
    """The 1st of the latest ``month`` that starts no later than publication + 7 days."""
    limit = published + YEAR_SLACK
    return datetime.date(limit.year if month <= limit.month else limit.year - 1, month, 1)


def weekday_on_or_before(weekday: int, anchor: datetime.date) -> datetime.date:
    """The most recent ``weekday`` on or before ``anchor`` (``anchor`` itself if it is one)."""
    return anchor - datetime.timedelta(days=(anchor.weekday() - weekday) % 7)


def weekday_on_or_after(weekday: int, anchor: datetime.date) -> datetime.date:
    """The next ``weekday`` on or after ``anchor`` (``anchor`` itself if it is one)."""
    return anchor + datetime.timedelta(days=(weekday - anchor.weekday()) % 7)


def resolve_weekday(
    weekday: int, anchor: datetime.date, direction: str, future: bool
) -> datetime.date:
    """Resolve a weekday name.

    "last"/"this past" mean a day strictly before the anchor; "next"/"this coming" or a future
    clause the next occurrence on or after it; otherwise the most recent one on or before it.
    """
    if direction in ("last", "this past"):
        return weekday_on_or_before(weekday, anchor - datetime.timedelta(days=1))
    if direction in ("next", "this coming") or future:
        return weekday_on_or_after(weekday, anchor)
    return weekday_on_or_before(weekday, anchor)


def month_part_start(first: datetime.date, modifier: str | None) -> datetime.date:
    """The day that stands for a month-precision phrase.

    Rule: a month is cut in halves and a phrase gets the first day it can denote: the whole
    month and "early" give the 1st; "mid", "late" and "later" the 15th. At precision 3 the day
    only orders events within the month.
    """
    if modifier and modifier.lower() in ("mid", "late", "later"):
        return first.replace(day=15)
    return first


def add_months(first: datetime.date, months: int) -> datetime.date:
    index = first.year * 12 + first.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def relative_month(which: str, modifier: str | None, anchor: datetime.date) -> datetime.date:
    """"last/this/next month" (with "early"/"mid"/"late") from the anchor's month."""
    offset = {"last": -1, "this": 0, "next": 1}[which.lower()]
    return month_part_start(add_months(anchor.replace(day=1), offset), modifier)


def relative_week(which: str, anchor: datetime.date) -> datetime.date:
    """"last/this/next week": the anchor moved by a week, at week precision."""
    return anchor + datetime.timedelta(days={"last": -7, "this": 0, "next": 7}[which.lower()])


def relative_day(word: str, anchor: datetime.date) -> datetime.date:
    """Deictic day words. "overnight" is the night that ended on the anchor morning, so it is
    the anchor itself; "last night" is the evening before."""
    back = {"today": 0, "overnight": 0, "yesterday": 1, "last_night": 1, "before_yesterday": 2}
    return anchor - datetime.timedelta(days=back[word])
