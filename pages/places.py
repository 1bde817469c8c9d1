"""Places: every mention with its resolution and score; unresolved and low-score ones first,
with their runner-up candidates, so an analyst sees what to check."""

from __future__ import annotations

import streamlit as st

import dashboard_data as data
from geo.pipeline import PipelineResult


def page(result: PipelineResult, filters: data.Filters) -> None:
    st.title("Places")
    mentions = result.mentions
    unresolved = int((mentions["name"] == "").sum())
    low = int(((mentions["name"] != "") & (mentions["score"] < 0.8)).sum())
    flagged = int(mentions["distance_flag"].sum())
    cols = st.columns(4)
    cols[0].metric("Mentions", len(mentions))
    cols[1].metric("Unresolved", unresolved)
    cols[2].metric("Score below 0.8", low)
    cols[3].metric("Distance disagreements", flagged)
    query = st.text_input("Search mentions", placeholder="text, place or article")
    shown = mentions.assign(resolved=mentions["name"] != "").sort_values(
        ["resolved", "score", "article", "start"])
    if query.strip():
        needle = query.strip().lower()
        hay = (shown["text"] + " " + shown["name"] + " " + shown["article"]).str.lower()
        shown = shown[hay.str.contains(needle, regex=False)]
    st.dataframe(
        shown[["text", "name", "feature", "country_code", "admin1", "score", "candidates",
               "reason", "article", "start", "distance_flag"]],
        hide_index=True, width="stretch", height=620,
        column_config={
            "score": st.column_config.ProgressColumn("score", min_value=0.0, max_value=1.0,
                                                     format="%.2f"),
            "text": "mention", "name": "resolved to", "candidates": "runner-ups",
            "distance_flag": st.column_config.CheckboxColumn("distance ⚠"),
        })


page(*data.setup_page("Places"))
