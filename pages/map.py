"""Map: one marker per location, sized by incidents or fatalities, coloured by event type;
click a marker to read its incidents and their sentences. A day or week slider plays
through time."""

from __future__ import annotations

import time
from collections.abc import Mapping

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

import dashboard_data as data
from geo.acled import SUB_EVENT_TYPES
from geo.pipeline import PipelineResult

PLAY_SECONDS = 1.5
# The map's share of the content width and its height in pixels: at 1400×1000 the map is
# two thirds of the content, the cards keep room to read, and the controls above the map
# and the map fit on the screen.
MAP_SHARE = 0.68
MAP_HEIGHT = 740


STEPS = ("Day", "Week")
ALL = "All days"


def periods(incidents: pd.DataFrame, step: str) -> list[str]:
    """The periods to step through: each day with incidents, or each ISO week with some."""
    days = sorted(incidents["event_date"].dt.date.unique())
    if step == "Week":
        return sorted({data.week_of(d) for d in days})
    return [d.isoformat() for d in days]


def _period_label(period: str) -> str:
    if period == ALL:
        return period
    bounds = data.period_range(period)
    if bounds is None or "-W" not in period:
        return period
    last = bounds[1] - pd.Timedelta(days=1)
    return f"{bounds[0]:%d %b} – {last:%d %b %Y}"


def day_choice(incidents: pd.DataFrame) -> str | None:
    """The period slider, by day or by week, with play-through; None means every day."""
    # A week arriving from a link (or a play step) opens the week view, once per week: an
    # analyst who then switches to days must stay there.
    period = str(st.session_state.get("map_day") or "")
    if "-W" in period and st.session_state.get("_map_week_seen") != period:
        st.session_state["_map_week_seen"] = period
        st.session_state["map_step"] = "Week"
    cols = st.columns([3, 5, 2])
    step = cols[0].segmented_control("Step", STEPS, key="map_step") or "Day"
    options = [ALL, *periods(incidents, step)]
    # A step of the play-through is handed over here, before the slider exists: a widget's
    # value cannot be set once it is drawn in the run.
    if "map_day_next" in st.session_state:
        st.session_state["map_day"] = st.session_state.pop("map_day_next")
    if st.session_state.get("map_day") not in options:
        st.session_state["map_day"] = ALL
    cols[1].select_slider("Week" if step == "Week" else "Day", options=options, key="map_day",
                          format_func=_period_label)
    playing = st.session_state.get("playing", False)
    cols[2].button("⏸ Pause" if playing else "▶ Play", width="stretch",
                   disabled=len(options) < 3, on_click=_toggle_play, args=(options,))
    day = st.session_state["map_day"]
    return None if day == ALL else day


def _toggle_play(options: list[str]) -> None:
    playing = not st.session_state.get("playing", False)
    st.session_state["playing"] = playing
    if playing and st.session_state.get("map_day") in (ALL, options[-1]):
        st.session_state["map_day"] = options[1]  # start from the first period


def advance_day(incidents: pd.DataFrame) -> None:
    """When playing, wait, step to the next day or week and rerun; stop at the last one."""
    if not st.session_state.get("playing"):
        return
    steps = periods(incidents, st.session_state.get("map_step") or "Day")
    current = st.session_state.get("map_day")
    following = steps[steps.index(current) + 1:] if current in steps else []
    time.sleep(PLAY_SECONDS)
    if following:
        st.session_state["map_day_next"] = following[0]
    else:
        st.session_state["playing"] = False
    st.rerun()


def selected_location(clicked: dict | None) -> str | None:
    """The clicked location (remembered across reruns and in the URL)."""
    if clicked and isinstance(clicked.get("last_active_drawing"), dict):
        props = clicked["last_active_drawing"].get("properties") or {}
        if props.get("location_id"):
            st.session_state["map_location"] = props["location_id"]
    location = st.session_state.get("map_location")
    if location:
        st.query_params["location"] = location
    return location


def location_panel(result: PipelineResult, incidents: pd.DataFrame,
                   location: str | None) -> None:
    here = incidents[incidents["location_id"] == location] if location else incidents.iloc[:0]
    if here.empty:
        st.info("Click a marker to list its incidents and the sentences behind them.")
        return
    st.subheader(data.md_escape(data.place_name(here.iloc[0])))
    for incident in here.sort_values("event_date").itertuples(index=False):
        row = pd.Series(incident._asdict())
        reports = result.reports[result.reports["event_id"] == row["event_id"]]
        data.incident_card(row, reports, key=row["event_id"])
        data.review_form(row, reports, key=row["event_id"])
        incident_editor(row, reports, here, result.reports)


def incident_editor(incident: pd.Series, reports: pd.DataFrame, here: pd.DataFrame,
                    all_reports: pd.DataFrame) -> None:
    """Correct an incident: type, date, figures; merge it with another; split reports off."""
    event_id = incident["event_id"]
    keys = list(reports["report_key"])
    with st.expander("Correct this incident"), st.form(f"edit-{event_id}"):
        # One choice of ACLED's (type, sub-type) pairs: a type change can only come with
        # one of that type's sub-types (a form does not rerun between its widgets, so two
        # linked boxes could not narrow the second to the first).
        pairs = acled_pairs(incident["event_type"], incident["sub_event_type"])
        event_type, sub_type = st.selectbox(
            "Sub-event type (event type)", pairs, format_func=_pair_label,
            index=pairs.index((incident["event_type"], incident["sub_event_type"])))
        cols = st.columns(2)
        day = cols[0].date_input("Date", value=incident["event_date"].date())
        killed = cols[1].number_input("Fatalities (best estimate)", min_value=0, step=1,
                                      value=_count(incident["fatalities"]))
        injured = cols[0].number_input("Injuries", min_value=0, step=1,
                                       value=_count(incident["injuries"]))
        others = here[here["event_id"] != event_id]
        # Labels built once per run, not by filtering the frame for every option shown.
        labels = {row["event_id"]: _label(row) for row in others.to_dict("records")}
        merge = cols[1].multiselect("Merge with", list(labels), format_func=labels.get)
        split = st.multiselect("Split these reports off into an incident of their own", keys,
                               format_func=lambda k: _excerpt(reports, k))
        note = st.text_input("Note (why)")
        if st.form_submit_button("Save"):
            store = data.store()
            fields = {"event_type": event_type, "sub_event_type": sub_type,
                      "event_date": day.isoformat(), "fatalities": int(killed),
                      "injuries": int(injured)}
            changed = {k: v for k, v in fields.items() if _differs(incident, k, v)}
            if changed:
                store.add_change("edit_incident", event_id, {"reports": keys,
                                                             "fields": changed}, note=note)
            if merge:
                groups = [keys] + [list(all_reports[all_reports["event_id"] == e]["report_key"])
                                   for e in merge]
                store.add_change("merge_incidents", "+".join([event_id, *merge]),
                                 {"groups": groups}, note=note)
            if split and len(split) < len(keys):
                store.add_change("split_incident", event_id, {"reports": split}, note=note)
            st.rerun()


def _pair_label(pair: tuple[str, str]) -> str:
    # The sub-type first: the card's column is narrow and the sub-type tells the pairs apart.
    return f"{pair[1]} ({pair[0]})"


def acled_pairs(event_type: str, sub_event_type: str) -> list[tuple[str, str]]:
    """ACLED's (type, sub-type) pairs, by type, with the incident's own pair first among
    its type's when it is not one of them (an incident stored before the pairs were checked
    shows what it has until corrected)."""
    pairs = [(t, s) for t, subs in SUB_EVENT_TYPES.items() for s in subs]
    if (event_type, sub_event_type) not in pairs:
        pairs.insert(0, (event_type, sub_event_type))
    return pairs


def _count(value: object) -> int:
    return 0 if pd.isna(value) else int(value)


def _differs(incident: pd.Series, field: str, value: object) -> bool:
    current = incident[field]
    if field == "event_date":
        return current.date().isoformat() != value
    if field in ("fatalities", "injuries"):
        return _count(current) != value
    return current != value


def keep_view_in_url(size_by: str, day: str | None) -> None:
    """The view's marker size and day in the URL (the place is written when clicked), so a
    shared link opens the same view."""
    for param, value, default in (("size", size_by, "incidents"), ("day", day, None)):
        if value and value != default:
            if st.query_params.get(param) != value:
                st.query_params[param] = value
        elif param in st.query_params:
            del st.query_params[param]


def requested_view(incidents: pd.DataFrame) -> tuple[tuple[float, float], int] | None:
    """The view to open on, decided once per link: the link's own view, else the place it
    names (the map pans to it), else none (the map fits its markers). Kept fixed afterwards,
    so st_folium never moves the map the analyst is moving. The map itself writes its view
    into the URL as it moves (``geo.maps``, ``view_in_url``), in the browser."""
    link = (st.query_params.get("c"), st.query_params.get("z"), st.query_params.get("location"))
    if st.session_state.get("_map_view_link") != link:
        st.session_state["_map_view_link"] = link
        view = data.view_from_params(st.query_params)
        if view is None and link[2]:
            here = incidents[incidents["location_id"] == link[2]]
            if not here.empty:
                view = (float(here.iloc[0]["latitude"]), float(here.iloc[0]["longitude"])), \
                    data.PLACE_ZOOM
        st.session_state["_map_view"] = view
    return st.session_state.get("_map_view")


def _label(incident: Mapping) -> str:
    return f"{incident['event_date']:%d %b} · {incident['sub_event_type']} ({incident['reports']})"


def _excerpt(reports: pd.DataFrame, key: str) -> str:
    row = reports[reports["report_key"] == key].iloc[0]
    return f"{row['outlet'] or row['article']}: {row['excerpt'][:80]}…"


def page(result: PipelineResult, filters: data.Filters) -> None:
    st.title("Map")
    data.adopt_url_param("location", "map_location")
    data.adopt_url_param("day", "map_day")
    data.adopt_url_param("size", "map_size_by", allowed=["incidents", "fatalities"])
    incidents = data.filtered_incidents(filters)
    if incidents.empty:
        st.info("No incident matches the filters.")
        return
    controls = st.columns([2, 3])
    size_by = controls[0].radio("Marker size", ["incidents", "fatalities"], horizontal=True,
                                key="map_size_by")
    # What an article stored since this browser's last visit brought, rimmed in red.
    since = data.last_visit()
    fresh = controls[0].toggle(
        "Rim what is new since my last visit", key="map_new", disabled=since is None,
        help=f"Last visit from this browser: {since:%d %b %Y %H:%M} UTC" if since else
             "A first visit from this browser: everything is new.")
    highlight = tuple(sorted(set(data.new_incidents(since)["location_id"]))) \
        if fresh and since else ()
    with controls[1]:
        day = day_choice(incidents)
    keep_view_in_url(size_by, day)
    shown = data.in_period(incidents, day)
    location = selected_location(st.session_state.get("incident_map"))
    view = requested_view(incidents)
    # The map is the page: most of the width, most of a laptop screen's height; the
    # clicked place's cards beside it.
    left, right = st.columns([MAP_SHARE, 1 - MAP_SHARE], gap="small")
    with left:
        # The map does not depend on the clicked location: an unchanged map is not redrawn,
        # so a click keeps the analyst's zoom and layers. The panel names the selection.
        st_folium(data.incident_map(filters, day, size_by, data.layers_from_link(),
                                    highlight),
                  key="incident_map", height=MAP_HEIGHT,
                  use_container_width=True, center=view[0] if view else None,
                  zoom=view[1] if view else None,
                  returned_objects=["last_active_drawing"])
    with right:
        location_panel(result, shown, location)
    data.remember_visit()
    advance_day(incidents)


page(*data.setup_page("Map"))
