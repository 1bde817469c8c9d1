"""The family an event is compared under: which reports can tell the same happening.

Merging (``geo.incidents.merge``), the continuation of a report by a later sentence
(``geo.incidents.extract``) and the redating of a retold event (``geo.incidents.dating``) all
ask whether two reports are of one kind. A demonstration is one kind however each report codes
it (a peaceful march, an intervention, a riot), since ACLED codes one demonstration once, by
the most severe thing that happened in it; every other event type is its own family. The
sub-types of a change of territory are here too: merging codes a battle that ends in a capture
as the capture, and the coding policy reads a withdrawal beside a capture as that capture.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo.nlp.events import PROTESTS

if TYPE_CHECKING:
    from geo.nlp.events import EventMention
    from geo.nlp.report import Report


# One demonstration, however each report tells it: ACLED codes it once, by the most severe
# thing that happened in it (rioting over lethal force over an intervention over a peaceful
# march).
DEMONSTRATION_SEVERITY = ("Violent demonstration", "Excessive force against protesters",
                          "Protest with intervention", "Peaceful protest")


def _family(report: Report) -> str:
    """The event type a report merges under: a violent demonstration merges with the protest
    it grew out of."""
    if report.sub_event_type in DEMONSTRATION_SEVERITY:
        return PROTESTS
    return report.event_type


def _event_family(event: EventMention) -> str:
    """The family of a trigger not yet made a report (``_family``'s rule)."""
    return PROTESTS if event.sub_event_type in DEMONSTRATION_SEVERITY else event.event_type


# ACLED's sub-type of territory given up without a fight.
_TRANSFER = "Non-violent transfer of territory"
# ACLED's Battles sub-types in which a side wins a place.
_TERRITORY_WON = frozenset({"Non-state actor overtakes territory",
                            "Government regains territory"})
