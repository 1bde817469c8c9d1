"""Casualty figures (killed, injured) in one sentence of news copy.

A number is a casualty figure only when grammar ties it to a casualty word: it is the subject of
"killed"/"died"/"wounded" ("at least nine people were killed"), the object of "killed"/"injured"
("has killed nearly 9,000"), a count of the dead or of bodies recovered ("22 bodies had been
pulled from the rubble"), or a death toll ("the death toll rose to 40"). Everything else news
copy counts (residents, refugees, kilometres, countries, days, dollars) is left alone, and so are
"casualties", which mixes killed and injured.

Qualifiers set the bounds: "at least"/"no fewer than" and "more than"/"over" leave the upper
bound open; "nearly"/"almost", "up to"/"fewer than" and "about"/"around" keep ``low`` at the
stated number (``low == high == N``) and record the qualifier, so the aggregation decides how to
discount them. A range ("between four and five", "3-7", "four or five") is one figure from its
lower to its upper bound, qualifier ``"range"``. Vague quantities get ACLED's stand-in numbers
("several"/"many" 10, "dozens" 12, "hundreds" 100, "thousands" 1000) with qualifier ``"vague"``
and no upper bound.

Example:
    >>> for f in find_casualties("At least nine people were killed and four wounded."):
    ...     print(f.kind, f.low, f.high, f.qualifier, f.who, repr(f.text))
    killed 9 None at least people 'At least nine'
    injured 4 4 exact people 'four'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from geo.lang import words
from geo.records import Figure  # its home; importable from here as before

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = ["NON_COMBATANTS", "Figure", "coordinated_victims", "find_casualties",
           "parse_number"]

# The language's words (``geo/lang/en/figures.json``, with their source).
_WORDS = words("en", "figures")
_SMALL: dict[str, int] = _WORDS["small_numbers"]
_TENS: dict[str, int] = _WORDS["tens"]
_SCALES: dict[str, int] = _WORDS["scales"]
_SCALE_ABBREVIATIONS = {"mn": 1_000_000, "bn": 1_000_000_000, "hundred": 100} | _SCALES
# ACLED's stand-ins for quantities stated in words only.
_VAGUE: dict[str, int] = _WORDS["vague_quantities"]
_QUALIFIERS: dict[str, str] = _WORDS["qualifiers"]
_OPEN_ENDED = frozenset({"at least", "more than"})


def _alternation(words: Iterable[str]) -> str:
    # Longest first, so "crew members" wins over "crew"; a space matches any run of whitespace.
    items = sorted(words, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in items)


_NUMBER_WORD = _alternation([*_SMALL, *_TENS, "hundred", *_SCALES, "dozen"])
# "twenty-two", "two hundred and fifty", "a dozen". It starts with a unit or a ten ("billion"
# alone in "$10 billion" is no count) and takes "and" only after a scale word, so "nine and
# four" stays two numbers.
_WORD_NUMBER = (
    rf"(?:an?\s+(?:dozen|hundred|thousand|million)|{_alternation([*_SMALL, *_TENS])})"
    rf"(?:(?:[\s-]+|(?<=hundred)\s+and\s+|(?<=thousand)\s+and\s+)(?:{_NUMBER_WORD}))*\b"
)
# "22", "2,000", "2,90,000", "1.5 million". Not part of money, a time, a decimal or a word.
_DIGIT_NUMBER = (
    r"(?<![\w$€£¥.,:/-])(?:[0-9]{1,3}(?:,[0-9]{2,3})+|[0-9]+)(?:\.[0-9]+)?"
    r"(?:\s*(?:million|billion|thousand|mn|bn)\b)?"
)
_VAGUE_RE = (
    r"(?:tens|hundreds)\s+of\s+thousands|several|numerous|dozens|hundreds|thousands"
    r"|(?<!\bas\s)(?<!\bhow\s)many(?!\s+as\b)"
)
# A quantity: optional qualifier, then the number. A hyphenated compound ("77-year-old",
# "three-person panel", "five-story") is a modifier, never a count.
_QUANTITY = re.compile(
    rf"\b(?i:(?P<qual>{_alternation(_QUALIFIERS)})\s+)?"
    rf"(?P<num>(?i:{_VAGUE_RE}|{_WORD_NUMBER})|{_DIGIT_NUMBER})"
    r"(?![\w%‰]|[.,:/][0-9]|[-‐][A-Za-z])"
)

# A range: "between four and five", "10 to 15", "four or five", "3-7", "3 – 7". "and" only
# after "between" ("nine and four" are two figures); the second number must be the larger,
# and a date ("2022-10-14") or a score is never one.
# A bound is a number written as ``_QUANTITY`` reads one, without its guard against a
# character before it (the second bound follows a dash).
_RANGE_NUMBER = rf"(?:(?i:{_WORD_NUMBER})|[0-9]{{1,3}}(?:,[0-9]{{3}})+|[0-9]+)"
_RANGE = re.compile(
    rf"(?<![\w$€£¥.,:/-])(?:(?P<between>(?i:between))\s+)?(?P<a>{_RANGE_NUMBER})"
    rf"(?:\s*[-–—]\s*|\s+(?P<word>(?i:and|to|or))\s+)(?P<b>{_RANGE_NUMBER})"
    r"(?![\w%‰]|[.,:/-][0-9]|[-‐][A-Za-z])"
)

# Who civilians are in reports of attacks on villages, markets, churches and schools: nouns
# a count counts, and non-combatants.
_CIVILIAN_GROUPS: tuple[str, ...] = tuple(_WORDS["civilian_groups"])
# Nouns a casualty count can count.
_WHO_WORDS: list[str] = [*_WORDS["who_words"], *_CIVILIAN_GROUPS]
_WHO = _alternation(_WHO_WORDS)
# Words that cannot sit between a number and the noun it counts: prepositions, conjunctions,
# verbs and units. Stopping on them keeps "5 km from where soldiers were killed" unlinked.
_STOP = _alternation(_WORDS["stop_words"])
_MOD = rf"(?!(?i:{_STOP})\b)[A-Za-z][A-Za-z'’]*(?:-[A-Za-z]+)*"
# What the number counts: "of them"; or "[of its] [Russian] soldiers [and Ukrainian civilians]".
_NOUN_PHRASE = (
    r"(?:\s+of\s+(?:them|whom|those)\b"
    r"|(?:\s+of(?:\s+(?:the|its|their|his|her|our|these|those))?)?"
    rf"(?:\s+{_MOD}){{0,3}}?\s+(?P<who>(?i:{_WHO}))\b"
    rf"(?:\s+and(?:\s+{_MOD}){{0,2}}?\s+(?P<who2>(?i:{_WHO}))\b)?)"
)
# A parenthetical between subject and verb: "nine people, including two children, were killed".
_ASIDE = r"(?:\s*,[^,.;]{1,60},)?"
_AUX_WORD = (
    r"have|has|had|were|was|are|is|been|being|be|got|reportedly|reported|also|now|already"
    r"|all|both|so\s+far|confirmed|feared|believed\s+to\s+have|thought\s+to\s+have"
)
_CASUALTY_VERB = (
    r"killed|slain|murdered|wounded|injured|hurt|died|perished|dead|deaths|fatalities"
    r"|lost\s+their\s+lives"
)
# The number as subject: "<num> [noun phrase] [auxiliaries] <casualty verb>".
_SUBJECT = re.compile(
    rf"(?P<np>{_NOUN_PHRASE})?{_ASIDE}(?P<aux>(?:\s+(?i:{_AUX_WORD}))*)"
    rf"\s+(?P<verb>(?i:{_CASUALTY_VERB}))\b"
)
# Bodies as subject: "<num> bodies had been pulled from the rubble".
_BODIES_SUBJECT = re.compile(
    rf"(?:\s+{_MOD}){{0,2}}?\s+(?P<who>(?i:bodies|body))\b{_ASIDE}"
    rf"(?:\s+(?i:{_AUX_WORD}))*"
    r"\s+(?i:pulled|recovered|found|retrieved|discovered|removed|exhumed|identified|buried"
    r"|collected|lying|lay)\b"
)
# The number as object; the noun phrase after it is optional ("has killed nearly 9,000").
_OBJECT_VERB_BEFORE = re.compile(
    r"\b(?P<verb>(?i:killed|killing|kills|kill|wounded|wounding|wounds|wound|injured|injuring"
    r"|injures|injure|hurt|hurting))\s+\Z"
)
# "the death toll in Kharkiv rose to <num>": a linking word right before the number, so "the
# death toll of the 2014 war" does not make 2014 a count.
# The toll's noun phrase may name the attack it counts ("the death toll from Tuesday's
# drone attack on a crowded market in the southern city of Kherson climbed to nine"), hence the
# reach; no digit may stand between, so the count is the toll's own, except in a distance
# ("the toll of the attack on X, about 60 km north of Y, has risen to 21").
_DEATH_TOLL_BEFORE = re.compile(
    r"\b(?i:death\s+tolls?|number\s+of\s+(?:the\s+)?(?:dead|deaths|fatalities|people\s+"
    r"killed))\b(?:[^.;:!?0-9]|\d+(?:[.,]\d+)?\s*(?i:km|kilomet(?:er|re)s?|miles?)\b){0,120}?"
    r"\b(?i:to|at|of|is|was|reached|hit|passed"
    r"|exceeded|topped|surpassed|stands|stood|rises|rose|risen|climbed|jumped)\s+\Z"
)
# "the death toll later rose to six": a newer count of the same dead, not more dead.
_TOLL_UPDATE_BEFORE = re.compile(
    r"\b(?i:death\s+tolls?|tolls?|number\s+of\s+(?:the\s+)?(?:dead|deaths))\b[^.;:!?0-9]{0,60}?"
    r"\b(?i:rose|risen|rises|climbed|jumped|increased|reached|grew|has\s+grown)\s+(?i:to\s+)?\Z")


def is_toll_update(sentence: str, figure: Figure) -> bool:
    """Whether a killed figure is a toll updated ("the death toll later rose to six"): the
    latest count of the dead an earlier sentence counted, which replaces that count."""
    return figure.kind == "killed" and _TOLL_UPDATE_BEFORE.search(
        sentence, max(0, figure.start - 100), figure.start) is not None


_LIVES_BEFORE = re.compile(
    r"\b(?i:(?:claimed|claiming|took|taken|cost|costing)\s+the\s+lives\s+of)\s+\Z"
)
_LIVES_CLAIMED_BEFORE = re.compile(r"\b(?i:claimed|claiming|took|taken|cost|costing)\s+\Z")
_LIVES_AFTER = re.compile(r"(?:\s+[A-Za-z]+)?\s+(?i:lives)\b")
_RECOVERED_BEFORE = re.compile(
    r"\b(?i:found|recovered|retrieved|discovered|pulled|removed|exhumed|collected|counted"
    r"|identified)(?:\s+(?i:out|up))?\s+\Z"
)
_BODIES_AFTER = re.compile(rf"(?:\s+{_MOD}){{0,2}}?\s+(?P<who>(?i:bodies|body))\b")
_NOUN_PHRASE_AFTER = re.compile(_NOUN_PHRASE)
_MONTH_NAME = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?"
)
# A number right after a verb that is a distance, duration or date is no object of it: "were
# killed 5 km away", "wounded three days ago", "killed 3 March".
_NOT_A_COUNT_AFTER = re.compile(
    r"\s*(?:(?i:km\b|kilomet|miles?\b|metres|meters|m\b|years?\b|days?\b|hours?\b|weeks?\b"
    rf"|months?\b|minutes?\b|percent|per\s+cent|times\b|[ap]\.?m\b|o['’]clock)|{_MONTH_NAME})"
)
# An object right after a participle makes it active ("two soldiers killed three civilians"),
# not a casualty count of its subject. "the previous day" and the like are not objects.
_OBJECT_AFTER = re.compile(
    rf"\s+(?:[0-9]|(?i:(?:{_alternation(_QUALIFIERS)})\s)"
    rf"|(?i:(?:an?|his|her|their|its|our|my|your|{_NUMBER_WORD}|{_VAGUE_RE}|{_WHO})\b)"
    r"|(?i:the)\s+(?!(?i:previous|same|day|night|following|next|morning|evening|afternoon|week"
    r"|weekend|month)\b))"
)
_PASSIVE_AUX = frozenset(_WORDS["passive_auxiliaries"])
_PERFECT_AUX = frozenset({"have", "has", "had"})
_ACTIVE_PARTICIPLES = frozenset(_WORDS["active_participles"])
_NOMINAL_ONLY = frozenset({"deaths", "fatalities"})
_INJURED = frozenset(_WORDS["injured_words"])
# Before a number, a month name means it is a day of the month.
_MONTH_BEFORE = re.compile(rf"\b{_MONTH_NAME}\s+\Z")
# "and" right before a figure: it may borrow the noun of the figure before it.
_COORDINATION_BEFORE = re.compile(r"\band\s+\Z")
# Farther apart than this, "and <num> wounded" is unlikely to share the first figure's noun.
_COORDINATION_GAP = 80
_LEFT_WINDOW = 70
_TOLL_WINDOW = 150  # a toll's noun phrase may name the attack it counts
# Every left-context rule above ends in one of these words; checking the word before a number
# first spares the regexes on the many numbers that are not casualty figures.
_LEFT_TRIGGERS = frozenset({
    "killed", "killing", "kills", "kill", "wounded", "wounding", "wounds", "wound", "injured",
    "injuring", "injures", "injure", "hurt", "hurting",
    "to", "at", "of", "is", "was", "reached", "hit", "passed", "exceeded", "topped",
    "surpassed", "stands", "stood", "rises", "rose", "climbed", "jumped",
    "claimed", "claiming", "took", "taken", "cost", "costing",
    "found", "recovered", "retrieved", "discovered", "pulled", "removed", "exhumed",
    "collected", "counted", "identified", "out", "up",
})


# A stem of every casualty word the rules above link a number to.
_ANY_CASUALTY_WORD = re.compile(
    r"kill|slain|murder|wound|injur|hurt|died|perish|dead|death|fatalit|lives|bod(?:y|ies)"
    r"|losses|casualties",
    re.IGNORECASE)


def parse_number(text: str) -> int | None:
    """Read a count written in digits or words.

    Args:
        text: "nine", "twenty-two", "22", "2,000", "2,90,000" (Indian grouping), "1.5 million",
            "a dozen", "two hundred and fifty".

    Returns:
        The integer, or None if ``text`` is not a whole number (vague words such as
        "hundreds" included: see :data:`_VAGUE` for their stand-ins).
    """
    words = " ".join(text.lower().split())
    if not words:
        return None
    if words[0].isdigit():
        return _parse_digits(words)
    return _parse_words(words.replace("-", " ").split())


_DIGITS = re.compile(
    r"(?P<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,2}(?:,[0-9]{2})*,[0-9]{3}|[0-9]+)"
    r"(?:\.(?P<frac>[0-9]+))?(?:\s*(?P<scale>hundred|thousand|million|billion|mn|bn))?"
)


def _parse_digits(words: str) -> int | None:
    m = _DIGITS.fullmatch(words)
    if m is None:
        return None
    value = Decimal(m["int"].replace(",", "") + (f".{m['frac']}" if m["frac"] else ""))
    if m["scale"]:
        value *= _SCALE_ABBREVIATIONS[m["scale"]]
    # "1.5" alone is not a head count; "1.5 million" is.
    return int(value) if value == value.to_integral_value() else None


def _parse_words(tokens: list[str]) -> int | None:
    total = current = 0
    seen_number = False
    for i, token in enumerate(tokens):
        below_hundred = current % 100
        if token in ("a", "an") and i == 0 and len(tokens) > 1:
            current = 1
        elif token == "and" and seen_number:
            continue
        elif token in _SMALL:
            # "twenty two" is fine, "two two" or "twelve three" are not numbers.
            if below_hundred and not (below_hundred % 10 == 0 and _SMALL[token] < 10):
                return None
            current += _SMALL[token]
        elif token in _TENS:
            if below_hundred:
                return None
            current += _TENS[token]
        elif token == "hundred":
            current = (current or 1) * 100
        elif token == "dozen":
            current = (current or 1) * 12
        elif token in _SCALES:
            total += (current or 1) * _SCALES[token]
            current = 0
        else:
            return None
        seen_number = seen_number or token not in ("a", "an")
    return total + current if seen_number else None


def _quantity_value(number: str) -> tuple[int, bool] | None:
    """(value, vague) of the number part of a quantity match."""
    key = " ".join(number.lower().split())
    if key in _VAGUE:
        return _VAGUE[key], True
    value = parse_number(number)
    return (value, False) if value is not None else None


def _who(match: re.Match[str]) -> str | None:
    names = [" ".join(match[g].lower().split()) for g in ("who", "who2")
             if g in match.re.groupindex and match[g]]
    return " and ".join(names) or None


def _link_as_subject(sentence: str, end: int) -> tuple[str, str | None] | None:
    """The number at ``end`` is the subject of a casualty verb: (kind, who) or None."""
    m = _SUBJECT.match(sentence, end)
    if m is not None:
        verb = m["verb"].lower().split()[0]
        aux = set(m["aux"].lower().split())
        if verb in _NOMINAL_ONLY and aux:
            return None
        if verb in _ACTIVE_PARTICIPLES and not aux & _PASSIVE_AUX:
            # "have killed" is active; so is a bare participle followed by an object.
            if aux & _PERFECT_AUX or _OBJECT_AFTER.match(sentence, m.end()):
                return None
        kind = "injured" if verb in _INJURED else "killed"
        return kind, _who(m)
    m = _BODIES_SUBJECT.match(sentence, end)
    if m is not None:
        return "killed", _who(m)
    return None


def _link_as_object(sentence: str, start: int, end: int) -> tuple[str, str | None] | None:
    """The number spanning ``start:end`` is the object of a casualty verb or a death toll."""
    before = sentence[max(0, start - 16):start].split()
    if not before or before[-1].lower() not in _LEFT_TRIGGERS:
        return None
    if _NOT_A_COUNT_AFTER.match(sentence, end):
        return None
    window = max(0, start - _LEFT_WINDOW)
    verb = _OBJECT_VERB_BEFORE.search(sentence, window, start)
    toll = _DEATH_TOLL_BEFORE.search(sentence, max(0, start - _TOLL_WINDOW), start)
    if verb is not None or toll is not None:
        kind = "injured" if verb is not None and verb["verb"].lower() in _INJURED else "killed"
        np = _NOUN_PHRASE_AFTER.match(sentence, end)
        return kind, _who(np) if np else None
    if _LIVES_BEFORE.search(sentence, window, start):
        return "killed", None
    if _LIVES_CLAIMED_BEFORE.search(sentence, window, start) and _LIVES_AFTER.match(
        sentence, end
    ):
        return "killed", None
    if _RECOVERED_BEFORE.search(sentence, window, start):
        bodies = _BODIES_AFTER.match(sentence, end)
        if bodies is not None:
            return "killed", _who(bodies)
    return None


def find_casualties(sentence: str, parsed: Doc | None = None) -> list[Figure]:
    """Find the killed and injured figures a sentence reports.

    Args:
        sentence: one sentence (offsets in the result index into it).
        parsed: its dependency parse (``geo.doc.sentence_parse``), when there is one: then
            victims counted one by one are added up (``coordinated_victims``).

    Returns:
        The figures in text order. An elided noun is filled in from the figure before it:
        in "nine people were killed and four wounded" the four are people too.
    """
    if not _ANY_CASUALTY_WORD.search(sentence):
        # Every rule below needs one of these words: most sentences have none. The parse
        # knows a few verbs more ("executed three men").
        return [] if parsed is None else _with_parse([], parsed)
    figures = _ranges(sentence)
    taken = [(f.start, f.end) for f in figures]
    for m in _QUANTITY.finditer(sentence):
        start, end = m.span()
        if _MONTH_BEFORE.search(sentence, max(0, start - 12), start):
            continue
        if any(s <= start < e or s < end <= e for s, e in taken):
            continue  # a bound of a range read above
        if re.search(r"\b(?i:no)\s+$", sentence[max(0, start - 4):start]):
            continue  # "no one was hurt": nobody, not one person
        value = _quantity_value(m["num"])
        if value is None:
            continue
        link = _link_as_subject(sentence, end) or _link_as_object(sentence, start, end)
        if link is None:
            continue
        kind, who = link
        count, vague = value
        qualifier = _QUALIFIERS[" ".join(m["qual"].lower().split())] if m["qual"] else "exact"
        if vague:
            qualifier, high = "vague", None
        else:
            high = None if qualifier in _OPEN_ENDED else count
        if (who is None and figures and start - figures[-1].end <= _COORDINATION_GAP
                and _COORDINATION_BEFORE.search(sentence, max(0, start - 12), start)):
            who = figures[-1].who
        figures.append(Figure(start, end, sentence[start:end], kind, count, high, qualifier, who))
    figures = [_family(sentence, f) for f in figures]
    if parsed is not None:
        figures = _with_parse(figures, parsed)
    if not any(f.kind == "killed" for f in figures):
        figures.extend(_single_victims(sentence, figures))
    figures.extend(_unnumbered_losses(sentence, figures))
    return sorted(figures, key=lambda f: f.start)


def _with_parse(figures: list[Figure], parsed: Doc) -> list[Figure]:
    for summed in coordinated_victims(parsed):
        if summed.qualifier != "sum":
            # One group ("executed three men"): only where the rules read none of its kind.
            if all(f.kind != summed.kind for f in figures):
                figures.append(summed)
            continue
        # The sum replaces the counts it adds up ("two soldiers" of "two soldiers and a
        # medic"), never a figure of its kind told elsewhere in the sentence.
        inside = [f for f in figures if f.kind == summed.kind
                  and summed.start <= f.start and f.end <= summed.end]
        if all(f.kind != summed.kind or f in inside for f in figures):
            figures = [f for f in figures if f not in inside] + [summed]
    return sorted(figures, key=lambda f: f.start)


def _family(sentence: str, figure: Figure) -> Figure:
    if figure.who not in ("members", "member"):
        return figure
    at = sentence.lower().find("member", figure.end)
    after = sentence[at:].split(None, 1)
    if at < 0 or len(after) < 2 or not _OF_A_FAMILY.match(sentence, at + len(after[0])):
        return figure
    return Figure(figure.start, figure.end, figure.text, figure.kind, figure.low, figure.high,
                  figure.qualifier, "family members")


_CASUALTY_VERBS: dict[str, str] = _WORDS["casualty_verbs"]
_WHO_LOWER = frozenset(w.lower() for w in _WHO_WORDS)
_ONE_WORDS = frozenset({"a", "an", "one", "another"})


def coordinated_victims(parsed: Doc) -> list[Figure]:
    """Victims of a casualty verb read from the parse: its object (or passive subject) and
    the groups conjoined to it, added up: "killed a mother and her three children" is 4
    killed (qualifier "sum"), "wounded two soldiers and a medic" 3 injured, "executed three
    men" 3. Each group must be people (a person noun) with its own count (a number, or
    "a"/"one"); otherwise nothing is read. Offsets are in the parsed sentence."""
    out: list[Figure] = []
    for token in parsed:
        kind = _CASUALTY_VERBS.get(token.lower_)
        if kind is None or any(f.kind == kind for f in out):
            continue
        passive = any(c.dep_ == "auxpass" for c in token.children)
        head = next((c for c in token.children
                     if c.dep_ == ("nsubjpass" if passive else "dobj")), None)
        if head is None:
            continue
        group = [head, *head.conjuncts]
        counts = [_count_of(t) for t in group]
        if any(c is None for c in counts):
            continue
        first, last = group[0].left_edge, group[-1].right_edge
        start, end = first.idx, last.idx + len(last.text)
        total = sum(c for c in counts if c is not None)
        # The nouns counted, as the actor stage reads them: civilians only if all are.
        who = " and ".join(t.lower_ for t in group)
        single = "one" if counts == [1] and not _numbered(head) else "exact"
        out.append(Figure(start, end, parsed.text[start:end], kind, total, total,
                          "sum" if len(group) > 1 else single, who))
    return out


def _numbered(noun: Token) -> bool:
    return any(c.dep_ == "nummod" for c in noun.children)


def _count_of(noun: Token) -> int | None:
    """How many people one conjunct counts ("her three children" 3, "a mother" 1)."""
    if noun.lower_ not in NON_COMBATANTS and noun.lower_ not in _WHO_LOWER \
            and noun.lower_ not in _ONE_PERSON_WORDS:
        return None
    for child in noun.children:
        if child.dep_ == "nummod":
            return parse_number(child.text)
        if child.dep_ == "det" and child.lower_ in _ONE_WORDS:
            return 1
        if child.dep_ == "poss" and noun.lower_ in _ONE_PERSON_WORDS:
            return 1  # "her daughter", "his son": one person, a singular noun owned
    return None


def _ranges(sentence: str) -> list[Figure]:
    """Figures given as a range, linked like a single number: "killing between four and
    five civilians" is killed 4 to 5 (ACLED codes the lower bound)."""
    out = []
    for m in _RANGE.finditer(sentence):
        word = (m["word"] or "").lower()
        if word == "and" and not m["between"]:
            continue
        low, high = parse_number(m["a"]), parse_number(m["b"])
        if low is None or high is None or not low < high:
            continue
        start, end = m.span()
        if _MONTH_BEFORE.search(sentence, max(0, start - 12), start):
            continue
        link = _link_as_subject(sentence, end) or _link_as_object(sentence, start, end)
        if link is None:
            continue
        kind, who = link
        out.append(Figure(start, end, sentence[start:end], kind, low, high, "range", who))
    return out


# One person named as the victim, with no number: "killing a child", "a 13-year-old girl was
# raped and killed", "the victim died", "killed the employee of the depot".
_FAMILY: list[str] = _WORDS["family_words"]
_ONE_PERSON_WORDS: list[str] = [*_WORDS["one_person_words"], *_FAMILY]
_ONE_PERSON = _alternation(_ONE_PERSON_WORDS)
# Of the nouns a figure counts (``_WHO_WORDS``, ``_ONE_PERSON``), those that count no armed
# side: ``geo.nlp.actors`` makes them the other side of the attack that hurt them,
# "killing one civilian", "an 11-year-old boy was wounded", "killed two people".
NON_COMBATANTS = frozenset({*_WORDS["non_combatants"], *_FAMILY,
                            *_WORDS["non_combatant_plurals"], *_CIVILIAN_GROUPS})
# "five members of the Abu Taha family": members of a family are its people.
_OF_A_FAMILY = re.compile(r"\s+of\s+(?:the|a|his|her|their|one|an?)?\s*(?:[\w'’-]+\s+){0,3}?"
                          r"famil(?:y|ies)\b", re.IGNORECASE)


_ONE_DETERMINER = r"(?:a|an|one|another|the)"
_ONE_MODIFIERS = r"(?:\s+(?!(?:was|were|is|has|had|and|in|on|at|of)\b)[\w'’-]+){0,3}?"
_ONE_AS_SUBJECT = re.compile(
    rf"\b(?i:{_ONE_DETERMINER}){_ONE_MODIFIERS}\s+(?P<who>(?i:{_ONE_PERSON}))\s+"
    r"(?i:(?:was|has\s+been|had\s+been|is)\s+(?:\w+\s+and\s+)?(?P<k>killed|shot\s+dead|"
    r"found\s+dead|murdered|executed|wounded|injured)|(?P<d>died|was\s+found\s+dead))\b")
_ONE_AS_OBJECT = re.compile(
    r"\b(?i:(?P<k>killing|killed|kills|murdered|executed|shot\s+dead|wounding|wounded|injuring"
    rf"|injured))\s+(?i:{_ONE_DETERMINER}){_ONE_MODIFIERS}\s+(?P<who>(?i:{_ONE_PERSON}))\b")


def _single_victims(sentence: str, figures: list[Figure]) -> list[Figure]:
    out = []
    for pattern in (_ONE_AS_SUBJECT, _ONE_AS_OBJECT):
        for m in pattern.finditer(sentence):
            verb = (m.group("k") or m.group("d") or "").lower()
            kind = "injured" if verb.split()[0] in _INJURED else "killed"
            if any(f.kind == kind for f in figures + out):
                continue
            who = m.group("who")
            out.append(Figure(m.start("who"), m.end("who"), who, kind, 1, 1, "one", who))
    return out


# ACLED's convention when a report gives losses with no number: "suffered heavy losses",
# "unspecified fatalities" are coded as 10 (its codebook's stand-in, as for "several").
_UNNUMBERED_LOSSES = re.compile(
    r"\b(?i:suffered\s+(?:heavy\s+|significant\s+|serious\s+|some\s+|considerable\s+)?"
    r"(?:losses|casualties)|unspecified\s+(?:fatalities|casualties|losses))\b")


def _unnumbered_losses(sentence: str, figures: list[Figure]) -> list[Figure]:
    if any(f.kind == "killed" for f in figures):
        return []
    m = _UNNUMBERED_LOSSES.search(sentence)
    if m is None:
        return []
    return [Figure(m.start(), m.end(), m.group(), "killed", 10, None, "vague", None)]
