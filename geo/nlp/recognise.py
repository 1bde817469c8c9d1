"""Which spans of an article name places: candidates from two sources, decided by a model.

Candidates come from the gazetteer matcher and from the statistical NER of the article's
``Doc`` (``geo.nlp.recognise_spans``). Each gets features from the evidence in the text
(``geo.nlp.recognise_features``): its NER label and the labels the same name gets elsewhere in
the article, the matcher's rule, what the gazetteer knows, the words around it, whether it is
part of the name of a thing named after the place (``geo.nlp.recognise_heads``), its function
in the sentence's dependency parse, and its shape. A logistic regression trained by
``scripts/train_recogniser.py`` on the GeoWebNews dev set weighs them; its weights are a small
JSON file (``data/models/recogniser.json``), read without pickle. The parse
(``geo.doc.sentence_parse``) is read only for the sentences where it could change a decision.
One sense per discourse holds per name: "Colorado" in "Colorado State University" does not
share the state's sense.

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
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from geo.errors import GeoError
from geo.gazetteer.index import Gazetteer, normalize
from geo.learn.weights import read_weights
from geo.nlp.mentions import select_longest
from geo.nlp.recognise_features import (
    _DEP_VALUES,
    _MODIFIER_DEPS,
    candidate_features,
    syntax_features,
)
from geo.nlp.recognise_spans import Candidate, candidate_spans
from geo.records import ANALYST_PREFIXES, Mention

if TYPE_CHECKING:
    from spacy.tokens import Doc

# Importable from here as before the recogniser was split by job.
__all__ = ["FEATURES_VERSION", "MODEL_JSON", "Candidate", "RecogniserModel", "candidate_features",
           "candidate_spans", "default_model", "one_sense_per_discourse", "recognise",
           "syntax_features"]

MODEL_JSON = Path(__file__).resolve().parents[2] / "data" / "models" / "recogniser.json"
#: Version of the feature set; a model file trained on another version is refused.
FEATURES_VERSION = 8


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
