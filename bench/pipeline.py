"""Whole-pipeline benchmark: mentions, incidents and aggregation, warm, on the seed corpus
repeated to a size, with the geoparser alone as the in-process baseline.

    python bench/pipeline.py [--mb 5] [--runs 3] [--seeds]

Distinct generated articles by default (``geo.synthetic.generate``); the pipeline and the
baseline run in turn.

Target (issue 3): >= 1 MB/s on one core for the whole pipeline.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.gazetteer.index import Gazetteer  # noqa: E402
from geo.nlp.geoparse import geoparse  # noqa: E402
from geo.pipeline import run_pipeline  # noqa: E402
from geo.synthetic import distinct_corpus, seed_corpus  # noqa: E402
from geo.tables import daily_table, region_daily_table  # noqa: E402
from geo.timing import corpus_bytes, interleaved, peak_rss_mb  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=5.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seeds", action="store_true",
                        help="the seed articles repeated instead of distinct generated ones")
    args = parser.parse_args()
    gazetteer = Gazetteer.load()
    corpus = (seed_corpus if args.seeds else distinct_corpus)(int(args.mb * 1e6))
    size = corpus_bytes(corpus)
    run_pipeline(corpus[:5], gazetteer=gazetteer)  # warm
    counted: dict[str, int] = {}

    def whole() -> None:
        result = run_pipeline(corpus, gazetteer=gazetteer)
        daily_table(result.incidents)
        region_daily_table(result.incidents)
        counted["incidents"] = len(result.incidents)

    def geoparser_only() -> None:
        counted["mentions"] = sum(len(geoparse(a, gazetteer)) for a in corpus)

    times = interleaved({"whole": whole, "geoparser": geoparser_only}, runs=args.runs)
    whole_s, base_s = statistics.median(times["whole"]), statistics.median(times["geoparser"])
    kind = "seed articles repeated" if args.seeds else "distinct generated articles"
    print(f"corpus: {len(corpus)} articles, {size / 1e6:.2f} MB ({kind}); {args.runs} "
          "interleaved runs, wall seconds")
    print(f"whole pipeline: median {whole_s:.2f} s -> {size / 1e6 / whole_s:.3f} MB/s, "
          f"{len(corpus) / whole_s:.1f} articles/s, {counted['incidents']} incidents "
          f"(runs: {', '.join(f'{t:.2f}' for t in times['whole'])})")
    print(f"geoparser alone (baseline): median {base_s:.2f} s -> {size / 1e6 / base_s:.3f} MB/s "
          f"(runs: {', '.join(f'{t:.2f}' for t in times['geoparser'])}); "
          f"pipeline/geoparser time ratio {whole_s / base_s:.2f}")
    print(f"peak RSS: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
