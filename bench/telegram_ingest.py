"""A Telegram channel against English articles of the same length: time per message to ingest.

    python bench/telegram_ingest.py [--messages 2000]

Makes a Telegram Desktop export of N short Ukrainian posts (``geo.synthetic.make_posts``:
towns, weapons, tolls and days vary) and an English JSON file of N posts of the same lengths
(the same templates in English), ingests each into a fresh store (`geo.store.ingest.ingest`,
as the Add page and `python -m geo ingest` do), and prints the time per message of each and
their ratio. The issue's yardstick: a channel ingests at no worse per message than English
articles of the same length.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.gazetteer.index import Gazetteer  # noqa: E402
from geo.io.articles import MAX_RECORDS  # noqa: E402
from geo.store.db import Store  # noqa: E402
from geo.store.ingest import ingest  # noqa: E402
from geo.synthetic import make_posts  # noqa: E402


def time_ingest(uploads: list[tuple[str, bytes]], gazetteer: Gazetteer) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "store.sqlite")
        started = time.perf_counter()
        report = ingest(store, uploads, gazetteer)
        return time.perf_counter() - started, len(report.added)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=2000)
    args = parser.parse_args()
    gazetteer = Gazetteer.load()
    export, english = make_posts(args.messages)
    uk_chars = sum(len(m["text"]) for m in export["messages"]) / args.messages
    en_chars = sum(len(p["text"]) for p in english) / args.messages
    ingest(Store(Path(tempfile.mkdtemp()) / "warm.sqlite"),
           [("warm.json", json.dumps(english[:5]).encode())], gazetteer)  # models loaded
    uk_s, uk_n = time_ingest([("result.json", json.dumps(export).encode())], gazetteer)
    # An ordinary JSON file holds at most MAX_RECORDS articles: the English posts go in
    # files of that many, in one ingest.
    chunks = [english[i:i + MAX_RECORDS] for i in range(0, len(english), MAX_RECORDS)]
    en_s, en_n = time_ingest([(f"english-{k}.json", json.dumps(c).encode())
                              for k, c in enumerate(chunks)], gazetteer)
    print("| input | messages stored | mean characters | seconds | ms per message |")
    print("|---|---|---|---|---|")
    print(f"| Telegram export (Ukrainian) | {uk_n:,} | {uk_chars:.0f} | {uk_s:.1f} "
          f"| {1000 * uk_s / max(uk_n, 1):.1f} |")
    print(f"| English posts, same templates | {en_n:,} | {en_chars:.0f} | {en_s:.1f} "
          f"| {1000 * en_s / max(en_n, 1):.1f} |")
    print(f"\nTelegram / English per message: {(uk_s / max(uk_n, 1)) / (en_s / max(en_n, 1)):.2f}")


if __name__ == "__main__":
    main()
