"""The persistent store: one SQLite file (WAL mode) holding articles, their mentions and reports,
the incidents merged from them, the analysts' changes and the online geocoder's cache.

Every write is one ``BEGIN IMMEDIATE`` transaction, so an article goes in whole or not at all
(a process killed half-way leaves the file consistent) and several sessions can write at once
(the second waits for the first). Each write bumps ``data_version``; readers cache on it, and
the merged incidents are rebuilt lazily when they are older than the data.

The schema is versioned (``PRAGMA user_version``) and migrated on open.

Example:
    >>> import tempfile, pathlib
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "news.sqlite")
    >>> store.schema_version() == SCHEMA_VERSION, store.article_count()
    (True, 0)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
import sqlite3
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from pathlib import Path

from geo.errors import GeoError
from geo.figures import Figure
from geo.incidents import Report
from geo.records import Article, Place

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PATH = ROOT / "data" / "store" / "news.sqlite"
BUSY_TIMEOUT_MS = 30_000

# Each entry upgrades the schema by one version; never edit a published one, add another.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO meta VALUES ('data_version', '0'), ('incidents_version', '-1');
    CREATE TABLE articles (
        id TEXT PRIMARY KEY, text TEXT NOT NULL, title TEXT NOT NULL DEFAULT '',
        outlet TEXT NOT NULL DEFAULT '', published TEXT, timezone TEXT NOT NULL DEFAULT '',
        url TEXT NOT NULL DEFAULT '', source TEXT NOT NULL DEFAULT '',
        text_sha256 TEXT NOT NULL UNIQUE, added_at TEXT NOT NULL
    );
    CREATE TABLE mentions (
        article TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        start INTEGER NOT NULL, "end" INTEGER NOT NULL, row TEXT NOT NULL,
        PRIMARY KEY (article, start, "end")
    );
    CREATE TABLE reports (
        article TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL, report TEXT NOT NULL, PRIMARY KEY (article, seq)
    );
    CREATE TABLE incidents (event_id TEXT PRIMARY KEY, seq INTEGER NOT NULL,
                            incident TEXT NOT NULL);
    CREATE TABLE changes (
        id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, target TEXT NOT NULL,
        payload TEXT NOT NULL, note TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL,
        undone_at TEXT
    );
    CREATE TABLE geocode_cache (key TEXT PRIMARY KEY, value TEXT NOT NULL,
                                created_at TEXT NOT NULL);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(GeoError, RuntimeError):
    """The store file is unreadable, too new for this version, or not a store at all."""


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


def default_path() -> Path:
    """``$GEO_STORE`` when set, else ``data/store/news.sqlite`` in the project."""
    return Path(os.environ.get("GEO_STORE", DEFAULT_PATH))


def text_digest(text: str) -> str:
    """Fingerprint of an article's text; whitespace differences do not make a new text."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


class Store:
    """The SQLite store at ``path`` (created and migrated when needed)."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._migrate()

    # ------------------------------------------------------------------ connections

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000,
                                   isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is not a readable store: {exc}") from exc
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A connection for reading (one consistent snapshot per statement group)."""
        conn = self._connect()
        try:
            yield conn
        finally:
            conn.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it lands, or none of it (also on a crash)."""
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 "
                             "WHERE key = 'data_version'")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        finally:
            conn.close()

    def _migrate(self) -> None:
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                conn.execute("ROLLBACK")
                raise StoreError(f"{self.path} has schema version {version}; this program "
                                 f"knows up to {SCHEMA_VERSION}. Upgrade the program.")
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in _statements(script):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version={number}")
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is not a readable store: {exc}") from exc
        finally:
            conn.close()

    def schema_version(self) -> int:
        with self.read() as conn:
            return conn.execute("PRAGMA user_version").fetchone()[0]

    def data_version(self) -> int:
        """A number that changes whenever anything in the store changes."""
        with self.read() as conn:
            return int(_meta(conn, "data_version"))

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
            taken = {r[0] for r in conn.execute(
                "SELECT id FROM articles WHERE id = ? OR id LIKE ?", (wanted, f"{wanted}-%"))}
        n, candidate = 1, wanted
        while candidate in taken:
            n += 1
            candidate = f"{wanted}-{n}"
        return candidate

    def put_article(self, article: Article, mentions: list[dict], reports: list[Report],
                    ) -> str | None:
        """Store an article with its mentions and reports, replacing earlier results for the
        same id, in one transaction.

        Returns:
            None, or the id of an article already stored with the same text (then nothing is
            written: two sessions adding one file at once store it once).
        """
        with self.write() as conn:
            existing = conn.execute("SELECT id FROM articles WHERE text_sha256 = ? AND id != ?",
                                    (text_digest(article.text), article.id)).fetchone()
            if existing:
                return existing[0]
            conn.execute(
                "INSERT INTO articles (id, text, title, outlet, published, timezone, url, "
                "source, text_sha256, added_at) VALUES (?,?,?,?,?,?,?,?,?,?) "
                "ON CONFLICT(id) DO UPDATE SET title=excluded.title, outlet=excluded.outlet, "
                "published=excluded.published, timezone=excluded.timezone, url=excluded.url",
                (article.id, article.text, article.title, article.outlet,
                 article.published.isoformat() if article.published else None,
                 article.timezone, article.url, article.source, text_digest(article.text),
                 _now()))
            _replace_results(conn, article.id, mentions, reports)
        return None

    def put_results(self, article_id: str, mentions: list[dict], reports: list[Report]) -> None:
        """Replace an article's mentions and reports (after corrections), in one transaction."""
        with self.write() as conn:
            _replace_results(conn, article_id, mentions, reports)

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
        with self.write() as conn:
            conn.execute("UPDATE articles SET outlet=?, published=?, timezone=?, title=?, url=? "
                         "WHERE id=?", (filled.outlet, filled.published.isoformat()
                                        if filled.published else None, filled.timezone,
                                        filled.title, filled.url, article_id))
        return filled

    def articles(self, *, ids: list[str] | None = None) -> list[Article]:
        query = ("SELECT id, text, title, outlet, published, timezone, url, source "
                 "FROM articles")
        with self.read() as conn:
            if ids is None:
                rows = conn.execute(query + " ORDER BY id").fetchall()
            else:
                rows = conn.execute(query + f" WHERE id IN ({','.join('?' * len(ids))}) "
                                    "ORDER BY id", ids).fetchall()
        return [Article(id=r[0], text=r[1], title=r[2], outlet=r[3],
                        published=dt.date.fromisoformat(r[4]) if r[4] else None,
                        timezone=r[5], url=r[6], source=r[7]) for r in rows]

    def mention_rows(self) -> list[dict]:
        with self.read() as conn:
            return [json.loads(r[0]) for r in conn.execute(
                'SELECT row FROM mentions ORDER BY article, start, "end"')]

    def reports(self) -> list[Report]:
        with self.read() as conn:
            return [report_from_json(r[0]) for r in conn.execute(
                "SELECT report FROM reports ORDER BY article, seq")]

    # ------------------------------------------------------------------ incidents

    def cached_incidents(self) -> tuple[int, list[dict]] | None:
        """The materialised incidents when they are as new as the data, else None."""
        with self.read() as conn:
            conn.execute("BEGIN")
            version = _meta(conn, "data_version")
            if _meta(conn, "incidents_version") != version:
                conn.execute("COMMIT")
                return None
            rows = [json.loads(r[0]) for r in conn.execute(
                "SELECT incident FROM incidents ORDER BY seq")]
            conn.execute("COMMIT")
            return int(version), rows

    def save_incidents(self, based_on: int, incidents: list[dict]) -> None:
        """Materialise merged incidents computed from data version ``based_on``; dropped if
        the data changed meanwhile (a concurrent writer will cause a rebuild)."""
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            if int(_meta(conn, "data_version")) != based_on:
                conn.execute("ROLLBACK")
                return
            conn.execute("DELETE FROM incidents")
            conn.executemany("INSERT INTO incidents VALUES (?, ?, ?)",
                             [(i["event_id"], n, json.dumps(i)) for n, i in enumerate(incidents)])
            conn.execute("UPDATE meta SET value = ? WHERE key = 'incidents_version'",
                         (str(based_on),))
            conn.execute("COMMIT")
        finally:
            conn.close()

    # ------------------------------------------------------------------ settings

    def setting(self, name: str, default: str = "") -> str:
        """A setting shared by every session (e.g. the online geocoder's)."""
        with self.read() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = ?",
                               (f"setting:{name}",)).fetchone()
        return row[0] if row else default

    def set_setting(self, name: str, value: str) -> None:
        with self.write() as conn:
            conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (f"setting:{name}", value))

    # ------------------------------------------------------------------ changes

    def add_change(self, kind: str, target: str, payload: dict, *, note: str = "") -> int:
        with self.write() as conn:
            cursor = conn.execute(
                "INSERT INTO changes (kind, target, payload, note, created_at) "
                "VALUES (?, ?, ?, ?, ?)", (kind, target, json.dumps(payload), note, _now()))
            return int(cursor.lastrowid)

    def undo_change(self, change_id: int) -> None:
        with self.write() as conn:
            updated = conn.execute("UPDATE changes SET undone_at = ? WHERE id = ? AND "
                                   "undone_at IS NULL", (_now(), change_id)).rowcount
            if not updated:
                raise StoreError(f"no active change #{change_id} to undo")

    def changes(self, *, include_undone: bool = False) -> list[Change]:
        query = "SELECT id, kind, target, payload, note, created_at, undone_at FROM changes"
        if not include_undone:
            query += " WHERE undone_at IS NULL"
        with self.read() as conn:
            rows = conn.execute(query + " ORDER BY id").fetchall()
        return [Change(r[0], r[1], r[2], json.loads(r[3]), r[4], r[5], r[6]) for r in rows]

    # ------------------------------------------------------------------ geocoder cache

    def geocode_cache(self) -> MutableMapping[str, str]:
        """The online geocoder's answers, kept across restarts."""
        return _GeocodeCache(self)

    # ------------------------------------------------------------------ backup

    def backup(self, destination: Path) -> Path:
        """A consistent copy of the whole store (SQLite's online backup), as one file."""
        destination.parent.mkdir(parents=True, exist_ok=True)
        if destination.exists():
            destination.unlink()
        with self.read() as conn:
            target = sqlite3.connect(destination)
            try:
                conn.backup(target)
            finally:
                target.close()
        return destination

    def restore(self, source: Path) -> None:
        """Replace the store's content with a backup made by ``backup``.

        Raises:
            StoreError: the file is not a store backup, or is from a newer version.
        """
        try:
            src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            version = src.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in src.execute(
                "SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{source} is not a store backup: {exc}") from exc
        if not {"meta", "articles", "changes"} <= tables or version < 1:
            src.close()
            raise StoreError(f"{source} is not a store backup (no articles/changes tables)")
        if version > SCHEMA_VERSION:
            src.close()
            raise StoreError(f"{source} has schema version {version}; this program knows up "
                             f"to {SCHEMA_VERSION}")
        conn = self._connect()
        try:
            src.backup(conn)  # SQLite locks the target for the copy: readers see old or new
        finally:
            src.close()
            conn.close()
        self._migrate()
        with self.write():
            pass  # bumps data_version so every cache notices


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


def _replace_results(conn: sqlite3.Connection, article_id: str, mentions: list[dict],
                     reports: list[Report]) -> None:
    conn.execute("DELETE FROM mentions WHERE article = ?", (article_id,))
    conn.execute("DELETE FROM reports WHERE article = ?", (article_id,))
    conn.executemany('INSERT INTO mentions (article, start, "end", row) VALUES (?, ?, ?, ?)',
                     [(article_id, m["start"], m["end"], json.dumps(m)) for m in mentions])
    conn.executemany("INSERT INTO reports VALUES (?, ?, ?)",
                     [(article_id, n, report_to_json(r)) for n, r in enumerate(reports)])


def _meta(conn: sqlite3.Connection, key: str) -> str:
    return conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()[0]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _statements(script: str) -> list[str]:
    return [s.strip() for s in re.split(r";\s*\n", script) if s.strip()]


def report_to_json(report: Report) -> str:
    """A report as JSON (dates as ISO strings)."""
    data = dataclasses.asdict(report)
    data["date"] = report.date.isoformat()
    return json.dumps(data)


def report_from_json(text: str) -> Report:
    data = json.loads(text)
    data["place"] = Place(**data["place"])
    data["date"] = dt.date.fromisoformat(data["date"])
    data["killed"] = tuple(Figure(**f) for f in data["killed"])
    data["injured"] = tuple(Figure(**f) for f in data["injured"])
    return Report(**data)
