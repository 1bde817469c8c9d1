"""Sources that keep coming: feeds, pages and watched folders an analyst lists, polled on a
schedule by the server's background worker; what is new in them is ingested once.

* A **feed** (RSS or Atom) is fetched with the last answer's validators (ETag,
  Last-Modified), so an unchanged feed is a 304 and costs nothing; each item not seen before
  has its page fetched and read by ``geo.io.html`` (the story only, its metadata first, the
  feed's title and date where the page says nothing).
* A **page** is one article's address, fetched until it is stored.
* A **folder** is watched offline: each file dropped into it (``.txt``, ``.html``, ``.zip``,
  ... as on the Add articles page) is ingested once, after it has stopped changing.

Nothing is fetched unless the analyst has switched the network on (``set_network``; off by
default, like the online geocoder); folders are read either way. The same address or the same
text is never stored twice: an item whose address an article already has is not fetched, and
the ingest skips a text already stored. A source that fails keeps its error and is tried again
later, each failure doubling its wait (up to a day); the others go on.

Example:
    >>> import tempfile, pathlib
    >>> from geo.store.db import Store
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> source = add_source(store, "https://ledger.example/rss.xml", name="Ledger")
    >>> source.kind, network_enabled(store)
    ('feed', False)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from geo.errors import ArticleError, GeoError, ManifestError, SourceError
from geo.gazetteer.index import Gazetteer
from geo.io.articles import MAX_BYTES, SUFFIXES, read_manifest, too_big
from geo.io.feeds import FeedItem, Fetched, feed_items, fetch
from geo.io.html import html_page
from geo.io.text import decode_text
from geo.store.db import Store
from geo.store.ingest import Upload, ingest, process_gazetteer
from geo.store.jobs import JobLike

KINDS = ("feed", "page", "folder")
DEFAULT_EVERY_MINUTES = 30
MIN_EVERY_MINUTES = 5  # a newsroom's feed changes every few minutes at most: be polite
MAX_BACKOFF_MINUTES = 24 * 60
# Pages fetched from one feed in one poll; the rest wait for the next poll, so that one big
# feed cannot hold the worker (uploads queue behind it).
MAX_ITEMS_PER_POLL = 100
# A file in a watched folder is taken once it has not changed for this long: a file still
# being copied in would otherwise be read cut short.
SETTLE_SECONDS = 5.0
# How often the server's worker looks for sources that are due (each has its own interval).
CHECK_SECONDS = 60.0
_SETTING = "sources"
Fetch = Callable[..., Fetched]


@dataclasses.dataclass(frozen=True)
class Source:
    """A listed source and its poll state (times are UTC, ISO 8601)."""

    id: int
    kind: str
    location: str
    name: str
    every_minutes: int
    added_at: str
    etag: str = ""
    modified: str = ""
    polled_at: str | None = None
    success_at: str | None = None
    error: str = ""
    failures: int = 0
    next_poll: str | None = None
    articles: int = 0

    @property
    def label(self) -> str:
        return self.name or self.location


@dataclasses.dataclass
class PollOutcome:
    """What one poll of one source did."""

    source: int
    label: str
    added: list[str] = dataclasses.field(default_factory=list)
    skipped: int = 0  # items already stored (same address or same text)
    not_modified: bool = False
    error: str = ""
    waiting: str = ""  # why it was not polled (the network is off)

    def summary(self) -> str:
        if self.waiting:
            return f"{self.label}: not polled ({self.waiting})"
        parts = [f"{len(self.added)} added"]
        if self.skipped:
            parts.append(f"{self.skipped} already stored")
        if self.not_modified:
            parts.append("not modified")
        if self.error:
            parts.append(f"error: {self.error}")
        return f"{self.label}: " + ", ".join(parts)


# ------------------------------------------------------------------ the network switch

def network_enabled(store: Store) -> bool:
    """Whether the worker may fetch feeds and pages (off until an analyst switches it on)."""
    try:
        return bool(json.loads(store.setting(_SETTING, "{}") or "{}").get("network"))
    except (ValueError, AttributeError):
        return False


def set_network(store: Store, enabled: bool) -> None:
    store.set_setting(_SETTING, json.dumps({"network": bool(enabled)}))


# ------------------------------------------------------------------ the list

def add_source(store: Store, location: str, *, kind: str = "", name: str = "",
               every_minutes: int = DEFAULT_EVERY_MINUTES) -> Source:
    """List a source. ``kind`` is guessed when empty: a folder for a directory on this
    machine, else a feed.

    Raises:
        SourceError: an unknown kind, an address that is not http(s), a folder that does not
            exist, or a location already listed.
    """
    location = location.strip()
    if not location:
        raise SourceError("give a feed's or page's address, or a folder")
    if not kind:
        kind = "folder" if Path(location).expanduser().is_dir() else "feed"
    if kind not in KINDS:
        raise SourceError(f"unknown kind of source {kind!r}; use one of {', '.join(KINDS)}")
    if kind == "folder":
        folder = Path(location).expanduser()
        if not folder.is_dir():
            raise SourceError(f"{location} is not a folder on this machine")
        location = str(folder.resolve())
    elif not re.match(r"https?://[^/\s]+", location, re.IGNORECASE):
        raise SourceError(f"{location}: a {kind} is an http or https address")
    every = max(MIN_EVERY_MINUTES, int(every_minutes))
    try:
        with store.write(incidents="kept") as conn:
            cursor = conn.execute(
                "INSERT INTO sources (kind, location, name, every_minutes, added_at) "
                "VALUES (?, ?, ?, ?, ?)", (kind, location, name.strip()[:200], every, _iso(_now())))
            source_id = cursor.lastrowid
    except sqlite3.IntegrityError as exc:
        raise SourceError(f"{location} is already listed") from exc
    return get_source(store, source_id)


def remove_source(store: Store, source_id: int) -> bool:
    """Stop polling a source; what it brought stays stored."""
    with store.write(incidents="kept") as conn:
        return conn.execute("DELETE FROM sources WHERE id = ?", (source_id,)).rowcount > 0


def list_sources(store: Store) -> list[Source]:
    with store.read() as conn:
        rows = conn.execute(f"SELECT {_COLUMNS} FROM sources ORDER BY id").fetchall()
    return [Source(*row) for row in rows]


def get_source(store: Store, source_id: int) -> Source:
    with store.read() as conn:
        row = conn.execute(f"SELECT {_COLUMNS} FROM sources WHERE id = ?",
                           (source_id,)).fetchone()
    if row is None:
        raise SourceError(f"no source #{source_id}")
    return Source(*row)


_COLUMNS = ", ".join(f.name for f in dataclasses.fields(Source))


# ------------------------------------------------------------------ polling

def poll_sources(store: Store, gazetteer: Gazetteer, *, now: dt.datetime | None = None,
                 force: bool = False, fetcher: Fetch = fetch,
                 settle_seconds: float = SETTLE_SECONDS,
                 should_stop: Callable[[], bool] | None = None) -> list[PollOutcome]:
    """Poll every source that is due (all of them with ``force``), each on its own: one
    that fails records its error and the next is polled.

    Args:
        store: where the sources are listed and articles go.
        gazetteer: the place index, for the ingest.
        now: the time to schedule from (tests); UTC now by default.
        force: poll sources that are not due yet (the "Poll now" button).
        fetcher: how to GET an address (``geo.io.feeds.fetch``).
        settle_seconds: how long a folder's file must be unchanged before it is taken.
        should_stop: asked between sources and by the ingest; stops the poll there.

    Returns:
        One outcome per source looked at; feeds and pages are only "waiting" when the
        network is off, and nothing is fetched then.
    """
    now = now or _now()
    network = network_enabled(store)
    outcomes = []
    for source in list_sources(store):
        if should_stop is not None and should_stop():
            break
        if not force and source.next_poll and source.next_poll > _iso(now):
            continue
        outcome = PollOutcome(source=source.id, label=source.label)
        outcomes.append(outcome)
        if source.kind != "folder" and not network:
            outcome.waiting = "the network is off"
            continue
        validators = (source.etag, source.modified)
        try:
            if source.kind == "feed":
                validators = _poll_feed(store, gazetteer, source, outcome, fetcher,
                                        should_stop)
            elif source.kind == "page":
                validators = _poll_page(store, gazetteer, source, outcome, fetcher,
                                        should_stop)
            else:
                _poll_folder(store, gazetteer, source, outcome, settle_seconds, should_stop)
        except (GeoError, OSError) as exc:
            outcome.error = str(exc)
            _record(store, source, now, outcome, failed=True)
            continue
        except Exception as exc:  # noqa: BLE001 - one source's bug must not stop the others
            outcome.error = f"{type(exc).__name__}: {exc}"
            _record(store, source, now, outcome, failed=True)
            continue
        _record(store, source, now, outcome, failed=False, validators=validators)
    return outcomes


def poll_job(ctx: JobLike, store_path: str, force: bool = False) -> str:
    """``poll_sources`` as a background job (the worker's schedule, or "Poll now")."""
    outcomes = poll_sources(Store(Path(store_path)), process_gazetteer(), force=force,
                            should_stop=ctx.cancelled)
    return "\n".join(o.summary() for o in outcomes) or "No source was due."


def _poll_feed(store: Store, gazetteer: Gazetteer, source: Source, outcome: PollOutcome,
               fetcher: Fetch, should_stop: Callable[[], bool] | None) -> tuple[str, str]:
    answer = fetcher(source.location, etag=source.etag, modified=source.modified)
    if answer.body is None:
        outcome.not_modified = True
        return answer.etag, answer.modified
    items = feed_items(answer.body, base=answer.url)
    seen = _seen_keys(store, source.id)
    fresh = [item for item in items if item.key not in seen]
    uploads: list[Upload] = []
    rows: dict[str, dict] = {}
    keys: dict[str, str] = {}  # upload name -> item key
    urls: dict[str, str] = {}  # upload name -> the item's address
    problems: list[str] = []
    for item in fresh[:MAX_ITEMS_PER_POLL]:
        if should_stop is not None and should_stop():
            break
        if not re.match(r"https?://", item.link, re.IGNORECASE):
            _mark_seen(store, source.id, item.key, None, "the item has no http(s) address")
            continue
        stored = _article_with_url(store, item.link)
        if stored is not None:  # the same address, from this or another source
            _mark_seen(store, source.id, item.key, stored, "already stored")
            outcome.skipped += 1
            continue
        try:
            page = fetcher(item.link)
        except SourceError as exc:
            problems.append(str(exc))  # not marked seen: tried again at the next poll
            continue
        if page.body is None:
            continue
        name = _upload_name(item.link, taken=keys)
        uploads.append((name, page.body))
        rows[name] = _item_row(item, page.body)
        keys[name], urls[name] = item.key, item.link
    _ingest(store, gazetteer, source, outcome, uploads, rows, keys, urls, should_stop)
    if len(fresh) > MAX_ITEMS_PER_POLL:
        problems.append(f"{len(fresh) - MAX_ITEMS_PER_POLL} more items wait for the next poll "
                        f"({MAX_ITEMS_PER_POLL} are read per poll)")
    if problems:
        outcome.error = f"{len(problems)} problem(s): " + "; ".join(problems[:3])
    return answer.etag, answer.modified


def _poll_page(store: Store, gazetteer: Gazetteer, source: Source, outcome: PollOutcome,
               fetcher: Fetch, should_stop: Callable[[], bool] | None) -> tuple[str, str]:
    stored = _article_with_url(store, source.location)
    if stored is not None:
        outcome.skipped += 1
        return source.etag, source.modified
    answer = fetcher(source.location, etag=source.etag, modified=source.modified)
    if answer.body is None:
        outcome.not_modified = True
        return answer.etag, answer.modified
    name = _upload_name(source.location, taken={})
    item = FeedItem(key=source.location, link=source.location, outlet=source.name)
    _ingest(store, gazetteer, source, outcome, [(name, answer.body)],
            {name: _item_row(item, answer.body)}, {name: source.location},
            {name: source.location}, should_stop)
    return answer.etag, answer.modified


def _poll_folder(store: Store, gazetteer: Gazetteer, source: Source, outcome: PollOutcome,
                 settle_seconds: float, should_stop: Callable[[], bool] | None) -> None:
    folder = Path(source.location)
    if not folder.is_dir():
        raise SourceError(f"{folder} is not a folder (moved, deleted or not mounted?)")
    seen = _seen_keys(store, source.id)
    manifest_file = folder / "manifest.csv"
    try:
        manifest = read_manifest(manifest_file) if manifest_file.is_file() else {}
    except ManifestError as exc:
        raise SourceError(f"{manifest_file}: {exc}") from exc
    uploads: list[Upload] = []
    keys: dict[str, str] = {}
    problems: list[str] = []
    settled_before = time.time() - settle_seconds
    for path in sorted(folder.iterdir()):
        key = path.name
        if (key in seen or not path.is_file() or key == manifest_file.name
                or key.startswith(".") or path.suffix.lower() not in (*SUFFIXES, ".zip")):
            continue
        try:
            info = path.stat()
            if info.st_mtime > settled_before:
                continue  # still being written, perhaps: taken at a later poll
            if info.st_size > MAX_BYTES and path.suffix.lower() != ".zip":
                _mark_seen(store, source.id, key, None, too_big(info.st_size))
                problems.append(f"{key}: {too_big(info.st_size)}")
                continue
            uploads.append((str(path), path.read_bytes()))
            keys[str(path)] = key
        except OSError as exc:
            problems.append(f"{key}: cannot read: {exc.strerror or exc}")
    # Uploads are named by their full path (the stored article's source says where it came
    # from); the ingest looks a manifest row up by the file's own name.
    _ingest(store, gazetteer, source, outcome, uploads, manifest, keys, {}, should_stop)
    if problems:
        outcome.error = f"{len(problems)} problem(s): " + "; ".join(problems[:3])


def _ingest(store: Store, gazetteer: Gazetteer, source: Source, outcome: PollOutcome,
            uploads: list[Upload], rows: dict[str, dict], keys: dict[str, str],
            urls: dict[str, str], should_stop: Callable[[], bool] | None) -> None:
    """Ingest the uploads in one batch and mark each one taken (added, a duplicate or
    refused): those a stop cut short stay unmarked and are read again next time."""
    if not uploads:
        return
    report = ingest(store, uploads, gazetteer, manifest=rows, should_stop=should_stop)
    outcome.added.extend(report.added)
    outcome.skipped += len(report.duplicates) + len(report.updated)
    refused = {_upload_of(f.source, keys): f.reason for f in report.failures}
    duplicates = {_upload_of(src, keys): existing for src, existing in report.duplicates}
    taken: list[tuple[str, str | None, str]] = []
    for name, key in keys.items():
        if name in refused:
            taken.append((key, None, f"refused: {refused[name]}"))
        elif name in duplicates:
            taken.append((key, duplicates[name], "same text as a stored article"))
        else:
            stored = _article_from(store, name, urls.get(name))
            if stored is not None:
                taken.append((key, stored, "added"))
            elif not report.not_processed:
                taken.append((key, None, "no article in it"))
    _mark_seen_many(store, source.id, taken)
    if report.failures:
        reasons = "; ".join(f"{Path(f.source).name}: {f.reason}" for f in report.failures[:3])
        outcome.error = f"{len(report.failures)} refused: {reasons}"


def _upload_of(article_source: str, keys: dict[str, str]) -> str:
    """The upload an ingest message names: the upload itself, or the zip it came from."""
    if article_source in keys:
        return article_source
    return next((name for name in keys if article_source.startswith(name + "/")),
                article_source)


def _item_row(item: FeedItem, body: bytes) -> dict[str, str]:
    """The metadata an item's article gets: the page's own first, the feed's where the page
    says nothing (the ingest lets these win over the page, so the page's are copied in)."""
    try:
        page = html_page(decode_text(body))
    except ArticleError:
        page = None  # the ingest refuses it with its reason
    published = (page.published if page else None) or item.published
    return {"url": item.link, "title": (page.title if page else "") or item.title,
            "outlet": (page.outlet if page else "") or item.outlet,
            "published": published.isoformat() if published else ""}


def _upload_name(url: str, *, taken: dict[str, str]) -> str:
    """An ``.html`` upload name whose stem, the article's id, is the address's last words
    ("vinnytsia-strike"); made unique within the batch, as the ingest's messages name it."""
    tail = re.sub(r"\.[a-z0-9]{2,5}$", "", url.split("?")[0].rstrip("/").rsplit("/", 1)[-1],
                  flags=re.IGNORECASE)
    slug = re.sub(r"[^A-Za-z0-9]+", "-", tail).strip("-")[:60] or "item"
    name = f"{slug}.html"
    if name in taken:
        name = f"{slug}-{hashlib.sha256(url.encode()).hexdigest()[:8]}.html"
    return name


# ------------------------------------------------------------------ store access

def _record(store: Store, source: Source, now: dt.datetime, outcome: PollOutcome, *,
            failed: bool, validators: tuple[str, str] | None = None) -> None:
    failures = source.failures + 1 if failed else 0
    wait = min(source.every_minutes * 2 ** failures, MAX_BACKOFF_MINUTES)
    etag, modified = validators or (source.etag, source.modified)
    with store.write(incidents="kept") as conn:
        conn.execute(
            "UPDATE sources SET polled_at = ?, success_at = CASE WHEN ? THEN success_at "
            "ELSE ? END, error = ?, failures = ?, next_poll = ?, etag = ?, modified = ?, "
            "articles = articles + ? WHERE id = ?",
            (_iso(now), failed, _iso(now), outcome.error[:2000], failures,
             _iso(now + dt.timedelta(minutes=wait)), etag[:500], modified[:200],
             len(outcome.added), source.id))


def _seen_keys(store: Store, source_id: int) -> set[str]:
    with store.read() as conn:
        return {k for (k,) in conn.execute("SELECT key FROM source_items WHERE source = ?",
                                           (source_id,))}


def _mark_seen(store: Store, source_id: int, key: str, article: str | None,
               note: str) -> None:
    _mark_seen_many(store, source_id, [(key, article, note)])


def _mark_seen_many(store: Store, source_id: int,
                    taken: list[tuple[str, str | None, str]]) -> None:
    """Remember items as taken (one write for a batch: each write tells every dashboard to
    look for new data)."""
    if not taken:
        return
    seen_at = _iso(_now())
    with store.write(incidents="kept") as conn:
        conn.executemany("INSERT OR REPLACE INTO source_items VALUES (?, ?, ?, ?, ?)",
                         [(source_id, key, article, note[:500], seen_at)
                          for key, article, note in taken])


def _article_with_url(store: Store, url: str) -> str | None:
    with store.read() as conn:
        row = conn.execute("SELECT id FROM articles WHERE url = ? LIMIT 1", (url,)).fetchone()
    return row[0] if row else None


def _article_from(store: Store, source_name: str, url: str | None) -> str | None:
    """The article an upload became: by its address (a feed's item, a page: the address is
    the item's own), else by the upload's name (a folder's file: its full path)."""
    if url:
        return _article_with_url(store, url)
    with store.read() as conn:
        row = conn.execute("SELECT id FROM articles WHERE source = ? OR substr(source, 1, ?) "
                           "= ? ORDER BY added_at DESC LIMIT 1",
                           (source_name, len(source_name) + 1, source_name + "/")).fetchone()
    return row[0] if row else None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")

