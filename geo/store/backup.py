"""Backups of the store: made as one consistent file (``Store.backup``), and checked before a
restore replaces anything (``Store.restore``): the backup's size read from its SQLite header,
so a padded file, or one the disk cannot hold, is refused before it is copied; then the copy's
integrity, its schema (exactly this program's tables and columns for its version, nothing
else) and its payloads (dates, reports, mention rows, changes), each failure a ``StoreError``
naming the file and the cause.

``BackupMixin`` is part of ``geo.store.db.Store``, whose connections, migration and writes it
uses.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import sqlite3
import tempfile
import uuid
from pathlib import Path

from geo.errors import StoreError, os_cause
from geo.store.payloads import MENTION_VERSION, raw_date, report_from_json
from geo.store.schema import MIGRATIONS, SCHEMA_VERSION, apply_migrations, schema_of

_SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupMixin:
    """The backup and restore of ``Store``."""

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


def backup_size(source: Path) -> int:
    """The bytes a backup's content takes, from its SQLite header (page size x page count).

    Raises:
        StoreError: the file cannot be read, is no SQLite database, or is larger than its
            content (padding: SQLite reads past it, so it would restore and waste the disk).
    """
    try:
        with source.open("rb") as fh:
            header = fh.read(100)
            size = os.fstat(fh.fileno()).st_size
    except OSError as exc:
        raise StoreError(f"{source}: cannot read the backup ({os_cause(exc)})") from exc
    if len(header) < 100 or not header.startswith(_SQLITE_MAGIC):
        raise StoreError(f"{source} is not a store backup (not an SQLite database)")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # The header's page count is only current when its "valid for" stamp matches the change
    # counter (older writers did not keep it); otherwise the file's own size is the content.
    if header[92:96] != header[24:28] or not pages or not page_size:
        return size
    content = pages * page_size
    if size > content:
        raise StoreError(f"{source} is {size / 2**20:,.1f} MB but its content is "
                         f"{content / 2**20:,.1f} MB (the rest is padding): not a backup as "
                         "export writes it; nothing was changed")
    return content


def wal_size(source: Path) -> int:
    """The size of the backup's write-ahead log beside it (0 when there is none)."""
    return file_size(Path(f"{source}-wal"))


def file_size(path: Path) -> int:
    """The file's size in bytes, 0 when it is missing or cannot be read."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def validate_backup(copy: Path, source: Path) -> None:
    """Raise StoreError unless ``copy`` is a whole, readable backup of this program's store."""
    try:
        conn = sqlite3.connect(copy)  # a private copy: recovering its WAL may write to it
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{source} is not a store backup: {exc}") from exc
    try:
        try:
            if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise StoreError(f"{source} is damaged (SQLite integrity check failed)")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            schema = schema_of(conn)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{source} is not a store backup: {exc}") from exc
        if not 1 <= version <= SCHEMA_VERSION:
            raise StoreError(f"{source} has schema version {version}; this program knows "
                             f"1 to {SCHEMA_VERSION}" if version else
                             f"{source} is not a store backup (no schema version)")
        expected = sqlite3.connect(":memory:")
        apply_migrations(expected, 0) if version == SCHEMA_VERSION else [
            expected.executescript(script) for script in MIGRATIONS[:version]]
        wanted = schema_of(expected)
        expected.close()
        if schema != wanted:
            extra = sorted(f"{t} {n}" for t, n, *_ in schema - wanted)
            missing = sorted(f"{t} {n}" for t, n, *_ in wanted - schema)
            raise StoreError(f"{source} is not a backup of this program's store: "
                             + "; ".join(p for p in (
                                 f"unexpected {', '.join(extra)}" if extra else "",
                                 f"different or missing {', '.join(missing)}" if missing else "",
                             ) if p))
        _validate_payloads(conn, source)
    finally:
        conn.close()


def _validate_payloads(conn: sqlite3.Connection, source: Path) -> None:
    from geo.io.articles import check_metadata

    def bad(what: str, why: object) -> StoreError:
        return StoreError(f"{source} holds {what} that cannot be read ({why}); nothing was "
                          "restored")

    for key in ("data_version", "incidents_version"):
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        if row is None or not re.fullmatch(r"-?\d+", str(row[0])):
            raise bad(f"meta.{key}", row)
    for article_id, published, zone in conn.execute(
            "SELECT id, published, timezone FROM articles"):
        try:
            check_metadata(raw_date(published), zone)
        except ValueError as exc:
            raise bad(f"article {article_id!r}", exc) from exc
    for article, seq, text in conn.execute("SELECT article, seq, report FROM reports"):
        try:
            report_from_json(text)
        except (ValueError, TypeError, KeyError) as exc:
            raise bad(f"report {seq} of {article!r}", exc) from exc
    for (row,) in conn.execute("SELECT row FROM mentions"):
        try:
            data = json.loads(row)
            if not isinstance(data, dict):
                raise ValueError("not an object")
            if not isinstance(data.get("v", 1), int) or data.get("v", 1) > MENTION_VERSION:
                raise ValueError(f"mention payload version {data.get('v')!r}")
        except (ValueError, TypeError) as exc:
            raise bad("a mention", exc) from exc
    from geo.corrections import KINDS

    for change_id, kind, payload in conn.execute("SELECT id, kind, payload FROM changes"):
        try:
            if kind not in KINDS or not isinstance(json.loads(payload), dict):
                raise ValueError(f"kind {kind!r}")
        except (ValueError, TypeError) as exc:
            raise bad(f"change #{change_id}", exc) from exc
