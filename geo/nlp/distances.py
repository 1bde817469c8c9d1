"""Stated distances: "a small town 60 km (40 miles) northwest of Kyiv".

The text's own geography is a second opinion on the gazetteer. ``find_stated_distances`` reads
the phrase; ``check_stated_distances`` projects the point with geopy's geodesic maths from the
reference place, compares it with where the gazetteer put the subject, flags a strong
disagreement, and places a subject the gazetteer lacks at the computed point (feature
"computed", so maps show it as approximate).

Example:
    >>> phrases = find_stated_distances("a town 60 km (40 miles) northwest of Kyiv")
    >>> [(d.km, d.bearing) for d in phrases]
    [(60.0, 315.0)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from geopy.distance import geodesic

from geo.lang import words
from geo.records import Mention, Place, Resolution, StatedDistance

_BEARINGS = {
    "north": 0.0, "north-northeast": 22.5, "northeast": 45.0, "east-northeast": 67.5,
    "east": 90.0, "east-southeast": 112.5, "southeast": 135.0, "south-southeast": 157.5,
    "south": 180.0, "south-southwest": 202.5, "southwest": 225.0, "west-southwest": 247.5,
    "west": 270.0, "west-northwest": 292.5, "northwest": 315.0, "north-northwest": 337.5,
}
#: Length units and their size in km.
UNITS = {"km": 1.0, "kms": 1.0, "kilometers": 1.0, "kilometres": 1.0, "kilometer": 1.0,
          "kilometre": 1.0, "miles": 1.609344, "mile": 1.609344, "mi": 1.609344}
_DIRECTION = r"(?:north|south|east|west)(?:[- ]?(?:north|south|east|west)){0,2}"
_UNIT = "|".join(sorted(UNITS, key=len, reverse=True))
_PHRASE = re.compile(
    rf"(?P<num>\d+(?:[.,]\d+)?)[\s\u00a0-]*(?P<unit>{_UNIT})\b"
    rf"(?:\s*\([^)]{{0,30}}\))?\s+(?:to\s+the\s+)?(?P<dir>{_DIRECTION})\s+of\b",
    re.IGNORECASE,
)
# Nouns of a settlement (``geo/lang/en/places.json``), a capitalised name of up to three words,
# and the words that make a distance approximate.
_SETTLEMENTS = "|".join(words("en", "places")["settlements"])
_NAME = r"(?P<name>[A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+){0,2})"
_ABOUT = r"(?:about\s+|some\s+|around\s+|roughly\s+|nearly\s+)?"
# "In Borodyanka, a small town 60 km ...": a subject the gazetteer may not know.
_SUBJECT = re.compile(
    rf"{_NAME},\s+an?\s+(?:small\s+|large\s+|tiny\s+)?(?:{_SETTLEMENTS}|suburb)\s+$"
)
# Beyond this (and beyond half the stated distance), text and gazetteer disagree.
_FLAG_KM = 25.0
_REFERENCE_WINDOW = 60
# "The small town 50 km ..." opens its sentence: its subject is the previous sentence's place.
_OPENING_CHARS = 40  # characters after "of" in which the reference place must start


@dataclass(frozen=True)
class DistancePhrase:
    """A distance phrase as written: where it is, how far, which way."""

    start: int
    end: int  # end of "... of"; the reference place follows
    km: float
    bearing: float


def find_stated_distances(text: str) -> list[DistancePhrase]:
    """Find "N km/miles <direction> of" phrases.

    Args:
        text: any text.

    Returns:
        The phrases in text order.
    """
    found = []
    for m in _PHRASE.finditer(text):
        direction = re.sub(r"[\s]", "-", m.group("dir").lower())
        direction = direction.replace("north-east", "northeast").replace("north-west", "northwest")
        direction = direction.replace("south-east", "southeast").replace("south-west", "southwest")
        if direction not in _BEARINGS:
            continue
        km = float(m.group("num").replace(",", ".")) * UNITS[m.group("unit").lower()]
        found.append(DistancePhrase(m.start(), m.end(), round(km, 3), _BEARINGS[direction]))
    return found


def check_stated_distances(text: str, resolutions: list[Resolution]) -> list[Resolution]:
    """Attach each stated distance to its subject, check it, place unknown subjects.

    The reference is the first resolved mention just after "of" ("of the Ukrainian capital,
    Kyiv"); the subject is the nearest resolved mention before the phrase in the same sentence,
    else the last one of the previous sentence ("... main street of Borodyanka. The small town
    50 kilometers northwest of ..."), else a capitalised name the gazetteer lacks ("Hostomel, a
    village 25 km ..."), which becomes a computed mention.

    Args:
        text: the article's text.
        resolutions: its resolutions in text order.

    Returns:
        The resolutions, with ``distance`` set where a phrase applies and computed mentions
        inserted in text order.
    """
    out = list(resolutions)
    for phrase in find_stated_distances(text):
        ref_i = _reference(out, phrase)
        if ref_i is None:
            continue
        reference = out[ref_i].place
        assert reference is not None
        point = geodesic(kilometers=phrase.km).destination((reference.lat, reference.lon),
                                                           phrase.bearing)
        named = _antecedent(text, phrase, out)
        if named is not None:
            # "stormed the town of X ... the town, some 35 km east of Y": the town the
            # gazetteer lacks is where the text puts it.
            out = _placed_by_distance(text, out, named, phrase, reference, point,
                                      out[ref_i])
            continue
        subject_i = _subject(out, phrase, ref_i)
        if subject_i is None:
            computed = _computed_subject(text, phrase, reference, point, out[ref_i])
            if computed is not None:
                out.append(computed)
                out.sort(key=lambda r: r.mention.start)
            continue
        subject = out[subject_i]
        if subject.place is None:
            continue
        disagreement = geodesic((point.latitude, point.longitude),
                                (subject.place.lat, subject.place.lon)).km
        flagged = disagreement > max(_FLAG_KM, phrase.km / 2)
        stated = StatedDistance(km=phrase.km, bearing=phrase.bearing, reference=reference.key,
                                computed_lat=round(point.latitude, 5),
                                computed_lon=round(point.longitude, 5),
                                disagreement_km=round(disagreement, 1), flagged=flagged,
                                phrase_start=phrase.start)
        reason = subject.reason + (
            f"; text says {phrase.km:g} km from {reference.name}, the gazetteer's point is "
            f"{disagreement:.0f} km from there" + (" (FLAGGED: they disagree)" if flagged else "")
        )
        out[subject_i] = replace(subject, distance=stated, reason=reason)
    return out


# "near the village, some 30 km south of": a settlement noun standing for one named before.
_ANAPHOR = re.compile(rf"\bthe\s+(?:small\s+|tiny\s+|nearby\s+|same\s+)?"
                      rf"(?:{_SETTLEMENTS}|camp)\s*,?\s*{_ABOUT}$", re.IGNORECASE)
# "the town of X", "the village of X": a name the text says is a settlement.
_SETTLEMENT_OF = re.compile(rf"\b(?:{_SETTLEMENTS})\s+of\s+{_NAME}")
# "the village of X, some 20 km east of": the settlement the distance is stated for.
_NAMED_BEFORE = re.compile(rf"{_SETTLEMENT_OF.pattern},?\s+{_ABOUT}$")
_ANTECEDENT_REACH = 600  # characters back: the sentence before or the one before that


def _antecedent(text: str, phrase: DistancePhrase,
                resolutions: list[Resolution]) -> str | None:
    """The name the gazetteer lacks that a stated distance is given for: "the town of X"
    right before it, or the last "town of X" within the two sentences before when "the
    town" before it stands for that one; None when no place was found for neither form,
    or the name was placed."""
    named = _NAMED_BEFORE.search(text, max(0, phrase.start - 80), phrase.start)
    if named is not None:
        m = named  # "shelled the village of X, some 20 km east of Y"
    elif _ANAPHOR.search(text, max(0, phrase.start - 40), phrase.start) is None:
        return None
    else:
        found = list(_SETTLEMENT_OF.finditer(text, max(0, phrase.start - _ANTECEDENT_REACH),
                                             phrase.start))
        if not found:
            return None
        m = found[-1]
    placed = any(r.place is not None and r.mention.start < m.end("name")
                 and m.start("name") < r.mention.end for r in resolutions)
    return None if placed else m.group("name")


def _placed_by_distance(text: str, resolutions: list[Resolution], name: str,
                        phrase: DistancePhrase, reference: Place, point,
                        ref: Resolution) -> list[Resolution]:
    """Every mention of ``name`` (the gazetteer lacks it) at the point the stated distance
    gives, as computed mentions."""
    place, stated = _computed_place(name, phrase, reference, point)
    reason = (f"not in the gazetteer; placed {phrase.km:g} km from {reference.name} as the "
              "text states of it (low precision)")
    out = [r for r in resolutions if r.place is not None or r.mention.text != name]
    for m in re.finditer(rf"\b{re.escape(name)}\b", text):
        if any(r.mention.start < m.end() and m.start() < r.mention.end for r in out):
            continue
        home = next((r.sentence for r in out if r.sentence[0] <= m.start() < r.sentence[1]),
                    ref.sentence)
        mention = Mention(article=ref.mention.article, start=m.start(), end=m.end(),
                          text=name, pattern="computed")
        out.append(Resolution(mention=mention, place=place, score=0.3, sentence=home,
                              distance=stated, reason=reason))
    return sorted(out, key=lambda r: r.mention.start)


def _computed_place(name: str, phrase: DistancePhrase, reference: Place,
                    point) -> tuple[Place, StatedDistance]:
    """A place the gazetteer lacks, at the point a stated distance gives, and that distance."""
    place = Place(key=f"computed:{name}@{reference.key}", name=name,
                  lat=round(point.latitude, 5), lon=round(point.longitude, 5),
                  feature="computed", country_code=reference.country_code,
                  admin1=reference.admin1, admin1_code=reference.admin1_code)
    stated = StatedDistance(km=phrase.km, bearing=phrase.bearing, reference=reference.key,
                            computed_lat=place.lat, computed_lon=place.lon,
                            disagreement_km=None, flagged=False, phrase_start=phrase.start)
    return place, stated


def _reference(resolutions: list[Resolution], phrase: DistancePhrase) -> int | None:
    for i, r in enumerate(resolutions):
        if phrase.end <= r.mention.start <= phrase.end + _REFERENCE_WINDOW and (
                r.place is not None and r.mention.pattern != "demonym"):
            return i
    return None


def _subject(resolutions: list[Resolution], phrase: DistancePhrase, ref_i: int) -> int | None:
    # A nationality word ("a Russian assault") is never what a distance is measured to.
    before = [i for i, r in enumerate(resolutions[:ref_i])
              if r.mention.end <= phrase.start and r.mention.pattern != "demonym"]
    if not before:
        return None
    last = before[-1]
    sentence = resolutions[ref_i].sentence
    if resolutions[last].sentence == sentence:
        return last
    # The subject may open the next sentence as "The small town ...": only then look back.
    opens_sentence = phrase.start - sentence[0] < _OPENING_CHARS
    return last if opens_sentence and resolutions[last].sentence[1] <= sentence[0] else None


def _computed_subject(text: str, phrase: DistancePhrase, reference: Place, point,
                      ref: Resolution) -> Resolution | None:
    m = _SUBJECT.search(text, max(0, phrase.start - 80), phrase.start)
    if m is None:
        return None
    name = m.group("name")
    for word in ("In ", "At ", "Near "):
        if name.startswith(word):
            name = name[len(word):]
    start = m.start("name") + (len(m.group("name")) - len(name))
    mention = Mention(article=ref.mention.article, start=start, end=start + len(name),
                      text=name, pattern="computed")
    place, stated = _computed_place(name, phrase, reference, point)
    return Resolution(mention=mention, place=place, score=0.3, sentence=ref.sentence,
                      distance=stated, reason=f"not in the gazetteer; placed {phrase.km:g} km "
                      f"from {reference.name} as the text states (low precision)")
