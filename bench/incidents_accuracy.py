"""Incident accuracy on real ACLED reports (``../shared/dev/acled_ukraine_dev.jsonl``).

    python bench/incidents_accuracy.py [--dev PATH] [--limit N] [--worst 10] [--alone]

Each coder's note is fed as one article (outlet "ACLED", published the day after the event,
time zone Europe/Kyiv), exactly as ``../shared/dev/README.md`` says, and its incidents are
compared with the gold event: the share of notes that yield an incident, the nearest
incident within 5/25/50 km of the gold point, and for that incident: date exact, event type,
sub-event type, actor1, fatalities exact on deadly events. Precision too, since the nearest
incident alone would hide extra ones: the incidents produced per note (mean, and the share of
notes with more than one; a note reports one event) and the share of all produced incidents,
not only the nearest, farther than 25 km from the gold point. Prints the worst examples by
cause. The dev set is read at run time and never copied into the project.

Two ways of reading the notes, side by side: **each alone** (a note is the only thing the
program knows) and **one store, date order** (the notes ingested one by one, in date order,
into one store, as an analyst's store fills: the resolver's corpus prior, ``geo.nlp.corpus``,
then weighs each note's namesakes against the store's earlier reports). ``--alone`` runs the
first only. "Namesake chosen" is the share of notes whose nearest incident is over 25 km from
the gold point although the gazetteer holds a place of the name written within 25 km of it:
the gold place was found, and another of its namesakes chosen. The worst examples are the
store's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import tempfile  # noqa: E402

from geo.gazetteer.index import Gazetteer, normalize  # noqa: E402
from geo.geodesy import haversine_km  # noqa: E402
from geo.incidents import Incident, extract_incidents, merge_reports  # noqa: E402
from geo.learn.devsets import ACLED_DEV as DEV  # noqa: E402
from geo.learn.devsets import as_article  # noqa: E402
from geo.learn.devsets import read_acled as read_dev  # noqa: E402
from geo.store.db import Store  # noqa: E402
from geo.store.ingest import Defaults, ingest  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def incidents_alone(rows: list[dict], gazetteer: Gazetteer) -> list[list[Incident]]:
    """Each note read as the only article the program knows."""
    return [extract_incidents([as_article(row)], gazetteer) for row in rows]


def incidents_in_one_store(rows: list[dict], gazetteer: Gazetteer) -> list[list[Incident]]:
    """The notes ingested one by one, in date order, into one new store; each note's own
    reports merged into its incidents (the store's incidents merge notes of one place and
    day, and the score is per note)."""
    order = sorted(range(len(rows)), key=lambda i: (as_article(rows[i]).published, i))
    ids: dict[int, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "notes.sqlite")
        for i in order:
            article = as_article(rows[i])
            done = ingest(store, [(f"{article.id}.txt", article.text.encode())], gazetteer,
                          defaults=Defaults(outlet=article.outlet, published=article.published,
                                            timezone=article.timezone), article_seconds=None)
            ids[i] = (done.added or done.updated or [d for _, d in done.duplicates] or [""])[0]
        by_article: dict[str, list] = {}
        for report in store.reports():
            by_article.setdefault(report.article, []).append(report)
    return [merge_reports(by_article.get(ids[i], []), {}) for i in range(len(rows))]


def _namesake_near(best: Incident, row: dict, gazetteer: Gazetteer) -> bool:
    """The gazetteer holds a place of the name the incident's mention wrote within 25 km of
    the gold point: the right place was there to choose."""
    return any(haversine_km(p.lat, p.lon, row["latitude"], row["longitude"]) <= 25
               for p in map(gazetteer.place, gazetteer.lookup(
                   normalize(best.reports[0].mention_text))))


def evaluate(rows: list[dict], found: list[list[Incident]], gazetteer: Gazetteer
             ) -> tuple[Counter, dict[str, list[str]]]:
    """The counts of every measure and the examples of each cause of error."""
    counts: Counter = Counter()
    causes: dict[str, list[str]] = {}
    for row, incidents in zip(rows, found, strict=True):
        gold_day = dt.datetime.strptime(row["event_date"], "%d %B %Y").date()
        counts["notes"] += 1
        deadly = int(row["fatalities"] or 0) > 0
        counts["deadly"] += deadly
        # Precision: every incident produced counts, not only the one nearest the gold.
        counts["incidents produced"] += len(incidents)
        counts["notes with more than one incident"] += len(incidents) > 1
        far = [i for i in incidents
               if haversine_km(i.place.lat, i.place.lon, row["latitude"], row["longitude"]) > 25]
        counts["produced incidents > 25 km from the gold"] += len(far)
        if len(incidents) > 1:
            causes.setdefault("more than one incident", []).append(
                f"{len(incidents)} ({', '.join(i.place.name for i in incidents)}): "
                f"{row['notes']}")
        if not incidents:
            causes.setdefault("no incident", []).append(row["notes"])
            continue
        counts["produced"] += 1
        best = min(incidents, key=lambda i: haversine_km(
            i.place.lat, i.place.lon, row["latitude"], row["longitude"]))
        km = haversine_km(best.place.lat, best.place.lon, row["latitude"], row["longitude"])
        for limit in (5, 25, 50):
            counts[f"within {limit} km"] += km <= limit
        if km > 25 and _namesake_near(best, row, gazetteer):
            counts["namesake chosen"] += 1
            causes.setdefault("namesake chosen", []).append(
                f"{best.place.name} ({km:.0f} km): {row['notes']}")
        elif km > 25:
            causes.setdefault("far (> 25 km)", []).append(
                f"{best.place.name} ({km:.0f} km; gold {row['location']}): {row['notes']}")
        counts["date exact"] += best.event_date == gold_day
        if best.event_date != gold_day:
            causes.setdefault("date", []).append(
                f"{best.event_date} vs {gold_day}: {row['notes']}")
        counts["event type"] += best.event_type == row["event_type"]
        counts["sub-event type"] += best.sub_event_type == row["sub_event_type"]
        counts["actor1"] += best.actor1 == row["actor1"]
        # ACLED's public sample holds dyadic rows: for a two-sided event either side may be
        # its actor1. This share counts the gold actor1 found as either of the two actors.
        counts["actor1 one of the two actors"] += row["actor1"] in (best.actor1, best.actor2)
        # Whether both sides were found as the right kinds: ACLED's interaction code is the
        # same whichever side is actor1.
        counts["interaction code"] += best.interaction == row["interaction"]
        one_sided = row["interaction"] % 10 == 0
        counts["one-sided events"] += one_sided
        counts["actor1, one-sided events"] += one_sided and best.actor1 == row["actor1"]
        if not one_sided and best.actor1 and best.actor2:
            # The dyadic export's order, seen where both our actors were found: how often the
            # gold names as actor1 the side the note says was attacked.
            counts["two-sided, both found"] += 1
            counts["gold actor1 is the side attacked"] += best.actor2 == row["actor1"]
        if best.actor1 != row["actor1"]:
            causes.setdefault("actor1", []).append(
                f"{best.actor1 or '(none)'} vs {row['actor1']}: {row['notes']}")
        if best.sub_event_type != row["sub_event_type"]:
            causes.setdefault("sub-event type", []).append(
                f"{best.sub_event_type} vs {row['sub_event_type']}: {row['notes']}")
        if not deadly:
            # A toll invented for an event without deaths (a year, an age, a count of
            # buildings read as dead) is the error the deadly-only measure cannot see.
            counts["no deaths, no toll"] += not best.fatalities
            if best.fatalities:
                causes.setdefault("toll where none", []).append(
                    f"{best.fatalities}: {row['notes']}")
        if deadly:
            exact = (best.fatalities or 0) == int(row["fatalities"])
            counts["fatalities exact (deadly)"] += exact
            if not exact:
                causes.setdefault("fatalities", []).append(
                    f"{best.fatalities} vs {row['fatalities']}: {row['notes']}")
    return counts, causes


MEASURES = ("produced", "within 5 km", "within 25 km", "within 50 km", "namesake chosen",
            "date exact", "event type", "sub-event type", "actor1",
            "actor1 one of the two actors", "interaction code", "actor1, one-sided events",
            "gold actor1 is the side attacked", "fatalities exact (deadly)", "no deaths, no toll")
TARGETS = {"produced": "≥ .95", "within 25 km": "≥ .85", "namesake chosen": "≤ .05",
           "date exact": "≥ .95", "event type": "≥ .90", "sub-event type": "≥ .85",
           "actor1": "≥ .80", "fatalities exact (deadly)": "≥ .80"}


def share(counts: Counter, key: str) -> float:
    n = counts["notes"]
    base = (counts["deadly"] if "deadly" in key else
            n - counts["deadly"] if key == "no deaths, no toll" else
            counts["one-sided events"] if key == "actor1, one-sided events" else
            counts["two-sided, both found"] if key == "gold actor1 is the side attacked"
            else counts["incidents produced"] if key == "produced incidents > 25 km from the gold"
            else n)
    if key == "incidents produced per note (mean)":
        base, key = n, "incidents produced"
    return counts[key] / base if base else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dev", type=Path, default=DEV)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--worst", type=int, default=8)
    parser.add_argument("--alone", action="store_true",
                        help="read each note alone only (skip the one-store run)")
    args = parser.parse_args()
    if not args.dev.exists():
        sys.exit(f"no dev set at {args.dev} (see ../shared/dev/README.md)")
    gazetteer = Gazetteer.load()
    rows = read_dev(args.dev, limit=args.limit)
    started = time.perf_counter()
    runs = {"each alone": evaluate(rows, incidents_alone(rows, gazetteer), gazetteer)}
    alone_seconds = time.perf_counter() - started
    if not args.alone:
        runs["one store, date order"] = evaluate(
            rows, incidents_in_one_store(rows, gazetteer), gazetteer)
    seconds = time.perf_counter() - started
    counts, causes = list(runs.values())[-1]
    n = counts["notes"]
    print(f"ACLED Ukraine dev set: {n} notes, {counts['deadly']} deadly ({alone_seconds:.1f} s "
          f"alone; {seconds:.1f} s in all)\n")
    print("| measure | " + " | ".join(runs) + " | target |")
    print("|---|" + "---|" * len(runs) + "---|")
    for key in (*MEASURES, "incidents produced per note (mean)",
                "notes with more than one incident", "produced incidents > 25 km from the gold"):
        cells = " | ".join(f"{share(c, key):.3f}" for c, _ in runs.values())
        print(f"| {key} | {cells} | {TARGETS.get(key, '')} |")
    print("\n(shares are over all notes; deadly ones for fatalities; notes without deaths for "
          "'no deaths, no toll'; one-sided events (one gold actor) for 'actor1, one-sided "
          f"events' ({counts['one-sided events']}); two-sided events where we found both "
          f"sides ({counts['two-sided, both found']}) for 'gold actor1 is the side attacked'; "
          f"all {counts['incidents produced']} incidents produced for 'produced incidents "
          "> 25 km from the gold')")
    for cause, examples in causes.items():
        print(f"\n{cause}: {len(examples)}")
        for text in examples[:args.worst]:
            print(f"  - {text[:220]}")


if __name__ == "__main__":
    main()
