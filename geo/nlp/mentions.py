"""Find the stretches of an article that name places, with exact character offsets.

The scanner walks the words of the text; from each capitalised word it extends a span while the
words so far are a prefix of some gazetteer name, and keeps the longest span that is a name
("Sea of Azov", "Zaporizhzhia nuclear plant", "St. Petersburg"). A trailing "region"/"oblast"
turns the span into a region mention ("Brest region"). Spans that are people, outlets,
organisations or ordinary words are then dropped by small named rules (``_reject_reason``).

Example:
    >>> from geo.gazetteer.index import Gazetteer
    >>> text = "Vladimir Putin spoke as Kharkov and Kherson's port were shelled."
    >>> [m.text for m in find_mentions(text, Gazetteer.load())]
    ['Kharkov', 'Kherson']
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from english_words import get_english_words_set

from geo.gazetteer.index import CURATED_PREFIXES, SETTLEMENT_PREFIX, Gazetteer, normalize
from geo.lang import words
from geo.nlp.groups import group_words
from geo.nlp.sentences import split_sentences
from geo.records import Mention

NOT_PLACES_TXT = Path(__file__).resolve().parents[2] / "data" / "not_places.txt"

# Words (and dotted abbreviations such as "U.S." or "D.C."); a possessive "'s" is left outside.
_WORD = re.compile(r"(?:[A-Z]\.){2,}|[^\W\d_]+(?:['’][^\W\d_]{2,})*")
_LINE = re.compile(r"[^\n]+")
_HEADLINE_MAX_CHARS = 250
# Where a capitalised word may start (post-checked with str.isupper for the wider alphabet).
_CAPITALISED = re.compile(r"(?<![\w'’])[A-Z\u00C0-\u00DE\u0100-\u024F\u0400-\u042F]")
# What may join the words of one name: a space, a hyphen, or an abbreviation's dot ("St.").
_GAP = re.compile(r"[ \-\u00a0]|\. ?")
_JOINERS = frozenset(" -\u00a0")
_LOWER_WORD = re.compile(r"(?<![\w'’])[a-z]+(?![\w'’])")
# The language's words (``geo/lang/en/mentions.json``, with their source).
_WORDS = words("en", "mentions")
_ABBREVIATED = frozenset(_WORDS["abbreviated"])
# "X region", "X oblast": the span names the region around X, not the town.
_REGION_WORDS = frozenset(_WORDS["region_words"])
# Capitalised, these open an institution's name ("State Department", "District Court").
_AMBIGUOUS_REGION_WORDS = frozenset(_WORDS["ambiguous_region_words"])
# Capitalised words after a place name that keep it a place ("Kyiv Mayor", "Kherson Oblast").
_PLACE_FOLLOWERS = frozenset(_WORDS["place_followers"])
# Capitalised words after a place name that make the whole an organisation or an outlet.
_ORG_FOLLOWERS = frozenset(_WORDS["org_followers"])
# Words before a name that make it a person ("President Putin", "Mr Kyiv" never happens).
_TITLES = frozenset(_WORDS["titles"])
# Capitalised words that open a sentence and say nothing about the next word.
_FUNCTION_WORDS = frozenset(_WORDS["function_words"])
# A capitalised word that the same text also uses in lower case ("give", "she", "train") is
# read as a place only when some place of that name is at least this big.
_COMMON_WORD_POPULATION = 100_000
# ... or, opening a sentence where any word is capitalised, at least this big.
_SENTENCE_START_POPULATION = 1_000_000
_MODIFIERS = frozenset(_WORDS["modifiers"])
_DEMONYM_ENDINGS = tuple(_WORDS["demonym_endings"])


class _Word(NamedTuple):
    start: int
    end: int
    text: str
    key: str
    sentence_start: bool
    title_case_line: bool


def find_mentions(text: str, gazetteer: Gazetteer, *, article: str = "",
                  not_places: frozenset[str] | None = None) -> list[Mention]:
    """Find every place name in a text by the gazetteer and the named rules alone (the
    ``rules`` recogniser; ``geo.nlp.recognise`` weighs these spans with more evidence).

    Args:
        text: the article's text.
        gazetteer: the place index.
        article: the article id stamped on each mention.
        not_places: normalized single words never read as places (default:
            data/not_places.txt).

    Returns:
        Mentions in text order, without overlaps; ``text[m.start:m.end] == m.text``.
    """
    found = [m for m, reason in find_name_spans(text, gazetteer, article=article,
                                                not_places=not_places) if reason is None]
    return select_longest(found)


def find_name_spans(text: str, gazetteer: Gazetteer, *, article: str = "",
                    not_places: frozenset[str] | None = None) -> list[tuple[Mention, str | None]]:
    """Every span the gazetteer names, with the named rule that rejects it (None if none).

    A span a rule rejects does not hide the shorter names inside it ("Paris Hilton" is
    rejected; "Hilton" is still read), so the recogniser sees every alternative.

    Args:
        text: the article's text.
        gazetteer: the place index.
        article: the article id stamped on each mention.
        not_places: as for ``find_mentions``.

    Returns:
        (mention, reason) pairs in text order; mentions may overlap. Nationality words
        ("Russian") come with the pattern "demonym".
    """
    not_places = load_not_places() if not_places is None else not_places
    words = _Words(text)
    lowercase = frozenset(_LOWER_WORD.findall(text))
    found: list[tuple[Mention, str | None]] = []
    resume = 0
    for cap in _CAPITALISED.finditer(text):
        if cap.start() < resume:
            continue
        first = words.at(cap.start())
        if first is None or not first.text[0].isupper():
            continue
        demonym = _demonym(words, first, gazetteer, article)
        match = _longest_name(words, first, gazetteer)
        # "Russian" is a nationality word; "Russian Federation" is a longer name.
        if demonym is not None and (match is None or match[0][-1].end <= demonym.end):
            found.append((demonym, None))
            resume = demonym.end
            continue
        if match is None:
            continue
        span, key = match
        mention = _region_phrase(words, span, article)
        if mention is None:
            # "Bakhmutskyi district", "Soledar hromada": the unit word is part of the name.
            pattern = "region" if _names_a_unit(span, key, gazetteer) else "name"
            mention = Mention(article=article, start=first.start, end=span[-1].end,
                              text=text[first.start:span[-1].end], pattern=pattern)
        reason = _reject_reason(words, span, key, gazetteer, not_places, lowercase)
        found.append((mention, reason))
        if reason is None:
            resume = mention.end
    return found


def _demonym(words: _Words, first: _Word, gazetteer: Gazetteer, article: str) -> Mention | None:
    """"Russian", "South African": a nationality word, as two words or one."""
    following = words.after(first)
    spans = ([first, following] if following is not None else []), [first]
    for span in spans:
        if span and " ".join(w.key for w in span) in gazetteer.demonyms and all(
                w.text[0].isupper() for w in span):
            start, end = span[0].start, span[-1].end
            return Mention(article=article, start=start, end=end, text=words.text[start:end],
                           pattern="demonym")
    return None


def select_longest(mentions: list[Mention]) -> list[Mention]:
    """Drop overlapping mentions, keeping the longest and then the earliest (as spaCy's
    ``filter_spans``).

    Args:
        mentions: mentions of one article, in any order.

    Returns:
        Non-overlapping mentions in text order.
    """
    kept: list[Mention] = []
    taken: set[int] = set()
    for m in sorted(mentions, key=lambda m: (-(m.end - m.start), m.start)):
        if not any(pos in taken for pos in range(m.start, m.end)):
            kept.append(m)
            taken.update(range(m.start, m.end))
    return sorted(kept, key=lambda m: m.start)


@lru_cache(maxsize=1)
def load_not_places() -> frozenset[str]:
    """The curated list of words never read as places (``data/not_places.txt``), and the
    one-word names of the armed groups ACLED names (``geo.nlp.groups``)."""
    lines = NOT_PLACES_TXT.read_text(encoding="utf-8").splitlines()
    curated = {normalize(ln) for ln in lines if ln.strip() and not ln.startswith("#")}
    return frozenset(curated | {normalize(w) for w in group_words()})


class _Words:
    """The text's words, read on demand: only capitalised words and their neighbours are
    ever looked at, so the scan costs little on the lower-case bulk of a text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._sentence_starts = {start for start, _end in split_sentences(text)}
        self._title_lines = [(m.start(), m.end()) for m in _LINE.finditer(text)
                             if _is_title_case(m.group())]
        self._title_starts = [start for start, _end in self._title_lines]
        self._memo: dict[int, _Word | None] = {}

    def at(self, pos: int) -> _Word | None:
        if pos in self._memo:  # neighbours are looked up again by several rules
            return self._memo[pos]
        word = self._read(pos)
        self._memo[pos] = word
        return word

    def _read(self, pos: int) -> _Word | None:
        m = _WORD.match(self.text, pos)
        if m is None:
            return None
        word = m.group()
        opens = in_title = False
        if word[0].isupper():
            # A sentence opener may follow quotes or brackets.
            prefix_start = pos
            while prefix_start > 0 and self.text[prefix_start - 1] in "\"'“‘([":
                prefix_start -= 1
            opens = prefix_start in self._sentence_starts
            line = bisect_right(self._title_starts, pos) - 1
            in_title = line >= 0 and pos < self._title_lines[line][1]
        return _Word(pos, m.end(), word, normalize(word), opens, in_title)

    def after(self, word: _Word) -> _Word | None:
        """The next word when only a joining gap (space, hyphen, abbreviation dot) separates
        it from ``word``."""
        gap = _GAP.match(self.text, word.end)
        if gap is None:
            return None
        if "." in gap.group() and word.key not in _ABBREVIATED:
            return None
        return self.at(gap.end())

    def before(self, word: _Word) -> _Word | None:
        """The previous word when only a space or hyphen separates it from ``word``."""
        gap = word.start - 1
        text = self.text
        if gap <= 0 or text[gap] not in _JOINERS:
            return None
        start = gap  # walk back over the previous word: cheaper than a regex anchored at \Z
        while start > 0 and (text[start - 1].isalpha() or text[start - 1] in "'’."):
            start -= 1
        previous = self.at(start) if start < gap else None
        return previous if previous is not None and previous.end == gap else None


def _is_title_case(line: str) -> bool:
    """A headline in Title Case ("Russia Agree To Create Corridors") says nothing about names:
    there, ordinary English words are capitalised too."""
    if len(line) > _HEADLINE_MAX_CHARS:
        return False  # a paragraph, not a headline
    words = english_words()
    ordinary = [t for t in re.findall(r"[^\W\d_]+", line) if t.lower() in words]
    if len(ordinary) < 3:
        return False
    return sum(t[0].isupper() for t in ordinary) / len(ordinary) >= 0.75


def _longest_name(words: _Words, first: _Word,
                  gazetteer: Gazetteer) -> tuple[list[_Word], str] | None:
    best = None
    span = [first]
    key = first.key
    while True:
        if key in gazetteer.names or key in gazetteer.region_names:
            best = (list(span), key)
        if key not in gazetteer.prefixes:
            break
        following = words.after(span[-1])
        if following is None:
            break
        span.append(following)
        key = f"{key} {following.key}"
    return best


def _region_phrase(words: _Words, span: list[_Word], article: str) -> Mention | None:
    word = words.after(span[-1])
    if word is None or word.key not in _REGION_WORDS:
        return None
    if word.text[0].isupper() and word.key in _AMBIGUOUS_REGION_WORDS:
        return None
    # "the U.S. State Department": the word opens an institution's name.
    following = words.after(word)
    if following is not None and following.text[0].isupper():
        return None
    start, end = span[0].start, word.end
    return Mention(article=article, start=start, end=end, text=words.text[start:end],
                   pattern="region")


def _reject_reason(words: _Words, span: list[_Word], key: str, gazetteer: Gazetteer,
                   not_places: frozenset[str], lowercase: frozenset[str]) -> str | None:
    """Why the span is not a place, or None when it may be one."""
    first, final = span[0], span[-1]
    single = len(span) == 1
    if single and key in not_places:
        return "ordinary word"
    if single and first.text.replace(".", "").isupper() and len(first.text) > 1 and (
        key not in gazetteer.uppercase_names
    ):
        return "all-capitals word (heading, acronym or credit)"
    if single and len(key) < 3 and key not in gazetteer.uppercase_names:
        return "too short"
    if not final.text[0].isupper() and not _has_curated_name(key, gazetteer):
        return "ends in a lower-case word"
    if single and (first.text.lower() in lowercase or key in english_words()) and (
        _largest_population(key, gazetteer) < _COMMON_WORD_POPULATION
        or (first.sentence_start and not _is_country(key, gazetteer)
            and _largest_population(key, gazetteer) < _SENTENCE_START_POPULATION)
    ):
        return "an ordinary English word"
    before = words.before(first)
    after = words.after(final)
    if before is not None and before.key in _TITLES:
        return "a person's name after a title"
    if after is not None and after.text[0].isupper():
        if after.key in _ORG_FOLLOWERS:
            return "part of an organisation's or outlet's name"
        if single and after.key not in _PLACE_FOLLOWERS and not final.title_case_line and (
            not _is_place_word(after, gazetteer)
        ):
            return "a given name followed by a surname"
    if before is not None and before.text[0].isupper() and not first.title_case_line:
        if not (before.sentence_start and before.key in _FUNCTION_WORDS) and not (
            _is_modifier(before, gazetteer)
        ):
            return "a surname after a given name"
    return None


def _names_a_unit(span: list[_Word], key: str, gazetteer: Gazetteer) -> bool:
    """A name ending in its unit word, lower-case, that names an administrative unit."""
    return len(span) > 1 and span[-1].text.islower() and any(
        gazetteer.places[i][4] in ("area", "region") for i in gazetteer.lookup(key))


def _has_curated_name(key: str, gazetteer: Gazetteer) -> bool:
    """Whether a name ending in a lower-case word is one on purpose: a curated name ("Dnieper
    river") or an administrative unit of the codifier ("Bakhmutskyi raion")."""
    return any(gazetteer.places[i][0].startswith(CURATED_PREFIXES) or (
        gazetteer.places[i][0].startswith(SETTLEMENT_PREFIX) and gazetteer.places[i][4] == "area")
        for i in gazetteer.lookup(key))


def _largest_population(key: str, gazetteer: Gazetteer) -> int:
    return max((gazetteer.places[i][7] for i in gazetteer.lookup(key)), default=0)


def _is_country(key: str, gazetteer: Gazetteer) -> bool:
    return any(gazetteer.places[i][4] == "country" for i in gazetteer.lookup(key))


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Ordinary English words (GCIDE, via the ``english-words`` package), lower case."""
    return frozenset(get_english_words_set(["gcide"], lower=True))


def _is_place_word(word: _Word, gazetteer: Gazetteer) -> bool:
    return word.key in gazetteer.names or word.key in gazetteer.prefixes


def _is_modifier(word: _Word, gazetteer: Gazetteer) -> bool:
    """Words that may precede a place without being a given name: demonyms ("Russian"),
    directions ("Eastern"), function words ("In"), titles of places ("Greater")."""
    key = word.key
    if key in _FUNCTION_WORDS or key in _MODIFIERS:
        return True
    return len(key) > 5 and key.endswith(_DEMONYM_ENDINGS) and key not in _TITLES
