"""News incident map: the Overview page, and the entry point. Streamlit finds the other pages
in ``pages/``; every page draws the same navigation and filters (``dashboard_data``).

    streamlit run dashboard.py
"""

from __future__ import annotations

import datetime as dt
from functools import partial

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

import dashboard_data as data
from geo.exports import INCIDENT_FILES
from geo.maps import build_incident_map
from geo.nlp.events import EVENT_TYPES
from geo.pipeline import PipelineResult
from geo.store import watch
from geo.store.db import Store
from geo.store.downloads import backup_job, incident_files_job
from geo.tiles import list_tile_sets

INCIDENT_LABELS = {"incidents.csv": "Incidents (ACLED-style CSV)",
                   "daily.csv": "Daily table (CSV)",
                   "incidents.geojson": "Incidents (GeoJSON)"}


def downloads(incidents: pd.DataFrame) -> None:
    """The filtered incidents as files, and a full backup of the store. Small ones are made
    when their button is clicked (not on every view of the page); big ones are prepared by
    the server's background worker, with the queue position and progress shown."""
    st.subheader("Download")
    cols = st.columns(4)
    mime = {name: kind for name, (_, kind) in INCIDENT_FILES.items()}
    mime["backup.sqlite"] = "application/vnd.sqlite3"
    if len(incidents) > data.EXPORT_JOB_ROWS:
        if cols[0].button("Prepare the incident files",
                          help=f"ACLED-style CSV, daily table and GeoJSON of the "
                               f"{len(incidents):,} incidents, made in the background; "
                               "download them below when ready."):
            data.prepare_download(f"Incident files: {len(incidents):,} incidents",
                                  incident_files_job, incidents)
    else:
        # A download changes nothing on the page: no rerun (which would redraw the map, and
        # drop a second click made while it runs).
        for col, (name, label) in zip(cols, INCIDENT_LABELS.items(), strict=False):
            make, kind = INCIDENT_FILES[name]
            col.download_button(label, partial(make, incidents), file_name=name, mime=kind,
                                on_click="ignore")
    if data.store_bytes() > data.BACKUP_JOB_BYTES:
        if cols[3].button("Prepare a full backup of the store",
                          help="Made in the background; download it below when ready. "
                               "Load it back with: python -m geo restore backup.sqlite"):
            data.prepare_download("Full backup of the store", backup_job,
                                  str(data.store().path))
    else:
        cols[3].download_button("Full backup of the store", data.backup_bytes,
                                file_name="backup.sqlite", mime="application/vnd.sqlite3",
                                help="Load it back with: python -m geo restore backup.sqlite",
                                on_click="ignore")
    st.caption("The files hold the incidents that pass the filters; the backup holds "
               "everything (articles, corrections, settings).")
    data.follow_downloads(mime)


def overview(result: PipelineResult, filters: data.Filters) -> None:
    """Counts, the most hit locations, a small map and the latest incidents."""
    incidents = data.filtered_incidents(filters)
    st.title("News incident map")
    st.caption("Incidents extracted from news articles, located with an offline gazetteer. "
               "Every point leads to the sentences that report it.")
    for warning in result.warnings:
        st.warning(warning)
    places = incidents["location_id"].nunique()
    days = incidents["event_date"].nunique()
    outlets = {o for s in incidents["sources"] for o in s.split(";") if o}
    cols = st.columns(5)
    behind = {a for ids in incidents["articles"] for a in ids.split(";") if a}
    cols[0].metric("Articles", len(behind), help=f"behind these incidents; "
                                                 f"{len(result.articles)} in the store")
    cols[1].metric("Outlets", len(outlets))
    cols[2].metric("Places", places)
    cols[3].metric("Incidents", len(incidents))
    cols[4].metric("Days", days)
    if incidents.empty:
        st.info("No incident matches the filters.")
        return
    fresh = whats_new(incidents)
    watch_rules()
    left, right = st.columns([3, 2])
    with left:
        st.subheader("Where")
        # What is new since the time asked has a red rim. A box drawn with the rectangle
        # tool fills the watch rule form's box; nothing else on the map reruns the page.
        st_folium(build_incident_map(data.map_locations(incidents), heatmap=False,
                                     tile_sets=list_tile_sets(),
                                     highlight=set(fresh["location_id"]), draw_box=True),
                  key="overview_map", height=420, use_container_width=True,
                  returned_objects=["all_drawings"], on_change=use_drawn_box)
        # Told under the map, where the analyst looks: a note above it would push the map
        # down the page just as the box is drawn.
        drawn = st.session_state.get("rule_box_drawn")
        st.caption(data.md_escape(
            f"Box drawn: {drawn} (south, west, north, east). It is in the watch rule form "
            "above (Watch rules, “Rules, and add a rule”): name the rule and add it."
            if drawn else "Draw a box with the rectangle tool (under the zoom buttons) to "
                          "make it a watch rule's area (Watch rules, above)."))
    with right:
        st.subheader("Most hit locations")
        top = data.map_locations(incidents).sort_values(
            ["incidents", "fatalities"], ascending=False).head(10)
        st.dataframe(top[["display_name", "admin1", "incidents", "fatalities", "reports"]],
                     hide_index=True, width="stretch", column_config={"display_name": "place"})
        st.page_link("pages/map.py", label="Open the map", icon=":material/map:",
                     query_params=data.filter_params(filters))
    downloads(incidents)
    st.subheader("Latest incidents")
    latest = incidents.sort_values(["event_date", "outlets"], ascending=False).head(10)
    st.dataframe(latest[["event_date", "display_name", "admin1", "event_type", "sub_event_type",
                         "fatalities", "outlets", "review_state", "notes"]],
                 hide_index=True, width="stretch",
                 column_config={"event_date": st.column_config.DateColumn("date"),
                                "display_name": "place"})


def whats_new(incidents: pd.DataFrame) -> pd.DataFrame:
    """The incidents passing the filters with an article stored since this browser's last
    visit (or since a time the analyst chooses), listed; returned for the map's highlight."""
    st.subheader("What is new")
    last = data.last_visit()
    cols = st.columns([2, 1, 1])
    choices = ["since my last visit", "since a time I choose"]
    mode = cols[0].radio("Show what came in", choices, horizontal=True, key="new_mode")
    if mode == choices[0]:
        # A first visit: the last day.
        since = last or dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
        cols[1].caption(f"Last visit from this browser: {since:%d %b %Y %H:%M} UTC"
                        if last else "First visit from this browser: the last 24 hours.")
    else:
        day = cols[1].date_input("From day", value=dt.date.today() - dt.timedelta(days=1),
                                 key="new_day")
        at = cols[2].time_input("At (UTC)", value=dt.time(0, 0), key="new_time")
        since = dt.datetime.combine(day, at, tzinfo=dt.UTC)
    fresh = data.new_incidents(since)
    fresh = fresh[fresh["event_id"].isin(incidents["event_id"])]
    if fresh.empty:
        st.caption("Nothing new passes the filters.")
    else:
        st.caption(f"{len(fresh)} incident(s) new or with a new article; red rim on the map.")
        shown = fresh.assign(what=fresh["new"].map({True: "new", False: "new article"}))
        st.dataframe(shown[["last_added", "what", "event_date", "display_name", "admin1",
                            "event_type", "sub_event_type", "fatalities", "review_state"]],
                     hide_index=True, width="stretch", height=min(35 * len(shown) + 38, 250),
                     column_config={
                         "last_added": st.column_config.DatetimeColumn(
                             "stored (UTC)", format="YYYY-MM-DD HH:mm"),
                         "event_date": st.column_config.DateColumn("date"),
                         "display_name": "place"})
    data.remember_visit()
    return fresh


def watch_rules() -> None:
    """The watch rules' matches, refreshed every two seconds (an ingest from any session or
    the command line is listed within seconds), the rules and a form to add one."""
    st.subheader("Watch rules")
    st.fragment(_matches_panel, run_every=2.0)()
    current = data.store()
    with st.expander("Rules, and add a rule"):
        for rule in watch.load_rules(current):
            cols = st.columns([6, 1])
            cols[0].markdown(data.md_escape(rule.describe()))
            if cols[1].button("Delete", key=f"rule-del-{rule.id}"):
                watch.remove_rule(current, rule.id)
                st.rerun()
        with st.form("add-rule"):
            cols = st.columns(3)
            name = cols[0].text_input("Rule name", placeholder="e.g. Kharkiv shelling")
            place = cols[1].text_input("Place (centre)", placeholder="e.g. Kharkiv")
            radius = cols[2].number_input("Radius (km)", min_value=1.0, max_value=2000.0,
                                          value=25.0, step=5.0)
            box = st.text_input("…or a box: south, west, north, east (or draw it on the map)",
                                placeholder="e.g. 47.0, 36.5, 48.5, 38.5", key="rule_box")
            cols = st.columns(2)
            types = cols[0].multiselect("Event types", EVENT_TYPES, placeholder="Any type")
            toll = cols[1].number_input("At least this many killed", min_value=0, value=0)
            if st.form_submit_button("Add the rule"):
                add_rule(current, name, place, radius, box, types, int(toll))


def use_drawn_box() -> None:
    """The box just drawn on the overview map, put in the rule form's box field (a callback
    of the map: it runs before the page, so the field can still be set)."""
    drawings = (st.session_state.get("overview_map") or {}).get("all_drawings")
    box = watch.box_from_geojson(drawings)
    if box is None:  # a click on a point, not a drawing: the field keeps what was typed
        return
    st.session_state["rule_box"] = st.session_state["rule_box_drawn"] = watch.box_text(box)


def add_rule(current: Store, name: str, place: str, radius: float, box: str,
             types: list[str], toll: int) -> None:
    try:
        if box.strip():
            corners = [float(v) for v in box.replace(";", ",").split(",")]
            if len(corners) != 4:
                raise ValueError("a box is four numbers: south, west, north, east")
            watch.add_rule(current, name=name or "box", box=corners, event_types=types,
                           min_fatalities=toll)
        else:
            found = data.place_point(place) if place.strip() else None
            if found is None:
                raise ValueError(f"the gazetteer knows no place named “{place}”"
                                 if place.strip() else "give a place or a box")
            watch.add_rule(current, name=name or found[0], lat=found[1], lon=found[2],
                           radius_km=radius, event_types=types, min_fatalities=toll)
    except ValueError as exc:
        st.error(data.md_escape(f"Not added: {exc}."))
        return
    # The drawn box is used: its note goes (the box stays on the map until another is drawn).
    st.session_state.pop("rule_box_drawn", None)
    st.rerun()


def _matches_panel() -> None:
    matches = data.watch_matches()
    json_path, csv_path = watch.matches_paths(data.store())
    if matches.empty:
        st.caption("No match yet. A rule matches incidents in its area, of its types and toll, "
                   "with an article stored after the rule was made.")
    else:
        # The latest as lines (read at a glance), every match in the table below them.
        for m in matches.head(5).itertuples(index=False):
            killed = "" if pd.isna(m.fatalities) else f", {int(m.fatalities)} killed"
            st.markdown(data.md_escape(
                f"{str(m.found_at)[:16].replace('T', ' ')} UTC · {m.rule}: {m.location} "
                f"({m.event_date}), {m.sub_event_type}{killed}"))
        with st.expander(f"All {len(matches)} matches"):
            st.dataframe(matches[["found_at", "rule", "event_date", "location", "event_type",
                                  "sub_event_type", "fatalities"]],
                         hide_index=True, width="stretch")
    st.caption(data.md_escape(f"Also in {json_path} and {csv_path} for your own tools "
                              "(rewritten after each ingest; nothing is sent anywhere)."))


result, filters = data.setup_page("Overview")
overview(result, filters)
