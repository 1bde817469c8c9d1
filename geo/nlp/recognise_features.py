"""The features the place recogniser weighs for each candidate span.

From the evidence in the text: its NER label, and the labels the same name gets elsewhere in
the article ("Kelly" once inside "Megyn Kelly" is a person everywhere); the matcher's rule;
what the gazetteer knows (kinds, population, how many places share the name, a nationality
word); the words around it (a preposition before it, "said" after it, a capitalised
neighbour, "X County", "X, Y"); whether it is part of the name of a thing named after the
place (``geo.nlp.recognise_heads``); its function in the sentence's dependency parse
(``syntax_features``), read apart for a nationality word; and its shape (capitals, sentence
start, an ordinary English word). ``geo.nlp.recognise`` applies the model to them.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from functools import lru_cache
from typing import TYPE_CHECKING

from geo.doc import doc_text, sentence_parse, sentence_spans
from geo.gazetteer.index import (
    CURATED_PREFIXES,
    SUBDIVISION_PREFIX,
    Gazetteer,
    normalize,
    spelling_key,
)
from geo.lang import words as lang_words
from geo.nlp.mentions import english_words
from geo.nlp.recognise_heads import (
    _NAMED_AFTER,
    _NEXT_WORD,
    _REGION_WORDS,
    _WORDS,
    _head_class,
    _name_heads,
    _name_run_after,
)
from geo.nlp.recognise_spans import Candidate

if TYPE_CHECKING:
    from spacy.tokens import Doc

# Two or more capitalised words in a row ("Paris Hilton", "Megyn Kelly"): a full name, unless
# the gazetteer knows the whole ("New York").
_CAPITALISED_RUN = re.compile(r"\b[A-Z][a-z’'\-]+(?:\s+[A-Z][a-z’'\-]+)+")
# Words before a span that introduce a place ("in Kharkiv", "near Odesa").
_PLACE_PREPOSITIONS = frozenset(_WORDS["place_prepositions"])
# Verbs of speech after a name make it a speaker, a person or an organisation.
_SPEECH = frozenset(_WORDS["speech_verbs"])
# "Kharkiv, a city of 1.5 million", "Irpin, the commuter town": an apposition that says what
# the name is.
_PLACE_APPOSITION = re.compile(
    r",\s+(?:a|an|the)\s+(?:[\w.-]+\s+){0,4}?(?:city|town|village|port|capital|region|"
    r"province|country|district|suburb|settlement|state|island|hamlet|county|oblast|area)\b")
# "central Kharkiv", "eastern Ukraine", "downtown Kyiv".
_PLACE_MODIFIERS = frozenset(_WORDS["place_modifiers"])
# "the village of X", "the port city of X": a noun of place kind and "of" just before the span.
_PLACE_NOUN_OF = re.compile(
    r"\b(?:village|town|city|settlement|hamlet|region|province|district|port|island|"
    r"capital|suburb|county|state|oblast|municipality|neighbourhood|neighborhood)s?\s+of\s+$",
    re.IGNORECASE)
_LIST_GAPS = frozenset(_WORDS["list_gaps"])
# Dependency labels read as they are; the rest are grouped (``syntax_features``).
_DEPENDENCIES = frozenset({"compound", "amod", "poss", "pobj", "dobj", "appos", "conj", "ROOT"})
# Every value of the "dep=" feature, and those of a modifier, which also has a head.
_DEP_VALUES = _DEPENDENCIES | {"nsubj", "nmod", "other", "none"}
_MODIFIER_DEPS = frozenset({"compound", "amod", "nmod", "poss"})
# Functions of a noun phrase, which a later conjunct shares with the first.
_NOMINAL_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "appos", "compound", "amod",
                           "poss", "nmod", "npadvmod", "attr", "dative"})
# "the Bank of X", "University of X": a capitalised noun and "of" just before the span.
_NAME_OF = re.compile(r"\b([A-Z][a-z]+)\s+of\s+(?:the\s+)?$")


class _Evidence:
    """What the whole article says about names: the NER labels each name receives."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.ents = sorted((e.start_char, e.end_char, e.label_) for e in doc.ents)
        self.starts = [s for s, _e, _label in self.ents]
        self.exact = {(s, e): label for s, e, label in self.ents}
        self.exact_start = {s: label for s, _e, label in self.ents}
        self.labels_of: dict[str, Counter] = defaultdict(Counter)
        self.surnames: set[str] = set()
        for s, e, label in self.ents:
            text = doc_text(doc)[s:e]
            self.labels_of[normalize(text)][label] += 1
            words = text.split()
            if label == "PERSON" and len(words) > 1:
                self.surnames.add(normalize(words[-1]))
                self.surnames.add(normalize(words[0]))
            for word in words:  # a word inside a person's or organisation's name
                self.labels_of[normalize(word)][f"in_{label}"] += 1
        self.lowercase = frozenset(re.findall(r"(?<![\w'’])[a-z]+(?![\w'’])", doc_text(doc)))
        # Words seen as the first or last of a run of capitalised words that is no known name.
        self.first_names: Counter = Counter()
        self.last_names: Counter = Counter()
        self.runs: list[tuple[int, int]] = []
        for m in _CAPITALISED_RUN.finditer(doc_text(doc)):
            words = m.group().split()
            self.runs.append((m.start(), m.end()))
            self.first_names[normalize(words[0])] += 1
            self.last_names[normalize(words[-1])] += 1

    def _near(self, start: int) -> list[tuple[int, int, str]]:
        # Entities never overlap one another, so only the one starting at or before
        # ``start`` and those after it can touch a span: a bisection, not a scan.
        i = max(bisect_right(self.starts, start) - 1, 0)
        return self.ents[i:i + 4]

    def entity_end(self, start: int, end: int) -> int:
        """The end of the entity that starts at ``start`` (or covers it), else -1."""
        for s, e, _label in self._near(start):
            if s <= start < e:
                return e
        return -1

    def overlapping(self, start: int, end: int) -> str:
        for s, e, label in self._near(start):
            if s < end and e > start and (s, e) != (start, end):
                return label
        return "none"


def candidate_features(doc: Doc, candidates: list[Candidate], gazetteer: Gazetteer, *,
                       syntax: bool = True) -> list[dict[str, float]]:
    """The features of each candidate, as name -> value (missing names are 0); without the
    dependency parse's (``syntax_features``) when ``syntax`` is false."""
    evidence = _Evidence(doc)
    evidence.known_runs = {normalize(doc_text(doc)[s:e]) for s, e in evidence.runs
                           if normalize(doc_text(doc)[s:e]) in gazetteer.names}
    evidence.repeats = Counter(c.text for c in candidates)
    features = [_features(c, doc, evidence, gazetteer) for c in candidates]
    # A list of names ("Aleppo and Grozny", "Kyiv, Irpin and Bucha"): members share a kind.
    for i, c in enumerate(candidates):
        for j in (i - 1, i + 1):
            if 0 <= j < len(candidates):
                other = candidates[j]
                text = doc_text(doc)
                gap = text[other.end:c.start] if j < i else text[c.end:other.start]
                if gap in _LIST_GAPS:
                    features[i]["listed_with_candidate"] = 1.0
                    features[i]["listed_with_known_place"] = max(
                        features[i].get("listed_with_known_place", 0.0),
                        float(features[j].get("kind=unknown", 0.0) == 0.0))
    if syntax:
        for c, f in zip(candidates, features, strict=True):
            f.update(syntax_features(doc, c))
    return features

def _features(c: Candidate, doc: Doc, ev: _Evidence,
              gazetteer: Gazetteer) -> dict[str, float]:
    text = doc_text(doc)
    key = normalize(c.text)
    f: dict[str, float] = {"bias": 1.0}
    ner = ev.exact.get((c.start, c.end), "none")
    overlap = ev.overlapping(c.start, c.end) if ner == "none" else "none"
    source = "both" if c.from_matcher and c.from_ner else ("matcher" if c.from_matcher else "ner")
    f[f"source={source}"] = 1.0
    f[f"ner={ner}"] = 1.0
    f[f"overlap={overlap}"] = 1.0
    f[f"rule={c.rule or 'accept' if c.from_matcher else 'unseen'}"] = 1.0
    f[f"pattern={c.pattern}"] = 1.0
    _gazetteer_features(c, key, ner, source, gazetteer, f)
    _article_features(c, key, ev, f)
    _neighbour_features(c, text, ev, gazetteer, f)
    _name_features(c, text, ev, gazetteer, f)
    _shape_features(c, key, doc, ev, f)
    return f


def _gazetteer_features(c: Candidate, key: str, ner: str, source: str, gazetteer: Gazetteer,
                        f: dict[str, float]) -> None:
    """What the gazetteer knows of the span: the kind of place it would be read as, how
    many places share the name, how big the biggest is, whether the analyst curated it."""
    # What the resolver will read the span as, a city district as its city included.
    indexes = (gazetteer.lookup(key) or gazetteer.region_names.get(key, ())
               or gazetteer.district_city(c.text))
    # A second-level unit (a county, a department) is read as the other places of its name
    # are, and its population, the sum of its towns, is no town's size: the recogniser learnt
    # "Surrey" and "Kent" as towns, and a county's sum would carry any word that names one.
    known = [i for i in indexes if not gazetteer.places[i][0].startswith(SUBDIVISION_PREFIX)]
    kinds = {gazetteer.places[i][4] for i in known or indexes}
    population = max((gazetteer.places[i][7] for i in known), default=0)
    kind = ("demonym" if c.pattern == "demonym" else "region_phrase" if c.pattern == "region"
            else next((k for k in ("country", "continent", "region", "water", "area",
                                   "landmark", "city") if k in kinds), "unknown"))
    f[f"kind={kind}"] = 1.0
    f[f"ner={ner}&kind={kind}"] = 1.0
    f[f"source={source}&kind={kind}"] = 1.0
    f["log_population"] = math.log10(population + 1) / 7
    f["log_homonyms"] = math.log10(len(indexes) + 1)
    f["curated"] = float(any(gazetteer.places[i][0].startswith(CURATED_PREFIXES)
                             for i in indexes))
    # Known only as another language's name for a place ("Hamas", a name of Hamm), not as a
    # place's own name or a transliteration of it ("Borodyanka" for Borodianka: the same
    # consonants): English news seldom writes a place so, and the NER reading the span as a
    # person or organisation makes it weaker still.
    if c.pattern == "name" and indexes and not any(
            _same_consonants(gazetteer.places[i][1], c.text) for i in indexes):
        f["other_language_name_only"] = 1.0
        if ner in ("ORG", "PERSON"):
            f["other_language_name_only&ner_not_place"] = 1.0


def _article_features(c: Candidate, key: str, ev: _Evidence, f: dict[str, float]) -> None:
    """What the rest of the article says of the name: the NER labels it gets elsewhere, as a
    whole and inside longer names, a person's surname, a run of capitalised words."""
    labels = ev.labels_of.get(key, Counter())
    total = sum(v for k, v in labels.items() if not k.startswith("in_")) or 1
    for group, names in (("person", ("PERSON",)), ("org", ("ORG",)),
                         ("place", ("GPE", "LOC", "FAC", "NORP"))):
        f[f"elsewhere_{group}"] = sum(labels[n] for n in names) / total
        f[f"inside_{group}"] = float(any(labels[f"in_{n}"] for n in names))
    f["surname_elsewhere"] = float(key in ev.surnames)
    # In a run of capitalised words that is not a known name, here or elsewhere: "Hilton"
    # after "Paris Hilton", "Kelly" after "Megyn Kelly".
    f["run_last_word"] = math.log1p(ev.last_names[key]) if key not in ev.known_runs else 0.0
    f["run_first_word"] = math.log1p(ev.first_names[key]) if key not in ev.known_runs else 0.0
    f["repeated"] = math.log10(1 + ev.repeats[c.text])


def _neighbour_features(c: Candidate, text: str, ev: _Evidence, gazetteer: Gazetteer,
                        f: dict[str, float]) -> None:
    """The words around the span: a preposition or a place word before it, "said" or a
    qualifier after it, capitalised neighbours, an apposition that says what it is."""
    before = text[max(0, c.start - 30):c.start].split()
    after = text[c.end:c.end + 30].split()
    prev = before[-1].lower().strip(".,;:\"'“”(") if before else ""
    nxt = after[0].lower().strip(".,;:\"'“”)") if after else ""
    f["after_preposition"] = float(prev in _PLACE_PREPOSITIONS)
    f["after_place_modifier"] = float(prev in _PLACE_MODIFIERS)
    f["after_place_noun_of"] = float(_PLACE_NOUN_OF.search(text, max(0, c.start - 40),
                                                           c.start) is not None)
    f["place_apposition"] = float(_PLACE_APPOSITION.match(text, c.end, c.end + 80) is not None)
    f["before_speech"] = float(nxt in _SPEECH)
    f["before_place_word"] = float(nxt in _REGION_WORDS)
    f["cap_before"] = float(bool(before) and before[-1][:1].isupper()
                            and not before[-1].endswith((".", ":", '"', "”")))
    f["cap_after"] = float(bool(after) and after[0][:1].isupper() and not c.text.endswith("."))
    f["qualifier_after"] = float(text[c.end:c.end + 2] == ", " and bool(after)
                                 and len(after) > 1 and after[1][:1].isupper()
                                 and normalize(after[1].strip(".,;:")) in gazetteer.names)
    f["possessive"] = float(text[c.end:c.end + 2] in ("'s", "’s"))
    # A name the NER stretches over the next word, which no gazetteer knows: "Volodymyr
    # Zelenskiy", "Paris Hilton" (a full name), unlike "Kharkiv Oblast".
    ent_end = ev.entity_end(c.start, c.end)
    if ent_end > c.end and after:
        word = after[0].strip(".,;:\"'“”()")
        f["entity_runs_on_unknown_word"] = float(
            word[:1].isupper() and normalize(word) not in gazetteer.names
            and normalize(word) not in gazetteer.region_names
            and word.lower() not in _REGION_WORDS)


def _shape_features(c: Candidate, key: str, doc: Doc, ev: _Evidence,
                    f: dict[str, float]) -> None:
    """The span's shape: its words, capitals, an ordinary English word, a sentence start."""
    words = c.text.split()
    f["n_words"] = min(len(words), 4) / 4
    f["all_caps"] = float(c.text.replace(".", "").isupper() and len(c.text) > 1)
    f["english_word"] = float(key in english_words())
    f["lowercase_in_text"] = float(c.text.lower() in ev.lowercase)
    start_token = doc.char_span(c.start, c.end, alignment_mode="expand")
    f["sentence_start"] = float(start_token is not None and start_token[0].is_sent_start)


def syntax_features(doc: Doc, c: Candidate) -> dict[str, float]:
    """What the dependency parse of the span's sentence says of it: its function
    ("dep=pobj": the object of a preposition, "dep=amod": an adjective, "dep=compound": a
    noun modifying another); for a modifier, the noun it modifies, followed through a chain
    of capitalised compounds to the name's head ("Colorado" -> "University" in "Colorado
    State University"; "Iskander" -> "missile"), that noun's class and whether it is
    capitalised (a longer name) or a common noun; and whether it is the object of a verb
    whose object is a place ("shelled X"). A nationality word's features are its own
    (``demonym_*``): an adjective is what a nationality word usually is, and what a name
    seldom is.
    """
    prefix = "demonym_" if c.pattern == "demonym" else ""
    spans = doc.user_data.get("geo_sentence_starts")
    if spans is None:
        spans = doc.user_data["geo_sentence_starts"] = (
            sentence_spans(doc), [s for s, _e in sentence_spans(doc)])
    sentences, starts = spans
    i = bisect_right(starts, c.start) - 1
    if i < 0 or sentences[i][1] < c.end:
        return {f"{prefix}dep=none": 1.0}
    start, end = sentences[i]
    parsed = sentence_parse(doc, start, end)
    tokens = [t for t in parsed if c.start <= start + t.idx < c.end]
    if not tokens:
        return {f"{prefix}dep=none": 1.0}
    inside = {t.i for t in tokens}
    root = next((t for t in tokens if t.head.i not in inside or t.head.i == t.i), tokens[-1])
    # A later conjunct has the function of the first ("the cities of Aleppo and Grozny":
    # Grozny is an object of "of" as Aleppo is), when the first is a noun phrase's.
    first = root
    while first.dep_ == "conj" and first.head.i < first.i:
        first = first.head
    if first.dep_ not in _NOMINAL_DEPS:
        first = root
    dep = first.dep_
    group = (dep if dep in _DEPENDENCIES else "nsubj" if dep.startswith("nsubj")
             else "nmod" if dep in ("nmod", "npadvmod") else "other")
    f = {f"{prefix}dep={group}": 1.0}
    head = first.head
    if group in _MODIFIER_DEPS:
        while (head.dep_ == "compound" and head.head.i > head.i
               and head.head.text[:1].isupper()):
            head = head.head
        # A common noun's class ("X hospital", "X missile"); a capitalised head makes the
        # span part of a longer name, whose head ``_name_features`` reads.
        capitalised = head.text[:1].isupper()
        if not capitalised:
            _add_head_class(f, "dep_head", head.text, c)
        f[f"{prefix}dep_head_capitalised={capitalised}"] = 1.0
    # The object of a verb whose object is a place: "shelled X", "captured X", "visited X".
    if group == "dobj" and head.text in _place_verbs():
        f[f"{prefix}object_of_place_verb"] = 1.0
    return f


def _add_head_class(f: dict[str, float], name: str, word: str, c: Candidate) -> None:
    """``name=<class>`` of a head noun, and ``name_named_after`` too when the class names a
    thing named after a place: the shared feature carries what the dev set teaches about
    universities and stadiums to missiles and viruses, which it seldom names. A nationality
    word's are features of their own (``demonym_<name>=<class>``): "Russian missiles" are
    Russia's, "Grad missiles" are named after a town, and the dev sets count the first as
    a place mention and not the second."""
    group = _head_class(word)
    if group == "other":
        return  # the reference: a class the dev set never saw weighs as much as no class
    if c.pattern == "demonym":
        f[f"demonym_{name}={group}"] = 1.0
        return
    f[f"{name}={group}"] = 1.0
    if group in _NAMED_AFTER:
        f[f"{name}_named_after"] = 1.0

@lru_cache(maxsize=1)
def _place_verbs() -> frozenset[str]:
    """Verbs whose object is a place (``geo/lang/en/verbs.json``)."""
    return frozenset(lang_words("en", "verbs")["place_object"])


def _name_features(c: Candidate, text: str, ev: _Evidence, gazetteer: Gazetteer,
                   f: dict[str, float]) -> None:
    """Whether the span is part of a longer name that names something else: an
    institution, a building, an event, a firm, a weapon, a disease ("Colorado State
    University", "the Bank of England", "Zika virus", "the Dubai World Cup"), as the
    name's head noun tells (its class, ``geo/lang/en/name_heads.json``), read from the
    capitalised words after the span, the common noun after it, its own last word, a noun
    and "of" before it; and a possessive before a person's name ("Notre Dame's coach
    Muffet McGraw")."""
    # The name's head: the last of the capitalised words after the span, unless the
    # gazetteer knows the longer name ("Kharkiv Oblast" is a place's name).
    run = _name_run_after(text, c.end)
    if run and not any(normalize(" ".join([c.text, *run[:k]])) in gazetteer.names
                       for k in range(1, len(run) + 1)):
        _add_head_class(f, "name_head", run[-1], c)
        f["name_run_length"] = len(run) / 4
        # "X Y" where the gazetteer knows X alone and Y is no place word: a longer name
        # ("Mali Scherbaky", "Notre Dame Fighting Irish"), not the place X.
        nxt = normalize(run[0])
        if (nxt not in gazetteer.names and nxt not in gazetteer.region_names
                and run[0].lower() not in _REGION_WORDS):
            f["name_runs_on_unknown_word"] = 1.0
    # A common noun the span modifies ("the Saudi hospital", "an Iskander missile").
    m = _NEXT_WORD.match(text, c.end)
    if m is not None and m.group(1).islower() and m.group(1).rstrip(".") in _name_heads():
        _add_head_class(f, "modifies", m.group(1).rstrip("."), c)
    # The span's own last word is a head noun ("White House").
    words = c.text.split()
    if len(words) > 1 and words[-1].lower() in _name_heads():
        f[f"own_head={_name_heads()[words[-1].lower()]}"] = 1.0
    # "the Bank of X", "the University of X", "the Republic of X".
    m = _NAME_OF.search(text, max(0, c.start - 40), c.start)
    if m is not None:
        _add_head_class(f, "of_head", m.group(1), c)
    # "Chelsea's Cole Palmer": a possessive before a person's name (a team's
    # player, a firm's chief).
    if text[c.end:c.end + 2] in ("'s", "’s"):
        after = _NEXT_WORD.match(text, c.end + 2)
        if after is not None and ev.exact_start.get(after.start(1)) == "PERSON":
            f["possessive_then_person"] = 1.0


def _same_consonants(name: str, text: str) -> bool:
    """Whether two spellings are one name transliterated: the same consonants in order, a
    doubled letter written once ("Odessa"/"Odesa", "Kharkov"/"Kharkiv")."""
    return _squeezed(spelling_key(name)) == _squeezed(spelling_key(text))


def _squeezed(key: str) -> str:
    return re.sub(r"(.)\1+", r"\1", key)
