"""What the analyst's corpus already knows about where things happen: the resolver's corpus prior.

A village named in a report of shelling is far more likely the namesake near the other
shelling of that week than one 200 km behind the front. The store's other reports of the
same days are that knowledge: ``Corpus`` holds their places (``CorpusPoint``), and
``Corpus.closeness`` is the candidate feature the resolver weighs (``near_corpus`` in
``geo.nlp.resolve.candidate_features``).

Only confident resolutions feed it (``CONFIDENT_SCORE``: the resolver's own share of the
candidates' weight, in practice a name with one place or one clear winner), and an article
never counts its own reports, so a wrong guess cannot reinforce itself: it enters the corpus
only when the resolver was already sure. An empty corpus (a new store, a single article)
gives every candidate 0: the resolver then decides exactly as without it.

Example:
    >>> import datetime as dt
    >>> from geo.records import Place
    >>> day = dt.date(2022, 7, 1)
    >>> front = Corpus.of([CorpusPoint(day, 48.03, 37.50), CorpusPoint(day, 48.10, 37.60)])
    >>> near = Place(key="a", name="Novoselivka", lat=48.05, lon=37.45, feature="city",
    ...              country_code="UA", admin1_code="UA.05", population=0)
    >>> far = Place(key="b", name="Novoselivka", lat=47.20, lon=35.20, feature="city",
    ...             country_code="UA", admin1_code="UA.26", population=0)
    >>> round(front.closeness(near), 2), round(front.closeness(far), 2)
    (1.01, 0.07)
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from geo.learn.weights import read_weights
from geo.records import Place

#: A resolution this sure (its share of the candidates' weight) may teach the others.
CONFIDENT_SCORE = 0.9
PRIOR_JSON = Path(__file__).resolve().parents[2] / "data" / "models" / "corpus_prior.json"
#: Version of the prior's feature; a model file made for another is refused.
PRIOR_VERSION = 1
_KM_PER_DEGREE = 111.195


@dataclass(frozen=True)
class PriorModel:
    """How much the corpus counts, learned by ``scripts/train_corpus_prior.py``.

    ``weight`` multiplies a candidate's density (added to the ranker's logit), ``scale_km``
    is how fast a report's pull fades with distance, ``window_days`` how far back reports
    speak for an article (reports up to a day after it count too: time zones, late filing).
    """

    weight: float
    scale_km: float
    window_days: int

    @classmethod
    def load(cls, path: Path = PRIOR_JSON) -> PriorModel:
        """Read and check the model file.

        Raises:
            GeoError: when the file is missing, malformed, or made for another feature.
        """
        data = read_weights(path, version=PRIOR_VERSION, what="the corpus prior",
                            retrain="python scripts/train_corpus_prior.py")
        return cls(weight=data["weights"]["near_corpus"], scale_km=float(data["scale_km"]),
                   window_days=int(data["window_days"]))

    def window(self, day: dt.date) -> tuple[dt.date, dt.date]:
        """The first and last day whose reports speak for an article of ``day``."""
        return day - dt.timedelta(days=self.window_days), day + dt.timedelta(days=1)


@lru_cache(maxsize=1)
def shipped_prior() -> PriorModel:
    """The learned prior; with no model file, a prior that weighs nothing."""
    return PriorModel.load() if PRIOR_JSON.exists() else PriorModel(0.0, 30.0, 14)


@dataclass(frozen=True)
class CorpusPoint:
    """Where and when one confidently placed report of the store happened."""

    day: dt.date
    lat: float
    lon: float


@dataclass(frozen=True)
class Corpus:
    """The confident report places around one article's date (``Store.corpus_points``).

    A place reported ten times counts ten times: the density, not the nearest point, says
    where the fighting of those days is, and one stray report pulls little.
    """

    points: tuple[CorpusPoint, ...] = ()
    scale_km: float = 30.0
    weight: float = 0.0
    _memo: dict[str, float] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, points: list[CorpusPoint] | tuple[CorpusPoint, ...], *,
           prior: PriorModel | None = None) -> Corpus:
        """A corpus of these points, weighed as ``prior`` says (default: the shipped one).
        The points are sorted: the density is then the same sum, to the last bit, however
        they were gathered (one process reading the store, or a Dask worker given them)."""
        prior = prior or shipped_prior()
        return cls(points=tuple(sorted(points, key=lambda p: (p.day, p.lat, p.lon))),
                   scale_km=prior.scale_km, weight=prior.weight)

    @classmethod
    def around(cls, points: list[CorpusPoint] | tuple[CorpusPoint, ...], day: dt.date, *,
               prior: PriorModel | None = None) -> Corpus:
        """The corpus of an article of ``day``: the points of its window."""
        prior = prior or shipped_prior()
        first, last = prior.window(day)
        return cls.of([p for p in points if first <= p.day <= last], prior=prior)

    def __bool__(self) -> bool:
        return bool(self.points) and self.weight != 0.0

    def closeness(self, place: Place) -> float:
        """``log(1 + sum(exp(-km / scale_km)))`` over the points; 0 with none."""
        if not self.points:
            return 0.0
        if place.key not in self._memo:
            cos_lat = math.cos(math.radians(place.lat))
            # Equirectangular: exact enough over the tens of km this feature cares about.
            total = sum(math.exp(-_KM_PER_DEGREE * math.hypot(
                p.lat - place.lat, (p.lon - place.lon) * cos_lat) / self.scale_km)
                for p in self.points)
            self._memo[place.key] = math.log1p(total)
        return self._memo[place.key]
