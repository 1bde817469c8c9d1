"""Which spans of an article name places: candidates from two sources, decided by a model.

Candidates come from the gazetteer matcher (``geo.nlp.mentions.find_name_spans``, every name it
knows, with the named rule that would reject it) and from the statistical NER of the article's
``Doc`` (GPE, LOC, FAC and NORP entities). Each candidate gets features from the evidence in
the text: its NER label, and the labels the same name gets elsewhere in the article ("Kelly"
once inside "Megyn Kelly" is a person everywhere); the matcher's rule; what the gazetteer knows
(kinds, population, how many places share the name, a nationality word); the words around it
(a preposition before it, "said" after it, a capitalised neighbour, "X County", "X, Y");
and its shape (capitals, sentence start, an ordinary English word). A logistic regression
trained by ``scripts/train_recogniser.py`` on the GeoWebNews dev set weighs them; its weights
are a small JSON file (``data/models/recogniser.json``), read without pickle.

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
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from geo.doc import doc_text
from geo.errors import GeoError
from geo.gazetteer.index import CURATED_PREFIXES, Gazetteer, normalize, spelling_key
from geo.learn.weights import read_weights
from geo.nlp.mentions import english_words, find_name_spans, select_longest
from geo.records import Mention

if TYPE_CHECKING:
    from spacy.tokens import Doc

MODEL_JSON = Path(__file__).resolve().parents[2] / "data" / "models" / "recogniser.json"
#: Version of the feature set; a model file trained on another version is refused.
FEATURES_VERSION = 7
# NER labels whose spans are candidates of their own.
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC", "NORP"})
_LEADING_DETERMINER = re.compile(r"^(?:the|The|THE)\s+")
# Two or more capitalised words in a row ("Paris Hilton", "Megyn Kelly"): a full name, unless
# the gazetteer knows the whole ("New York").
_CAPITALISED_RUN = re.compile(r"\b[A-Z][a-z’'\-]+(?:\s+[A-Z][a-z’'\-]+)+")
# Words before a span that introduce a place ("in Kharkiv", "near Odesa").
_PLACE_PREPOSITIONS = frozenset({"in", "at", "near", "from", "to", "into", "across", "outside",
                                 "inside", "around", "toward", "towards", "through", "of",
                                 "throughout", "via", "off", "south", "north", "east",
                                 "west", "within", "over"})
# Verbs of speech after a name make it a speaker, a person or an organisation.
_SPEECH = frozenset({"said", "says", "told", "added", "wrote", "tweeted", "announced",
                     "stated", "explained", "noted", "argued", "claimed", "asked", "replied"})
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
_PLACE_MODIFIERS = frozenset({"central", "northern", "southern", "eastern", "western",
                              "northeastern", "northwestern", "southeastern", "southwestern",
                              "north-eastern", "north-western", "south-eastern",
                              "south-western", "downtown", "suburban", "rural", "occupied",
                              "neighbouring", "neighboring", "coastal", "besieged"})
# "the village of X", "the port city of X": a noun of place kind and "of" just before the span.
_PLACE_NOUN_OF = re.compile(
    r"\b(?:village|town|city|settlement|hamlet|region|province|district|port|island|"
    r"capital|suburb|county|state|oblast|municipality|neighbourhood|neighborhood)s?\s+of\s+$",
    re.IGNORECASE)
_LIST_GAPS = frozenset({", ", " and ", ", and ", " or ", " & ", " to ", "-"})
_REGION_WORDS = frozenset({"region", "oblast", "province", "county", "district", "state",
                           "governorate", "raion", "valley", "river", "city", "town",
                           "village", "island", "islands", "mountains", "sea", "bay", "lake",
                           "camp", "neighbourhood", "neighborhood", "suburb", "hromada"})


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
    return sorted(found.values(), key=lambda c: (c.start, -c.end))


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


def candidate_features(doc: Doc, candidates: list[Candidate],
                       gazetteer: Gazetteer) -> list[dict[str, float]]:
    """The features of each candidate, as name -> value (missing names are 0)."""
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

    # Shape.
    words = c.text.split()
    f["n_words"] = min(len(words), 4) / 4
    f["all_caps"] = float(c.text.replace(".", "").isupper() and len(c.text) > 1)
    f["english_word"] = float(key in english_words())
    f["lowercase_in_text"] = float(c.text.lower() in ev.lowercase)
    start_token = doc.char_span(c.start, c.end, alignment_mode="expand")
    f["sentence_start"] = float(start_token is not None and start_token[0].is_sent_start)
    return f


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

    def probability(self, features: dict[str, float]) -> float:
        z = sum(self.weights.get(name, 0.0) * value for name, value in features.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


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
    features = candidate_features(doc, candidates, gazetteer)
    probabilities = one_sense_per_discourse(
        candidates, [model.probability(f) for f in features])
    kept = [Mention(article=article, start=c.start, end=c.end, text=c.text, pattern=c.pattern)
            for c, f, p in zip(candidates, features, probabilities, strict=True)
            if p >= model.threshold or _curated(c, f)]
    return select_longest(kept)


def one_sense_per_discourse(candidates: list[Candidate],
                            probabilities: list[float]) -> list[float]:
    """Each candidate's probability averaged with the best of the same name in the article.

    A name keeps one sense within an article (Gale, Church and Yarowsky 1992): the small NER
    model calls "Borodyanka" a person in one sentence and a place in the next, and the
    article's verdict is steadier than any one sentence's.
    """
    keys = [(normalize(c.text), c.pattern) for c in candidates]
    # The best per name once: a max per candidate costs the square of a name's repetitions.
    best: dict[tuple[str, str], float] = {}
    for key, p in zip(keys, probabilities, strict=True):
        best[key] = max(best.get(key, p), p)
    return [(p + best[key]) / 2 for key, p in zip(keys, probabilities, strict=True)]


def _curated(c: Candidate, features: dict[str, float]) -> bool:
    """A name the analyst's curated places list (or an imported file) holds, accepted by the
    matcher's rules, is kept: it was put there on purpose, and the dev set cannot know it."""
    return c.from_matcher and not c.rule and features.get("curated", 0.0) > 0
