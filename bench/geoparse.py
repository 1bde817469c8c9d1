"""Geoparser benchmark: warm throughput, index load time and peak memory, against a naive
baseline (the ``geotext`` package) run in the same process on the same corpus.

    python bench/geoparse.py [--mb 0.5] [--runs 5] [--seeds]

Distinct generated articles by default (``geo.synthetic.generate``); the three contenders run in
turn, each round, so a busy moment of the machine hits all of them.

Targets (issue 8): the geoparser's time <= 1.3x one pass of the NER model over the same
text (timed in the same run), index load <= 1 s, peak RSS <= 800 MB.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.doc import make_doc  # noqa: E402
from geo.gazetteer.index import Gazetteer  # noqa: E402
from geo.nlp.geoparse import geoparse  # noqa: E402
from geo.synthetic import distinct_corpus, seed_corpus  # noqa: E402
from geo.timing import corpus_bytes, interleaved, median_seconds, peak_rss_mb  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=0.5, help="corpus size in MB")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seeds", action="store_true",
                        help="the seed articles repeated instead of distinct generated ones")
    args = parser.parse_args()

    Gazetteer.load()  # make sure the cache exists; its build is not what we measure
    load_s, load_all = median_seconds(Gazetteer.load, runs=args.runs)
    gazetteer = Gazetteer.load()
    corpus = (seed_corpus if args.seeds else distinct_corpus)(int(args.mb * 1e6))
    size = corpus_bytes(corpus)
    geoparse(corpus[0], gazetteer)  # warm: word lists, regexes

    contenders = {
        "ours": lambda: sum(len(geoparse(a, gazetteer)) for a in corpus),
        "ner": lambda: sum(len(make_doc(a).ents) for a in corpus),
    }
    try:
        from geotext import GeoText
    except ImportError:
        print("baseline: geotext not installed (pip install -r requirements-dev.txt)")
    else:
        def baseline() -> int:
            total = 0
            for a in corpus:
                found = GeoText(a.text)  # built once per article
                total += len(found.cities) + len(found.countries)
            return total

        contenders["geotext"] = baseline
    times = interleaved(contenders, runs=args.runs)
    ours_s, ner_s = statistics.median(times["ours"]), statistics.median(times["ner"])
    kind = "seed articles repeated" if args.seeds else "distinct generated articles"
    print(f"corpus: {len(corpus)} articles, {size / 1e6:.2f} MB ({kind}); {args.runs} "
          "interleaved runs (ours, NER, baseline, ours, ...), wall seconds")
    print(f"index load: median {load_s:.3f} s over {args.runs} runs "
          f"({', '.join(f'{t:.3f}' for t in load_all)})")
    print(f"geo.nlp.geoparse: median {ours_s:.2f} s -> {size / 1e6 / ours_s:.3f} MB/s, "
          f"{len(corpus) / ours_s:.1f} articles/s "
          f"(runs: {', '.join(f'{t:.2f}' for t in times['ours'])})")
    print(f"NER pass alone (geo.doc.make_doc): median {ner_s:.2f} s -> "
          f"{size / 1e6 / ner_s:.3f} MB/s; geoparser / NER time ratio {ours_s / ner_s:.2f}")
    if "geotext" in times:
        base_s = statistics.median(times["geotext"])
        print(f"baseline geotext: median {base_s:.2f} s -> {size / 1e6 / base_s:.2f} MB/s "
              f"(runs: {', '.join(f'{t:.2f}' for t in times['geotext'])}); "
              f"ours/baseline time ratio {ours_s / base_s:.2f}")
    print(f"peak RSS: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
