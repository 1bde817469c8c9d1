"""Timeline: incidents or fatalities per day by event type, and a location × day table
coloured by the same measure (a 33-dead strike no longer looks like a zero-dead
announcement); a click on a cell opens the map on that day and place."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import altair as alt
import pandas as pd
import streamlit as st

import dashboard_data as data
from geo.maps import event_type_colors
from geo.pipeline import PipelineResult
from geo.tables import daily_table

MEASURES = {"Incidents": "incidents", "Fatalities": "fatalities"}


def per_day_chart(incidents: pd.DataFrame, measure: str = "incidents") -> alt.Chart:
    """Bars per day and event type, on a time axis in UTC (days are calendar dates: the
    analyst's browser zone must not move a bar or a brushed range by a day). Dragging across
    it brushes a date range (the selection ``range``)."""
    grouped = incidents.assign(fatalities=incidents["fatalities"].fillna(0).astype(int)).groupby(
        [incidents["event_date"].dt.date.rename("day"), "event_type"])
    counts = pd.DataFrame({"incidents": grouped.size(),
                           "fatalities": grouped["fatalities"].sum()}).reset_index()
    # A date-only ISO string is read as UTC midnight by the browser.
    counts["day"] = pd.to_datetime(counts["day"]).dt.strftime("%Y-%m-%d")
    colors = event_type_colors()
    brush = alt.selection_interval(name="range", encodings=["x"])
    return alt.Chart(counts).mark_bar().encode(
        x=alt.X("utcyearmonthdate(day):T", title="Day",
                axis=alt.Axis(labelAngle=0, format="%d %b %Y", tickCount="day")),
        y=alt.Y(f"{measure}:Q", title=measure.capitalize()),
        color=alt.Color("event_type:N", title="Event type",
                        legend=alt.Legend(labelLimit=260, orient="bottom", columns=3),
                        scale=alt.Scale(domain=list(colors), range=list(colors.values()))),
        tooltip=[alt.Tooltip("day:N", title="day"), "event_type:N", "incidents:Q",
                 "fatalities:Q"],
    ).add_params(brush).properties(height=260)


def brushed_days(selection: Mapping | None) -> tuple[dt.date, dt.date] | None:
    """The calendar days a brush on :func:`per_day_chart` covers: every day whose bar it
    touches (a bar spans its day, UTC). ``None`` for no brush."""
    if not selection:
        return None
    for bounds in selection.values():
        if isinstance(bounds, list | tuple) and len(bounds) == 2:
            try:
                low, high = sorted(float(b) for b in bounds)
            except (TypeError, ValueError):
                return None
            # An end exactly at midnight only touches the next day's bar.
            first = dt.datetime.fromtimestamp(low / 1000, dt.UTC).date()
            last = dt.datetime.fromtimestamp((high - 1) / 1000, dt.UTC).date()
            return first, max(first, last)
    return None


def apply_brush(selection: Mapping | None, filters: data.Filters) -> None:
    """Make a new brush the date filter of every page. Only a brush the analyst has just
    drawn counts: the chart keeps its last selection, which must not undo a date typed in
    the sidebar afterwards."""
    days = brushed_days(selection)
    seen = st.session_state.get("_timeline_brush")
    st.session_state["_timeline_brush"] = days
    if days is None or days == seen or days == (filters.start, filters.end):
        return
    st.session_state["f_start"], st.session_state["f_end"] = days
    st.rerun()


def heat_table(daily: pd.DataFrame, measure: str = "incidents") -> alt.Chart:
    cells = daily.assign(day=daily["event_date"].dt.strftime("%Y-%m-%d"),
                         fatalities=daily["fatalities"].fillna(0).astype(int))
    pick = alt.selection_point(name="cell", fields=["location_id", "day"], on="click")
    order = (cells.groupby("display_name")[measure].sum().sort_values(ascending=False).index
             .tolist())
    return alt.Chart(cells).mark_rect(stroke="white").encode(
        x=alt.X("day:O", title="Day", axis=alt.Axis(labelAngle=0, orient="top")),
        y=alt.Y("display_name:N", sort=order, title=None, axis=alt.Axis(labelOverlap=False)),
        color=alt.Color(f"{measure}:Q", scale=alt.Scale(scheme="orangered"),
                        title=measure.capitalize(),
                        legend=alt.Legend(format="d", tickMinStep=1)),
        opacity=alt.condition(pick, alt.value(1), alt.value(0.5)),
        tooltip=[alt.Tooltip("display_name:N", title="place"), "admin1:N", "day:O",
                 "incidents:Q", "fatalities:Q",
                 "event_types:N"],
    ).add_params(pick).properties(height=max(160, 28 * len(order)))


def open_on_map(location_id: str | None, day: str | None) -> None:
    """Switch to the map on that place and day, keeping the filters."""
    if location_id:
        st.session_state["map_location"] = location_id
    if day:
        st.session_state["map_day"] = day
    params = data.filter_params(data.current_filters())  # the filters travel with the link
    params |= {k: v for k, v in {"location": location_id, "day": day}.items() if v}
    st.switch_page("pages/map.py", query_params=params)


def page(result: PipelineResult, filters: data.Filters) -> None:
    st.title("Timeline")
    incidents = data.filtered_incidents(filters)
    if incidents.empty:
        st.info("No incident matches the filters.")
        return
    label = st.segmented_control("Count", list(MEASURES), default="Incidents",
                                 key="timeline_measure") or "Incidents"
    measure = MEASURES[label]
    st.caption("Drag across the bars to show only those days, on every page.")
    event = st.altair_chart(per_day_chart(incidents, measure), width="stretch",
                            on_select="rerun", selection_mode="range",
                            # A fresh chart per range: the old brush is not drawn over it.
                            key=f"per_day_{measure}_{filters.start}_{filters.end}")
    apply_brush(event.selection.get("range") if event else None, filters)
    if filters.start or filters.end:
        if st.button("Show all days", key="timeline_all_days"):
            st.session_state["f_start"] = st.session_state["f_end"] = None
            st.rerun()
    st.subheader("Locations by day")
    st.caption("Click a cell to open the map on that place and day.")
    daily = daily_table(incidents)
    event = st.altair_chart(heat_table(daily, measure), width="stretch", on_select="rerun",
                            key=f"heat_{measure}", selection_mode="cell")
    picked = (event.selection.get("cell") or [None])[0] if event else None
    if picked:
        open_on_map(picked.get("location_id"), picked.get("day"))
    with st.expander("Open a place or a day on the map"):
        names = dict(zip(daily["location_id"], daily["display_name"], strict=False))
        cols = st.columns(3)
        place = cols[0].selectbox("Place", [None, *names], format_func=lambda k: names.get(
            k, "—"), key="timeline_place")
        day = cols[1].selectbox("Day", [None, *sorted(daily["event_date"].dt.strftime(
            "%Y-%m-%d").unique())], key="timeline_day")
        if cols[2].button("Open on map", disabled=not (place or day)):
            open_on_map(place, day)


page(*data.setup_page("Timeline"))
