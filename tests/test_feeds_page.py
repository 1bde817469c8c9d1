"""The Feeds page (Streamlit's AppTest, no browser): the network switch is off until switched
on, a source added through the form is listed with its state, an invalid one is refused with
its reason, and a source can be removed."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from geo.store.db import Store
from geo.store.sources import list_sources, network_enabled
from tests.conftest import ROOT


def feeds_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/feeds.py").run()
    assert not at.exception, at.exception
    return at


def test_the_feeds_page_lists_a_source_added_refuses_a_bad_one_and_removes_it(tmp_path):
    import os

    store = Store(os.environ["GEO_STORE"])
    at = feeds_page()
    assert at.title[0].value == "Feeds and watched folders"
    switch = at.toggle[0]
    assert switch.value is False and not network_enabled(store)

    inbox = tmp_path / "empty inbox"
    inbox.mkdir()
    at.text_input[0].set_value(str(inbox))
    at.text_input[1].set_value("Analyst <b>inbox</b>")
    at.button[0].click().run()  # the form's Add
    assert not at.exception, at.exception
    (listed,) = [s for s in list_sources(store) if s.location == str(inbox.resolve())]
    assert (listed.kind, listed.name) == ("folder", "Analyst <b>inbox</b>")
    table = at.dataframe[0].value
    assert list(table["name"]) == ["Analyst <b>inbox</b>"]
    assert list(table["last success"]) == ["never"]

    at.text_input[0].set_value("ftp://example.org/feed")
    at.button[0].click().run()
    assert any("http or https" in e.value for e in at.error)

    try:
        at.toggle[0].set_value(True).run()
        assert network_enabled(store)
    finally:
        at.toggle[0].set_value(False).run()
    assert not network_enabled(store)

    remove = next(b for b in at.button if b.label == "Remove")
    remove.click().run()
    assert [s for s in list_sources(store) if s.location == str(inbox.resolve())] == []
