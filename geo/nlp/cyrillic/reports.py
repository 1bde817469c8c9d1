"""Reports of a Ukrainian or Russian article: the same ``geo.nlp.report.Report`` records as
the English pipeline gives, so merging, storage, tables and exports treat both alike.

Each sentence after the dateline is read for:

- **what happened**: word stems typed with ACLED's taxonomy (``geo/lang/<lang>/events.json``):
  an interception is Strategic developments / Disrupted weapons use; a clash, territory
  taken or regained are Battles; a protest is a Protest, a Violent demonstration when its
  people throw or burn, Excessive force when it is dispersed; an attack is an Explosion of the
  sub-type its nearest weapon word names (drones, aircraft, glide bombs: Air/drone strike;
  missiles, shells, rocket artillery: Shelling/artillery/missile attack);
- **where**: the places ``geo.nlp.cyrillic.places`` found in the sentence, a town before a
  region, nearest the trigger; never a launch site ("з району X", "из Крыма"), a speaker
  ("в Москве заявил") or the dateline; a sentence without a place continues the report
  before it in its paragraph;
- **when**: the date nearest the trigger (``geo.nlp.cyrillic.dates``), else the report it
  continues, else the publication day at week precision;
- **how many** (``geo.nlp.cyrillic.figures``): killed and injured, in digits or words
  ("двоє загиблих", "п'ятеро поранених", "погибли четыре человека", "кількість загиблих
  зросла до дев'яти"); ages, distances and units never count; a following sentence with
  a toll and no event of its own adds its figures to the report before it;
- **who**: the side its words name, nearest the trigger ("окупанти", "рашисти", "ворожий
  дрон" are Russia's forces in Ukrainian copy; "ВСУ", "киевский режим" Ukraine's in
  Russian copy; named groups by ACLED's names), else for an attack the side across the front
  from the place's country, for an interception the place's own forces.

Background is dropped as for English: the learned news filter (``geo.nlp.news``, the
language's grammar words from ``geo/lang/<lang>/aspect.json``), a denial, a year before
publication, a written date more than a week before the article's news.

Example:
    >>> import datetime as dt
    >>> from geo.records import Article
    >>> a = Article(id="u1", outlet="Приклад", published=dt.date(2024, 11, 19),
    ...             text="Вчора окупанти обстріляли Херсон, загинули двоє людей.")
    >>> r = extract_reports(a, lang="uk")[0]
    >>> r.place.name, r.mention_text, r.date.isoformat(), r.sub_event_type
    ('Kherson', 'Херсон', '2024-11-18', 'Shelling/artillery/missile attack')
    >>> r.actor1, [f.low for f in r.killed]
    ('Military Forces of Russia (2000-)', [2])
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from geo.lang import words
from geo.nlp.actors import (  # ACLED's names, written once
    Actor,
    _military_of,
)
from geo.nlp.article import find_dateline
from geo.nlp.cyrillic.assemble import (
    make_report,
    one_protest_per_place,
    one_weapon_per_attack,
    only_news,
)
from geo.nlp.cyrillic.dates import CyrillicDate, find_dates
from geo.nlp.cyrillic.figures import find_casualties, stem_lists, stem_pattern
from geo.nlp.cyrillic.places import country_code_of, find_places, sentence_spans, word_spans
from geo.nlp.events import BATTLES, EXPLOSIONS, PROTESTS, RIOTS, STRATEGIC
from geo.nlp.events import VIOLENCE_AGAINST_CIVILIANS as VAC
from geo.nlp.figures import Figure
from geo.nlp.report import Report
from geo.records import Article, Place, Resolution

if TYPE_CHECKING:
    from geo.gazetteer.index import Gazetteer

__all__ = ["extract_reports", "find_casualties"]

# ACLED's (event type, sub-event type) for each kind of happening the word lists name.
_TYPES = {
    "interception": (STRATEGIC, "Disrupted weapons use"),
    "clash": (BATTLES, "Armed clash"),
    "regain": (BATTLES, "Government regains territory"),
    "capture": (BATTLES, "Non-state actor overtakes territory"),
    "civilian_attack": (VAC, "Attack"),
    "air": (EXPLOSIONS, "Air/drone strike"),
    "shelling": (EXPLOSIONS, "Shelling/artillery/missile attack"),
    "attack": (EXPLOSIONS, "Shelling/artillery/missile attack"),  # no weapon named
    "riot": (RIOTS, "Violent demonstration"),
    "force_on_protest": (PROTESTS, "Excessive force against protesters"),
    "intervention": (PROTESTS, "Protest with intervention"),
    "protest": (PROTESTS, "Peaceful protest"),
}
# Which kind wins when a sentence holds several: an interception is told with the weapons it
# stopped, a clash or a capture with the strikes around it.
_ORDER = ("interception", "regain", "capture", "clash", "civilian_attack", "attack",
          "attack_weak", "protest")
_LOOK_BACK = 3  # words before a place searched for "from" ("з району X")
_OLD_DAYS = 7  # a date this long before the article's news is background
_WEAPON_REACH = 60  # characters between an interception verb and the weapon it stopped
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_CLAUSE = 45  # characters around a trigger where a modal word makes it a threat or a guess
_FINE = frozenset({"city", "landmark", "computed"})
# A dateline in any case: "Київ, 28 червня —" (find_dateline reads capitals: "МОСКВА, 13 ...").
_DATELINE = re.compile(r"\s*[А-ЯІЇЄҐЁ][\w'’-]+(?:[ -][А-ЯІЇЄҐЁ][\w'’-]+)?,\s*\d{1,2}\s+"
                       r"[а-яіїєґё]+(?:\s+\d{4})?\s*(?:\([^()\n]{1,60}\))?\s*[—–-]\s*")


@lru_cache(maxsize=1)
def _default_gazetteer() -> Gazetteer:
    from geo.gazetteer.index import Gazetteer  # noqa: PLC0415 - only without a geoparse

    return Gazetteer.load()


def body_start(text: str) -> int:
    """Where the story starts: after the dateline ("Київ, 28 червня —"), if any."""
    dateline = find_dateline(text)
    if dateline is not None:
        return dateline.end
    m = _DATELINE.match(text)
    return m.end() if m else 0


def extract_reports(article: Article, resolutions: list[Resolution] | None = None, *,
                    lang: str, gazetteer: Gazetteer | None = None,
                    today: dt.date | None = None,
                    country_names: dict[str, str] | None = None,
                    news_only: bool = True) -> list[Report]:
    """One Ukrainian or Russian article's reports, in text order.

    Args:
        article: the article.
        resolutions: its places (``geo.nlp.cyrillic.places.find_places``); found here
            (with ``gazetteer``, or the cached index) when None.
        lang: "uk" or "ru".
        gazetteer: the place index, when ``resolutions`` is None.
        today: the day assumed for an article without a publication date.
        country_names: ISO code -> name, to name forces, civilians and protesters.
        news_only: drop the reports the news filter reads as background.

    Returns:
        Reports (``geo.incidents.Report``), as the English pipeline's.
    """
    from geo.gazetteer.index import country_names as all_country_names  # noqa: PLC0415

    text = article.text
    start = body_start(text)
    if resolutions is None or not any(_CYRILLIC.search(r.mention.text) for r in resolutions):
        # Not found by this reader (an English geoparse of Cyrillic text finds nothing true);
        # its own places, an analyst's changes applied, are kept.
        resolutions = find_places(text, lang, gazetteer or _default_gazetteer(),
                                  article_id=article.id)
    names = country_names or all_country_names()
    sentences = sentence_spans(text, start)
    published, inferred = _publication(article, lang, today, start)
    dates = find_dates(text, lang, published, start)
    places = [r for r in resolutions if r.place is not None and r.mention.start >= start]
    reader = _Reader(text, lang, published, inferred, article, names, dates)
    for s, e in sentences:
        reader.sentence(s, e, [r for r in places if s <= r.mention.start < e])
    reports = one_weapon_per_attack(reader.reports, reader.defaulted)
    reports = one_protest_per_place(reports)
    if news_only:
        reports = only_news(reports, text, published, lang)
    # Why each is placed where it is: its place's resolution, as the English reader says it.
    reasons = {r.mention.start: r.reason for r in places}
    return [dataclasses.replace(r, place_reason=reasons.get(r.mention_start, ""))
            for r in reports]


def _publication(article: Article, lang: str, today: dt.date | None,
                 start: int) -> tuple[dt.date, bool]:
    if article.published is not None:
        return article.published, False
    today = today or dt.date.today()
    written = [d.date for d in find_dates(article.text, lang, today, start)
               if d.explicit and d.date <= today]
    return (max(written) if written else today), True


class _Reader:
    """Reads an article sentence by sentence, keeping what a next sentence continues."""

    def __init__(self, text: str, lang: str, published: dt.date, inferred: bool,
                 article: Article, names: dict[str, str], dates: list[CyrillicDate]) -> None:
        self.text, self.lang, self.published, self.inferred = text, lang, published, inferred
        self.article, self.names, self.dates = article, names, dates
        self.events = stem_lists(lang, "events")
        self.aspect = stem_lists(lang, "aspect")
        self.actor_stems = stem_lists(lang, "actors")
        self.actor_words = words(lang, "actors")
        self.places_data = words(lang, "places")
        self.after_words = stem_pattern(tuple(words(lang, "dates")["after"]))
        self.year = _year_pattern(lang)
        self.times_of_day = frozenset(words(lang, "dates")["times_of_day"])
        self.defaulted: set[int] = set()  # reports whose weapon no word named
        self.reports: list[Report] = []
        self.group = ""  # the armed group last named: what "the militants" refers to
        self.attacker: dict[str, Actor] = {}  # place country -> the last side that struck it
        self.last_paragraph = -1

    def sentence(self, s: int, e: int, places: list[Resolution]) -> None:
        sentence = self.text[s:e]
        paragraph = self.text.count("\n\n", 0, s)
        group = _named_group(sentence, self.lang)
        try:
            self._read(s, e, sentence, paragraph, places, group)
        finally:
            if group:
                self.group = group[0]

    def _read(self, s: int, e: int, sentence: str, paragraph: int,
              places: list[Resolution], group: list[str]) -> None:
        kinds = self._kinds(sentence)
        if not kinds:
            self._following_figures(s, e, paragraph, places)
            return
        if self._background(sentence, kinds[0][1]):
            return
        # The report before, when this sentence goes on telling it: the same paragraph, or
        # the next paragraph's first words when they name no place at all.
        previous = self.reports[-1] if self.reports and (
            self.last_paragraph == paragraph
            or (self.last_paragraph == paragraph - 1 and not places)) else None
        killed, injured = find_casualties(self.text, self.lang, s, e)
        for what, at, trigger in kinds:
            etype, subtype = _TYPES[what]
            locations = self._locations(s, places, s + at, etype)
            if not locations:
                if previous is None or places or not _same_family(previous.event_type, etype):
                    # Its places are launch sites, speakers or countries, or it tells of
                    # another kind of happening than the report before it.
                    continue
                locations = [(previous.place, previous.geo_precision, previous.mention_start,
                              previous.mention_end, previous.mention_text)]
            date = self._date(s, e, s + at)
            if date is not None and (self.published - date.date).days > _OLD_DAYS:
                continue  # "4 квітня ... загинули 20 людей": an earlier attack, as background
            for place, precision, m_start, m_end, m_text in locations:
                actor1, actor2 = self._actors(sentence, at, what, place,
                                              bool(killed or injured))
                day, tp, date_text = self._day(date, place, previous, s)
                if what == "attack":
                    # "Під обстріл потрапила лікарня": the attack the article told at this place.
                    subtype = next((r.sub_event_type for r in reversed(self.reports)
                                    if r.place.key == place.key and r.event_type == EXPLOSIONS
                                    and id(r) not in self.defaulted), _TYPES[what][1])
                self._add(s, e, trigger, etype, subtype, place, m_start, m_end, m_text,
                          precision, day, tp, date_text, killed, injured, actor1, actor2)
                if what == "attack":
                    self.defaulted.add(id(self.reports[-1]))
        self.last_paragraph = paragraph

    def _add(self, s: int, e: int, trigger: str, etype: str, subtype: str, place: Place,
             m_start: int, m_end: int, m_text: str, precision: int, day: dt.date, tp: int,
             date_text: str, killed: tuple[Figure, ...], injured: tuple[Figure, ...],
             actor1: Actor | None, actor2: Actor | None) -> None:
        if actor1 is not None and etype in (EXPLOSIONS, VAC):
            self.attacker[place.country_code] = actor1
        self.reports.append(make_report(
            self.article, s, e, self.text[s:e], trigger, etype, subtype, place, m_start,
            m_end, m_text, precision, day, tp, date_text, self.inferred, killed, injured,
            actor1, actor2, self.published))

    def _kinds(self, sentence: str) -> list[tuple[str, int, str]]:
        """The sentence's happenings: (kind, trigger offset, trigger words). One, except a
        capture told with the clash before it ("after clashes, the militants entered X")."""
        for what in _ORDER:
            m = self.events[what].search(sentence)
            if m is None:
                continue
            if what == "interception" and not self._weapon_near(sentence, m.start(), m.end()):
                continue  # only weapons are intercepted: "знищили 20 дронів", not "склад"
            if what == "attack_weak" and not self._weapon_near(sentence, m.start(), m.end()):
                continue  # "випустили заяву": a strike only with its weapon beside it
            if what in ("attack", "attack_weak"):
                return [(_weapon(sentence, m.start(), self.events), m.start(), m.group(0))]
            if what == "protest":
                for harder in ("riot", "force_on_protest", "intervention"):
                    if self.events[harder].search(sentence):
                        return [(harder, m.start(), m.group(0))]
            found = [(what, m.start(), m.group(0))]
            clash = self.events["clash"].search(sentence)
            if what in ("capture", "regain") and clash is not None:
                found.append(("clash", clash.start(), clash.group(0)))
            return found
        return []

    def _weapon_near(self, sentence: str, start: int, end: int) -> bool:
        """A weapon word within a few words of the verb: "збили 12 із 15 дронів",
        "беспилотников ... уничтожены", "обломки сбитой ракеты"."""
        lo, hi = max(0, start - _WEAPON_REACH), end + _WEAPON_REACH
        return any(self.events[k].search(sentence, lo, hi) for k in ("air", "shelling"))

    def _background(self, sentence: str, at: int) -> bool:
        """Not the article's news: a denial, a toll over a span ("від початку війни: 11
        тисяч загиблих"), a habit ("регулярно"), a threat or a guess near the trigger, last
        week's or last year's happening, a year before publication."""
        if self.aspect["negation"].search(sentence) or self.aspect["habitual"].search(sentence):
            return True
        if self.aspect["since"].search(sentence) and any(find_casualties(sentence, self.lang)):
            return True  # a toll over a span: "від початку вторгнення загинули понад ..."
        if self.aspect["past"].search(sentence):
            return True
        near = sentence[max(0, at - _CLAUSE):at + _CLAUSE]
        if self.aspect["modal"].search(near):
            return True
        years = [int(m.group(1) or m.group(2)) for m in self.year.finditer(sentence)]
        return any(y < self.published.year for y in years)

    def _date(self, s: int, e: int, trigger_at: int) -> CyrillicDate | None:
        """The date of the trigger: the nearest in its sentence, a written day before a
        weekday, never the day a speaker spoke ("повідомив у неділю"); a day before "після"
        when the trigger comes after it (the mourning after the strike) only when there is
        no other, as a loose date (the event is on or before it)."""
        speech = self.actor_stems["speech"]
        best, best_score = None, 0.0
        loose: CyrillicDate | None = None
        for d in self.dates:
            if not s <= d.start < e:
                continue
            before = word_spans(self.text, max(s, d.start - 30), d.start)[-1:]
            after = word_spans(self.text, d.end, min(e, d.end + 30))[:1]
            if any(speech.match(self.text[a:b].lower()) for a, b in before + after):
                continue  # "повідомив у неділю": when it was said
            if d.end <= trigger_at and self._after_between(d.end, trigger_at):
                loose = loose or dataclasses.replace(d, loose=True)
                continue
            score = abs(d.start - trigger_at) - (40 if d.explicit else 0)
            if best is None or score < best_score:
                best, best_score = d, score
        return best or loose

    def _after_between(self, start: int, end: int) -> bool:
        """"після" (after) between a date and the trigger: the day is of what came after
        ("день жалоби після атаки"), unless it is a time of day ("після обіду")."""
        for m in self.after_words.finditer(self.text, start, end):
            nxt = word_spans(self.text, m.end(), min(end, m.end() + 30))[:1]
            if not nxt or self.text[nxt[0][0]:nxt[0][1]].lower() not in self.times_of_day:
                return True
        return False

    def _day(self, date: CyrillicDate | None, place: Place, previous: Report | None,
             s: int) -> tuple[dt.date, int, str]:
        if date is not None:
            return date.date, 2 if date.loose else 1, date.text
        # The happening at this place the article already dated ("Удар по Сумах став ...").
        for r in reversed(self.reports):
            if r.place.key == place.key and r.time_precision == 1:
                return r.date, 1, ""
        if previous is not None:
            return previous.date, previous.time_precision, ""
        # The paragraph's running date: "У Рафаху ... в суботу ... ліквідували ...".
        paragraph_start = self.text.rfind("\n\n", 0, s) + 1
        earlier = [d for d in self.dates if paragraph_start <= d.start < s]
        if earlier:
            return earlier[-1].date, 1, ""
        return self.published, 2, ""

    def _locations(self, s: int, places: list[Resolution], trigger_at: int,
                   etype: str) -> list[tuple[Place, int, int, int, str]]:
        # "Удар стався після того, як дрон влучив у X": X is the earlier event's place.
        usable = [r for r in places if not self._not_where(r, s) and not (
            r.mention.start > trigger_at and self._after_between(trigger_at, r.mention.start))]
        fine = [r for r in usable if r.place.feature in _FINE]
        regional = [r for r in usable if r.place.feature in ("region", "area", "water")]
        countries = [r for r in usable if r.place.feature == "country"]
        pool = fine or regional or (countries if etype in (PROTESTS, RIOTS) else [])
        if not pool:
            return []
        # A place after a preposition of place ("в порту Одеси") before one that only
        # qualifies a noun ("під прапором Панами"), then the nearest the trigger.
        best = min(pool, key=lambda r: (not self._placed(r, s),
                                        abs(r.mention.start - trigger_at)))
        chosen = [best] + [r for r in pool if r is not best and _listed(self.text, best, r)]
        out = []
        for r in chosen:
            precision = 1 if r.place.feature in _FINE else 3 if r.place.feature == "country" \
                else 2
            if precision == 1 and (r.place.population == 0 or r.reason == "cyrillic unit"):
                precision = 2  # a village at its hromada's centre: its own point is unknown
            out.append((r.place, precision, r.mention.start, r.mention.end, r.mention.text))
        return out

    def _words_before(self, r: Resolution, s: int) -> list[str]:
        return [self.text[a:b].lower() for a, b in word_spans(self.text, s, r.mention.start)]

    def _placed(self, r: Resolution, s: int) -> bool:
        before = self._words_before(r, s)[-1:]
        return any(w in self.places_data["at"] or w in self.places_data["place_nouns"]
                   for w in before)

    def _not_where(self, r: Resolution, s: int) -> bool:
        """A launch site ("з району X", "из Крыма"), a speaker ("в Москве заявил") or a
        capital standing for its state ("Москва намагається")."""
        before = self._words_before(r, s)
        at_words, from_words = set(self.places_data["at"]), set(self.places_data["from"])
        # "з району X", "из приграничного X": "from" before the name, with only nouns of
        # place and adjectives between ("з артилерії Херсон" is a weapon, not a launch site).
        tails = tuple(self.places_data["adjective_tails"])
        nouns = set(self.places_data["place_nouns"])
        for word in reversed(before[-_LOOK_BACK:]):
            if word in from_words:
                return True
            if word in at_words or not (word in nouns or word.endswith(tails)):
                break
        after = word_spans(self.text, r.mention.end, min(len(self.text), r.mention.end + 40))
        nxt = self.text[after[0][0]:after[0][1]].lower() if after else ""
        joined = bool(after) and not self.text[r.mention.end:after[0][0]].strip()
        if joined and self.actor_stems["speech"].match(nxt):
            return True  # "в Москве заявил", but not "… в Алеппо, сообщила обсерватория"
        forces = stem_pattern(tuple(f for forms in self.actor_words["forces"].values()
                                for f in forms))
        return bool(forces.match(r.mention.text.lower())) and not (
            before and before[-1] in at_words)

    def _actors(self, sentence: str, at: int, what: str, place: Place,
                hurt: bool) -> tuple[Actor | None, Actor | None]:
        country = place.country_code
        name = self.names.get(country, "")
        if what in ("protest", "force_on_protest", "intervention"):
            return Actor(f"Protesters ({name})" if name else "Protesters", 6), None
        if what == "riot":
            return Actor(f"Rioters ({name})" if name else "Rioters", 5), None
        # Who fought or held a place is named before the trigger; a side named after it
        # ("clashes ... after the invasion by X") is the other side.
        # An interceptor is named before its verb; a nationality after it is the weapons'
        # ("уничтожены 20 украинских беспилотников").
        side = self._side(sentence, at, what,
                          before_only=what in ("clash", "regain", "interception"))
        actor1: Actor | None = None
        if side is not None and side.startswith("group:"):
            actor1 = Actor(side[6:], 2)
        elif side is not None:
            actor1 = _military_of(side, self.names.get(side, side), country)
        elif what in ("interception", "clash", "regain"):
            actor1 = _military_of(country, name, country) if name else None
        elif country in self.attacker:
            actor1 = self.attacker[country]
        elif country in _ACROSS:
            other = _ACROSS[country]
            actor1 = _military_of(other, self.names.get(other, other), country)
        actor2 = None
        if hurt and what in ("air", "shelling", "civilian_attack") and self.actor_stems[
                "civilians"].search(sentence):
            actor2 = Actor(f"Civilians ({name})" if name else "Civilians", 7)
        return actor1, actor2

    def _side(self, sentence: str, at: int, what: str, *,
              before_only: bool = False) -> str | None:
        """The country code (or "group:<ACLED name>") of the side the sentence names, the
        nearest before the trigger first."""
        stems = self.actor_stems
        found: list[tuple[int, str]] = []
        defence = stems["air_defence"].search(sentence) if what == "interception" else None
        if defence is not None:
            # "сили ППО збили", "обломки сбитой ПВО ракеты": the language's own air defence.
            found.append((min(defence.start(), at), self.actor_words["own_side"]))
        for code, forms in self.actor_words["forces"].items():
            found.extend((m.start(), code) for m in stem_pattern(tuple(forms)).finditer(sentence))
        for name, forms in self.actor_words["groups"].items():
            found.extend((m.start(), "group:" + name)
                         for m in stem_pattern(tuple(forms)).finditer(sentence))
        # "армія Судану", "вооруженные силы Израиля": a force noun before a country's name.
        for m in stems["force_nouns"].finditer(sentence):
            nxt = word_spans(sentence, m.end(), min(len(sentence), m.end() + 30))[:1]
            if nxt and sentence[m.end():nxt[0][0]].strip() == "":
                code = country_code_of(sentence[nxt[0][0]:nxt[0][1]], self.lang)
                if code:
                    found.append((m.start(), code))
        if self.group:
            found.extend((m.start(), "group:" + self.group)
                         for m in stems["generic_groups"].finditer(sentence))
        before = [f for f in found if f[0] <= at]
        if before:
            return max(before)[1]
        if before_only or not found:
            return None
        return min(found)[1]

    def _following_figures(self, s: int, e: int, paragraph: int,
                           places: list[Resolution]) -> None:
        """A toll after the report of the strike ("Загинули 35 людей.") is its toll; a toll
        at another town in the same paragraph ("У Дніпрі загинула одна людина.") is the same
        kind of attack there. A toll over a span ("від початку війни") is neither."""
        if not self.reports or self.last_paragraph != paragraph:
            return
        sentence = self.text[s:e]
        if self._background(sentence, 0):
            return
        killed, injured = find_casualties(self.text, self.lang, s, e)
        if not (killed or injured):
            return
        last = self.reports[-1]
        elsewhere = [r for r in places if r.place.feature in _FINE and r.place.key != last.place.key
                     and not self._not_where(r, s) and self._placed(r, s)]
        if elsewhere:
            r = elsewhere[0]
            at = (killed + injured)[0].start
            date = self._date(s, e, at)
            if date is not None:
                day, tp, date_text = date.date, 2 if date.loose else 1, date.text
            else:
                day, tp, date_text = last.date, last.time_precision, ""
            precision = 2 if r.place.population == 0 else 1
            actor = Actor(last.actor1, last.inter1) if last.actor1 else None
            self._add(s, e, last.trigger, last.event_type, last.sub_event_type, r.place,
                      r.mention.start, r.mention.end, r.mention.text, precision, day, tp,
                      date_text, killed, injured, actor, None)
            return
        self.reports[-1] = dataclasses.replace(last, killed=last.killed + killed,
                                               injured=last.injured + injured)


# An attack with no side named: the forces across the front from the place's country.
_ACROSS = {"UA": "RU", "RU": "UA"}


def _named_group(sentence: str, lang: str) -> list[str]:
    groups = words(lang, "actors")["groups"]
    return [name for name, forms in groups.items() if stem_pattern(tuple(forms)).search(sentence)]


def _same_family(a: str, b: str) -> bool:
    """Event types one account goes on telling: the same, or a protest and its riot."""
    return a == b or {a, b} <= {PROTESTS, RIOTS}


@cache
def _year_pattern(lang: str) -> re.Pattern[str]:
    """A year as a date writes it ("у 2022 році", "в 2014 году"), not "2000 кілометрів"."""
    data = words(lang, "dates")
    months = "|".join(re.escape(m) for forms in data["months"] for m in forms)
    years = "|".join(re.escape(y) for y in data["year_words"])
    return re.compile(rf"(?<!\d)((?:19|20)\d\d)(?=\s*(?:{years})(?!\w))|"
                      rf"(?:{months})\s+((?:19|20)\d\d)(?!\d)", re.IGNORECASE)


def _weapon(sentence: str, at: int, events: dict[str, re.Pattern[str]]) -> str:
    """The attack's weapon: the weapon word nearest the trigger ("attack" when none)."""
    best, kind = None, "attack"
    for name in ("air", "shelling"):
        for m in events[name].finditer(sentence):
            distance = abs(m.start() - at)
            if best is None or distance < best:
                best, kind = distance, name
    return kind


def _listed(text: str, a: Resolution, b: Resolution) -> bool:
    """Two places joined as a list: "Харків і Суми", "Херсон, Нікополь"."""
    first, second = sorted((a.mention, b.mention), key=lambda m: m.start)
    gap = text[first.end:second.start]
    return re.fullmatch(r"\s*(?:,|і|й|та|и)\s*|\s*,\s*(?:і|й|та|и)\s+", gap) is not None


def _nearest_date(dates: list[CyrillicDate], s: int, e: int,
                  trigger_at: int) -> CyrillicDate | None:
    inside = [d for d in dates if s <= d.start < e]
    if not inside:
        return None
    return min(inside, key=lambda d: abs(d.start - trigger_at))
