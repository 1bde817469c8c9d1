"""The store's schema: one SQLite script per version (``PRAGMA user_version``), applied in
order when a store is opened (``geo.store.db``) and to build the schema a backup must have
(``geo.store.backup``).

Example:
    >>> import sqlite3
    >>> conn = sqlite3.connect(":memory:")
    >>> apply_migrations(conn, 0)
    >>> conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    True
    >>> {name for kind, name, *_ in schema_of(conn) if kind == "table"} >= set(TABLES)
    True
"""

from __future__ import annotations

import re
import sqlite3

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
    # The store's identity: renewed by a restore, so caches keyed on (identity, version)
    # notice a swapped store even when its version number equals one seen before.
    """
    INSERT INTO meta VALUES ('store_id', lower(hex(randomblob(16))));
    """,
    # Which analysts' changes an article's stored results reflect (``changes_key`` of its
    # relevant changes): results behind their changes are re-processed, also after a crash.
    """
    ALTER TABLE articles ADD COLUMN results_changes TEXT NOT NULL DEFAULT '';
    """,
    # Incidents kept up to date per write (``geo.store.materialise``): each report's merge block,
    # key, raw cluster and incident; each article's copy group and its sample of shingles.
    # Ids are looked up by range, not LIKE. The incidents are rebuilt once, at first read.
    """
    ALTER TABLE articles ADD COLUMN shingles INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE articles ADD COLUMN copy_group TEXT;
    CREATE TABLE shingles (hash INTEGER PRIMARY KEY, article TEXT NOT NULL) WITHOUT ROWID;
    ALTER TABLE reports ADD COLUMN bucket TEXT NOT NULL DEFAULT '';
    ALTER TABLE reports ADD COLUMN day_window INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE reports ADD COLUMN key TEXT NOT NULL DEFAULT '';
    ALTER TABLE reports ADD COLUMN cluster INTEGER;
    ALTER TABLE reports ADD COLUMN incident TEXT;
    CREATE INDEX reports_by_block ON reports (bucket, day_window);
    CREATE INDEX reports_by_cluster ON reports (cluster);
    CREATE INDEX reports_by_key ON reports (key);
    CREATE INDEX reports_by_incident ON reports (incident);
    UPDATE meta SET value = '-1' WHERE key = 'incidents_version';
    ALTER TABLE incidents ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX incidents_by_version ON incidents (version);
    CREATE TABLE incidents_gone (event_id TEXT NOT NULL, version INTEGER NOT NULL);
    CREATE INDEX incidents_gone_by_version ON incidents_gone (version);
    ALTER TABLE articles ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX articles_by_version ON articles (version);
    INSERT INTO meta VALUES ('incidents_since', '0');
    """,
    # Where the normalised text's offsets fall in the text as received
    # (``geo.records.SourceOffsets.steps`` as JSON; empty when nothing moved).
    """
    ALTER TABLE articles ADD COLUMN source_offsets TEXT NOT NULL DEFAULT '';
    """,
    # Sources that keep coming (``geo.store.sources``): the feeds, pages and watched folders
    # an analyst lists, their poll state (conditional-request validators, last success, error,
    # backoff), and every item taken from each, so that none is ingested twice.
    """
    CREATE TABLE sources (
        id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,
        location TEXT NOT NULL UNIQUE, name TEXT NOT NULL DEFAULT '',
        every_minutes INTEGER NOT NULL DEFAULT 30, added_at TEXT NOT NULL,
        etag TEXT NOT NULL DEFAULT '', modified TEXT NOT NULL DEFAULT '',
        polled_at TEXT, success_at TEXT, error TEXT NOT NULL DEFAULT '',
        failures INTEGER NOT NULL DEFAULT 0, next_poll TEXT,
        articles INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE source_items (
        source INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        key TEXT NOT NULL, article TEXT, note TEXT NOT NULL DEFAULT '',
        seen_at TEXT NOT NULL, PRIMARY KEY (source, key)
    ) WITHOUT ROWID;
    CREATE INDEX articles_by_url ON articles (url);
    """,
    # The resolver's corpus prior (``Store.corpus_points``) reads the reports of a few weeks
    # around each new article's date: by window, without scanning every report.
    """
    CREATE INDEX reports_by_window ON reports (day_window);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
TABLES = ("meta", "articles", "mentions", "reports", "incidents", "changes", "geocode_cache",
          "shingles", "incidents_gone", "sources", "source_items")


def apply_migrations(conn: sqlite3.Connection, version: int) -> None:
    """Run every migration after ``version`` on ``conn``, each statement in turn, setting
    ``user_version`` after each migration (the caller holds the transaction)."""
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        for statement in _statements(script):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version={number}")


def schema_of(conn: sqlite3.Connection) -> set[tuple]:
    """Every table, index, trigger and view of the database: (type, name, table, SQL)."""
    return set(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))


def _statements(script: str) -> list[str]:
    return [s.strip() for s in re.split(r";\s*\n", script) if s.strip()]
