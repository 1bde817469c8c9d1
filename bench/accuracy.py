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
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.doc import make_doc  # noqa: E402
from geo.gazetteer.index import Gazetteer  # noqa: E402
from geo.learn.devsets import GWN_DEV as DEV  # noqa: E402
from geo.learn.devsets import Score, score_corpus  # noqa: E402
from geo.learn.devsets import read_gwn as read_dev  # noqa: E402
from geo.nlp.geoparse import geoparse, geoparse_doc  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


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
    from geo.learn.devsets import ACLED_DEV as ACLED
    from geo.training.recogniser import load_acled_examples, load_examples, train_model
    from geo.training.resolver import acled_groups, fold_models, gwn_groups

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
