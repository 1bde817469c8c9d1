"""The incident record: reports of one happening, merged (``geo.incidents.merge``).

An ``Incident`` keeps every report it was merged from, so its articles, outlets, excerpts and
sides are read from them; only what the merge decided (the place, the day, the type, the
figures, the count of independent sources) is stored on it. It stays here rather than in
``geo.records``: it holds ``Report`` records (``geo.nlp.report``), a layer above that module.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from geo.nlp.report import Report
from geo.records import Place


@dataclass(frozen=True)
class Incident:
    """Reports of one happening, merged."""

    event_id: str
    event_date: dt.date
    time_precision: int
    event_type: str
    sub_event_type: str
    place: Place
    geo_precision: int
    reports: tuple[Report, ...]
    fatalities: int | None
    fatalities_min: int | None
    fatalities_max: int | None
    injuries: int | None
    independent_sources: int
    flags: tuple[str, ...] = field(default=())

    @property
    def location(self) -> str:
        return self.place.name

    @property
    def articles(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.article for r in self.reports))

    @property
    def outlets(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.outlet or r.article for r in self.reports))

    @property
    def actor1(self) -> str:
        """The actor most of its reports of its own sub-type name, else most of its reports
        ("" when none does): a demonstration coded as a riot is by its rioters, not by the
        police of a report that told only the intervention."""
        named = (Counter(r.actor1 for r in self.reports
                         if r.actor1 and r.sub_event_type == self.sub_event_type)
                 or Counter(r.actor1 for r in self.reports if r.actor1))
        return named.most_common(1)[0][0] if named else ""

    @property
    def inter1(self) -> int:
        return next((r.inter1 for r in self.reports if r.actor1 == self.actor1 and r.actor1), 0)

    @property
    def actor2(self) -> str:
        """The other side the first report of ``actor1`` that names one gives."""
        return self._dyad().actor2

    @property
    def interaction(self) -> int:
        return self._dyad().interaction

    def _dyad(self) -> Report:
        # Of the reports by actor1, the first naming a second actor ("Russian forces shelled
        # Hirske. ... One civilian was wounded." tells the victims in its second report).
        own = [r for r in self.reports if r.actor1 == self.actor1]
        return next((r for r in own if r.actor2), own[0] if own else self.reports[0])
