"""Train the place recogniser (``geo.nlp.recognise``) on the GeoWebNews dev set.

    python scripts/train_recogniser.py [--dev ../shared/dev/gwn.jsonl] [--folds 5]

Every candidate span of every article is labelled by the field's scorer (a gold toponym with
the same text, centre < 10 characters away). The figures printed and stored in the model's
``meta`` come from nested cross-validation over articles: in each outer fold, an inner k-1-fold
cross-validation on the other four fifths alone chooses the regularisation and the decision
threshold, and the held-out fifth is scored with that choice. Scores of a choice made on the
folds they are read from would be optimistic (the best of many settings on the same articles).
The final model is fitted on every article with the setting an inner cross-validation over all
of them chooses, and written as JSON to ``data/models/recogniser.json`` (weights by feature
name; no pickle).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.learn.devsets import ACLED_DEV as ACLED  # noqa: E402
from geo.learn.devsets import GWN_DEV as DEV  # noqa: E402
from geo.learn.scoring import f1_score  # noqa: E402
from geo.nlp.recognise import FEATURES_VERSION, MODEL_JSON  # noqa: E402
from geo.training.recogniser import (  # noqa: E402
    choose,
    cross_validate,
    load_acled_examples,
    load_examples,
    nested_cross_validate,
    train_model,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dev", type=Path, default=DEV)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=MODEL_JSON)
    parser.add_argument("--gwn-only", action="store_true",
                        help="train on GeoWebNews alone, without the ACLED notes")
    parser.add_argument("--dry-run", action="store_true", help="print figures, write nothing")
    args = parser.parse_args()
    if not args.dev.exists():
        sys.exit(f"no dev set at {args.dev}")
    examples = load_examples(args.dev)
    extra = load_acled_examples(ACLED) if ACLED.exists() and not args.gwn_only else []
    n = sum(len(e[1]) for e in examples)
    print(f"{len(examples)} articles, {n} candidates, "
          f"{sum(sum(e[3]) for e in examples)} positive, "
          f"{sum(len(e[4]) for e in examples)} gold toponyms")
    print(f"+ {len(extra)} ACLED notes, {sum(len(e[1]) for e in extra)} labelled candidates")
    counts, chosen = nested_cross_validate(examples, args.folds, extra=extra)
    p, r, f = f1_score(*counts)
    print(f"nested {args.folds}-fold cross-validation (C and threshold chosen inside each "
          f"outer fold, on its training part): P {p:.3f} R {r:.3f} F1 {f:.3f}")
    print(f"  chosen per outer fold (C, threshold): {chosen}")
    table = cross_validate(examples, args.folds, extra=extra)
    c, threshold = choose(table)
    sp, sr, sf = f1_score(*table[c, threshold])
    print(f"final setting, chosen by {args.folds}-fold cross-validation over every article: "
          f"C={c} threshold={threshold}; on the folds that chose it P {sp:.3f} R {sr:.3f} "
          f"F1 {sf:.3f} (optimistic: the best of {len(table)} settings on those folds)")
    weights = train_model([*examples, *extra], c=c, threshold=threshold).weights
    data = {
        "features_version": FEATURES_VERSION,
        "threshold": threshold,
        "weights": weights,
        "meta": {"trained_on": "GeoWebNews dev set (200 articles)"
                 + (f" + {len(extra)} ACLED Ukraine notes" if extra else ""), "C": c,
                 "cv_folds": args.folds, "cv": "nested", "cv_precision": round(p, 4),
                 "cv_recall": round(r, 4), "cv_f1": round(f, 4)},
    }
    if args.dry_run:
        return
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({len(weights)} weights)")
    for name, w in sorted(weights.items(), key=lambda kv: -abs(kv[1]))[:15]:
        print(f"  {w:+.2f}  {name}")


if __name__ == "__main__":
    main()
