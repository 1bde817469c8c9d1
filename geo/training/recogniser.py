"""Training the place recogniser (``geo.nlp.recognise``) on the GeoWebNews dev set: the
examples, the cross-validations that choose the regularisation and the decision threshold,
and the fitted model. ``scripts/train_recogniser.py`` is its command line (what the figures
mean is there); ``bench/accuracy.py`` refits it per fold for its cross-validated score.

Every candidate span of every article is labelled by the field's scorer (a gold toponym with
the same text, centre < 10 characters away); the ACLED notes' candidates named like their
gold locations are extra positives.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from geo.doc import make_doc
from geo.gazetteer.index import Gazetteer, normalize
from geo.learn.scoring import f1_score, match_spans, toponym_span
from geo.nlp.mentions import select_longest
from geo.nlp.recognise import (
    Candidate,
    RecogniserModel,
    candidate_features,
    candidate_spans,
    one_sense_per_discourse,
)
from geo.records import Article, Mention

THRESHOLDS = np.round(np.arange(0.2, 0.71, 0.025), 3)
C_VALUES = (0.1, 0.3, 1.0, 3.0)
F1_SLACK = 0.005

# Per article: its id, candidate spans, their features, their labels (1: a gold toponym) and
# the gold spans (None for an ACLED note, which is only fitted on, never scored).
Example = tuple[str, list[Candidate], list[dict[str, float]], list[int],
                list[tuple[int, int, str]] | None]
# (C, threshold) -> summed (tp, fp, fn) of the held-out folds.
Table = dict[tuple[float, float], tuple[int, int, int]]


def load_examples(path: Path, *, limit: int | None = None) -> list[Example]:
    """Per article: candidates, their features, labels, and the gold spans."""
    gazetteer = Gazetteer.load()
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            doc = make_doc(Article(id=row["id"], text=row["text"]))
            gold = [(t["start"], t["end"], t["text"]) for t in row["toponyms"]]
            cands = candidate_spans(doc, gazetteer)
            feats = candidate_features(doc, cands, gazetteer)
            spans = [toponym_span(c.start, c.end, c.text, c.pattern) for c in cands]
            pairs, _, _ = match_spans(spans, gold)
            positive = {p for p, _ in pairs}
            labels = [int(s in positive) for s in spans]
            out.append((row["id"], cands, feats, labels, gold))
            if limit and len(out) >= limit:
                break
    return out


def load_acled_examples(path: Path, *, limit: int | None = None) -> list[Example]:
    """ACLED coders' notes: short conflict reports whose towns the NER rarely knows.

    Their gold names the event's location and its admin1-3 units, so a candidate with one of
    those names is a positive; a nationality word is one too, as GeoWebNews defines them.
    Other candidates carry no label (the note may name other places the gold does not list)
    and are left out of training. Gold spans are None: these notes are not scored by the
    span scorer, only used to fit.
    """
    gazetteer = Gazetteer.load()
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            doc = make_doc(Article(id=f"acled-{row['data_id']}", text=row["notes"]))
            names = {normalize(row.get(k) or "") for k in ("location", "admin1", "admin2",
                                                           "admin3")} - {""}
            cands = candidate_spans(doc, gazetteer)
            feats = candidate_features(doc, cands, gazetteer)
            kept = [(c, f) for c, f in zip(cands, feats, strict=True)
                    if c.pattern == "demonym"
                    or normalize(toponym_span(c.start, c.end, c.text, c.pattern)[2]) in names]
            if kept:
                out.append((doc._.article.id, [c for c, _ in kept], [f for _, f in kept],
                            [1] * len(kept), None))
            if limit and len(out) >= limit:
                break
    return out


def score_articles(examples: Sequence[Example], probabilities: Sequence[Sequence[float]],
                   threshold: float) -> tuple[int, int, int]:
    """Summed (tp, fp, fn) of the articles' candidates kept at ``threshold``."""
    tp = fp = fn = 0
    for (aid, cands, _f, _l, gold), probs in zip(examples, probabilities, strict=True):
        probs = one_sense_per_discourse(cands, list(probs))
        kept = select_longest([Mention(aid, c.start, c.end, c.text, c.pattern) for c, p
                               in zip(cands, probs, strict=True) if p >= threshold])
        pairs, unmatched, missed = match_spans(
            [toponym_span(m.start, m.end, m.text, m.pattern) for m in kept], gold)
        tp, fp, fn = tp + len(pairs), fp + len(unmatched), fn + len(missed)
    return tp, fp, fn


def fit(vectorizer: DictVectorizer, examples: Sequence[Example], c: float,
        ) -> LogisticRegression:
    """The logistic regression of the examples' labels on their features."""
    x = vectorizer.transform([f for e in examples for f in e[2]])
    y = [label for e in examples for label in e[3]]
    model = LogisticRegression(C=c, max_iter=2000, fit_intercept=False)
    return model.fit(x, y)


def cross_validate(examples: Sequence[Example], folds: int, *,
                   extra: Sequence[Example] = ()) -> Table:
    """Held-out P/R/F1 on ``examples`` for every (C, threshold); ``extra`` examples join
    every fold's training part and are never scored."""
    vectorizer = DictVectorizer().fit([f for e in [*examples, *extra] for f in e[2]])
    groups = list(range(len(examples)))
    held_out: dict[float, list] = {c: [None] * len(examples) for c in C_VALUES}
    for train, test in GroupKFold(n_splits=folds).split(groups, groups=groups):
        train_ex = [examples[i] for i in train] + list(extra)
        for c in C_VALUES:
            model = fit(vectorizer, train_ex, c)
            for i in test:
                feats = examples[i][2]
                held_out[c][i] = (model.predict_proba(vectorizer.transform(feats))[:, 1]
                                  if feats else [])
    table = {}
    for c in C_VALUES:
        for t in THRESHOLDS:
            table[c, float(t)] = score_articles(examples, held_out[c], float(t))
    return table


def choose(table: Table) -> tuple[float, float]:
    """The (C, threshold) of a cross-validation table to use.

    The F1 surface is flat near its top (differences of 0.01 are fold noise): among the
    settings within F1_SLACK of the best, the strongest regularisation (the smallest C: the
    simplest model the folds cannot tell from the best, as the one-standard-error rule
    chooses), and at that C the threshold with the highest recall. Small weights keep one
    feature from deciding a short text alone; a missed place is lost to the analyst, a false
    one is dismissed in one click on the Places page.
    """
    best_f1 = max(f1_score(*counts)[2] for counts in table.values())
    near = [(k, v) for k, v in table.items() if f1_score(*v)[2] >= best_f1 - F1_SLACK]
    c = min(k[0] for k, _v in near)
    (c, threshold), _ = max(((k, v) for k, v in near if k[0] == c),
                            key=lambda kv: (f1_score(*kv[1])[1], f1_score(*kv[1])[2]))
    return c, threshold


def nested_cross_validate(examples: Sequence[Example], folds: int, *,
                          extra: Sequence[Example] = (),
                          ) -> tuple[tuple[int, int, int], list[tuple[float, float]]]:
    """Held-out (tp, fp, fn) on ``examples`` with every setting chosen inside its fold.

    Outer folds report; in each, ``cross_validate`` over the training part alone (folds - 1
    inner folds) chooses C and the threshold. Returns the summed counts and each outer
    fold's choice.
    """
    vectorizer = DictVectorizer().fit([f for e in [*examples, *extra] for f in e[2]])
    groups = list(range(len(examples)))
    tp = fp = fn = 0
    chosen = []
    for train, test in GroupKFold(n_splits=folds).split(groups, groups=groups):
        train_ex = [examples[i] for i in train]
        c, threshold = choose(cross_validate(train_ex, folds - 1, extra=extra))
        chosen.append((c, threshold))
        model = fit(vectorizer, train_ex + list(extra), c)
        held = [examples[i] for i in test]
        probs = [model.predict_proba(vectorizer.transform(e[2]))[:, 1] if e[2] else []
                 for e in held]
        counts = score_articles(held, probs, threshold)
        tp, fp, fn = tp + counts[0], fp + counts[1], fn + counts[2]
    return (tp, fp, fn), chosen


def train_model(examples: Sequence[Example], *, c: float, threshold: float,
                ) -> RecogniserModel:
    """A model fitted on ``examples`` (as ``load_examples`` returns them)."""
    vectorizer = DictVectorizer().fit([f for e in examples for f in e[2]])
    model = fit(vectorizer, examples, c)
    weights = {name: round(float(w), 5) for name, w
               in zip(vectorizer.get_feature_names_out(), model.coef_[0], strict=True)
               if abs(w) > 1e-6}
    return RecogniserModel(weights=dict(sorted(weights.items())), threshold=threshold, meta={})
