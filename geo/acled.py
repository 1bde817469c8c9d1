"""ACLED's own definitions for the export's columns: what the data cannot teach, written
down once (ACLED Codebook, 2023): the disorder type of each event type, civilian targeting,
the world regions ACLED reports by, and the columns of its export.

Example:
    >>> disorder_type("Protests"), disorder_type("Battles")
    ('Demonstrations', 'Political violence')
    >>> acled_region("UA"), acled_region("SY"), acled_region("AM")
    ('Europe', 'Middle East', 'Caucasus and Central Asia')
    >>> is_acled_pair("Strategic developments", "Armed clash")
    False
    >>> consistent_sub_event_type("Strategic developments", "Armed clash")
    'Other'
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from geo.gazetteer.sources import country_codes
from geo.nlp.language import detect_language
from geo.tables import EXTRA_INCIDENT_COLUMNS, INCIDENT_COLUMNS

#: The ACLED export's columns this project fills, in ACLED's order (``admin2``/``admin3``,
#: ``assoc_actor_*`` and ``source_scale`` stay empty: nothing here knows them).
ACLED_COLUMNS = ["event_id", "event_date", "year", "time_precision", "disorder_type",
                 "event_type", "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2",
                 "assoc_actor_2", "inter2", "interaction", "civilian_targeting", "iso",
                 "region", "country", "admin1", "admin2", "admin3", "location", "latitude",
                 "longitude", "geo_precision", "sources", "source_scale", "notes", "fatalities",
                 "timestamp"]

#: ``incidents.csv``: ACLED's columns, then this project's own (fatality bounds, injuries,
#: articles, reports, outlets, independent sources, flags, place keys, and the language
#: ``notes`` is written in: ISO 639-1, "uk" for a Ukrainian excerpt).
EXPORT_COLUMNS = ACLED_COLUMNS + [c for c in INCIDENT_COLUMNS + EXTRA_INCIDENT_COLUMNS
                                  if c not in ACLED_COLUMNS] + ["language"]

#: ACLED's event types and the sub-event types of each (Codebook 2023, section 3), in
#: the Codebook's order. The one list of valid pairs: the correction form offers these, and
#: a stored correction is read through :func:`consistent_sub_event_type`.
SUB_EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "Battles": ("Armed clash", "Government regains territory",
                "Non-state actor overtakes territory"),
    "Explosions/Remote violence": ("Chemical weapon", "Air/drone strike", "Suicide bomb",
                                   "Shelling/artillery/missile attack",
                                   "Remote explosive/landmine/IED", "Grenade"),
    "Violence against civilians": ("Sexual violence", "Attack",
                                   "Abduction/forced disappearance"),
    "Protests": ("Peaceful protest", "Protest with intervention",
                 "Excessive force against protesters"),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": ("Agreement", "Arrests", "Change to group/activity",
                               "Disrupted weapons use", "Headquarters or base established",
                               "Looting/property destruction",
                               "Non-violent transfer of territory", "Other"),
}
# The sub-type an incident takes when its type is changed to one its sub-type does not
# belong to: the type's broadest (or most frequent) one, never an impossible pair.
_DEFAULT_SUB_EVENT_TYPE = {
    "Battles": "Armed clash",
    "Explosions/Remote violence": "Shelling/artillery/missile attack",
    "Violence against civilians": "Attack",
    "Protests": "Peaceful protest",
    "Riots": "Violent demonstration",
    "Strategic developments": "Other",
}


def is_acled_pair(event_type: str, sub_event_type: str) -> bool:
    """Whether ``sub_event_type`` is one of ACLED's sub-event types of ``event_type``."""
    return sub_event_type in SUB_EVENT_TYPES.get(event_type, ())


def consistent_sub_event_type(event_type: str, sub_event_type: str) -> str:
    """``sub_event_type`` when it belongs to ``event_type``, else the type's default one
    (an unknown type keeps its sub-type: there is nothing to choose from)."""
    if is_acled_pair(event_type, sub_event_type) or event_type not in SUB_EVENT_TYPES:
        return sub_event_type
    return _DEFAULT_SUB_EVENT_TYPE[event_type]


_DISORDER = {"Battles": "Political violence", "Explosions/Remote violence": "Political violence",
             "Violence against civilians": "Political violence",
             "Protests": "Demonstrations", "Riots": "Demonstrations",
             "Strategic developments": "Strategic developments"}
# UN subregions to ACLED's regions.
_REGIONS = {"Western Asia": "Middle East", "Southern Asia": "South Asia",
            "South-Eastern Asia": "Southeast Asia", "Eastern Asia": "East Asia",
            "Central Asia": "Caucasus and Central Asia", "Northern America": "North America",
            "Australia and New Zealand": "Oceania", "Melanesia": "Oceania",
            "Micronesia": "Oceania", "Polynesia": "Oceania"}
_CAUCASUS = frozenset({"AM", "AZ", "GE"})


def disorder_type(event_type: str, sub_event_type: str = "") -> str:
    """ACLED's disorder type of an event type (mob violence is political violence)."""
    if sub_event_type == "Mob violence":
        return "Political violence"
    return _DISORDER.get(event_type, "")


def acled_region(country_code: str) -> str:
    """The region ACLED files a country under ("" when the country is unknown)."""
    if country_code.upper() in _CAUCASUS:
        return "Caucasus and Central Asia"
    _numeric, subregion = country_codes(country_code)
    if subregion.endswith("Europe"):
        return "Europe"
    return _REGIONS.get(subregion, subregion)


def acled_table(incidents: pd.DataFrame, *, exported: dt.datetime | None = None,
                ) -> pd.DataFrame:
    """The incidents table in ACLED's export layout (``ACLED_COLUMNS``), then this project's
    own columns (fatality bounds, injuries, reports, independent sources, flags).

    ``inter2`` is read back from ``interaction`` (the two inter codes, lower first); civilian
    targeting is set when civilians are the event's second actor, as ACLED codes it.
    """
    out = incidents.copy()
    for column, empty in (("event_type", ""), ("sub_event_type", ""), ("actor2", ""),
                          ("inter1", 0), ("interaction", 0), ("country_code", "")):
        if column not in out:
            out[column] = empty
    stamp = int((exported or dt.datetime.now(dt.UTC)).timestamp())
    dates = pd.to_datetime(out["event_date"]) if len(out) else pd.Series(dtype="datetime64[ns]")
    out["year"] = dates.dt.year if len(out) else pd.Series(dtype="int64")
    out["disorder_type"] = [disorder_type(t, s) for t, s in
                            zip(out["event_type"], out["sub_event_type"], strict=True)]
    out["inter2"] = [_inter2(int(i or 0), int(x or 0), a2) for i, x, a2 in
                     zip(out["inter1"], out["interaction"], out["actor2"], strict=True)]
    out["civilian_targeting"] = ["Civilian targeting" if str(a2).startswith("Civilians")
                                 else "" for a2 in out["actor2"]]
    codes = out["country_code"].fillna("")
    out["iso"] = [country_codes(c)[0] if c else None for c in codes]
    out["iso"] = out["iso"].astype("Int64")
    out["region"] = [acled_region(c) if c else "" for c in codes]
    for column in ("assoc_actor_1", "assoc_actor_2", "admin2", "admin3", "source_scale"):
        out[column] = ""
    out["timestamp"] = stamp
    notes = out["notes"] if "notes" in out else [""] * len(out)
    out["language"] = [detect_language(n) if isinstance(n, str) and n else "" for n in notes]
    return out.reindex(columns=EXPORT_COLUMNS + [c for c in out.columns
                                                 if c not in EXPORT_COLUMNS])


def _inter2(inter1: int, interaction: int, actor2: str) -> int:
    if not actor2 or interaction < 10:
        return 0
    low, high = divmod(interaction, 10)
    return high if low == inter1 else low
