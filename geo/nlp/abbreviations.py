"""A state or province abbreviated after a town: "Modesto, Calif.", "JACKSON, Tenn. (AP)",
"Floyd County (Ga.)", "Kent, WA".

News agencies write the state a US town lies in as the AP Stylebook abbreviates it, in datelines
and after towns; Canadian and Australian copy does the same with provinces and states. Read as
nothing, the abbreviation is a lost place and, worse, a lost qualifier: "Jackson, Tenn."
became the largest Jackson, in Mississippi. Read as the region it stands for, it is a
mention whose candidates are that region, and the resolver's qualifier rules
(``geo.nlp.resolve_qualifiers``) keep the town inside it, as they do for "Jackson,
Tennessee".

The forms are language data (``geo/lang/en/region_abbreviations.json``, with their sources).
Only the place after a town's name and a comma (or an opening parenthesis) is read, never a
free-standing form. A form that could be something else needs the town before it to confirm
it, by having a namesake inside the region: a two-letter postal code ("Smith, MD" is a
doctor) and a dotted form that spells an English word ("Ill.", "Wash.", "Miss."); an
all-capitals town opening a line, a dateline, confirms it too.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache

from geo.gazetteer.index import Gazetteer, normalize
from geo.lang import words
from geo.nlp.mentions import english_words
from geo.records import Mention, Place

PATTERN = "abbreviation"


@lru_cache(maxsize=1)
def _forms() -> dict[str, tuple[tuple[str, str], ...]]:
    """Each written form -> the (country code, region name) pairs it may stand for."""
    table = words("en", "region_abbreviations")["after_town"]
    return {form: tuple((country, name) for country, name in pairs)
            for form, pairs in table.items()}


@lru_cache(maxsize=1)
def _finder() -> re.Pattern[str]:
    forms = sorted(_forms(), key=len, reverse=True)
    # The gap: a comma or an opening parenthesis; the form, not followed by a letter
    # ("Calif." but not "Cal" of "Caltech"; "N.M." but not "N.Main"). The town before the
    # gap is read backwards from there (``_TOWN``), so the search stays linear in the text.
    return re.compile(
        rf"(?P<gap>, | \()(?P<form>{'|'.join(map(re.escape, forms))})(?![A-Za-z])")


# The town: capitalised words joined by a space or a hyphen ("Wilkes-Barre", "St. Louis"), an
# all-capitals dateline town too, ending at the gap. No word holds a space or a hyphen, so
# each text has one reading (no backtracking blow-up on long hyphenated runs), and it is
# looked for in a bounded window before the gap.
_TOWN = re.compile(r"[A-Z][\w'’.]*(?:[ -][A-Z][\w'’.]*)*$")
_TOWN_WINDOW = 60


def regions_of(form: str, gazetteer: Gazetteer) -> list[Place]:
    """The first-level regions an abbreviation may stand for ("WA": Washington and Western
    Australia); [] for a form the language data does not list."""
    out: list[Place] = []
    for country, name in _forms().get(form, ()):
        key = normalize(name)
        for index in (*gazetteer.region_names.get(key, ()), *gazetteer.lookup(key)):
            place = gazetteer.place(index)
            if place.feature == "region" and place.country_code == country and place not in out:
                out.append(place)
                break
    return out


def _needs_town(form: str) -> bool:
    letters = form.replace(".", "").replace(" ", "")
    return "." not in form or letters.lower() in english_words()


def _dateline_town(text: str, start: int, town: str) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    return town.isupper() and not text[line_start:start].strip()


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) overlaps one of the sorted mention spans (which do not overlap
    one another), found by bisection so a long list of "Town, ST" stays linear."""
    k = bisect_left(spans, (end, end))
    return any(s < end and start < e for s, e in spans[max(0, k - 2):k])


def with_region_abbreviations(text: str, mentions: list[Mention], gazetteer: Gazetteer,
                              *, article: str = "") -> list[Mention]:
    """The mentions, with each abbreviated region that follows a town added as a mention of
    pattern ``"abbreviation"`` (its candidates: ``regions_of``), in text order."""
    taken = {(m.start, m.end): m for m in mentions}
    spans = sorted(taken)
    before = {m.end: m for m in mentions}
    added: list[Mention] = []
    replaced: set[Mention] = set()
    for match in _finder().finditer(text):
        start, end = match.span("form")
        same = taken.get((start, end))
        # A recognised span that is exactly the form ("WA" read as Wa, Ghana) is replaced;
        # one that overlaps it otherwise is a longer name and stays.
        if same is None and _overlaps(spans, start, end):
            continue
        form = match.group("form")
        gap_start = match.start("gap")
        named = _TOWN.search(text, max(0, gap_start - _TOWN_WINDOW), gap_start)
        if named is None:
            continue
        town = before.get(gap_start)
        if town is not None and match.group("gap") == ", " and gazetteer.lookup(
                normalize(f"{town.text} {form}")):
            # "Washington, D.C." is one name, the town's own, not a town and its region.
            added.append(Mention(article=article, start=town.start, end=end,
                                 text=text[town.start:end]))
            replaced.add(town)
            continue
        regions = regions_of(form, gazetteer)
        if not regions:
            continue
        if _needs_town(form):
            codes = {r.admin1_code for r in regions}
            confirmed = town is not None and any(
                gazetteer.place(i).admin1_code in codes
                for i in gazetteer.lookup(normalize(town.text)))
            if not confirmed and not _dateline_town(text, named.start(), named.group()):
                continue
        added.append(Mention(article=article, start=start, end=end, text=form,
                             pattern=PATTERN))
        if same is not None:
            replaced.add(same)
    if not added:
        return mentions
    kept = [m for m in mentions if m not in replaced]
    return sorted([*kept, *added], key=lambda m: m.start)
