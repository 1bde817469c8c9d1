"""Incident accuracy on whole articles (``../shared/dev/articles_dev.jsonl`` and the Ukrainian
and Russian ``articles_dev_uk_ru.jsonl``).

    python bench/articles_accuracy.py [--dev PATH ...] [--worst N] [--show ID]

Each article is extracted on its own, with its ``published`` day, ``outlet`` and ``title`` as
metadata, exactly as ``../shared/dev/README.md`` says. Produced and gold incidents are paired
within 25 km, closest pair first, each used once. Printed per language:

- recall: gold incidents paired / gold incidents;
- precision: produced incidents paired / produced incidents (every incident produced counts,
  not only the best match);
- on the pairs: date exact, sub-event type, actor1 (same force: the name without ACLED's
  period suffix "(2000-)"), fatalities exact;
- total fatalities produced / gold.

``--worst`` lists the unpaired produced incidents (what would be false points on the map) and
the gold incidents missed. The dev sets are read at run time and never copied into the project.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.gazetteer.index import Gazetteer  # noqa: E402
from geo.incidents import Incident, extract_incidents  # noqa: E402
from geo.learn.scoring import pair_points  # noqa: E402
from geo.records import Article  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEV_DIR = ROOT.parent / "shared" / "dev"
DEFAULT = (DEV_DIR / "articles_dev.jsonl", DEV_DIR / "articles_dev_uk_ru.jsonl")
_PERIOD = re.compile(r"\s*\(\d{4}-\d{0,4}\)\s*$")


def read_dev(paths: list[Path]) -> list[dict]:
    rows = []
    for path in paths:
        with path.open(encoding="utf-8") as fh:
            rows.extend(json.loads(line) for line in fh if line.strip())
    return rows


def as_article(row: dict) -> Article:
    published = dt.datetime.fromisoformat(row["published"])
    return Article(id=row["id"] + "-" + row.get("lang", "en"), text=row["text"],
                   title=row.get("title", ""), outlet=row.get("outlet", ""),
                   published=published.date())


def same_force(a: str, b: str) -> bool:
    """One force whatever its period suffix; ACLED's air-force unit of a military ("Military
    Forces of Russia (2000-) Air Force") is that military."""
    def force(name: str) -> str:
        return _PERIOD.sub("", name.removesuffix(" Air Force")).casefold()
    return bool(a) and force(a) == force(b)


def pair(produced: list[Incident], gold: list[dict]) -> list[tuple[Incident, dict, float]]:
    """Produced and gold incidents within 25 km, closest pair first, each used once; two
    incidents of one place (equally far) are paired by the same day and sub-event type,
    where the order was arbitrary (an armed clash and a shelling in El Fasher the same day
    paired crosswise made both look wrong)."""
    def agreement(i: int, j: int) -> int:
        return ((produced[i].event_date.isoformat() == gold[j]["event_date"])
                + (produced[i].sub_event_type == gold[j]["sub_event_type"]))

    pairs = pair_points([(p.place.lat, p.place.lon) for p in produced],
                        [(g["latitude"], g["longitude"]) for g in gold], agreement=agreement)
    return [(produced[i], gold[j], km) for i, j, km in pairs]


def score(rows: list[dict], gazetteer: Gazetteer, *, worst: int = 0,
          show: str = "") -> dict[str, Counter]:
    by_lang: dict[str, Counter] = defaultdict(Counter)
    misses: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        lang = row.get("lang", "en")
        c = by_lang[lang]
        produced = extract_incidents([as_article(row)], gazetteer)
        gold = row["incidents"]
        pairs = pair(produced, gold)
        c["articles"] += 1
        c["gold"] += len(gold)
        c["produced"] += len(produced)
        c["paired"] += len(pairs)
        c["fatalities produced"] += sum(i.fatalities or 0 for i in produced)
        c["fatalities gold"] += sum(int(g["fatalities"] or 0) for g in gold)
        for inc, g, _km in pairs:
            c["date"] += inc.event_date.isoformat() == g["event_date"]
            c["sub-event type"] += inc.sub_event_type == g["sub_event_type"]
            c["actor1"] += same_force(inc.actor1, g["actor1"])
            c["fatalities exact"] += (inc.fatalities or 0) == int(g["fatalities"] or 0)
            if show == row["id"] or worst:
                why = []
                if inc.event_date.isoformat() != g["event_date"]:
                    why.append(f"date {inc.event_date} != {g['event_date']}")
                if inc.sub_event_type != g["sub_event_type"]:
                    why.append(f"type {inc.sub_event_type} != {g['sub_event_type']}")
                if not same_force(inc.actor1, g["actor1"]):
                    why.append(f"actor {inc.actor1!r} != {g['actor1']!r}")
                if (inc.fatalities or 0) != int(g["fatalities"] or 0):
                    why.append(f"dead {inc.fatalities} != {g['fatalities']}")
                if why:
                    misses["paired but wrong"].append(
                        f"{row['id']} {g['location']}: " + "; ".join(why))
        paired_ids = {id(p) for p, _g, _km in pairs}
        paired_gold = {id(g) for _p, g, _km in pairs}
        for inc in produced:
            if id(inc) not in paired_ids:
                excerpt = inc.reports[0].excerpt.replace("\n", " ")[:150]
                misses["produced, not gold"].append(
                    f"{row['id']} {inc.event_date} {inc.location} [{inc.sub_event_type}] "
                    f"dead={inc.fatalities} :: {excerpt}")
        for g in gold:
            if id(g) not in paired_gold:
                misses["gold missed"].append(
                    f"{row['id']} {g['event_date']} {g['location']} [{g['sub_event_type']}] "
                    f":: {g['evidence'][:150]}")
    if worst:
        for cause, lines in misses.items():
            print(f"\n## {cause} ({len(lines)})")
            for line in lines[:worst]:
                print("  " + line)
    return by_lang


def print_table(by_lang: dict[str, Counter]) -> None:
    print("| lang | articles | gold | produced | recall | precision | date | sub-event type "
          "| actor1 | fatalities exact | fatalities produced/gold |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for lang, c in sorted(by_lang.items()):
        paired = c["paired"] or 1
        ratio = c["fatalities produced"] / (c["fatalities gold"] or 1)
        print(f"| {lang} | {c['articles']} | {c['gold']} | {c['produced']} "
              f"| {c['paired'] / (c['gold'] or 1):.2f} | {c['paired'] / (c['produced'] or 1):.2f} "
              f"| {c['date'] / paired:.2f} | {c['sub-event type'] / paired:.2f} "
              f"| {c['actor1'] / paired:.2f} | {c['fatalities exact'] / paired:.2f} "
              f"| {c['fatalities produced']:,}/{c['fatalities gold']:,} ({ratio:.2f}) |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dev", type=Path, nargs="*", default=list(DEFAULT))
    parser.add_argument("--worst", type=int, default=0)
    parser.add_argument("--show", default="")
    parser.add_argument("--only", default="", help="an article id to run alone")
    args = parser.parse_args()
    paths = [p for p in args.dev if p.exists()]
    if not paths:
        sys.exit(f"no dev set at {args.dev} (see ../shared/dev/README.md)")
    gazetteer = Gazetteer.load()
    rows = read_dev(paths)
    if args.only:
        rows = [r for r in rows if r["id"] == args.only]
    started = time.perf_counter()
    by_lang = score(rows, gazetteer, worst=args.worst, show=args.show)
    print()
    print_table(by_lang)
    print(f"\n{len(rows)} articles in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
