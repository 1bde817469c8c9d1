"""Where an event happened: of the places a sentence names, the one its trigger happened at.

The place must be where it happened, so mentions that only name an actor or a speaker
("Moscow says", "the Kyiv government", "Kyiv said"), a destination ("fled to Mykolaiv"), the
place a weapon came from ("drones launched from the Kursk region") and the reference of a
stated distance ("60 km northwest of Kyiv") are skipped while a better place is there; then
the most specific place nearest the trigger wins, and a list ("shelling of Kyiv and the
cities of Kharkiv, Chernihiv and Mariupol") yields one place each. A part of a town named
with it ("the Slobidskyi district of Kharkiv") is that town, near it. Agreements with no place
of their own are put where the article's talks were held; "the capital" unnamed is the
dateline's city when that is its country's capital; a report only a region locates goes to
the region's seat.

ACLED's ``geo_precision``: 1 the town itself, 2 near it or part of a region, 3 only a region
or a country.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING

from geo.gazetteer.index import is_estimated, normalize
from geo.lang import words
from geo.nlp.actors import SPEECH_VERBS
from geo.nlp.article import Dateline, capital_name
from geo.nlp.events import BATTLES, PROTESTS, STRATEGIC, EventMention
from geo.nlp.far_places import in_doubt
from geo.nlp.report import Report
from geo.nlp.resolve import haversine_km
from geo.records import Place, Resolution

if TYPE_CHECKING:
    from spacy.tokens import Doc


# Places more specific come first; a country is only a location for protests and agreements.
_SPECIFICITY = {"landmark": 0, "city": 0, "computed": 0, "region": 1, "area": 1, "water": 2,
                "country": 3, "continent": 4}


_COUNTRY_LEVEL_TYPES = {PROTESTS}


_COUNTRY_LEVEL_SUBTYPES = {"Agreement"}


# The hit place of a strike is never just "near" somewhere; a column or a battle may be.
_REFERENCE_TYPES = {BATTLES, STRATEGIC}


_SAME_TOWN_KM = 15.0


_REFERENCE_REACH = 60  # a "near X" place only locates a trigger this close to it


# "drones the enemy launched overnight, most of them from the X region": the launch verb may
# stand this far before the place.
_ORIGIN_REACH = 110


# A mention followed by these speaks for a government or an army, it is not a location.
_METONYM_AFTER = re.compile(
    rf"^(?:\s+(?:{SPEECH_VERBS}|government|authorities|officials|administration|regime|"
    r"leadership)|(?:'s|’s)\s+(?:government|forces|troops|military|army|invasion|defen[cs]e|"
    r"increasing|isolation|veto|aggression|all-out|president|foreign))\b",
    re.IGNORECASE,
)


# "..., the Poltava regional governor said": the seat of an official who speaks locates
# an event only when its sentence names no other place ("the Moscow mayor said drones were
# shot down as they approached the capital").
_SPEAKERS_SEAT_AFTER = re.compile(
    r"^\s+(?:(?:regional|provincial|state|city|district|military)\s+)?"
    r"(?:governor|mayor|administration|authorities|officials)\b", re.IGNORECASE)


# "north of Kyiv", "towards Kyiv": a reference point, not where it happened. "near X" and
# "outside X" are where it happened, at lower precision (ACLED codes them to X, precision 2).
_REFERENCE_BEFORE = re.compile(
    r"(?:\b(?:north|south|east|west|northeast|northwest|southeast|southwest|north-east|"
    r"north-west|south-east|south-west)\s+of|\btowards?|advancing on|"
    r"threatening)\s+(?:the\s+(?:\w+\s+)?capital,?\s+)?$",
    re.IGNORECASE,
)


# Where people went, not where it happened: "forces retreating to the nearby city of Mykolaiv".
_DESTINATION_BEFORE = re.compile(
    r"\b(?:retreat\w*|fled|flee\w*|evacuat\w*|head\w*|left)\b[^.]{0,30}\b(?:to|for)\b"
    r"[^.]{0,25}$", re.IGNORECASE)


_NEAR_BEFORE = re.compile(r"\boff\s+$|\b(?:near|outside|around|edges? of|outskirts of|"
                          r"(?:north|south|east|west)(?:east|west)? of)\s+"
                          r"(?:the\s+)?(?:\w+\s+){0,2}$", re.IGNORECASE)


_TALKS = re.compile(r"\b(?:talks|negotiations|delegation|negotiators)\b", re.IGNORECASE)


_LIST_GAP = re.compile(r"^(?:,\s*|\s+and\s+|,\s+and\s+)(?:the\s+)?(?:[\w-]+\s+){0,3}(?:of\s+)?$")


#: The place reason of a report whose sentence names no place of its own.
_CONTINUED_PLACE = "no place in its sentence: the place the report before it gives"


def _owners_of(parsed: Doc, event: EventMention, mentions: list[Resolution],
               s_start: int) -> frozenset[int]:
    """The mentions (article offsets of their starts) that own the trigger in the parse
    ("Moscow's new offensive", "Israel's strikes") while the sentence names another place:
    the owner says who did it, a metonym for its state, and the other place is where."""
    if len(mentions) < 2:
        return frozenset()
    owners = set()
    for r in mentions:
        start, end = r.mention.start - s_start, r.mention.end - s_start
        if any(start <= t.idx < end and t.dep_ == "poss"
               and event.start <= t.head.idx < event.end for t in parsed):
            owners.add(r.mention.start)
    return frozenset(owners) if len(owners) < len(mentions) else frozenset()


def _locations(text: str, mentions: list[Resolution], trigger_at: int, event: EventMention,
               distance_subject: Resolution | None, *, owners: frozenset[int] = frozenset()
               ) -> list[tuple[Place, int, int, int, str]]:
    """Where the trigger at ``trigger_at`` (article offset) happened, of the sentence's
    places (``mentions``): (place, geo precision, mention start, end, text) for the best
    place, and for each place listed with it after the trigger; [] when none may locate it.

    ``distance_subject`` is the sentence's place a stated distance is measured for ("the
    town 50 km northwest of Kyiv"); ``owners`` the mentions that own the trigger in the
    parse ("Moscow's new offensive": who did it, not where)."""
    candidates = _candidates(text, mentions, trigger_at, event, distance_subject, owners)
    if not candidates:
        return []
    candidates.sort(key=lambda c: c[0])
    best_rank, best, best_precision = candidates[0]
    # "bombed Kharkiv ..., with a shell striking the Freedom Square": the landmark in the town.
    for rank, r, precision in candidates:
        if r.place.feature == "landmark" and best.place.feature == "city" and haversine_km(
                r.place.lat, r.place.lon, best.place.lat, best.place.lon) <= _SAME_TOWN_KM:
            best_rank, best, best_precision = rank, r, precision
            break
    chosen = [(best, best_precision)]
    # A list after the trigger: "of Kyiv and the strategic cities of Kharkiv, Chernihiv, and
    # Mariupol" names every place hit.
    ordered = sorted((c for c in candidates if c[1].mention.start > trigger_at),
                     key=lambda c: c[1].mention.start)
    if ordered and ordered[0][1] is best:
        for (_, prev, _), (rank, nxt, precision) in zip(ordered, ordered[1:], strict=False):
            gap = text[prev.mention.end:nxt.mention.start]
            if rank[0] != best_rank[0] or not _LIST_GAP.match(gap):
                break
            chosen.append((nxt, precision))
    seen = set()
    out = []
    for r, precision in chosen:
        if r.place.key not in seen:
            seen.add(r.place.key)
            out.append((r.place, precision, r.mention.start, r.mention.end, r.mention.text))
    return out


def _candidates(text: str, mentions: list[Resolution], trigger_at: int, event: EventMention,
                distance_subject: Resolution | None, owners: frozenset[int],
                ) -> list[tuple[tuple[float, float], Resolution, int]]:
    """The sentence's places that may locate the trigger, each with its rank (specificity,
    then distance from the trigger: lower is better) and its geo precision; only reference
    points and speakers' seats when nothing else may."""
    candidates = []
    # "rockets at a base south of Haifa": a reference point locates a strike only when
    # nothing else in its sentence does (then near it, precision 2) -- still closer than the
    # place of the sentence before.
    fallback = []
    for r in mentions:
        if _part_of_the_town_before(text, r):
            continue  # "the city's X district": the town the sentence before named
        if r.mention.start in owners:
            continue  # "as Moscow's summer offensive ...": who did it, not where
        town = _inside_town(text, r, mentions)
        near_town = town is not None
        if near_town:
            r = town
        place = r.place
        assert place is not None
        before = text[max(0, r.mention.start - 45):r.mention.start]
        if place.feature == "continent" or not _may_locate(place, event, before):
            continue
        after = text[r.mention.end:r.mention.end + 40]
        if place.feature in ("city", "country") and _METONYM_AFTER.match(after):
            continue
        if place.feature in ("city", "region") and _SPEAKERS_SEAT_AFTER.match(after):
            fallback.append(((_SPECIFICITY.get(place.feature, 5) + 2,
                              abs(r.mention.start - trigger_at)), r, _geo_precision(place, False)))
            continue
        if place.feature == "water" and _crossing_pattern().search(before):
            continue  # "across a bridge over the Nile": the way across, not where it happened
        origin_window = text[max(0, r.mention.start - _ORIGIN_REACH):r.mention.start]
        if _DESTINATION_BEFORE.search(before) or _origin_pattern().search(origin_window):
            continue  # where people went, or where a weapon came from: not where it hit
        reference = _REFERENCE_BEFORE.search(before) is not None
        if reference and distance_subject is not None:
            r, reference = distance_subject, False  # the town the distance is stated for
            place = r.place
        elif reference and (event.event_type not in _REFERENCE_TYPES
                            or abs(r.mention.start - trigger_at) > _REFERENCE_REACH):
            if abs(r.mention.start - trigger_at) <= _REFERENCE_REACH:
                fallback.append(((_SPECIFICITY.get(place.feature, 5) + 2,
                                  abs(r.mention.start - trigger_at)), r,
                                 _geo_precision(place, True)))
            continue
        # "Shostka district" read as its centre town: near it, as ACLED codes a raion.
        near = (near_town or _NEAR_BEFORE.search(before) is not None
                or r.mention.pattern == "computed"
                or (r.mention.pattern == "region" and place.feature == "city"))
        distance = abs(r.mention.start - trigger_at)
        if r.mention.start < trigger_at:
            distance *= 2.5  # objects follow their verb more often than subjects precede it
        rank = (_SPECIFICITY.get(place.feature, 5) + (2 if reference else 0), distance)
        precision = _geo_precision(place, near or reference)
        if in_doubt(r.reason):
            # "a camp near Nablus" read as a namesake 4,000 km away: a place the
            # article's others put in doubt locates the event only when nothing else does.
            fallback.append(((rank[0] + 4, rank[1]), r, precision))
            continue
        candidates.append((rank, r, precision))
    return candidates or fallback


@lru_cache(maxsize=4)
def _origin_pattern(lang: str = "en") -> re.Pattern[str]:
    """"drones launched by Russia from the Kursk region", "missiles fired from Crimea",
    "bombers circling over the Black Sea": the place a weapon came from (launch verbs from
    ``geo/lang/<code>/places.json``)."""
    data = words(lang, "places")
    launch = "|".join(re.escape(w) for w in data["launch_verbs"])
    flying = "|".join(re.escape(w) for w in data["flying"])
    return re.compile(rf"(?:\b(?:{launch})\b[^.;:]{{0,100}}\bfrom|\b(?:{flying}))\s+"
                      r"(?:the\s+)?(?:[\w'’-]+\s+){0,3}$", re.IGNORECASE)


@lru_cache(maxsize=4)
def _crossing_pattern(lang: str = "en") -> re.Pattern[str]:
    """"over the Nile", "across the river": a water body a way goes over (``crossing`` of
    ``geo/lang/<code>/places.json``), right before its name."""
    words_ = "|".join(re.escape(w) for w in words(lang, "places")["crossing"])
    return re.compile(rf"\b(?:{words_})\s+(?:the\s+)?$", re.IGNORECASE)


@lru_cache(maxsize=4)
def _town_parts(lang: str = "en") -> tuple[frozenset[str], re.Pattern[str]]:
    """The words for a part of a town (``geo/lang/<code>/places.json``), and the pattern of
    one right after a name, with the "of" that may follow it ("district of the city of")."""
    parts = words(lang, "places")["town_parts"]
    alternatives = "|".join(re.escape(w) for w in parts)
    return (frozenset(w.lower() for w in parts),
            re.compile(rf"\s+(?:{alternatives})\b(?:\s+of\s+(?:the\s+)?(?:city\s+of\s+)?)?",
                       re.IGNORECASE))


def _part_of_the_town_before(text: str, r: Resolution, lang: str = "en") -> bool:
    """"the city's Shevchenkivskyi district": a part of a town the article named before,
    never a place of its own (the report then goes on about that town)."""
    parts, after = _town_parts(lang)
    return (re.search(r"\b(?:the|that)\s+(?:city|town|village|capital)(?:'s|’s)\s+$",
                      text[max(0, r.mention.start - 30):r.mention.start], re.IGNORECASE)
            is not None and (
                after.match(text, r.mention.end, r.mention.end + 40) is not None
                # "Shevchenkivskyi district" read as one name
                or r.mention.text.rsplit(" ", 1)[-1].lower() in parts))


def _inside_town(text: str, r: Resolution, mentions: list[Resolution],
                 lang: str = "en") -> Resolution | None:
    """"the Slobidskyi district of Kharkiv", "the Shakhtarskyi micro-district of Toretsk",
    "Kharkiv's Saltivskyi district": a part of a town named beside it is read as that town
    (precision 2), never as a namesake of the part elsewhere."""
    after = _town_parts(lang)[1].match(text, r.mention.end, r.mention.end + 40)
    if after is None:
        return None
    if after.group().rstrip().endswith(("of", "Of", "OF")):
        at = after.end()
        return next((m for m in mentions if m.mention.start == at and m.place is not None
                     and m.place.feature == "city"), None)
    # "Kharkiv's Saltivskyi district", "Gaza City's Shejaiya neighbourhood": the town owns it.
    owner = re.search(r"(?:'s|’s)\s+(?:the\s+)?$", text[max(0, r.mention.start - 6):
                                                          r.mention.start])
    if owner is None:
        return None
    end = r.mention.start - len(owner.group())
    return next((m for m in mentions if m.mention.end == end and m.place is not None
                 and m.place.feature == "city"), None)


def _may_locate(place: Place, event: EventMention, before: str) -> bool:
    """Countries locate protests ("Protests in Russia") and, as venues, agreements ("talks in
    Belarus"); as parties ("Ukraine and Russia have agreed") they locate nothing."""
    if place.feature != "country":
        return True
    if event.event_type in _COUNTRY_LEVEL_TYPES:
        return True
    return event.sub_event_type in _COUNTRY_LEVEL_SUBTYPES and before.rstrip().endswith(
        ("in", "in western", "in eastern", "in northern", "in southern"))


def _geo_precision(place: Place, near: bool) -> int:
    if is_estimated(place):
        return 2  # a village at its hromada's centre, a raion or hromada at its seat
    if place.feature in ("country", "continent", "region", "area"):
        return 3
    if place.feature in ("water", "computed"):
        return 2
    return 2 if near else 1


def _talks_venue(text: str, by_sentence: dict[int, list[Resolution]],
                 sentences: list[tuple[int, int]]) -> list[tuple[Place, int, int, int, str]]:
    """Where talks were held: the most specific place in a sentence about talks."""
    best = None
    for s_start, s_end in sentences:
        if s_start not in by_sentence or not _TALKS.search(text, s_start, s_end):
            continue
        for r in by_sentence[s_start]:
            if r.place.feature != "continent" and (
                text[max(0, r.mention.start - 25):r.mention.start].rstrip().endswith(
                    ("in", "in western", "in eastern", "in southern", "in northern", ","))
            ):
                rank = _SPECIFICITY.get(r.place.feature, 5)
                if best is None or rank < best[0]:
                    best = (rank, r)
    if best is None:
        return []
    r = best[1]
    return [(r.place, _geo_precision(r.place, False), r.mention.start, r.mention.end,
             r.mention.text)]


def _dateline_capital(resolutions: list[Resolution],
                      dateline: Dateline | None) -> Resolution | None:
    """The dateline's place when it is its country's capital (by GeoNames' country table)."""
    if dateline is None:
        return None
    for r in resolutions:
        if r.mention.start >= dateline.end:
            return None
        if (r.place is not None and r.place.feature == "city" and r.place.name
                and normalize(r.place.name) == normalize(capital_name(r.place.country_code))):
            return r
    return None


def _at_region_seats(reports: list[Report], resolutions: list[Resolution]) -> list[Report]:
    """A report only a region locates is put at the region's seat, at the region's
    precision, as ACLED codes it ("three people died in the Rivne region" ->
    Zhytomyr, precision 3; ``geo.nlp.geoparse.with_seats``)."""
    seats = {r.place.key: r.seat for r in resolutions
             if r.place is not None and r.seat is not None}
    if not seats:
        return reports
    return [replace(r, place=seats[r.place.key], geo_precision=max(r.geo_precision, 3))
            if r.place.key in seats else r for r in reports]
