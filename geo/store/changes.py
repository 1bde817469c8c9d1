"""The analysts' changes as the store keeps them (``geo.corrections`` says what each kind
does): saved and undone in a write transaction, an incident change applied to the stored
incidents it names at once (``geo.store.materialise``), a mention change waiting for its
articles to be processed again; and the key that tells whether an article's stored results
reflect the changes relevant to it now.

``ChangesMixin`` is part of ``geo.store.db.Store``, whose ``read`` and ``write`` it uses.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3

from geo.errors import StoreError
from geo.store import materialise
from geo.store.payloads import mergeable_report, stored_now


class ChangesMoved(StoreError):
    """An analyst's change was saved or undone while the article was processed: nothing was
    written; process it again with the current changes."""


@dataclasses.dataclass(frozen=True)
class Change:
    """An analyst's change, as stored. ``kind`` is one of ``geo.corrections.KINDS``."""

    id: int
    kind: str
    target: str
    payload: dict
    note: str
    created_at: str
    undone_at: str | None


class ChangesMixin:
    """The changes' part of ``Store``."""

    def add_change(self, kind: str, target: str, payload: dict, *, note: str = "") -> int:
        """Save an analyst's change. An incident change is applied to the stored incidents
        it names in the same transaction; a mention change waits for its articles to be
        processed again (``stale_articles``)."""
        with self.write(incidents="kept") as conn:
            current = materialise.is_current(conn)
            cursor = conn.execute(
                "INSERT INTO changes (kind, target, payload, note, created_at) "
                "VALUES (?, ?, ?, ?, ?)", (kind, target, json.dumps(payload), note, stored_now()))
            (change,) = [c for c in read_changes(conn, include_undone=True)
                         if c.id == cursor.lastrowid]
            if current:
                settle_change(conn, change)
            return int(cursor.lastrowid)

    def undo_change(self, change_id: int) -> None:
        with self.write(incidents="kept") as conn:
            current = materialise.is_current(conn)
            updated = conn.execute("UPDATE changes SET undone_at = ? WHERE id = ? AND "
                                   "undone_at IS NULL", (stored_now(), change_id)).rowcount
            if not updated:
                raise StoreError(f"no active change #{change_id} to undo")
            (change,) = [c for c in read_changes(conn, include_undone=True)
                         if c.id == change_id]
            if current:
                settle_change(conn, change)

    def changes(self, *, include_undone: bool = False) -> list[Change]:
        """The analysts' changes, oldest first. A payload that is not a JSON object (a
        hand-edited store) is skipped rather than breaking every read."""
        with self.read() as conn:
            return read_changes(conn, include_undone=include_undone)

    def stale_articles(self) -> list[str]:
        """Ids of articles whose stored results do not reflect their relevant changes now
        (a change saved or undone and not yet re-processed, also across a crash)."""
        from geo.corrections import relevant_changes

        changes = self.changes()
        with self.read() as conn:
            rows = conn.execute("SELECT id, text, results_changes FROM articles ORDER BY id")
            return [article_id for article_id, text, reflected in rows
                    if changes_key(relevant_changes(article_id, text, changes)) != reflected]


def changes_key(changes: list[Change] | list) -> str:
    """What a set of changes is, for ``put_article(changes_seen=...)``: their ids. Give it an
    article's relevant changes (``geo.corrections.relevant_changes``)."""
    return ",".join(str(c.id) for c in sorted(changes, key=lambda c: c.id))


def check_changes(conn: sqlite3.Connection, article_id: str, text: str,
                  changes_seen: str | None) -> str:
    """The key of the changes relevant to the article now, read inside the write
    transaction; ChangesMoved when results computed with ``changes_seen`` no longer fit."""
    from geo.corrections import relevant_changes

    changes = read_changes(conn, include_undone=False)
    now = changes_key(relevant_changes(article_id, text, changes))
    if changes_seen is not None and now != changes_seen:
        raise ChangesMoved("the analysts' changes moved while the article was processed")
    return now


def read_changes(conn: sqlite3.Connection, *, include_undone: bool) -> list[Change]:
    """The changes as stored, oldest first; a payload that is not a JSON object is skipped."""
    query = "SELECT id, kind, target, payload, note, created_at, undone_at FROM changes"
    if not include_undone:
        query += " WHERE undone_at IS NULL"
    out = []
    for r in conn.execute(query + " ORDER BY id"):
        try:
            payload = json.loads(r[3])
        except (TypeError, ValueError):
            continue  # a hand-edited payload that is not JSON: skipped, never fatal
        if isinstance(payload, dict):
            out.append(Change(r[0], r[1], r[2], payload, r[4], r[5], r[6]))
    return out


def settle_change(conn: sqlite3.Connection, change: Change) -> None:
    """Merge again the stored incidents an incident change names (in its transaction)."""
    if change.kind in materialise.INCIDENT_CHANGE_KINDS:
        touched = materialise.Touched(keys=materialise.change_keys(change))
        for chunk in materialise.chunks(sorted(touched.keys)):
            touched.clusters.update(c for (c,) in conn.execute(
                f"SELECT cluster FROM reports WHERE key IN ({','.join('?' * len(chunk))}) "
                "AND cluster IS NOT NULL", chunk))
        materialise.settle(conn, touched, read_changes(conn, include_undone=False),
                           parse=mergeable_report)


