"""Who acted in one trigger's event, and the other sides its sentence names.

``find_sides`` reads one trigger of a sentence (``geo.nlp.events``) with the sentence's parse:
in the active order the actor is named before the trigger and the sides after it
(``geo.nlp.actors.find_actor``, ``find_targets``); a passive clause with its agent written
reverses that ("Ukrainian positions were shelled by Russian forces"); the trigger's own
subject, a state named as the subject, a group ACLED knows by name (``geo.nlp.groups``) or
an organisation the parse names are tried in turn. The ``geo_actors`` component
(``geo.nlp.components``) writes what it finds on the article Doc; ACLED's coding of the
sides once found (``geo.incidents.coding``) is the report stage's.

The nationality words and the places named are the geoparser's, in sentence offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from geo.nlp.actors import (
    Actor,
    as_coded_for,
    civilians_hurt,
    find_actor,
    find_targets,
    passive_roles,
    state_as_subject,
    subject_group,
    subject_span,
)
from geo.nlp.groups import canonical_group, find_group

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from geo.nlp.events import EventMention
    from geo.records import Place


@dataclass(frozen=True)
class Side:
    """One side of a trigger's event: the actor as ACLED names it, and its role ("actor":
    who acted; "other": another side named)."""

    actor: Actor
    role: str
    trigger: EventMention


def find_sides(sentence: str, event: EventMention, parsed: Doc,
               named: list[tuple[int, int, Place]], country: str, name: str,
               following: str, aliases: dict[str, str], mentions: list[tuple[int, int]],
               ) -> tuple[Actor | None, list[Actor]]:
    """Who acted, and the other sides named, nearest first. In the active order the actor is
    named before the trigger and the sides after it (``find_actor``, ``find_targets``). A
    passive clause with its agent written reverses that, and the parse says so: "Ukrainian
    positions were shelled by Russian forces" has Russia's forces as the actor and
    Ukraine's as the other side."""
    targets = find_targets(sentence, event.start, named, event_country=country,
                           country_name=name, after=following)
    roles = passive_roles(parsed, event.start, event.end)
    if (roles is not None and roles.patient is None
            and event.sub_event_type == "Disrupted weapons use"):
        roles = None  # "shot down a rocket launched by Russian aircraft": who fired it fell
    if roles is not None and roles.agent is not None:
        agent = find_actor(sentence, roles.agent[1], named, event_country=country,
                           country_name=name, since=roles.agent[0])
        if agent is None:  # "fired by M23 rebels": a group ACLED knows by name
            found = find_group(sentence, roles.agent[0], roles.agent[1])
            agent = found.actor if found is not None else None
        if agent is not None:
            patients: list[Actor] = []
            if roles.patient is not None:
                p_start, p_end = roles.patient
                patients = find_targets(sentence[:p_end], p_start - 1,
                                        [n for n in named if n[1] <= p_end],
                                        event_country=country, country_name=name)
                victims = civilians_hurt([roles.patient_noun], country_name=name)
                if not patients and victims is not None:
                    patients = [victims]
            return (as_coded_for(agent, event.sub_event_type),
                    patients + [t for t in targets if t.name != agent.name])
    # The trigger's own subject, from the parse, before the nearest side named before it:
    # "Russian forces shot down a Ukrainian jet and shelled X" is Russia's shelling.
    subject = subject_span(parsed, event.start, event.end)
    actor = None
    if subject is not None and subject[1] <= event.start:
        actor = find_actor(sentence, subject[1], named, event_country=country,
                           country_name=name, since=subject[0])
    if actor is None:
        actor = find_actor(sentence, event.start, named, event_country=country,
                           country_name=name)
    if actor is None and subject is not None and subject[1] <= event.start:
        actor = state_as_subject(sentence, subject, named, event_country=country)
    if actor is None and event.sub_event_type == "Disrupted weapons use":
        # The side that claims an interception made it: "the Polish army said it brought down
        # two drones" is Poland's, though its army only speaks.
        actor = find_actor(sentence, event.start, named, event_country=country,
                           country_name=name, speakers=True)
    if actor is None and (subject is None or subject[1] <= event.start):
        actor = subject_group(parsed, subject, event.start, aliases, mentions)
    if actor is not None and actor.inter == 2 and actor.name in aliases:
        actor = Actor(aliases[actor.name], actor.inter)  # "RSF" the article spelt out
    actor = _as_named_group(actor, sentence, event, subject)
    return as_coded_for(actor, event.sub_event_type), [t for t in targets
                                                       if actor is None or t.name != actor.name]


def _as_named_group(actor: Actor | None, sentence: str, event: EventMention,
                    subject: tuple[int, int] | None) -> Actor | None:
    """A group ACLED knows by name (``geo.nlp.groups``) is named as ACLED names it ("the
    RSF", "Houthi rebels"), and is the actor when the sentence names it before the trigger
    and no state's forces were found ("Fighters from the RSF attacked a village")."""
    # "a Houthi drone attack", "an RSF assault": the group that qualifies the trigger's own
    # noun phrase did it, whoever else the sentence names first.
    own = find_group(sentence, max(0, event.start - 30), event.start)
    if own is not None and re.fullmatch(r"(?:\s+[a-z][\w-]*){0,2}\s+",
                                        sentence[own.end:event.start] or " "):
        return own.actor
    if subject is not None and subject[1] <= event.start:
        # "RSF units and the regular army fought": the side the subject names first.
        first = find_group(sentence, subject[0], subject[1])
        if first is not None and not sentence[subject[0]:first.start].strip(" ,'\"").replace(
                "the", "").strip():
            return first.actor
    if actor is not None:
        known = canonical_group(actor.name)
        if known is not None:
            return known
        if actor.inter != 2:
            return actor  # a state's forces, protesters, civilians: found by their own rules
    since = subject[0] if subject is not None and subject[1] <= event.start else 0
    found = find_group(sentence, since, event.start)
    if found is None and subject is not None and since:
        found = find_group(sentence, 0, event.start)
    return found.actor if found is not None else actor
