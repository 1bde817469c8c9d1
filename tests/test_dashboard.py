"""Every page renders on the bundled corpus (Streamlit's AppTest, no browser), and the
sidebar filters change what the pages count."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

DASHBOARD = ROOT / "dashboard.py"

PAGES = ["pages/map.py", "pages/incidents.py", "pages/timeline.py", "pages/sources.py",
         "pages/places.py"]


def app() -> AppTest:
    at = AppTest.from_file(str(DASHBOARD), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_overview_counts_the_bundled_corpus():
    at = app()
    assert metric(at, "Articles") == "5"
    assert metric(at, "Incidents") == "20"
    assert int(metric(at, "Places")) >= 10
    assert any("GeoNames" in c.value for c in at.sidebar.caption)


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_without_exception(page):
    at = app()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    assert at.title[0].value in {"Map", "Incidents", "Timeline", "Sources", "Places"}


def test_event_type_filter_changes_the_counts_and_the_url():
    at = app()
    before = int(metric(at, "Incidents"))
    at.sidebar.multiselect(key="w_f_types").set_value(["Battles"]).run()
    after = int(metric(at, "Incidents"))
    assert 0 < after < before
    assert at.query_params["type"] in ("Battles", ["Battles"])


def test_filters_are_shared_by_every_page():
    at = app()
    at.sidebar.text_input(key="w_f_place").set_value("Chernihiv").run()
    at.switch_page("pages/map.py").run()
    assert not at.exception
    (component,) = [c for c in at.get("component_instance")]
    args = json.loads(component.proto.json_args)
    # The map draws only what passes the filters: Chernihiv's one marker.
    assert "Chernihiv" in args["script"] and "Kherson" not in args["script"]


def test_min_outlets_filter():
    at = app()
    at.sidebar.number_input(key="w_f_min_outlets").set_value(4).run()
    assert 0 < int(metric(at, "Incidents")) < 20


def test_filters_come_from_the_url():
    at = AppTest.from_file(str(DASHBOARD), default_timeout=120)
    at.query_params["q"] = "Kherson"
    at.run()
    assert at.sidebar.text_input(key="w_f_place").value == "Kherson"
    assert metric(at, "Incidents") == "1"


def test_reader_opens_the_article_of_the_link():
    at = AppTest.from_file(str(DASHBOARD), default_timeout=120)
    at.run()
    at.query_params["article"] = "003_63e94df4db2917e2"
    at.query_params["sentence"] = "0"
    at.switch_page("pages/sources.py").run()
    assert not at.exception
    assert at.selectbox(key="reader_article").value == "003_63e94df4db2917e2"
    html = " ".join(h.proto.body for h in at.get("html"))
    assert "Freedom Square" in html and 'class="mention"' in html


def test_add_and_places_pages_render():
    at = app()
    at.switch_page("pages/add.py").run()
    assert not at.exception and at.title[0].value == "Add articles"
    at.switch_page("pages/places.py").run()
    assert not at.exception
    picks = at.selectbox(key="places_pick")
    assert any("Brest region" in option for option in picks.options)


def test_play_steps_through_every_day_and_stops():
    at = app()
    at.switch_page("pages/map.py").run()
    days = [o for o in at.select_slider(key="map_day").options if o != "All days"]
    assert days == ["2022-03-01", "2022-03-02", "2022-03-03"]
    at.button[0].click().run(timeout=60)
    assert not at.exception
    assert at.session_state["map_day"] == days[-1]
    assert at.session_state["playing"] is False


@pytest.mark.parametrize("name", ["![p](https://evil.example/x.png)",
                                  "[click](https://evil.example)", "<img src=x>", "**Kyiv**"])
def test_markdown_in_names_and_file_names_is_shown_as_text(name):
    # Headings, captions and tooltips render Markdown: a place name, an alias or an article
    # id taken from a file name must come out as the same characters, never as an image,
    # a link or HTML that would fetch from another host.
    markdown_it = pytest.importorskip("markdown_it")
    import dashboard_data

    rendered = markdown_it.MarkdownIt("commonmark").render(dashboard_data.md_escape(name))
    assert "<img" not in rendered and "<a " not in rendered and "<strong>" not in rendered
    text = rendered.removeprefix("<p>").removesuffix("</p>\n")
    assert html.unescape(text) == name


@pytest.mark.parametrize("text", ["![p](https://evil.example/x.png)",
                                  "see https://evil.example/x.png and www.evil.example",
                                  "write to press@evil.example"])
def test_a_bare_address_in_article_text_cannot_become_a_link(text):
    # Streamlit's Markdown turns a bare "https://...", "www...." or "a@b.c" into a link on
    # its own (GitHub's autolinks): escaped text holds none of those patterns, and still
    # reads back as the same characters.
    markdown_it = pytest.importorskip("markdown_it")
    import dashboard_data

    escaped = dashboard_data.md_escape(text)
    assert re.search(r"https?://|www\.|[^\\]@", escaped) is None
    rendered = markdown_it.MarkdownIt("commonmark").render(escaped)
    assert html.unescape(rendered.removeprefix("<p>").removesuffix("</p>\n")) == text


def test_one_online_geocoder_per_server_holds_the_rate_limit_across_clicks(tmp_path,
                                                                         monkeypatch):
    import dashboard_data
    from geo.store.db import Store

    monkeypatch.setattr(dashboard_data, "store", lambda: Store(tmp_path / "s.sqlite"))
    settings = json.dumps({"enabled": True, "service": "nominatim", "domain": "127.0.0.1:9",
                           "scheme": "http"})
    first = dashboard_data.online_geocoder(settings)
    # Another click, another session: the same instance, so its lock and last request time
    # (the 1 request/s limit) are shared.
    assert dashboard_data.online_geocoder(settings) is first
    dashboard_data.online_geocoder.clear()


def test_an_incident_card_says_why_its_reports_merged_and_shows_each_ones_figures():
    at = AppTest.from_file(str(DASHBOARD), default_timeout=120)
    at.query_params["location"] = "gn:710735"  # Chernihiv: one strike, four articles
    at.run()
    at.switch_page("pages/map.py").run()
    assert not at.exception, at.exception
    captions = [c.value for c in at.caption]
    merged = [c for c in captions if "merged" in c and "same" in c]
    assert merged and "Chernihiv" in merged[0], captions
    quotes = [h.proto.body for h in at.get("html") if "<blockquote" in h.proto.body]
    assert any("killed:" in q for q in quotes), quotes[:2]


def test_minimum_independent_sources_filters_every_page_and_the_url():
    at = app()
    before = int(metric(at, "Incidents"))
    at.sidebar.number_input(key="w_f_min_independent").set_value(2).run()
    after = int(metric(at, "Incidents"))
    assert 0 < after < before  # the Chernihiv strike, four outlets, stays
    assert at.query_params["min_independent"] in ("2", ["2"])
    at.switch_page("pages/incidents.py").run()
    assert not at.exception, at.exception
    (table,) = [d for d in at.dataframe]
    assert len(table.value) == after and (table.value["independent_sources"] >= 2).all()


def test_the_timeline_counts_fatalities_as_well_as_incidents():
    at = app()
    at.switch_page("pages/timeline.py").run()
    assert not at.exception, at.exception
    (measure,) = [w for w in at.get("button_group")]
    measure.set_value("Fatalities").run()
    assert not at.exception, at.exception
    per_day, heat = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    assert per_day["encoding"]["y"]["field"] == "fatalities"
    assert heat["encoding"]["color"]["field"] == "fatalities"
    # Sorted by the measure: the 33-dead Chernihiv strike leads.
    assert heat["encoding"]["y"]["sort"][0] == "Chernihiv"


def test_the_maps_day_marker_size_and_place_travel_in_its_link():
    at = AppTest.from_file(str(DASHBOARD), default_timeout=120)
    at.query_params.update({"day": "2022-03-03", "size": "fatalities",
                            "location": "gn:710735"})
    at.run()
    at.switch_page("pages/map.py").run()
    assert not at.exception, at.exception
    assert at.radio(key="map_size_by").value == "fatalities"
    assert at.select_slider(key="map_day").value == "2022-03-03"
    assert at.query_params["day"] in ("2022-03-03", ["2022-03-03"])
    at.radio(key="map_size_by").set_value("incidents").run()
    assert "size" not in at.query_params  # the default leaves the link short


def test_a_restore_under_a_running_dashboard_shows_the_restored_data(tmp_path, monkeypatch):
    from geo.gazetteer.index import Gazetteer
    from geo.store.db import Store
    from geo.store.ingest import ingest

    monkeypatch.setenv("GEO_STORE", str(tmp_path / "live.sqlite"))
    at = app()
    assert metric(at, "Incidents") == "20"  # the bundled articles
    other = Store(tmp_path / "other.sqlite")
    ingest(other, [("k.txt", b"Russian forces shelled Kharkiv on March 5, 2022.")],
           Gazetteer.load())
    Store(tmp_path / "live.sqlite").restore(other.backup(tmp_path / "backup.sqlite"))
    at.run()  # the same session, after the swap
    assert not at.exception, at.exception
    assert metric(at, "Incidents") == "1"


def test_a_bad_stored_row_offers_a_correction_and_refuses_an_unknown_zone(tmp_path,
                                                                          monkeypatch):
    from geo.store.db import Store

    # A store of its own: the row is spoiled on purpose.
    monkeypatch.setenv("GEO_STORE", str(tmp_path / "bad.sqlite"))
    at = app()
    store = Store(tmp_path / "bad.sqlite")
    victim = sorted(a.id for a in store.articles())[0]
    with store.write() as conn:
        conn.execute("UPDATE articles SET timezone = 'Mars/Base' WHERE id = ?", (victim,))
    at.switch_page("pages/sources.py").run()
    assert not at.exception, at.exception
    shown = [w.value.replace("\\", "") for w in at.warning]  # Markdown-escaped
    assert any(victim in w and "cannot be used" in w for w in shown), shown
    at.text_input(key=f"fix_zone_{victim}").set_value("Mars/Olympus")
    at.button[[b.label for b in at.button].index("Correct and process again")].click().run()
    assert any("unknown time zone" in e.value for e in at.error)
    (kept,) = [a for a in store.articles() if a.id == victim]
    assert kept.timezone == "Mars/Base"  # nothing written


@pytest.mark.parametrize("params, view", [
    ({"c": "50.4500,30.5200", "z": "10"}, ((50.45, 30.52), 10)),
    ({"c": "50.45,30.52"}, None),  # no zoom: the map fits its markers
    ({"c": "95,30", "z": "8"}, None),  # off the globe
    ({"c": "50,30", "z": "40"}, None),  # beyond Leaflet's zoom range
    ({"c": "<script>,1", "z": "8"}, None),
    ({}, None),
])
def test_a_link_s_map_view_is_read_only_when_valid(params, view):
    import dashboard_data

    assert dashboard_data.view_from_params(params) == view


def test_the_map_steps_by_week_and_a_week_travels_in_its_link():
    at = app()
    at.switch_page("pages/map.py").run()
    (step,) = [w for w in at.get("button_group") if w.label == "Step"]
    step.set_value("Week").run()
    assert not at.exception, at.exception
    # 1-3 March 2022 fall in ISO week 9 (Monday 28 February to Sunday 6 March).
    assert at.select_slider(key="map_day").options == ["All days", "28 Feb – 06 Mar 2022"]
    at.select_slider(key="map_day").set_value("2022-W09").run()
    assert not at.exception, at.exception
    assert at.query_params["day"] in ("2022-W09", ["2022-W09"])
    # Back to days: the week view lets go.
    [w for w in at.get("button_group") if w.label == "Step"][0].set_value("Day").run()
    assert not at.exception, at.exception
    assert at.select_slider(key="map_day").options[1:] == ["2022-03-01", "2022-03-02",
                                                           "2022-03-03"]
    linked = AppTest.from_file(str(DASHBOARD), default_timeout=120)
    linked.query_params["day"] = "2022-W09"
    linked.run()
    linked.switch_page("pages/map.py").run()
    assert not linked.exception, linked.exception
    assert linked.session_state["map_step"] == "Week"
    assert linked.select_slider(key="map_day").value == "2022-W09"


def test_a_week_period_covers_monday_to_sunday():
    import dashboard_data as d

    week = d.period_range("2022-W09")
    assert week == (pd.Timestamp("2022-02-28"), pd.Timestamp("2022-03-07"))
    assert d.week_of(dt.date(2022, 3, 6)) == "2022-W09" and d.week_of(dt.date(2022, 3, 7)) \
        == "2022-W10"
    assert d.period_range("2022-03-03") == (pd.Timestamp("2022-03-03"),
                                            pd.Timestamp("2022-03-04"))
    assert d.period_range("2022-W60") is None and d.period_range("nonsense") is None
    frame = pd.DataFrame({"event_date": pd.to_datetime(["2022-02-27", "2022-02-28",
                                                        "2022-03-06", "2022-03-07"])})
    assert list(d.in_period(frame, "2022-W09")["event_date"].dt.day) == [28, 6]



def test_a_card_says_why_each_report_is_placed_and_dated():
    import datetime as dt

    import dashboard_data
    from geo.pipeline import run_pipeline
    from geo.records import Article

    text = ("Russian forces shelled Kupiansk on Wednesday, killing two people, the governor "
            "said.\n\nAnother shell hit a house there, he said.")
    result = run_pipeline([Article(id="card", text=text, outlet="Test <Wire>",
                                   published=dt.date(2024, 7, 5))])
    captions = [dashboard_data.report_caption_html(r)
                for r in result.reports.itertuples(index=False)]
    first = captions[0]
    # The place: the resolver's reason for "Kupiansk"; the day: the sentence's own words.
    assert "placed at “Kupiansk”: the only place of that name" in first
    assert "03 Jul 2024 (“Wednesday”)" in first and "Test &lt;Wire&gt;" in first
    assert all("(publication)" not in c for c in captions)
