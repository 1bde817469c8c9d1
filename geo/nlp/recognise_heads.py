"""The head nouns of names of things named after a place, for the place recogniser.

"Colorado State University", "the Dubai World Cup", "an Iskander missile": the capitalised
words after a span (``_name_run_after``) and their last word's class (``_head_class``, from
``geo/lang/en/name_heads.json``) tell a place's own name from the name of something named
after it. Read by both the recogniser's candidate spans and its features.
"""

from __future__ import annotations

import re
from functools import lru_cache

from geo.lang import words as lang_words

# The language's words (``geo/lang/en/recognise.json``, with their source).
_WORDS = lang_words("en", "recognise")
_REGION_WORDS = frozenset(_WORDS["region_words"])
# The next word after a span, when a single space separates them.
_NEXT_WORD = re.compile(r" ([A-Za-z][\w’'.&-]*)")
_POSSESSIVE_END = re.compile(r"['’]s$")
# Classes of head nouns (geo/lang/en/name_heads.json) of things named after a place, as
# against the place's own bodies (its police, council, government: "state_body",
# "association") and their staff.
_NAMED_AFTER = frozenset({"education", "health", "worship", "venue", "event", "company",
                          "weapon", "vessel", "disease"})


@lru_cache(maxsize=1)
def _name_heads() -> dict[str, str]:
    """Head nouns of names by class (``geo/lang/en/name_heads.json``): "university" ->
    "education", "missile" -> "weapon"."""
    return {word: group for group, words in lang_words("en", "name_heads").items()
            if group != "source" for word in words}


def _head_class(word: str) -> str:
    word = word.lower()
    if word in _REGION_WORDS:
        return "place"
    return _name_heads().get(word, "other")


def _name_run_after(text: str, end: int) -> list[str]:
    """The capitalised words that follow a span ("Colorado| State University"), each
    stripped of a possessive, up to four; a possessive or a full stop ends the run."""
    run: list[str] = []
    pos = end
    while len(run) < 4:
        m = _NEXT_WORD.match(text, pos)
        if m is None or not m.group(1)[:1].isupper():
            break
        word = m.group(1)
        pos = m.end()
        stem = _POSSESSIVE_END.sub("", word).rstrip(".")
        run.append(stem)
        if stem != word:
            break
    return run
