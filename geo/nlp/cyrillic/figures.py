"""Killed and injured counts of a Ukrainian or Russian sentence, in digits or words ("двоє
загиблих", "п'ятеро поранених", "погибли четыре человека", "кількість загиблих зросла до
дев'яти"); ages, distances, dates and units never count. The words are language data
(``geo/lang/<lang>/casualties.json`` and ``numbers.json``); ``stem_lists`` and ``stem_pattern``
turn such word lists into patterns the report reader uses too.
"""

from __future__ import annotations

import re
from functools import cache

from geo.lang import words
from geo.nlp.cyrillic.places import word_spans
from geo.nlp.figures import Figure

__all__ = ["find_casualties", "stem_lists", "stem_pattern"]

_WINDOW = 5  # words between a casualty word and its count


@cache
def stem_lists(lang: str, name: str) -> dict[str, re.Pattern[str]]:
    """Each list of ``geo/lang/<lang>/<name>.json`` as one pattern matching a word's start."""
    return {key: stem_pattern(tuple(value)) for key, value in words(lang, name).items()
            if isinstance(value, list) and value and all(isinstance(v, str) for v in value)}



@cache
def stem_pattern(forms: tuple[str, ...]) -> re.Pattern[str]:
    """Word stems as one pattern matching at a word's start; a stem ending in "=" matches
    the whole word only."""
    def one(form: str) -> str:
        return re.escape(form[:-1]) + r"(?!\w)" if form.endswith("=") else re.escape(form)

    alternatives = sorted((one(f) for f in forms), key=len, reverse=True)
    return re.compile(r"(?<![\w'’])(?:" + "|".join(alternatives) + ")", re.IGNORECASE)




def find_casualties(text: str, lang: str, start: int = 0, end: int | None = None,
                    ) -> tuple[tuple[Figure, ...], tuple[Figure, ...]]:
    """Killed and injured counts of ``text[start:end]`` (offsets are ``text``'s).

    Each count goes to the casualty word nearest it ("загинули троє людей, ще шестеро
    поранені": three killed, six injured); a casualty word with no count of its own is one
    person when its verb is singular or a single person follows ("загинув пасажир").

    >>> killed, injured = find_casualties("Загинули двоє людей, п'ятеро поранені.", "uk")
    >>> [f.low for f in killed], [f.low for f in injured]
    ([2], [5])
    """
    end = len(text) if end is None else end
    data = words(lang, "casualties")
    numbers = words(lang, "numbers")
    stems = stem_lists(lang, "casualties")
    tokens = word_spans(text, start, end)
    lowered = [text[a:b].lower().replace("’", "'").replace("ʼ", "'") for a, b in tokens]
    folded = text.lower()
    values: dict[int, int] = {}
    for k, w in enumerate(lowered):
        value = _number(w, numbers)
        if value is None or _not_people(k, lowered, data, numbers):
            continue
        if k + 1 < len(lowered) and lowered[k + 1] in numbers["multipliers"]:
            value *= int(numbers["multipliers"][lowered[k + 1]])
        if k >= 2 and " ".join(lowered[k - 2:k]) in data["subset"] or (
                k >= 1 and lowered[k - 1] in data["subset"]):
            continue  # "серед них двоє дітей": part of a count already given
        values[k] = value
    # Casualty words by token (a phrase such as "забрав життя" starts at its first word).
    kinds: dict[int, str] = {}
    for k, (a, _b) in enumerate(tokens):
        if stems["killed"].match(folded, a):
            kinds[k] = "killed"
        elif stems["injured"].match(folded, a):
            kinds[k] = "injured"
    figures: dict[str, list[Figure]] = {"killed": [], "injured": []}
    counted: set[int] = set()  # casualty words that have their count
    # "Кількість загиблих зросла (з 27) до 33": the toll is the count after "rose ... to".
    for m in stems["total_of"].finditer(folded, start, end):
        kind = "injured" if stems["injured"].search(m.group(0)) else "killed"
        rose = stems["rose_to"].search(folded, m.end(), end)
        after = [k for k, (a, _b) in enumerate(tokens) if rose and a >= rose.end()]
        to = next((k for k in after[:_WINDOW] if lowered[k] in data["to"]), None)
        k = to + 1 if to is not None else (after[0] if after else None)
        if to is not None:
            for j in after[:after.index(to)]:
                values.pop(j, None)  # "з 27": the toll before it rose
        if k is not None and k in values:
            figures[kind].append(_figure(text, tokens, k, values.pop(k), kind, lowered, data))
            counted.update(j for j in kinds if tokens[j][0] < rose.end())
    for k, (a, _b) in enumerate(tokens):
        if k not in kinds and stems["other_counts"].match(folded, a):
            kinds[k] = "other"  # "задержаны 107 человек": a count, but of no casualty
    for j, value in sorted(values.items()):
        # A tie goes to the word after the count: "двоє загиблих, п'ятеро поранених".
        near = sorted((abs(k - j), k < j, k) for k in kinds if abs(k - j) <= _WINDOW)
        if near and kinds[near[0][2]] != "other":
            k = near[0][2]
            counted.add(k)
            figures[kinds[k]].append(_figure(text, tokens, j, value, kinds[k], lowered, data))
    for k, kind in sorted(kinds.items()):
        if kind == "other" or k in counted or figures[kind]:
            continue
        # "загинув пасажир", "поранено охоронця", "водитель погиб": one person.
        if lowered[k] in data["killed_one"] and kind == "killed" or any(
                x in data["one_person"] for x in lowered[k + 1:k + 3] + lowered[max(0, k - 2):k]):
            a, b = tokens[k]
            figures[kind].append(Figure(a, b, text[a:b], kind, 1, None, "", None))
    return tuple(figures["killed"]), tuple(figures["injured"])


def _number(word: str, numbers: dict) -> int | None:
    if re.fullmatch(r"\d{1,6}", word):
        return int(word)
    return numbers["numbers"].get(word)


def _not_people(k: int, lowered: list[str], data: dict, numbers: dict) -> bool:
    """A count of something else: "20 кілометрів", "28 червня", "16:00", "2022 року"."""
    nxt = lowered[k + 1] if k + 1 < len(lowered) else ""
    if nxt in numbers["multipliers"]:
        nxt = lowered[k + 2] if k + 2 < len(lowered) else ""
    prev = lowered[k - 1] if k else ""
    months = _months()
    if nxt in months or re.fullmatch(r"\d+", nxt) or re.fullmatch(r"\d+", prev):
        return True
    return any(nxt.startswith(stem) for stem in data["not_people"]) or (
        k + 2 < len(lowered) and lowered[k + 1] not in numbers["multipliers"]
        and any(lowered[k + 2].startswith(stem) for stem in ("ракет", "дрон", "безпілот",
                                                               "беспилот", "снаряд")))


@cache
def _months() -> frozenset[str]:
    """Month names of both languages: a count before one is a day ("28 червня")."""
    return frozenset(f for lang in ("uk", "ru") for forms in words(lang, "dates")["months"]
                     for f in forms)


def _figure(text: str, tokens: list[tuple[int, int]], k: int, value: int, kind: str,
            lowered: list[str], data: dict) -> Figure:
    a, b = tokens[k]
    before = " ".join(lowered[max(0, k - 3):k])
    qualifier = ""
    if any(before.endswith(q) for q in data["at_least"]):
        qualifier = "at least"
    elif any(before.endswith(q) for q in data["more_than"]):
        qualifier = "more than"
    return Figure(a, b, text[a:b], kind, value, None, qualifier, None)
