"""Reading the places that say where another place is: qualifiers and other names.

"Odessa, Texas", "Zarichne, Donetsk", "Irpin (Kyiv oblast)", "Kuchi village in Plateau
State": the second place narrows the first's candidates to those inside it, and is read as
the region or country it names (``_qualify``). An unknown name before a region
("Virnopillia, Kharkiv") is found in that region spelled otherwise, else the region stands
for it (``_unknown_before``). "Kyiv (also spelt Kiev)": the second name is the first place's
other name (``_alias_of``).
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from geo.gazetteer.index import Gazetteer, normalize, sound_alike, spelling_key
from geo.lang import words
from geo.nlp.mentions import english_words
from geo.nlp.ua_units import in_unit, unit_prefix
from geo.records import Mention, Place, Resolution

# "Bakhmut, known in Russian as Artyomovsk", "Kyiv (also spelt Kiev)": the second name
# is the first place's other name, never a place of its own.
_ALIAS_BEFORE = re.compile(
    r"[,(]\s*(?:(?:also|locally|widely|formerly|previously|once|then)\s+)?"
    r"(?:(?:known|called|named)\s+(?:(?:in|by)\s+(?:the\s+)?[A-Z]?[\w-]+\s+)?as"
    r"|(?:spelt|spelled|written)(?:\s+(?:in|by)\s+(?:the\s+)?[A-Z]?[\w-]+)?(?:\s+as)?)\s+$"
    r"|[,(]\s*(?:formerly|previously|once)\s+$")


def _alias_of(text: str, mentions: list[Mention], resolutions: list[Resolution],
              i: int) -> Resolution | None:
    """The resolution of the place a mention is another name of ("Pokrovsk, known in
    Russian as Krasnoarmeysk"), or None. Nationality words between the two do not count
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
    # A raion or hromada ("Ivanivka, Bakhmutskyi district"): the oblast holds several
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
            # "in Kherson, Kherson": a name read only as the region it is followed by
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
            # else "the Mission District neighborhood of San Francisco": a town that holds the place
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
    """An unknown name before a region ("fighting near Novyi Vyselok, Kharkiv"): found in that
    region spelled otherwise (``spelled``, the region a qualifier), else the region stands
    for it (``region_only``). Fills the three dicts ``_qualify`` returns."""
    for j, mention in enumerate(mentions):
        if j in qualifiers or j in region_only:
            continue
        # "fighting near Novyi Vyselok, Kharkiv": an unknown name before the region.
        before = (_UNKNOWN_BEFORE.search(text, max(0, mention.start - 40), mention.start)
                  or _kind_of_unknown_in().search(text, max(0, mention.start - 60),
                                                  mention.start))
        # The name must be unknown: no mention on it (one after it is the possessive
        # country of "in Haiti's Artibonite region").
        if before is None or any(m.start < before.end(1) and before.start(1) < m.end
                                 for m in mentions[max(0, j - 2):j]):
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


@lru_cache(maxsize=1)
def _kind_of_unknown_after() -> re.Pattern[str]:
    # "the southern Lebanese town of Bint Jbeil": up to two plain words, a settlement kind,
    # "of" and a name, right after a nationality word.
    kinds = "|".join(map(re.escape, sorted(_SETTLEMENT_KINDS, key=len, reverse=True)))
    return re.compile(rf"(?: [a-z][a-z-]*){{0,2}} (?:{kinds}) of "
                      r"([A-Z][\w'’-]+(?: [A-Z][\w'’-]+)?)\b")


def unknown_towns_of_a_country(text: str, mentions: list[Mention],
                               candidates: list[list[Place]]) -> dict[int, Mention]:
    """Towns the gazetteer lacks that a nationality word places in its country ("the
    southern Lebanese town of Bint Jbeil"): nationality mention index -> a mention of the
    town. Without it, a strike there had no place at all and was lost; the country is the
    place an analyst can correct."""
    starts = {m.start for m in mentions}
    out: dict[int, Mention] = {}
    for j, mention in enumerate(mentions):
        if mention.pattern != "demonym" or len(candidates[j]) != 1:
            continue
        found = _kind_of_unknown_after().match(text, mention.end)
        if found is None or found.start(1) in starts or normalize(
                found.group(1)) in english_words():
            continue
        out[j] = Mention(article=mention.article, start=found.start(1), end=found.end(1),
                         text=found.group(1), pattern="unknown")
    return out


@lru_cache(maxsize=1)
def _kind_of_unknown_in() -> re.Pattern[str]:
    # "the mining town of Nyabibwe in South Kivu province", "the town of X in Haiti's
    # Artibonite region": a settlement the gazetteer lacks, named by its kind, then the
    # region it is in.
    kinds = "|".join(map(re.escape, sorted(_SETTLEMENT_KINDS, key=len, reverse=True)))
    return re.compile(rf"\b(?:{kinds}) of ([A-Z][\w'’-]+(?: [A-Z][\w'’-]+)?) in "
                      r"(?:the |[A-Z][\w'’-]+['’]s )?$")


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

