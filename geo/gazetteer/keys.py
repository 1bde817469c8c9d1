"""Keys: how a place name is folded to its index key (``normalize``) and to a
transliteration-blind key (``spelling_key``), and what a place's key says about it (the
prefixes of curated and codifier places; ``is_estimated``). Pure functions of strings.

Example:
    >>> normalize("St. Petersburg") == normalize("Saint-Petersburg"), is_estimated_key("ua:1")
    (True, True)
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from geo.records import Place

#: Key prefixes of places someone put in on purpose: the curated file and imported packs.
CURATED_PREFIXES = ("extra:", "user:")
# Key prefix of the codifier's places (their points are estimates, see ``is_estimated``).
SETTLEMENT_PREFIX = "ua:"
# Key prefix of the second-level units (``data/subdivisions.csv``): their population is the
# sum of the towns inside them, a size for the resolver, not a town's own.
SUBDIVISION_PREFIX = "subdiv:"
_STRIP = re.compile(r"['’.()]")
_SPACES = re.compile(r"[\s\-]+")
# Abbreviations spelled out, so "St Petersburg", "St. Petersburg" and "Saint Petersburg" meet.
_TOKEN_EXPANSIONS = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort"}


@lru_cache(maxsize=200_000)
def normalize(name: str) -> str:
    """Fold a place name to its index key.

    Diacritics, case, apostrophes, dots and hyphens are dropped so that spellings meet:
    "Khar'kov" and "Kharkov", "Ivano-Frankivsk" and "Ivano Frankivsk", "St. Petersburg" and
    "Saint Petersburg".

    Args:
        name: a name as written.

    Returns:
        The key, lower-case tokens separated by single spaces.
    """
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    folded = _STRIP.sub("", folded)
    tokens = _SPACES.sub(" ", folded).strip().split(" ")
    return " ".join(_TOKEN_EXPANSIONS.get(t, t) for t in tokens if t)


def spelling_key(name: str) -> str:
    """A transliteration-blind key: the consonants of a ``normalize``d name, doubled
    digraphs once, and "g" as "h" (the Russian and Ukrainian letters for one sound: Russian
    spellings write "Logvinovo", "Gorlovka" for Ukraine's "Lohvynove", "Horlivka").
    "Zaporizhia"/"Zaporizhzhia", "Mykolaivka"/"Mykolayivka", "Huliaipole"/"Hulyaypole",
    "Chkalove"/"Chkalovo", "Petrovskoye"/"Petrivske" and "sch"/"shch" share one. Lossy by
    design: used only inside one first-level region, where a qualifier has already said where
    the place is.

    >>> spelling_key("Zaporizhia") == spelling_key("Zaporizhzhia")
    True
    >>> spelling_key("Logvinovo") == spelling_key("Lohvynove")
    True
    >>> spelling_key("Mali Scherbaky") == spelling_key("Mali Shcherbaky")
    True
    """
    return skeleton(normalize(name))


_DOUBLED = re.compile(r"(zh|kh|ch|sh|ts)\1")
_VOWELS = re.compile(r"[aeiouy\s'’-]+")


def skeleton(key: str) -> str:
    """``spelling_key`` of a key already ``normalize``d."""
    # Ukrainian "щ" is "shch" in the official romanisation and "sch" in many others
    # ("Klishchiivka"/"Klischiivka"): one key for both.
    return _VOWELS.sub("", _DOUBLED.sub(r"\1", key.replace("g", "h").replace("shch", "sch")))


def is_estimated(place: Place) -> bool:
    """Whether the place's point stands for it only roughly: a village of the codifier placed
    at the centre of its hromada (~15 km off), or a raion or hromada placed at its seat (as
    ACLED codes them, precision 2)."""
    return is_estimated_key(place.key)


def is_estimated_key(key: str) -> bool:
    """``is_estimated`` for a place known only by its key (a table's ``location_id``)."""
    return str(key).startswith(SETTLEMENT_PREFIX)
