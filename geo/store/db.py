"""The persistent store: one SQLite file (WAL mode) holding articles, their mentions and reports,
the incidents merged from them, the analysts' changes and the online geocoder's cache.

Every write is one ``BEGIN IMMEDIATE`` transaction, so an article goes in whole or not at all
(a process killed half-way leaves the file consistent) and several sessions can write at once
(the second waits for the first). Each write bumps ``data_version``; readers cache on it, and
the merged incidents are rebuilt lazily when they are older than the data. ``state()``
pairs that version with the store's identity, which a restore renews, so a cache keyed on it
never serves a replaced store's data.

The schema is versioned (``PRAGMA user_version``) and migrated on open; stored report payloads
carry their own version (``REPORT_VERSION``) and are upgraded when read. A store that cannot
be written (a read-only file or folder) opens read-only: it can be viewed and exported.

This module is the ``Store`` and its transactions. The schema and its migrations are
``geo.store.schema``, the JSON the rows hold ``geo.store.payloads``, the checks a backup passes
before a restore ``geo.store.backup``; their public names are importable from here as well.

Example:
    >>> import tempfile, pathlib
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "news.sqlite")
    >>> store.schema_version() == SCHEMA_VERSION, store.article_count()
    (True, 0)
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import threading
import uuid
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from pathlib import Path

from geo.errors import StoreError, os_cause
from geo.incidents import Report, day_window
from geo.nlp.corpus import CONFIDENT_SCORE, CorpusPoint
from geo.records import Article
from geo.store import materialise
from geo.store.backup import backup_size, file_size, validate_backup, wal_size
from geo.store.payloads import (
    MENTION_VERSION,
    REPORT_VERSION,
    STORED_MENTION_COLUMNS,
    mention_from_json,
    mention_to_json,
    mergeable_report,
    offsets_from_json,
    offsets_to_json,
    raw_date,
    report_from_json,
    report_to_json,
    stored_date,
)
from geo.store.schema import MIGRATIONS, SCHEMA_VERSION, TABLES, apply_migrations

__all__ = ["BUSY_TIMEOUT_MS", "DEFAULT_PATH", "MENTION_VERSION", "MIGRATIONS", "REPORT_VERSION",
           "SCHEMA_VERSION", "TABLES", "Change", "ChangesMoved", "IdTaken", "Store", "StoreDelta",
           "StoreError", "changes_key", "default_path", "mention_to_json", "report_from_json",
           "report_to_json", "text_digest"]

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PATH = ROOT / "data" / "store" / "news.sqlite"
BUSY_TIMEOUT_MS = 30_000


class IdTaken(StoreError):
    """Another text took the article's id meanwhile (a concurrent ingest): nothing was
    written; allocate a new id and store again."""


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


@dataclasses.dataclass(frozen=True)
class StoreDelta:
    """The store's changes since a state: drop ``gone`` event ids (and the rows of the
    ``articles``) from what was read then, and add the rows here."""

    state: str  # the state this brings a reader to
    gone: set[str]  # event ids whose rows were removed or are rewritten below
    incident_rows: list[dict]
    report_rows: list[dict]
    articles: list[Article]  # articles written since (their mention rows replace theirs)
    mention_rows: list[dict]


def default_path() -> Path:
    """``$GEO_STORE`` when set, else ``data/store/news.sqlite`` in the project."""
    return Path(os.environ.get("GEO_STORE", DEFAULT_PATH))


def text_digest(text: str) -> str:
    """Fingerprint of an article's text; whitespace differences do not make a new text."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


class Store:
    """The SQLite store at ``path`` (created and migrated when needed).

    ``read_only`` is True when the file or its folder cannot be written: reads and exports
    work, writes raise ``StoreError`` saying so.
    """

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.read_only = False
        self._local = threading.local()
        if self.path.is_dir():
            raise StoreError(f"the store {self.path} is a folder; give a file path")
        if not self.path.exists():
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except (FileExistsError, NotADirectoryError) as exc:
                raise StoreError(f"cannot create the store {self.path}: a part of "
                                 f"{self.path.parent} is a file, not a folder") from exc
            except OSError as exc:
                raise StoreError(f"cannot create the store {self.path}: its folder "
                                 f"{self.path.parent} cannot be made "
                                 f"({exc.strerror or exc})") from exc
        self._migrate()

    # ------------------------------------------------------------------ connections

    def _connect(self) -> sqlite3.Connection:
        try:
            if self.read_only:
                # immutable: no -wal/-shm files are needed (a read-only folder has none).
                conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro&immutable=1",
                                       uri=True, isolation_level=None,
                                       check_same_thread=False)
                conn.execute("SELECT count(*) FROM sqlite_master")
                return conn
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000,
                                   isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
        except sqlite3.DatabaseError as exc:
            raise StoreError(_explain(self.path, exc, "is not a readable store")) from exc
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """This thread's long-lived connection (opened once per thread, not per call); a
        fresh one, closed after, when it is busy (a read nested in a write)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None and getattr(self._local, "read_only", None) != self.read_only:
            conn.close()  # opened before the store turned out read-only (or back)
            conn = self._local.conn = None
        if conn is None or conn.in_transaction:
            fresh = self._connect()
            if conn is None:
                self._local.conn, self._local.read_only = fresh, self.read_only
            else:
                try:
                    yield fresh
                finally:
                    fresh.close()
                return
            conn = fresh
        try:
            yield conn
        except sqlite3.DatabaseError:
            # A connection that failed (disk full, file replaced) is not reused.
            self._local.conn = None
            conn.close()
            raise
        finally:
            if self._local.__dict__.get("conn") is conn and conn.in_transaction:
                conn.execute("ROLLBACK")  # never leave a snapshot open between calls

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A connection for reading (one consistent snapshot per statement group)."""
        with self._connection() as conn:
            yield conn

    @contextmanager
    def write(self, *, incidents: str = "stale") -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it lands, or none of it (also on a crash).

        Args:
            incidents: "kept" when the write leaves the stored incidents true (a setting,
                or incidents the caller brought up to date with ``geo.store.materialise``);
                "stale" (the default) has them rebuilt at the next read.

        Raises:
            StoreError: the store is read-only, the disk is full, or the file is not a store;
                the message names the store and the cause, and nothing was changed.
        """
        if self.read_only:
            raise StoreError(f"the store {self.path} is read-only (file or folder not "
                             "writable): it can be viewed and exported, not changed")
        with self._connection() as conn:
            yield from self._transaction(conn, incidents)

    def _transaction(self, conn: sqlite3.Connection, incidents: str,
                     ) -> Iterator[sqlite3.Connection]:
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                current = incidents == "kept" and materialise.is_current(conn)
                conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 "
                             "WHERE key = 'data_version'")
                if current:
                    conn.execute("UPDATE meta SET value = (SELECT value FROM meta WHERE "
                                 "key = 'data_version') WHERE key = 'incidents_version'")
                conn.execute("COMMIT")
            except BaseException:
                # SQLite may already have rolled back (disk full): a second ROLLBACK would
                # replace the real cause with "no transaction is active".
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except sqlite3.OperationalError as exc:
            raise StoreError(_explain(self.path, exc, "cannot be written")) from exc

    def _migrate(self) -> None:
        try:
            conn = self._connect()
        except StoreError:
            if self._readable_read_only():
                return
            raise
        try:
            conn.execute("BEGIN IMMEDIATE")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                conn.execute("ROLLBACK")
                raise StoreError(f"{self.path} has schema version {version}; this program "
                                 f"knows up to {SCHEMA_VERSION}. Upgrade the program.")
            apply_migrations(conn, version)
            conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            conn.close()
            if _is_read_only_error(exc) and self._readable_read_only():
                return
            raise StoreError(_explain(self.path, exc, "is not a readable store")) from exc
        except sqlite3.DatabaseError as exc:
            raise StoreError(_explain(self.path, exc, "is not a readable store")) from exc
        finally:
            conn.close()

    def _readable_read_only(self) -> bool:
        """Switch to read-only access when the file is a current store that cannot be
        written; False when it is not even that."""
        if not self.path.is_file():
            return False
        self.read_only = True
        try:
            with self.read() as conn:
                version = conn.execute("PRAGMA user_version").fetchone()[0]
        except (StoreError, sqlite3.DatabaseError):
            self.read_only = False
            return False
        if version != SCHEMA_VERSION:
            self.read_only = False
            raise StoreError(f"the store {self.path} is read-only and has schema version "
                             f"{version}; this program needs {SCHEMA_VERSION} and cannot "
                             "upgrade it without writing")
        return True

    def schema_version(self) -> int:
        with self.read() as conn:
            return conn.execute("PRAGMA user_version").fetchone()[0]

    def data_version(self) -> int:
        """A number that changes whenever anything in the store changes."""
        with self.read() as conn:
            return int(_meta(conn, "data_version"))

    def state(self) -> str:
        """``<store id>:<data version>``: changes on every write and on every restore, so a
        cache keyed on it never serves a replaced store's data."""
        with self.read() as conn:
            return f"{_meta(conn, 'store_id')}:{_meta(conn, 'data_version')}"

    # ------------------------------------------------------------------ articles

    def article_count(self) -> int:
        with self.read() as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]

    def find_text(self, text: str) -> str | None:
        """The id of a stored article with the same text, if any."""
        with self.read() as conn:
            row = conn.execute("SELECT id FROM articles WHERE text_sha256 = ?",
                               (text_digest(text),)).fetchone()
        return row[0] if row else None

    def free_id(self, wanted: str) -> str:
        """``wanted``, or ``wanted-2``, ``-3``… when an article already has that id."""
        with self.read() as conn:
            # A range on the primary key ("-" then "."), not LIKE: an index seek.
            taken = {r[0] for r in conn.execute(
                "SELECT id FROM articles WHERE id = ? OR (id >= ? AND id < ?)",
                (wanted, f"{wanted}-", f"{wanted}."))}
        n, candidate = 1, wanted
        while candidate in taken:
            n += 1
            candidate = f"{wanted}-{n}"
        return candidate

    def put_article(self, article: Article, mentions: list[dict], reports: list[Report],
                    *, changes_seen: str | None = None) -> str | None:
        """Store an article with its mentions and reports, in one transaction.

        Args:
            changes_seen: ``changes_key`` of the changes the results were computed with;
                when given and the changes differ now, nothing is written.

        Returns:
            None, or the id of an article already stored with the same text (then nothing is
            written: two sessions adding one file at once store it once).

        Raises:
            IdTaken: another text holds ``article.id`` (checked inside the transaction, so
                two ingests can never overwrite each other's article).
            ChangesMoved: the analysts' changes are no longer ``changes_seen``.
        """
        with self.write(incidents="kept") as conn:
            digest = text_digest(article.text)
            existing = conn.execute("SELECT id FROM articles WHERE text_sha256 = ? AND id != ?",
                                    (digest, article.id)).fetchone()
            if existing:
                return existing[0]
            holder = conn.execute("SELECT text_sha256 FROM articles WHERE id = ?",
                                  (article.id,)).fetchone()
            if holder and holder[0] != digest:
                raise IdTaken(f"article id {article.id} was taken by another text")
            reflected = _check_changes(conn, article.id, article.text, changes_seen)
            conn.execute(
                "INSERT INTO articles (id, text, title, outlet, published, timezone, url, "
                "source, text_sha256, added_at, source_offsets) VALUES (?,?,?,?,?,?,?,?,?,?,?) "
                "ON CONFLICT(id) DO UPDATE SET title=excluded.title, outlet=excluded.outlet, "
                "published=excluded.published, timezone=excluded.timezone, url=excluded.url",
                (article.id, article.text, article.title, article.outlet,
                 article.published.isoformat() if article.published else None,
                 article.timezone, article.url, article.source, text_digest(article.text),
                 _now(), offsets_to_json(article.source_offsets)))
            _replace_results(conn, article.id, mentions, reports, reflected, text=article.text)
        return None

    def put_results(self, article_id: str, mentions: list[dict], reports: list[Report], *,
                    changes_seen: str | None = None) -> None:
        """Replace an article's mentions and reports (after corrections), in one transaction.

        Raises:
            ChangesMoved: ``changes_seen`` is given and the changes differ now.
        """
        with self.write(incidents="kept") as conn:
            row = conn.execute("SELECT text FROM articles WHERE id = ?", (article_id,)).fetchone()
            if row is None:
                return  # deleted meanwhile: nothing to keep results for
            reflected = _check_changes(conn, article_id, row[0], changes_seen)
            _replace_results(conn, article_id, mentions, reports, reflected, text=row[0])

    def stale_articles(self) -> list[str]:
        """Ids of articles whose stored results do not reflect their relevant changes now
        (a change saved or undone and not yet re-processed, also across a crash)."""
        from geo.corrections import relevant_changes

        changes = self.changes()
        with self.read() as conn:
            rows = conn.execute("SELECT id, text, results_changes FROM articles ORDER BY id")
            return [article_id for article_id, text, reflected in rows
                    if changes_key(relevant_changes(article_id, text, changes)) != reflected]

    def delete_article(self, article_id: str) -> bool:
        """Remove an article with its mentions and reports; True when it was there."""
        with self.write() as conn:
            return conn.execute("DELETE FROM articles WHERE id = ?",
                                (article_id,)).rowcount > 0

    def fill_metadata(self, article_id: str, other: Article) -> Article | None:
        """Fill the stored article's missing outlet, date, time zone, title or url from
        ``other`` (the same text uploaded again with them).

        Returns:
            The updated article, or None when ``other`` adds nothing.
        """
        (stored,) = [a for a in self.articles(ids=[article_id])]
        filled = dataclasses.replace(
            stored, outlet=stored.outlet or other.outlet,
            published=stored.published or other.published,
            timezone=stored.timezone or other.timezone, title=stored.title or other.title,
            url=stored.url or other.url)
        if filled == stored:
            return None
        # The stored reports keep the old metadata until the caller re-processes the article
        # (``put_results``): the incidents stay true to the stored reports meanwhile.
        with self.write(incidents="kept") as conn:
            conn.execute("UPDATE articles SET outlet=?, published=?, timezone=?, title=?, url=?, "
                         "version=? WHERE id=?", (filled.outlet, filled.published.isoformat()
                                                  if filled.published else None,
                                                  filled.timezone, filled.title, filled.url,
                                                  materialise.next_version(conn), article_id))
        return filled

    def correct_metadata(self, article_id: str, *, published: dt.date | None,
                         timezone: str) -> None:
        """Set a stored article's publication date and time zone (an analyst's fix for a
        row ``bad_rows`` lists). Its reports keep the old values until it is processed
        again (``geo.store.ingest.reprocess`` with its id).

        Raises:
            ArticleError: the date or the zone is not one an article can have.
            StoreError: no such article, or the store cannot be written.
        """
        from geo.io.articles import check_metadata  # articles imports nothing from the store

        check_metadata(published, timezone)
        with self.write(incidents="kept") as conn:
            updated = conn.execute(
                "UPDATE articles SET published = ?, timezone = ?, version = ? WHERE id = ?",
                (published.isoformat() if published else None, timezone,
                 materialise.next_version(conn), article_id)).rowcount
            if not updated:
                raise StoreError(f"no stored article {article_id}")

    def articles(self, *, ids: list[str] | None = None) -> list[Article]:
        """Stored articles by id. A stored date that is not a date (a store written by an
        older version, or edited by hand) reads as no date rather than breaking every page."""
        with self.read() as conn:
            return _articles(conn, ids)

    def bad_rows(self) -> list[tuple[str, str]]:
        """Stored articles no page can use as they are, with the reason: ``(id, reason)``.
        The Sources page lists them so that they can be deleted."""
        from geo.io.articles import check_metadata  # articles imports nothing from the store

        out = []
        with self.read() as conn:
            for article_id, published, zone in conn.execute(
                    "SELECT id, published, timezone FROM articles ORDER BY id"):
                try:
                    check_metadata(raw_date(published), zone)
                except ValueError as exc:
                    out.append((article_id, str(exc)))
        return out

    def mention_rows(self) -> list[dict]:
        """Every stored mention row this program can read (a row from a newer version, or
        not a JSON object, is skipped rather than breaking the pages)."""
        out = []
        with self.read() as conn:
            conn.execute("BEGIN")  # one snapshot: the rows and the texts they point into
            texts = _TextsByArticle(conn)
            for article, text in conn.execute('SELECT article, row FROM mentions ORDER BY '
                                              'article, start, "end"'):
                row = mention_from_json(text, texts, article)
                if row is not None:
                    out.append(row)
            conn.execute("COMMIT")
        return out

    def mention_spellings(self) -> list[tuple[str, str, str, str, str, str]]:
        """(article, place key, place name, text, pattern, reason) of every stored mention of
        a place: what display names are counted from (``geo.names.Spellings``). Read inside
        SQLite, without the sentences ``mention_rows`` rebuilds: a fifth of its time."""
        def column(name: str) -> str:
            # Version 3 rows keep values by position, older ones by name.
            return (f"CASE WHEN json_extract(row, '$.v') = 3 THEN json_extract(row, "
                    f"'$.c[{STORED_MENTION_COLUMNS.index(name)}]') ELSE json_extract(row, "
                    f"'$.{name}') END")
        names = ("place_key", "name", "text", "pattern", "reason")
        query = (f"SELECT article, {', '.join(column(n) for n in names)} FROM mentions "
                 f"WHERE json_valid(row) AND coalesce(json_extract(row, '$.v'), 1) "
                 f"<= {MENTION_VERSION} ORDER BY article, start")
        with self.read() as conn:
            return [(article, *(str(v) if v is not None else "" for v in values))
                    for article, *values in conn.execute(query)
                    if values[0]]

    def reports(self) -> list[Report]:
        """Every stored report that reads as one (see ``bad_rows`` for those that do not)."""
        out = []
        with self.read() as conn:
            for (text,) in conn.execute("SELECT report FROM reports ORDER BY article, seq"):
                try:
                    out.append(mergeable_report(text))
                except (ValueError, TypeError, KeyError):
                    continue  # unreadable, or dated where no table can hold it: skipped
        return out

    def corpus_points(self, first: dt.date = dt.date.min, last: dt.date = dt.date.max, *,
                      exclude: str = "", upto: int | None = None) -> list[CorpusPoint]:
        """The resolver's corpus (``geo.nlp.corpus``): the place of every report dated from
        ``first`` to ``last`` whose place mention the resolver was sure of (its score at least
        ``CONFIDENT_SCORE``, or an analyst's own), except the reports of article ``exclude``
        (an article never votes for its own reading); with ``upto``, only of the articles
        stored by then (``last_article``): what the store knew when a batch began."""
        score = f"$.c[{STORED_MENTION_COLUMNS.index('score')}]"
        with self.read() as conn:
            rows = conn.execute(
                "SELECT json_extract(r.report, '$.date'), json_extract(r.report, '$.place.lat'),"
                " json_extract(r.report, '$.place.lon') FROM reports r JOIN mentions m"
                " ON m.article = r.article AND m.start = json_extract(r.report, '$.mention_start')"
                " JOIN articles a ON a.id = r.article"
                " WHERE r.day_window BETWEEN ? AND ? AND r.article != ? AND a.rowid <= ?"
                " AND json_extract(r.report, '$.date') BETWEEN ? AND ?"
                f" AND json_extract(m.row, '$.v') = ? AND json_extract(m.row, '{score}') >= ?",
                (day_window(first), day_window(last), exclude,
                 upto if upto is not None else 2 ** 62, first.isoformat(), last.isoformat(),
                 MENTION_VERSION, CONFIDENT_SCORE)).fetchall()
        out = []
        for day, lat, lon in rows:
            try:
                out.append(CorpusPoint(dt.date.fromisoformat(day), float(lat), float(lon)))
            except (TypeError, ValueError):
                continue  # a damaged row teaches nothing
        return out

    def last_article(self) -> int:
        """A mark of the articles stored so far (``corpus_points(upto=...)``)."""
        with self.read() as conn:
            return int(conn.execute("SELECT coalesce(max(rowid), 0) FROM articles").fetchone()[0])

    # ------------------------------------------------------------------ incidents

    def incident_rows(self) -> tuple[list[dict], list[dict]] | None:
        """The materialised incidents and their reports as rows (``geo.tables``'s
        ``incident_row`` and ``REPORT_COLUMNS``), brought up to date first when a write left
        them behind (a store from an older version, a deletion); None for a store this
        process cannot write (read-only, disk full), whose readers merge in memory."""
        if self.read_only:
            return None
        with self.read() as conn:
            conn.execute("BEGIN")
            if materialise.is_current(conn):
                rows = materialise.stored_rows(conn), materialise.report_rows(conn)
                conn.execute("COMMIT")
                return rows
            conn.execute("COMMIT")
        try:
            with self.write(incidents="kept") as conn:
                if not materialise.is_current(conn):
                    materialise.rebuild(conn, _read_changes(conn, include_undone=False),
                                        parse=mergeable_report)
                    conn.execute("UPDATE meta SET value = (SELECT value FROM meta WHERE "
                                 "key = 'data_version') WHERE key = 'incidents_version'")
                return materialise.stored_rows(conn), materialise.report_rows(conn)
        except StoreError:
            return None  # disk full, or a file this process cannot write: merge in memory

    def delta(self, since: str) -> StoreDelta | None:
        """What changed since the state ``since`` (``state()``): incidents gone or rewritten,
        the new incident and report rows, and the articles written with their mention rows.
        None when only a full read can tell (another store, a restore, a rebuild since, or
        incidents behind the data)."""
        store_id, _, version = since.partition(":")
        with self.read() as conn:
            conn.execute("BEGIN")
            try:
                if (_meta(conn, "store_id") != store_id or not version.isdigit()
                        or not materialise.is_current(conn)
                        or int(_meta(conn, "incidents_since")) > int(version)):
                    return None
                v = int(version)
                gone = {e for (e,) in conn.execute(
                    "SELECT event_id FROM incidents_gone WHERE version > ?", (v,))}
                rows = materialise.stored_rows(conn, since=v)
                new_ids = [r["event_id"] for r in rows]
                reports = materialise.report_rows(conn, incidents=new_ids)
                changed = [a for (a,) in conn.execute(
                    "SELECT id FROM articles WHERE version > ? ORDER BY id", (v,))]
                texts = _TextsByArticle(conn)
                mentions = []
                for article_id in changed:
                    for text in conn.execute('SELECT row FROM mentions WHERE article = ? ORDER '
                                             'BY start, "end"', (article_id,)):
                        row = mention_from_json(text[0], texts, article_id)
                        if row is not None:
                            mentions.append(row)
                articles = _articles(conn, changed)
                state = f"{store_id}:{_meta(conn, 'data_version')}"
            finally:
                conn.execute("COMMIT")
        return StoreDelta(state=state, gone=gone | set(new_ids), incident_rows=rows,
                          report_rows=reports, articles=articles, mention_rows=mentions)

    # ------------------------------------------------------------------ settings

    def setting(self, name: str, default: str = "") -> str:
        """A setting shared by every session (e.g. the online geocoder's)."""
        with self.read() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = ?",
                               (f"setting:{name}",)).fetchone()
        return row[0] if row else default

    def set_setting(self, name: str, value: str) -> None:
        with self.write(incidents="kept") as conn:
            conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (f"setting:{name}", value))

    # ------------------------------------------------------------------ changes

    def add_change(self, kind: str, target: str, payload: dict, *, note: str = "") -> int:
        """Save an analyst's change. An incident change is applied to the stored incidents
        it names in the same transaction; a mention change waits for its articles to be
        processed again (``stale_articles``)."""
        with self.write(incidents="kept") as conn:
            current = materialise.is_current(conn)
            cursor = conn.execute(
                "INSERT INTO changes (kind, target, payload, note, created_at) "
                "VALUES (?, ?, ?, ?, ?)", (kind, target, json.dumps(payload), note, _now()))
            (change,) = [c for c in _read_changes(conn, include_undone=True)
                         if c.id == cursor.lastrowid]
            if current:
                _settle_change(conn, change)
            return int(cursor.lastrowid)

    def undo_change(self, change_id: int) -> None:
        with self.write(incidents="kept") as conn:
            current = materialise.is_current(conn)
            updated = conn.execute("UPDATE changes SET undone_at = ? WHERE id = ? AND "
                                   "undone_at IS NULL", (_now(), change_id)).rowcount
            if not updated:
                raise StoreError(f"no active change #{change_id} to undo")
            (change,) = [c for c in _read_changes(conn, include_undone=True)
                         if c.id == change_id]
            if current:
                _settle_change(conn, change)

    def changes(self, *, include_undone: bool = False) -> list[Change]:
        """The analysts' changes, oldest first. A payload that is not a JSON object (a
        hand-edited store) is skipped rather than breaking every read."""
        with self.read() as conn:
            return _read_changes(conn, include_undone=include_undone)

    # ------------------------------------------------------------------ geocoder cache

    def geocode_cache(self) -> MutableMapping[str, str]:
        """The online geocoder's answers, kept across restarts."""
        return _GeocodeCache(self)

    # ------------------------------------------------------------------ backup

    def backup(self, destination: Path) -> Path:
        """A consistent copy of the whole store (SQLite's online backup), as one file.

        Raises:
            StoreError: the copy cannot be written (a full disk, a read-only folder); the
                message names the file and the cause, and no part-written file is left.
        """
        try:
            destination.parent.mkdir(parents=True, exist_ok=True)
            with self.read() as conn:
                # Checked before writing: a backup that cannot fit fails at once, not when
                # it has filled the disk.
                pages, page_size = (conn.execute(f"PRAGMA {name}").fetchone()[0]
                                    for name in ("page_count", "page_size"))
                replaced = file_size(destination)
                free = shutil.disk_usage(destination.parent).free + replaced
                if pages * page_size > free:
                    raise StoreError(
                        f"cannot write the backup {destination}: it needs "
                        f"{pages * page_size / 2**20:,.0f} MB and {destination.parent} has "
                        f"{free / 2**20:,.0f} MB free")
                if destination.exists():
                    destination.unlink()
                target = sqlite3.connect(destination)
                try:
                    conn.backup(target)
                    target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
                finally:
                    target.close()
        except (OSError, sqlite3.Error) as exc:
            with contextlib.suppress(OSError):  # no part-written backup left behind
                destination.unlink(missing_ok=True)
            cause = os_cause(exc, destination) if isinstance(exc, OSError) else (
                "the disk is full" if "full" in str(exc) else str(exc))
            raise StoreError(f"cannot write the backup {destination}: {cause}") from exc
        return destination

    def restore(self, source: Path) -> Path | None:
        """Replace the store's content with a backup made by ``backup``, as a checked
        operation: the backup is copied (its path taken literally) and the copy validated —
        integrity, exactly this program's tables and columns for its schema version (no
        triggers, views or other tables), readable payloads and dates — before anything is
        replaced. The replaced content is kept first as a timestamped safety copy beside the
        store. Running dashboards notice: the store gets a new identity (``state``).

        Returns:
            The safety copy of what was replaced (None when the store was empty).

        Raises:
            StoreError: the file is not a valid backup, is larger than its content (padded),
                would not fit on the store's disk, or the store's folder cannot be written;
                the store is unchanged.
        """
        # Checked from its header before anything is copied: a file padded to gigabytes, or
        # one the store's disk cannot hold, must not fill that disk on its way to a refusal.
        need = backup_size(Path(source)) + wal_size(Path(source))
        try:
            free = shutil.disk_usage(self.path.parent).free
        except OSError as exc:
            raise StoreError(f"cannot restore into {self.path.parent}: "
                             f"{os_cause(exc)}") from exc
        # The working copy, the safety copy of the current content, and the new content.
        wanted = 2 * need + file_size(self.path)
        if wanted > free:
            raise StoreError(f"{source} needs {wanted / 2**20:.0f} MB free beside the store "
                             f"({self.path.parent} has {free / 2**20:.0f} MB): nothing was "
                             "changed")
        try:
            working = tempfile.TemporaryDirectory(dir=self.path.parent)
        except OSError as exc:
            raise StoreError(f"cannot restore into {self.path.parent}: "
                             f"{os_cause(exc)}") from exc
        with working as tmp:
            copy = Path(tmp) / "restore.sqlite"
            try:
                shutil.copyfile(Path(source), copy)
                wal = Path(f"{source}-wal")  # a backup opened and edited in WAL mode
                if wal.is_file():
                    shutil.copyfile(wal, Path(f"{copy}-wal"))
            except OSError as exc:
                where = (f"{source}: cannot read the backup" if exc.filename in (
                    str(source), str(wal)) else f"cannot copy {source} into {tmp}")
                raise StoreError(f"{where} ({os_cause(exc)})") from exc
            validate_backup(copy, source)
            safety = None
            if self.article_count() or self.changes(include_undone=True):
                stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
                safety = self.backup(self.path.with_name(
                    f"{self.path.stem}.before-restore-{stamp}{self.path.suffix}"))
            src = sqlite3.connect(copy)
            conn = self._connect()
            try:
                src.backup(conn)  # SQLite locks the target for the copy: readers see old or new
            finally:
                src.close()
                conn.close()
        self._migrate()
        with self.write() as conn:  # a new identity, and a new version for every cache
            conn.execute("UPDATE meta SET value = ? WHERE key = 'store_id'", (uuid.uuid4().hex,))
        return safety


class _GeocodeCache(MutableMapping[str, str]):
    def __init__(self, store: Store) -> None:
        self._store = store

    def __getitem__(self, key: str) -> str:
        with self._store.read() as conn:
            row = conn.execute("SELECT value FROM geocode_cache WHERE key = ?",
                               (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        return row[0]

    def __setitem__(self, key: str, value: str) -> None:
        with self._store.write() as conn:
            conn.execute("INSERT OR REPLACE INTO geocode_cache VALUES (?, ?, ?)",
                         (key, value, _now()))

    def __delitem__(self, key: str) -> None:
        with self._store.write() as conn:
            conn.execute("DELETE FROM geocode_cache WHERE key = ?", (key,))

    def __iter__(self) -> Iterator[str]:
        with self._store.read() as conn:
            return iter([r[0] for r in conn.execute("SELECT key FROM geocode_cache")])

    def __len__(self) -> int:
        with self._store.read() as conn:
            return conn.execute("SELECT count(*) FROM geocode_cache").fetchone()[0]


def changes_key(changes: list[Change] | list) -> str:
    """What a set of changes is, for ``put_article(changes_seen=...)``: their ids. Give it an
    article's relevant changes (``geo.corrections.relevant_changes``)."""
    return ",".join(str(c.id) for c in sorted(changes, key=lambda c: c.id))


def _check_changes(conn: sqlite3.Connection, article_id: str, text: str,
                   changes_seen: str | None) -> str:
    """The key of the changes relevant to the article now, read inside the write
    transaction; ChangesMoved when results computed with ``changes_seen`` no longer fit."""
    from geo.corrections import relevant_changes

    changes = _read_changes(conn, include_undone=False)
    now = changes_key(relevant_changes(article_id, text, changes))
    if changes_seen is not None and now != changes_seen:
        raise ChangesMoved("the analysts' changes moved while the article was processed")
    return now


def _read_changes(conn: sqlite3.Connection, *, include_undone: bool) -> list[Change]:
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


def _is_read_only_error(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "readonly" in text or "read-only" in text or "unable to open" in text


def _explain(path: Path, exc: sqlite3.Error, default: str) -> str:
    """One clear message naming the store and the cause."""
    text = str(exc).lower()
    if "disk is full" in text or "database or disk is full" in text:
        return f"the store {path} cannot be written: the disk is full (nothing was changed)"
    if _is_read_only_error(exc) and "unable to open" not in text:
        return f"the store {path} is read-only (file or folder not writable)"
    if "unable to open" in text:
        return f"the store {path} cannot be opened: its folder is missing or not a folder"
    return f"the store {path} {default}: {exc}"


def _replace_results(conn: sqlite3.Connection, article_id: str, mentions: list[dict],
                     reports: list[Report], reflected: str, *, text: str) -> None:
    """Replace an article's mentions and reports, and (when the stored incidents are
    current) merge again only the incidents this touches."""
    current = materialise.is_current(conn)
    touched = materialise.Touched()
    if current:
        touched = materialise.touched_by_articles(conn, [article_id])
        moved = materialise.assign_group(conn, article_id, text)
        if moved:  # two copy groups became one: those articles' incidents count again
            more = materialise.touched_by_articles(conn, moved)
            touched.clusters |= more.clusters
            touched.incidents |= more.incidents
    conn.execute("UPDATE articles SET results_changes = ?, version = ? WHERE id = ?",
                 (reflected, materialise.next_version(conn), article_id))
    conn.execute("DELETE FROM mentions WHERE article = ?", (article_id,))
    conn.execute("DELETE FROM reports WHERE article = ?", (article_id,))
    conn.executemany('INSERT INTO mentions (article, start, "end", row) VALUES (?, ?, ?, ?)',
                     [(article_id, m["start"], m["end"], mention_to_json(m, text))
                      for m in mentions])
    conn.executemany("INSERT INTO reports (article, seq, report, bucket, day_window, key) "
                     "VALUES (?, ?, ?, ?, ?, ?)",
                     [(article_id, n, report_to_json(r), *materialise.report_columns(r))
                      for n, r in enumerate(reports)])
    if current:
        materialise.settle(conn, touched, _read_changes(conn, include_undone=False),
                           parse=mergeable_report)


class _TextsByArticle:
    """Article texts read once each, while mention rows are read in article order."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn, self._id, self._text = conn, None, ""

    def __call__(self, article_id: str) -> str:
        if article_id != self._id:
            row = self._conn.execute("SELECT text FROM articles WHERE id = ?",
                                     (article_id,)).fetchone()
            self._id, self._text = article_id, row[0] if row else ""
        return self._text


def _articles(conn: sqlite3.Connection, ids: list[str] | None) -> list[Article]:
    query = ("SELECT id, text, title, outlet, published, timezone, url, source, source_offsets "
             "FROM articles")
    if ids is None:
        rows = conn.execute(query + " ORDER BY id").fetchall()
    else:
        rows = []
        for chunk in materialise.chunks(sorted(ids)):
            rows += conn.execute(query + f" WHERE id IN ({','.join('?' * len(chunk))})",
                                 chunk).fetchall()
        rows.sort()
    return [Article(id=r[0], text=r[1], title=r[2], outlet=r[3],
                    published=stored_date(r[4]), timezone=r[5], url=r[6], source=r[7],
                    source_offsets=offsets_from_json(r[8], len(r[1])))
            for r in rows]


def _settle_change(conn: sqlite3.Connection, change: Change) -> None:
    if change.kind in materialise.INCIDENT_CHANGE_KINDS:
        touched = materialise.Touched(keys=materialise.change_keys(change))
        for chunk in materialise.chunks(sorted(touched.keys)):
            touched.clusters.update(c for (c,) in conn.execute(
                f"SELECT cluster FROM reports WHERE key IN ({','.join('?' * len(chunk))}) "
                "AND cluster IS NOT NULL", chunk))
        materialise.settle(conn, touched, _read_changes(conn, include_undone=False),
                           parse=mergeable_report)


def _meta(conn: sqlite3.Connection, key: str) -> str:
    return conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()[0]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
