"""Which spans of an article name places: candidates from two sources, decided by a model.

Candidates come from the gazetteer matcher (``geo.nlp.mentions.find_name_spans``, every name it
knows, with the named rule that would reject it) and from the statistical NER of the article's
``Doc`` (GPE, LOC, FAC and NORP entities). Each candidate gets features from the evidence in
the text: its NER label, and the labels the same name gets elsewhere in the article ("Kelly"
once inside "Megyn Kelly" is a person everywhere); the matcher's rule; what the gazetteer knows
(kinds, population, how many places share the name, a nationality word); the words around it
(a preposition before it, "said" after it, a capitalised neighbour, "X County", "X, Y");
whether it is part of the name of a thing named after the place (that name's head noun, by
class: "Colorado State University", "the Dubai World Cup", "Lassa fever", "the Bank of
England"); its function in the sentence's dependency parse (an adjective, a compound and the
noun it modifies, the object of a preposition or of "shelled"), read apart for a nationality
word; and its shape (capitals, sentence start, an ordinary English word). A logistic
regression trained by ``scripts/train_recogniser.py`` on the GeoWebNews dev set weighs them;
its weights are a small JSON file (``data/models/recogniser.json``), read without pickle.
The parse (``geo.doc.sentence_parse``) is read only for the sentences where it could change
a decision. One sense per discourse holds per name: "Colorado" in "Colorado State
University" does not share the state's sense.

Example:
    >>> from geo.gazetteer.index import Gazetteer
    >>> from geo.doc import make_doc
    >>> from geo.records import Article
    >>> text = "Megyn Kelly said Russian troops shelled Kharkiv. Kelly spoke from Dallas."
    >>> doc = make_doc(Article(id="a", text=text))
    >>> [(m.text, m.pattern) for m in recognise(doc, Gazetteer.load())]
    [('Russian', 'demonym'), ('Kharkiv', 'name'), ('Dallas', 'name')]
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from geo.doc import doc_text, sentence_parse, sentence_spans
from geo.errors import GeoError
from geo.gazetteer.index import CURATED_PREFIXES, Gazetteer, normalize, spelling_key
from geo.lang import words as lang_words
from geo.learn.weights import read_weights
from geo.nlp.mentions import english_words, find_name_spans, select_longest
from geo.records import ANALYST_PREFIXES, Mention

if TYPE_CHECKING:
    from spacy.tokens import Doc

MODEL_JSON = Path(__file__).resolve().parents[2] / "data" / "models" / "recogniser.json"
#: Version of the feature set; a model file trained on another version is refused.
FEATURES_VERSION = 8
# NER labels whose spans are candidates of their own.
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC", "NORP"})
_LEADING_DETERMINER = re.compile(r"^(?:the|The|THE)\s+")
# Two or more capitalised words in a row ("Paris Hilton", "Megyn Kelly"): a full name, unless
# the gazetteer knows the whole ("New York").
_CAPITALISED_RUN = re.compile(r"\b[A-Z][a-z’'\-]+(?:\s+[A-Z][a-z’'\-]+)+")
# The language's words (``geo/lang/en/recognise.json``, with their source).
_WORDS = lang_words("en", "recognise")
# Words before a span that introduce a place ("in Kharkiv", "near Odesa").
_PLACE_PREPOSITIONS = frozenset(_WORDS["place_prepositions"])
# Verbs of speech after a name make it a speaker, a person or an organisation.
_SPEECH = frozenset(_WORDS["speech_verbs"])
# Rules of the matcher that veto a span whatever the model says: the product never maps an
# outlet or an institution by the town in its name ("The Washington Post"), a person named
# after a title ("President Jackson"), or a word of the curated never-a-place list.
_VETO_RULES = frozenset({"part of an organisation's or outlet's name",
                         "a person's name after a title",
                         "ordinary word"})  # data/not_places.txt: "never read as places"
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
_REGION_WORDS = frozenset(_WORDS["region_words"])
# The next word after a span, when a single space separates them.
_NEXT_WORD = re.compile(r" ([A-Za-z][\w’'.&-]*)")
_POSSESSIVE_END = re.compile(r"['’]s$")
# Dependency labels read as they are; the rest are grouped (``syntax_features``).
_DEPENDENCIES = frozenset({"compound", "amod", "poss", "pobj", "dobj", "appos", "conj", "ROOT"})
# Every value of the "dep=" feature, and those of a modifier, which also has a head.
_DEP_VALUES = _DEPENDENCIES | {"nsubj", "nmod", "other", "none"}
_MODIFIER_DEPS = frozenset({"compound", "amod", "nmod", "poss"})
# Functions of a noun phrase, which a later conjunct shares with the first.
_NOMINAL_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "appos", "compound", "amod",
                           "poss", "nmod", "npadvmod", "attr", "dative"})
# Classes of head nouns (geo/lang/en/name_heads.json) of things named after a place, as
# against the place's own bodies (its police, council, government: "state_body",
# "association") and their staff.
_NAMED_AFTER = frozenset({"education", "health", "worship", "venue", "event", "company",
                          "weapon", "vessel", "disease"})
# "the Bank of X", "University of X": a capitalised noun and "of" just before the span.
_NAME_OF = re.compile(r"\b([A-Z][a-z]+)\s+of\s+(?:the\s+)?$")


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

    # What the gazetteer knows.
    # What the resolver will read the span as, a city district as its city included.
    indexes = (gazetteer.lookup(key) or gazetteer.region_names.get(key, ())
               or gazetteer.district_city(c.text))
    kinds = {gazetteer.places[i][4] for i in indexes}
    population = max((gazetteer.places[i][7] for i in indexes), default=0)
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

    # The rest of the article.
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

    # Neighbouring words.
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

    _name_features(c, text, ev, gazetteer, f)

    # Shape.
    words = c.text.split()
    f["n_words"] = min(len(words), 4) / 4
    f["all_caps"] = float(c.text.replace(".", "").isupper() and len(c.text) > 1)
    f["english_word"] = float(key in english_words())
    f["lowercase_in_text"] = float(c.text.lower() in ev.lowercase)
    start_token = doc.char_span(c.start, c.end, alignment_mode="expand")
    f["sentence_start"] = float(start_token is not None and start_token[0].is_sent_start)
    return f


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


@lru_cache(maxsize=1)
def _name_heads() -> dict[str, str]:
    """Head nouns of names by class (``geo/lang/en/name_heads.json``): "university" ->
    "education", "missile" -> "weapon"."""
    return {word: group for group, words in lang_words("en", "name_heads").items()
            if group != "source" for word in words}


def _head_class(word: str) -> str:
    word = word.lower()
    if word in _REGION_WORDS:
        return "place"
    return _name_heads().get(word, "other")


def _name_run_after(text: str, end: int) -> list[str]:
    """The capitalised words that follow a span ("Colorado| State University"), each
    stripped of a possessive, up to four; a possessive or a full stop ends the run."""
    run: list[str] = []
    pos = end
    while len(run) < 4:
        m = _NEXT_WORD.match(text, pos)
        if m is None or not m.group(1)[:1].isupper():
            break
        word = m.group(1)
        pos = m.end()
        stem = _POSSESSIVE_END.sub("", word).rstrip(".")
        run.append(stem)
        if stem != word:
            break
    return run


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
    # "Notre Dame's Arike Ogunbowale": a possessive before a person's name (a team's
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


@dataclass(frozen=True)
class RecogniserModel:
    """A logistic regression over named features, read from a JSON file."""

    weights: dict[str, float]
    threshold: float
    meta: dict

    @classmethod
    def load(cls, path: Path = MODEL_JSON) -> RecogniserModel:
        """Read and check a model file.

        Raises:
            GeoError: when the file is missing, malformed, or made for other features.
        """
        data = read_weights(path, version=FEATURES_VERSION, what="the recogniser model",
                            retrain="python scripts/train_recogniser.py")
        try:
            threshold = float(data["threshold"])
        except (KeyError, TypeError, ValueError) as exc:
            raise GeoError(f"cannot read the recogniser model {path}: no threshold; retrain "
                           "it with python scripts/train_recogniser.py") from exc
        return cls(weights=data["weights"], threshold=threshold, meta=data["meta"])

    def probability(self, features: dict[str, float], shift: float = 0.0) -> float:
        """The model's probability of a place; ``shift`` is added to its log-odds."""
        z = sum(self.weights.get(name, 0.0) * value for name, value in features.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z + shift))))

    @cached_property
    def syntax_range(self) -> dict[bool, tuple[float, float]]:
        """The least and the most the parse's features (``syntax_features``) can add to a
        candidate's log-odds, for a nationality word (True) and for a name (False): for
        each function the parse may give it, its weight plus the extremes of each feature
        that may come with that function."""

        def extremes(prefix: str) -> tuple[float, float]:
            weights = [w for name, w in self.weights.items() if name.startswith(prefix)]
            return min([0.0, *weights]), max([0.0, *weights])  # an absent feature weighs 0

        ranges = {}
        for demonym in (False, True):
            p = "demonym_" if demonym else ""
            low, high = [], []
            for dep in _DEP_VALUES:
                parts = [extremes(f"{p}dep={dep}")]
                if dep == "dobj":
                    parts.append(extremes(f"{p}object_of_place_verb"))
                if dep in _MODIFIER_DEPS:
                    parts += [extremes(f"{p}dep_head="), extremes(f"{p}dep_head_capitalised="),
                              extremes(f"{p}dep_head_named_after")]
                low.append(sum(a for a, _b in parts))
                high.append(sum(b for _a, b in parts))
            ranges[demonym] = (min(low), max(high))
        return ranges


@lru_cache(maxsize=1)
def default_model() -> RecogniserModel:
    """The versioned model shipped in ``data/models/``."""
    return RecogniserModel.load()


def recognise(doc: Doc, gazetteer: Gazetteer, *,
              model: RecogniserModel | None = None) -> list[Mention]:
    """The place mentions of an annotated Doc.

    Args:
        doc: the article's Doc (``geo.doc.make_doc``).
        gazetteer: the place index.
        model: the decision model (default: the shipped one).

    Returns:
        Mentions in text order without overlaps (longest first, as spaCy's ``filter_spans``).
    """
    model = model or default_model()
    article = doc._.article.id if doc._.article is not None else ""
    candidates = candidate_spans(doc, gazetteer)
    features = candidate_features(doc, candidates, gazetteer, syntax=False)
    kept = [Mention(article=article, start=c.start, end=c.end, text=c.text, pattern=c.pattern)
            for c, f, place in zip(candidates, features,
                                   _decide(doc, candidates, features, model), strict=True)
            if place or _curated(c, f) or _analysts_own(c, gazetteer)]
    return select_longest(kept)


def _decide(doc: Doc, candidates: list[Candidate], features: list[dict[str, float]],
            model: RecogniserModel) -> list[bool]:
    """Whether each candidate is a place, as the model with every feature decides, parsing
    only the sentences whose parse could change a decision.

    The parse's features move a candidate's log-odds by at most ``model.syntax_range``, so
    each candidate's probability lies between two bounds before its sentence is parsed;
    where the discourse average (``one_sense_per_discourse``) of the bounds falls on one
    side of the threshold, the parse cannot change the decision. The parse is read for the
    names where it can, and for every mention of them (their average needs each one).
    Decisions are those of the full model; only the parse's cost is saved.
    """
    ranges = [model.syntax_range[c.pattern == "demonym"] for c in candidates]
    low = [model.probability(f, r[0]) for f, r in zip(features, ranges, strict=True)]
    high = [model.probability(f, r[1]) for f, r in zip(features, ranges, strict=True)]
    keys = _discourse_keys(candidates)
    open_keys = {key for key, a, b in zip(
        keys, one_sense_per_discourse(candidates, low),
        one_sense_per_discourse(candidates, high), strict=True)
        if a < model.threshold <= b}
    for i, key in enumerate(keys):
        if key in open_keys:
            features[i].update(syntax_features(doc, candidates[i]))
            low[i] = high[i] = model.probability(features[i])
    return [p >= model.threshold for p in one_sense_per_discourse(candidates, low)]


def one_sense_per_discourse(candidates: list[Candidate],
                            probabilities: list[float]) -> list[float]:
    """Each candidate's probability averaged with the best of the same name in the article.

    A name keeps one sense within an article (Gale, Church and Yarowsky 1992): the small NER
    model calls "Borodyanka" a person in one sentence and a place in the next, and the
    article's verdict is steadier than any one sentence's.
    """
    keys = _discourse_keys(candidates)
    # The best per name once: a max per candidate costs the square of a name's repetitions.
    best: dict[tuple[str, str], float] = {}
    for key, p in zip(keys, probabilities, strict=True):
        best[key] = max(best.get(key, p), p)
    return [(p + best[key]) / 2 for key, p in zip(keys, probabilities, strict=True)]


def _discourse_keys(candidates: list[Candidate]) -> list[tuple[str, str]]:
    """A name's key for one sense per discourse: a span inside the name of a thing named
    after its place ("Colorado" in "Colorado State University") shares its sense with that
    longer name's other mentions, not with the place's own (one sense per collocation,
    Yarowsky 1993)."""
    return [(normalize(c.name or c.text), c.pattern) for c in candidates]


def _analysts_own(c: Candidate, gazetteer: Gazetteer) -> bool:
    """A name an analyst gave a point of their own ("Lviv is at 49.8, 24.0"): always a place
    mention, whatever the model makes of a nameless point of no population."""
    return c.pattern == "name" and any(
        gazetteer.places[i][0].startswith(ANALYST_PREFIXES)
        for i in gazetteer.lookup(normalize(c.text)))


def _curated(c: Candidate, features: dict[str, float]) -> bool:
    """A name the analyst's curated places list (or an imported file) holds, accepted by the
    matcher's rules, is kept: it was put there on purpose, and the dev set cannot know it."""
    return c.from_matcher and not c.rule and features.get("curated", 0.0) > 0
