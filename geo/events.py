"""What happened: event triggers in a sentence, typed with ACLED's taxonomy.

Each ``Rule`` is a named pattern that marks a trigger word or phrase and gives its
``event_type``/``sub_event_type``. A sentence may hold several triggers; one that is negated
("not to shoot civilians"), hypothetical or future ("would demand a ceasefire", "planned to
strangle Kyiv"), or only a denial ("Russia denies targeting civilians") is dropped.

Example:
    >>> [(e.event_type, e.sub_event_type, e.text) for e in find_events(
    ...     "At least nine people were killed in a Russian air strike.")]
    [('Explosions/Remote violence', 'Air/drone strike', 'air strike')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BATTLES = "Battles"
EXPLOSIONS = "Explosions/Remote violence"
VIOLENCE_AGAINST_CIVILIANS = "Violence against civilians"
PROTESTS = "Protests"
RIOTS = "Riots"
STRATEGIC = "Strategic developments"
EVENT_TYPES = (BATTLES, EXPLOSIONS, VIOLENCE_AGAINST_CIVILIANS, PROTESTS, RIOTS, STRATEGIC)


@dataclass(frozen=True)
class Rule:
    """A trigger pattern and the event it signals."""

    name: str
    pattern: re.Pattern[str]
    event_type: str
    sub_event_type: str
    # Higher wins when two triggers of one sentence describe the same happening.
    rank: int


@dataclass(frozen=True)
class EventMention:
    """A trigger found in a sentence; offsets are relative to that sentence."""

    start: int
    end: int
    text: str
    rule: str
    event_type: str
    sub_event_type: str
    rank: int


def _rule(name: str, pattern: str, event_type: str, sub: str, rank: int) -> Rule:
    return Rule(name, re.compile(pattern, re.IGNORECASE), event_type, sub, rank)


RULES: tuple[Rule, ...] = (
    _rule("air_strike", r"\b(?:air ?strikes?|air ?raids?|airstrikes?|warplanes? (?:struck|hit|"
          r"bombed)|bombed from the air|military plane fly overhead)\b", EXPLOSIONS,
          "Air/drone strike", 9),
    _rule("drone_strike", r"\bdrone (?:strikes?|attacks?)\b", EXPLOSIONS, "Air/drone strike", 9),
    _rule("shelling", r"\b(?:shell(?:ed|ing|s)?|artillery|missiles?|rockets?|bombard(?:ed|ment|"
          r"ing)?|bombings?|bombed|pounded|(?:were|was|been) blasted|blown up|strikes? (?:on|hit|"
          r"struck)|(?:a|the) (?:Russian )?strike)\b", EXPLOSIONS,
          "Shelling/artillery/missile attack", 8),
    _rule("explosions", r"\b(?:explosions?|blasts?)\b", EXPLOSIONS,
          "Shelling/artillery/missile attack", 6),
    _rule("ship_blast", r"\b(?:exploded and sank|blast on a[\w\s-]{0,20}ship|(?:sea )?mines?\b"
          r"|landmines?|IEDs?|car bombs?|roadside bombs?)", EXPLOSIONS,
          "Remote explosive/landmine/IED", 10),
    _rule("captured", r"\b(?:captured|seized|took control|taken control|gained control|"
          r"(?:complete|full) control|fell to|fall to|to fall|occupied|overran|"
          r"entered(?!\s+(?:its|their|the|a)\s+(?:\w+\s+)?(?:week|day|month|"
          r"year|phase|stage|round))|"
          r"reached the cent(?:er|re)|(?:in|into) the streets of|in all parts of)\b", BATTLES,
          "Non-state actor overtakes territory", 7),
    _rule("regained", r"\b(?:recaptured|retook|regained control|liberated|took back)\b",
          BATTLES, "Government regains territory", 7),
    _rule("clash", r"\b(?:fighting|fought|battl(?:e|es|ing)|clash(?:es|ed)?|firefights?|"
          r"repelled|counter-?attacks?|assaults?|shooting (?:from|into|at)|started shooting)\b",
          BATTLES, "Armed clash", 5),
    _rule("encircled", r"\b(?:encircle(?:d|ment)|surrounded|besieged|laid siege|siege of|"
          r"under siege|blockade)\b", STRATEGIC, "Other", 4),
    _rule("convoy", r"\b(?:convoy|column)\b[^.]{0,40}\b(?:approach|advanc|stall|stuck|halted)",
          STRATEGIC, "Other", 3),
    _rule("civilians_killed", r"\b(?:execut(?:ed|ions?)|massacred?|shot dead|killed civilians|"
          r"shoot(?:ing)? (?:at )?civilians|abduct(?:ed|ions?)|tortured)\b",
          VIOLENCE_AGAINST_CIVILIANS, "Attack", 8),
    _rule("protest_arrests", r"\b(?:snatched|detained|arrested|beat(?:en)?|dispersed)\b[^.]{0,40}"
          r"\bprotesters\b|\bprotesters\b[^.]{0,40}\b(?:detained|arrested|snatched)|\bprotests?"
          r"\b[^.]{0,60}\bmass arrests\b", PROTESTS, "Protest with intervention", 9),
    _rule("protest", r"\b(?:protest(?:s|ers|ed|ing)?|demonstrat(?:ions?|ors|ed)|rall(?:y|ies)|"
          r"marched)\b", PROTESTS, "Peaceful protest", 6),
    _rule("riot", r"\b(?:riots?|rioters|rioting|mob)\b(?! police)", RIOTS, "Violent demonstration",
          6),
    _rule("arrests", r"\b(?:arrest(?:ed|s)?|detain(?:ed|s)?|jailed|taken into custody)\b",
          STRATEGIC, "Arrests", 5),
    _rule("looting", r"\b(?:loot(?:ed|ing)|pillag(?:ed|ing)|set (?:\w+ )?on fire|torched)\b",
          STRATEGIC, "Looting/property destruction", 4),
    _rule("agreement", r"\b(?:agreed|agreement|deal (?:was|has been) reached|reached (?:a |an )?"
          r"(?:tentative )?(?:deal|agreement|accord)|ceasefire (?:was )?agreed|"
          r"corridors? (?:were|was) agreed)\b", STRATEGIC, "Agreement", 6),
    _rule("handover", r"\b(?:without a fight|handed over|peacefully (?:transferred|handed)|"
          r"withdrew from|withdrawn from)\b", STRATEGIC, "Non-violent transfer of territory", 7),
)

# Words that, just before a trigger, say it did not (or not yet) happen.
_BLOCKERS = re.compile(
    r"(?:\b(?:not|no|never|without|denies|deny|denied|would|will|could|might|may|plans? to|"
    r"planned to|threaten(?:s|ed)? to|ready to|wants? to|urged|demand(?:s|ed)?|call(?:s|ed)? "
    r"for|unless|if|avoid|prevent(?:ing)?|halt|stop|fear of|likelihood of|expect(?:ing|ed)?|"
    r"condemn(?:ed|ing)?)\b[\w\s,'-]{0,25}|\bto\s+)$",
    re.IGNORECASE,
)
# Uses that talk about a thing rather than report it.
_NOT_EVENTS = re.compile(
    r"\b(?:riot police|battle plan|battle fatigues|no-fly zone|cluster bombs|anti-tank|"
    r"ceasefire|cease-fire|casualty (?:numbers|estimates)|war crimes?|agreed to meet|"
    r"evacuat\w+ corridors?|military column|Molotov|assault force|surrounded by)\b",
    re.IGNORECASE,
)


def find_events(sentence: str) -> list[EventMention]:
    """Event triggers in one sentence, strongest first when they overlap.

    Args:
        sentence: the sentence's text.

    Returns:
        Non-overlapping triggers in sentence order.
    """
    found: list[EventMention] = []
    for rule in RULES:
        for m in rule.pattern.finditer(sentence):
            if _blocked(sentence, m.start(), m.end()):
                continue
            found.append(EventMention(m.start(), m.end(), m.group(), rule.name,
                                      rule.event_type, rule.sub_event_type, rule.rank))
    kept: list[EventMention] = []
    for event in sorted(found, key=lambda e: (-e.rank, e.start)):
        if all(event.end <= k.start or event.start >= k.end for k in kept):
            kept.append(event)
    return sorted(kept, key=lambda e: e.start)


def _blocked(sentence: str, start: int, end: int) -> bool:
    window = sentence[max(0, start - 40):start]
    if _BLOCKERS.search(window):
        return True
    for m in _NOT_EVENTS.finditer(sentence):
        if m.start() <= start < m.end() or m.start() < end <= m.end():
            return True
    return False


def main_event(events: list[EventMention]) -> EventMention | None:
    """The trigger that types the sentence: the highest-ranked one."""
    return max(events, key=lambda e: (e.rank, -e.start), default=None)
