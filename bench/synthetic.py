"""A synthetic corpus for load tests: articles whose sentences each report one shelling of a
distinct Ukrainian town on a distinct day, so N sentences make N incidents.

    python bench/synthetic.py OUT_DIR [--incidents 10000]
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.gazetteer.index import Gazetteer, normalize  # noqa: E402

SENTENCES_PER_ARTICLE = 20


def unambiguous_towns(gazetteer: Gazetteer, *, country: str = "UA") -> list[str]:
    """Towns whose name no other place bears, so each sentence resolves to one place."""
    towns = []
    for _key, name, _lat, _lon, feature, cc, _a1, population, _tz, _gid in gazetteer.places:
        if feature == "city" and cc == country and population >= 2000 and name.isalpha() and (
                len(gazetteer.lookup(normalize(name))) == 1):
            towns.append(name)
    return sorted(towns)


def write_corpus(out_dir: Path, *, incidents: int, gazetteer: Gazetteer) -> int:
    """Write articles and a manifest; returns the number of articles."""
    out_dir.mkdir(parents=True, exist_ok=True)
    towns = unambiguous_towns(gazetteer)
    pairs = [(day, town) for day in range(1, 29) for town in towns][:incidents]
    rows = []
    for n in range(0, len(pairs), SENTENCES_PER_ARTICLE):
        name = f"synthetic_{n // SENTENCES_PER_ARTICLE:05d}.txt"
        text = " ".join(f"Russian forces shelled {town} on March {day}, 2022."
                        for day, town in pairs[n:n + SENTENCES_PER_ARTICLE])
        (out_dir / name).write_text(text + "\n", encoding="utf-8")
        rows.append({"file": name, "outlet": f"Outlet {n % 7}", "published": "2022-03-28",
                     "timezone": "Europe/Kyiv", "title": ""})
    with (out_dir / "manifest.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["file", "outlet", "published", "timezone",
                                                "title"])
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--incidents", type=int, default=10_000)
    args = parser.parse_args()
    n = write_corpus(args.out_dir, incidents=args.incidents, gazetteer=Gazetteer.load())
    print(f"{n} articles in {args.out_dir}")


if __name__ == "__main__":
    main()
