"""Resolve the time expressions of a news article against its publication date.

ACLED codes an event's day together with a ``time_precision`` (1 = day, 2 = week, 3 = month), so
every expression found here becomes a :class:`DateRef` carrying both. News copy dates events in
three ways, and each has its own small rule (one helper each, below):

* explicit calendar dates ("March 3", "Tuesday, 1 March", "Feb. 24", "2022-03-03") are taken as
  written: a reporter writes the calendar day of the place the event happened, so no time-zone
  conversion applies; only a missing year is inferred;
* weekday names and deictic words ("on Thursday", "yesterday", "last week") count from the
  *anchor*, the publication day as seen in the event's time zone;
* anaphoric phrases ("the previous day", "a day earlier") count back from the nearest explicit or
  weekday date written before them.

Example:
    >>> import datetime
    >>> text = "Talks ended on Friday (NZT). Shelling began the previous day."
    >>> for ref in find_dates(text, published=datetime.date(2022, 3, 4),
    ...                       article_tz="Pacific/Auckland", event_tz="Europe/Kyiv"):
    ...     print(ref.text, ref.date, ref.precision, ref.kind)
    Friday (NZT) 2022-03-03 1 weekday
    the previous day 2022-03-02 1 anaphoric
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from zoneinfo import ZoneInfo

from geo.lang import words
from geo.nlp.day_arithmetic import (
    infer_month_year,
    infer_year,
    month_part_start,
    relative_day,
    relative_month,
    relative_week,
    resolve_weekday,
)
from geo.nlp.sentences import split_sentences
from geo.timezones import zone  # its home now (the reader uses it too); importable here still

__all__ = ["DateRef", "find_dates"]

DAY, WEEK, MONTH = 1, 2, 3

# The clock time that stands for "the publication day": a morning edition's date. Converting
# 06:00 rather than midnight keeps a paper dated Friday in Auckland on Thursday in Kyiv (its
# evening) without pushing a Kyiv-dated article into the previous day.
_ANCHOR_TIME = datetime.time(6, 0)

# The language's words (``geo/lang/en/dates.json``, with their source).
_WORDS = words("en", "dates")
_MONTH_NAMES: dict[str, int] = _WORDS["month_names"]
_MONTH_ABBREVIATIONS: dict[str, int] = _WORDS["month_abbreviations"]
_MONTHS = _MONTH_NAMES | _MONTH_ABBREVIATIONS
_WEEKDAYS: dict[str, int] = _WORDS["weekdays"]

# Zone tags a reporter puts after a weekday. Abbreviations are matched in capitals only (so
# "est" in a word is not Eastern time); "<name> time" phrases in any case.
_ZONE_ABBREVIATIONS: dict[str, str] = _WORDS["zone_abbreviations"]
_ZONE_NAMES: dict[str, str] = _WORDS["zone_names"]


def _alternation(words: Iterable[str], suffix: str = "") -> str:
    # Longest first, so "September" wins over "Sep" and "US Eastern" over "Eastern".
    return "|".join(re.escape(w) + suffix for w in sorted(words, key=len, reverse=True))


def _any_case(phrases: Iterable[str]) -> str:
    """Each phrase in lower, Capitalised and UPPER case, spaces matching any whitespace.

    Spelling the cases out keeps every alternative starting with a literal, which lets ``re``
    skip ahead to candidate first letters; a leading ``(?i)`` or word boundary would make it
    try every position, ten times slower. The word boundary is checked in code instead.
    """
    variants = {v for p in phrases for v in (p, p[0].upper() + p[1:], p.upper())}
    return "|".join(re.escape(v).replace(r"\ ", r"\s+")
                    for v in sorted(variants, key=len, reverse=True))


# Month and weekday names are matched capitalised only: "may" and "march" are common words.
# Every pattern run over the whole text starts with a literal (see _any_case); the words that
# may precede an expression ("last", "early", "in", a weekday) are looked for in code, in a
# short window before it.
_MONTH_RE = (_alternation(m.capitalize() for m in _MONTH_NAMES) + "|"
             + _alternation((m.capitalize() for m in _MONTH_ABBREVIATIONS), r"\.?"))
_WEEKDAY_RE = "|".join(w.capitalize() for w in _WEEKDAYS)
_DAY_NUM = r"(?:3[01]|[12][0-9]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR_NUM = r"(?:19|20)[0-9]{2}"
_ZONE_ABBR_RE = _alternation(_ZONE_ABBREVIATIONS)
_ZONE_NAME_RE = _alternation(_ZONE_NAMES)
_ZONE_TAG_RE = (
    rf"(?P<tag>\s*\(\s*(?:(?P<abbr1>{_ZONE_ABBR_RE})|(?i:(?P<name1>{_ZONE_NAME_RE})\s+time))\s*\)"
    rf"|,?\s+(?:(?P<abbr2>{_ZONE_ABBR_RE})\b|(?i:(?P<name2>{_ZONE_NAME_RE})\s+time)\b))"
)

# "2022-03-03"
_ISO = re.compile(r"(?P<y>[0-9]{4})-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12][0-9]|3[01])\b")
# "March 3", "Feb. 24", "Feb 24, 2022". The day may not run on into more digits: "March 2022"
# is a month.
_MONTH_DAY = re.compile(
    rf"(?P<month>{_MONTH_RE})\s*(?P<day>{_DAY_NUM})\b(?![0-9])(?:,?\s+(?P<year>{_YEAR_NUM})\b)?"
)
# "1 March", "3 March 2022", "24th of February"
_DAY_MONTH = re.compile(
    rf"(?P<day>{_DAY_NUM})\s+(?:of\s+)?(?P<month>{_MONTH_RE})\b(?:,?\s+(?P<year>{_YEAR_NUM})\b)?"
)
# A month with no day after it ("in March", "mid-March", "March 2022"); which of these count is
# decided in code (_month_candidates).
_BARE_MONTH = re.compile(rf"(?P<month>{_MONTH_RE})(?:,?\s+(?P<year>{_YEAR_NUM}))?\b(?!\s*[0-9])")
_REL_MONTH = re.compile(rf"(?:{_any_case(['last month', 'this month', 'next month'])})\b")
# A weekday, its possessive and an optional zone tag ("Friday (NZT)", "Friday NZ time").
_WEEKDAY = re.compile(rf"(?P<wd>{_WEEKDAY_RE})\b(?:['’]s\b)?(?:{_ZONE_TAG_RE})?")
# Deictic and anaphoric phrases, by what they resolve to.
_RELATIVE_WORDS: dict[str, str] = _WORDS["relative_days"]
_RELATIVE = re.compile(rf"(?:{_any_case(_RELATIVE_WORDS)})\b")

# Left contexts, matched against a few characters before an expression.
_WEEKDAY_BEFORE_DATE = re.compile(rf"\b(?:{_WEEKDAY_RE}),?\s+(?:the\s+)?\Z")
_DIRECTION_BEFORE = re.compile(r"\b(?P<dir>(?i:last|next|this\s+coming|this\s+past))\s+\Z")
_MONTH_PART_BEFORE = re.compile(r"\b(?P<mod>(?i:early|earlier|mid|late|later))[\s-]+\Z")
_TIME_PREPOSITION_BEFORE = re.compile(
    r"\b(?i:in|since|during|until|through|throughout|by|from|of)\s+\Z"
)
# "USA Today" and "Russia Today" are outlets, not days.
_TITLE_BEFORE_TODAY = re.compile(r"\b(?:USA|Russia)\s+\Z")
_HOLIDAY_BEFORE_WEEKDAY = re.compile(
    r"\b(?:Good|Black|Bloody|Super|Ash|Easter|Holy|Cyber|Palm|Shrove|Maundy|Giving)\s+\Z"
)
_LEFT_WINDOW = 24

# What puts a weekday in the future: an auxiliary or a scheduling phrase in its clause. "would"
# is left out because "said Monday it would vote Friday" is as often already past by
# publication; "next" and "coming" only count right before the weekday ("the next round of
# talks ended Monday").
_FUTURE = re.compile(
    r"\b(?i:will|shall|won['’]t"
    r"|(?:is|are|was|were|be)\s+(?:set|due|scheduled|expected|slated|planned|poised|going|to)"
    r"|plans?\s+to|planning\s+to|upcoming)\b|['’]ll\b"
)
# A clause start holding nothing that says anything about tense ("On Friday, ...").
_CLAUSE_OPENER = re.compile(
    r"\s*(?i:(?:on|by|from|until|late|early|during|and|but|then|meanwhile|also)\s+)*\Z"
)
_CLAUSE_BREAK = re.compile(r"[,;:()\"“”—–]")
# A clause longer than this is cut: it bounds the work per weekday.
_CLAUSE_WINDOW = 200


@dataclass(frozen=True)
class DateRef:
    """One time expression and the day it denotes.

    ``start``/``end`` are half-open offsets into the text given to :func:`find_dates`, so
    ``text[start:end] == ref.text``. The span is the expression plus any word that changes what
    it denotes ("last Friday", "early last month", "Friday (NZT)", "Tuesday, 1 March");
    prepositions and "late on" are left out because they do not move the day.

    ``kind`` is "explicit" (a calendar date), "weekday", "relative" (a deictic word such as
    "yesterday" or "last week", or an anaphor with no earlier date to refer to), "anaphoric"
    ("the previous day" after a date) or "month" (month precision: "last month", "in March",
    "March 2022").
    """

    start: int
    end: int
    text: str
    date: datetime.date
    precision: int
    kind: str


@dataclass
class _Context:
    text: str
    published: datetime.date
    anchor: datetime.date
    event_zone: ZoneInfo
    sentences: list[tuple[int, int]]
    # Offsets of every comma, bracket, quote, colon and dash: clause edges, found once.
    breaks: list[int]
    refs: list[DateRef] = field(default_factory=list)
    # The latest explicit or weekday date so far: what an anaphor refers back to.
    antecedent: DateRef | None = None


# A resolver gets the context and the candidate's span and returns (date, precision, kind).
_Resolved = tuple[datetime.date, int, str] | None
_Resolver = Callable[[_Context, int, int], _Resolved]


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    resolve: _Resolver


def find_dates(
    text: str,
    *,
    published: datetime.date,
    article_tz: str = "UTC",
    event_tz: str | None = None,
    sentences: list[tuple[int, int]] | None = None,
) -> list[DateRef]:
    """Find and resolve every time expression in an article.

    Args:
        text: the whole article (anaphoric phrases look back through it).
        published: the publication date as printed by the outlet, on the calendar of
            ``article_tz`` (a ``datetime`` is reduced to its date).
        article_tz: IANA zone of the outlet, e.g. ``"Pacific/Auckland"``.
        event_tz: IANA zone of the reported events; defaults to ``article_tz``.
        sentences: the text's sentences (``geo.doc.sentence_spans`` of its Doc); split here
            with the same splitter when not given.

    Returns:
        The expressions in text order, without overlaps (where two overlap, the one starting
        first wins, then the longer). Expressions that denote no real day ("February 30") are
        dropped.

    Raises:
        zoneinfo.ZoneInfoNotFoundError: a zone name is unknown.
    """
    if isinstance(published, datetime.datetime):
        published = published.date()
    article_zone = zone(article_tz)
    event_zone = zone(event_tz) if event_tz else article_zone
    ctx = _Context(
        text=text,
        published=published,
        anchor=_anchor_date(published, article_zone, event_zone),
        event_zone=event_zone,
        sentences=split_sentences(text) if sentences is None else sentences,
        breaks=[m.start() for m in _CLAUSE_BREAK.finditer(text)],
    )
    # In text order, so an anaphor sees every date written before it.
    for cand in _select(_candidates(text)):
        resolved = cand.resolve(ctx, cand.start, cand.end)
        if resolved is not None:
            ref = DateRef(cand.start, cand.end, text[cand.start:cand.end], *resolved)
            ctx.refs.append(ref)
            if ref.kind in ("explicit", "weekday"):
                ctx.antecedent = ref
    return _day_ranges(text, _ranges_as_asides(text, ctx.refs))


# "Around 4 May 2023 (between 20 April - 10 May)": a range in brackets right after a date
# says how sure that date is, not when else something happened.
_ASIDE_RANGE = re.compile(r"\s*\((?:between|from|sometime between)?\s*(?P<body>[^()]{3,60})\)")


_BARE_DAY_RANGE = re.compile(r"\b([0-3]?[0-9])\s*(?:and|-|–|to)\s*[0-3]?[0-9]\s+[A-Z]")


def _ranges_as_asides(text: str, refs: list[DateRef]) -> list[DateRef]:
    """Dates of a bracketed range after a date are dropped as dates of their own; the date
    before them keeps its day with the precision the range allows (ACLED's time precision:
    2 within a week, else 3)."""
    out: list[DateRef] = []
    skip_until = -1
    for n, ref in enumerate(refs):
        if ref.start < skip_until:
            continue
        m = _ASIDE_RANGE.match(text, ref.end)
        # Only after a range (rare): copying the refs after each one made this quadratic.
        inside = [r for r in refs[n + 1:] if m.start() <= r.start and r.end <= m.end()
                  ] if m else []
        # "between 10 and 20 September": the first end is a bare day of the second's month.
        bare = m and len(inside) == 1 and _BARE_DAY_RANGE.search(m.group("body"))
        if m and ref.kind == "explicit" and (len(inside) >= 2 or bare):
            days = ((max(r.date for r in inside) - min(r.date for r in inside)).days
                    if len(inside) >= 2 else abs(inside[0].date.day - int(bare.group(1))))
            precision = max(ref.precision, 2 if days <= 7 else 3)
            out.append(dataclasses.replace(ref, precision=precision))
            skip_until = m.end()
            continue
        out.append(ref)
    return out


# "between 3 and 5 March", "from 3 to 5 March", "3-5 March": the first day before a date.
_DAYS_BEFORE = re.compile(r"(?:\b(?:between|from)\s+)?\b(?P<day>[0-3]?[0-9])(?:st|nd|rd|th)?"
                          r"\s*(?:and|to|-|–|until|till)\s*$", re.IGNORECASE)
# "March 3-5", "March 3 to 5": the last day after a date.
_DAYS_AFTER = re.compile(r"\s*(?:-|–|to|and|until|till)\s*(?P<day>[0-3]?[0-9])(?:st|nd|rd|th)?"
                         r"\b(?!\s*(?:[:.]\d|%|km|people|civilians|killed))", re.IGNORECASE)


def _day_ranges(text: str, refs: list[DateRef]) -> list[DateRef]:
    """A range of days in one month is one date: its first day, the whole range as its text,
    and the precision the range allows (ACLED's: 2 within a week, else 3). What happened
    over those days is not put on the last one."""
    out = []
    for ref in refs:
        if ref.kind != "explicit" or ref.precision != 1:
            out.append(ref)
            continue
        before = _DAYS_BEFORE.search(text, max(0, ref.start - 24), ref.start)
        after = None if before else _DAYS_AFTER.match(text, ref.end)
        first = int(before.group("day")) if before else ref.date.day
        last = int(after.group("day")) if after else ref.date.day
        if (before is None and after is None) or not 1 <= first < last <= 31:
            out.append(ref)
            continue
        start, end = (before.start(), ref.end) if before else (ref.start, after.end())
        try:
            day = ref.date.replace(day=first)
        except ValueError:
            out.append(ref)
            continue
        out.append(dataclasses.replace(ref, start=start, end=end, text=text[start:end],
                                       date=day, precision=2 if last - first < 7 else 3))
    return out


# ---------------------------------------------------------------------------------------------
# Time zones


def _anchor_date(day: datetime.date, from_zone: ZoneInfo, to_zone: ZoneInfo) -> datetime.date:
    """The date in ``to_zone`` of 06:00 on ``day`` in ``from_zone``."""
    moment = datetime.datetime.combine(day, _ANCHOR_TIME, tzinfo=from_zone)
    return moment.astimezone(to_zone).date()


def _tag_zone(match: re.Match[str]) -> ZoneInfo | None:
    abbreviation = match["abbr1"] or match["abbr2"]
    if abbreviation:
        return zone(_ZONE_ABBREVIATIONS[abbreviation])
    name = match["name1"] or match["name2"]
    if name:
        return zone(_ZONE_NAMES[" ".join(name.lower().split())])
    return None


def _is_future_clause(ctx: _Context, start: int, end: int) -> bool:
    """Whether the clause holding ``text[start:end]`` speaks of the future.

    The clause runs back from the expression to the nearest comma, bracket, quote or colon
    in its sentence. When only a preposition precedes the expression there ("On Friday,
    delegates will vote"), the clause it opens is read forward instead.
    """
    sentence_start, sentence_end = _sentence_of(ctx.sentences, start)
    index = bisect_left(ctx.breaks, start)
    back = ctx.breaks[index - 1] + 1 if index else 0
    back = max(back, sentence_start, start - _CLAUSE_WINDOW)
    if _FUTURE.search(ctx.text, back, start):
        return True
    if not _CLAUSE_OPENER.match(ctx.text[back:start]):
        return False
    ahead = end
    while ahead < sentence_end and ctx.text[ahead] in " ,":
        ahead += 1
    index = bisect_left(ctx.breaks, ahead)
    stop = ctx.breaks[index] if index < len(ctx.breaks) else sentence_end
    stop = min(stop, sentence_end, ahead + _CLAUSE_WINDOW)
    return bool(_FUTURE.search(ctx.text, ahead, stop))


def _sentence_of(sentences: list[tuple[int, int]], offset: int) -> tuple[int, int]:
    index = bisect_right(sentences, (offset, float("inf"))) - 1
    return sentences[index] if index >= 0 else (0, offset)


# ---------------------------------------------------------------------------------------------
# Resolvers: bound to a candidate with functools.partial, called in text order


def _resolve_explicit(
    year: int | None, month: int, day: int, ctx: _Context, start: int, end: int
) -> _Resolved:
    if year is None:
        when = infer_year(month, day, ctx.published)
    else:
        try:
            when = datetime.date(year, month, day)
        except ValueError:
            when = None
    return (when, DAY, "explicit") if when else None


def _resolve_calendar_month(
    year: int | None, month: int, modifier: str | None, ctx: _Context, start: int, end: int
) -> _Resolved:
    first = datetime.date(year, month, 1) if year else infer_month_year(month, ctx.published)
    return month_part_start(first, modifier), MONTH, "month"


def _resolve_relative_month(
    which: str, modifier: str | None, ctx: _Context, start: int, end: int
) -> _Resolved:
    return relative_month(which, modifier, ctx.anchor), MONTH, "month"


def _resolve_weekday_name(
    weekday: int, direction: str, tag_zone: ZoneInfo | None, ctx: _Context, start: int, end: int
) -> _Resolved:
    future = _is_future_clause(ctx, start, end)
    if tag_zone is None:
        return resolve_weekday(weekday, ctx.anchor, direction, future), DAY, "weekday"
    # A tagged weekday is a day on the tagged zone's calendar, where the publication date is
    # the printed one; that day then moves to the event's zone the way the anchor does.
    local = resolve_weekday(weekday, ctx.published, direction, future)
    return _anchor_date(local, tag_zone, ctx.event_zone), DAY, "weekday"


def _resolve_deictic(word: str, ctx: _Context, start: int, end: int) -> _Resolved:
    return relative_day(word, ctx.anchor), DAY, "relative"


def _resolve_week(which: str, ctx: _Context, start: int, end: int) -> _Resolved:
    return relative_week(which, ctx.anchor), WEEK, "relative"


def _resolve_anaphor(step: int, ctx: _Context, start: int, end: int) -> _Resolved:
    """"the previous day" (step -1) or "the next day" (step +1) from the nearest earlier date.

    Without one, a backward anaphor is read as "yesterday" (kind "relative", since it then
    refers to nothing in the text); a forward one is dropped.
    """
    # Candidates are resolved in text order and do not overlap, so the latest explicit or
    # weekday date so far is the nearest one before the anaphor: in its own sentence if that
    # has one, else in the sentences before.
    antecedent = ctx.antecedent
    if antecedent is not None:
        return antecedent.date + datetime.timedelta(days=step), DAY, "anaphoric"
    if step < 0:
        return ctx.anchor + datetime.timedelta(days=step), DAY, "relative"
    return None


# ---------------------------------------------------------------------------------------------
# Candidates


def _starts_word(text: str, start: int) -> bool:
    return start == 0 or not text[start - 1].isalnum()


def _extend_left(text: str, start: int, pattern: re.Pattern[str]) -> re.Match[str] | None:
    """``pattern`` (ending in ``\\Z``) matched against the few characters before ``start``."""
    return pattern.search(text, max(0, start - _LEFT_WINDOW), start)


def _explicit_candidates(text: str) -> list[_Candidate]:
    found = [
        _Candidate(m.start(), m.end(),
                   partial(_resolve_explicit, int(m["y"]), int(m["m"]), int(m["d"])))
        for m in _ISO.finditer(text) if _starts_word(text, m.start())
    ]
    for pattern in (_MONTH_DAY, _DAY_MONTH):
        for m in pattern.finditer(text):
            # No digit, comma or point before a day: "1,597 March" and "2.3 March" are no dates.
            if not _starts_word(text, m.start()) or text[m.start() - 1:m.start()] in (",", "."):
                continue
            month = _MONTHS[m["month"].rstrip(".").lower()]
            day = int(m["day"].rstrip("stndrh"))
            year = int(m["year"]) if m["year"] else None
            # "Tuesday, 1 March" is one expression: the weekday adds nothing to resolve.
            weekday = _extend_left(text, m.start(), _WEEKDAY_BEFORE_DATE)
            start = weekday.start() if weekday else m.start()
            found.append(_Candidate(start, m.end(), partial(_resolve_explicit, year, month, day)))
    return found


def _month_candidates(text: str) -> list[_Candidate]:
    found = []
    for m in _BARE_MONTH.finditer(text):
        if not _starts_word(text, m.start()):
            continue
        part = _extend_left(text, m.start(), _MONTH_PART_BEFORE)
        modifier = part["mod"] if part and part["mod"].lower() in ("early", "mid", "late") else None
        start = part.start() if modifier and part else m.start()
        # A bare "March" or "May" is a month only after a time preposition, a part-of-month
        # word or before a year.
        if not (m["year"] or modifier or _extend_left(text, start, _TIME_PREPOSITION_BEFORE)):
            continue
        month = _MONTHS[m["month"].rstrip(".").lower()]
        year = int(m["year"]) if m["year"] else None
        found.append(_Candidate(start, m.end(),
                                partial(_resolve_calendar_month, year, month, modifier)))
    for m in _REL_MONTH.finditer(text):
        if not _starts_word(text, m.start()):
            continue
        part = _extend_left(text, m.start(), _MONTH_PART_BEFORE)
        start = part.start() if part else m.start()
        found.append(_Candidate(start, m.end(), partial(
            _resolve_relative_month, m.group().split()[0], part["mod"] if part else None)))
    return found


def _weekday_candidates(text: str) -> list[_Candidate]:
    found = []
    for m in _WEEKDAY.finditer(text):
        if not _starts_word(text, m.start()) or _extend_left(text, m.start(),
                                                             _HOLIDAY_BEFORE_WEEKDAY):
            continue
        direction_match = _extend_left(text, m.start(), _DIRECTION_BEFORE)
        direction = " ".join(direction_match["dir"].lower().split()) if direction_match else ""
        start = direction_match.start() if direction_match else m.start()
        # A possessive "'s" stays outside the span unless a zone tag follows it.
        end = m.end() if m["tag"] else m.end("wd")
        resolver = partial(_resolve_weekday_name, _WEEKDAYS[m["wd"].lower()], direction,
                           _tag_zone(m))
        found.append(_Candidate(start, end, resolver))
    return found


def _relative_candidates(text: str) -> list[_Candidate]:
    found = []
    for m in _RELATIVE.finditer(text):
        if not _starts_word(text, m.start()):
            continue
        words = " ".join(m.group().lower().split())
        group = _RELATIVE_WORDS[words]
        if group == "today" and _extend_left(text, m.start(), _TITLE_BEFORE_TODAY):
            continue
        resolver: _Resolver
        if group == "week":
            resolver = partial(_resolve_week, words.split()[0])
        elif group.startswith("anaphor"):
            resolver = partial(_resolve_anaphor, -1 if group == "anaphor_back" else 1)
        else:
            resolver = partial(_resolve_deictic, group)
        found.append(_Candidate(m.start(), m.end(), resolver))
    return found


def _candidates(text: str) -> list[_Candidate]:
    return (_explicit_candidates(text) + _month_candidates(text) + _weekday_candidates(text)
            + _relative_candidates(text))


def _select(candidates: list[_Candidate]) -> list[_Candidate]:
    """Non-overlapping candidates in text order: the earliest start wins, then the longest."""
    chosen: list[_Candidate] = []
    for cand in sorted(candidates, key=lambda c: (c.start, c.start - c.end)):
        if not chosen or cand.start >= chosen[-1].end:
            chosen.append(cand)
    return chosen
