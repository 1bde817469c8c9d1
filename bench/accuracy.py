"""Geoparsing accuracy on GeoWebNews (``../shared/dev/gwn.jsonl``), scored as the field does.

    python bench/accuracy.py [--dev PATH] [--limit N] [--resolver context] [--top 20]

A predicted toponym matches a gold one when their surface texts are equal ignoring case and
their span centres are < 10 characters apart (EUPEG); each gold toponym matches at most one
prediction. P, R, F1 count matches; Acc@161 is the share of matches placed within 161 km of the
gold point (a matched mention left unresolved counts as a miss there), median km likewise.
Demonyms ("Russian") count as toponyms, as the corpus defines them. Prints the most frequent
false positives, misses and far placements, then the seed articles' figures against their
curated gold (``tests/seed_gold.py``).

The dev set is read at run time and never copied into the project.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.doc import make_doc  # noqa: E402
from geo.gazetteer.index import Gazetteer  # noqa: E402
from geo.geodesy import haversine_km  # noqa: E402
from geo.learn.scoring import match_spans, toponym_span  # noqa: E402
from geo.nlp.geoparse import geoparse, geoparse_doc  # noqa: E402
from geo.records import Article, Resolution  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "dev" / "gwn.jsonl"
_FAR_KM = 20_037.5  # half the equator: an unresolved match is as wrong as it gets


@dataclass(frozen=True)
class Gold:
    start: int
    end: int
    text: str
    lat: float | None
    lon: float | None


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors_km: list[float] | None = None
    parsed: list | None = None

    def __post_init__(self) -> None:
        self.errors_km = [] if self.errors_km is None else self.errors_km
        self.parsed = [] if self.parsed is None else self.parsed

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def acc161(self) -> float:
        if not self.errors_km:
            return 0.0
        return sum(e <= 161 for e in self.errors_km) / len(self.errors_km)

    @property
    def median_km(self) -> float:
        return statistics.median(self.errors_km) if self.errors_km else float("nan")


def read_dev(path: Path, *, limit: int | None = None) -> list[tuple[Article, list[Gold]]]:
    """The dev set's articles and their gold toponyms."""
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            gold = [Gold(t["start"], t["end"], t["text"], t.get("lat"), t.get("lon"))
                    for t in row["toponyms"]]
            out.append((Article(id=row["id"], text=row["text"]), gold))
            if limit and len(out) >= limit:
                break
    return out


def match(predicted: list[Resolution], gold: list[Gold]) -> tuple[
        list[tuple[Resolution, Gold]], list[Resolution], list[Gold]]:
    """Pair predictions with gold toponyms by the field's rule (``geo.learn.scoring``)."""
    spans = [(*toponym_span(r.mention.start, r.mention.end, r.mention.text, r.mention.pattern),
              r) for r in predicted]
    pairs, unmatched, missed = match_spans(spans, [(g.start, g.end, g.text, g) for g in gold])
    return ([(p[3], g[3]) for p, g in pairs], [p[3] for p in unmatched], [g[3] for g in missed])


def error_km(r: Resolution, g: Gold) -> float | None:
    if g.lat is None or g.lon is None:
        return None
    if r.place is None:
        return _FAR_KM
    return haversine_km(r.place.lat, r.place.lon, g.lat, g.lon)


def score_corpus(corpus: Iterable[tuple[Article, list[Gold]]], parse) -> tuple[
        Score, Counter, Counter, Counter]:
    """Score ``parse(article) -> list[Resolution]`` over the corpus."""
    total = Score()
    false_pos: Counter = Counter()
    misses: Counter = Counter()
    far: Counter = Counter()
    for article, gold in corpus:
        pairs, unmatched, missed = match(parse(article), gold)
        total.tp += len(pairs)
        total.fp += len(unmatched)
        total.fn += len(missed)
        false_pos.update(r.mention.text for r in unmatched)
        total.parsed.append((article, pairs, unmatched, missed))
        misses.update(g.text for g in missed)
        for r, g in pairs:
            km = error_km(r, g)
            if km is None:
                continue
            total.errors_km.append(km)
            if km > 161:
                where = "unresolved" if r.place is None else (
                    f"{r.place.name} ({r.place.country_code}, {r.place.feature})")
                far[f"{r.mention.text} -> {where}, {km:.0f} km"] += 1
    return total, false_pos, misses, far


def print_table(name: str, s: Score, seconds: float) -> None:
    print(f"| {name} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {s.acc161:.3f} | "
          f"{s.median_km:.0f} | {s.tp} | {s.fp} | {s.fn} | {seconds:.1f} s |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dev", type=Path, default=DEV)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--resolver", default="context")
    parser.add_argument("--recogniser", default="model", help="model or rules")
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--cv", type=int, default=5,
                        help="also score the recogniser by k-fold cross-validation (0: off)")
    args = parser.parse_args()
    if not args.dev.exists():
        sys.exit(f"no dev set at {args.dev} (see ../shared/dev/README.md)")

    gazetteer = Gazetteer.load()
    corpus = read_dev(args.dev, limit=args.limit)
    print(f"GeoWebNews: {len(corpus)} articles, "
          f"{sum(len(g) for _, g in corpus)} gold toponyms\n")
    print("| run | P | R | F1 | Acc@161 | median km | TP | FP | FN | time |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    runs = {}
    for name, recogniser in (("rules only (the matcher's named rules)", "rules"),
                             ("shipped model (trained on this set)", "model")):
        if args.recogniser not in ("model", recogniser):
            continue
        started = time.perf_counter()
        runs[name] = score_corpus(corpus, lambda a, r=recogniser: geoparse(
            a, gazetteer, resolver=args.resolver, recogniser=r))
        print_table(name, runs[name][0], time.perf_counter() - started)
    if args.cv and args.recogniser == "model":
        started = time.perf_counter()
        result = score_cross_validated(corpus, gazetteer, folds=args.cv,
                                       resolver=args.resolver)
        runs["cv"] = result
        print_table(f"{args.cv}-fold cross-validated model (held-out articles)", result[0],
                    time.perf_counter() - started)
    total, false_pos, misses, far = runs.get("cv") or list(runs.values())[-1]
    for title, counter in (("false positives", false_pos), ("misses", misses),
                           ("far placements (> 161 km)", far)):
        print(f"\n{args.top} most frequent {title}:")
        for text, n in counter.most_common(args.top):
            print(f"  {n:3d}  {text}")
    print_seed_figures(gazetteer)


def score_cross_validated(corpus, gazetteer: Gazetteer, *, folds: int, resolver: str):
    """Each fold's articles parsed by a recogniser and a resolver ranker trained on the
    other folds only."""
    from scripts.train_recogniser import ACLED, load_acled_examples, load_examples, train_model
    from scripts.train_resolver import acled_groups, fold_models, gwn_groups

    shipped = json.loads((ROOT / "data" / "models" / "recogniser.json").read_text())
    c, threshold = shipped["meta"]["C"], shipped["threshold"]
    examples = load_examples(DEV, limit=len(corpus))
    # As the shipped model: the ACLED notes' labelled places join every fold's training.
    extra = load_acled_examples(ACLED) if "ACLED" in shipped["meta"]["trained_on"] else []
    models = {}
    for k in range(folds):
        train = [e for i, e in enumerate(examples) if i % folds != k] + extra
        models[k] = train_model(train, c=c, threshold=threshold)
    rankers: dict[int, object] = {}
    ranker_file = ROOT / "data" / "models" / "resolver.json"
    if ranker_file.exists():  # the learned ranker, refitted per fold with the shipped C
        meta = json.loads(ranker_file.read_text())["meta"]
        ranker_extra = acled_groups(gazetteer=gazetteer) if "ACLED" in meta["trained_on"] \
            else []
        rankers = fold_models(gwn_groups(DEV, gazetteer, limit=len(corpus)), folds,
                              meta["C"], extra=ranker_extra)
    index = {a.id: i for i, (a, _) in enumerate(corpus)}
    return score_corpus(corpus, lambda a: geoparse_doc(
        make_doc(a), gazetteer, resolver=resolver, model=models[index[a.id] % folds],
        ranker=rankers.get(index[a.id] % folds)))


def print_seed_figures(gazetteer: Gazetteer) -> None:
    """Recall and precision on the bundled articles against their curated gold."""
    from geo.io.articles import read_articles
    from tests.seed_gold import EXPECTED, NOT_PLACES

    articles = read_articles([ROOT / "data" / "articles"],
                             manifest=ROOT / "data" / "articles" / "manifest.csv")
    found = wrong = expected = false = total = 0
    for article in articles:
        resolutions = geoparse(article, gazetteer)
        total += len(resolutions)
        texts = {r.mention.text for r in resolutions}
        want = EXPECTED.get(article.id, {})
        expected += len(want)
        found += sum(text in texts for text in want)
        for r in resolutions:
            if r.mention.text in NOT_PLACES:
                false += 1
            elif r.mention.text in want and (r.place is None or want[r.mention.text] not in (
                    r.place.key, r.place.name)):
                wrong += 1
    print(f"\nseed articles: {found}/{expected} gold places found "
          f"(recall {found / expected:.3f}); {false} of {total} mentions are a listed "
          f"person, outlet or word (precision >= {1 - false / total:.3f}); "
          f"{wrong} gold places resolved elsewhere")

if __name__ == "__main__":
    main()
