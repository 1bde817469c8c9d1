"""Who acted: the first actor of a report, named as ACLED names actors.

The actor is the subject of the event's trigger: the nearest armed-group phrase before it in
its sentence ("Russian forces shelled", "the Ukrainian air force struck", "DPR militants
fired"), or the people of a protest ("protesters gathered"). A nationality word points to its
country through the gazetteer's demonyms, so "Russian", "Ukrainian" or "Syrian" forces all work
the same way. What the data cannot carry stays here as ACLED's own definitions: how ACLED
writes a state's forces ("Military Forces of Russia (2000-)", the period being the current
government's), its "Air Force" suffix, the collective name of the Donbas separatist forces,
and the inter codes (1 state forces ... 8 external forces).

The nationality words come from the geoparser's own annotations (mentions of pattern
``demonym`` and countries), passed in with sentence-relative offsets.

Example:
    >>> from geo.gazetteer.index import Gazetteer
    >>> russia = Gazetteer.load().country("RU")
    >>> a = find_actor("On 3 May, Russian forces shelled Zarichne.", 25,
    ...                [(10, 17, russia)], event_country="UA")
    >>> a.name, a.inter
    ('Military Forces of Russia (2000-)', 8)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from english_words import get_english_words_set

from geo.nlp.acled_data import (  # noqa: F401 - importable from here, as before
    _military_of,
    acled_country_name,
    military_of,
    state_force_country,
)
from geo.nlp.figures import NON_COMBATANTS
from geo.nlp.mentions import english_words
from geo.records import Actor, Place

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

# ACLED's name for the forces of the Donetsk and Luhansk "people's republics".
_DONBAS_SEPARATISTS = "NAF: United Armed Forces of Novorossiya"
# Capitalised too: "the Ukrainian Forces fired". A drone is its state's forces ("a Ukrainian
# drone fired"), as ACLED codes it.
_FORCE_NOUNS = (r"(?i:forces|troops|military|army|soldiers?|servicemen|units|artillery|"
                r"aviation|air\s+force|air\s+forces|warplanes?|(?:fighter\s+)?jets|aircraft|"
                r"helicopters|bombers|navy|marines|paratroopers|militants|"
                r"fighters|rebels|separatists|militia|militias|police|border\s+guards|drones?)")
_ARMED_PHRASE = re.compile(
    r"(?P<who>\b[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)?)?\s*(?:'s\s+|’s\s+)?"
    r"(?P<kind>(?:(?i:military|armed|ground|air|naval|special|regular|government|regime|"
    r"and)\s+)*)"
    rf"(?P<noun>{_FORCE_NOUNS})\b"
    # "the military forces of Russia": the country after the noun
    r"(?:\s+of\s+(?P<of>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)?))?")
_SEPARATISTS = re.compile(r"\b(?:DPR|LPR|DNR|LNR|NAF|separatists?|pro-Russian\s+(?:rebels|"
                          r"separatists|militants|forces)|people's\s+militia)\b", re.I)
#: Verbs of saying: a name right before one speaks, it does not act ("the US military said")
#: and is not where something happened ("Kyiv said"; ``geo.incidents``).
SPEECH_VERBS = (r"said|says|say|has said|had said|told|claimed|claims|claim|denies|denied|"
                r"announced|accused|insists|warned|reported|stated|confirmed|added")
# An armed side that only speaks: "..., the US military said", "according to the army".
_SPEAKS_AFTER = re.compile(rf"\s*,?\s*(?:{SPEECH_VERBS}|spokesm[ae]n|spokesperson)\b", re.I)
_ACCORDING_BEFORE = re.compile(r"\baccording\s+to\s+(?:the\s+)?$", re.I)
#: Armed men a report does not name ("gunmen", "bandits", "suspected jihadists"): ACLED's
#: Unidentified Armed Group of the country they act in. Also who may act in an event
#: (``geo.nlp.events``).
UNNAMED_ARMED = (r"gunm[ae]n|armed\s+men|bandits|assailants|attackers|raiders|kidnappers|"
                 r"jihadists|insurgents")
# Only whether one is named matters: "unidentified gunmen" is found by its "gunmen".
_UNIDENTIFIED = re.compile(rf"\b(?:{UNNAMED_ARMED}|(?:unidentified|unknown)\s+armed\s+group)\b",
                           re.I)
# A state's own forces named without their country, in a protest they act on ("police
# dispersed protesters", "soldiers opened fire on demonstrators"): the state's where it is.
_BARE_STATE_FORCES = re.compile(r"\b(?P<police>(?:riot\s+)?police(?:m[ae]n)?|gendarmes?)\b|"
                                r"\b(?:soldiers|troops|security\s+forces|the\s+army|the\s+"
                                r"military|national\s+guard)\b", re.I)
_PROTESTERS = re.compile(r"\b(?:protesters|demonstrators|protestors|activists|rally|"
                         r"(?:residents|people|locals|citizens)(?:\s+of\s+[\w'’-]+)?\s+"
                         r"(?:protested|rallied|demonstrated|gathered))\b", re.I)


# What a side holds, launches or flies, right after its nationality word (up to two words
# between: "Russian Shahed-136 drone", "Russian 'Kalibr' rocket", "Ukrainian ground attacks").
# ACLED codes a state's aircraft, drones and missiles as its air force.
_HELD = re.compile(
    r"(?:\s+[\w'’.-]+){0,2}?\s+(?:(?i:positions?|fortifications|trenches|strongholds|"
    r"attacks?|offensive|assaults?|counter-?attacks?|tanks?|"
    r"ammunition\s+depots?)|(?P<air>(?i:(?:air\s+|kamikaze-?)?drones?|(?:fighter\s+)?jets?|"
    r"aircraft|helicopters?|planes?|rockets?|missiles?)))\b")
# A state's weapon right after its nationality word, up to three words between ("Russian
# Shahed-136 attack drones", "Russian glide munitions").
_WEAPON = re.compile(
    r"(?:\s+[\w'’.-]+){0,3}?\s+(?i:(?:air\s+|kamikaze-?|attack\s+)?drones?|(?:fighter\s+)?jets?|"
    r"aircraft|helicopters?|(?:war)?planes?|bombers?|rockets?|missiles?|bombs?|shells?|"
    r"artillery|mortars?|glide\s+bombs?|air\s+strikes?|airstrikes?|strikes?)\b")
# The army of the country the event is in, named without its country: "army aircraft bombed
# rebel positions", "the junta's jets", "military aircraft struck the town".
_BARE_MILITARY = re.compile(
    r"(?<![\w'’-])(?:(?i:the)\s+)?(?i:army|military|junta)(?:'s|’s)?\s+(?i:aircraft|warplanes?|"
    r"jets?|helicopters?|drones?|artillery|units?|troops|soldiers|forces)\b")
# "The army shelled", "a military air strike": the state's forces as the trigger's own
# subject or modifier, right before it.
_ARMY_AT_TRIGGER = re.compile(r"(?<![\w'’-])(?i:army|military|junta)(?:'s|’s)?\s+$")
# "Russian and Ukrainian forces": a nationality word paired with the next side's.
_AND_SIDE = re.compile(r"\s+and\s+(?:the\s+)?[A-Z][\w'’.-]*\s+(?:\w+\s+)?"
                       rf"{_FORCE_NOUNS}\b")
# The state's own forces named by what they are, not by country: "at the governmental
# positions", "government forces" (of the country the event is in; not "pro-government").
_GOVERNMENT = re.compile(r"(?<!-)\bgovernment(?:al)?\s+(?:positions|forces|troops|"
                         r"soldiers|army)\b", re.I)


# Civilians hurt: a civilian, resident or child killed, wounded or injured (not "civilian
# infrastructure", which ACLED does not code as an actor).
_CIVILIANS_HURT = re.compile(
    r"\b(?:civilians?|residents?|child(?:ren)?|wom[ae]n|villagers|people|persons?)\b"
    r"(?:\s+\w+){0,3}?\s+(?:was|were|had been|have been|has been)?\s*"
    r"(?:killed|wounded|injured|hurt|died)", re.I)


def as_coded_for(actor: Actor | None, sub_event_type: str) -> Actor | None:
    """ACLED names a state's air force as the actor of its air and drone strikes:
    "Russian forces launched an airstrike" is "Military Forces of Russia (2000-) Air Force"."""
    if (actor is None or sub_event_type != "Air/drone strike"
            or not actor.name.startswith("Military Forces of") or actor.name.endswith(
                " Air Force")):
        return actor
    return Actor(f"{actor.name} Air Force", actor.inter)


def find_actor(sentence: str, trigger_at: int, nationals: list[tuple[int, int, Place]], *,
               event_country: str = "", country_name: str = "", since: int = 0,
               speakers: bool = False) -> Actor | None:
    """The actor of the event whose trigger starts at ``trigger_at`` in ``sentence``.

    Args:
        sentence: the sentence.
        trigger_at: the trigger's offset in the sentence (or the end of the phrase that
            names who acted: a passive clause's "by Russian forces", see ``passive_roles``).
        since: where that phrase starts; only words from there on are read.
        nationals: (start, end, country) of the sentence's nationality words and country
            names, offsets in the sentence.
        event_country: ISO code of the country the event is in (a state's forces abroad are
            "external", inter 8).
        country_name: that country's name, for protesters and civilians.
        speakers: a side that speaks may be the actor: who claims an interception made it
            ("Ukraine's air force said it shot down 30 missiles").

    Returns:
        The actor, or None when the sentence names none before its trigger.
    """
    before = sentence[:trigger_at]
    matches = list(_ARMED_PHRASE.finditer(before, since))
    nationals = [n for n in nationals if n[0] >= since]
    for _start, e, place in nationals:
        pair = _AND_SIDE.match(before, e)
        if (place.feature == "country" and pair is not None and matches
                and pair.end() == matches[-1].end()):
            # "Russian and DPR forces shelled": the state named first leads the pair.
            return _military(place, "", event_country)
    if _SEPARATISTS.search(before, since) and (not matches or _SEPARATISTS.search(
            before, max(since, matches[-1].start() - 12))):
        return Actor(_DONBAS_SEPARATISTS, 2)
    for m in reversed(matches):
        if not speakers and _only_speaks(sentence, m):
            continue
        actor = _named_group(m, nationals) or _state_forces(m, nationals, event_country)
        if actor is not None:
            return actor
    if _UNIDENTIFIED.search(before, since):
        return unidentified_armed_group(country_name)
    # "a Russian air strike", "Russian shelling of Kyiv": the nationality word that qualifies
    # the trigger itself names the state whose forces acted.
    for _start, e, place in nationals:
        if place.feature == "country" and _QUALIFIES.fullmatch(sentence, e, trigger_at):
            return _military(place, "", event_country)
    # "a Russian missile struck", "three Russian glide bombs hit", "Israeli warplanes
    # bombed": a state's weapons, named by its nationality word, act for its forces.
    for _start, e, place in nationals:
        if place.feature != "country" or e > trigger_at or e < since:
            continue
        weapon = _WEAPON.match(sentence, e)
        if weapon is not None and weapon.end() <= trigger_at and not sentence[
                weapon.end():trigger_at].strip(" ,'’\"-").count(" ") > 3:
            return _military(place, "", event_country)
    if (_GOVERNMENT.search(before, since) or _BARE_MILITARY.search(before, since)
            or _ARMY_AT_TRIGGER.search(before, since)) and event_country and country_name:
        return _military_of(event_country, country_name, event_country)
    if _PROTESTERS.search(sentence, since):
        return Actor(f"Protesters ({country_name})" if country_name else "Protesters", 6)
    return None


@dataclass(frozen=True)
class PassiveRoles:
    """Who did what to whom in a passive clause ("Ukrainian positions were shelled by Russian
    forces"), as character spans of the sentence: ``agent`` the "by" phrase (who acted),
    ``patient`` the clause's subject (who or what it was done to), None when not written."""

    agent: tuple[int, int] | None
    patient: tuple[int, int] | None
    patient_noun: str = ""  # the subject's head word, lower case ("civilians", "positions")


_COME = frozenset({"come", "comes", "came", "coming"})


def passive_roles(parsed: Doc, start: int, end: int) -> PassiveRoles | None:
    """The roles around the trigger at [start, end) of a parsed sentence when it is told in
    the passive with its agent written ("were shelled by Russian forces", "was shot by") or
    as something undergone ("came under fire from Russian forces"), read from the dependency
    parse; None otherwise (the active order, read by ``find_actor``, holds)."""
    for token in parsed:
        if not (token.idx < end and token.idx + len(token.text) > start):
            continue
        labels = {child.dep_: child for child in token.children}
        if "agent" in labels and {"auxpass", "nsubjpass"} & labels.keys():
            by = next((c for c in labels["agent"].children if c.dep_ == "pobj"), None)
            subject = labels.get("nsubjpass")
            if subject is None and token.dep_ == "conj":
                # "Russian forces attempted to seize X and were repulsed by Y": the subject
                # is the first verb's.
                subject = next((c for c in token.head.children
                                if c.dep_ in ("nsubj", "nsubjpass")), None)
            return _roles(by, subject)
        # "Mortar rounds fired by the rebels hit the village": a participle on the trigger's noun
        # names who fired them.
        participle = next((c for c in token.children if c.dep_ == "acl"
                           and any(g.dep_ == "agent" for g in c.children)), None)
        if participle is not None:
            agent = next(g for g in participle.children if g.dep_ == "agent")
            return _roles(next((c for c in agent.children if c.dep_ == "pobj"), None), None)
        under = next((c for c in token.children
                      if c.dep_ == "prep" and c.lower_ == "under"), None)
        if token.lower_ in _COME and under is not None:
            # "came under fire from X" / "under attack by X": X did it, the subject had it.
            source = next((p for w in (*under.children, token) for p in w.subtree
                           if p.dep_ == "prep" and p.lower_ in ("from", "by")), None)
            by = next((c for c in source.children if c.dep_ == "pobj"), None) if source else None
            return _roles(by, labels.get("nsubj"))
    return None


def subject_span(parsed: Doc, start: int, end: int) -> tuple[int, int] | None:
    """The grammatical subject of the trigger at [start, end) of a parsed sentence, as a
    character span: its own ("Russian forces shelled"), or that of the verb it is joined to
    ("Russian forces shot down a jet and shelled"); None when the parse gives none."""
    for token in parsed:
        if not (token.idx < end and token.idx + len(token.text) > start):
            continue
        # Up from a noun trigger to the verb it belongs to ("Hamas fired rockets": the
        # trigger is "rockets", the subject is the firing's).
        # Only through the object and the noun's own compound: "the OSCE observed a total
        # of 2 explosions" does not make the observer the one who fired.
        node = token
        for _ in range(3):
            for verb in (node, node.head if node.dep_ == "conj" else None):
                subject = next((c for c in verb.children if c.dep_ == "nsubj"),
                               None) if verb is not None else None
                if subject is not None:
                    first, last = subject.left_edge, subject.right_edge
                    return first.idx, last.idx + len(last.text)
            if node.dep_ == "pobj" and node.head.lower_ == "with" and node.head.head.i != node.i:
                node = node.head.head  # the instrument: "Ukraine struck the port with missiles"
                continue
            if node.dep_ not in ("dobj", "compound") or node.head.i == node.i:
                return None
            node = node.head
        return None
    return None


# "the Rapid Support Forces (RSF)": a name and the initials the text goes on to use.
_DEFINED_ACRONYM = re.compile(r"\b(?P<name>[A-Z][\w'’-]*(?:\s+(?:of|the|and|for|[A-Z][\w'’-]*))"
                              r"{1,6})\s+\((?P<acronym>[A-Z]{2,6})\)")


def acronyms(text: str) -> dict[str, str]:
    """The acronyms an article defines, each with the name it stands for: "the Rapid Support
    Forces (RSF)" gives RSF -> Rapid Support Forces (its capitals must spell the acronym)."""
    found = {}
    for m in _DEFINED_ACRONYM.finditer(text):
        words = m.group("name").split()
        for first in range(len(words)):  # the shortest tail of capitals that spells it
            capitals = "".join(w[0] for w in words[first:] if w[0].isupper())
            if capitals == m.group("acronym"):
                found[m.group("acronym")] = " ".join(words[first:])
                break
    return found


def subject_group(parsed: Doc, span: tuple[int, int] | None, trigger_at: int,
                  aliases: dict[str, str], mentions: list[tuple[int, int]]) -> Actor | None:
    """An armed group named only by its name as the trigger's subject ("Hamas fired rockets"),
    or right before the trigger when the parse gives no subject ("the RSF attacked"): the
    statistical NER's organisation label says it is a group, not a place or a person; an
    acronym the article defined stands for its full name. Never a name the geoparser read
    as a place or a nationality (``mentions``, spans in the sentence): the small NER labels
    towns as organisations too, and "the Ukrainian Border Guard" is a state's force."""
    start, end = span if span is not None else (trigger_at, trigger_at)
    for ent in parsed.ents:
        if ent.label_ != "ORG" or any(s < ent.end_char and ent.start_char < e
                                      for s, e in mentions):
            continue
        if _SPEAKS_AFTER.match(parsed.text, ent.end_char):
            continue  # "the UN said", "the state news agency reported": a source speaks
        if ent.root.dep_ in ("compound", "amod", "nmod", "npadvmod") or ent.root.head.lower_ in (
                "-", "run", "led", "backed"):
            # A name that qualifies another noun ("a UN-run school", "the Druze town", "the
            # Kirovohrad regional governor") names what the noun is, not who acted.
            continue
        inside = ent.start_char >= start and ent.end_char <= end
        before = (span is None and ent.end_char <= trigger_at
                  and not parsed.text[ent.end_char:trigger_at].strip())
        if inside or before:
            name = re.sub(r"^(?i:the)\s+", "", ent.text.strip())
            if _SEPARATISTS.fullmatch(name):
                return Actor(_DONBAS_SEPARATISTS, 2)
            if name and not any(c.isdigit() for c in name):
                return Actor(aliases.get(name, name), 2)
    return None


def _roles(agent: Token | None, patient: Token | None) -> PassiveRoles:
    def span(head: Token | None) -> tuple[int, int] | None:
        if head is None:
            return None
        first, last = head.left_edge, head.right_edge
        return first.idx, last.idx + len(last.text)

    return PassiveRoles(agent=span(agent), patient=span(patient),
                        patient_noun=patient.lower_ if patient is not None else "")


def find_targets(sentence: str, trigger_at: int, nationals: list[tuple[int, int, Place]], *,
                 event_country: str = "", country_name: str = "",
                 after: str = "") -> list[Actor]:
    """The sides named after the trigger, nearest first and each once: armed forces ("at the
    positions of Ukrainian forces", "clashed with Ukrainian forces", "shelled DPR positions"),
    what a side holds or flies ("at Russian positions", "shot down a Russian drone", "repelled
    a Ukrainian attack"), "governmental positions" (the forces of the country the event is in);
    else civilians when the report says civilians were hurt (in its sentence or ``after``, the
    next one). "A clash between Russian and Ukrainian forces" names both sides after the
    trigger; ``ordered_pair`` takes the first as the actor when none came before it."""
    # Sides are read from just inside the trigger, which may hold its object ("shot down a
    # Russian drone"); the actor named before it is not read again.
    from_at = trigger_at + 1
    found: list[tuple[int, Actor]] = []
    separatists = _SEPARATISTS.search(sentence, from_at)
    if separatists is not None:
        found.append((separatists.start(), Actor(_DONBAS_SEPARATISTS, 2)))
    # What a side holds comes first at one place: "a Russian drone" shot down is its air force.
    for start, end, place in nationals:
        if start < from_at or place.feature != "country":
            continue
        held = _HELD.match(sentence, end)
        if held is not None:
            actor = _military(place, "", event_country)
            if held.group("air"):
                actor = Actor(actor.name + " Air Force", actor.inter)
            found.append((start, actor))
        elif _AND_SIDE.match(sentence, end) is not None:
            # "between Russian and Ukrainian forces": the first side of a pair
            found.append((start, _military(place, "", event_country)))
    for m in _ARMED_PHRASE.finditer(sentence, from_at):
        if _only_speaks(sentence, m):
            continue
        actor = _named_group(m, nationals) or _state_forces(m, nationals, event_country)
        if actor is not None:
            found.append((m.start(), actor))
    government = _GOVERNMENT.search(sentence, from_at)
    if government is not None and event_country and country_name:
        found.append((government.start(), _military_of(event_country, country_name,
                                                       event_country)))
    sides: list[Actor] = []
    for _at, actor in sorted(found, key=lambda f: f[0]):
        if all(actor.name != s.name for s in sides):
            sides.append(actor)
    if sides:
        return sides
    if _CIVILIANS_HURT.search(sentence) or _CIVILIANS_HURT.search(after):
        return [Actor(f"Civilians ({country_name})" if country_name else "Civilians", 7)]
    return []


def _only_speaks(sentence: str, m: re.Match) -> bool:
    return bool(_SPEAKS_AFTER.match(sentence, m.end())
                or _ACCORDING_BEFORE.search(sentence, 0, m.start()))


def state_forces_in_protest(sentence: str, trigger_at: int, *, event_country: str,
                            country_name: str) -> Actor | None:
    """The state's own police or military acting on a protest, named without their country
    ("police dispersed protesters in Minsk": Police Forces of Belarus), or None."""
    found = list(_BARE_STATE_FORCES.finditer(sentence, 0, trigger_at))
    m = found[-1] if found else None  # the nearest before the trigger
    if m is None or not event_country or not country_name:
        return None
    actor = _military_of(event_country, country_name, event_country)
    if m.group("police"):
        return Actor(actor.name.replace("Military Forces", "Police Forces"), actor.inter)
    return actor


# Words that count the same people as the noun before them ("three people and five others").
_THE_SAME_KIND = frozenset({"others", "more", "another"})


def _all_non_combatants(victims: str) -> bool:
    parts = [p.strip() for p in victims.lower().split(" and ")]
    named = [p for p in parts if p not in _THE_SAME_KIND]
    return bool(named) and all(p in NON_COMBATANTS for p in named)


def civilians_hurt(victims: list[str | None], *, country_name: str = "") -> Actor | None:
    """Civilians as the other side when the report's own casualty figures count them (the
    nouns its killed and injured figures count), as ACLED codes an attack that hurt them."""
    if any(v and _all_non_combatants(v) for v in victims):
        return Actor(f"Civilians ({country_name})" if country_name else "Civilians", 7)
    return None


def unidentified_armed_group(country_name: str) -> Actor:
    """ACLED's actor for armed men nobody identifies, named by the country they act in."""
    return Actor(f"Unidentified Armed Group ({country_name})" if country_name
                 else "Unidentified Armed Group", 3)


#: ACLED's actor for an attack a state's forces made but nobody attributes: shelling and air
#: strikes take a military's weapons.
UNIDENTIFIED_MILITARY = Actor("Unidentified Military Forces", 8)


def ordered_pair(actor: Actor | None, targets: list[Actor]) -> tuple[Actor | None,
                                                                    Actor | None]:
    """The two actors as ``actor1``, ``actor2``: who acted, then the first other side named
    after the trigger. Without an actor before the trigger the first side after it becomes
    ``actor1`` ("a clash between Russian and Ukrainian forces"; ACLED never leaves ``actor1``
    empty when an actor is named)."""
    if actor is None:
        if not targets:
            return None, None
        actor, targets = targets[0], targets[1:]
    return actor, next((t for t in targets if t.name != actor.name), None)


def interaction(first: Actor | None, second: Actor | None) -> int:
    """ACLED's interaction code: the two inter codes, lower first (10 x the first)."""
    codes = sorted(a.inter for a in (first, second) if a is not None)
    if not codes:
        return 0
    return codes[0] * 10 + (codes[1] if len(codes) > 1 else 0)


# Words of a state's own forces' official names ("Israel Defense Forces", "Syrian Arab Army",
# "Afghan National Army", "Iraqi Security Forces"): with a nationality word they are still
# that state's military. Any other capitalised word makes a group of its own.
_STATE_FORCE_WORDS = frozenset({"the", "defense", "defence", "national", "security", "arab",
                                "armed", "royal", "people's", "peoples", "government",
                                "federal", "special", "state", "regular", "republican",
                                "revolutionary", "islamic", "naval", "air", "military"})


def _named_group(m: re.Match, nationals: list[tuple[int, int, Place]]) -> Actor | None:
    """An armed group named as such: "Rapid Support Forces", "Syrian Democratic Forces",
    "Free Syrian Army" (not the state whose nationality word its name holds). ACLED names a
    group by its own name; rebels (inter 2) is its most common kind for these names."""
    if m.group("who") is None or m.group("noun").lower() in ("drone", "drones", "artillery"):
        return None
    start = m.start("who")
    own = []
    for word in re.finditer(r"\S+", m.group("who")):
        at = start + word.start()
        if any(s <= at < e for s, e, _p in nationals):
            continue
        own.append(word.group().lower())
    if not own or all(w in _STATE_FORCE_WORDS for w in own):
        return None
    name = f"{m.group('who')} {m.group('kind') or ''}{m.group('noun')}"
    name = re.sub(r"^(?i:the)\s+", "", " ".join(name.split()))
    if all(w[:1].isupper() for w in name.split()):
        return Actor(name, 2)  # "Rapid Support Forces": the group's own full name
    # "Houthi forces", "Boko Haram fighters", "SDF fighters": a name that is no English word
    # before a generic noun; the group is called by that name ("Rapid Support forces" and
    # "Rebel forces" are not names).
    if any(w in _ordinary_words() or w.endswith(("-backed", "-led", "-aligned", "-allied"))
           or _IDEOLOGY.fullmatch(w)
           or w.startswith("pro-") or any(c.isdigit() for c in w) for w in own):
        return None  # ... nor a model's designation ("Su-35 Russian fighter jets")
    return Actor(re.sub(r"^(?i:the)\s+", "", " ".join(m.group("who").split())), 2)


@lru_cache(maxsize=1)
def _ordinary_words() -> frozenset[str]:
    """English words, lower case: the GCIDE list the geoparser uses, and Webster's Second
    (the ``english-words`` package's ``web2``), which has the adjectives GCIDE lacks
    ("paramilitary", "unidentified"): "Paramilitary fighters" opening a sentence are a
    kind of force, not a group of that name. Group names are in neither ("Houthi",
    "Hamas", "Wagner")."""
    return english_words() | frozenset(get_english_words_set(["web2"], lower=True))


# "Islamist militants", "jihadist fighters": a word for a creed (English "-ist") says what
# kind of group, never which one (the old dictionary behind ``english_words`` lacks them).
_IDEOLOGY = re.compile(r"[a-z]+ists?")


# A state's aircraft act as its air force, as ACLED names the actor of an air strike.
_AIRCRAFT = frozenset({"aviation", "air force", "air forces", "warplane", "warplanes", "jets",
                       "fighter jets", "aircraft", "helicopters", "bombers"})


def _state_forces(m: re.Match, nationals: list[tuple[int, int, Place]],
                  event_country: str) -> Actor | None:
    noun = m.group("noun").lower()
    if noun in ("rebels", "separatists", "militants", "fighters", "militia", "militias"):
        return None
    group = "who" if m.group("who") is not None else "of"
    if m.group(group) is None:
        return None
    # "Russian forces", "the Ukrainian military", "Russia's army", "the forces of Russia": a
    # nationality word or a country name before the noun or right after "of".
    start, end = m.start(group), m.end(group)
    place = next((p for s, e, p in nationals if s < end and e > start
                  and p.feature == "country"), None)
    if place is None:
        return None
    actor = _military(place, noun, event_country)
    if "air" in (m.group("kind") or "").lower() or noun in _AIRCRAFT:
        actor = Actor(actor.name + " Air Force", actor.inter)
    return actor


# Between a nationality word and the trigger it qualifies: nothing, or up to two of the
# modifiers an attack's noun phrase takes ("Russian air strike", "Russian heavy artillery
# shelling"); never a noun and a verb ("Ukrainian official said shelling ...").
_MODIFIERS = (r"air|artillery|missile|rocket|drone|heavy|cluster|overnight|massive|new|latest|"
              r"deadly|military|naval|tank|mortar|ballistic|cruise|kamikaze|army|night|"
              r"morning|intense|indiscriminate|aerial|suicide")
_QUALIFIES = re.compile(rf"\s+(?:(?:{_MODIFIERS})\s+){{0,2}}")


def state_as_subject(sentence: str, subject: tuple[int, int] | None,
                     nationals: list[tuple[int, int, Place]], *,
                     event_country: str = "") -> Actor | None:
    """A country that is itself the subject of the trigger acts by its forces: "Ukraine struck
    the fleet's headquarters with missiles", "Israel bombed the port". Only when the subject
    is the country's name alone (not "Ukraine's air force said", not "residents of Ukraine")."""
    if subject is None:
        return None
    words = sentence[subject[0]:subject[1]].strip()
    for start, end, place in nationals:
        if place.feature != "country" or not (subject[0] <= start and end <= subject[1]):
            continue
        if re.sub(r"^(?i:the)\s+", "", words) == sentence[start:end]:
            return _military(place, "", event_country)
    return None


def _military(place: Place, noun: str, event_country: str) -> Actor:
    """A state's forces as ACLED names them; police as its police forces; inter 8 when the
    event is outside that state."""
    actor = _military_of(place.country_code, place.name, event_country)
    if noun == "police":
        return Actor(actor.name.replace("Military Forces", "Police Forces"), actor.inter)
    return actor
