"""Learn the resolver's corpus prior (``geo.nlp.corpus``) from the ACLED dev notes, in date order.

    python scripts/train_corpus_prior.py [--folds 5] [--dry-run]

The notes are read as the store would receive them: one by one, in date order. Each note's
confident report places (a resolution scoring at least ``CONFIDENT_SCORE``) join the corpus;
a note's own places never count for it. A ranking group is one place mention of a note with
two or more candidates of which at least one lies within 25 km of the coder's point (the
namesake question: which of the oblast's three Novoselivkas); those candidates are right.

The prior adds ``weight * density`` to each candidate's score (the shipped ranker's logit),
``density = log(1 + sum(exp(-km / scale)))`` over the corpus points of the ``window`` days
before the note: a namesake near many of that month's reports gains, one far from all gains
nothing. ``weight`` is a one-parameter conditional logit fitted by maximum likelihood with an
L2 penalty; ``scale``, ``window`` and the penalty are chosen by an inner cross-validation inside
each outer fold (notes in fold ``i mod k``), and the held-out share of groups whose top
candidate is right is printed beside the share without the prior. The final model, fitted on
every group with the settings an inner cross-validation over all of them chooses, is written to
``data/models/corpus_prior.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
from dataclasses import dataclass
from itertools import product
from pathlib import Path

from scipy.optimize import minimize_scalar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.doc import doc_text, make_doc  # noqa: E402
from geo.gazetteer.index import Gazetteer  # noqa: E402
from geo.geodesy import haversine_km  # noqa: E402
from geo.incidents import extract_reports  # noqa: E402
from geo.nlp.corpus import (  # noqa: E402
    CONFIDENT_SCORE,
    PRIOR_JSON,
    PRIOR_VERSION,
    Corpus,
    CorpusPoint,
)
from geo.nlp.recognise import recognise  # noqa: E402
from geo.nlp.resolve import ranking_table, resolve_mentions, shipped_ranker  # noqa: E402
from geo.records import Article  # noqa: E402

ACLED = ROOT.parent / "shared" / "dev" / "acled_ukraine_dev.jsonl"
RIGHT_KM = 25.0
SCALES_KM = (15.0, 30.0, 60.0)
WINDOWS_DAYS = (14, 30, 90)
PENALTIES = (0.01, 0.1, 1.0)


@dataclass(frozen=True)
class Group:
    """One mention's candidates: their base scores, places and which are right."""

    note: int  # the note's index in date order (also its fold: note mod k)
    day: dt.date
    scores: tuple[float, ...]
    places: tuple  # the candidate Places
    right: tuple[bool, ...]


def read_notes(path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    rows = [r for r in rows if r.get("latitude") not in (None, "")]
    for r in rows:
        r["day"] = dt.datetime.strptime(r["event_date"], "%d %B %Y").date()
    return sorted(rows, key=lambda r: (r["day"], str(r["data_id"])))


def collect(rows: list[dict], gazetteer: Gazetteer) -> tuple[list[Group], list[list[CorpusPoint]]]:
    """Every note's ranking groups (without the prior) and the confident report places each
    note adds to the corpus."""
    ranker = shipped_ranker()
    names = gazetteer.country_names()
    groups, points = [], []
    for n, row in enumerate(rows):
        published = row["day"] + dt.timedelta(days=1)
        article = Article(id=f"acled-{row['data_id']}", text=row["notes"], outlet="ACLED",
                          published=published, timezone="Europe/Kyiv")
        doc = make_doc(article)
        mentions = recognise(doc, gazetteer)
        for _, candidates in ranking_table(doc_text(doc), mentions, gazetteer):
            if len(candidates) < 2:
                continue
            right = tuple(haversine_km(p.lat, p.lon, row["latitude"], row["longitude"])
                          <= RIGHT_KM for p, _ in candidates)
            if any(right) and not all(right):
                groups.append(Group(n, published, tuple(ranker.score(f) for _, f in candidates),
                                    tuple(p for p, _ in candidates), right))
        resolutions = resolve_mentions(doc_text(doc), mentions, gazetteer)
        doc._.resolutions = resolutions
        sure = {r.mention.start for r in resolutions
                if r.place is not None and r.score >= CONFIDENT_SCORE}
        points.append([CorpusPoint(r.date, r.place.lat, r.place.lon)
                       for r in extract_reports(doc, resolutions, country_names=names)
                       if r.mention_start in sure])
    return groups, points


def densities(groups: list[Group], points: list[list[CorpusPoint]], scale: float,
              window: int) -> list[list[float]]:
    """Each group's candidates' corpus feature: the notes before it, within ``window`` days."""
    out = []
    for g in groups:
        first = g.day - dt.timedelta(days=window)
        seen = [p for before in points[:g.note] for p in before
                if first <= p.day <= g.day + dt.timedelta(days=1)]
        corpus = Corpus(points=tuple(seen), scale_km=scale)
        out.append([corpus.closeness(p) for p in g.places])
    return out


def _loss(weight: float, groups: list[Group], feats: list[list[float]], penalty: float) -> float:
    total = penalty * weight * weight
    for g, f in zip(groups, feats, strict=True):
        logits = [s + weight * x for s, x in zip(g.scores, f, strict=True)]
        top = max(logits)
        norm = sum(math.exp(v - top) for v in logits)
        right = sum(math.exp(v - top) for v, ok in zip(logits, g.right, strict=True) if ok)
        total -= math.log(max(right / norm, 1e-12))
    return total


def fit(groups: list[Group], feats: list[list[float]], penalty: float) -> float:
    """The weight of the corpus feature: penalised maximum likelihood, 0 to 50."""
    if not groups:
        return 0.0
    return float(minimize_scalar(_loss, bounds=(0.0, 50.0), method="bounded",
                                 args=(groups, feats, penalty)).x)


def top_right(groups: list[Group], feats: list[list[float]], weight: float) -> int:
    hits = 0
    for g, f in zip(groups, feats, strict=True):
        logits = [s + weight * x for s, x in zip(g.scores, f, strict=True)]
        hits += g.right[max(range(len(logits)), key=logits.__getitem__)]
    return hits


def choose(groups: list[Group], table: dict, folds: int) -> tuple[tuple, float]:
    """The (scale, window, penalty) whose inner cross-validated share is best (ties: the
    strongest penalty, the shortest window, the smallest scale), and that share."""
    scores = {}
    for (scale, window), feats in table.items():
        for penalty in PENALTIES:
            hits = 0
            for k in range(folds):
                train = [i for i, g in enumerate(groups) if g.note % folds != k]
                held = [i for i, g in enumerate(groups) if g.note % folds == k]
                w = fit([groups[i] for i in train], [feats[i] for i in train], penalty)
                hits += top_right([groups[i] for i in held], [feats[i] for i in held], w)
            scores[scale, window, penalty] = hits / max(1, len(groups))
    best = max(scores, key=lambda s: (round(scores[s], 3), s[2], -s[1], -s[0]))
    return best, scores[best]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=PRIOR_JSON)
    parser.add_argument("--dry-run", action="store_true", help="print figures, write nothing")
    args = parser.parse_args()
    if not ACLED.exists():
        sys.exit(f"no dev set at {ACLED}")
    gazetteer = Gazetteer.load()
    rows = read_notes(ACLED)
    groups, points = collect(rows, gazetteer)
    print(f"{len(rows)} ACLED notes in date order; {len(groups)} mentions with namesakes "
          f"on both sides of {RIGHT_KM:.0f} km; {sum(map(len, points))} confident places")
    table = {(s, w): densities(groups, points, s, w) for s, w in product(SCALES_KM, WINDOWS_DAYS)}
    k = args.folds
    with_prior = without = 0
    chosen = []
    for fold in range(k):
        train = [i for i, g in enumerate(groups) if g.note % k != fold]
        held = [i for i, g in enumerate(groups) if g.note % k == fold]
        # The inner split keeps whole notes: note // k, mod k - 1.
        inner = [Group(groups[i].note // k, groups[i].day, groups[i].scores, groups[i].places,
                       groups[i].right) for i in train]
        inner_table = {key: [feats[i] for i in train] for key, feats in table.items()}
        (scale, window, penalty), _ = choose(inner, inner_table, k - 1)
        chosen.append((scale, window, penalty))
        feats = table[scale, window]
        w = fit([groups[i] for i in train], [feats[i] for i in train], penalty)
        with_prior += top_right([groups[i] for i in held], [feats[i] for i in held], w)
        without += top_right([groups[i] for i in held], [feats[i] for i in held], 0.0)
    n = max(1, len(groups))
    print(f"nested {k}-fold cross-validation (settings chosen inside each outer fold): "
          f"top candidate within {RIGHT_KM:.0f} km {without / n:.3f} without the prior, "
          f"{with_prior / n:.3f} with it")
    print(f"  chosen per outer fold (scale km, window days, penalty): {chosen}")
    (scale, window, penalty), share = choose(groups, table, k)
    weight = fit(groups, table[scale, window], penalty)
    print(f"final: scale {scale:.0f} km, window {window} days, penalty {penalty}, weight "
          f"{weight:.3f} ({k}-fold share {share:.3f} there: optimistic, the best of "
          f"{len(table) * len(PENALTIES)})")
    data = {"features_version": PRIOR_VERSION, "weights": {"near_corpus": round(weight, 4)},
            "scale_km": scale, "window_days": window,
            "meta": {"trained_on": f"ACLED Ukraine dev notes in date order ({len(groups)} "
                                   "mentions with namesakes)", "penalty": penalty,
                     "cv_folds": k, "cv": "nested",
                     "cv_top_right_without": round(without / n, 4),
                     "cv_top_right_with": round(with_prior / n, 4)}}
    if args.dry_run:
        return
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
