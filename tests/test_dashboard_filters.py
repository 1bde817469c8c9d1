"""Filters never change by themselves (issue 27, item 5): an unset date bound stays unset
and a set one stays as set when an upload brings incidents of other days."""

from __future__ import annotations

import datetime as dt

from streamlit.testing.v1 import AppTest

from geo.store.db import Store
from geo.store.ingest import ingest
from tests.conftest import ROOT


def test_the_date_filters_stay_as_set_when_an_upload_brings_other_days(tmp_path, monkeypatch,
                                                                       gazetteer):
    monkeypatch.setenv("GEO_STORE", str(tmp_path / "store.sqlite"))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    start, end = at.sidebar.date_input
    assert (start.value, end.value) == (None, None)  # no bound: shown empty
    store = Store(tmp_path / "store.sqlite")
    ingest(store, [("later.txt", b"Russian forces shelled Kharkiv on March 9, 2022.")],
           gazetteer)
    at.run()
    start, end = at.sidebar.date_input
    assert (start.value, end.value) == (None, None)
    end.set_value(dt.date(2022, 3, 2)).run()
    ingest(store, [("latest.txt", b"Russian forces shelled Odesa on March 12, 2022.")],
           gazetteer)
    at.run()
    assert not at.exception, at.exception
    start, end = at.sidebar.date_input
    assert (start.value, end.value.isoformat()) == (None, "2022-03-02")
    assert at.query_params["to"] in ("2022-03-02", ["2022-03-02"])
