"""What months of news cost after extraction: store, merge, materialise, +1 article.

Distinct generated articles (``geo.synthetic.generate``, seeded) are extracted once, one
process, ``--extract`` of them (CPU seconds per article measured). Stores of each size in
``--sizes`` are then filled from those results: article k is extracted article k mod E
with its days moved back by a whole number of corpus spans (so each copy is its own
happening, in its own weeks, as in a longer archive), its text tagged so that it is a
distinct text. For each size the table gives (medians of ``--runs`` where repeated):

- ingest ms/article: ``put_article`` per article (one transaction each), which also merges
  again the incidents the article touches (``geo.store.materialise``), wall;
- store kB/article: the store's files over the article count (and minus the text), at
  rest (its write-ahead log folded in);
- merge s: ``merge_reports`` on every stored report (the indexed merge), CPU; and the
  plain scan it replaced, on the same reports in the same process, alternating with it,
  as the baseline;
- rebuild s: incidents materialised from scratch (a store from an older version);
- cold read s: what a new dashboard process does first: ``result_from_store``
  (articles, mentions and the stored incidents into DataFrames);
- +1 article s: extract one more article, store it (incremental merge), and bring the
  dashboard's tables up to date from the last read (``result_from_store(previous=...)``,
  a delta): what the map waits for;
- peak RSS of this process.

    python bench/scale.py [--extract 1000] [--sizes 1000,10000] [--runs 3] [--keep STORE]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.baselines import scan_merge  # noqa: E402
from geo.gazetteer.index import Gazetteer  # noqa: E402
from geo.incidents import Report, merge_reports  # noqa: E402
from geo.records import Article  # noqa: E402
from geo.store.db import Store  # noqa: E402
from geo.store.ingest import process_article  # noqa: E402
from geo.store.results import result_from_store  # noqa: E402
from geo.synthetic import generate  # noqa: E402
from geo.timing import cpu, peak_rss_mb  # noqa: E402

SCAN_LIMIT = 40_000  # reports; the plain scan is quadratic, beyond this it takes minutes


def shifted(article: Article, mentions: list[dict], reports: list[Report], copy: int,
            span_days: int) -> tuple[Article, list[dict], list[Report]]:
    if copy == 0:
        return article, mentions, reports
    # Copies go back in time (an archive read backwards), never past today: a report
    # dated in the future is refused by the store.
    shift = -dt.timedelta(days=copy * span_days)
    new_id = f"{article.id}-c{copy}"
    moved = dataclasses.replace(article, id=new_id, text=f"{article.text}\n[copy {copy}]",
                                published=article.published + shift)
    return moved, [{**m, "article": new_id} for m in mentions], [
        dataclasses.replace(r, article=new_id, date=r.date + shift,
                            published=r.published + shift if r.published else None)
        for r in reports]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--extract", type=int, default=1000)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="copy the largest store here (for "
                        "bench/dashboard.py --store)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    gazetteer = Gazetteer.load()
    days = max(30, args.extract // 10)
    articles = generate(args.extract + 1, gazetteer, days=days)
    extra, articles = articles[-1], articles[:-1]
    process_article(articles[0], gazetteer, [])  # warm
    started = time.process_time()
    extracted = [(a, *process_article(a, gazetteer, [])) for a in articles]
    extract_s = time.process_time() - started
    text_bytes = statistics.mean(len(a.text.encode()) for a in articles)
    print(f"extraction: {len(articles)} distinct articles, {text_bytes / 1e3:.1f} kB each, "
          f"{extract_s / len(articles) * 1e3:.0f} ms CPU per article "
          f"({extract_s:.0f} s), one process")
    print()
    print("| articles | reports | incidents | ingest ms/article | store kB/article (minus "
          "text) | merge s | plain scan s | rebuild s | cold read s | +1 article s | "
          "peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(Path(tmp) / "scale.sqlite")
            store.incident_rows()  # empty and current: every write keeps it so
            rows = [shifted(*extracted[k % len(extracted)], k // len(extracted), days + 7)
                    for k in range(size)]
            started = time.perf_counter()
            for article, mentions, reports in rows:
                store.put_article(article, mentions, reports)
            ingest_ms = (time.perf_counter() - started) / size * 1e3
            del rows
            with store.read() as conn:  # the store at rest: its write-ahead log folded in
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            file_bytes = sum(p.stat().st_size for p in Path(tmp).glob("scale.sqlite*"))
            stored = store.reports()
            merges, scans = [], []
            for _ in range(args.runs):  # alternating, so a busy moment hits both
                merges.append(cpu(lambda stored=stored: merge_reports(stored))[1])
                if len(stored) <= SCAN_LIMIT:
                    scans.append(cpu(lambda stored=stored: scan_merge(stored))[1])
            merge_s = statistics.median(merges)
            scan_s = statistics.median(scans) if scans else float("nan")
            del stored
            rebuilds, colds, plus_one = [], [], []
            for run in range(args.runs):
                with store.write() as conn:  # as a store from an older version
                    conn.execute("UPDATE meta SET value = '-1' WHERE key = "
                                 "'incidents_version'")
                rebuilds.append(cpu(store.incident_rows)[2])
                reader = Store(store.path)
                result, _, wall = cpu(lambda reader=reader: result_from_store(
                    reader, gazetteer=gazetteer))
                colds.append(wall)
                one = dataclasses.replace(extra, id=f"extra-{run}",
                                          text=f"{extra.text}\n[run {run}]")

                def add_one(one: Article = one, store: Store = store,
                            seen: object = result) -> object:
                    store.put_article(one, *process_article(one, gazetteer, []))
                    return result_from_store(store, gazetteer=gazetteer, previous=seen)

                result, _, wall = cpu(add_one)
                plus_one.append(wall)
            if args.keep and size == max(sizes):
                store.backup(args.keep)
            per_article = file_bytes / size / 1e3
            print(f"| {size:,} | {len(result.reports):,} | {len(result.incidents):,} | "
                  f"{ingest_ms:.1f} | {per_article:.1f} ({per_article - text_bytes / 1e3:.1f})"
                  f" | {merge_s:.2f} | {scan_s:.2f} | {statistics.median(rebuilds):.2f} | "
                  f"{statistics.median(colds):.2f} | {statistics.median(plus_one):.2f} | "
                  f"{peak_rss_mb():.0f} |", flush=True)


if __name__ == "__main__":
    main()
