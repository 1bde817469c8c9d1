"""Geoparser benchmark: warm throughput, index load time and peak memory, against a naive
baseline (the ``geotext`` package) run in the same process on the same corpus.

    python bench/geoparse.py [--mb 5] [--runs 5]

Targets (issue 8): the geoparser's time <= 1.3x one pass of the NER model over the same
text (timed in the same run), index load <= 1 s, peak RSS <= 800 MB.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import corpus_bytes, median_seconds, peak_rss_mb, seed_corpus  # noqa: E402
from geo.gazetteer import Gazetteer  # noqa: E402
from geo.geoparse import geoparse  # noqa: E402
from geo.nlp import make_doc  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=0.5, help="corpus size in MB")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    Gazetteer.load()  # make sure the cache exists; its build is not what we measure
    load_s, load_all = median_seconds(Gazetteer.load, runs=args.runs)
    gazetteer = Gazetteer.load()
    corpus = seed_corpus(int(args.mb * 1e6))
    size = corpus_bytes(corpus)
    geoparse(corpus[0], gazetteer)  # warm: word lists, regexes

    def ours() -> int:
        return sum(len(geoparse(a, gazetteer)) for a in corpus)

    ours_s, ours_all = median_seconds(ours, runs=args.runs)

    def ner_pass() -> int:
        return sum(len(make_doc(a).ents) for a in corpus)

    ner_s, ner_all = median_seconds(ner_pass, runs=args.runs)
    mentions = ours()
    print(f"corpus: {len(corpus)} articles, {size / 1e6:.2f} MB (seed articles repeated)")
    print(f"index load: median {load_s:.3f} s over {args.runs} runs "
          f"({', '.join(f'{t:.3f}' for t in load_all)})")
    print(f"geo.geoparse: median {ours_s:.2f} s -> {size / 1e6 / ours_s:.2f} MB/s, "
          f"{len(corpus) / ours_s:.0f} articles/s, {mentions} mentions "
          f"(runs: {', '.join(f'{t:.2f}' for t in ours_all)})")
    print(f"NER pass alone (geo.nlp.make_doc): median {ner_s:.2f} s -> "
          f"{size / 1e6 / ner_s:.3f} MB/s; geoparser / NER time ratio {ours_s / ner_s:.2f}")

    try:
        from geotext import GeoText
    except ImportError:
        print("baseline: geotext not installed (pip install -r requirements-dev.txt)")
    else:
        def baseline() -> int:
            return sum(len(GeoText(a.text).cities) + len(GeoText(a.text).countries)
                       for a in corpus)

        base_s, base_all = median_seconds(baseline, runs=args.runs)
        print(f"baseline geotext: median {base_s:.2f} s -> {size / 1e6 / base_s:.2f} MB/s "
              f"(runs: {', '.join(f'{t:.2f}' for t in base_all)}); "
              f"ours/baseline time ratio {ours_s / base_s:.2f}")
    print(f"peak RSS: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
