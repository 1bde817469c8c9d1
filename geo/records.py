"""The records every stage passes on: articles, places, mentions and their resolutions, the
casualty figures a sentence gives, the report of one happening an article gives, and the
incident reports are merged into.

Offsets are half-open character offsets into ``Article.text``: ``text[m.start:m.end] == m.text``
holds for every mention, as for a spaCy span. Coordinates are always (lat, lon); GeoJSON's
[lon, lat] order appears only in ``geo.exports``.

Example:
    >>> a = Article(id="a1", text="Shelling hit Kharkiv.")
    >>> m = Mention(article="a1", start=13, end=20, text="Kharkiv")
    >>> a.text[m.start:m.end] == m.text
    True
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum


class FeatureKind(StrEnum):
    """The kinds of place every stage knows (precision, map layer, colour in the reader).

    A place from anywhere else — an analyst's point, an online geocoder's answer, a user's
    gazetteer pack — is given one of these on creation (``FeatureKind.of``), so no stage
    meets a kind it does not handle.
    """

    COUNTRY = "country"
    REGION = "region"  # first-level administrative unit (oblast, state, province)
    CITY = "city"  # any populated place, from village to capital
    WATER = "water"
    AREA = "area"  # other areas: districts, deserts, mountain ranges, historical regions
    LANDMARK = "landmark"  # a point feature: an airport, a plant, a bridge, a port
    CONTINENT = "continent"
    COMPUTED = "computed"  # a point computed from a distance and bearing ("30 km north of X")

    @classmethod
    def of(cls, value: str) -> FeatureKind:
        """The kind a feature name means; a name no stage knows ("analyst", "online", a
        GeoNames class word) is a point place, read as a populated place."""
        text = str(value or "").strip().lower()
        if text in _KINDS:
            return cls(text)
        return _SYNONYMS.get(text, cls.CITY)


_KINDS = frozenset(k.value for k in FeatureKind)
_SYNONYMS = {
    "state": FeatureKind.REGION, "province": FeatureKind.REGION, "oblast": FeatureKind.REGION,
    "county": FeatureKind.AREA, "district": FeatureKind.AREA, "raion": FeatureKind.AREA,
    "river": FeatureKind.WATER, "sea": FeatureKind.WATER, "lake": FeatureKind.WATER,
    "bay": FeatureKind.WATER, "airport": FeatureKind.LANDMARK,
    "building": FeatureKind.LANDMARK, "amenity": FeatureKind.LANDMARK,
}


@dataclass(frozen=True)
class SourceOffsets:
    r"""Where offsets of an article's normalised text (``geo.io.text.normalize_text``) fall
    in the text as it was received: soft hyphens, zero-width characters and the CR of CRLF
    removed, decomposed accents composed (NFC) move every offset after them.

    ``steps`` holds ``(offset, start_shift, end_shift)`` at each normalised offset where the
    shift changes; a start offset adds ``start_shift``, an end offset ``end_shift`` (an end
    right before removed characters stays before them). Empty when nothing moved.

    Example:
        >>> from geo.io.text import normalize_text_mapped
        >>> received = "Khar\u00adkiv\r\nshelled"
        >>> text, offsets = normalize_text_mapped(received)
        >>> start, end = text.index("shelled"), len(text)
        >>> received[offsets.start(start):offsets.end(end)]
        'shelled'
    """

    steps: tuple[tuple[int, int, int], ...] = ()

    def _step(self, offset: int) -> tuple[int, int, int]:
        k = bisect.bisect_right(self.steps, (offset, float("inf"), 0)) - 1
        return self.steps[k] if k >= 0 else (0, 0, 0)

    def start(self, offset: int) -> int:
        """The received text's offset of the character at normalised ``offset``."""
        return offset + self._step(offset)[1]

    def end(self, offset: int) -> int:
        """The received text's offset of a span's (exclusive) end at normalised ``offset``."""
        at, start_shift, end_shift = self._step(offset)
        return offset + (end_shift if at == offset else start_shift)


@dataclass(frozen=True)
class Article:
    """One news article as read from a file, an upload or the store."""

    id: str
    text: str
    title: str = ""
    outlet: str = ""
    published: dt.date | None = None
    timezone: str = ""
    url: str = ""
    source: str = ""  # the file (or upload) it came from
    # Offsets of ``text`` in the text as received (before normalisation); empty when equal.
    source_offsets: SourceOffsets = field(default_factory=SourceOffsets, compare=False)


@dataclass(frozen=True)
class Actor:
    """An actor as ACLED writes it, with its ACLED inter code."""

    name: str
    inter: int  # 1 state forces, 2 rebels, 3 political militias, 6 protesters, 7 civilians,
    #             8 external forces (a state's forces outside its country)


#: Key prefixes of the points an analyst gave (their coordinates, or an online answer they
#: picked): what they said, never second-guessed.
ANALYST_PREFIXES = ("analyst:", "online:")


@dataclass(frozen=True)
class Place:
    """A gazetteer entry. ``key`` is stable across index rebuilds (``gn:<geonameid>``,
    ``admin1:UA.08``, ``country:UA``, ``extra:<slug>``)."""

    key: str
    name: str
    lat: float
    lon: float
    feature: str  # always a FeatureKind value (set on creation)
    country_code: str
    admin1: str = ""  # the first-level region's name, when known
    admin1_code: str = ""  # "UA.08"
    population: int = 0
    timezone: str = ""
    geonameid: int | None = None

    @property
    def from_analyst(self) -> bool:
        """A point an analyst gave (coordinates, or an online answer they picked): it is what
        they said, never second-guessed by population or country priors."""
        return self.key.startswith(ANALYST_PREFIXES)

    def __post_init__(self) -> None:
        if self.feature not in _KINDS:
            object.__setattr__(self, "feature", FeatureKind.of(self.feature).value)


@dataclass(frozen=True)
class Mention:
    """A stretch of an article's text that names a place."""

    article: str
    start: int
    end: int
    text: str
    # How the span was read: "name", "region" ("X region", "X oblast") or "computed" (a place
    # the gazetteer lacks, placed from a stated distance).
    pattern: str = "name"


@dataclass(frozen=True)
class Candidate:
    """One place a mention could denote, with the score the resolver gave it."""

    place: Place
    score: float


@dataclass(frozen=True)
class StatedDistance:
    """"60 km (40 miles) northwest of Kyiv" as stated, checked against the gazetteer."""

    km: float
    bearing: float  # degrees clockwise from north
    reference: str  # the reference place's key
    computed_lat: float
    computed_lon: float
    disagreement_km: float | None  # distance between the computed point and the gazetteer's
    flagged: bool  # the text and the gazetteer strongly disagree
    phrase_start: int = -1  # where "60 km ... of" starts in the article's text


@dataclass(frozen=True)
class Resolution:
    """What a mention was resolved to. ``place`` is None when the resolver abstains: an
    unresolved mention is kept, never dropped, so an analyst can see and fix it."""

    mention: Mention
    place: Place | None
    score: float
    reason: str
    sentence: tuple[int, int]
    candidates: tuple[Candidate, ...] = field(default=())
    distance: StatedDistance | None = None
    # "qualifier" when the mention only says where the mention before it is ("Zarichne,
    # Donetsk"): it resolved that mention and never locates an event itself.
    role: str = ""
    # A region's seat (its namesake town, else its largest): where ACLED puts an event the
    # region alone locates, at the region's precision (``Gazetteer.seat``).
    seat: Place | None = None


@dataclass(frozen=True)
class Figure:
    """One casualty figure in a sentence.

    ``start``/``end`` are half-open offsets of the quantity, qualifier included ("at least
    nine", "nearly 9,000", "Hundreds"), in the sentence given to
    ``geo.nlp.figures.find_casualties``.
    """

    start: int
    end: int
    text: str
    kind: str
    low: int
    high: int | None
    qualifier: str
    who: str | None


@dataclass(frozen=True)
class Report:
    """One article's account of one happening."""

    article: str
    outlet: str
    sentence_start: int  # offsets of the excerpt in the article's text
    sentence_end: int
    excerpt: str
    trigger: str
    event_type: str
    sub_event_type: str
    place: Place
    mention_start: int  # offsets of the place's mention in the article's text
    mention_end: int
    mention_text: str
    geo_precision: int
    date: dt.date
    time_precision: int
    date_text: str  # the words that gave the date ("" when inferred)
    date_inferred: bool
    # The report's own figures; their offsets are the article's, like every offset here.
    killed: tuple[Figure, ...] = ()
    injured: tuple[Figure, ...] = ()
    actor1: str = ""  # as ACLED names actors (geo.nlp.actors); "" when the sentence names none
    inter1: int = 0
    actor2: str = ""
    interaction: int = 0  # ACLED's code: the two inter codes, lower first
    published: dt.date | None = None  # the article's publication date (or its inference)
    # Why the report is placed where it is: the resolver's reason for its place's mention
    # ("the only place of that name", "nearest the store's other reports of those weeks"),
    # or that the sentence before gave the place.
    place_reason: str = ""

    @property
    def key(self) -> str:
        """Stable name of the report (``article:sentence:type:place``), for corrections."""
        return f"{self.article}:{self.sentence_start}:{self.event_type}:{self.place.key}"


@dataclass(frozen=True)
class Incident:
    """Reports of one happening, merged."""

    event_id: str
    event_date: dt.date
    time_precision: int
    event_type: str
    sub_event_type: str
    place: Place
    geo_precision: int
    reports: tuple[Report, ...]
    fatalities: int | None
    fatalities_min: int | None
    fatalities_max: int | None
    injuries: int | None
    independent_sources: int
    flags: tuple[str, ...] = field(default=())

    @property
    def location(self) -> str:
        return self.place.name

    @property
    def articles(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.article for r in self.reports))

    @property
    def outlets(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.outlet or r.article for r in self.reports))

    @property
    def actor1(self) -> str:
        """The actor most of its reports of its own sub-type name, else most of its reports
        ("" when none does): a demonstration coded as a riot is by its rioters, not by the
        police of a report that told only the intervention."""
        named = (Counter(r.actor1 for r in self.reports
                         if r.actor1 and r.sub_event_type == self.sub_event_type)
                 or Counter(r.actor1 for r in self.reports if r.actor1))
        return named.most_common(1)[0][0] if named else ""

    @property
    def inter1(self) -> int:
        return next((r.inter1 for r in self.reports if r.actor1 == self.actor1 and r.actor1), 0)

    @property
    def actor2(self) -> str:
        """The other side the first report of ``actor1`` that names one gives."""
        return self._dyad().actor2

    @property
    def interaction(self) -> int:
        return self._dyad().interaction

    def _dyad(self) -> Report:
        # Of the reports by actor1, the first naming a second actor ("Russian forces shelled
        # Hirske. ... One civilian was wounded." tells the victims in its second report).
        own = [r for r in self.reports if r.actor1 == self.actor1]
        return next((r for r in own if r.actor2), own[0] if own else self.reports[0])
