"""Extraction on a local Dask cluster against one process, on distinct generated articles.

Both sides do the whole ``geo extract`` work from files on disk: read, geoparse, extract
reports, merge, build the tables. The one-process side is ``run_pipeline`` (the baseline,
in this process); the cluster side is ``geo.store.parallel.extract_result`` on a local cluster of
``--workers`` single-threaded processes, whose start (and each worker's model load, on its
first partition) is counted. Runs alternate (one process, cluster, one process, ...) so a
slower moment of the machine hits both. Wall seconds, medians.

    python bench/dask_speedup.py [--articles 1000] [--workers 2] [--runs 2]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.gazetteer.index import Gazetteer  # noqa: E402
from geo.io.articles import article_files, read_articles  # noqa: E402
from geo.pipeline import run_pipeline  # noqa: E402
from geo.store import parallel  # noqa: E402
from geo.synthetic import generate, write  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    gazetteer = Gazetteer.load()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write(generate(args.articles, gazetteer, days=max(30, args.articles // 10)), folder)
        run_pipeline(read_articles([folder])[:3], gazetteer=gazetteer)  # warm this process
        single, cluster, starts = [], [], []
        for _ in range(args.runs):
            started = time.perf_counter()
            alone = run_pipeline(read_articles([folder]), gazetteer=gazetteer)
            single.append(time.perf_counter() - started)
            started = time.perf_counter()
            with parallel.client(workers=args.workers) as dask_client:
                starts.append(time.perf_counter() - started)
                files, rows = article_files([folder])
                result, _, _ = parallel.extract_result(files, manifest=rows,
                                                       dask_client=dask_client,
                                                       gazetteer=gazetteer)
            cluster.append(time.perf_counter() - started)
            assert result.incidents["event_id"].tolist() == alone.incidents["event_id"].tolist()
    one, many = statistics.median(single), statistics.median(cluster)
    print(f"{args.articles} distinct articles, {args.runs} alternating runs, wall seconds "
          "(medians)")
    print()
    print("| path | seconds | articles/s | speed-up |")
    print("|---|---|---|---|")
    print(f"| one process (run_pipeline, baseline) | {one:.1f} | {args.articles / one:.1f} | "
          "1.00× |")
    print(f"| local Dask cluster, {args.workers} workers (start {statistics.median(starts):.1f}"
          f" s included) | {many:.1f} | {args.articles / many:.1f} | {one / many:.2f}× |")
    print("same incidents on both paths: yes")


if __name__ == "__main__":
    main()
