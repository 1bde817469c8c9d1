"""What a sentence's words and parse say about its triggers: which of them tell an event of
their own, and which trigger a figure or a date belongs to.

A trigger is no event when it names history ("tactics they used in World War II"), what a
distance is measured to ("a dam 45 km from the front line") or a class an event is ranked
in ("one of the bloodiest raids of the year"); the patterns here say so from the words
around it. The parse says the rest: the trigger of a figure's or a date's clause
(``_clause_event``), a trigger in a clause of circumstance ("as fighting intensified"), a
trigger that names an event told before ("the raid on the depot"), and what a trigger acts
on ("shot at farmers"). Offsets are the sentence's, as the per-sentence parse
(``geo.doc.sentence_parse``) counts them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from geo.nlp.distances import UNITS

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from geo.nlp.dates import DateRef
    from geo.nlp.events import EventMention
    from geo.nlp.figures import Figure


_HISTORY_BEFORE, _HISTORY_AFTER = 60, 25  # characters around a trigger


_HISTORICAL = re.compile(r"\b(?:tactics (?:it|they) used|World War|years ago|in the past|"
                         r"Soviet era|in (?:19|20)\d\d)\b", re.IGNORECASE)


# "the dam, some 45 km from the front line": the trigger is what the distance
# is measured to, never something that happened at the sentence's place.
_DISTANCE_TO = re.compile(
    rf"\b\d[\d.,]*\s*(?:{'|'.join(sorted(map(re.escape, UNITS), key=len, reverse=True))})"
    r"\.?\s+(?:\([^)]{0,30}\)\s+)?(?:away\s+)?from\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE)


# "The Sumy barrage was one of the bloodiest raids of the year": a trigger that
# names a class an event is ranked in, not an event of its own.
# Only after a copula: "after one of the largest drone raids of the year killed 12" is
# the event itself.
_RANKED_AMONG = re.compile(r"\b(?:was|is|were|are|been|being|became|becomes|remains?|"
                           r"remained)\s+one of (?:the|its|their|his|her)\s+(?:most\s+[\w-]+|"
                           r"[\w-]+est|worst|biggest|largest)\s+(?:[\w-]+\s+){0,2}$",
                           re.IGNORECASE)


_RANKED_IN = re.compile(r"\b(?:in|during)\s+(?:the|its|their|what\s+\w+\s+(?:called|"
                        r"described\s+as))\s+(?:most\s+[\w-]+|[\w-]+est|worst|biggest|"
                        r"largest)\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)



def _events_of_their_own(sentence: str, triggers: list[EventMention]) -> list[EventMention]:
    """The sentence's triggers that tell an event of their own: none that names history,
    what a distance is measured to, or a class an event is ranked in."""
    events = [e for e in triggers if not _HISTORICAL.search(
        sentence, max(0, e.start - _HISTORY_BEFORE), e.end + _HISTORY_AFTER)
        and not _DISTANCE_TO.search(sentence[max(0, e.start - _HISTORY_BEFORE):e.start])
        and not _RANKED_AMONG.search(sentence[max(0, e.start - _HISTORY_BEFORE):e.start])]
    # "downed 30 drones ..., in the heaviest drone raid on the region this spring": a
    # superlative adjunct ranks the clause's own event, not a second one.
    ranked = [e for e in events if _RANKED_IN.search(
        sentence, max(0, e.start - _HISTORY_BEFORE), e.start)]
    if ranked and len(ranked) < len(events):
        events = [e for e in events if e not in ranked]
    return events


_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj"})


_FRONTED = frozenset({"advcl", "npadvmod"})


def _clause_event(span: Figure | DateRef | tuple[int, int], events: list[EventMention],
                  parsed: Doc) -> EventMention | None:
    """The trigger of the clause a figure or a date (``span``, sentence offsets) belongs to:
    up the parse from it, the first word that is a trigger itself, or whose subject holds
    one ("strikes ... killed 16 people on Saturday": the strikes' toll and day)."""
    start, end = span if isinstance(span, tuple) else (span.start, span.end)
    # From the count itself ("16" of "at least 16"): its head leads to the verb.
    inside_figure = [t for t in parsed if start <= t.idx < end]
    node = inside_figure[-1] if inside_figure else None
    for _ in range(10):  # a figure is a few steps below its verb
        if node is None:
            return None
        own = [e for e in events if e.start <= node.idx < e.end]
        if own:
            return own[0]
        # The subject nearest before the verb: the small parser may hang two clauses'
        # subjects on one verb ("a strike ... killed 16, and a strike ... killed four").
        # A sentence-initial noun the small parser hung as a clause ("Shelling by the RSF
        # killed seven": "Shelling" advcl, "Forces" nsubj) is the subject all the same.
        subjects = sorted((c for c in node.children if c.dep_ in _SUBJECTS or (
                               c.dep_ in _FRONTED and c.i == c.sent.start < node.i)),
                          key=lambda c: (c.i > node.i, -c.i if c.i < node.i else c.i))
        for child in subjects:
            first, last = child.left_edge, child.right_edge
            inside = [e for e in events if first.idx <= e.start < last.idx + len(last.text)]
            if inside:
                return max(inside, key=lambda e: (e.rank, e.start))
        if node.head.i == node.i:
            return None
        node = node.head
    return None


def _names_a_told_event(parsed: Doc, event: EventMention) -> bool:
    """Whether the trigger is a noun made definite ("the raid on the depot", "the market
    strike", "Sunday's strike"): a reference to an event, as a reader takes it, not news of
    a new one."""
    node = next((t for t in parsed if event.start <= t.idx < event.end), None)
    if node is None:
        return False  # (the small pipeline tags no parts of speech: a determiner says noun)
    # The head noun of a compound trigger ("drone strike") carries the determiner.
    while node.dep_ == "compound" and node.head.i != node.i:
        node = node.head
    return any((c.dep_ == "det" and c.lower_ in ("the", "this", "that"))
               or c.dep_ == "poss" for c in node.children)


def _trigger_objects(parsed: Doc, event: EventMention) -> tuple[str, ...]:
    """The plain nouns a trigger acts on, by the parse: "opened fire on villagers",
    "attacked residents" -> ("villagers",), ("residents",)."""
    heads = [t for t in parsed if event.start <= t.idx < event.end]
    out = []
    for head in heads:
        for child in head.children:
            if child.dep_ == "dobj":
                out.append(child.lemma_ if child.tag_ == "NNS" else child.text)
            elif child.dep_ == "prep" and child.lower_ in ("on", "at"):
                out.extend(g.text for g in child.children if g.dep_ == "pobj")
    return tuple(w.lower() for w in out)
