"""Cost of one article against its length: time and peak memory of the whole per-article
pipeline (Doc, places, reports) for single articles of 0.1 to 2 MB.

    python bench/article_size.py [--sizes 0.1 0.2 0.5 1 2]

Each size runs in a fresh process (so its peak RSS is its own), on one article made of the
seed articles written one after another until it is long enough. The cost should grow
linearly: the last column divides each time by the smallest size's time per MB. Target
(issue 13): a 2 MB article within 10x the time of a 0.2 MB one.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def run_one(mb: float) -> dict:
    """Build and process one article of ``mb`` megabytes in this process."""
    from geo.doc import load_nlp
    from geo.gazetteer.index import Gazetteer
    from geo.incidents import extract_reports
    from geo.io.articles import read_articles
    from geo.nlp.geoparse import geoparse
    from geo.records import Article

    gazetteer = Gazetteer.load()
    load_nlp()
    seeds = read_articles([ROOT / "data" / "articles"],
                          manifest=ROOT / "data" / "articles" / "manifest.csv")
    parts, size = [], 0
    while size < mb * 1e6:
        for seed in seeds:
            parts.append(seed.text)
            size += len(seed.text.encode()) + 2
    text = "\n\n".join(parts)
    article = Article(id="long", text=text, outlet="bench", published=seeds[0].published,
                      timezone="Europe/Kyiv")
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    resolutions = geoparse(article, gazetteer)
    reports = extract_reports(article, resolutions)
    seconds = time.perf_counter() - started
    return {"mb": len(text.encode()) / 1e6, "seconds": seconds, "mentions": len(resolutions),
            "reports": len(reports), "base_rss_mb": base_rss,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=float, nargs="+", default=[0.1, 0.2, 0.5, 1.0, 2.0])
    parser.add_argument("--one", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(run_one(args.one)))
        return
    rows = []
    for mb in args.sizes:
        out = subprocess.run([sys.executable, __file__, "--one", str(mb)], check=True,
                             capture_output=True, text=True).stdout
        rows.append(json.loads(out.strip().splitlines()[-1]))
    unit = rows[0]["seconds"] / rows[0]["mb"]
    print("| article MB | seconds | MB/s | mentions | reports | peak RSS MB (before) | "
          "time / linear |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['mb']:.2f} | {r['seconds']:.1f} | {r['mb'] / r['seconds']:.3f} | "
              f"{r['mentions']} | {r['reports']} | {r['peak_rss_mb']:.0f} "
              f"({r['base_rss_mb']:.0f}) | {r['seconds'] / (unit * r['mb']):.2f} |")
    by_mb = {round(r["mb"], 1): r["seconds"] for r in rows}
    if 0.2 in by_mb and 2.0 in by_mb:
        print(f"\n2 MB / 0.2 MB time: {by_mb[2.0] / by_mb[0.2]:.1f}x (target <= 10x)")


if __name__ == "__main__":
    main()
