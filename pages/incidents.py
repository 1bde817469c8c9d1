"""Incidents: every incident passing the filters as one sortable table (date, place and its
precision, type, actors, fatality best/min/max, injuries, outlets, independent sources); a
row picked opens its card with the sentences behind it, each linking to the reader, and a
link to the map on that place and day."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import dashboard_data as data
from geo.pipeline import PipelineResult

COLUMNS = {
    "event_date": st.column_config.DateColumn("date", format="YYYY-MM-DD"),
    # The place as the articles spell it; the gazetteer's name (what exports carry as
    # ``location``) is the last column.
    "display_name": "place", "admin1": "region",
    "geo_precision": st.column_config.NumberColumn(
        "where ±", help="ACLED's geo precision: 1 the place itself, 2 near it, 3 its region"),
    "time_precision": st.column_config.NumberColumn(
        "when ±", help="ACLED's time precision: 1 the day, 2 within a week, 3 the month"),
    "event_type": "type", "sub_event_type": "sub-type",
    # What a person has checked, beside what the machine read (``geo.review``).
    "review_state": st.column_config.TextColumn(
        "review", help="unreviewed (the machine's reading), reviewed, corroborated (by an "
                       "analyst, or automatically by two independent sources) or disputed"),
    "reviewed_by": "reviewed by",
    "actor1": "actor 1",
    "actor2": "actor 2",
    "fatalities": st.column_config.NumberColumn("killed", help="best estimate"),
    "fatalities_min": "killed (min)", "fatalities_max": "killed (max)",
    "injuries": "injured", "outlets": "outlets",
    "independent_sources": st.column_config.NumberColumn(
        "independent", help="outlets not copying one wire story"),
    "location": st.column_config.TextColumn(
        "GeoNames name", help="the gazetteer's name of the place, as the exports write it"),
}


def page(result: PipelineResult, filters: data.Filters) -> None:
    st.title("Incidents")
    incidents = data.filtered_incidents(filters)
    st.caption(f"{len(incidents)} incidents pass the filters. Click a column to sort; pick a "
               "row for its sentences.")
    if incidents.empty:
        st.info("No incident matches the filters.")
        return
    table = incidents.sort_values(["event_date", "fatalities"], ascending=[False, False])
    picked = st.dataframe(table[list(COLUMNS)], column_config=COLUMNS, hide_index=True,
                          width="stretch", height=460, on_select="rerun",
                          selection_mode="single-row", key="incidents_table")
    rows = picked.selection.rows if picked is not None else []
    if not rows:
        return
    incident = table.iloc[rows[0]]
    reports = result.reports[result.reports["event_id"] == incident["event_id"]]
    data.incident_card(incident, reports, key=incident["event_id"])
    data.review_form(incident, reports, key=incident["event_id"])
    st.page_link("pages/map.py", label="Show on the map", icon=":material/map:",
                 query_params={**data.filter_params(filters),
                               "location": incident["location_id"],
                               "day": pd.Timestamp(incident["event_date"]).date().isoformat()})


page(*data.setup_page("Incidents"))
