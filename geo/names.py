"""Display names: a place as analysts and the articles write it, not in GeoNames' transliteration.

GeoNames names Gaza's places "An Nuşayrāt" and "Dayr al Balaḩ"; the articles say "Nuseirat"
and "Deir al-Balah", and so do the analysts reading the dashboard. :func:`display_name` is the
one rule for the name a place is shown by; everything else reads the ``display_name`` column
it fills (``geo.tables``). Exports keep GeoNames' name in ``location`` (what ACLED and GIS
tools join on) and carry the display name beside it.

The rule, in order:

1. the spelling the articles use for the place: the text of the mentions that resolved to it,
   the most frequent across the store (a tie: the spelling closest to GeoNames' name); for a
   plain-ASCII GeoNames name, only a spelling of that name ("Odessa" for Odesa), never
   another name ("Leningrad" for Saint Petersburg). Only a
   mention read as a name counts (not "Russian" for Russia, "Donetsk region", a qualifier such
   as "Donetsk" in "Zarichne, Donetsk", nor a non-Latin spelling, a lower-case one or a
   headline's capitals). A mention that differs from GeoNames' name only by case or
   diacritics ("KYIV", "Khan Yunis" for "Khān Yūnis") is no spelling of its own: it counts for
   GeoNames' name written plainly (its diacritics dropped), so "KYIV" is never shown, and ten
   articles writing "Khan Yunis" still outweigh one writing "Khan Younis";
2. GeoNames' own name, when it is plain ASCII;
3. the gazetteer's ASCII alternate name closest to it ("An Nusayrat");
4. GeoNames' name with its diacritics dropped, when that is ASCII; else the name itself.

Example:
    >>> display_name("An Nuşayrāt", {"Nuseirat": 3, "Nusseirat": 1})
    'Nuseirat'
    >>> display_name("Kyiv", {"Kiev": 6, "Kyiv": 5, "KYIV": 2})
    'Kyiv'
    >>> display_name("Saint Petersburg", {"Leningrad": 2, "St Petersburg": 1})
    'St Petersburg'
    >>> display_name("Khān Yūnis", {"Khan Younis": 1, "Khan Yunis": 3})
    'Khan Yunis'
    >>> display_name("Dayr al Balaḩ", alternates=["Deir al Balah", "Dayr al Balah"])
    'Dayr al Balah'
    >>> display_name("Ḩalab")
    'Halab'
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

#: The reason ``geo.nlp.resolve`` gives a mention it read as a qualifier of the place before
#: it ("Donetsk" in "Zarichne, Donetsk" read as the region): the mention names the region only
#: by a town's name, so its text is no spelling of the region. Stored mention rows keep the
#: reason, not the resolver's ``role``; ``tests/test_names.py`` checks the two still agree.
QUALIFIER_REASON = "qualifies the place before it"

_LETTER = r"A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F\u1E00-\u1EFF"
# A name in Latin script, as an English article writes it: letters, spaces, apostrophes,
# dots, hyphens, brackets. Cyrillic and Arabic spellings are no English display name.
_LATIN = re.compile(rf"^[{_LETTER}][{_LETTER} '’ʼʻ.\-()]*$")
# Letters NFKD does not decompose, and the typographic marks transliterations use.
_ASCII_LETTERS = str.maketrans({"ı": "i", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o",
                                "Ø": "O", "ß": "ss", "æ": "ae", "Æ": "Ae", "œ": "oe",
                                "Œ": "Oe", "þ": "th", "Þ": "Th", "ð": "d", "Ð": "D",
                                "’": "'", "ʼ": "'", "ʻ": "'", "‘": "'"})
# A headline in capitals ("NUSEIRAT") shouts the name, it does not spell it; short capitals
# are how news writes some places ("UK", "UAE", "DRC").
_LONGEST_CAPITALS = 4


def fold(name: str) -> str:
    """``name`` without diacritics (NFKD, marks dropped; ł, ø, ß... spelled out)."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_ASCII_LETTERS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def closeness(a: str, b: str) -> float:
    """How alike two spellings are, in [0, 1], diacritics and case aside."""
    return difflib.SequenceMatcher(None, fold(a).lower(), fold(b).lower()).ratio()


def closest_ascii(name: str, alternates: Iterable[str]) -> str:
    """The plain-ASCII alternate closest to ``name`` ("" when none is); a tie goes to the
    alphabetically first, so every run picks the same."""
    plain = {a for a in alternates if a and a.isascii() and a != name}
    if not plain:
        return ""
    return min(plain, key=lambda a: (-closeness(a, name), a))


def spelled_as(text: str, name: str) -> str:
    """The spelling a mention written ``text`` counts for, of a place GeoNames names
    ``name``; "" when it counts for none.

    ``name`` with only its case or diacritics changed counts for ``name`` written plainly
    (diacritics dropped; none when that is not ASCII either). Another spelling counts for
    itself when it is Latin script, not all lower-case and not a headline's capitals.

    >>> spelled_as("KYIV", "Kyiv"), spelled_as("Khan Yunis", "Khān Yūnis")
    ('Kyiv', 'Khan Yunis')
    >>> spelled_as("NUSEIRAT", "An Nuşayrāt"), spelled_as("Нусейрат", "An Nuşayrāt")
    ('', '')
    """
    if fold(text).casefold() == fold(name).casefold():
        plain = fold(name)
        return plain if plain.isascii() else ""
    if not _LATIN.match(text) or text == text.lower():
        return ""
    letters = [ch for ch in text if ch.isalpha()]
    if text.isupper() and len(letters) > _LONGEST_CAPITALS:
        return ""
    return text


# How close a spelling must be to a plain GeoNames name to be a spelling of it, not another
# name ("Leningrad" in "the siege of Leningrad" is Saint Petersburg's old name, "Artemivsk"
# Bakhmut's): "Odessa"/"Odesa" .91, "Kiev"/"Kyiv" .75, "Leningrad"/"Saint Petersburg" .24.
# A transliterated name ("An Nuşayrāt") takes any spelling: it is the one to replace.
_SAME_NAME = 0.6


def display_name(name: str, spellings: Mapping[str, int] | None = None,
                 alternates: Iterable[str] = ()) -> str:
    """The name a place is shown by (see the module's docstring for the rule).

    Args:
        name: GeoNames' (the gazetteer's) name of the place.
        spellings: how often the articles wrote each spelling of it (mention text -> count;
            only mentions ``spelling_counts`` keeps).
        alternates: the gazetteer's alternate names of the place.

    Returns:
        The display name; ``name`` when nothing better is known.
    """
    own: Counter[str] = Counter()
    for text, n in (spellings or {}).items():
        if n > 0 and (spelled := spelled_as(text, name)) and (
                not name.isascii() or closeness(spelled, name) >= _SAME_NAME):
            own[spelled] += n
    if own:
        return min(own, key=lambda text: (-own[text], -closeness(text, name), text))
    if not name or name.isascii():
        return name
    alternate = closest_ascii(name, alternates)
    if alternate:
        return alternate
    folded = fold(name)
    return folded if folded.isascii() else name


def counts_as_spelling(place_key: str, pattern: str, reason: str) -> bool:
    """Whether a mention row (``geo.tables.MENTION_COLUMNS``) can spell its place: resolved,
    read as a name (not a demonym, an "X region" phrase or a computed point), and not a
    qualifier read as the region it stands in."""
    return bool(place_key) and (pattern or "name") == "name" and not str(
        reason or "").startswith(QUALIFIER_REASON)


#: A mention as ``Spellings`` counts it: (article, place key, GeoNames name, text, pattern,
#: reason), the ``geo.tables.MENTION_COLUMNS`` of those names.
SpellingRow = tuple[str, str, str, str, str, str]


@dataclass(frozen=True, eq=False)
class Spellings:
    """How the store's articles spell each place, kept per article so that a store read
    brought up to date by a delta (``geo.store.results``) replaces only the articles written since.

    ``by_article`` maps an article id to a count of ``(place key, GeoNames name, text)``;
    ``text`` is "" for a mention that cannot spell its place (it still says the place's name).
    """

    by_article: Mapping[str, Mapping[tuple[str, str, str], int]] = field(
        default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Iterable[SpellingRow]) -> Spellings:
        """Counted from mention rows (see ``SpellingRow``, text values, "" for none);
        unresolved mentions are skipped."""
        by_article: defaultdict[str, Counter[tuple[str, str, str]]] = defaultdict(Counter)
        # ``counts_as_spelling`` written out: this loop runs once per stored mention.
        for article, key, name, text, pattern, reason in rows:
            if key:
                spells = pattern in ("name", "") and not reason.startswith(QUALIFIER_REASON)
                by_article[article][(key, name, text if spells else "")] += 1
        return cls(dict(by_article))

    def replaced(self, articles: Iterable[str], newer: Spellings) -> Spellings:
        """These spellings with the ``articles`` (rewritten since) counted as in ``newer``."""
        by_article = dict(self.by_article)
        for article in articles:
            by_article.pop(article, None)
        by_article.update(newer.by_article)
        return Spellings(by_article)

    def places(self) -> tuple[dict[str, str], dict[str, Counter[str]]]:
        """(place key -> GeoNames name, place key -> spelling -> count) over every article."""
        names: dict[str, str] = {}
        counts: dict[str, Counter[str]] = {}
        for counter in self.by_article.values():
            for (key, name, text), n in counter.items():
                names.setdefault(key, name)
                if text:
                    counts.setdefault(key, Counter())[text] += n
        return names, counts


def display_names(places: Mapping[str, str], spellings: Mapping[str, Mapping[str, int]],
                  alternates: Mapping[str, str]) -> dict[str, str]:
    """Each place's display name (``display_name``).

    Args:
        places: place key -> GeoNames name.
        spellings: place key -> spelling -> count (``Spellings.places``).
        alternates: place key -> the gazetteer's ASCII alternate closest to its name
            (``geo.gazetteer.index.ascii_alternates``).

    Returns:
        Place key -> display name, for every key of ``places``.
    """
    out = {}
    for key, name in places.items():
        alternate = alternates.get(key)
        out[key] = display_name(name, spellings.get(key), (alternate,) if alternate else ())
    return out
