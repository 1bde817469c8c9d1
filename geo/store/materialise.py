"""Incidents kept in the store, up to date after every write, re-merged only where a write
touched them.

Each stored report carries its merge block (type and region, 32-day window:
``geo.incidents.merge_block``), its key, the raw cluster the merge put it in and the
incident (after the analysts' changes) it belongs to. A write that adds or replaces an
article's reports, or adds or undoes an incident change, calls ``settle`` in its own
transaction: the clusters with a report in the blocks it touched (and the adjacent windows:
a report can only join an anchor there) are merged again from their reports; the changes
naming any of their reports are applied to them and to every cluster those changes name;
and only those incident rows are replaced. ``rebuild`` does the same for every report: a
store from an older version, after a deletion, or a restore of one.

Copy detection (``independent_sources``) is kept the same way: each article's sample of
shingles goes to a table that remembers the first article to have each one, and an article
sharing enough of its sample with an earlier one joins that one's ``copy_group``, so no write
reads every text.

Functions here take an open connection inside a write transaction; the store
(``geo.store.db`` and its parts) calls them.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from geo.corrections import ChangeLike, apply_incident_changes, report_key
from geo.incidents import (
    COPY_SHARE,
    Incident,
    Report,
    copy_roots,
    incident_from_reports,
    merge_block,
    merge_reports,
    text_shingles,
)
from geo.records import Article
from geo.tables import incident_row, report_row

#: Kinds of analysts' changes that act on incidents (the others act on mentions).
INCIDENT_CHANGE_KINDS = frozenset({"merge_incidents", "split_incident", "edit_incident"})
#: The cluster of a stored report no merge can use (unreadable, or dated where no table can
#: hold it): set aside until the article is processed again.
UNMERGEABLE = -1
#: Stored report JSON -> Report (``geo.store.db.report_from_json``).
ReportParser = Callable[[str], Report]
_CHUNK = 500  # values per IN (...) list, under SQLite's limit on host parameters


@dataclass
class Touched:
    """What a write disturbs: clusters whose reports change, incident rows that must go,
    blocks where reports left, and report keys named by a change."""

    clusters: set[int] = field(default_factory=set)
    incidents: set[str] = field(default_factory=set)
    blocks: set[tuple[str, int]] = field(default_factory=set)
    keys: set[str] = field(default_factory=set)


def next_version(conn: sqlite3.Connection) -> int:
    """The data version this write transaction will commit as (``Store.write`` bumps it)."""
    return int(conn.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()[0]) + 1


def is_current(conn: sqlite3.Connection) -> bool:
    """True when the stored incidents reflect the data (read before this write's bump)."""
    rows = dict(conn.execute("SELECT key, value FROM meta WHERE key IN "
                             "('data_version', 'incidents_version')").fetchall())
    return rows.get("data_version") == rows.get("incidents_version")


def touched_by_articles(conn: sqlite3.Connection, article_ids: Iterable[str]) -> Touched:
    """The clusters, incidents and blocks of these articles' stored reports (read before the
    reports are replaced or removed)."""
    touched = Touched()
    for chunk in chunks(sorted(set(article_ids))):
        for cluster, incident, bucket, window in conn.execute(
                "SELECT cluster, incident, bucket, day_window FROM reports WHERE article IN "
                f"({_marks(chunk)})", chunk):
            if cluster is not None:
                touched.clusters.add(cluster)
            if incident:
                touched.incidents.add(incident)
            touched.blocks.add((bucket, window))
    return touched


def change_keys(change: ChangeLike) -> set[str]:
    """The report keys an incident change names."""
    payload = change.payload if isinstance(change.payload, dict) else {}
    keys = {k for group in payload.get("groups", []) if isinstance(group, list) for k in group}
    keys.update(k for k in payload.get("reports", []) if isinstance(k, str))
    return {k for k in keys if isinstance(k, str)}


def assign_group(conn: sqlite3.Connection, article_id: str, text: str) -> set[str]:
    """Put a new article in its copy group (``geo.incidents.independent_groups``' rule:
    sharing ``COPY_SHARE`` of the smaller sample with an earlier article).

    Returns:
        Other articles whose group changed (this article joined two groups into one).
    """
    row = conn.execute("SELECT copy_group FROM articles WHERE id = ?", (article_id,)).fetchone()
    if row is None or row[0] is not None:
        return set()  # gone, or already placed (the same text is never placed twice)
    shingles = sorted(text_shingles(text))
    shared: Counter[str] = Counter()
    for chunk in chunks(shingles):
        shared.update(a for (a,) in conn.execute(
            f"SELECT article FROM shingles WHERE hash IN ({_marks(chunk)})", chunk))
    shared.pop(article_id, None)
    info = {}
    for chunk in chunks(sorted(shared)):
        info.update({a: (n, g) for a, n, g in conn.execute(
            f"SELECT id, shingles, copy_group FROM articles WHERE id IN ({_marks(chunk)})",
            chunk)})
    root, moved = article_id, set()
    for other in sorted(shared):
        if other not in info:
            continue  # an article deleted since: its shingles no longer count
        size, group = info[other]
        if shared[other] / (min(len(shingles), size) or 1) < COPY_SHARE:
            continue
        group = group or other
        if root != article_id and group != root:
            moved.update(a for (a,) in conn.execute(
                "SELECT id FROM articles WHERE copy_group = ?", (root,)))
            conn.execute("UPDATE articles SET copy_group = ? WHERE copy_group = ?", (group, root))
        root = group
    conn.execute("UPDATE articles SET shingles = ?, copy_group = ? WHERE id = ?",
                 (len(shingles), root, article_id))
    conn.executemany("INSERT OR IGNORE INTO shingles VALUES (?, ?)",
                     [(h, article_id) for h in shingles])
    moved.discard(article_id)
    return moved


def report_columns(report: Report) -> tuple[str, int, str]:
    """The columns a stored report carries for ``settle``: block, window and key."""
    bucket, window = merge_block(report)
    return bucket, window, report_key(report)


def settle(conn: sqlite3.Connection, touched: Touched, changes: Sequence[ChangeLike],
           *, parse: ReportParser) -> int:
    """Merge again what ``touched`` and the reports not yet merged disturb, and replace
    those incident rows.

    Args:
        conn: a connection inside a write transaction.
        touched: what the write disturbed (``touched_by_articles`` before it, and the keys
            of a change it saved or undid).
        changes: the active analysts' changes, oldest first.
        parse: stored report JSON -> ``Report`` (``geo.store.db.report_from_json``).

    Returns:
        How many incident rows were written.
    """
    located: dict[int, tuple[str, int]] = {}  # id(report) -> (article, seq)
    clusters, again = _disturbed(conn, touched, located, parse)
    raw: list[list[Report]] = [list(i.reports) for i in merge_reports(again)]
    relevant, pulled = _named_by_changes(conn, changes, touched.keys, again, clusters,
                                         located, parse)
    raw += list(pulled.values())
    version = _drop_incidents(conn, touched.incidents, clusters | set(pulled))
    return _write_incidents(conn, raw, relevant, located, version)


def _disturbed(conn: sqlite3.Connection, touched: Touched, located: dict[int, tuple[str, int]],
               parse: ReportParser) -> tuple[set[int], list[Report]]:
    """The clusters with a report in the blocks touched (and the adjacent windows) or named,
    and their reports with those not yet merged (``located`` learns where each is)."""
    blocks = set(touched.blocks)
    blocks.update(conn.execute("SELECT DISTINCT bucket, day_window FROM reports "
                               "WHERE cluster IS NULL").fetchall())
    clusters = set(touched.clusters) - {UNMERGEABLE}
    for bucket, window in blocks:
        clusters.update(c for (c,) in conn.execute(
            "SELECT DISTINCT cluster FROM reports WHERE bucket = ? AND day_window BETWEEN ? "
            "AND ? AND cluster > ?", (bucket, window - 1, window + 1, UNMERGEABLE)))
    again = _load(conn, "cluster IS NULL", (), located, parse, mark_unreadable=True)
    for chunk in chunks(sorted(clusters)):
        again += _load(conn, f"cluster IN ({_marks(chunk)})", chunk, located, parse)
    return clusters, again


def _named_by_changes(conn: sqlite3.Connection, changes: Sequence[ChangeLike],
                      touched_keys: set[str], again: list[Report], clusters: set[int],
                      located: dict[int, tuple[str, int]], parse: ReportParser,
                      ) -> tuple[list[ChangeLike], dict[int, list[Report]]]:
    """The incident changes naming a report merged again, oldest first, and the other
    clusters they name, loaded: changes naming a report here bring in every cluster they
    name (and so on)."""
    incident_changes = [c for c in changes if c.kind in INCIDENT_CHANGE_KINDS]
    named = {id(c): change_keys(c) for c in incident_changes}
    keys = {report_key(r) for r in again} | touched_keys
    relevant: list[ChangeLike] = []
    pulled: dict[int, list[Report]] = {}
    while True:
        new = [c for c in incident_changes if c not in relevant and named[id(c)] & keys]
        if not new:
            break
        relevant += new
        wanted = sorted(set().union(*(named[id(c)] for c in new)) - keys)
        for chunk in chunks(wanted):
            for (cluster,) in conn.execute(
                    f"SELECT DISTINCT cluster FROM reports WHERE key IN ({_marks(chunk)}) AND "
                    "cluster > ?", [*chunk, UNMERGEABLE]):
                if cluster in clusters or cluster in pulled:
                    continue
                pulled[cluster] = _load(conn, "cluster = ?", (cluster,), located, parse)
                keys |= {report_key(r) for r in pulled[cluster]}
    relevant.sort(key=lambda c: incident_changes.index(c))
    return relevant, pulled


def _drop_incidents(conn: sqlite3.Connection, incidents: set[str], clusters: set[int]) -> int:
    """Delete the incident rows of ``clusters`` and ``incidents``, noting them gone at the
    write's new version (returned)."""
    gone = set(incidents)
    for chunk in chunks(sorted(clusters)):
        gone.update(i for (i,) in conn.execute(
            f"SELECT DISTINCT incident FROM reports WHERE cluster IN ({_marks(chunk)})",
            chunk) if i)
    version = next_version(conn)
    for chunk in chunks(sorted(gone)):
        conn.execute(f"DELETE FROM incidents WHERE event_id IN ({_marks(chunk)})", chunk)
    # Readers holding an older state drop these (``Store.delta``).
    conn.executemany("INSERT INTO incidents_gone VALUES (?, ?)",
                     [(event_id, version) for event_id in sorted(gone)])
    return version


def _write_incidents(conn: sqlite3.Connection, raw: list[list[Report]],
                     relevant: list[ChangeLike], located: dict[int, tuple[str, int]],
                     version: int) -> int:
    """The incidents of the clusters ``raw`` after the ``relevant`` changes, written at
    ``version``, and their reports pointed at their cluster and incident."""
    groups = _groups(conn, {r.article for c in raw for r in c})
    first = (conn.execute("SELECT max(cluster) FROM reports").fetchone()[0] or 0) + 1
    cluster_of = {id(r): first + n for n, c in enumerate(raw) for r in c}
    incidents = apply_incident_changes([incident_from_reports(c, groups) for c in raw],
                                       relevant, groups)
    updates = []
    for incident in incidents:
        event_id = _free_event_id(conn, incident.event_id)
        row = incident_row(incident)
        row["event_id"] = event_id
        # The row only: its reports' rows are read from the reports table (``report_rows``),
        # never stored twice.
        conn.execute("INSERT INTO incidents (event_id, seq, incident, version) "
                     "VALUES (?, 0, ?, ?)", (event_id, json.dumps(row), version))
        updates += [(cluster_of[id(r)], event_id, *located[id(r)]) for r in incident.reports]
    conn.executemany("UPDATE reports SET cluster = ?, incident = ? WHERE article = ? AND seq = ?",
                     updates)
    return len(incidents)


def rebuild(conn: sqlite3.Connection, changes: Sequence[ChangeLike], *,
            parse: ReportParser) -> int:
    """Copy groups and incidents of the whole store from scratch (in one transaction).

    Returns:
        How many incident rows were written.
    """
    # Copy groups in memory, in the order articles came (as ``assign_group`` placed them).
    roots, first_seen, sizes = copy_roots([
        Article(id=i, text=t) for i, t in conn.execute(
            "SELECT id, text FROM articles ORDER BY rowid").fetchall()])
    conn.execute("DELETE FROM shingles")
    conn.executemany("INSERT INTO shingles VALUES (?, ?)", sorted(first_seen.items()))
    conn.executemany("UPDATE articles SET copy_group = ?, shingles = ? WHERE id = ?",
                     [(root, sizes[a], a) for a, root in roots.items()])
    updates = []
    # Reports stored before these columns existed (an older store) get them now.
    for article, seq, text in conn.execute("SELECT article, seq, report FROM reports "
                                           "WHERE bucket = ''").fetchall():
        try:
            updates.append((*report_columns(parse(text)), article, seq))
        except (ValueError, TypeError, KeyError):
            continue  # unreadable: never merged (``Store.bad_rows`` shows its article)
    conn.execute("UPDATE reports SET cluster = NULL, incident = NULL")
    conn.executemany("UPDATE reports SET bucket = ?, day_window = ?, key = ? "
                     "WHERE article = ? AND seq = ?", updates)
    conn.execute("DELETE FROM incidents")
    # Every row is new: a reader's older state cannot be brought here by a delta.
    conn.execute("DELETE FROM incidents_gone")
    conn.execute("UPDATE meta SET value = ? WHERE key = 'incidents_since'",
                 (str(next_version(conn)),))
    return settle(conn, Touched(), changes, parse=parse)


def stored_rows(conn: sqlite3.Connection, *, since: int | None = None) -> list[dict]:
    """The stored incident rows (``geo.tables.incident_row``): all, or those written
    after data version ``since``."""
    out = []
    query = "SELECT incident FROM incidents"
    for (text,) in conn.execute(query + (" WHERE version > ?" if since is not None else ""),
                                () if since is None else (since,)):
        try:
            row = json.loads(text)
        except ValueError:
            continue
        if isinstance(row, dict) and "event_id" in row:
            out.append(row)
    return out


def report_rows(conn: sqlite3.Connection, *, incidents: Sequence[str] | None = None,
                ) -> list[dict]:
    """The merged reports as rows of the reports table (``geo.tables.REPORT_COLUMNS``),
    read straight from their stored JSON (no ``Report`` built): all, or those of
    ``incidents``."""
    if incidents is None:
        rows = conn.execute("SELECT incident, key, report FROM reports WHERE incident IS NOT "
                            "NULL ORDER BY incident, article, seq").fetchall()
    else:
        rows = []
        for chunk in chunks(sorted(incidents)):
            rows += conn.execute("SELECT incident, key, report FROM reports WHERE incident IN "
                                 f"({_marks(chunk)}) ORDER BY incident, article, seq",
                                 chunk).fetchall()
    out = []
    for event_id, key, text in rows:
        try:
            out.append(report_row(event_id, key, json.loads(text)))
        except (ValueError, TypeError, KeyError):
            continue
    return out


def _load(conn: sqlite3.Connection, where: str, args: Sequence, located: dict,
          parse: ReportParser, *, mark_unreadable: bool = False) -> list[Report]:
    out, unreadable = [], []
    for article, seq, text in conn.execute(
            f"SELECT article, seq, report FROM reports WHERE {where} ORDER BY article, seq",
            tuple(args)).fetchall():
        try:
            report = parse(text)
        except (ValueError, TypeError, KeyError):
            unreadable.append((article, seq))
            continue
        located[id(report)] = (article, seq)
        out.append(report)
    if mark_unreadable:
        # Never merged (``Store.bad_rows`` shows the article), and not read again by every
        # later write: such a report waits in cluster UNMERGEABLE until it is replaced.
        conn.executemany("UPDATE reports SET cluster = ? WHERE article = ? AND seq = ?",
                         [(UNMERGEABLE, a, n) for a, n in unreadable])
    return out


def _groups(conn: sqlite3.Connection, articles: set[str]) -> dict[str, int]:
    names: dict[str, str] = {}
    for chunk in chunks(sorted(articles)):
        names.update((a, g or a) for a, g in conn.execute(
            f"SELECT id, copy_group FROM articles WHERE id IN ({_marks(chunk)})", chunk))
    numbers = {g: n for n, g in enumerate(sorted(set(names.values())))}
    return {a: numbers[g] for a, g in names.items()}


def _free_event_id(conn: sqlite3.Connection, wanted: str) -> str:
    base = wanted.split("-")[0]
    n, candidate = 1, base
    while conn.execute("SELECT 1 FROM incidents WHERE event_id = ?", (candidate,)).fetchone():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def chunks(values: Sequence) -> Iterable[list]:
    """``values`` in lists short enough for one ``IN (...)``."""
    values = list(values)
    for n in range(0, len(values), _CHUNK):
        yield values[n:n + _CHUNK]


def _marks(values: Sequence) -> str:
    return ",".join("?" * len(values))


__all__ = ["INCIDENT_CHANGE_KINDS", "UNMERGEABLE", "Incident", "Touched", "assign_group",
           "change_keys", "chunks", "is_current", "next_version", "rebuild", "report_columns",
           "report_rows", "settle", "stored_rows", "touched_by_articles"]
