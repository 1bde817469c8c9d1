"""News incident map: the Overview page, and the entry point. Streamlit finds the other pages
in ``pages/``; every page draws the same navigation and filters (``dashboard_data``).

    streamlit run dashboard.py
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

import dashboard_data as data
from geo.exports import INCIDENT_FILES, backup_job, incident_files_job
from geo.maps import build_incident_map
from geo.pipeline import PipelineResult
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
    left, right = st.columns([3, 2])
    with left:
        st.subheader("Where")
        st_folium(build_incident_map(data.map_locations(incidents), heatmap=False,
                                     tile_sets=list_tile_sets()),
                  key="overview_map", height=420, use_container_width=True,
                  returned_objects=[])
    with right:
        st.subheader("Most hit locations")
        top = data.map_locations(incidents).sort_values(
            ["incidents", "fatalities"], ascending=False).head(10)
        st.dataframe(top[["location", "admin1", "incidents", "fatalities", "reports"]],
                     hide_index=True, width="stretch")
        st.page_link("pages/map.py", label="Open the map", icon=":material/map:",
                     query_params=data.filter_params(filters))
    downloads(incidents)
    st.subheader("Latest incidents")
    latest = incidents.sort_values(["event_date", "outlets"], ascending=False).head(10)
    st.dataframe(latest[["event_date", "location", "admin1", "event_type", "sub_event_type",
                         "fatalities", "outlets", "notes"]],
                 hide_index=True, width="stretch",
                 column_config={"event_date": st.column_config.DateColumn("date")})


result, filters = data.setup_page("Overview")
overview(result, filters)
