"""Distinct generated news articles for scale benchmarks, seeded and reproducible.

Each article (~5 kB) reports three or four happenings among background sentences; the
happenings are drawn from a pool of distinct (place, day, kind) events, and about half of
them are re-reported by another outlet in other words, days later, so that merging has real
work: most incidents have one report, many have two or three. Towns come from the bundled
gazetteer (names no other place bears, so the place is never the question here) in several
countries; days spread over years, so the corpus grows in time as a news archive does.

    python bench/generate.py OUT_DIR --articles 1000 [--seed 7]

writes ``OUT_DIR/*.txt`` and ``OUT_DIR/manifest.csv``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.gazetteer.index import Gazetteer, normalize  # noqa: E402
from geo.records import Article  # noqa: E402

COUNTRIES = {"UA": 6, "SY": 2, "SD": 1, "ML": 1, "NG": 1, "MM": 1}  # relative weights
START = dt.date(2022, 2, 24)
OUTLETS = [f"{name} {kind}" for name in ("Northern", "Coastal", "Capital", "Evening",
                                         "Daily", "Frontline", "Independent", "Regional")
           for kind in ("Herald", "Post", "Wire", "Monitor")]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
KIND_TEMPLATES = {
    "shelling": [
        "{Actor} shelled {town} on {day}, killing {k} civilians, local officials said.",
        "At least {k} people were killed when artillery shells hit {town} on {day}.",
        "Shelling of {town} on {day} killed {k} people and damaged several houses.",
    ],
    "air strike": [
        "An air strike on {town} on {day} killed {k} people, according to rescuers.",
        "{k} civilians died in an airstrike that hit a market in {town} on {day}.",
        "Warplanes bombed {town} on {day}; the strike killed {k} residents.",
    ],
    "clash": [
        "Fighting broke out near {town} on {day}, and {k} soldiers were killed in the clashes.",
        "{Actor} clashed with government troops in {town} on {day}, leaving {k} dead.",
        "On {day}, an ambush near {town} killed {k} soldiers, the army said.",
    ],
    "attack": [
        "Gunmen attacked {town} on {day}, killing {k} villagers.",
        "On {day}, armed men opened fire on residents of {town}, killing {k}.",
    ],
    "protest": [
        "Hundreds of people protested in {town} on {day} against rising prices.",
        "On {day}, demonstrators gathered in {town} to demand the release of detainees.",
    ],
}
ACTORS = {"UA": "Russian forces", "SY": "Government forces", "SD": "The Rapid Support Forces",
          "ML": "Militants", "NG": "Insurgents", "MM": "The military"}
# Background sentences are put together from parts, so that no two articles share long runs
# of words by chance (which would make them look like copies of one wire story).
SUBJECTS = ["Aid agencies", "The regional council", "A local volunteer group", "Doctors at the "
            "main hospital", "Teachers", "Shop owners", "Railway staff", "The mayor's office",
            "Relief workers", "Farmers", "Residents of the old quarter", "A church charity",
            "The water company", "Engineers", "Bus drivers", "Pensioners"]
PREDICATES = ["said they were preparing", "complained about", "asked for more", "reported "
              "shortages of", "began handing out", "were still waiting for", "warned of delays "
              "to", "counted", "organised", "could not confirm", "set up a register of",
              "published a list of", "raised money for", "repaired"]
OBJECTS = ["{n} food parcels", "{n} blankets", "generators", "drinking water", "{n} beds",
           "school buses", "medicine", "{n} tonnes of grain", "fuel", "winter clothes",
           "{n} temporary homes", "bread", "baby food", "spare parts", "{n} heaters"]
TAILS = ["this week", "on the same day", "before the weekend", "over the past month",
         "since the spring", "for the third time", "after the power cut", "despite the cold",
         "in the evening", "ahead of the winter", "with help from abroad", "by Friday", ""]
@dataclass(frozen=True)
class Happening:
    kind: str
    town: str
    country: str
    day: dt.date
    killed: int


def towns_by_country(gazetteer: Gazetteer) -> dict[str, list[str]]:
    """Towns whose name no other place in the gazetteer bears, per country."""
    out: dict[str, list[str]] = {cc: [] for cc in COUNTRIES}
    for _key, name, _lat, _lon, feature, cc, _a1, population, _tz, _gid in gazetteer.places:
        if (cc in out and feature == "city" and population >= 2000 and name.isalpha()
                and len(gazetteer.lookup(normalize(name))) == 1):
            out[cc].append(name)
    return {cc: sorted(names) for cc, names in out.items() if names}


def _day_words(day: dt.date, rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


_BACKGROUND_SENTENCES = 72


def _background(rng: random.Random) -> str:
    words = " ".join(w for w in (rng.choice(SUBJECTS), rng.choice(PREDICATES),
                                 rng.choice(OBJECTS), rng.choice(TAILS)) if w)
    return words.format(n=rng.randint(2, 900)) + "."


def _sentence(h: Happening, rng: random.Random) -> str:
    template = rng.choice(KIND_TEMPLATES[h.kind])
    return template.format(Actor=ACTORS[h.country], town=h.town, day=_day_words(h.day, rng),
                           k=h.killed)


def generate(n_articles: int, gazetteer: Gazetteer, *, seed: int = 7,
             days: int = 1000) -> list[Article]:
    """``n_articles`` distinct articles over ``days`` days (more days for more articles keeps
    the density of happenings per day and place realistic)."""
    rng = random.Random(seed)
    towns = towns_by_country(gazetteer)
    countries = [cc for cc in COUNTRIES if cc in towns]
    weights = [COUNTRIES[cc] for cc in countries]
    reported: list[tuple[Happening, str]] = []  # happenings first reported, with the outlet
    articles = []
    for n in range(n_articles):
        outlet = OUTLETS[n % len(OUTLETS)]
        day_of_article = START + dt.timedelta(days=int(n * days / max(n_articles, 1)))
        happenings: list[Happening] = []
        for _ in range(rng.choice((3, 4))):
            if reported and rng.random() < 0.5:
                # Another outlet's report of a recent happening, days after it.
                recent = [r for r in reported[-300:] if r[1] != outlet]
                if recent:
                    happenings.append(rng.choice(recent)[0])
                    continue
            cc = rng.choices(countries, weights)[0]
            kind = rng.choice(list(KIND_TEMPLATES))
            if kind == "protest":
                killed = 0
            else:
                killed = rng.randint(1, 40)
            back = rng.randint(0, 3)
            happenings.append(Happening(kind, rng.choice(towns[cc]), cc,
                                        day_of_article - dt.timedelta(days=back), killed))
            reported.append((happenings[-1], outlet))
        sentences = [_sentence(h, rng) for h in happenings]
        filler = [_background(rng) for _ in range(_BACKGROUND_SENTENCES)]
        body = sentences[:1] + filler[:8] + sentences[1:] + filler[8:]
        text = " ".join(body[:3]) + "\n\n" + "\n\n".join(
            " ".join(body[i:i + 4]) for i in range(3, len(body), 4))
        published = max(h.day for h in happenings) + dt.timedelta(days=rng.randint(0, 2))
        articles.append(Article(id=f"gen_{n:06d}", text=text, title=f"Report {n}",
                                outlet=outlet, published=published, timezone="UTC"))
    return articles


def write(articles: list[Article], out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / "manifest.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["file", "outlet", "published", "timezone",
                                                "title"])
        writer.writeheader()
        for a in articles:
            (out_dir / f"{a.id}.txt").write_text(a.text + "\n", encoding="utf-8")
            writer.writerow({"file": f"{a.id}.txt", "outlet": a.outlet,
                             "published": a.published.isoformat() if a.published else "",
                             "timezone": a.timezone, "title": a.title})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    articles = generate(args.articles, Gazetteer.load(), seed=args.seed,
                        days=max(30, args.articles // 10))
    write(articles, args.out_dir)
    print(f"{len(articles)} articles in {args.out_dir}")


if __name__ == "__main__":
    main()
