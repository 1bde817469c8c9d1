"""Places: every mention with its resolution and score, unresolved and low-score ones first,
with their runner-up candidates, and the corrections an analyst makes: another candidate, a
named place or coordinates, a dismissal, an alias for every article. Each change is kept with
its time and note and can be undone."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

import dashboard_data as data
from geo.corrections import mention_target
from geo.errors import GeoError
from geo.gazetteer.geocoding import GeocoderSettings
from geo.gazetteer.index import normalize
from geo.pipeline import PipelineResult
from geo.tables import far_from_article, with_display_names

MAX_CHOICES = 500
COLUMNS = ["text", "name", "display_name", "feature", "country_code", "admin1", "score", "far",
           "candidates", "reason", "article", "start", "distance_flag"]


def mention_table(mentions: pd.DataFrame) -> pd.DataFrame:
    query = st.text_input("Search mentions", placeholder="text, place or article")
    # Unresolved first, then places far from every other place of their article (a district
    # read in another country), then low scores.
    shown = mentions.assign(resolved=mentions["name"] != "",
                            far=far_from_article(mentions)).sort_values(
        ["resolved", "far", "score", "article", "start"], ascending=[True, False, True, True,
                                                                   True])
    if query.strip():
        needle = query.strip().lower()
        hay = (shown["text"] + " " + shown["name"] + " " + shown["article"]).str.lower()
        shown = shown[hay.str.contains(needle, regex=False)]
    st.dataframe(
        shown[COLUMNS], hide_index=True, width="stretch", height=420,
        column_config={
            "score": st.column_config.ProgressColumn("score", min_value=0.0, max_value=1.0,
                                                     format="%.2f"),
            "text": "mention", "name": "resolved to", "candidates": "runner-ups",
            "display_name": st.column_config.TextColumn(
                "shown as", help="the name pages show: the place as the articles spell it"),
            "distance_flag": st.column_config.CheckboxColumn("distance ⚠"),
            "far": st.column_config.CheckboxColumn(
                "far ⚠", help="outside the cluster (places within 1,000 km of one another) "
                "where most of its article's places lie"),
        })
    options = list(shown.index[:MAX_CHOICES])
    picked = st.selectbox(
        "Mention to correct", options, index=None, key="places_pick",
        placeholder="Choose a mention (search above to narrow the list)",
        format_func=lambda i: (f"{shown.at[i, 'text']} → {shown.at[i, 'name'] or 'unresolved'}"
                               f" ({shown.at[i, 'article']}, at {shown.at[i, 'start']}, "
                               f"score {shown.at[i, 'score']:.2f})"))
    return shown.loc[[picked]] if picked is not None else shown.iloc[:0]


def place_label(key: str) -> str:
    place = data.gazetteer().get(key)
    if place is None:
        return key
    where = ", ".join(p for p in (place.admin1, place.country_code) if p)
    return f"{place.name} ({where}; {place.feature}, pop. {place.population:,})"


def save(kind: str, target: str, payload: dict, note: str) -> None:
    """Store the change at once; the articles it affects are re-processed on the server's
    worker (listed below), and every page shows the result when that is done."""
    store = data.store()
    change_id = store.add_change(kind, target, payload, note=note)
    data.submit_reprocess(store, f"Apply change #{change_id} ({kind})")
    st.session_state["places_message"] = f"Saved as change #{change_id}."
    st.rerun()


def correction_form(row: pd.Series) -> None:
    target = mention_target(row["article"], int(row["start"]), int(row["end"]))
    st.subheader(f"Correct “{data.md_escape(row['text'])}”")
    st.caption(data.md_escape(row["sentence"]))
    note = st.text_input("Note (why)", key="places_note")
    choice = st.radio("Action", ["Pick a candidate", "Name a place", "Coordinates",
                                 "Not a place (dismiss)"], horizontal=True, key="places_action")
    alias = st.checkbox(f"Also read “{row['text']}” as this place in every article",
                        key="places_alias", disabled=choice == "Not a place (dismiss)")
    payload: dict | None = None
    if choice == "Pick a candidate":
        keys = [k for k in str(row.get("candidate_keys") or "").split(";") if k]
        if not keys:
            st.info("No candidates: name a place or give coordinates.")
        else:
            payload = {"place_key": st.selectbox("Candidate", keys, format_func=place_label)}
    elif choice == "Name a place":
        payload = named_place()
    elif choice == "Coordinates":
        cols = st.columns(3)
        name = cols[0].text_input("Name", value=row["text"])
        lat = cols[1].number_input("Latitude", -90.0, 90.0, value=None, format="%.5f")
        lon = cols[2].number_input("Longitude", -180.0, 180.0, value=None, format="%.5f")
        # No default point: an untouched form must not put a place in the Gulf of Guinea.
        payload = {"name": name, "lat": lat, "lon": lon} if None not in (lat, lon) else None
    else:
        payload = {}
    if st.button("Save the correction", type="primary", disabled=payload is None):
        if choice == "Not a place (dismiss)":
            save("dismiss_mention", target, {}, note)
        elif alias:
            save("add_alias", normalize(row["text"]), {"alias": row["text"], **payload}, note)
        else:
            save("resolve_mention", target, payload, note)


def named_place() -> dict | None:
    name = st.text_input("Place name", key="places_name")
    if not name.strip():
        return None
    gaz = data.gazetteer()
    matches = [gaz.place(i) for i in gaz.lookup(normalize(name))]
    options = {p.key: p for p in sorted(matches, key=lambda p: -p.population)[:20]}
    saved = data.store().setting("geocoder", "{}") or "{}"
    settings = GeocoderSettings(**json.loads(saved))
    if settings.enabled and st.button("Ask the online geocoder"):
        try:
            found = data.online_geocoder(saved).lookup(name)
        except GeoError as exc:
            st.error(data.md_escape(str(exc)))
        else:
            if found.place is None:
                st.warning(data.md_escape(f"{found.service} knows no place named “{name}”."))
            else:
                st.session_state["places_online"] = found
    online = st.session_state.get("places_online")
    if online is not None and online.place is not None:
        st.caption(f"Online answer from {online.service}"
                   + (" (cached)" if online.from_cache else ""))
        p = online.place
        return {"name": p.name, "lat": p.lat, "lon": p.lon, "country_code": p.country_code,
                "key": p.key, "feature": p.feature}
    if not options:
        st.info("The gazetteer knows no place of that name"
                + ("." if settings.enabled else "; give coordinates, or switch the online "
                   "geocoder on in Add articles."))
        return None
    key = st.selectbox("Which one", list(options), format_func=place_label)
    return {"place_key": key}


def history() -> None:
    store = data.store()
    with st.expander("Changes (newest first)"):
        changes = store.changes(include_undone=True)[::-1]
        if not changes:
            st.write("No change yet.")
        for change in changes:
            cols = st.columns([5, 1])
            state = f"undone {change.undone_at}" if change.undone_at else "active"
            cols[0].markdown(data.md_escape(
                f"#{change.id} {change.kind} · {change.target} · {change.created_at} · "
                f"{state}" + (f" · {change.note}" if change.note else "")))
            if not change.undone_at and cols[1].button("Undo", key=f"undo-{change.id}"):
                store.undo_change(change.id)
                data.submit_reprocess(store, f"Undo change #{change.id}")
                st.rerun()


def page(result: PipelineResult, filters: data.Filters) -> None:
    st.title("Places")
    kept = {a.id for a in data.filtered_articles(result, filters)}
    mentions = result.mentions[result.mentions["article"].isin(kept)]
    cols = st.columns(4)
    cols[0].metric("Mentions", len(mentions))
    cols[1].metric("Unresolved", int((mentions["name"] == "").sum()))
    cols[2].metric("Score below 0.8",
                   int(((mentions["name"] != "") & (mentions["score"] < 0.8)).sum()))
    cols[3].metric("Distance disagreements", int(mentions["distance_flag"].sum()))
    if "places_message" in st.session_state:
        st.success(st.session_state.pop("places_message"))
    selected = mention_table(with_display_names(mentions, result.display_names,
                                                key="place_key", name="name"))
    if not selected.empty:
        correction_form(selected.iloc[0])
    history()
    data.follow_jobs("Background jobs on this server", lambda result: None)


page(*data.setup_page("Places"))
