"""The spans of an article that may name a place, from the gazetteer matcher and the NER.

The matcher (``geo.nlp.mentions.find_name_spans``) proposes every name it knows, with the
named rule that would reject it; the NER of the article's ``Doc`` proposes its GPE, LOC, FAC
and NORP entities. Spans are merged by offsets, and each carries the longer name it is part
of when that names a thing named after the place (``Candidate.name``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from geo.doc import doc_text
from geo.gazetteer.index import Gazetteer, normalize
from geo.nlp.mentions import find_name_spans
from geo.nlp.recognise_heads import _NAMED_AFTER, _POSSESSIVE_END, _head_class, _name_run_after

if TYPE_CHECKING:
    from spacy.tokens import Doc

# NER labels whose spans are candidates of their own.
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC", "NORP"})
_LEADING_DETERMINER = re.compile(r"^(?:the|The|THE)\s+")
# Rules of the matcher that veto a span whatever the model says: the product never maps an
# outlet or an institution by the town in its name ("The Washington Post"), a person named
# after a title ("President Jackson"), or a word of the curated never-a-place list.
_VETO_RULES = frozenset({"part of an organisation's or outlet's name",
                         "a person's name after a title",
                         "ordinary word"})  # data/not_places.txt: "never read as places"


@dataclass(frozen=True)
class Candidate:
    """A span that may name a place, and where it came from."""

    start: int
    end: int
    text: str
    pattern: str  # "name", "region", "demonym"
    from_matcher: bool
    from_ner: bool
    rule: str  # the matcher's reject reason, "" when it accepts or did not see the span
    # The longer name the span is part of, when it names something else ("Colorado State
    # University" for "Colorado" there), else "": one sense per discourse is per name.
    name: str = ""


def candidate_spans(doc: Doc, gazetteer: Gazetteer) -> list[Candidate]:
    """Every span the matcher or the NER proposes, merged by offsets."""
    article = doc._.article.id if doc._.article is not None else ""
    found: dict[tuple[int, int], Candidate] = {}
    vetoed = set()
    for mention, reason in find_name_spans(doc_text(doc), gazetteer, article=article):
        if reason in _VETO_RULES:
            vetoed.add((mention.start, mention.end))
            continue
        found[mention.start, mention.end] = Candidate(
            mention.start, mention.end, mention.text, mention.pattern, True, False, reason or "")
    for ent in doc.ents:
        if ent.label_ not in _PLACE_LABELS:
            continue
        start = ent.start_char + _determiner_length(ent.text)
        end = ent.end_char
        while end > start and doc_text(doc)[end - 1] in ".,'’ ":
            end -= 1
        if _POSSESSIVE_END.search(doc_text(doc), start, end):  # "Gaza City's" is Gaza City
            end -= 2
        if end - start < 2:
            continue
        text = doc_text(doc)[start:end]
        if (start, end) in vetoed:
            continue
        known = found.get((start, end))
        if known is not None:
            found[start, end] = Candidate(start, end, text, known.pattern, True, True,
                                          known.rule)
        else:
            key = normalize(text)
            pattern = "demonym" if key in gazetteer.demonyms else "name"
            found[start, end] = Candidate(start, end, text, pattern, False, True, "")
    out = []
    for c in sorted(found.values(), key=lambda c: (c.start, -c.end)):
        name = _longer_name(c, doc_text(doc))
        out.append(replace(c, name=name) if name else c)
    return out


def _longer_name(c: Candidate, text: str) -> str:
    """The name of a thing named after the place that holds the span: the span and the
    capitalised words after it when the last of them is the head noun of an institution,
    a building, an event, a firm, a weapon, a vessel or a disease ("Dubai World Cup",
    "Colorado State University"), else "". An organisation of the place itself ("Kharkiv
    Regional Police") is not such a name: GeoWebNews counts its place as a mention."""
    run = _name_run_after(text, c.end)
    if run and _head_class(run[-1]) in _NAMED_AFTER:
        return " ".join([c.text, *run])
    return ""


def _determiner_length(text: str) -> int:
    m = _LEADING_DETERMINER.match(text)
    return m.end() if m else 0
