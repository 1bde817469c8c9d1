"""Sources that keep coming: feeds served by a local HTTP server (127.0.0.1 only), polled with
conditional requests, each new item's page read and ingested once; failing feeds keep their
error while the others go on; nothing is fetched while the network is off; a watched folder
works offline."""

from __future__ import annotations

import datetime as dt
import email.utils
import http.server
import threading
import time
from contextlib import contextmanager
from html import escape

import pytest
from click.testing import CliRunner

from geo.cli import cli
from geo.store.db import Store
from geo.store.jobs import JobQueue
from geo.store.sources import (
    add_source,
    get_source,
    list_sources,
    poll_sources,
    set_network,
)

TOWNS = ["Kharkiv", "Mykolaiv", "Zaporizhzhia", "Chernihiv", "Sumy", "Kramatorsk", "Izium",
         "Kherson", "Odesa", "Dnipro", "Poltava", "Zhytomyr", "Uman", "Bucha", "Irpin",
         "Lviv", "Rivne", "Lutsk", "Kremenchuk", "Bakhmut"]
ATTACKS = ["Shelling hit", "A missile struck", "Air strikes hit", "Artillery fire hit",
           "A drone attack hit"]


def story(n: int) -> tuple[str, str, list[str]]:
    """Item ``n``: its slug, headline and paragraphs (every text distinct)."""
    town = TOWNS[n % len(TOWNS)]
    attack = ATTACKS[n % len(ATTACKS)]
    day = 1 + n % 28
    killed = 2 + n
    headline = f"{attack} {town}, killing {killed}"
    paragraphs = [
        f"{attack} a residential district of {town} on {day} March 2022, killing {killed} "
        f"people and wounding {n + 5} more, the regional administration said on report {n}.",
        f"Rescue workers searched the rubble of {n % 7 + 2} damaged buildings through the "
        "night, and the city's mayor asked residents to stay in shelters.",
    ]
    return f"story-{n:03d}", headline, paragraphs


def item_page(n: int) -> bytes:
    """An item's page as a news site serves it: menu, story, related stories, comments."""
    _, headline, paragraphs = story(n)
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html><html><head><title>{escape(headline)} | Steppe Wire</title>
<meta property="og:site_name" content="Steppe Wire">
<meta property="article:published_time" content="2022-03-{1 + n % 28:02d}T09:00:00+02:00">
<script>var promo = "Explosions in Lutsk, subscribe";</script></head><body>
<nav><a href="/">Home</a> <a href="/war">War</a> <a href="/rivne">Rivne</a></nav>
<article><h1>{escape(headline)}</h1>{body}</article>
<aside class="related"><h2>Related stories</h2><ul>
<li><a href="/x">Shelling kills three in Nikopol as attacks continue overnight</a></li>
<li><a href="/y">Drone attack on Berdiansk port destroys fuel depot</a></li></ul></aside>
<section class="comments"><h3>Comments</h3><p>Heavy bombing in Tokmak too, nobody
reports it.</p></section></body></html>""".encode()


def rss(items: list[int], title: str, base: str, *, relative: bool = False) -> bytes:
    """An RSS 2.0 feed of the items; ``relative``: item addresses relative to the site, as
    some feeds give them."""
    site = "" if relative else base

    def day(n: int) -> str:
        return email.utils.format_datetime(dt.datetime(2022, 3, 1 + n % 28, 9, tzinfo=dt.UTC))

    entries = "".join(
        f"<item><title>{escape(story(n)[1])}</title><link>{site}/items/{story(n)[0]}.html</link>"
        f"<guid>{site}/items/{story(n)[0]}.html</guid><pubDate>{day(n)}</pubDate></item>"
        for n in reversed(items))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{title}</title><link>{base}/</link>{entries}</channel></rss>").encode()


class FeedServer:
    """A local news site: /feed.xml (with ETag and Last-Modified, 304 when unchanged),
    /small.xml (item addresses relative to the site), /missing.xml (404), /bad.xml
    (malformed), /items/<slug>.html."""

    def __init__(self, items: int) -> None:
        self.items = list(range(items))
        self.small = [900, 901]
        self.requests: list[tuple[str, dict[str, str]]] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
                outer.requests.append((self.path, dict(self.headers)))
                outer.answer(self)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, handler: http.server.BaseHTTPRequestHandler) -> None:
        path = handler.path
        if path == "/feed.xml":
            version = len(self.items)
            etag = f'"feed-v{version}"'
            modified = email.utils.format_datetime(
                dt.datetime(2022, 3, 1, tzinfo=dt.UTC) + dt.timedelta(hours=version),
                usegmt=True)
            if handler.headers.get("If-None-Match") == etag:
                handler.send_response(304)
                handler.send_header("ETag", etag)
                handler.end_headers()
                return
            self.send(handler, 200, rss(self.items, "Steppe Wire", self.base),
                      "application/rss+xml", {"ETag": etag, "Last-Modified": modified})
        elif path == "/small.xml":
            self.send(handler, 200, rss(self.small, "Small Wire", self.base, relative=True),
                      "application/rss+xml")
        elif path == "/bad.xml":
            self.send(handler, 200, b"<rss version='2.0'><channel><item><title>Strike on",
                      "application/rss+xml")
        elif path.startswith("/items/story-"):
            n = int(path.removeprefix("/items/story-").removesuffix(".html"))
            self.send(handler, 200, item_page(n), "text/html; charset=utf-8")
        else:
            self.send(handler, 404, b"not found", "text/plain")

    @staticmethod
    def send(handler: http.server.BaseHTTPRequestHandler, status: int, body: bytes,
             kind: str, headers: dict[str, str] | None = None) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", kind)
        handler.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)

    def pages_fetched(self) -> list[str]:
        return [p for p, _ in self.requests if p.startswith("/items/")]


@contextmanager
def serving(items: int):
    site = FeedServer(items)
    thread = threading.Thread(target=site.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site.server.shutdown()
        site.server.server_close()


@pytest.fixture()
def store(tmp_path) -> Store:
    return Store(tmp_path / "news.sqlite")


def test_a_feed_of_50_items_is_ingested_then_only_new_items_and_a_304_adds_nothing(
        store, gazetteer):
    with serving(50) as site:
        feed = add_source(store, f"{site.base}/feed.xml", name="Steppe Wire")
        set_network(store, True)
        (first,) = poll_sources(store, gazetteer)
        assert first.error == "" and len(first.added) == 50
        articles = store.articles()
        assert len(articles) == 50
        assert {a.url for a in articles} == {
            f"{site.base}/items/{story(n)[0]}.html" for n in range(50)}
        one = next(a for a in articles if a.url.endswith("story-007.html"))
        # The page's story, outlet and date; never its menu, related stories or comments.
        assert story(7)[2][0] in one.text
        assert (one.outlet, one.published) == ("Steppe Wire", dt.date(2022, 3, 8))
        for furniture in ("Nikopol", "Berdiansk", "Tokmak", "Rivne", "Lutsk", "subscribe"):
            assert furniture not in one.text

        site.items += [50, 51, 52]
        site.requests.clear()
        (second,) = poll_sources(store, gazetteer, force=True)
        assert len(second.added) == 3 and second.error == ""
        assert sorted(site.pages_fetched()) == [f"/items/story-{n:03d}.html"
                                                for n in (50, 51, 52)]
        feed_request = site.requests[0][1]
        assert feed_request["If-None-Match"] == '"feed-v50"'
        assert feed_request["If-Modified-Since"].endswith("GMT")
        assert store.article_count() == 53

        site.requests.clear()
        (third,) = poll_sources(store, gazetteer, force=True)
        assert third.not_modified and third.added == [] and third.error == ""
        assert [p for p, _ in site.requests] == ["/feed.xml"]
        assert store.article_count() == 53
        state = get_source(store, feed.id)
        assert (state.articles, state.error, state.failures) == (53, "", 0)
        assert state.success_at is not None and state.etag == '"feed-v53"'


def test_failing_feeds_keep_their_error_and_the_others_go_on(store, gazetteer):
    with serving(0) as site:
        missing = add_source(store, f"{site.base}/missing.xml")
        bad = add_source(store, f"{site.base}/bad.xml")
        small = add_source(store, f"{site.base}/small.xml", every_minutes=30)
        set_network(store, True)
        now = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)
        outcomes = {o.source: o for o in poll_sources(store, gazetteer, now=now)}
        assert len(outcomes[small.id].added) == 2 and outcomes[small.id].error == ""
        assert "404" in get_source(store, missing.id).error
        assert "not a readable RSS or Atom feed" in get_source(store, bad.id).error
        for failed in (missing, bad):
            state = get_source(store, failed.id)
            assert state.failures == 1 and state.success_at is None
            # Backoff: twice the interval before the next try.
            assert state.next_poll == (now + dt.timedelta(minutes=60)).isoformat()
        assert get_source(store, small.id).success_at == now.isoformat()

        # Not due: nothing is fetched; once due, the failure counts again and waits longer.
        site.requests.clear()
        assert poll_sources(store, gazetteer, now=now + dt.timedelta(minutes=20)) == []
        assert site.requests == []
        poll_sources(store, gazetteer, now=now + dt.timedelta(minutes=61))
        assert get_source(store, missing.id).failures == 2
        assert get_source(store, missing.id).next_poll == (
            now + dt.timedelta(minutes=61 + 120)).isoformat()


def test_the_same_address_from_a_second_feed_is_not_fetched_again(store, gazetteer):
    with serving(0) as site:
        add_source(store, f"{site.base}/small.xml")
        page = add_source(store, f"{site.base}/items/story-900.html", kind="page")
        set_network(store, True)
        outcomes = poll_sources(store, gazetteer)
        assert sum(len(o.added) for o in outcomes) == 2
        assert site.pages_fetched().count("/items/story-900.html") == 1
        assert get_source(store, page.id).error == ""


def test_nothing_is_fetched_while_the_network_is_off_but_a_watched_folder_is_read(
        store, gazetteer, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    with serving(5) as site:
        feed = add_source(store, f"{site.base}/feed.xml")
        folder = add_source(store, str(inbox))
        assert folder.kind == "folder"
        (inbox / "kharkiv.txt").write_text(
            "Shelling hit Kharkiv on 3 March 2022, killing two people.", encoding="utf-8")
        (inbox / "sumy.html").write_bytes(item_page(4))
        (inbox / "notes.pdf").write_bytes(b"%PDF-1.4")  # not an article file: left alone
        outcomes = {o.source: o for o in poll_sources(store, gazetteer, settle_seconds=0)}
        assert outcomes[feed.id].waiting == "the network is off"
        assert len(outcomes[folder.id].added) == 2
        assert site.requests == []
        assert get_source(store, feed.id).polled_at is None

        # A file dropped in later is taken once; the ones already taken are not read again.
        (inbox / "izium.txt").write_text("A missile struck Izium on 4 March 2022.",
                                         encoding="utf-8")
        outcomes = {o.source: o for o in poll_sources(store, gazetteer, force=True,
                                                      settle_seconds=0)}
        assert len(outcomes[folder.id].added) == 1 and outcomes[folder.id].skipped == 0
        again = {o.source: o for o in poll_sources(store, gazetteer, force=True,
                                                   settle_seconds=0)}
        assert again[folder.id].added == [] and again[folder.id].skipped == 0
        assert store.article_count() == 3 and site.requests == []
        # A file still being written (changed within the settling time) waits.
        (inbox / "uman.txt").write_text("Air strikes hit Uman on 5 March 2022.",
                                        encoding="utf-8")
        late = {o.source: o for o in poll_sources(store, gazetteer, force=True,
                                                  settle_seconds=60)}
        assert late[folder.id].added == []
        assert get_source(store, folder.id).articles == 3


def test_the_worker_polls_on_its_schedule_never_twice_at_once():
    queue = JobQueue()
    runs: list[tuple[float, float]] = []

    def slow_poll(ctx) -> None:
        started = time.monotonic()
        time.sleep(0.15)
        runs.append((started, time.monotonic()))

    queue.every(0.05, "poll sources", slow_poll)
    deadline = time.monotonic() + 5
    while len(runs) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(runs) >= 3
    # One run at a time: each starts after the previous ended.
    assert all(b[0] >= a[1] for a, b in zip(runs, runs[1:], strict=False))
    assert queue.recent(10) == []  # the schedule's runs are not listed as the analysts' jobs


def test_the_command_line_lists_polls_and_shows_each_sources_error(tmp_path):
    path = str(tmp_path / "cli.sqlite")
    runner = CliRunner()
    with serving(0) as site:
        added = runner.invoke(cli, ["sources", "add", f"{site.base}/missing.xml",
                                    "--name", "Gone Wire", "--store", path])
        assert added.exit_code == 0, added.output
        assert "the network is off" in added.output
        polled = runner.invoke(cli, ["sources", "poll", "--store", path])
        assert "not polled (the network is off)" in polled.output and site.requests == []
        assert runner.invoke(cli, ["sources", "network", "on", "--store", path]).exit_code == 0
        polled = runner.invoke(cli, ["sources", "poll", "--all", "--store", path])
        assert polled.exit_code == 1 and "404" in polled.output
        listed = runner.invoke(cli, ["sources", "list", "--store", path])
        assert "network: on" in listed.output
        assert "Gone Wire" in listed.output and "404" in listed.output
        assert "last success never" in listed.output
        bad = runner.invoke(cli, ["sources", "add", "ftp://example.org/x", "--store", path])
        assert bad.exit_code != 0 and "http or https" in bad.output
    assert [s.name for s in list_sources(Store(path))] == ["Gone Wire"]
