"""Sentence boundaries as character offsets.

News copy is full of abbreviations ("Feb. 24", "U.S.", "St. Petersburg") that a naive split on
full stops would cut, so a boundary needs terminal punctuation, whitespace and a capital (or a
quote/bracket then a capital) and must not follow a known abbreviation. Newlines always end a
sentence: scraped articles put captions, headlines and paragraphs on lines of their own.

Example:
    >>> text = "Kyiv was shelled on Feb. 24. Kharkiv too."
    >>> [text[s:e] for s, e in split_sentences(text)]
    ['Kyiv was shelled on Feb. 24.', 'Kharkiv too.']
"""

from __future__ import annotations

import re
from functools import lru_cache

_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof gen col lt sgt capt maj gov sen rep st mt ft jan feb mar apr jun jul aug
    sep sept oct nov dec no vs etc inc corp ltd co jr sr u.s u.k u.n e.u a.m p.m approx est dept
    univ ave rd""".split()
)
# A candidate end: terminal punctuation, optional closing quotes/brackets, then whitespace.
_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
_LINE = re.compile(r"[^\n]+")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split text into sentences.

    Args:
        text: any text; newlines are hard boundaries.

    Returns:
        Half-open (start, end) offsets of each sentence, stripped of surrounding whitespace,
        in order. ``text[start:end]`` is the sentence.
    """
    return list(_split(text))


@lru_cache(maxsize=32)
def _split(text: str) -> tuple[tuple[int, int], ...]:
    # Every stage of the pipeline splits the same article: remember the last few.
    spans: list[tuple[int, int]] = []
    for line in _LINE.finditer(text):
        start = line.start()
        for end_match in _END.finditer(line.group()):
            end = line.start() + end_match.end()
            if _is_abbreviation(text, line.start() + end_match.start()):
                continue
            _append_stripped(text, start, end, spans)
            start = end
        _append_stripped(text, start, line.end(), spans)
    return tuple(spans)


def _is_abbreviation(text: str, dot: int) -> bool:
    if text[dot] != ".":
        return False
    word_start = dot
    while word_start > 0 and (text[word_start - 1].isalpha() or text[word_start - 1] == "."):
        word_start -= 1
    word = text[word_start:dot].lower()
    # Single capitals are initials ("Joe R. Biden"); "U.S." style abbreviations keep inner dots.
    return word in _ABBREVIATIONS or (len(word) == 1 and text[dot - 1].isupper())


def _append_stripped(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    span = stripped(text, start, end)
    if span is not None:
        spans.append(span)


def stripped(text: str, start: int, end: int) -> tuple[int, int] | None:
    """``text[start:end]`` without its surrounding whitespace, as offsets; None if empty."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def sentence_at(spans: list[tuple[int, int]], offset: int) -> tuple[int, int]:
    """Return the sentence span holding ``offset`` (or the nearest one before it)."""
    lo, hi = 0, len(spans) - 1
    best = spans[0] if spans else (0, 0)
    while lo <= hi:
        mid = (lo + hi) // 2
        if spans[mid][0] <= offset:
            best = spans[mid]
            lo = mid + 1
        else:
            hi = mid - 1
    return best
