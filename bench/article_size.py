"""Cost of one article against its length: CPU time and peak memory of what an ingest runs
per article (``geo.store.ingest.process_article``: one Doc, places, reports) for single
articles of 0.1 to 1 million characters.

    python bench/article_size.py [--sizes 0.1 0.2 0.5 1] [--text dense|wire]

Each size runs in a fresh process (so its peak RSS is its own) on one core. Two kinds of text:

* ``dense`` (the default, the worst case): every sentence names a town and an attack
  ("Russian forces shelled Bucha on March 3, 2022."), so every sentence is parsed and every
  sentence makes a report;
* ``wire``: the bundled seed articles written one after another (most sentences report
  nothing).

The cost should grow linearly: ``ratio`` divides each CPU time by the smallest size's, and
``time / linear`` by what a linear cost would give. Target (issue 28): 1 MB of dense text
within 10x the CPU of 0.1 MB and within 60 s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def dense_text(chars: int) -> str:
    """Sentences that each report a shelling of a distinct town on a day, ``chars`` long."""
    from geo.gazetteer.index import Gazetteer
    from geo.synthetic import unambiguous_towns

    towns = unambiguous_towns(Gazetteer.load())
    parts, size, n = [], 0, 0
    while size < chars:
        town, day = towns[n % len(towns)], 1 + n % 28
        # A paragraph break every ten sentences, as a long report has.
        sentence = f"Russian forces shelled {town} on March {day}, 2022."
        sentence += "\n\n" if n % 10 == 9 else " "
        parts.append(sentence)
        size += len(sentence)
        n += 1
    return "".join(parts).strip()


def wire_text(chars: int) -> str:
    """The seed articles one after another, ``chars`` long."""
    from geo.io.articles import read_articles

    seeds = read_articles([ROOT / "data" / "articles"],
                          manifest=ROOT / "data" / "articles" / "manifest.csv")
    parts, size = [], 0
    while size < chars:
        for seed in seeds:
            parts.append(seed.text)
            size += len(seed.text) + 2
    return "\n\n".join(parts)


def run_one(mb: float, kind: str) -> dict:
    """Build and process one article of ``mb`` million characters in this process."""
    import datetime as dt

    from geo.doc import load_nlp
    from geo.gazetteer.index import Gazetteer
    from geo.records import Article
    from geo.store.ingest import process_article

    gazetteer = Gazetteer.load()
    load_nlp()
    text = (dense_text if kind == "dense" else wire_text)(int(mb * 1e6))
    article = Article(id="long", text=text, outlet="bench", published=dt.date(2022, 3, 28),
                      timezone="Europe/Kyiv")
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cpu, wall = time.process_time(), time.perf_counter()
    # What an ingest runs per article (one Doc for places and reports), with no time budget.
    mentions, reports = process_article(article, gazetteer, [], budget=None)
    return {"mb": len(text) / 1e6, "cpu": time.process_time() - cpu,
            "wall": time.perf_counter() - wall, "mentions": len(mentions),
            "reports": len(reports), "base_rss_mb": base_rss,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=float, nargs="+", default=[0.1, 0.2, 0.5, 1.0])
    parser.add_argument("--text", choices=["dense", "wire"], default="dense")
    parser.add_argument("--one", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(run_one(args.one, args.text)))
        return
    rows = []
    for mb in args.sizes:
        # One core, as the server's single job worker has: no BLAS threads beside it.
        env = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        out = subprocess.run([sys.executable, __file__, "--one", str(mb), "--text", args.text],
                             check=True, capture_output=True, text=True,
                             env={**os.environ, **env}).stdout
        rows.append(json.loads(out.strip().splitlines()[-1]))
        print(f"  {rows[-1]['mb']:.2f} M characters: {rows[-1]['cpu']:.1f} s CPU",
              file=sys.stderr, flush=True)
    first = rows[0]
    print(f"{args.text} text")
    print("| M characters | CPU s | wall s | ratio | time / linear | mentions | reports | "
          "peak RSS MB (before) |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        ratio = r["cpu"] / first["cpu"]
        print(f"| {r['mb']:.2f} | {r['cpu']:.1f} | {r['wall']:.1f} | {ratio:.1f} | "
              f"{ratio / (r['mb'] / first['mb']):.2f} | {r['mentions']} | {r['reports']} | "
              f"{r['peak_rss_mb']:.0f} ({r['base_rss_mb']:.0f}) |")


if __name__ == "__main__":
    main()
