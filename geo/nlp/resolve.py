"""Choose which place each mention denotes, from the article's own context.

Every candidate gets a prior (population, on a log scale, plus a bonus by feature kind: a
country outranks a town of the same name, a curated river or landmark was named on purpose),
then the article speaks: the share of its unambiguous places that lie in the candidate's
country, a place of that country named in the same sentence ("in Belarus, in the Brest
region"), a qualifier right after the name ("Odessa, Texas"), and nearness to the article's
other places. The score a mention keeps is the winner's share of the candidates' weight, so
"Kyiv" scores near 1 and a coin-toss scores near 0.5; runner-ups are kept for the analyst.

Resolvers are looked up by name in ``RESOLVERS`` (``get_resolver("context")``).

Example:
    >>> from geo.gazetteer.index import Gazetteer
    >>> from geo.nlp.mentions import find_mentions
    >>> gaz = Gazetteer.load()
    >>> text = "Talks were held in Belarus, in the Brest region."
    >>> [(r.mention.text, r.place.country_code) for r in resolve_mentions(
    ...     text, find_mentions(text, gaz), gaz)]
    [('Belarus', 'BY'), ('Brest region', 'BY')]
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from geo.errors import GeoError
from geo.gazetteer.index import (
    Gazetteer,
    is_estimated_key,
    normalize,
    sound_alike,
    spelling_key,
)
from geo.geodesy import haversine_km  # noqa: F401 - its home now; importable here as before
from geo.lang import words
from geo.learn.weights import read_weights
from geo.nlp.corpus import Corpus
from geo.nlp.mentions import english_words
from geo.nlp.sentences import sentence_at, split_sentences
from geo.nlp.ua_units import in_unit, official_name, unit_prefix
from geo.records import Candidate, Mention, Place, Resolution

# A region gets no bonus: its population is already the sum of its towns', so it outweighs
# any town of its own, and a bonus on top let Mozambique's Gaza Province (385,000) outrank the
# city of Gaza (410,000) in every article about Gaza. Measured neutral on both dev sets.
_FEATURE_BONUS = {"country": 0.6, "continent": 0.3, "region": 0.0, "water": 0.4, "area": 0.4,
                  "landmark": 0.4, "city": 0.0}
_COUNTRY_SHARE_WEIGHT = 0.8
_SENTENCE_WEIGHT = 0.5
_PROXIMITY_WEIGHT = 0.4
_PROXIMITY_KM = 300.0
# Softmax temperature over candidate scores: how sharply a lead becomes confidence.
_TEMPERATURE = 0.15
RANKER_JSON = Path(__file__).resolve().parents[2] / "data" / "models" / "resolver.json"
#: Version of the ranking features; a model file trained on another version is refused.
RANKER_FEATURES_VERSION = 2
# A town this small, with nothing in the article pointing at its country, is a guess too far.
_ABSTAIN_POPULATION = 1000
_MAX_CANDIDATES = 5
#: The reason of a region read for an unknown place before it ("Virnopillia, Kharkiv"): the
#: place is somewhere in it, so the region's own point, not its seat, stands for it.
UNKNOWN_BEFORE_REASON = "names the region of an unknown place before it"
# A resolution this sure anchors the nearness of the article's other places (second look).
_SURE = 0.9
# A region's namesake town, the one a bare region name means, is its capital: a large town.
_NAMESAKE_TOWN_POPULATION = 50_000


def resolve_mentions(text: str, mentions: list[Mention], gazetteer: Gazetteer, *,
                     resolver: str = "context",
                     ranker: RankerModel | None = None,
                     corpus: Corpus | None = None) -> list[Resolution]:
    """Resolve an article's mentions to places.

    Args:
        text: the article's text (for sentences).
        mentions: its mentions, as ``find_mentions`` returns them.
        gazetteer: the place index.
        resolver: a name in ``RESOLVERS``.
        ranker: the context resolver's weights (default: the shipped ones).
        corpus: the store's confident report places around the article's date
            (``geo.nlp.corpus``); the context resolver weighs nearness to them.

    Returns:
        One Resolution per mention, in the same order; unresolved ones have ``place=None``.
    """
    resolve = get_resolver(resolver)
    if (ranker is not None or corpus) and resolve is _context_resolver:
        return _context_resolver(text, mentions, gazetteer, ranker=ranker, corpus=corpus)
    return resolve(text, mentions, gazetteer)


def candidate_places(mention: Mention, gazetteer: Gazetteer) -> list[Place]:
    """Every place a mention may denote, before context is weighed."""
    if mention.pattern == "region":
        return _region_candidates(mention, gazetteer)
    key = normalize(mention.text)
    if mention.pattern == "demonym":
        country = gazetteer.demonym(key)
        return [country] if country is not None else []
    indexes = (gazetteer.lookup(key) or gazetteer.region_names.get(key, ())
               or gazetteer.district_city(mention.text))
    if not indexes and key.rsplit(" ", 1)[-1] in _FIRST_LEVEL_WORDS:
        # "Oaxaca State" found by the NER as a name: the region, as "the Oaxaca state" is.
        return _region_candidates(replace(mention, pattern="region"), gazetteer)
    places = [gazetteer.place(i) for i in indexes]
    if places and all(p.feature == "region" for p in places):
        # Only a region is known under this spelling, yet a bare name is its namesake town
        # written in another transliteration ("Zaporizhia" for the city Zaporizhzhia): a
        # large town named as the region is (not any small place that sounds alike: Hawaii's
        # Hāwī).
        towns = [t for p in places for t in sound_alike(gazetteer, mention.text, p.admin1_code)
                 [:1] if t.population >= _NAMESAKE_TOWN_POPULATION
                 and spelling_key(t.name) == spelling_key(p.name)]
        places = towns or places
    # A region and its namesake town in it: the bare name is the town ("Kherson"). A small
    # town known by the name only as another name of its own ("Montana City", also called
    # Montana) is no namesake: the state stays.
    towns = {p.admin1_code for p in places if p.feature == "city" and (
        normalize(p.name) == key or p.population >= _NAMESAKE_TOWN_POPULATION)}
    return [p for p in places if not (p.feature == "region" and p.admin1_code in towns)]


# Second-level units are named after their centre town: "Shostka district" (raion) is coded,
# as ACLED codes it, to Shostka, near (precision 2), never to the oblast around it.
# Words after a name that make it a first-level unit: "Oaxaca State", "Kherson Oblast".
_FIRST_LEVEL_WORDS = frozenset({"state", "province", "region", "oblast", "governorate",
                                "prefecture"})
_SECOND_LEVEL_WORDS = frozenset({"district", "raion", "rayon", "municipality", "hromada",
                                 "community"})


def _region_candidates(mention: Mention, gazetteer: Gazetteer) -> list[Place]:
    # A unit the gazetteer knows under this very name: "Bakhmutskyi raion", "Soledar hromada".
    units = [p for p in map(gazetteer.place, gazetteer.lookup(normalize(mention.text)))
             if p.feature in ("area", "region")]
    if units:
        return units
    base, word = (normalize(mention.text).rsplit(" ", 1) + [""])[:2]
    if word in _SECOND_LEVEL_WORDS and not gazetteer.region_names.get(base):
        towns = [p for p in map(gazetteer.place, gazetteer.lookup(base)) if p.feature == "city"]
        if towns:
            return towns
    found: dict[str, Place] = {}
    for index in gazetteer.region_names.get(base, ()):
        place = gazetteer.place(index)
        found[place.key] = place
    named_in = {p.country_code for p in found.values()}
    for index in gazetteer.lookup(base):
        place = gazetteer.place(index)
        if place.feature in ("country", "region", "area", "water"):
            found.setdefault(place.key, place)
        # A region named X in the town's country wins over the town's own unit: "Kyiv region"
        # is Kyiv Oblast, not the capital's city-region.
        elif place.admin1_code and place.country_code not in named_in:
            region = gazetteer.region(place.admin1_code)
            if region is not None:
                # The region inherits its namesake town's weight: "Brest region" is decided
                # between Brest (Belarus) and Brest (France), not between their regions' sizes.
                found.setdefault(region.key, replace(region, population=place.population))
    return list(found.values())


_KM_PER_DEGREE = 111.195


def _wrap(degrees: float) -> float:
    return (degrees + 180.0) % 360.0 - 180.0


def _prior(place: Place) -> float:
    return math.log10(place.population + 1) / 7 + _FEATURE_BONUS.get(place.feature, 0.0)


@dataclass(frozen=True)
class RankerModel:
    """Weights over named candidate features (:func:`candidate_features`); a candidate's score
    is their sum, a logit: the candidates' softmax is the confidence a resolution keeps.

    ``HAND`` is the hand-set ranking this project started with; ``data/models/resolver.json``
    (``python scripts/train_resolver.py``) is learned from the dev sets and used when present.
    """

    weights: dict[str, float]
    meta: dict

    @classmethod
    def load(cls, path: Path = RANKER_JSON) -> RankerModel:
        """Read and check a model file.

        Raises:
            GeoError: when the file is missing, malformed, or made for other features.
        """
        data = read_weights(path, version=RANKER_FEATURES_VERSION, what="the resolver model",
                            retrain="python scripts/train_resolver.py")
        return cls(weights=data["weights"], meta=data["meta"])

    def score(self, features: dict[str, float]) -> float:
        return sum(self.weights.get(name, 0.0) * value for name, value in features.items())


# The hand-set ranking, as weights over the same features (logits: divided by the softmax
# temperature it used).
HAND = RankerModel(weights={
    "log_population": 1 / _TEMPERATURE,
    **{f"kind={kind}": bonus / _TEMPERATURE for kind, bonus in _FEATURE_BONUS.items() if bonus},
    "country_share": _COUNTRY_SHARE_WEIGHT / _TEMPERATURE,
    "country_in_sentence": _SENTENCE_WEIGHT / _TEMPERATURE,
    "near_other_places": _PROXIMITY_WEIGHT / _TEMPERATURE,
}, meta={"trained_on": "hand-set"})


@lru_cache(maxsize=1)
def shipped_ranker() -> RankerModel:
    """The learned ranker when its file is there, else the hand-set one."""
    return RankerModel.load() if RANKER_JSON.exists() else HAND


def _context_resolver(text: str, mentions: list[Mention], gazetteer: Gazetteer, *,
                      ranker: RankerModel | None = None,
                      corpus: Corpus | None = None) -> list[Resolution]:
    return [r for r, _ in _context_ranking(text, mentions, gazetteer, ranker=ranker,
                                           corpus=corpus)]


def ranking_table(text: str, mentions: list[Mention], gazetteer: Gazetteer, *,
                  corpus: Corpus | None = None
                  ) -> list[tuple[Resolution, list[tuple[Place, dict[str, float]]]]]:
    """The context resolver's resolutions, each with its candidates and their ranking
    features (what ``scripts/train_resolver.py`` learns from)."""
    return _context_ranking(text, mentions, gazetteer, ranker=None, with_features=True,
                            corpus=corpus)


def _context_ranking(text: str, mentions: list[Mention], gazetteer: Gazetteer, *,
                     ranker: RankerModel | None, with_features: bool = False,
                     corpus: Corpus | None = None
                     ) -> list[tuple[Resolution, list[tuple[Place, dict[str, float]]]]]:
    sentences = split_sentences(text) or [(0, len(text))]
    memo: dict[tuple[str, str], list[Place]] = {}
    candidates = []
    for m in mentions:
        if (m.text, m.pattern) not in memo:  # an article repeats its places
            memo[m.text, m.pattern] = candidate_places(m, gazetteer)
        candidates.append(memo[m.text, m.pattern])
    candidates, qualifiers, region_only, spelled = _qualify(text, mentions, candidates,
                                                            gazetteer)
    # Nationality words are resolved but are weak context: "Russian forces" fight in Ukraine.
    first = [max(c, key=_prior) if c and m.pattern != "demonym" else None
             for m, c in zip(mentions, candidates, strict=True)]
    shares = _country_shares(first, candidates)
    # A qualifier names a region, not its namesake town: "Alisivka, Kharkiv" says the oblast,
    # and the city's own point would pull every Alisivka towards the city.
    anchors = {p.key: p for i, (p, c) in enumerate(zip(first, candidates, strict=True))
               if p is not None and len(c) == 1 and p.feature not in ("country", "continent")
               and i not in qualifiers}
    at = [sentence_at(sentences, m.start) for m in mentions]
    by_sentence: dict[tuple[int, int], list[int]] = {}
    for i, sentence in enumerate(at):
        by_sentence.setdefault(sentence, []).append(i)

    def rank(nearness_of: Callable[[Mention], _Nearness]) -> tuple[
            list[Resolution], list[list[tuple[Place, dict[str, float]]]]]:
        resolutions = []
        features: list[list[tuple[Place, dict[str, float]]]] = []
        scored: dict[tuple, Resolution] = {}
        for i, mention in enumerate(mentions):
            sentence = at[i]
            nearness = nearness_of(mention)
            same_sentence = {first[j].country_code for j in by_sentence[sentence]
                             if j != i and first[j] is not None}
            if with_features:
                features.append(list(zip(candidates[i], candidate_features(
                    mention, candidates[i], shares, same_sentence, nearness, corpus),
                    strict=True)))
            countries = frozenset(p.country_code for p in candidates[i]) & same_sentence
            key = (mention.text, mention.pattern, id(candidates[i]), countries)
            if key in scored:  # the same name in the same kind of sentence scores the same
                resolutions.append(replace(scored[key], mention=mention, sentence=sentence))
                continue
            scored[key] = _score(mention, candidates[i], sentence, shares, same_sentence,
                                 nearness, ranker, corpus)
            resolutions.append(scored[key])
        return resolutions, features

    first_look = _Nearness(anchors)
    resolutions, features = rank(lambda mention: first_look)
    second_look = _second_look(resolutions, candidates, anchors)
    if second_look is not None:
        resolutions, features = rank(second_look)
    return [(r, features[i] if with_features and i is not None else [])
            for r, i in _finish(text, mentions, resolutions, gazetteer, qualifiers,
                                region_only, spelled)]


def _second_look(resolutions: list[Resolution], candidates: list[list[Place]],
                 anchors: dict[str, Place]) -> Callable[[Mention], _Nearness] | None:
    """The nearness of a second look, with the places the first one was sure of as anchors
    too; None when nothing was sure or nothing is left unsure.

    "near the villages of Petrivka and Pustynka, south of Pokrovsk" -- Pokrovsk has namesakes
    in Russia, so it anchored nothing, yet the article's other places settle it. A name is
    never anchored by its own reading (its namesakes would be pulled towards it).
    """
    sure: dict[str, dict[str, Place]] = {}
    for r, c in zip(resolutions, candidates, strict=True):
        if (r.place is not None and len(c) > 1 and r.score >= _SURE
                and r.place.feature not in ("country", "continent")):
            sure.setdefault(normalize(r.mention.text), {})[r.place.key] = r.place
    if not sure or not any(r.place is not None and r.score < _SURE for r in resolutions):
        return None
    looks: dict[str, _Nearness] = {}

    def second_look(mention: Mention) -> _Nearness:
        name = normalize(mention.text)
        if name not in looks:
            looks[name] = _Nearness({**anchors, **{
                key: place for other, places in sure.items() if other != name
                for key, place in places.items()}})
        return looks[name]

    return second_look


def _finish(text: str, mentions: list[Mention], resolutions: list[Resolution],
            gazetteer: Gazetteer, qualifiers: dict[int, str], region_only: dict[int, str],
            spelled: dict[int, tuple[Mention, list[Place]]]
            ) -> list[tuple[Resolution, int | None]]:
    """The ranked resolutions with what the qualifiers said: another name of the place
    before, a qualifier read as its region, an unknown place's region, and the unknown
    name found in that region spelled otherwise (a resolution of its own, before it, with
    no mention index). Each comes with its mention's index."""
    qualifier_regions = {i: gazetteer.region(code) for i, code in qualifiers.items() if code}
    out = []
    for i, r in enumerate(resolutions):
        if i in spelled:
            named, places = spelled[i]
            out.append((Resolution(
                mention=named, place=places[0], score=round(1 / len(places), 3),
                sentence=r.sentence, candidates=tuple(
                    Candidate(p, round(1 / len(places), 3)) for p in places[:_MAX_CANDIDATES]),
                reason=f"not in the gazetteer as written: {places[0].name}, spelled otherwise, "
                       f"in the region named beside it"), None))
        alias_of = _alias_of(text, mentions, resolutions, i)
        if alias_of is not None:
            r = replace(r, place=alias_of.place, score=alias_of.score, role="qualifier",
                        candidates=alias_of.candidates,
                        reason=f"another name of {alias_of.mention.text} before it")
        elif i in qualifier_regions:
            r = _as_qualifier(r, qualifier_regions[i])
        elif i in region_only and (region := gazetteer.region(region_only[i])) is not None:
            r = replace(r, place=region, reason=f"{UNKNOWN_BEFORE_REASON}: {region.name}")
        out.append((r, i))
    return out


# "Oleksandriia, known in Russian as Alexandria", "Kyiv (also spelt Kiev)": the second name
# is the first place's other name, never a place of its own.
_ALIAS_BEFORE = re.compile(
    r"[,(]\s*(?:(?:also|locally|widely|formerly|previously|once|then)\s+)?"
    r"(?:(?:known|called|named)\s+(?:(?:in|by)\s+(?:the\s+)?[A-Z]?[\w-]+\s+)?as"
    r"|(?:spelt|spelled|written)(?:\s+(?:in|by)\s+(?:the\s+)?[A-Z]?[\w-]+)?(?:\s+as)?)\s+$"
    r"|[,(]\s*(?:formerly|previously|once)\s+$")


def _alias_of(text: str, mentions: list[Mention], resolutions: list[Resolution],
              i: int) -> Resolution | None:
    """The resolution of the place a mention is another name of ("Oleksandriia, known in
    Russian as Alexandria"), or None. Nationality words between the two do not count
    ("in Russian")."""
    j = i - 1
    while (j >= 0 and mentions[j].pattern == "demonym"
           and mentions[j].start > mentions[i].start - 60):
        j -= 1
    if j < 0 or resolutions[j].place is None or mentions[i].start - mentions[j].end > 60:
        return None
    gap = text[mentions[j].end:mentions[i].start]
    return resolutions[j] if _ALIAS_BEFORE.search(gap) and "." not in gap else None


def _as_qualifier(r: Resolution, region: Place | None) -> Resolution:
    """A qualifier read as the region it names ("Donetsk" in "Zarichne, Donetsk" is the
    oblast, not the city)."""
    if region is None or r.place is None or r.place.feature == "country":
        return replace(r, role="qualifier")
    if r.place.feature == "city" and r.place.admin1_code == region.admin1_code:
        return replace(r, place=region, role="qualifier",
                       reason=f"qualifies the place before it: the region {region.name}")
    return replace(r, role="qualifier")


class _Nearness:
    """Closeness of a candidate to the article's unambiguous places (itself excluded),
    memoised per place: an article names the same places again and again."""

    def __init__(self, anchors: dict[str, Place]) -> None:
        self._anchors = [(key, p.lat, p.lon, math.cos(math.radians(p.lat)))
                         for key, p in anchors.items()]
        self._memo: dict[str, float] = {}

    def closeness(self, place: Place) -> float:
        """``exp(-km / 300)`` to the nearest anchor; 0 with none."""
        if place.key not in self._memo:
            # An equirectangular distance: ample for a bonus that fades over hundreds of km,
            # and a third of the cost of the great circle.
            cos_lat = math.cos(math.radians(place.lat))
            distances = [
                _KM_PER_DEGREE * math.hypot(place.lat - lat, _wrap(place.lon - lon) * (
                    cos_lat + cos_anchor) / 2)
                for key, lat, lon, cos_anchor in self._anchors if key != place.key]
            self._memo[place.key] = math.exp(
                -min(distances) / _PROXIMITY_KM) if distances else 0.0
        return self._memo[place.key]


# What may stand between a place and the larger place that says where it is: "Zarichne,
# Donetsk", "Kotliareve, Mykolaiv region", "Odessa, Texas", "Irpin (Kyiv oblast)",
# "Vesele in the Donetsk region".
_QUALIFIER_GAPS = frozenset({", ", " ", " (", ", in ", " in ", " in the ", ", in the "})
# The kind of place may stand between: "Kuchi village in Plateau State", "Kuchi village,
# Bokkos", "Bokkos local government area of Plateau State".
_SETTLEMENT_KINDS = ("village", "town", "city", "settlement", "community", "county",
                     "local government area")


@lru_cache(maxsize=1)
def _kind_gap() -> re.Pattern[str]:
    # The kinds of settlement, and the parts of a town the language data lists
    # ("micro-district", "quarter", "camp": geo/lang/en/places.json).
    kinds = sorted({*_SETTLEMENT_KINDS, *words("en", "places")["town_parts"],
                    *words("en", "places")["facilities"]}, key=len,
                   reverse=True)
    return re.compile(rf" (?:{'|'.join(map(re.escape, kinds))})"
                      r"(?:, | in | in the | of | of the | \()", re.IGNORECASE)


def _qualifier_gap(gap: str) -> str:
    """The gap between a place and the place that may qualify it, its kind word dropped;
    "" when nothing qualifies across it."""
    if gap in _QUALIFIER_GAPS:
        return gap
    if _kind_gap().fullmatch(gap):
        # Read as an apposition: "Kuchi village in Plateau State" as "Kuchi, Plateau State".
        return " (" if "(" in gap else ", "
    return ""


def _qualifier_area(place: Place) -> tuple[str, str] | None:
    """What a qualifier stands for: its country ("Texas" -> the region, "Ukraine" -> the
    country); a town as a qualifier names its region ("Donetsk" in "Zarichne, Donetsk")."""
    if place.feature == "country":
        return ("country", place.country_code)
    if place.admin1_code and place.feature in ("region", "city"):
        return ("admin1", place.admin1_code)
    # A raion or hromada ("Yakovlivka, Bakhmutskyi district"): the oblast holds several
    # Yakovlivkas, the raion one.
    if prefix := unit_prefix(place.key, place.feature):
        return ("unit", prefix)
    return None


def _within(place: Place, area: tuple[str, str]) -> bool:
    kind, code = area
    if kind == "unit":
        return in_unit(place.key, code)
    return place.country_code == code if kind == "country" else place.admin1_code == code


def _qualify(text: str, mentions: list[Mention], candidates: list[list[Place]],
             gazetteer: Gazetteer | None = None) -> tuple[
        list[list[Place]], dict[int, str], dict[int, str],
        dict[int, tuple[Mention, list[Place]]]]:
    """The candidates narrowed by qualifiers; the qualifier mentions found (index -> the
    admin1 code they stand for); the qualifiers that must locate on their own, as their
    region, because the place they qualify is unknown or has no namesake inside them
    ("Virnopillia, Kharkiv": the village is not in the gazetteer, the event is in Kharkiv
    oblast, not in Kharkiv city); and the unknown names before a qualifier that its region
    holds in another spelling (qualifier index -> the new mention and its places)."""
    out = list(candidates)
    qualifiers: dict[int, str] = {}
    region_only: dict[int, str] = {}
    spelled: dict[int, tuple[Mention, list[Place]]] = {}
    for i in range(len(mentions) - 1):
        written = text[mentions[i].end:mentions[i + 1].start]
        gap = _qualifier_gap(written)
        if not gap or mentions[i + 1].pattern == "demonym" or (
                mentions[i].pattern == "demonym"):
            continue
        broad = {a for q in candidates[i + 1] if q.feature != "city"
                 and (a := _qualifier_area(q)) is not None}
        if gazetteer is not None:
            # "Vasylkiv, Kyiv": the oblast named like the city, though the city is an admin1
            # unit of its own (Kyiv City) that holds no Vasylkiv.
            broad |= {("admin1", region.admin1_code) for region in map(
                gazetteer.place, gazetteer.region_names.get(normalize(mentions[i + 1].text), ()))
                if region.admin1_code}
        towns = {a for q in candidates[i + 1] if q.feature == "city"
                 and (a := _qualifier_area(q)) is not None}
        # A qualifier is read as the region or country it names before any town of that
        # name: "Orange County, Florida" is the state's, not the county around the village
        # of Florida, New York.
        within = next((found for areas in (broad, broad | towns) if (found := [
            p for p in candidates[i] if p.feature not in ("country", "continent")
            and any(_within(p, a) for a in areas)])), [])
        if within and all(p.feature == "region" for p in within) and gazetteer is not None:
            # "in Zaporizhia, Zaporizhia": a name read only as the region it is followed by
            # is the region's town of that name, however it is transliterated.
            within = [t for code in {p.admin1_code for p in within}
                      for t in sound_alike(gazetteer, mentions[i].text, code)] or within
        if within and len(within) < len(candidates[i]) or (within and gap != " "):
            out[i] = list(dict.fromkeys(within))
            # The qualifier's own reading is the area its kept candidates lie in.
            codes = {p.admin1_code for p in within}
            if written == gap or gazetteer is None or _region_reading(
                    mentions[i + 1], candidates[i + 1], gazetteer):
                qualifiers[i + 1] = codes.pop() if len(codes) == 1 else ""
            # else "the Crown Heights neighborhood of Brooklyn": a town that holds the place
            # (its kind word says so) stays that town, not the region around it.
        elif not within and written in (", ", " (") and gazetteer is not None:
            code = _region_reading(mentions[i + 1], candidates[i + 1], gazetteer,
                                   countries={p.country_code for p in candidates[i]})
            biggest = max((p.population for p in candidates[i]), default=0)
            # A region outranks any town (regions carry no population of their own).
            larger = biggest < _largest(candidates[i + 1]) or any(
                q.feature == "region" for q in candidates[i + 1])
            if not code and not candidates[i] and larger:
                code = _holding_region(gazetteer, mentions[i].text, candidates[i + 1])[0]
            if code and larger and not _LIST_AFTER.match(
                    text, mentions[i + 1].end):
                # No place of that name inside the region the text names: one spelled
                # otherwise ("Mykolayivka" for Mykolaivka), else the region itself.
                alike = sound_alike(gazetteer, mentions[i].text, code)
                out[i] = alike
                if alike:
                    qualifiers[i + 1] = code
                else:
                    region_only[i + 1] = code
        if not within and out[i] is candidates[i] and written != gap and candidates[i + 1] \
                and not ({p.country_code for p in candidates[i]}
                         & {q.country_code for q in candidates[i + 1]}):
            # "Kuchi village, Bokkos": the kind word says the second place locates the
            # first, so both lie in one country; the first's only readings elsewhere are
            # homonyms, not the place meant.
            out[i] = []
    if gazetteer is not None:
        _unknown_before(text, mentions, candidates, gazetteer, qualifiers, region_only,
                        spelled)
    return out, qualifiers, region_only, spelled


def _unknown_before(text: str, mentions: list[Mention], candidates: list[list[Place]],
                    gazetteer: Gazetteer, qualifiers: dict[int, str],
                    region_only: dict[int, str],
                    spelled: dict[int, tuple[Mention, list[Place]]]) -> None:
    """An unknown name before a region ("shelled near Virnopillia, Kharkiv"): found in that
    region spelled otherwise (``spelled``, the region a qualifier), else the region stands
    for it (``region_only``). Fills the three dicts ``_qualify`` returns."""
    for j, mention in enumerate(mentions):
        if j in qualifiers or j in region_only:
            continue
        # "shelled near Virnopillia, Kharkiv": an unknown name before the region.
        before = _UNKNOWN_BEFORE.search(text, max(0, mention.start - 40), mention.start)
        if before is None or (j and mentions[j - 1].end > before.start()):
            continue
        word = before.group(1)
        if normalize(word) in english_words() or _LIST_AFTER.match(text, mention.end):
            continue
        code = _region_reading(mention, candidates[j], gazetteer)
        if code:
            alike = sound_alike(gazetteer, word, code)
        else:
            code, alike = _holding_region(gazetteer, word, candidates[j])
        if alike:
            # Not in the gazetteer as written, but the region holds it spelled otherwise
            # ("Klischiivka, Donetsk region": Klishchiivka): the name is read as that
            # place, the region as its qualifier.
            spelled[j] = (Mention(article=mention.article, start=before.start(1),
                                  end=before.end(1), text=word, pattern="spelling"),
                          alike)
            qualifiers[j] = code
        elif code:
            region_only[j] = code


def _holding_region(gazetteer: Gazetteer, name: str, regions: list[Place]
                    ) -> tuple[str, list[Place]]:
    """Of a qualifier's region readings (two regions of one name: Ukraine's Donetsk oblast
    and Russia's Rostov region under its old name), the one region that holds ``name`` in
    another spelling, and those places; ("", []) when none or more than one does."""
    holding = [(code, found) for code in sorted(
        {p.admin1_code for p in regions if p.feature == "region" and p.admin1_code})
        if (found := sound_alike(gazetteer, name, code))]
    return holding[0] if len(holding) == 1 else ("", [])


# "Kyiv, Kharkiv and Odesa": a list, not a qualifier.
_LIST_AFTER = re.compile(r",? (?:and|or) [A-Z]|, [A-Z][\w'’-]+(?:,| and)")
# A capitalised word (or two) right before ", " that is no mention: a place the gazetteer
# lacks ("Virnopillia"), after a lower-case word (not a sentence's first word).
_UNKNOWN_BEFORE = re.compile(r"[a-z,] ([A-Z][\w'’-]+(?: [A-Z][\w'’-]+)?)(?:,| \() ?$")


def _largest(places: list[Place]) -> int:
    return max((p.population for p in places), default=0)


def _region_reading(mention: Mention, places: list[Place], gazetteer: Gazetteer, *,
                    countries: set[str] | None = None) -> str:
    """The admin1 code a mention names when read as a region: "Donetsk region", a region,
    or the town its region is named after ("Kharkiv" -> Kharkiv oblast); else "".
    ``countries``: where the place it qualifies can be ("Pisky, Donetsk region": Ukraine's
    Donetsk oblast, not the Rostov region that also bears the name)."""
    regions = [p for p in places if p.feature == "region"]
    if countries and len({p.admin1_code for p in regions}) > 1:
        regions = [p for p in regions if p.country_code in countries] or regions
    if mention.pattern == "region" or regions:
        codes = {p.admin1_code for p in regions}
        return codes.pop() if len(codes) == 1 else ""
    # In any transliteration: "Zaporizhia" names the oblast Zaporizhzhia.
    key = spelling_key(mention.text)
    for p in sorted(places, key=lambda p: -p.population):
        region = gazetteer.region(p.admin1_code) if p.admin1_code else None
        if region is not None and spelling_key(region.name) == key:
            return p.admin1_code
    return ""


def _country_shares(first: list[Place | None], candidates: list[list[Place]]) -> dict[str, float]:
    """The share of the article's places in each country, and in each first-level region
    (keyed by its code, ``UA.14``: country codes have no dot, so the two never clash). A
    place with one candidate counts fully, an ambiguous one by its likeliest reading, half."""
    weights: Counter[str] = Counter()
    regions: Counter[str] = Counter()
    for place, cands in zip(first, candidates, strict=True):
        if place is not None and place.country_code:
            weight = 1.0 if len(cands) == 1 else 0.5
            weights[place.country_code] += weight
            if place.admin1_code and place.feature not in ("country", "continent"):
                regions[place.admin1_code] += weight
    total = sum(weights.values()) or 1.0
    return {code: w / total for code, w in (weights + regions).items()}


def candidate_features(mention: Mention, places: list[Place], shares: dict[str, float],
                       same_sentence: set[str], nearness: _Nearness,
                       corpus: Corpus | None = None) -> list[dict[str, float]]:
    """What the ranker weighs for each candidate place of a mention, in the order given.

    ``country_share``: the share of the article's places in the candidate's country;
    ``region_share``: in its first-level region (``shares`` holds country codes and region
    codes, ``UA.14``, alike: two Veseles in one country, the article's other places say which
    oblast); ``country_in_sentence``: a place of that country is named in the same sentence;
    ``near_other_places``: ``exp(-km / 300)`` to the nearest unambiguous place of the
    article (0 for a country); ``near_corpus``: ``exp(-km / scale)`` to the nearest
    confident report place of the store's other articles of the same days (``corpus``;
    absent with none, so an empty store changes nothing). What depends on the mention alone
    is computed once.
    """
    ambiguous = len(places) > 1
    biggest = max((p.population for p in places), default=0)
    key = normalize(mention.text)
    out = []
    for place in places:
        features = {
            "log_population": math.log10(place.population + 1) / 7,
            f"kind={place.feature}": 1.0,
            "country_share": shares.get(place.country_code, 0.0),
            "country_in_sentence": float(place.country_code in same_sentence),
            "near_other_places": nearness.closeness(place)
            if ambiguous and place.feature not in ("country", "continent") else 0.0,
        }
        if ambiguous and place.admin1_code and shares.get(place.admin1_code):
            features["region_share"] = shares[place.admin1_code]
        # Not only an alternate name; the codifier's official spelling (ACLED's) is a
        # Ukrainian place's own name too, however GeoNames spells it.
        if normalize(place.name) == key or normalize(official_name(place.key)) == key:
            features["name_is_its_own"] = 1.0
        if ambiguous and place.population == biggest:
            features["biggest_of_its_name"] = 1.0
        if is_estimated_key(place.key):
            features["placed_at_hromada"] = 1.0
        if corpus and ambiguous and place.feature not in ("country", "continent"):
            features["near_corpus"] = corpus.closeness(place)
        out.append(features)
    return out


def _score(mention: Mention, places: list[Place], sentence: tuple[int, int],
           shares: dict[str, float], same_sentence: set[str],
           nearness: _Nearness, ranker: RankerModel | None = None,
           corpus: Corpus | None = None) -> Resolution:
    if not places:
        return Resolution(mention=mention, place=None, score=0.0, sentence=sentence,
                          reason="no place of that name in the gazetteer")
    ranker = ranker or shipped_ranker()
    # The corpus prior's weight is its own model's (geo.nlp.corpus), not the ranker's: the
    # ranker learns from single articles, where no corpus exists.
    pull = corpus.weight if corpus else 0.0
    scored = [(ranker.score(f) + pull * f.get("near_corpus", 0.0), place) for f, place in zip(
        candidate_features(mention, places, shares, same_sentence, nearness, corpus), places,
        strict=True)]
    scored.sort(key=lambda sp: (-sp[0], sp[1].key))
    top = scored[0][0]
    weights = [math.exp(max(-50.0, s - top)) for s, _ in scored]
    total = sum(weights)
    ranked = tuple(Candidate(place=p, score=round(w / total, 3))
                   for w, (_, p) in zip(weights, scored, strict=True))[:_MAX_CANDIDATES]
    best = scored[0][1]
    reason = _explain(best, len(places), shares, same_sentence)
    if pull and len(scored) > 1 and corpus.closeness(best) > corpus.closeness(scored[1][1]):
        reason += "; nearest the store's other reports of those weeks"
    if best.feature == "city" and best.population < _ABSTAIN_POPULATION and (
        not best.from_analyst) and (
        shares.get(best.country_code, 0.0) < 0.1 and best.country_code not in same_sentence
    ):
        return Resolution(mention=mention, place=None, score=0.0, sentence=sentence,
                          candidates=ranked, reason="only small places of that name, "
                          "none in a country the article is about")
    return Resolution(mention=mention, place=best, score=ranked[0].score, sentence=sentence,
                      candidates=ranked, reason=reason)


def _explain(best: Place, n: int, shares: dict[str, float], same_sentence: set[str]) -> str:
    if n == 1:
        return "the only place of that name"
    parts = [f"first of {n} places of that name"]
    if best.country_code in same_sentence:
        parts.append(f"{best.country_code} named in the same sentence")
    share = shares.get(best.country_code, 0.0)
    if share >= 0.2:
        parts.append(f"{share:.0%} of the article's places are in {best.country_code}")
    parts.append(f"{best.feature}, population {best.population:,}")
    return "; ".join(parts)


Resolver = Callable[[str, list[Mention], Gazetteer], list[Resolution]]


def _population_resolver(text: str, mentions: list[Mention],
                         gazetteer: Gazetteer) -> list[Resolution]:
    """The naive baseline: the biggest place of the name, whatever the article says."""
    sentences = split_sentences(text) or [(0, len(text))]
    return [_score(m, candidate_places(m, gazetteer), sentence_at(sentences, m.start), {}, set(),
                   _Nearness({})) for m in mentions]


RESOLVERS: dict[str, Resolver] = {
    "context": _context_resolver,
    "population": _population_resolver,
}


def get_resolver(name: str) -> Resolver:
    """The resolver registered as ``name``.

    Raises:
        GeoError: for an unknown name; the message lists the valid ones.
    """
    try:
        return RESOLVERS[name]
    except KeyError:
        raise GeoError(
            f"No resolver {name!r}. Available resolvers: {', '.join(sorted(RESOLVERS))}"
        ) from None
