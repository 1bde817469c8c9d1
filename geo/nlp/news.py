"""Is a report this article's news, or its background?

A whole article tells its news (a strike on Thursday, a toll that rose overnight) among
background: cumulative tolls ("tens of thousands have died since the war began"), earlier
events ("which Russia captured in May 2023"), threats and plans ("vowed to retaliate"),
denials and hypotheticals. Background is never an incident of the day.

The decision is learned (``scripts/train_news_filter.py``, logistic regression over the article
and ACLED dev sets, hyperparameters chosen inside the folds), from signals of the clause and
the article, not from any article's words:

- how long before publication the report's own date is, and whether it gave one at all;
- the clause's aspect and mood: a perfect ("has killed"), a span ("since", "so far"), a habit
  ("frequently", "for months"), a modal or a threat ("would", "vowed"), a negation or a
  denial; the grammar words are language data (``geo/lang/<code>/aspect.json``);
- the size of its toll (a war's cumulative toll runs to thousands), where in the article it
  stands.

Example:
    >>> import datetime as dt
    >>> f = news_features("has killed more than 41,000 people since the war began", 4,
    ...                   date=dt.date(2023, 10, 7), published=dt.date(2024, 7, 7),
    ...                   date_text="", killed=41000, position=0.9)
    >>> f["since"], f["perfect"], f["old"]
    (1.0, 1.0, 1.0)
"""

from __future__ import annotations

import datetime as dt
import math
import re
from functools import lru_cache
from pathlib import Path

from geo.lang import words
from geo.learn.weights import read_weights

__all__ = ["FEATURES_VERSION", "MODEL_JSON", "is_news", "news_features", "news_probability",
           "tells_a_span"]

FEATURES_VERSION = 4
MODEL_JSON = Path(__file__).resolve().parents[2] / "data" / "models" / "news.json"
RETRAIN = "python scripts/train_news_filter.py"
# How far before a trigger its clause's auxiliaries and modals stand: "had been killed",
# "would be shelled", "vowed to strike back".
_CLAUSE_BEFORE = 45
_DAY_SCALE = 30.0


@lru_cache(maxsize=8)
def _patterns(lang: str) -> dict[str, re.Pattern[str]]:
    data = words(lang, "aspect")

    def any_of(key: str) -> re.Pattern[str]:
        alternatives = sorted((re.escape(w) for w in data[key]), key=len, reverse=True)
        return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)

    return {key: any_of(key) for key in ("perfect", "since", "modal", "negation", "earlier",
                                         "habitual")}


def news_features(sentence: str, trigger_at: int, *, date: dt.date, published: dt.date,
                  date_text: str, killed: int = 0, position: float = 0.0,
                  news_day: dt.date | None = None, lang: str = "en") -> dict[str, float]:
    """The signals of one report, by name.

    Args:
        sentence: the report's sentence.
        trigger_at: where its trigger starts in ``sentence``.
        date: the report's date; ``published`` the article's.
        news_day: the latest day any report of the article gives, up to its publication:
            an article's news is its latest events, and its background is older than them.
            A retrospective piece (a note on an event months before it was filed) keeps its
            one event; a wire story's earlier months are background. Default: ``published``.
        date_text: the words that gave the date ("" when it was inferred).
        killed: the largest killed figure the report gives.
        position: where the sentence stands in the article, 0 (first) to 1 (last).
        lang: the article's language, for its grammar words.
    """
    p = _patterns(lang)
    clause = sentence[max(0, trigger_at - _CLAUSE_BEFORE):trigger_at]
    days = ((news_day or published) - date).days
    year = re.search(r"\b(1[89]\d\d|20\d\d)\b", date_text)
    return {
        "bias": 1.0,
        "days_ago": max(-7, min(days, 90)) / _DAY_SCALE,
        "old": float(days > 7),
        "future": float(date > published),
        "undated": float(not date_text),
        "year_before": float(bool(year) and int(year.group(1)) < published.year),
        "perfect": float(p["perfect"].search(clause) is not None),
        "since": float(p["since"].search(sentence) is not None),
        "modal": float(p["modal"].search(clause) is not None),
        "negation": float(p["negation"].search(sentence) is not None),
        "earlier": float(p["earlier"].search(sentence) is not None),
        # "the guns frequently hit the river villages", "have raided convoys for months": a
        # habit or a campaign, not one event.
        "habitual": float(p["habitual"].search(sentence) is not None),
        "log_killed": math.log10(1 + max(killed, 0)),
        "position": position,
    }


@lru_cache(maxsize=2)
def _model(path: Path = MODEL_JSON) -> dict:
    return read_weights(path, version=FEATURES_VERSION, what="the news filter model",
                        retrain=RETRAIN)


def tells_a_span(sentence: str, published: dt.date, *, lang: str = "en") -> bool:
    """A sentence that counts over a span of time, not a day: "since" words ("so far", "in
    total"), or a perfect ("has killed") beside a year before publication ("the insurgency,
    which began in 2015, has cost 20,000 lives"). Its figures are a cumulative toll, never
    the figures of the report before it."""
    p = _patterns(lang)
    if p["since"].search(sentence):
        return True
    years = [int(y) for y in re.findall(r"\b(1[89]\d\d|20\d\d)\b", sentence)]
    return bool(p["perfect"].search(sentence)) and any(y < published.year for y in years)


def news_probability(features: dict[str, float], *, model: dict | None = None) -> float:
    """How likely the report is the article's news (the model's probability)."""
    model = model or _model()
    z = sum(model["weights"].get(k, 0.0) * v for k, v in features.items())
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def is_news(features: dict[str, float], *, model: dict | None = None) -> bool:
    """True when the report is news of the article, by the model's threshold."""
    model = model or _model()
    return news_probability(features, model=model) >= float(model.get("threshold", 0.5))
