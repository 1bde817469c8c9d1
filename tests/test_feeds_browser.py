"""The Feeds page in headless Chromium on a store whose sources were polled from a local news
site (127.0.0.1): it shows them, and no request leaves the machine (the ``browser_page``
fixture fails the test on any)."""

from __future__ import annotations

import time

import pytest

from geo.store.db import Store
from geo.store.sources import add_source, poll_sources, set_network
from tests.test_browser import browser_page, no_exception, shot, start_server  # noqa: F401
from tests.test_sources import item_page, serving

pytestmark = pytest.mark.browser


def test_the_feeds_page_shows_each_sources_state_and_reaches_nothing_outside(
        tmp_path, gazetteer, browser_page):  # noqa: F811 (the fixture, imported)
    store_path = tmp_path / "store" / "news.sqlite"
    store = Store(store_path)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "sumy.html").write_bytes(item_page(4))
    with serving(4) as site:
        add_source(store, f"{site.base}/feed.xml", name="Steppe Wire")
        add_source(store, f"{site.base}/missing.xml", name="Gone Wire")
        add_source(store, str(inbox), name="Analyst inbox")
        set_network(store, True)
        poll_sources(store, gazetteer, settle_seconds=0)
        # The server's worker must not poll the local site after it is gone.
        set_network(store, False)
    proc, url = start_server({"GEO_STORE": str(store_path),
                              "GEO_ARTICLES_DIR": str(tmp_path / "none")})
    try:
        page = browser_page
        page.goto(f"{url}/feeds")
        page.get_by_text("Feeds and watched folders").first.wait_for(timeout=60_000)
        page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=30_000)
        time.sleep(1)
        no_exception(page)
        assert page.get_by_role("switch").first.is_checked() is False
        shot(page, "feeds")
    finally:
        proc.terminate()
        proc.wait(timeout=20)
