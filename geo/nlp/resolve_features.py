"""What the context resolver weighs for each candidate place, and the weights it uses.

A candidate's features (``candidate_features``): its population on a log scale, its kind,
the share of the article's places in its country and region, a place of its country named
in the same sentence, nearness to the article's unambiguous places (``geo.nlp.resolve_nearness``)
and to the store's other reports (``geo.nlp.corpus``). ``RankerModel`` sums them with
weights, learned (``data/models/resolver.json``) or hand-set (``HAND``).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from geo.gazetteer.index import is_estimated_key, normalize
from geo.learn.weights import read_weights
from geo.nlp.corpus import Corpus
from geo.nlp.resolve_nearness import _Nearness
from geo.nlp.ua_units import official_name
from geo.records import Mention, Place

# A region gets no bonus: its population is already the sum of its towns', so it outweighs
# any town of its own, and a bonus on top let Mozambique's Gaza Province (385,000) outrank the
# city of Gaza (410,000) in every article about Gaza. Measured neutral on both dev sets.
_FEATURE_BONUS = {"country": 0.6, "continent": 0.3, "region": 0.0, "water": 0.4, "area": 0.4,
                  "landmark": 0.4, "city": 0.0}
_COUNTRY_SHARE_WEIGHT = 0.8
_SENTENCE_WEIGHT = 0.5
_PROXIMITY_WEIGHT = 0.4
# Softmax temperature over candidate scores: how sharply a lead becomes confidence.
_TEMPERATURE = 0.15
RANKER_JSON = Path(__file__).resolve().parents[2] / "data" / "models" / "resolver.json"
#: Version of the ranking features; a model file trained on another version is refused.
RANKER_FEATURES_VERSION = 2


def log_population(place: Place) -> float:
    """The ranker's size feature: log10 of the population, scaled to about [0, 1]."""
    return math.log10(place.population + 1) / 7


def _prior(place: Place) -> float:
    return log_population(place) + _FEATURE_BONUS.get(place.feature, 0.0)


@dataclass(frozen=True)
class RankerModel:
    """Weights over named candidate features (:func:`candidate_features`); a candidate's score
    is their sum, a logit: the candidates' softmax is the confidence a resolution keeps.

    ``HAND`` is the hand-set ranking this project started with; ``data/models/resolver.json``
    (``python scripts/train_resolver.py``) is learned from the dev sets and used when present.
    """

    weights: dict[str, float]
    meta: dict

    @classmethod
    def load(cls, path: Path = RANKER_JSON) -> RankerModel:
        """Read and check a model file.

        Raises:
            GeoError: when the file is missing, malformed, or made for other features.
        """
        data = read_weights(path, version=RANKER_FEATURES_VERSION, what="the resolver model",
                            retrain="python scripts/train_resolver.py")
        return cls(weights=data["weights"], meta=data["meta"])

    def score(self, features: dict[str, float]) -> float:
        return sum(self.weights.get(name, 0.0) * value for name, value in features.items())


# The hand-set ranking, as weights over the same features (logits: divided by the softmax
# temperature it used).
HAND = RankerModel(weights={
    "log_population": 1 / _TEMPERATURE,
    **{f"kind={kind}": bonus / _TEMPERATURE for kind, bonus in _FEATURE_BONUS.items() if bonus},
    "country_share": _COUNTRY_SHARE_WEIGHT / _TEMPERATURE,
    "country_in_sentence": _SENTENCE_WEIGHT / _TEMPERATURE,
    "near_other_places": _PROXIMITY_WEIGHT / _TEMPERATURE,
}, meta={"trained_on": "hand-set"})


@lru_cache(maxsize=1)
def shipped_ranker() -> RankerModel:
    """The learned ranker when its file is there, else the hand-set one."""
    return RankerModel.load() if RANKER_JSON.exists() else HAND

def _country_shares(first: list[Place | None], candidates: list[list[Place]]) -> dict[str, float]:
    """The share of the article's places in each country, and in each first-level region
    (keyed by its code, ``UA.14``: country codes have no dot, so the two never clash). A
    place with one candidate counts fully, an ambiguous one by its likeliest reading, half."""
    weights: Counter[str] = Counter()
    regions: Counter[str] = Counter()
    for place, cands in zip(first, candidates, strict=True):
        if place is not None and place.country_code:
            weight = 1.0 if len(cands) == 1 else 0.5
            weights[place.country_code] += weight
            if place.admin1_code and place.feature not in ("country", "continent"):
                regions[place.admin1_code] += weight
    total = sum(weights.values()) or 1.0
    return {code: w / total for code, w in (weights + regions).items()}


def candidate_features(mention: Mention, places: list[Place], shares: dict[str, float],
                       same_sentence: set[str], nearness: _Nearness,
                       corpus: Corpus | None = None) -> list[dict[str, float]]:
    """What the ranker weighs for each candidate place of a mention, in the order given.

    ``country_share``: the share of the article's places in the candidate's country;
    ``region_share``: in its first-level region (``shares`` holds country codes and region
    codes, ``UA.14``, alike: two Veseles in one country, the article's other places say which
    oblast); ``country_in_sentence``: a place of that country is named in the same sentence;
    ``near_other_places``: ``exp(-km / 300)`` to the nearest unambiguous place of the
    article (0 for a country); ``near_corpus``: ``exp(-km / scale)`` to the nearest
    confident report place of the store's other articles of the same days (``corpus``;
    absent with none, so an empty store changes nothing). What depends on the mention alone
    is computed once.
    """
    ambiguous = len(places) > 1
    biggest = max((p.population for p in places), default=0)
    key = normalize(mention.text)
    out = []
    for place in places:
        features = {
            "log_population": log_population(place),
            f"kind={place.feature}": 1.0,
            "country_share": shares.get(place.country_code, 0.0),
            "country_in_sentence": float(place.country_code in same_sentence),
            "near_other_places": nearness.closeness(place)
            if ambiguous and place.feature not in ("country", "continent") else 0.0,
        }
        if ambiguous and place.admin1_code and shares.get(place.admin1_code):
            features["region_share"] = shares[place.admin1_code]
        # Not only an alternate name; the codifier's official spelling (ACLED's) is a
        # Ukrainian place's own name too, however GeoNames spells it.
        if normalize(place.name) == key or normalize(official_name(place.key)) == key:
            features["name_is_its_own"] = 1.0
        if ambiguous and place.population == biggest:
            features["biggest_of_its_name"] = 1.0
        if is_estimated_key(place.key):
            features["placed_at_hromada"] = 1.0
        if corpus and ambiguous and place.feature not in ("country", "continent"):
            features["near_corpus"] = corpus.closeness(place)
        out.append(features)
    return out
