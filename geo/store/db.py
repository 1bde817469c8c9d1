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

This module is the ``Store``: its connections and transactions, migration on open, its state
and the delta since one, the stored incidents, settings and the geocoder's cache. The rest is
split by job, each part a mixin of ``Store``: articles and their results
(``geo.store.articles``), the analysts' changes (``geo.store.changes``), backup and restore
(``geo.store.backup``, with the checks a backup passes). The schema and its migrations are
``geo.store.schema``, the JSON the rows hold ``geo.store.payloads``; their public names are
importable from here as well.

Example:
    >>> import tempfile, pathlib
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "news.sqlite")
    >>> store.schema_version() == SCHEMA_VERSION, store.article_count()
    (True, 0)
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import threading
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from pathlib import Path

from geo.errors import StoreError
from geo.records import Article
from geo.store import materialise
from geo.store.articles import ArticlesMixin, IdTaken, TextsByArticle, read_articles, text_digest
from geo.store.backup import BackupMixin
from geo.store.changes import Change, ChangesMixin, ChangesMoved, changes_key, read_changes
from geo.store.payloads import (
    MENTION_VERSION,
    REPORT_VERSION,
    mention_from_json,
    mention_to_json,
    mergeable_report,
    report_from_json,
    report_to_json,
    stored_now,
)
from geo.store.schema import MIGRATIONS, SCHEMA_VERSION, TABLES, apply_migrations

__all__ = ["BUSY_TIMEOUT_MS", "DEFAULT_PATH", "MENTION_VERSION", "MIGRATIONS", "REPORT_VERSION",
           "SCHEMA_VERSION", "TABLES", "Change", "ChangesMoved", "IdTaken", "Store", "StoreDelta",
           "StoreError", "changes_key", "default_path", "mention_to_json", "report_from_json",
           "report_to_json", "text_digest"]

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PATH = ROOT / "data" / "store" / "news.sqlite"
BUSY_TIMEOUT_MS = 30_000


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


class Store(ArticlesMixin, ChangesMixin, BackupMixin):
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
                    materialise.rebuild(conn, read_changes(conn, include_undone=False),
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
                texts = TextsByArticle(conn)
                mentions = []
                for article_id in changed:
                    for text in conn.execute('SELECT row FROM mentions WHERE article = ? ORDER '
                                             'BY start, "end"', (article_id,)):
                        row = mention_from_json(text[0], texts, article_id)
                        if row is not None:
                            mentions.append(row)
                articles = read_articles(conn, changed)
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

    # ------------------------------------------------------------------ geocoder cache

    def geocode_cache(self) -> MutableMapping[str, str]:
        """The online geocoder's answers, kept across restarts."""
        return _GeocodeCache(self)

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
                         (key, value, stored_now()))

    def __delitem__(self, key: str) -> None:
        with self._store.write() as conn:
            conn.execute("DELETE FROM geocode_cache WHERE key = ?", (key,))

    def __iter__(self) -> Iterator[str]:
        with self._store.read() as conn:
            return iter([r[0] for r in conn.execute("SELECT key FROM geocode_cache")])

    def __len__(self) -> int:
        with self._store.read() as conn:
            return conn.execute("SELECT count(*) FROM geocode_cache").fetchone()[0]


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


def _meta(conn: sqlite3.Connection, key: str) -> str:
    return conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()[0]
