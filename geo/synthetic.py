"""Synthetic news corpora for the benches and the tests, seeded and reproducible: nothing
here is real news, and nothing here runs in the pipeline.

* ``generate``: distinct articles (~5 kB) for scale benchmarks. Each reports three or four
  happenings among background sentences; the happenings are drawn from a pool of distinct
  (place, day, kind) events, and about half of them are re-reported by another outlet in
  other words, days later, so that merging has real work: most incidents have one report,
  many have two or three. Towns come from the bundled gazetteer (names no other place bears,
  so the place is never the question here) in several countries; days spread over years, so
  the corpus grows in time as a news archive does. ``write`` puts them in a folder.
* ``write_corpus``: a load-test corpus whose sentences each report one shelling of a distinct
  Ukrainian town on a distinct day, so N sentences make N incidents.
* ``make_posts``: a Telegram channel's export of short Ukrainian posts, and the same posts
  in English.
* ``seed_corpus`` and ``distinct_corpus``: corpora of at least a size, from the bundled seed
  articles repeated or from ``generate``.

Example:
    >>> articles = generate(3, Gazetteer.load(), seed=1, days=30)
    >>> [a.id for a in articles], all(a.published for a in articles)
    (['gen_000000', 'gen_000001', 'gen_000002'], True)
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from geo.gazetteer.index import Gazetteer, normalize
from geo.io.articles import read_articles
from geo.records import Article

ROOT = Path(__file__).resolve().parents[1]

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


def towns_by_country(gazetteer: Gazetteer, countries: Iterable[str] = tuple(COUNTRIES),
                     ) -> dict[str, list[str]]:
    """Towns (2,000 people or more, a one-word name) whose name no other place in the
    gazetteer bears, per country, so a sentence naming one resolves to it alone; a country
    with none is left out."""
    out: dict[str, list[str]] = {cc: [] for cc in countries}
    for _key, name, _lat, _lon, feature, cc, _a1, population, _tz, _gid in gazetteer.places:
        if (cc in out and feature == "city" and population >= 2000 and name.isalpha()
                and len(gazetteer.lookup(normalize(name))) == 1):
            out[cc].append(name)
    return {cc: sorted(names) for cc, names in out.items() if names}


def unambiguous_towns(gazetteer: Gazetteer, *, country: str = "UA") -> list[str]:
    """``towns_by_country`` of one country."""
    return towns_by_country(gazetteer, (country,)).get(country, [])


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
    """Write each article as ``<id>.txt`` and a ``manifest.csv`` into ``out_dir``."""
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


# --------------------------------------------------------------------------- load corpus

SENTENCES_PER_ARTICLE = 20


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


# --------------------------------------------------------------------------- Telegram posts

TOWNS_UK = [("Харків", "Kharkiv"), ("Суми", "Sumy"), ("Херсон", "Kherson"),
            ("Запоріжжя", "Zaporizhzhia"), ("Нікополь", "Nikopol"), ("Одеса", "Odesa")]
TEMPLATES = [
    ("Уночі ворожі дрони атакували {uk}, поранено {n} людей.",
     "Overnight enemy drones attacked {en}, wounding {n} people."),
    ("Окупанти обстріляли {uk} з артилерії, загинула {n} людина.",
     "The occupiers shelled {en} with artillery, killing {n} person."),
    ("У {uk} пролунали вибухи, інформація про постраждалих уточнюється.",
     "Explosions were heard in {en}; casualties are being established."),
]


def make_posts(n: int, seed: int = 7) -> tuple[dict, list[dict]]:
    """A Telegram Desktop export of ``n`` short Ukrainian posts (towns, tolls and days vary)
    and the same ``n`` posts in English, as a JSON article list of the same lengths."""
    rng = random.Random(seed)
    messages, english = [], []
    for i in range(n):
        (uk, en), (t_uk, t_en) = rng.choice(TOWNS_UK), rng.choice(TEMPLATES)
        day = f"2024-11-{1 + i % 28:02d}"
        count = rng.randint(1, 9)
        # A serial number keeps every post distinct: the same text twice is stored once.
        messages.append({"id": i + 1, "type": "message", "date": f"{day}T08:00:00",
                         "text": t_uk.format(uk=uk, n=count) + f" Повідомлення {i + 1}."})
        english.append({"id": f"en-{i + 1}", "text": t_en.format(en=en, n=count)
                        + f" Message {i + 1}.", "published": day, "outlet": "Bench Wire"})
    return {"name": "Бенч", "type": "public_channel", "id": 1, "messages": messages}, english


# --------------------------------------------------------------------------- corpora by size

def seed_corpus(min_bytes: int) -> list[Article]:
    """The bundled seed articles, repeated (with distinct ids) to at least ``min_bytes``."""
    seeds = read_articles([ROOT / "data" / "articles"])
    corpus: list[Article] = []
    size = 0
    n = 0
    while size < min_bytes:
        for a in seeds:
            corpus.append(replace(a, id=f"{a.id}-{n}"))
            size += len(a.text.encode())
        n += 1
    return corpus


def distinct_corpus(min_bytes: int, *, seed: int = 7) -> list[Article]:
    """Distinct generated articles (``generate``) of at least ``min_bytes`` in all: no text
    repeats, so no cache or copy detection flatters a run."""
    n = max(1, min_bytes // 4800 + 1)
    return generate(n, Gazetteer.load(), seed=seed, days=max(30, n // 10))
