"""ACLED's coding policy: who the sides of a report are, and which type its definitions make it.

Per sentence, once the ``geo_actors`` component (``geo.nlp.sides.find_sides``) has found
who acted and the other sides, ``_as_acled_defines`` applies ACLED's definitions: civilians
are never the attacker, a clash of demonstrators is a violent demonstration by rioters, a
protest the state's forces act on has them as its actor, an attack on civilians with no
weapon named is violence against civilians.

Per article, as a coder reads the whole article and not one sentence: an unattributed strike
is by the force that carries two thirds of the article's other strikes
(``_with_article_attacker``), "the rebels" are the one armed group the article names
(``_with_the_named_group``), an interception nobody claims is the defending side's
(``_with_interceptors``), a withdrawal told beside the capture of the same place is that
capture's (``_without_transfers_of_captures``), and civilians the report's figures count
are its second actor (``_victims_as_second_actor``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache

from geo.incidents.families import _TERRITORY_WON, _TRANSFER
from geo.lang import words
from geo.nlp.actors import (
    UNIDENTIFIED_MILITARY,
    Actor,
    as_coded_for,
    civilians_hurt,
    interaction,
    military_of,
    state_force_country,
    state_forces_in_protest,
    unidentified_armed_group,
)
from geo.nlp.events import (
    BATTLES,
    EXPLOSIONS,
    RIOTS,
    VIOLENCE_AGAINST_CIVILIANS,
    WEAK_RANK,
    EventMention,
)
from geo.nlp.figures import Figure
from geo.nlp.report import Report
from geo.records import Place

# The types whose actor1 is who used force (never the civilians it was used against).
_VIOLENT_TYPES = frozenset({BATTLES, EXPLOSIONS, VIOLENCE_AGAINST_CIVILIANS})


# Triggers that name a military's weapons (``geo.nlp.events.RULES``).
# Triggers of one side firing ("opened fire"): whom the fire hit says whether it was a
# battle or an attack on civilians, as for the weak triggers ("attacked").
_ONE_SIDED_RULES = frozenset({"opened_fire"})
_MILITARY_WEAPON_RULES = frozenset({"shelling", "strike", "air_strike", "aircraft_strike",
                                    "drone_strike", "drones_launched", "air_force_attack"})


# ACLED's inter codes of armed actors (state forces, rebels, political and identity
# militias, external forces): a demonstration is by protesters, never by them (ACLED's
# definition of Protests), so their "march" or "rally" is no protest.
_ARMED_INTERS = frozenset({1, 2, 3, 4, 8})


_INTERVENED = {"Excessive force against protesters", "Protest with intervention",
               "Violent demonstration", "Mob violence"}


_DOWNED_WEAPON = re.compile(r"\s+(?:[\w-]+\s+){0,2}?(?:drones?|missiles?|rockets?|shaheds?|"
                            r"uavs?)\b", re.IGNORECASE)



def _interception_sides(sentence: str, actor: Actor | None, others: list[Actor],
                        pair: tuple[Actor | None, Actor | None],
                        named: list[tuple[int, int, Place]], country_names: dict[str, str],
                        ) -> tuple[Actor | None, tuple[Actor | None, Actor | None]]:
    """Who acted in an interception (disrupted weapons use), and its two sides (``pair``
    as found, else none and the side whose weapons fell)."""
    if actor is not None and any(
            p.country_code == state_force_country(actor.name, country_names)
            and _DOWNED_WEAPON.match(sentence, e) for _s, e, p in named):
        # "fragments of an enemy drone brought down over the port": the missile's
        # state is the side whose weapon fell, never the one that brought it down.
        actor, others = None, [actor, *others]
    if actor is None:
        # "downed 30 Ukrainian drones": whose weapons fell is the other side; who
        # brought them down is found from the article (``_with_interceptors``).
        return None, (None, next((o for o in others if state_force_country(
            o.name, country_names)), None))
    return actor, pair


def _as_acled_defines(sentence: str, event: EventMention, actor1: Actor | None,
                      actor2: Actor | None, figures: tuple[Figure, ...], country: str,
                      name: str, targets: tuple[str, ...] = ()
                      ) -> tuple[str, str, Actor | None, Actor | None]:
    """The event type and actors as ACLED's definitions make them, once the sides are known.

    - A protest the state's forces act on (dispersed, fired on) has them as the actor and
      the protesters as the other side, even when the forces go unnamed ("police").
    - A clash whose side is demonstrators is a violent demonstration by rioters: battles are
      between organised armed groups.
    - Civilians are never actor1 of a battle, explosion or attack: the victims are actor2
      and the attacker, unnamed, unidentified military forces (shelling, air strikes) or
      an unidentified armed group.
    - An attack with no weapon named whose victims, by the sentence's figures or by what
      it was aimed at (``targets``, the trigger's objects), are civilians and whose other
      side is not armed is an attack on civilians ("gunmen attacked the town, killing 30
      people", "fighters opened fire on villagers")."""
    etype, subtype = event.event_type, event.sub_event_type
    if actor1 is not None and actor1.inter == 7 and etype in _VIOLENT_TYPES:
        # Civilians are the side harmed, never the attacker: an attacker no one names is a
        # military when the weapons are (shelling, an air strike), else an unidentified
        # armed group ("a blast at a market killed four people").
        attacker = (UNIDENTIFIED_MILITARY if event.rule in _MILITARY_WEAPON_RULES
                    else unidentified_armed_group(name))
        actor1, actor2 = attacker, actor1
    protesters = Actor(f"Protesters ({name})" if name else "Protesters", 6)
    if subtype == "Peaceful protest" and actor1 is None:
        # ACLED's definition: a peaceful protest is by its protesters, named or not
        # ("thousands marched through the city").
        return etype, subtype, protesters, actor2
    if subtype in ("Excessive force against protesters", "Protest with intervention"):
        forces = state_forces_in_protest(sentence, event.start, event_country=country,
                                         country_name=name)
        if forces is not None and (actor1 is None or actor1.inter == 6):
            return etype, subtype, forces, protesters
        if actor1 is not None and actor1.inter != 6:
            return etype, subtype, actor1, actor2 or protesters
        return etype, subtype, actor1, actor2
    if subtype == "Violent demonstration" and (actor1 is None or actor1.inter == 6):
        # ACLED: the demonstrators of a violent demonstration are rioters.
        rioters = Actor(f"Rioters ({name})" if name else "Rioters", 5)
        forces = state_forces_in_protest(sentence, len(sentence), event_country=country,
                                         country_name=name)
        return etype, subtype, rioters, actor2 if actor2 is not None else forces
    if subtype == "Armed clash" and actor1 is not None and actor1.inter == 6:
        rioters = Actor(f"Rioters ({name})" if name else "Rioters", 5)
        forces = actor2 or state_forces_in_protest(sentence, len(sentence),
                                                   event_country=country, country_name=name)
        return RIOTS, "Violent demonstration", rioters, forces
    if etype == BATTLES and (actor2 is None or actor2.inter == 7) and (
            ((event.rank <= WEAK_RANK or event.rule in _ONE_SIDED_RULES)
             and civilians_hurt([f.who for f in figures], country_name=name) is not None)
            or civilians_hurt(list(targets), country_name=name) is not None):
        return VIOLENCE_AGAINST_CIVILIANS, "Attack", actor1, actor2
    if subtype == "Non-state actor overtakes territory" and actor1 is not None and (
            actor1.inter == 1):
        # ACLED's definitions: a state's own forces taking a place in their own country
        # regain it ("the army took control of the bridge area"); abroad (inter 8) a
        # capture stays the overtaking it is coded as.
        return etype, "Government regains territory", actor1, actor2
    return etype, subtype, actor1, actor2


def _drop_peaceful_beside_intervention(reports: list[Report], first_here: int) -> None:
    """"Protesters clashed with police as thousands marched": one happening, coded as the
    intervention or riot, not also as a peaceful protest at the same place. Reads only the
    sentence's own reports (from ``first_here``), so a long article is not rescanned."""
    here = reports[first_here:]
    intervened = {r.place.key for r in here if r.sub_event_type in _INTERVENED}
    if not intervened:
        return
    dropped = [r for r in here if r.sub_event_type == "Peaceful protest"
               and r.place.key in intervened]
    kept = [r for r in here if r not in dropped]
    # The protest's own figures ("three protesters were killed when police opened fire")
    # belong to the one happening: the report that keeps it gets what it lacks.
    for gone in dropped:
        for k, r in enumerate(kept):
            if r.place.key == gone.place.key and r.sub_event_type in _INTERVENED:
                kept[k] = replace(r, killed=r.killed or gone.killed,
                                  injured=r.injured or gone.injured)
                break
    reports[first_here:] = kept


# The attacks whose unnamed attacker the article's own attacker stands for.
_REMOTE = frozenset({EXPLOSIONS})


_ATTACKER_SHARE = 2 / 3


def _without_transfers_of_captures(reports: list[Report]) -> list[Report]:
    """"The army withdrew from the base in Singa" beside "the RSF seized Singa": one change
    of hands told from both sides. ACLED's non-violent transfer is territory given up
    without a fight; where the article tells the place taken by force within a day, the
    withdrawal is that capture's, not an event of its own."""
    won = [r for r in reports if r.sub_event_type in _TERRITORY_WON]
    return [r for r in reports if r.sub_event_type != _TRANSFER or not any(
        w.place.key == r.place.key and abs((w.date - r.date).days) <= 1 for w in won)]


def _with_interceptors(reports: list[Report], countries: Counter,
                       country_names: dict[str, str]) -> list[Report]:
    """An interception nobody claims is the defending side's (ACLED codes it as disrupted
    weapons use by whoever brought the weapons down): the side whose weapons fell is the
    one whose forces are the report's other actor, else the attacker of the article's
    strikes on the same place, else of its strikes at all. The defender is the state the
    place is in when that is not the attacker ("downed nine drones over Odesa" in an
    article of Russian strikes), else the state the article names most besides the
    attacker (over an occupied city the gazetteer files under the attacker's country)."""
    attackers = Counter(state_force_country(r.actor1, country_names) for r in reports
                        if r.event_type in _REMOTE and r.actor1)
    attackers.pop("", None)
    out = []
    for r in reports:
        if r.sub_event_type != "Disrupted weapons use" or r.actor1:
            out.append(r)
            continue
        same_place = Counter(state_force_country(o.actor1, country_names) for o in reports
                             if o.event_type in _REMOTE and o.place.key == r.place.key)
        same_place.pop("", None)
        owner = (state_force_country(r.actor2, country_names)
                 or next(iter(same_place.most_common(1)), ("", 0))[0]
                 or next(iter(attackers.most_common(1)), ("", 0))[0])
        defender = r.place.country_code
        if owner and owner == defender:
            others = [(n, code) for code, n in countries.items() if code and code != owner]
            defender = max(others)[1] if others else ""
        if not defender or defender not in country_names:
            out.append(r)
            continue
        actor = military_of(defender, country_names[defender], r.place.country_code)
        other = (Actor(r.actor2, _inter2(r)) if r.actor2 else
                 military_of(owner, country_names[owner], r.place.country_code)
                 if owner in country_names else None)
        out.append(replace(r, actor1=actor.name, inter1=actor.inter,
                           actor2=other.name if other else "",
                           interaction=interaction(actor, other)))
    return out


@dataclass(frozen=True)
class Sighting:
    """Who did an event of one kind, where the sentence located nothing ("Russia fired more
    than 100 missiles at Ukraine"): evidence of whose the article's unattributed strikes
    are, never an incident itself."""

    event_type: str
    sub_event_type: str
    actor1: str
    inter1: int


_AIR = "Air/drone strike"
_SHELLING = "Shelling/artillery/missile attack"


def strikes_of_the_articles_kind(triggers: dict[int, list[EventMention]]
                                 ) -> dict[int, list[EventMention]]:
    """The triggers (sentence start -> its triggers), each strike with no weapon named
    (rule ``strike``: "a strike on a tent") typed as the strike told before it, as a reader
    takes it ("Israeli air strikes killed 18 ... In Khan Younis, a strike on a tent killed
    four": an air strike); with none before, as the article's typed strikes mostly are;
    else shelling, as the lexicon codes it."""
    typed = [(s, e.sub_event_type) for s in sorted(triggers) for e in triggers[s]
             if e.event_type == EXPLOSIONS and e.rule != "strike"
             and e.sub_event_type in (_AIR, _SHELLING)]
    if not typed:
        return triggers
    kinds = Counter(kind for _, kind in typed)
    last = _AIR if kinds[_AIR] > kinds[_SHELLING] else _SHELLING
    out = {}
    # One pass in text order (an upload may hold thousands of strikes): ``last`` is the
    # kind of the latest typed strike of an earlier sentence.
    for s in sorted(triggers):
        events = triggers[s]
        out[s] = [replace(e, sub_event_type=last) if e.rule == "strike" else e
                  for e in events]
        own = [e.sub_event_type for e in events if e.event_type == EXPLOSIONS
               and e.rule != "strike" and e.sub_event_type in (_AIR, _SHELLING)]
        if own:
            last = own[-1]
    return out


def _with_article_attacker(reports: list[Report],
                           unplaced: list[Sighting] = ()) -> list[Report]:
    """"A drone hit a house in Mykolaiv" in an article whose other strikes are Russia's: a
    strike whose sentence names no attacker is by the attacker the article names for its
    other strikes, when one state's or group's forces carry at least two thirds of them (as
    an ACLED coder reads the article, not the sentence). With no such majority, or none
    named, the report keeps what its sentence gives. Battles likewise, by the side the
    article's other battles name first ("heavy clashes erupted in Khartoum North"). The
    strikes of the same kind speak first: an unattributed air strike in an article of
    Israeli air strikes and Hezbollah rockets is Israel's, though neither side has two
    thirds of all its strikes."""
    out = reports
    for subtype in sorted({r.sub_event_type for r in reports if r.event_type in _REMOTE}):
        out = _with_family_actor(out, _REMOTE, subtype=subtype, unplaced=unplaced)
    out = _with_family_actor(out, _REMOTE, unplaced=unplaced)
    return _with_family_actor(out, frozenset({BATTLES}))


def _with_family_actor(reports: list[Report], family: frozenset[str], *,
                       subtype: str = "", unplaced: list[Sighting] = ()) -> list[Report]:
    """Unattributed reports of ``family`` (and of ``subtype``, when given) take the force
    that carries two thirds of the attributed ones (and of the ``unplaced`` sightings)."""
    def member(r: Report | Sighting) -> bool:
        return r.event_type in family and (not subtype or r.sub_event_type == subtype)

    seen = [*reports, *unplaced]
    # An unidentified attacker names nobody: it is no evidence of whose the others are.
    named = Counter(_force(r.actor1) for r in seen
                    if member(r) and r.actor1 and r.inter1 != 7
                    and not r.actor1.startswith("Unidentified"))
    if not named:
        return reports
    force, count = named.most_common(1)[0]
    if count / sum(named.values()) < _ATTACKER_SHARE:
        return reports
    model = next(r for r in seen if r.actor1 and _force(r.actor1) == force)
    out = []
    for r in reports:
        if member(r) and (not r.actor1 or r.actor1 == UNIDENTIFIED_MILITARY.name):
            actor = as_coded_for(Actor(force, model.inter1), r.sub_event_type)
            other = Actor(r.actor2, _inter2(r)) if r.actor2 else None
            r = replace(r, actor1=actor.name, inter1=actor.inter,
                        interaction=interaction(actor, other))
        out.append(r)
    return out


# ACLED's inter codes of non-state armed groups: rebels, political and identity militias.
_GROUP_INTERS = frozenset({2, 3, 4})


@lru_cache(maxsize=4)
def _definite_group(lang: str = "en") -> re.Pattern[str]:
    nouns = sorted(words(lang, "references")["group_fighters"], key=len, reverse=True)
    # "the rebels", "the armed group"; and a creed's kind of group ("Islamist militants").
    return re.compile(rf"\b(?:the (?:[\w-]+ )?|[A-Za-z]+ists? )"
                      rf"(?:{'|'.join(map(re.escape, nouns))})\b", re.IGNORECASE)


def _with_the_named_group(reports: list[Report]) -> list[Report]:
    """"The rebels took the hill town" in an article whose only named non-state
    armed group is M23: "the rebels" are M23's, as a coder reads it. A report whose sentence
    refers back to "the rebels", "the militants", "the group" and names no group of its own
    (no actor, or ACLED's unidentified armed group) takes the one group the article's other
    reports name; with none or two named, it keeps what its sentence gives."""
    groups = {a for r in reports for a, inter in ((r.actor1, r.inter1), (r.actor2, _inter2(r)))
              if a and inter in _GROUP_INTERS and not a.startswith("Unidentified")}
    if len(groups) != 1:
        return reports
    (group,) = groups
    model = next(r for r in reports if group in (r.actor1, r.actor2))
    inter = model.inter1 if model.actor1 == group else _inter2(model)
    out = []
    for r in reports:
        if (not r.actor1 or r.actor1.startswith("Unidentified Armed Group")) and (
                _definite_group().search(r.excerpt)):
            actor = Actor(group, inter)
            other = Actor(r.actor2, _inter2(r)) if r.actor2 else None
            r = replace(r, actor1=group, inter1=inter, interaction=interaction(actor, other))
        out.append(r)
    return out


def _inter2(report: Report) -> int:
    """The second actor's inter code, from the report's interaction code (lower first)."""
    if not report.actor1:
        return report.interaction // 10
    low, high = divmod(report.interaction, 10)
    return high if low == report.inter1 else low


def _force(name: str) -> str:
    """A force whatever its branch: a state's air force is its military."""
    return name.removesuffix(" Air Force")


def _victims_as_second_actor(report: Report, country_names: dict[str, str]) -> Report:
    """A report whose armed actor hurt civilians, by its own figures, has them as its second
    actor ("shelled Derhachi, wounding one civilian"; the toll of the next sentence too)."""
    if report.actor2 or not report.actor1 or report.inter1 == 7:
        return report
    name = country_names.get(report.place.country_code, "")
    victims = civilians_hurt([f.who for f in (*report.killed, *report.injured)],
                             country_name=name)
    if victims is None and report.event_type == "Violence against civilians":
        # ACLED's definition: violence against civilians has unarmed non-combatants as its
        # target, so "Russian forces tortured a man" has civilians as the other side.
        victims = Actor(f"Civilians ({name})" if name else "Civilians", 7)
    if victims is None:
        return report
    return replace(report, actor2=victims.name,
                   interaction=interaction(Actor(report.actor1, report.inter1), victims))
