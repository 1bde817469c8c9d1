"""Named armed groups, as ACLED names them: "the RSF", "Houthis", "M23 rebels" are the
Rapid Support Forces, Ansar Allah and M23: March 23 Movement.

The names are data (``data/acled/armed_groups.csv``, with its provenance in its header): a
group's ACLED name, its inter code and the names and initials news copy uses for it. Initials
match only as written (``AA`` is not "aa"); names match in any case, as whole words.

Example:
    >>> found = find_group("Fighters from the RSF shelled the camp.", 0, 30)
    >>> found.actor.name, found.start
    ('Rapid Support Forces', 18)
    >>> canonical_group("Houthis").name
    'Ansar Allah'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from geo.nlp.acled_data import ACLED_DATA, acled_rows
from geo.records import Actor

__all__ = ["GROUPS_CSV", "FoundGroup", "canonical_group", "find_group", "group_words"]

GROUPS_CSV = ACLED_DATA / "armed_groups.csv"


@dataclass(frozen=True)
class FoundGroup:
    """A group named in a text: its ACLED actor and where the name stands."""

    actor: Actor
    start: int
    end: int


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, Actor], re.Pattern[str]]:
    by_alias: dict[str, Actor] = {}
    for row in acled_rows("armed_groups"):
        actor = Actor(row["acled_name"], int(row["inter"]))
        by_alias[_key(actor.name)] = actor
        for alias in row["aliases"].split("|"):
            if alias.strip():
                by_alias[_key(alias.strip())] = actor
    parts = []
    for alias in sorted(by_alias, key=len, reverse=True):
        body = re.escape(alias)
        # Initials are matched as written; a name in any case ("the houthis").
        parts.append(body if alias.isupper() and len(alias) <= 6 else f"(?i:{body})")
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])")
    return by_alias, pattern


def _key(name: str) -> str:
    name = name.replace("’", "'")
    return name if name.isupper() and len(name) <= 6 else name.casefold()


def group_words() -> frozenset[str]:
    """The one-word names and initials of the known groups ("Hamas", "Hezbollah", "RSF"),
    lower case: an organisation's name, never a place's (Hamas is not Hamm)."""
    by_alias, _pattern = _table()
    return frozenset(a.casefold() for a in by_alias if " " not in a and "-" not in a)


def canonical_group(name: str) -> Actor | None:
    """The ACLED actor a group's name or initials stand for, or None when not a known group."""
    by_alias, _pattern = _table()
    name = re.sub(r"^(?i:the)\s+|(?:'s|’s)$", "", name.strip())
    return by_alias.get(_key(name))


def find_group(text: str, start: int, end: int) -> FoundGroup | None:
    """The known group named last in ``text[start:end]`` (the one nearest a trigger at
    ``end``), or None."""
    by_alias, pattern = _table()
    last = None
    for m in pattern.finditer(text, start, end):
        last = m
    if last is None:
        return None
    return FoundGroup(by_alias[_key(last.group())], last.start(), last.end())
