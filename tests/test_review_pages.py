"""Review states in the dashboard (issue 27, item 2): set on a card in one session, seen in
another, and filtering the pages by the sidebar's Review state (in the link as
``?review=``)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

CHERNIHIV = "gn:710735"


def test_a_review_saved_in_one_session_is_seen_in_another_and_filters_the_pages(
        tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_STORE", str(tmp_path / "store.sqlite"))
    first = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    first.run()
    first.query_params["location"] = CHERNIHIV
    first.switch_page("pages/map.py").run()
    assert not first.exception, first.exception
    (state,) = [r for r in first.radio if r.label == "State"]
    state.set_value("reviewed")
    (name,) = [t for t in first.text_input if t.label == "Your name"]
    name.input("Dana")
    (note,) = [t for t in first.text_input if t.label == "Note (what you checked)"]
    note.input("matches the regional administration's post")
    (save,) = [b for b in first.button if b.label == "Save the review"]
    save.click().run()
    assert not first.exception, first.exception

    second = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    second.query_params["review"] = "reviewed"
    second.run()
    assert not second.exception, second.exception
    assert next(m.value for m in second.metric if m.label == "Incidents") == "1"
    second.query_params["location"] = CHERNIHIV
    second.switch_page("pages/map.py").run()
    assert not second.exception, second.exception
    assert [c.value for c in second.caption if "Dana" in c.value], "the card names the reviewer"
    second.switch_page("pages/incidents.py").run()
    (table,) = second.dataframe
    assert list(table.value["reviewed_by"]) == ["Dana"]
