"""The dev sets beside the checkout (``../shared/dev/``), read at run time and never copied
into the project, and the field's geoparsing score over them: what the benches, the accuracy
floors in the tests and the training code (``geo.training``) share.

GeoWebNews (``gwn.jsonl``): articles with gold toponyms. A predicted toponym matches a gold
one by the field's rule (``geo.learn.scoring.match_spans``); P, R, F1 count matches; Acc@161
is the share of matches placed within 161 km of the gold point (a matched mention left
unresolved counts as a miss there). ACLED (``acled_ukraine_dev.jsonl``): coders' notes, each
with its gold event.

Example:
    >>> score = Score(tp=8, fp=2, fn=2, errors_km=[10.0, 200.0])
    >>> round(score.f1, 3), score.acc161
    (0.8, 0.5)
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from geo.geodesy import haversine_km
from geo.learn.scoring import match_spans, toponym_span
from geo.records import Article, Resolution

# Beside the checkout, not in it: the dev sets are for measuring, never shipped.
DEV_DIR = Path(__file__).resolve().parents[3] / "shared" / "dev"
GWN_DEV = DEV_DIR / "gwn.jsonl"
ACLED_DEV = DEV_DIR / "acled_ukraine_dev.jsonl"
_FAR_KM = 20_037.5  # half the equator: an unresolved match is as wrong as it gets


@dataclass(frozen=True)
class Gold:
    start: int
    end: int
    text: str
    lat: float | None
    lon: float | None


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors_km: list[float] | None = None
    parsed: list | None = None

    def __post_init__(self) -> None:
        self.errors_km = [] if self.errors_km is None else self.errors_km
        self.parsed = [] if self.parsed is None else self.parsed

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def acc161(self) -> float:
        if not self.errors_km:
            return 0.0
        return sum(e <= 161 for e in self.errors_km) / len(self.errors_km)

    @property
    def median_km(self) -> float:
        return statistics.median(self.errors_km) if self.errors_km else float("nan")


def read_gwn(path: Path = GWN_DEV, *, limit: int | None = None,
             ) -> list[tuple[Article, list[Gold]]]:
    """The dev set's articles and their gold toponyms."""
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            gold = [Gold(t["start"], t["end"], t["text"], t.get("lat"), t.get("lon"))
                    for t in row["toponyms"]]
            out.append((Article(id=row["id"], text=row["text"]), gold))
            if limit and len(out) >= limit:
                break
    return out


def match(predicted: list[Resolution], gold: list[Gold]) -> tuple[
        list[tuple[Resolution, Gold]], list[Resolution], list[Gold]]:
    """Pair predictions with gold toponyms by the field's rule (``geo.learn.scoring``)."""
    spans = [(*toponym_span(r.mention.start, r.mention.end, r.mention.text, r.mention.pattern),
              r) for r in predicted]
    pairs, unmatched, missed = match_spans(spans, [(g.start, g.end, g.text, g) for g in gold])
    return ([(p[3], g[3]) for p, g in pairs], [p[3] for p in unmatched], [g[3] for g in missed])


def error_km(r: Resolution, g: Gold) -> float | None:
    if g.lat is None or g.lon is None:
        return None
    if r.place is None:
        return _FAR_KM
    return haversine_km(r.place.lat, r.place.lon, g.lat, g.lon)


def score_corpus(corpus: Iterable[tuple[Article, list[Gold]]],
                 parse: Callable[[Article], list[Resolution]],
                 ) -> tuple[Score, Counter, Counter, Counter]:
    """Score ``parse(article) -> list[Resolution]`` over the corpus."""
    total = Score()
    false_pos: Counter = Counter()
    misses: Counter = Counter()
    far: Counter = Counter()
    for article, gold in corpus:
        pairs, unmatched, missed = match(parse(article), gold)
        total.tp += len(pairs)
        total.fp += len(unmatched)
        total.fn += len(missed)
        false_pos.update(r.mention.text for r in unmatched)
        total.parsed.append((article, pairs, unmatched, missed))
        misses.update(g.text for g in missed)
        for r, g in pairs:
            km = error_km(r, g)
            if km is None:
                continue
            total.errors_km.append(km)
            if km > 161:
                where = "unresolved" if r.place is None else (
                    f"{r.place.name} ({r.place.country_code}, {r.place.feature})")
                far[f"{r.mention.text} -> {where}, {km:.0f} km"] += 1
    return total, false_pos, misses, far


def read_acled(path: Path = ACLED_DEV, *, limit: int | None = None) -> list[dict]:
    """The ACLED dev set's rows (a coder's note and its gold event each)."""
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            rows.append(json.loads(line))
            if limit and len(rows) >= limit:
                break
    return rows


def as_article(row: dict) -> Article:
    """A note as one article: outlet "ACLED", published the day after the event, time zone
    Europe/Kyiv (as ``../shared/dev/README.md`` says)."""
    day = dt.datetime.strptime(row["event_date"], "%d %B %Y").date()
    return Article(id=str(row["data_id"]), text=row["notes"], outlet="ACLED",
                   published=day + dt.timedelta(days=1), timezone="Europe/Kyiv")
