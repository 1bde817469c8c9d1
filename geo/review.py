"""Review states an analyst sets on an incident: what a person has checked.

An incident starts **unreviewed** (the machine's reading). An analyst marks it **reviewed**
(read, nothing found wrong), **corroborated** (confirmed by a source they trust) or
**disputed** (doubtful or wrong), with their name and a note; the time is the store's. An
incident no analyst has reviewed that at least ``AUTO_CORROBORATION_SOURCES`` independent
sources report is **corroborated** automatically, and says so (``review_auto``).

A review is stored as an analyst's change of kind ``review_incident`` (``geo.store.db``'s
``changes`` table, listed with the other changes with an Undo button), so it is shared by
every session, survives restarts and is in every backup. Like the other incident changes it
names its incident by report keys, not by event id: ids change when new articles join an
incident, reports do not. When reports of incidents reviewed apart are merged, the latest
review wins. A review changes no article's results: nothing is re-processed.

``review_columns`` gives, per ``event_id`` of the incidents table, the columns below; the
dashboard joins them to the incidents (``with_reviews``), its filters and exports carry them.

=================  ==========================================================================
review_state       unreviewed, reviewed, corroborated or disputed (``REVIEW_STATES``)
reviewed_by        the analyst who set it ("" for unreviewed and automatic ones)
reviewed_at        when, ISO 8601 UTC ("" when nobody did)
review_note        the analyst's note; for an automatic one, why
review_auto        True when the state was not set by a person (automatic corroboration)
=================  ==========================================================================

Example:
    >>> review_payload(["a1:0:Battles:gn:1"], "disputed", "Ana")
    {'reports': ['a1:0:Battles:gn:1'], 'state': 'disputed', 'reviewer': 'Ana'}
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from geo.corrections import ChangeLike

#: The kind of the stored change that sets a review state.
REVIEW_KIND = "review_incident"
UNREVIEWED, REVIEWED, CORROBORATED, DISPUTED = ("unreviewed", "reviewed", "corroborated",
                                                "disputed")
REVIEW_STATES = (UNREVIEWED, REVIEWED, CORROBORATED, DISPUTED)
#: Independent sources (outlets not copying one wire story) that corroborate an incident
#: no analyst has reviewed.
AUTO_CORROBORATION_SOURCES = 2
REVIEW_COLUMNS = ["review_state", "reviewed_by", "reviewed_at", "review_note", "review_auto"]


def review_payload(report_keys: Sequence[str], state: str, reviewer: str) -> dict:
    """The stored payload of a review of the incident holding ``report_keys``.

    Raises:
        ValueError: when ``state`` is not one of ``REVIEW_STATES``.
    """
    if state not in REVIEW_STATES:
        raise ValueError(f"review state must be one of {', '.join(REVIEW_STATES)}, "
                         f"not {state!r}")
    return {"reports": list(report_keys), "state": state, "reviewer": reviewer.strip()}


def review_columns(incidents: pd.DataFrame, reports: pd.DataFrame,
                   changes: Sequence[ChangeLike]) -> pd.DataFrame:
    """The review columns (``REVIEW_COLUMNS``) of each incident, indexed by ``event_id``.

    Args:
        incidents: the incidents table (``event_id``, ``independent_sources``).
        reports: the reports table (``event_id``, ``report_key``).
        changes: the active analysts' changes, oldest first; reviews are read from them.
    """
    event_of = dict(zip(reports["report_key"], reports["event_id"], strict=True))
    latest: dict[str, ChangeLike] = {}
    for change in sorted((c for c in changes if c.kind == REVIEW_KIND), key=lambda c: c.id):
        payload = change.payload if isinstance(change.payload, dict) else {}
        if payload.get("state") not in REVIEW_STATES:
            continue
        for key in payload.get("reports", []):
            event_id = event_of.get(key)
            if event_id is not None:
                latest[event_id] = change  # a later review of the same incident wins
    rows = []
    for event_id, independent in zip(incidents["event_id"], incidents["independent_sources"],
                                     strict=True):
        change = latest.get(event_id)
        state = change.payload["state"] if change is not None else UNREVIEWED
        if state != UNREVIEWED:
            rows.append((event_id, state, str(change.payload.get("reviewer", "")),
                         str(getattr(change, "created_at", "")), change.note, False))
        elif int(independent or 0) >= AUTO_CORROBORATION_SOURCES:
            rows.append((event_id, CORROBORATED, "", "",
                         f"automatic: {int(independent)} independent sources", True))
        else:
            rows.append((event_id, UNREVIEWED, "", "", "", False))
    table = pd.DataFrame(rows, columns=["event_id", *REVIEW_COLUMNS])
    table["review_auto"] = table["review_auto"].astype(bool)
    return table.set_index("event_id")


def with_reviews(incidents: pd.DataFrame, reports: pd.DataFrame,
                 changes: Sequence[ChangeLike]) -> pd.DataFrame:
    """The incidents table with the review columns joined (same rows, same order)."""
    columns = review_columns(incidents, reports, changes)
    out = incidents.drop(columns=[c for c in REVIEW_COLUMNS if c in incidents.columns])
    return out.join(columns, on="event_id")

