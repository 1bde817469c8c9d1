"""What happened: event triggers in a sentence, typed with ACLED's taxonomy.

Each ``Rule`` is a named pattern that marks a trigger word or phrase and gives its
``event_type``/``sub_event_type``: the lexicon, which is language data
(``geo/lang/en/events.json``, each rule with why it reads as it does). Whether a trigger
reports something that happened is read from the sentence's dependency parse
(``geo.doc.sentence_parse``), not from the words beside it: a trigger whose clause is
negated ("forces did not shell", "no shelling was reported", "without firing"), modal or
future ("would strike", "will attack"),
conditional ("if they shell"), or the complement of a verb that does not assert it ("planned
to strangle Kyiv", "Russia denies targeting civilians", "threatened to strike") is dropped.
A negation or modal reaches through the infinitive it governs ("did not try to capture") and
never across a clause of its own ("officials would not say how many died after forces
shelled the town": the shelling stands).

Example:
    >>> [(e.event_type, e.sub_event_type, e.text) for e in find_events(
    ...     "At least nine people were killed in a Russian air strike.")]
    [('Explosions/Remote violence', 'Air/drone strike', 'air strike')]
"""

from __future__ import annotations

import re
import re._constants as sre_constants  # the prefix extraction reads parsed patterns
import re._parser as sre_parse
import string
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import ahocorasick

from geo.lang import words
from geo.nlp.actors import UNNAMED_ARMED

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

BATTLES = "Battles"
EXPLOSIONS = "Explosions/Remote violence"
VIOLENCE_AGAINST_CIVILIANS = "Violence against civilians"
PROTESTS = "Protests"
RIOTS = "Riots"
STRATEGIC = "Strategic developments"
EVENT_TYPES = (BATTLES, EXPLOSIONS, VIOLENCE_AGAINST_CIVILIANS, PROTESTS, RIOTS, STRATEGIC)


@dataclass(frozen=True)
class Rule:
    """A trigger pattern and the event it signals."""

    name: str
    pattern: re.Pattern[str]
    event_type: str
    sub_event_type: str
    # Higher wins when two triggers of one sentence describe the same happening.
    rank: int


@dataclass(frozen=True)
class EventMention:
    """A trigger found in a sentence; offsets are relative to that sentence."""

    start: int
    end: int
    text: str
    rule: str
    event_type: str
    sub_event_type: str
    rank: int


def _rule(name: str, pattern: str, event_type: str, sub: str, rank: int) -> Rule:
    # Lower-case literals and no leading \b let ``re`` skip to candidate first letters (ten
    # times faster); the text is lower-cased and the word start checked in code instead.
    return Rule(name, re.compile(pattern.removeprefix("\\b")), event_type, sub, rank)


def _lexicon(lang: str = "en") -> tuple[Rule, ...]:
    """The trigger rules of a language's lexicon (``geo/lang/<lang>/events.json``): each a
    named pattern over lower-cased text with its ACLED type, sub-type and rank, and why it
    reads as it does. ``@NAME@`` in a pattern stands for one of the file's fragments (the
    agents, harm verbs, ...) or ``@UNNAMED_ARMED@``, the unnamed armed men of
    ``geo.nlp.actors``."""
    data = words(lang, "events")
    parts = {"UNNAMED_ARMED": UNNAMED_ARMED}
    for name, pieces in data["fragments"].items():
        parts[name] = _expand("".join(pieces), parts)
    return tuple(_rule(r["name"], _expand("".join(r["pattern"]), parts), r["event_type"],
                       r["sub_event_type"], int(r["rank"])) for r in data["rules"])


def _expand(pattern: str, parts: dict[str, str]) -> str:
    return re.sub(r"@([A-Z_]+)@", lambda m: parts[m.group(1)], pattern)


RULES: tuple[Rule, ...] = _lexicon()

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
# What the parse reads (dependency labels and word forms; the pipeline runs no tagger, so no
# lemmas): modal auxiliaries of a future or hypothetical event ("may" only in lower case: "On 3
# May 2022" is a date), and the verbs whose complement is not asserted to have happened. These
# are closed classes of English, not examples from a corpus.
_MODALS = frozenset({"would", "will", "'ll", "could", "might", "may", "shall", "wo"})
_NEGATIONS = frozenset({"not", "n't", "never", "no", "without"})
_NON_FACTIVE = re.compile(
    r"^(?:den(?:y|ies|ied|ying)|plan(?:s|ned|ning)?|threat(?:en|ens|ened|ening)|wants?|wanted|"
    r"urg(?:e|es|ed|ing)|demand(?:s|ed|ing)?|call(?:s|ed|ing)?|prevent(?:s|ed|ing)?|"
    r"avoid(?:s|ed|ing)?|fears?|feared|expect(?:s|ed|ing)?|refus(?:e|es|ed|ing)|"
    r"vow(?:s|ed)?|promis(?:e|es|ed|ing)|intend(?:s|ed)?|prepar(?:e|es|ed|ing)|ready|"
    r"aim(?:s|ed)?|hop(?:e|es|ed)|warn(?:s|ed|ing)?|unless)$")
# Complements through which a governing verb's stance reaches the trigger.
_COMPLEMENTS = frozenset({"xcomp", "dobj", "pobj", "pcomp", "prep", "compound",
                          "amod", "nmod", "attr", "oprd", "acomp", "npadvmod"})
_CONDITIONALS = frozenset({"if", "unless"})
# Nouns of an attack: a trigger word compounded with one is the attack's weapon ("missile
# strike"), not a modifier of some other thing.
_ATTACK_HEADS = frozenset({"strike", "strikes", "attack", "attacks", "raid", "raids", "fire",
                           "barrage", "barrages", "shelling", "bombardment", "assault",
                           "assaults", "offensive", "hit", "hits", "explosion", "explosions",
                           "blast", "blasts", "salvo", "salvos", "clash", "clashes"})
# Uses that talk about a thing rather than report it.
# Matched in the lower-cased text, with no leading \b, like the rules (and as fast).
_NOT_EVENTS = re.compile(
    r"(?:no-fly zone|cluster bombs|anti-tank|"
    r"ceasefire|cease-fire|casualty (?:numbers|estimates)|war crimes?|agreed to meet|"
    r"evacuat\w+ corridors?|military column|molotov|assault force|surrounded by)\b"
)


Parse = Callable[[int, int], "Doc"]
# A preposition right before a participle, and a capitalised name right after it.
_PARTICIPLE_AS_ADJECTIVE = re.compile(r"\b(?:in|from|of|to|into|near|across|at|on|inside|"
                                      r"outside|around|toward|towards)\s+$")
_NAME_AFTER = re.compile(r"\s+[A-Z]")


def find_events(sentence: str) -> list[EventMention]:
    """Event triggers in one sentence, strongest first when they overlap.

    Args:
        sentence: the sentence's text (parsed here; the pipeline passes its Doc's parse to
            ``find_events_by_sentence`` instead).

    Returns:
        Non-overlapping triggers in sentence order.
    """
    from geo.doc import parse_text  # noqa: PLC0415 - the model loads only when needed

    parsed: list[Doc] = []

    def parse(_start: int, _end: int) -> Doc:
        if not parsed:
            parsed.append(parse_text(sentence))
        return parsed[0]

    return find_events_by_sentence(sentence, [(0, len(sentence))], parse).get(0, [])


def find_events_by_sentence(text: str, sentences: list[tuple[int, int]], parse: Parse,
                            ) -> dict[int, list[EventMention]]:
    """Event triggers of a whole text, grouped by sentence.

    The whole text is scanned at once (most sentences report nothing, so this beats scanning
    sentence by sentence); matches are then sorted into their sentences, and only a sentence
    holding a trigger is parsed.

    Args:
        text: the article's text.
        sentences: its sentence spans (``geo.doc.sentence_spans``).
        parse: (sentence start, end) -> that sentence's dependency parse
            (``geo.doc.sentence_parse``).

    Returns:
        sentence start -> that sentence's triggers (offsets relative to the sentence), only
        for sentences that have any.
    """
    starts = [s for s, _ in sentences]
    found: dict[int, list[EventMention]] = {}
    # Lower case of the same length, so offsets hold (str.lower lengthens a few characters,
    # such as "İ"; it never shortens one, so equal lengths mean a one-to-one mapping).
    lower = text.lower()
    if len(lower) != len(text):
        lower = text.translate(_ASCII_LOWER)
    not_events = [m.span() for m in _NOT_EVENTS.finditer(lower)]
    for rule, m in _matches(lower):
        if m.start() > 0 and (lower[m.start() - 1].isalnum() or lower[m.start() - 1] == "_"):
            continue  # not at a word start
        if _in_spans(not_events, m.start(), m.end()):
            continue
        k = bisect_right(starts, m.start()) - 1
        if k < 0 or m.end() > sentences[k][1]:
            continue
        s_start, s_end = sentences[k]
        # A rule may name its trigger word ("t"): "air forces ... struck" is struck, and who
        # acted stays outside the trigger for the actor finder.
        t_start, t_end = m.span("t") if "t" in m.re.groupindex else (-1, -1)
        if t_start < 0:  # no trigger word named, or not in the alternative that matched
            t_start, t_end = m.span()
        if t_start > 0 and lower[t_start - 1] == "-" and lower[t_start:t_end].endswith("ed"):
            continue  # "Russian-occupied territory", "rebel-held town": a compound adjective
        if _PARTICIPLE_AS_ADJECTIVE.search(lower, max(0, t_start - 12), t_start) and (
                lower[t_start:t_end].endswith("ed")
                and _NAME_AFTER.match(text, t_end)):
            # "protested in occupied Melitopol", "from besieged Mariupol": a participle
            # between a preposition and a name describes the place, whatever the parse.
            continue
        start, end = t_start - s_start, t_end - s_start
        if not happened(parse(s_start, s_end), start, end):
            continue
        found.setdefault(s_start, []).append(EventMention(
            start, end, text[t_start:t_end], rule.name, rule.event_type,
            rule.sub_event_type, rule.rank))
    return {s: _without_weak(_without_overlaps(events),
                             lambda s=s: parse(s, sentences[bisect_right(starts, s) - 1][1]))
            for s, events in found.items()}


def happened(parsed: Doc, start: int, end: int) -> bool:
    """Whether the trigger at [start, end) of a parsed sentence is reported as having
    happened: its clause is not negated, modal or conditional, and no verb it complements
    denies, plans, threatens or otherwise withholds it (see the module's docstring)."""
    tokens = [t for t in parsed if t.idx < end and t.idx + len(t.text) > start]
    if not tokens:
        return True
    # The trigger's head word: the one of its tokens whose head lies outside it.
    inside = {t.i for t in tokens}
    token = next((t for t in tokens if t.head.i not in inside or t.head.i == t.i), tokens[-1])
    if any(_negates(child) for t in tokens for child in t.children):
        return False  # "no shelling", "not shelled"
    if (token.dep_ == "compound" and token.head.i not in inside
            and token.head.lower_ not in _ATTACK_HEADS):
        # A trigger word naming the kind of another thing is no event: "riot police",
        # "battle fatigues", "assault force"; but "missile strike", "drone attack" are.
        return False
    if (token.dep_ == "amod" and len(tokens) == 1 and token.lower_.endswith("ed")
            and not any(token.children)):
        # A participle as adjective is a state: "in occupied Kherson", "the besieged city".
        # One with words of its own is a verb the small parser misread ("the RSF attacked
        # army positions": "RSF" hangs on "attacked").
        return False
    if token.dep_ == "acl" and token.lower_.endswith("ing") and token.head.i not in inside:
        # A present participle describing a noun tells what it does, not an event: "an
        # insurgent movement fighting the army for decades".
        return False
    node = token
    for _ in range(len(parsed)):  # the walk to the root, bounded
        if any(_negates(c) or _is_modal(c) or _is_conditional(c) for c in node.children):
            return False
        head = node.head
        if node.dep_ in ("nsubj", "nsubjpass") and head.i != node.i:
            # The event as the subject ("the strike did not hit the plant"): it happened,
            # unless the whole statement is hypothetical ("a strike would be a disaster").
            return not any(_is_modal(c) or _is_conditional(c) for c in head.children)
        if node.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to"
                                        for c in node.children):
            return False  # a purpose: "to protect the region from shelling" has not happened
        if head.i == node.i or node.dep_ in ("ccomp", "advcl", "conj", "relcl", "parataxis",
                                             "ROOT"):
            # A clause of its own: what governs it says nothing of whether it happened,
            # except a verb that withholds it ("denies that forces shelled").
            if node.dep_ == "ccomp" and any(_negates(c) or _is_modal(c) for c in head.children):
                return False  # "we will not allow criminals to hijack protests"
            return not (node.dep_ == "ccomp" and _NON_FACTIVE.match(head.lower_))
        if node.dep_ in ("xcomp", "pcomp", "pobj", "dobj", "prep") and _NON_FACTIVE.match(
                head.lower_):
            return False  # "planned to strike", "denied targeting", "called for strikes"
        if head.lower_ in _NEGATIONS and node.dep_ in ("pobj", "pcomp"):
            return False  # "without firing a shot"
        if node.dep_ not in _COMPLEMENTS:
            return True
        node = head
    return True


def _negates(token: Token) -> bool:
    return token.dep_ == "neg" or (token.dep_ == "det" and token.lower_ == "no")


def _is_modal(token: Token) -> bool:
    # "may" only in lower case: "May" is the month.
    return token.dep_ == "aux" and token.lower_ in _MODALS and token.text != "May"


def _is_conditional(token: Token) -> bool:
    return token.dep_ == "mark" and token.lower_ in _CONDITIONALS


# Triggers that say only that harm was done ("attacked", "struck", "soldiers killed"): they
# make an event only in a sentence that names no weapon or stronger wording ("a rocket
# attack" is shelling, not a clash besides).
WEAK_RANK = 3


def _without_weak(events: list[EventMention], parsed: Callable[[], Doc]
                  ) -> list[EventMention]:
    """The sentence's triggers, the weak ones dropped beside a stronger one, unless every
    stronger one stands in a clause of circumstance ("Gunmen killed six people ... as
    fighting between the factions entered its fourth month": the killing is the news,
    the fighting its setting; ``geo.incidents.extract`` drops the setting)."""
    if all(e.rank <= WEAK_RANK for e in events):
        return events
    strong = [e for e in events if e.rank > WEAK_RANK]
    if len(strong) < len(events) and all(in_as_clause(parsed(), e) for e in strong):
        return events
    return strong


def in_as_clause(parsed: Doc, event: EventMention) -> bool:
    """Whether the trigger stands in an adverbial clause opened by "as" ("as fighting for
    the city intensified", "as troops pressed on toward the town"), by the parse."""
    node = next((t for t in parsed if event.start <= t.idx < event.end), None)
    for _ in range(8):
        if node is None:
            return False
        if node.dep_ == "advcl" and any(c.dep_ in ("mark", "prep") and c.lower_ == "as"
                                        for c in node.children):
            return True
        if node.head.i == node.i:
            return False
        node = node.head
    return False


def _matches(lower: str) -> Iterator[tuple[Rule, re.Match[str]]]:
    """Every rule's matches. One pass of an Aho-Corasick automaton finds the literal prefixes
    that any match must start with, and only there is a rule's pattern tried: 18 regex scans
    of the whole text cost three times as much."""
    tried: set[tuple[int, int]] = set()
    for end, (prefix_length, indexes) in _PREFIXES.iter(lower):
        start = end - prefix_length + 1
        for index in indexes:
            if (index, start) in tried:
                continue
            tried.add((index, start))
            m = RULES[index].pattern.match(lower, start)
            if m is not None:
                yield RULES[index], m
    for index in _UNPREFIXED:
        for m in RULES[index].pattern.finditer(lower):
            yield RULES[index], m


def _literal_prefixes(pattern: str) -> list[str]:
    """Literal strings one of which starts every match of ``pattern``; "" when unknown."""
    return _prefixes_of(sre_parse.parse(pattern))


def _prefixes_of(parsed: sre_parse.SubPattern) -> list[str]:
    out = [""]
    for op, av in parsed:
        if op is sre_constants.LITERAL:
            out = [p + chr(av) for p in out]
        elif op is sre_constants.SUBPATTERN:
            return [p + s for p in out for s in _prefixes_of(av[3])]
        elif op is sre_constants.BRANCH:
            return [p + s for b in av[1] for p in out for s in _prefixes_of(b)]
        else:
            return out
    return out


def _prefix_automaton() -> tuple[ahocorasick.Automaton, tuple[int, ...]]:
    by_prefix: dict[str, list[int]] = {}
    unprefixed = []
    for index, rule in enumerate(RULES):
        prefixes = _literal_prefixes(rule.pattern.pattern)
        if "" in prefixes:
            unprefixed.append(index)
            continue
        for prefix in prefixes:
            by_prefix.setdefault(prefix, []).append(index)
    automaton = ahocorasick.Automaton()
    for prefix, indexes in by_prefix.items():
        automaton.add_word(prefix, (len(prefix), tuple(indexes)))
    automaton.make_automaton()
    return automaton, tuple(unprefixed)


_PREFIXES, _UNPREFIXED = _prefix_automaton()


def _without_overlaps(found: list[EventMention]) -> list[EventMention]:
    kept: list[EventMention] = []
    for event in sorted(found, key=lambda e: (-e.rank, e.start)):
        if all(event.end <= k.start or event.start >= k.end for k in kept):
            kept.append(event)
    return sorted(kept, key=lambda e: e.start)


def _in_spans(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) overlaps one of the sorted, disjoint ``spans``."""
    k = bisect_right(spans, (start, float("inf"))) - 1
    return any(s < end and start < e for s, e in spans[max(0, k):k + 2])
