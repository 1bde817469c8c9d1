"""Fetch feeds and pages over HTTP, politely, and read a feed's items.

Only ``geo.store.sources`` calls ``fetch``, and only when the analyst has switched the
network on: nothing here runs by default. A fetch sends the validators of the last answer
(``If-None-Match`` with its ETag, ``If-Modified-Since`` with its Last-Modified) so an
unchanged feed costs the server a 304 and nothing is read again. Feeds (RSS 0.9x/1.0/2.0,
Atom) are parsed by feedparser from the bytes fetched, never from an address (feedparser
would fetch one itself, outside these rules).

Example:
    >>> items = feed_items(b'<rss version="2.0"><channel><title>Ledger</title><item>'
    ...     b'<title>Strike on Kharkiv</title><link>https://ledger.example/1</link>'
    ...     b'<pubDate>Thu, 03 Mar 2022 08:00:00 GMT</pubDate></item></channel></rss>')
    >>> [(i.key, i.title, str(i.published), i.outlet) for i in items]
    [('https://ledger.example/1', 'Strike on Kharkiv', '2022-03-03', 'Ledger')]
"""

from __future__ import annotations

import datetime as dt
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urljoin

import feedparser

from geo.errors import SourceError
from geo.io.articles import MAX_BYTES, too_big

TIMEOUT_SECONDS = 20
USER_AGENT = "news-incident-map/1 (+feed reader; polls at most every few minutes)"
# Items read from one feed answer: a feed is its latest items, and a feed claiming more is
# not one a newsroom publishes.
MAX_ITEMS = 500


@dataclass(frozen=True)
class Fetched:
    """One HTTP answer. ``body`` is None when the server said "not modified" (304)."""

    url: str  # after redirects
    body: bytes | None
    etag: str = ""
    modified: str = ""
    content_type: str = ""


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed: its key (the entry's id, else its link), its page's address,
    and what the feed says of it (used where the page itself says nothing)."""

    key: str
    link: str
    title: str = ""
    published: dt.date | None = None
    outlet: str = ""
    summary: str = ""


def fetch(url: str, *, etag: str = "", modified: str = "",
          timeout: float = TIMEOUT_SECONDS) -> Fetched:
    """GET ``url`` with the last answer's validators.

    Raises:
        SourceError: the address is not http(s), the server answered an error status, the
            answer is larger than an article file may be, or the network failed; the
            message says which.
    """
    if not url.lower().startswith(("http://", "https://")):
        raise SourceError(f"{url}: only http and https addresses can be fetched")
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            body = answer.read(MAX_BYTES + 1)
            if len(body) > MAX_BYTES:
                raise SourceError(f"{url}: {too_big(len(body))}")
            return Fetched(url=answer.geturl(), body=body,
                           etag=answer.headers.get("ETag", "") or "",
                           modified=answer.headers.get("Last-Modified", "") or "",
                           content_type=answer.headers.get("Content-Type", "") or "")
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            # Not modified: the validators stay those of the answer last read.
            return Fetched(url=url, body=None, etag=exc.headers.get("ETag", "") or etag,
                           modified=exc.headers.get("Last-Modified", "") or modified)
        raise SourceError(f"{url}: the server answered {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        raise SourceError(f"{url}: cannot connect ({exc.reason})") from exc
    except (TimeoutError, OSError) as exc:
        raise SourceError(f"{url}: {type(exc).__name__}: {exc}") from exc


def feed_items(data: bytes, *, base: str = "") -> list[FeedItem]:
    """The items of an RSS or Atom feed, newest as the feed orders them; relative item
    addresses are resolved against ``base`` (the feed's own address).

    Raises:
        SourceError: the bytes are not a feed (malformed XML with no item, an HTML page).
    """
    parsed = feedparser.parse(data)  # bytes: parsed as they are, never fetched
    outlet = " ".join(str(parsed.feed.get("title", "")).split())[:200]
    items = []
    for entry in parsed.entries[:MAX_ITEMS]:
        link = str(entry.get("link", "")).strip()
        link = urljoin(base, link) if base and link else link
        key = str(entry.get("id", "") or link).strip()
        if not key:
            continue
        items.append(FeedItem(key=key[:2000], link=link[:2000],
                              title=" ".join(str(entry.get("title", "")).split())[:1000],
                              published=_entry_date(entry), outlet=outlet,
                              summary=str(entry.get("summary", ""))))
    # feedparser reads what it can of a malformed feed (a cut-off one still gives its first
    # items): that is kept; only a feed giving no item at all is an error.
    if not items:
        problem = parsed.get("bozo_exception")
        if problem is not None:
            raise SourceError(f"not a readable RSS or Atom feed: {problem}")
        if not parsed.get("version"):
            raise SourceError("not an RSS or Atom feed (no feed element)")
    return items


def _entry_date(entry: feedparser.FeedParserDict) -> dt.date | None:
    for field in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(field)
        if value:
            try:
                return dt.date(value.tm_year, value.tm_mon, value.tm_mday)
            except ValueError:
                continue
    return None
