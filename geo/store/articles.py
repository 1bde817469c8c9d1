"""Articles in the store with their results: stored whole in one transaction (the text, its
mentions and reports, and the incidents they touch merged again), found by text or id,
corrected, deleted, and read back: articles, mention rows, spellings, reports and the
resolver's corpus points.

``ArticlesMixin`` is part of ``geo.store.db.Store``, whose ``read`` and ``write`` it uses.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import sqlite3

from geo.errors import StoreError
from geo.incidents import Report, day_window
from geo.nlp.corpus import CONFIDENT_SCORE, CorpusPoint
from geo.records import Article
from geo.store import materialise
from geo.store.changes import check_changes, read_changes
from geo.store.payloads import (
    MENTION_VERSION,
    STORED_MENTION_COLUMNS,
    mention_from_json,
    mention_to_json,
    mergeable_report,
    offsets_from_json,
    offsets_to_json,
    raw_date,
    report_to_json,
    stored_date,
    stored_now,
)


class IdTaken(StoreError):
    """Another text took the article's id meanwhile (a concurrent ingest): nothing was
    written; allocate a new id and store again."""


def text_digest(text: str) -> str:
    """Fingerprint of an article's text; whitespace differences do not make a new text."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


class ArticlesMixin:
    """The articles' part of ``Store``."""

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
            reflected = check_changes(conn, article.id, article.text, changes_seen)
            conn.execute(
                "INSERT INTO articles (id, text, title, outlet, published, timezone, url, "
                "source, text_sha256, added_at, source_offsets) VALUES (?,?,?,?,?,?,?,?,?,?,?) "
                "ON CONFLICT(id) DO UPDATE SET title=excluded.title, outlet=excluded.outlet, "
                "published=excluded.published, timezone=excluded.timezone, url=excluded.url",
                (article.id, article.text, article.title, article.outlet,
                 article.published.isoformat() if article.published else None,
                 article.timezone, article.url, article.source, text_digest(article.text),
                 stored_now(), offsets_to_json(article.source_offsets)))
            replace_results(conn, article.id, mentions, reports, reflected, text=article.text)
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
            reflected = check_changes(conn, article_id, row[0], changes_seen)
            replace_results(conn, article_id, mentions, reports, reflected, text=row[0])

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
            return read_articles(conn, ids)

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
            texts = TextsByArticle(conn)
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


def replace_results(conn: sqlite3.Connection, article_id: str, mentions: list[dict],
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
        materialise.settle(conn, touched, read_changes(conn, include_undone=False),
                           parse=mergeable_report)


class TextsByArticle:
    """Article texts read once each, while mention rows are read in article order."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn, self._id, self._text = conn, None, ""

    def __call__(self, article_id: str) -> str:
        if article_id != self._id:
            row = self._conn.execute("SELECT text FROM articles WHERE id = ?",
                                     (article_id,)).fetchone()
            self._id, self._text = article_id, row[0] if row else ""
        return self._text


def read_articles(conn: sqlite3.Connection, ids: list[str] | None) -> list[Article]:
    """The articles of ``ids`` (every one when None), by id."""
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


