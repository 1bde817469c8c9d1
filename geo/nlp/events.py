"""What happened: event triggers in a sentence, typed with ACLED's taxonomy.

Each ``Rule`` is a named pattern that marks a trigger word or phrase and gives its
``event_type``/``sub_event_type``: the lexicon. Whether a trigger reports something that
happened is read from the sentence's dependency parse (``geo.doc.sentence_parse``), not from
the words beside it: a trigger whose clause is negated ("forces did not shell", "no shelling
was reported", "without firing"), modal or future ("would strike", "will attack"),
conditional ("if they shell"), or the complement of a verb that does not assert it ("planned
to strangle Kyiv", "Russia denies targeting civilians", "threatened to strike") is dropped.
A negation or modal reaches through the infinitive it governs ("did not try to capture") and
never across a clause of its own ("officials would not say how many died after forces
shelled the town": the shelling stands).

Example:
    >>> [(e.event_type, e.sub_event_type, e.text) for e in find_events(
    ...     "At least nine people were killed in a Russian air strike.")]
    [('Explosions/Remote violence', 'Air/drone strike', 'air strike')]
"""

from __future__ import annotations

import re
import re._constants as sre_constants  # the prefix extraction reads parsed patterns
import re._parser as sre_parse
import string
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import ahocorasick

from geo.nlp.actors import UNNAMED_ARMED

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

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


# Who harms without a weapon being named, and how ("Russian soldiers shot a man"): the
# nouns of ACLED's armed actors, state forces, rebels, militias and armed men nobody names.
_AGENTS = (r"(?:forces|soldiers?|troops|military|servicem[ae]n|militants|occupiers|invaders|"
           r"fighters|snipers?|army|police(?:m[ae]n)?|battalion|units?|rebels|extremists|"
           rf"terrorists|militias?|militiam[ae]n|herdsmen|herders|{UNNAMED_ARMED})")
_HARM = (r"(?:killed|kill|killing|shot(?! down)|shoot|shooting|murdered|executed|stabbed|"
         r"beat|beaten|ran over|run over|tortured)")
_HARM_PASSIVE = (r"(?:killed|shot(?! down)|shot dead|murdered|executed|stabbed|beaten|run over|"
                 r"tortured|wounded|injured|abducted|detained)")
# Up to three words between the agent and the verb, none an auxiliary: "soldiers shot",
# "forces deliberately killed", never the passive "servicemen were killed".
_ACTIVE = r"(?:\s+(?!(?:was|were|been|being|is|are|has|have|had|be)\b)[\w-]+){0,3}?"


def _rule(name: str, pattern: str, event_type: str, sub: str, rank: int) -> Rule:
    # Lower-case literals and no leading \b let ``re`` skip to candidate first letters (ten
    # times faster); the text is lower-cased and the word start checked in code instead.
    return Rule(name, re.compile(pattern.removeprefix("\\b")), event_type, sub, rank)


RULES: tuple[Rule, ...] = (
    # Bombs dropped from aircraft ("guided aerial bombs", "glide bombs") are air strikes.
    _rule("air_strike", r"\b(?:air ?strikes?|air ?raids?|airstrikes?|air attacks?|air bombs?|"
          r"barrel bombs?|bombed from the air|(?:guided|glide|gliding|aerial|air-dropped)\s+"
          r"(?:aerial\s+)?bombs?)\b",
          EXPLOSIONS, "Air/drone strike", 9),
    # Aircraft that strike: the verb is the trigger, the aircraft (and their country) who.
    _rule("aircraft_strike", r"\b(?:warplanes?|war planes?|(?:fighter )?jets?|aircraft|planes?|"
          r"helicopters?|gunships?|bombers?|aviation)\s+(?:(?!(?:and|or|but|then|after|before)\b)"
          r"[\w-]+\s+){0,2}?(?P<t>struck|hit|"
          r"bombed|attacked|pounded|targeted|fired|shelled|strafed|launched|dropped)\b",
          EXPLOSIONS, "Air/drone strike", 9),
    # The verb is the trigger: "a Ukrainian drone" before it is who acted.
    # "drones struck", and "drones launched from the X region hit" (a reduced relative).
    _rule("drone_strike", r"\bdrones? (?:(?:launched|fired|sent|flying)\s+(?:[\w'-]+\s+)"
          r"{0,5}?)?(?P<t>strikes?|attacks?|fired|struck|hit|dropped|attacked)\b", EXPLOSIONS,
          "Air/drone strike", 9),
    _rule("drones_launched", r"\b(?:launched|fired|sent|flew)\s+(?:[\w-]+\s+){0,2}?"
          r"(?P<t>drones?|uavs?)\s+(?:at|on|against|toward|towards|into)\b", EXPLOSIONS,
          "Air/drone strike", 9),
    # ACLED: an attack by a state's air force is an air strike whatever the verb.
    _rule("air_force_attack", r"\b(?:air forces?|aviation)(?:\s+[\w-]+){0,3}?\s+(?P<t>attacked|"
          r"struck|hit|bombed|carried out|conducted|launched)\b", EXPLOSIONS,
          "Air/drone strike", 9),
    # ACLED: drones and missiles stopped before they hit are "disrupted weapons use"; an
    # aircraft shot down is a clash (below).
    _rule("interception", r"\b(?:shot down|shoots down|intercepted|downed|neutrali[sz]ed|"
          r"destroyed)(?:\s+[\w'-]+){0,4}?\s+(?:drones?|missiles?|rockets?|shaheds?|"
          r"shahed-136s?|kalibrs?|cruise missiles?|uavs?|kamikaze-drones?|air drones?)\b",
          STRATEGIC, "Disrupted weapons use", 11),
    # The passive: "debris from a missile shot down by air defences fell on a building" is
    # the interception (ACLED codes the debris's harm with it), not a missile strike.
    _rule("interception_passive", r"\b(?:drones?|missiles?|rockets?|shaheds?|uavs?)\s+"
          r"(?:(?:that|which)\s+(?:was|were|had\s+been)\s+)?(?:shot down|intercepted|downed)"
          r"\b", STRATEGIC, "Disrupted weapons use", 11),
    # ACLED codes fire from artillery, mortars, rocket launchers and tanks at a distance as
    # shelling; the weapons named here are those classes.
    _rule("shelling", r"\b(?:shell(?:ed|ing|s)?|artillery|missiles?|rockets?|bombard(?:ed|ment|"
          r"ing)?|bombings?|bombed|pounded|(?:were|was|been) blasted|blown up|strikes? (?:on|hit|"
          r"struck)|russian strikes?|mortars?|howitzers?|heavy weapons|grad|mlrs|multiple "
          r"rocket launchers?|tank fire|"
          # "Bombs fired by the rebels", "a bomb landed in the camp": bombs lobbed from a
          # distance (mortar bombs), not planted (IED) nor dropped from the air.
          r"bombs?\s+(?:(?:were|was)\s+)?(?:fired|launched|lobbed|landed))\b", EXPLOSIONS,
          "Shelling/artillery/missile attack", 8),
    _rule("explosions", r"\b(?:explosions?|blasts?)\b", EXPLOSIONS,
          "Shelling/artillery/missile attack", 6),
    # A headline drops the auxiliary: "Residential block hit in Sumy", "School struck near
    # Izium" are passives of an attack whose weapon is not told.
    _rule("headline_hit", r"\b(?:block|building|house|school|hospital|station|bus|port|"
          r"market|plant|facility|infrastructure|village|town|city|centre|center|depot|"
          r"substation|church|mall|shop|store)s?\s+(?P<t>hit|struck|shelled|targeted)\s+"
          r"(?:in|near|at|outside)\b", EXPLOSIONS, "Shelling/artillery/missile attack", 5),
    # A mine is a weapon only where something hits it or it goes off: "the mine collapsed,
    # killing 20 miners" is an industrial accident, not a landmine.
    _rule("ship_blast", r"\b(?:exploded and sank|blast on a[\w\s-]{0,20}ship|sea mines?\b|"
          r"(?:hit|struck|stepped on|drove over|ran over|detonated|triggered|planted|laid|on|by|"
          r"onto)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,2}?(?P<t>mines?)\b|mines?\s+(?:exploded|explosions?|blasts?|"
          r"detonated|went off)\b|landmines?|ieds?|car bombs?|roadside bombs?|"
          r"explosive devices?|improvised explosive)", EXPLOSIONS,
          "Remote explosive/landmine/IED", 10),
    # ACLED: an attack by a bomber who dies in it is its own sub-event type.
    _rule("suicide_bomb", r"\b(?:suicide (?:bomb(?:er|ers|ing|ings|s)?|attack(?:er|ers|s)?|"
          r"blasts?|car bombs?|vests?)|blew (?:himself|herself|themselves) up)\b", EXPLOSIONS,
          "Suicide bomb", 11),
    _rule("captured", r"\b(?:captured|seized|took control|taken control|gained control|"
          r"(?:complete|full) control|fell to|fall to|to fall|occupied|overran|"
          r"entered(?!\s+(?:its|their|the|a)\s+(?:\w+\s+)?(?:week|day|month|"
          r"year|phase|stage|round))|"
          r"reached the cent(?:er|re)|(?:in|into) the streets of|in all parts of)\b", BATTLES,
          "Non-state actor overtakes territory", 7),
    _rule("regained", r"\b(?:recaptured|retook|regained control|liberated|took back)\b",
          BATTLES, "Government regains territory", 7),
    _rule("clash", r"\b(?:fighting|fought|battl(?:e|es|ing)|clash(?:es|ed)?|firefights?|"
          r"repelled|repulsed|counter-?attacks?|assault(?:s|ed)?|shooting (?:from|into|at)|"
          r"started shooting|opened fire|exchanged fire|ambush(?:ed|es)?|offensive|"
          r"c(?:ame|omes?|oming) under (?:heavy |intense |enemy |small[- ]arms )?"
          r"(?:fire|attack|assault)|"
          r"small arms|machine guns?|shot down|shoots down)\b",
          BATTLES, "Armed clash", 5),
    # Harm stated without a weapon is still an event: armed men killing, shooting or beating
    # someone. Soldiers killed by soldiers is a clash; anyone else, violence against
    # civilians. Weakest ranks: any weapon named in the sentence types the event instead.
    _rule("forces_kill_forces", rf"\b{_AGENTS}{_ACTIVE}\s+(?P<t>{_HARM})(?=(?:\s+[\w-]+)"
          r"{0,4}?\s+(?:soldiers?|servicem[ae]n|troops|forces|fighters|militants|personnel|"
          r"positions)\b)", BATTLES, "Armed clash", 3),
    _rule("forces_kill", rf"\b{_AGENTS}{_ACTIVE}\s+(?P<t>{_HARM})\b",
          VIOLENCE_AGAINST_CIVILIANS, "Attack", 3),
    # The passive with its agent written: "civilians were shot by Russian soldiers";
    # soldiers harmed by soldiers is a clash.
    _rule("forces_killed_by_forces", r"\b(?:soldiers?|servicem[ae]n|troops|forces|fighters|"
          rf"militants|personnel)\s+(?:[\w-]+\s+){{0,3}}?(?:was|were|been|being|got)\s+"
          rf"(?P<t>{_HARM_PASSIVE})\s+by\s+(?:[\w'-]+\s+){{0,3}}?{_AGENTS}\b",
          BATTLES, "Armed clash", 3),
    _rule("killed_by_forces", rf"\b(?:was|were|been|being|got)\s+(?P<t>{_HARM_PASSIVE})\s+by"
          rf"\s+(?:[\w'-]+\s+){{0,3}}?{_AGENTS}\b",
          VIOLENCE_AGAINST_CIVILIANS, "Attack", 3),
    _rule("abduction", r"\b(?:abduct(?:ed|s|ing|ions?)|kidnap(?:ped|ping|s)?|forcibly "
          r"disappeared|taken hostage|held hostage)\b", VIOLENCE_AGAINST_CIVILIANS,
          "Abduction/forced disappearance", 9),
    _rule("sexual_violence", r"\b(?:raped|rapes?|sexual(?:ly)? (?:assault(?:ed)?|violence|"
          r"abuse[ds]?))\b", VIOLENCE_AGAINST_CIVILIANS, "Sexual violence", 9),
    # "Struck" / "destroyed" with no weapon named: remote fire, as ACLED codes it.
    _rule("struck", r"\b(?:struck|destroyed)\b", EXPLOSIONS,
          "Shelling/artillery/missile attack", 2),
    # The verb, or an attack on/against someone; not the noun alone ("the main attack force").
    _rule("attacked", r"\b(?:attacked|attacking|stormed|storming|attacks? (?:on|against)|"
          r"(?:launched|carried out|"
          r"conducted|made|repelled) (?:an? |\w+ )?(?:[\w-]+ )?attacks?)\b", BATTLES,
          "Armed clash", 2),
    _rule("encircled", r"\b(?:encircle(?:d|ment)|surrounded|besieged|laid siege|siege of|"
          r"under siege|blockade)\b", STRATEGIC, "Other", 4),
    _rule("convoy", r"\b(?:convoy|column)\b[^.]{0,40}\b(?:approach|advanc|stall|stuck|halted)",
          STRATEGIC, "Other", 3),
    _rule("civilians_killed", r"\b(?:execut(?:ed|ions?)|massacred?|shot dead|killed civilians|"
          r"shoot(?:ing)? (?:at )?civilians|tortured)\b",
          VIOLENCE_AGAINST_CIVILIANS, "Attack", 8),
    # ACLED: lethal force against demonstrators is "excessive force against protesters".
    _rule("excessive_force", r"\b(?:open(?:ed|s)? fire|fir(?:ed|ing)|shot|shooting|kill(?:ed|ing)|"
          r"live (?:ammunition|rounds|fire))\s+(?:on|at|into|upon)?\s*(?:[\w'-]+\s+){0,3}?"
          r"(?:protesters|protestors|demonstrators|marchers|crowds? of (?:protesters|"
          r"demonstrators))\b", PROTESTS, "Excessive force against protesters", 10),
    # ACLED: force short of lethal against a protest is an intervention.
    _rule("protest_intervention", r"\b(?:intervened in (?:the |a )?(?:protests?|rall(?:y|ies)|"
          r"demonstrations?)|(?:tear gas|stun grenades?|rubber bullets|water cannons?|pepper "
          r"spray)\b(?=[^.]*\b(?:protest|demonstrat|rall(?:y|ies)|marche)))", PROTESTS,
          "Protest with intervention", 9),
    _rule("protest_arrests", r"(?:snatched|detained|arrested|beat(?:en)?|dispersed) (?:\S+ ){0,4}"
          r"protesters\b|protesters (?:\S+ ){0,4}(?:detained|arrested|snatched)\b|protests? "
          r"[^.]{0,60}mass arrests\b", PROTESTS, "Protest with intervention", 9),
    _rule("protest", r"\b(?:protest(?:s|ers|ed|ing)?|demonstrat(?:ions?|ors|ed)|rall(?:y|ies)|"
          r"marched)\b", PROTESTS, "Peaceful protest", 6),
    _rule("riot", r"\b(?:riots?|rioters|rioting|mob)\b(?! police)", RIOTS, "Violent demonstration",
          6),
    # ACLED: demonstrators who themselves use violence or destroy property make a violent
    # demonstration ("protesters threw stones at police", "stormed parliament and set part of
    # it on fire"); a passive ("protesters were attacked") is not theirs.
    _rule("violent_protest", r"\b(?:protesters|protestors|demonstrators|crowds?|youths)"
          rf"{_ACTIVE}\s+(?P<t>threw|hurled|pelted|set fire|torched|stormed|smashed|burned|"
          r"burnt|clashed|attacked|broke into|overwhelmed|vandali[sz]ed|ransacked|looted)\b",
          RIOTS, "Violent demonstration", 10),
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

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
# What the parse reads (dependency labels and word forms; the pipeline runs no tagger, so no
# lemmas): modal auxiliaries of a future or hypothetical event ("may" only in lower case: "On 3
# May 2022" is a date), and the verbs whose complement is not asserted to have happened. These
# are closed classes of English, not examples from a corpus.
_MODALS = frozenset({"would", "will", "'ll", "could", "might", "may", "shall", "wo"})
_NEGATIONS = frozenset({"not", "n't", "never", "no", "without"})
_NON_FACTIVE = re.compile(
    r"^(?:den(?:y|ies|ied|ying)|plan(?:s|ned|ning)?|threat(?:en|ens|ened|ening)|wants?|wanted|"
    r"urg(?:e|es|ed|ing)|demand(?:s|ed|ing)?|call(?:s|ed|ing)?|prevent(?:s|ed|ing)?|"
    r"avoid(?:s|ed|ing)?|fears?|feared|expect(?:s|ed|ing)?|refus(?:e|es|ed|ing)|"
    r"vow(?:s|ed)?|promis(?:e|es|ed|ing)|intend(?:s|ed)?|prepar(?:e|es|ed|ing)|ready|"
    r"aim(?:s|ed)?|hop(?:e|es|ed)|warn(?:s|ed|ing)?|unless)$")
# Complements through which a governing verb's stance reaches the trigger.
_COMPLEMENTS = frozenset({"xcomp", "dobj", "pobj", "pcomp", "prep", "compound",
                          "amod", "nmod", "attr", "oprd", "acomp", "npadvmod"})
_CONDITIONALS = frozenset({"if", "unless"})
# Nouns of an attack: a trigger word compounded with one is the attack's weapon ("missile
# strike"), not a modifier of some other thing.
_ATTACK_HEADS = frozenset({"strike", "strikes", "attack", "attacks", "raid", "raids", "fire",
                           "barrage", "barrages", "shelling", "bombardment", "assault",
                           "assaults", "offensive", "hit", "hits", "explosion", "explosions",
                           "blast", "blasts", "salvo", "salvos", "clash", "clashes"})
# Uses that talk about a thing rather than report it.
# Matched in the lower-cased text, with no leading \b, like the rules (and as fast).
_NOT_EVENTS = re.compile(
    r"(?:no-fly zone|cluster bombs|anti-tank|"
    r"ceasefire|cease-fire|casualty (?:numbers|estimates)|war crimes?|agreed to meet|"
    r"evacuat\w+ corridors?|military column|molotov|assault force|surrounded by)\b"
)


Parse = Callable[[int, int], "Doc"]
# A preposition right before a participle, and a capitalised name right after it.
_PARTICIPLE_AS_ADJECTIVE = re.compile(r"\b(?:in|from|of|to|into|near|across|at|on|inside|"
                                      r"outside|around|toward|towards)\s+$")
_NAME_AFTER = re.compile(r"\s+[A-Z]")


def find_events(sentence: str) -> list[EventMention]:
    """Event triggers in one sentence, strongest first when they overlap.

    Args:
        sentence: the sentence's text (parsed here; the pipeline passes its Doc's parse to
            ``find_events_by_sentence`` instead).

    Returns:
        Non-overlapping triggers in sentence order.
    """
    from geo.doc import parse_text  # noqa: PLC0415 - the model loads only when needed

    parsed: list[Doc] = []

    def parse(_start: int, _end: int) -> Doc:
        if not parsed:
            parsed.append(parse_text(sentence))
        return parsed[0]

    return find_events_by_sentence(sentence, [(0, len(sentence))], parse).get(0, [])


def find_events_by_sentence(text: str, sentences: list[tuple[int, int]], parse: Parse,
                            ) -> dict[int, list[EventMention]]:
    """Event triggers of a whole text, grouped by sentence.

    The whole text is scanned at once (most sentences report nothing, so this beats scanning
    sentence by sentence); matches are then sorted into their sentences, and only a sentence
    holding a trigger is parsed.

    Args:
        text: the article's text.
        sentences: its sentence spans (``geo.doc.sentence_spans``).
        parse: (sentence start, end) -> that sentence's dependency parse
            (``geo.doc.sentence_parse``).

    Returns:
        sentence start -> that sentence's triggers (offsets relative to the sentence), only
        for sentences that have any.
    """
    starts = [s for s, _ in sentences]
    found: dict[int, list[EventMention]] = {}
    # Lower case of the same length, so offsets hold (str.lower lengthens a few characters,
    # such as "İ"; it never shortens one, so equal lengths mean a one-to-one mapping).
    lower = text.lower()
    if len(lower) != len(text):
        lower = text.translate(_ASCII_LOWER)
    not_events = [m.span() for m in _NOT_EVENTS.finditer(lower)]
    for rule, m in _matches(lower):
        if m.start() > 0 and (lower[m.start() - 1].isalnum() or lower[m.start() - 1] == "_"):
            continue  # not at a word start
        if _in_spans(not_events, m.start(), m.end()):
            continue
        k = bisect_right(starts, m.start()) - 1
        if k < 0 or m.end() > sentences[k][1]:
            continue
        s_start, s_end = sentences[k]
        # A rule may name its trigger word ("t"): "air forces ... struck" is struck, and who
        # acted stays outside the trigger for the actor finder.
        t_start, t_end = m.span("t") if "t" in m.re.groupindex else (-1, -1)
        if t_start < 0:  # no trigger word named, or not in the alternative that matched
            t_start, t_end = m.span()
        if t_start > 0 and lower[t_start - 1] == "-" and lower[t_start:t_end].endswith("ed"):
            continue  # "Russian-occupied territory", "rebel-held town": a compound adjective
        if _PARTICIPLE_AS_ADJECTIVE.search(lower, max(0, t_start - 12), t_start) and (
                lower[t_start:t_end].endswith("ed")
                and _NAME_AFTER.match(text, t_end)):
            # "protested in occupied Melitopol", "from besieged Mariupol": a participle
            # between a preposition and a name describes the place, whatever the parse.
            continue
        start, end = t_start - s_start, t_end - s_start
        if not happened(parse(s_start, s_end), start, end):
            continue
        found.setdefault(s_start, []).append(EventMention(
            start, end, text[t_start:t_end], rule.name, rule.event_type,
            rule.sub_event_type, rule.rank))
    return {s: _without_weak(_without_overlaps(events)) for s, events in found.items()}


def happened(parsed: Doc, start: int, end: int) -> bool:
    """Whether the trigger at [start, end) of a parsed sentence is reported as having
    happened: its clause is not negated, modal or conditional, and no verb it complements
    denies, plans, threatens or otherwise withholds it (see the module's docstring)."""
    tokens = [t for t in parsed if t.idx < end and t.idx + len(t.text) > start]
    if not tokens:
        return True
    # The trigger's head word: the one of its tokens whose head lies outside it.
    inside = {t.i for t in tokens}
    token = next((t for t in tokens if t.head.i not in inside or t.head.i == t.i), tokens[-1])
    if any(_negates(child) for t in tokens for child in t.children):
        return False  # "no shelling", "not shelled"
    if (token.dep_ == "compound" and token.head.i not in inside
            and token.head.lower_ not in _ATTACK_HEADS):
        # A trigger word naming the kind of another thing is no event: "riot police",
        # "battle fatigues", "assault force"; but "missile strike", "drone attack" are.
        return False
    if (token.dep_ == "amod" and len(tokens) == 1 and token.lower_.endswith("ed")
            and not any(token.children)):
        # A participle as adjective is a state: "in occupied Kherson", "the besieged city".
        # One with words of its own is a verb the small parser misread ("the RSF attacked
        # army positions": "RSF" hangs on "attacked").
        return False
    if token.dep_ == "acl" and token.lower_.endswith("ing") and token.head.i not in inside:
        # A present participle describing a noun tells what it does, not an event: "an
        # insurgent movement fighting the army for decades".
        return False
    node = token
    for _ in range(len(parsed)):  # the walk to the root, bounded
        if any(_negates(c) or _is_modal(c) or _is_conditional(c) for c in node.children):
            return False
        head = node.head
        if node.dep_ in ("nsubj", "nsubjpass") and head.i != node.i:
            # The event as the subject ("the strike did not hit the plant"): it happened,
            # unless the whole statement is hypothetical ("a strike would be a disaster").
            return not any(_is_modal(c) or _is_conditional(c) for c in head.children)
        if node.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to"
                                        for c in node.children):
            return False  # a purpose: "to protect the region from shelling" has not happened
        if head.i == node.i or node.dep_ in ("ccomp", "advcl", "conj", "relcl", "parataxis",
                                             "ROOT"):
            # A clause of its own: what governs it says nothing of whether it happened,
            # except a verb that withholds it ("denies that forces shelled").
            if node.dep_ == "ccomp" and any(_negates(c) or _is_modal(c) for c in head.children):
                return False  # "we will not allow criminals to hijack protests"
            return not (node.dep_ == "ccomp" and _NON_FACTIVE.match(head.lower_))
        if node.dep_ in ("xcomp", "pcomp", "pobj", "dobj", "prep") and _NON_FACTIVE.match(
                head.lower_):
            return False  # "planned to strike", "denied targeting", "called for strikes"
        if head.lower_ in _NEGATIONS and node.dep_ in ("pobj", "pcomp"):
            return False  # "without firing a shot"
        if node.dep_ not in _COMPLEMENTS:
            return True
        node = head
    return True


def _negates(token: Token) -> bool:
    return token.dep_ == "neg" or (token.dep_ == "det" and token.lower_ == "no")


def _is_modal(token: Token) -> bool:
    # "may" only in lower case: "May" is the month.
    return token.dep_ == "aux" and token.lower_ in _MODALS and token.text != "May"


def _is_conditional(token: Token) -> bool:
    return token.dep_ == "mark" and token.lower_ in _CONDITIONALS


# Triggers that say only that harm was done ("attacked", "struck", "soldiers killed"): they
# make an event only in a sentence that names no weapon or stronger wording ("a rocket
# attack" is shelling, not a clash besides).
WEAK_RANK = 3


def _without_weak(events: list[EventMention]) -> list[EventMention]:
    if all(e.rank <= WEAK_RANK for e in events):
        return events
    return [e for e in events if e.rank > WEAK_RANK]


def _matches(lower: str) -> Iterator[tuple[Rule, re.Match[str]]]:
    """Every rule's matches. One pass of an Aho-Corasick automaton finds the literal prefixes
    that any match must start with, and only there is a rule's pattern tried: 18 regex scans
    of the whole text cost three times as much."""
    tried: set[tuple[int, int]] = set()
    for end, (prefix_length, indexes) in _PREFIXES.iter(lower):
        start = end - prefix_length + 1
        for index in indexes:
            if (index, start) in tried:
                continue
            tried.add((index, start))
            m = RULES[index].pattern.match(lower, start)
            if m is not None:
                yield RULES[index], m
    for index in _UNPREFIXED:
        for m in RULES[index].pattern.finditer(lower):
            yield RULES[index], m


def _literal_prefixes(pattern: str) -> list[str]:
    """Literal strings one of which starts every match of ``pattern``; "" when unknown."""
    return _prefixes_of(sre_parse.parse(pattern))


def _prefixes_of(parsed: sre_parse.SubPattern) -> list[str]:
    out = [""]
    for op, av in parsed:
        if op is sre_constants.LITERAL:
            out = [p + chr(av) for p in out]
        elif op is sre_constants.SUBPATTERN:
            return [p + s for p in out for s in _prefixes_of(av[3])]
        elif op is sre_constants.BRANCH:
            return [p + s for b in av[1] for p in out for s in _prefixes_of(b)]
        else:
            return out
    return out


def _prefix_automaton() -> tuple[ahocorasick.Automaton, tuple[int, ...]]:
    by_prefix: dict[str, list[int]] = {}
    unprefixed = []
    for index, rule in enumerate(RULES):
        prefixes = _literal_prefixes(rule.pattern.pattern)
        if "" in prefixes:
            unprefixed.append(index)
            continue
        for prefix in prefixes:
            by_prefix.setdefault(prefix, []).append(index)
    automaton = ahocorasick.Automaton()
    for prefix, indexes in by_prefix.items():
        automaton.add_word(prefix, (len(prefix), tuple(indexes)))
    automaton.make_automaton()
    return automaton, tuple(unprefixed)


_PREFIXES, _UNPREFIXED = _prefix_automaton()


def _without_overlaps(found: list[EventMention]) -> list[EventMention]:
    kept: list[EventMention] = []
    for event in sorted(found, key=lambda e: (-e.rank, e.start)):
        if all(event.end <= k.start or event.start >= k.end for k in kept):
            kept.append(event)
    return sorted(kept, key=lambda e: e.start)


def _in_spans(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) overlaps one of the sorted, disjoint ``spans``."""
    k = bisect_right(spans, (start, float("inf"))) - 1
    return any(s < end and start < e for s, e in spans[max(0, k):k + 2])
