"""Train the news filter (``geo.nlp.news``): which reports are an article's news, which are
its background. Writes ``data/models/news.json``.

    python scripts/train_news_filter.py [--folds 5] [--dry-run]

Training data, read at run time from ``../shared/dev/`` and never copied: every report the
extractor makes (the filter off) on the whole-article dev set and on the ACLED coder notes.
A report is news when a gold incident of its article lies within 25 km and within a day of
its date; everything else the extractor made is what the filter should drop.

Honest figures: the articles are split into folds (an article's reports never straddle
folds); inside each training part, an inner cross-validation picks the regularisation C and
the probability threshold that give the best incident F1 (recall and precision of the merged
incidents against the gold), and the outer fold is scored with them. The table compares the
extractor without the filter and with it, on the held-out folds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.doc import make_doc  # noqa: E402
from geo.gazetteer.index import Gazetteer  # noqa: E402
from geo.geodesy import haversine_km  # noqa: E402
from geo.incidents import (  # noqa: E402
    Report,
    extract_reports,
    merge_reports,
    news_day,
    report_news_features,
)
from geo.learn.scoring import pair_points  # noqa: E402
from geo.nlp.geoparse import geoparse_doc  # noqa: E402
from geo.nlp.news import FEATURES_VERSION, MODEL_JSON  # noqa: E402
from geo.records import Article  # noqa: E402

DEV = Path(__file__).resolve().parents[2] / "shared" / "dev"
C_VALUES = (0.03, 0.1, 0.3, 1.0, 3.0)
# At most even odds: a background point is dismissed by an analyst at a glance, a missed
# event is not seen at all, so the filter drops only what it holds more likely background.
THRESHOLDS = (0.2, 0.3, 0.4, 0.5)
LABEL_DAYS = 1
REGION_KM = 200  # an oblast's or state's reach from its centre


@dataclass
class Item:
    """One article with its unfiltered reports, their features and labels, and its gold."""

    corpus: str
    reports: list[Report]
    features: list[dict[str, float]]
    labels: list[int]
    gold: list[tuple[float, float, dt.date, int]]  # lat, lon, date, fatalities


def load_items(gazetteer: Gazetteer) -> list[Item]:
    names = gazetteer.country_names()
    items = []
    for article, gold, corpus in _dev_articles():
        doc = make_doc(article)
        reports = extract_reports(doc, geoparse_doc(doc, gazetteer), country_names=names,
                                  news_only=False)
        day = news_day(reports, article.published)
        features = [report_news_features(r, len(article.text), day) for r in reports]
        labels = [int(any(_is_report_of(r, g) for g in gold)) for r in reports]
        items.append(Item(corpus, reports, features, labels, gold))
    return items


def _is_report_of(report: Report, gold: tuple[float, float, dt.date, int]) -> bool:
    """The report tells this gold event: its day (within a day) and its place (within 25 km,
    or the region holding it when the report names only a region). Where a report is placed
    is the resolver's business, not the filter's: a region-level report of the day's event
    is news."""
    km = haversine_km(report.place.lat, report.place.lon, gold[0], gold[1])
    reach = REGION_KM if report.geo_precision >= 3 else 25
    return km <= reach and abs((report.date - gold[2]).days) <= LABEL_DAYS


def _dev_articles():
    with (DEV / "articles_dev.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row.get("lang", "en") != "en":
                continue
            published = dt.datetime.fromisoformat(row["published"]).date()
            gold = [(g["latitude"], g["longitude"], dt.date.fromisoformat(g["event_date"]),
                     int(g["fatalities"] or 0)) for g in row["incidents"]]
            yield (Article(id=row["id"], text=row["text"], title=row.get("title", ""),
                           outlet=row.get("outlet", ""), published=published), gold, "articles")
    with (DEV / "acled_ukraine_dev.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            day = dt.datetime.strptime(row["event_date"], "%d %B %Y").date()
            gold = [(row["latitude"], row["longitude"], day, int(row["fatalities"] or 0))]
            yield (Article(id=str(row["data_id"]), text=row["notes"], outlet="ACLED",
                           published=day + dt.timedelta(days=1), timezone="Europe/Kyiv"),
                   gold, "acled")


def _matrix(items: list[Item], names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    rows = [[f[n] for n in names] for it in items for f in it.features]
    labels = [y for it in items for y in it.labels]
    return np.array(rows, dtype=float).reshape(-1, len(names)), np.array(labels)


def _fit(items: list[Item], names: list[str], c: float) -> LogisticRegression | None:
    x, y = _matrix(items, names)
    if len(set(y.tolist())) < 2:
        return None
    # The bias is a feature of its own: the model's intercept is off so all weights are in it.
    return LogisticRegression(C=c, fit_intercept=False, max_iter=2000).fit(x, y)


def _kept(item: Item, model: LogisticRegression | None, names: list[str],
          threshold: float) -> list[Report]:
    if model is None or not item.reports:
        return list(item.reports)
    x = np.array([[f[n] for n in names] for f in item.features], dtype=float)
    p = model.predict_proba(x)[:, 1]
    return [r for r, prob in zip(item.reports, p, strict=True) if prob >= threshold]


def evaluate(items: list[Item], kept: list[list[Report]]) -> dict[str, float]:
    """Incident recall, precision, F1, date exact and fatalities produced/gold over items."""
    gold_n = produced_n = paired_n = date_ok = 0
    dead_p = dead_g = 0
    for item, reports in zip(items, kept, strict=True):
        incidents = merge_reports(reports)
        pairs = pair_points([(i.place.lat, i.place.lon) for i in incidents],
                            [(g[0], g[1]) for g in item.gold])
        gold_n += len(item.gold)
        produced_n += len(incidents)
        paired_n += len(pairs)
        date_ok += sum(incidents[i].event_date == item.gold[j][2] for i, j, _ in pairs)
        dead_p += sum(i.fatalities or 0 for i in incidents)
        dead_g += sum(g[3] for g in item.gold)
    recall = paired_n / max(gold_n, 1)
    precision = paired_n / max(produced_n, 1)
    f1 = 2 * recall * precision / max(recall + precision, 1e-9)
    return {"recall": recall, "precision": precision, "f1": f1,
            "date": date_ok / max(paired_n, 1), "dead_ratio": dead_p / max(dead_g, 1),
            "produced": produced_n, "gold": gold_n}


def choose(items: list[Item], names: list[str], folds: int) -> tuple[float, float]:
    """C and threshold with the best mean incident F1 over an inner cross-validation."""
    groups = np.arange(len(items))
    best = (-1.0, C_VALUES[0], THRESHOLDS[0])
    splitter = GroupKFold(n_splits=min(folds, len(items)))
    for c in C_VALUES:
        scores = {t: [] for t in THRESHOLDS}
        for train, test in splitter.split(groups, groups=groups):
            model = _fit([items[i] for i in train], names, c)
            held = [items[i] for i in test]
            for t in THRESHOLDS:
                scores[t].append(evaluate(held, [_kept(it, model, names, t)
                                                 for it in held])["f1"])
        for t, values in scores.items():
            if np.mean(values) > best[0]:
                best = (float(np.mean(values)), c, t)
    return best[1], best[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--dry-run", action="store_true", help="print figures, write nothing")
    args = parser.parse_args()
    items = load_items(Gazetteer.load())
    names = sorted(items[0].features[0]) if items[0].features else []
    names = sorted({n for it in items for f in it.features for n in f})
    print(f"{sum(len(it.reports) for it in items)} reports from {len(items)} articles, "
          f"{sum(sum(it.labels) for it in items)} news")
    # Outer folds, each article in one; the articles and the ACLED notes are shuffled together.
    rng = np.random.default_rng(7)
    fold_of = rng.permutation(len(items)) % args.folds
    oof: list[list[Report]] = [[] for _ in items]
    chosen = []
    for k in range(args.folds):
        train = [it for it, f in zip(items, fold_of, strict=True) if f != k]
        c, t = choose(train, names, args.folds - 1)
        chosen.append((c, t))
        model = _fit(train, names, c)
        for i, f in enumerate(fold_of):
            if f == k:
                oof[i] = _kept(items[i], model, names, t)
    print("\nchosen inside the folds (C, threshold):", chosen)
    print("\n| corpus | filter | produced | recall | precision | F1 | date | dead produced/gold |")
    print("|---|---|---|---|---|---|---|---|")
    meta_cv = {}
    for corpus in ("articles", "acled"):
        idx = [i for i, it in enumerate(items) if it.corpus == corpus]
        sub = [items[i] for i in idx]
        for label, kept in (("none", [list(it.reports) for it in sub]),
                            (f"{args.folds}-fold CV", [oof[i] for i in idx])):
            m = evaluate(sub, kept)
            print(f"| {corpus} | {label} | {m['produced']} | {m['recall']:.3f} "
                  f"| {m['precision']:.3f} | {m['f1']:.3f} | {m['date']:.3f} "
                  f"| {m['dead_ratio']:.2f} |")
            meta_cv[f"{corpus} {label}"] = {k: round(float(v), 4) for k, v in m.items()}
    c, t = choose(items, names, args.folds)
    model = _fit(items, names, c)
    weights = {n: round(float(w), 4) for n, w in zip(names, model.coef_[0], strict=True)}
    print(f"\nfinal: C={c}, threshold={t}")
    for n, w in sorted(weights.items(), key=lambda kv: -abs(kv[1])):
        print(f"  {n:14s} {w:+.3f}")
    if args.dry_run:
        return
    MODEL_JSON.write_text(json.dumps({
        "features_version": FEATURES_VERSION, "threshold": t, "weights": weights,
        "meta": {"trained_on": "articles_dev.jsonl (English) and acled_ukraine_dev.jsonl, "
                               "read at run time", "C": c, "cv_folds": args.folds,
                 "cv": meta_cv}}, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {MODEL_JSON}")


if __name__ == "__main__":
    main()
