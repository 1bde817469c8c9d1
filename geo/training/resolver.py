"""Training the resolver's ranker (``geo.nlp.resolve.RankerModel``) on the dev sets: the
ranking groups (one place mention with two or more candidates and a gold point), the pairwise
logistic regression, and the cross-validations that choose its regularisation.
``scripts/train_resolver.py`` is its command line (what the figures mean is there);
``bench/accuracy.py`` refits it per fold for its cross-validated score.

The candidate nearest the gold point is the right one when it lies within 161 km (the
field's Acc@161); groups with no candidate that close teach nothing about ranking and are
left out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from geo.doc import doc_text, make_doc
from geo.gazetteer.index import Gazetteer, normalize
from geo.geodesy import haversine_km
from geo.learn.devsets import ACLED_DEV, GWN_DEV
from geo.learn.scoring import match_spans, toponym_span
from geo.nlp.geoparse import place_mentions
from geo.nlp.resolve import RankerModel, ranking_table
from geo.records import Article, Place

C_VALUES = (0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
RIGHT_KM = 161.0


@dataclass(frozen=True)
class Group:
    """One mention's candidates: their features, and which one is right."""

    article: int  # index of the article in its corpus (for the fold split); -1: ACLED
    features: list[dict[str, float]]
    right: int  # index of the candidate nearest the gold point
    km: list[float]  # each candidate's distance to the gold point


def _group(article: int, candidates: list[tuple[Place, dict[str, float]]], lat: float,
           lon: float) -> Group | None:
    if len(candidates) < 2:
        return None
    km = [haversine_km(p.lat, p.lon, lat, lon) for p, _ in candidates]
    right = int(np.argmin(km))
    if km[right] > RIGHT_KM:
        return None
    return Group(article, [f for _, f in candidates], right, km)


def gwn_groups(path: Path = GWN_DEV, gazetteer: Gazetteer | None = None,
               limit: int | None = None) -> list[Group]:
    """The GeoWebNews toponyms the field's scorer pairs with a recognised mention, as
    ranking groups (the first ``limit`` articles)."""
    gazetteer = gazetteer or Gazetteer.load()
    groups = []
    with path.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if limit is not None and i >= limit:
                break
            row = json.loads(line)
            doc = make_doc(Article(id=row["id"], text=row["text"]))
            table = ranking_table(doc_text(doc), place_mentions(doc, gazetteer), gazetteer)
            spans = [(*toponym_span(r.mention.start, r.mention.end, r.mention.text,
                                    r.mention.pattern), n) for n, (r, _) in enumerate(table)]
            gold = [(t["start"], t["end"], t["text"], t) for t in row["toponyms"]
                    if t.get("lat") is not None]
            pairs, _, _ = match_spans(spans, gold)
            for p, g in pairs:
                group = _group(i, table[p[3]][1], float(g[3]["lat"]), float(g[3]["lon"]))
                if group:
                    groups.append(group)
    return groups


def acled_groups(path: Path = ACLED_DEV, gazetteer: Gazetteer | None = None) -> list[Group]:
    """The notes' mentions written as the coder's location name, against its point."""
    gazetteer = gazetteer or Gazetteer.load()
    groups = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row.get("latitude") in (None, "") or not row.get("location"):
                continue
            doc = make_doc(Article(id=f"acled-{row['data_id']}", text=row["notes"]))
            table = ranking_table(doc_text(doc), place_mentions(doc, gazetteer), gazetteer)
            name = normalize(row["location"])
            for r, candidates in table:
                if normalize(r.mention.text) == name:
                    group = _group(-1, candidates, float(row["latitude"]),
                                   float(row["longitude"]))
                    if group:
                        groups.append(group)
                    break
    return groups


def fit(groups: list[Group], vectorizer: DictVectorizer, c: float) -> RankerModel:
    """The pairwise logistic regression: right minus each wrong candidate (and the reverse)."""
    rows, labels = [], []
    for g in groups:
        x = vectorizer.transform(g.features).toarray()
        for j in range(len(g.features)):
            if g.km[j] <= RIGHT_KM:  # near enough: not wrong, only not the nearest
                continue
            rows += [x[g.right] - x[j], x[j] - x[g.right]]
            labels += [1, 0]
    model = LogisticRegression(C=c, fit_intercept=False, max_iter=5000)
    model.fit(np.array(rows), labels)
    weights = {name: round(float(w), 4) for name, w
               in zip(vectorizer.get_feature_names_out(), model.coef_[0], strict=True)
               if abs(w) > 1e-6}
    return RankerModel(weights=dict(sorted(weights.items())), meta={})


def top_right(groups: list[Group], ranker: RankerModel) -> float:
    """Share of groups whose top-scored candidate lies within 161 km of the gold point."""
    if not groups:
        return float("nan")
    hits = 0
    for g in groups:
        scores = [ranker.score(f) for f in g.features]
        hits += g.km[int(np.argmax(scores))] <= RIGHT_KM
    return hits / len(groups)


def fold_models(groups: list[Group], folds: int, c: float, *,
                extra: list[Group] = ()) -> dict[int, RankerModel]:
    """A model per fold, each fitted without that fold's articles (``extra`` joins all)."""
    vectorizer = DictVectorizer().fit([f for g in [*groups, *extra] for f in g.features])
    return {k: fit([g for g in groups if g.article % folds != k] + list(extra), vectorizer, c)
            for k in range(folds)}


def cross_validate(groups: list[Group], folds: int, extra: list[Group]) -> dict[float, float]:
    """Held-out top-1-within-161-km share of the GeoWebNews groups, for each C."""
    table = {}
    for c in C_VALUES:
        models = fold_models(groups, folds, c, extra=extra)
        hits = sum(top_right([g], models[g.article % folds]) for g in groups)
        table[c] = hits / len(groups)
    return table


def choose(table: dict[float, float]) -> float:
    """The C of a cross-validation table: the best share to three places, then the smallest
    C (the strongest regularisation) among equals."""
    return max(table, key=lambda k: (round(table[k], 3), -k))


def nested_cross_validate(groups: list[Group], folds: int,
                          extra: list[Group]) -> tuple[float, list[float]]:
    """Held-out top-1-within-161-km share with C chosen inside each outer fold.

    Outer fold k holds the articles i with i mod k; the others are split again for the inner
    cross-validation by (i // folds) mod (folds - 1), so every inner fold keeps whole
    articles. Returns the share and each outer fold's C.
    """
    vectorizer = DictVectorizer().fit([f for g in [*groups, *extra] for f in g.features])
    hits = 0.0
    chosen = []
    for k in range(folds):
        train = [g for g in groups if g.article % folds != k]
        inner = [replace(g, article=g.article // folds) for g in train]
        c = choose(cross_validate(inner, folds - 1, extra))
        chosen.append(c)
        model = fit(train + list(extra), vectorizer, c)
        held = [g for g in groups if g.article % folds == k]
        hits += top_right(held, model) * len(held) if held else 0.0
    return hits / len(groups), chosen
