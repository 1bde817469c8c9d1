"""Every place a mention may denote, before the article's context is weighed.

A name is looked up in the gazetteer (its own names, its regions' names, a city's districts);
a region phrase ("the Brest region", "Shostka district") is read as the first-level region
that bears the name, or, for a second-level unit, its centre town; a bare name that is both a
region and its large namesake town is the town ("Kherson"). ``geo.nlp.resolve`` ranks what
this module proposes. An abbreviated region after a town ("Modesto, Calif.") is the region it
stands for (``geo.nlp.abbreviations``).
"""

from __future__ import annotations

from dataclasses import replace

from geo.gazetteer.index import Gazetteer, normalize, sound_alike, spelling_key
from geo.nlp.abbreviations import PATTERN as ABBREVIATION
from geo.nlp.abbreviations import regions_of
from geo.records import Mention, Place

# A region's namesake town, the one a bare region name means, is its capital: a large town.
_NAMESAKE_TOWN_POPULATION = 50_000


def candidate_places(mention: Mention, gazetteer: Gazetteer) -> list[Place]:
    """Every place a mention may denote, before context is weighed."""
    if mention.pattern == "region":
        return _region_candidates(mention, gazetteer)
    if mention.pattern == ABBREVIATION:
        return regions_of(mention.text, gazetteer)
    key = normalize(mention.text)
    if mention.pattern == "demonym":
        country = gazetteer.demonym(key)
        return [country] if country is not None else []
    indexes = (gazetteer.lookup(key) or gazetteer.region_names.get(key, ())
               # "Washington, D.C.": a name written with its comma (geo.nlp.abbreviations)
               or gazetteer.lookup(key.replace(",", ""))
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
