"""Feeds: the RSS/Atom feeds, article pages and watched folders the server polls for new
articles, each with its last success, its error and how many articles it brought; the
network switch (off by default) and a "Poll now" button."""

from __future__ import annotations

import datetime as dt

import streamlit as st

import dashboard_data as data
from geo.errors import GeoError
from geo.pipeline import PipelineResult
from geo.store.sources import DEFAULT_EVERY_MINUTES, KINDS, MIN_EVERY_MINUTES


def network_switch() -> None:
    on = data.sources_network()
    st.caption("The server's background worker polls each source on its schedule: feeds with "
               "conditional requests (an unchanged feed is not read again), each new item's "
               "page read for its story and metadata; a folder on the server is read for "
               "new files. The same address or text is never stored twice; a failing source "
               "waits twice as long after each failure (up to a day).")
    wanted = st.toggle("Fetch the listed feeds and pages over the network", value=on,
                       help="Off by default: nothing leaves this machine until it is on. "
                            "Watched folders are read either way.")
    if wanted != on:
        data.set_sources_network(wanted)
        st.rerun()


def add_form() -> None:
    with st.form("add_source", clear_on_submit=True):
        st.markdown("**Add a source**")
        cols = st.columns([4, 1, 2, 1])
        location = cols[0].text_input("Feed or page address, or a folder on the server",
                                      placeholder="https://example.org/rss.xml")
        kind = cols[1].selectbox("Kind", ["(guess)", *KINDS])
        name = cols[2].text_input("Name (optional)")
        every = cols[3].number_input("Every (minutes)", min_value=MIN_EVERY_MINUTES,
                                     value=DEFAULT_EVERY_MINUTES, step=5)
        if st.form_submit_button("Add"):
            try:
                data.add_listed_source(location, kind="" if kind == "(guess)" else kind,
                                       name=name, every_minutes=int(every))
            except GeoError as exc:
                st.session_state["feeds_refused"] = str(exc)
            st.rerun()
    if "feeds_refused" in st.session_state:
        st.error(data.md_escape(st.session_state.pop("feeds_refused")))


def when(stamp: str | None, empty: str) -> str:
    """A stored UTC time as the table shows it (to the minute)."""
    if not stamp:
        return empty
    try:
        return f"{dt.datetime.fromisoformat(stamp):%Y-%m-%d %H:%M} UTC"
    except ValueError:
        return stamp


def source_table() -> None:
    listed = data.listed_sources()
    if not listed:
        st.info("No source is listed yet.")
        return
    # A dataframe shows every value as text: a server's error message cannot inject markup.
    st.dataframe(
        [{"#": s.id, "name": s.label, "kind": s.kind, "articles": s.articles,
          "last success": when(s.success_at, "never"), "error": s.error,
          "failures in a row": s.failures, "last poll": when(s.polled_at, "never"),
          "next poll": when(s.next_poll, "at the next check"),
          "address or folder": s.location}
         for s in listed],
        hide_index=True, width="stretch")
    cols = st.columns([3, 1, 1])
    labels = {s.id: f"#{s.id} {s.label}" for s in listed}
    chosen = cols[0].selectbox("Source", list(labels), format_func=labels.__getitem__)
    if cols[1].button("Remove", help="Stop polling it; what it brought stays stored."):
        data.remove_listed_source(chosen)
        st.rerun()
    if cols[2].button("Poll now", help="Poll every source now, due or not."):
        data.poll_sources_now()
        st.rerun()


def page(result: PipelineResult, filters: data.Filters) -> None:
    st.title("Feeds and watched folders")
    network_switch()
    add_form()
    source_table()
    data.follow_jobs("Jobs on this server", lambda outcome: None)


page(*data.setup_page("Feeds"))
