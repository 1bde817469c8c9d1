"""What every page of the dashboard shares: the store and cached loaders, the sidebar
filters (kept in session state and in the URL, so a view can be shared by its link), and
small render helpers.

Every session reads the same SQLite store; results are cached per store version, so an
article added or a place corrected in one session shows on every page of every session at
its next run. Session state is initialised here and only here (``init_state``).
"""

from __future__ import annotations

import copy
import datetime as dt
import html
import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import folium
import pandas as pd
import streamlit as st

from geo.gazetteer.geocoding import GeocoderSettings, OnlineGeocoder
from geo.gazetteer.index import Gazetteer
from geo.gazetteer.keys import is_estimated_key, normalize
from geo.io.reader import highlight_excerpt
from geo.maps import build_incident_map
from geo.nlp.events import EVENT_TYPES
from geo.pipeline import PipelineResult
from geo.review import (
    AUTO_CORROBORATION_SOURCES,
    REVIEW_KIND,
    REVIEW_STATES,
    UNREVIEWED,
    review_payload,
    with_reviews,
)
from geo.store import watch
from geo.store.db import Store, default_path
from geo.store.ingest import ingest_paths, reprocess_job, warm_up_job
from geo.store.jobs import JobQueue, JobStatus
from geo.store.results import result_from_store, save_snapshot
from geo.store.sources import (
    CHECK_SECONDS,
    Source,
    add_source,
    list_sources,
    network_enabled,
    poll_job,
    remove_source,
    set_network,
)
from geo.tables import filter_incidents, locations_table, region_counts
from geo.tiles import list_tile_sets

ROOT = Path(__file__).resolve().parent
# Loaded into an empty store on first start: the bundled demo corpus unless told otherwise.
ARTICLES_DIR = Path(os.environ.get("GEO_ARTICLES_DIR", ROOT / "data" / "articles"))
CREDIT = ("Places: [GeoNames](https://www.geonames.org/) gazetteer (CC BY 4.0); US counties "
          "placed with U.S. Census Bureau outlines. Boundaries: Natural Earth (public "
          "domain). Works offline.")


@st.cache_resource(show_spinner="Loading the gazetteer…")
def gazetteer() -> Gazetteer:
    """The read-only place index, shared by every session."""
    return Gazetteer.load()


_INDEX_BUILD = threading.Lock()
_INDEX_READY = threading.Event()  # set once the index is known current: not checked again


def prepare_index() -> None:
    """Build the place index under a progress bar when it has to be built (a clone whose
    install step was skipped, or a gazetteer source changed): the ten seconds it takes are
    otherwise a blank page. One build per server; another session waits for it. Checked on
    a server's first page runs only: the loaded index (``gazetteer()``) is the server's for
    its life anyway."""
    if _INDEX_READY.is_set():
        return
    if not Gazetteer.is_current():
        bar = st.progress(0.0, text="Building the place index (once, about ten seconds)…")
        with _INDEX_BUILD:
            if not Gazetteer.is_current():
                Gazetteer.load(progress=lambda share, what: bar.progress(
                    share, text=f"Building the place index (once): {what}…"))
        bar.empty()
    _INDEX_READY.set()


@st.cache_resource
def jobs() -> JobQueue:
    """The server's one background worker: ingests run there, not in a page's script, so
    they finish when the page is left; in a low-priority process of its own, so that the
    document model does not hold up other sessions' page views."""
    queue = JobQueue(process=True)
    queue.warm_up(warm_up_job)
    # The listed feeds, pages and folders (Feeds page): due ones are polled in the same
    # worker; a feed or page only when the network is switched on.
    queue.every(CHECK_SECONDS, "Poll the listed sources", poll_job, str(store_path()))
    # The watch rules, evaluated after every write whoever made it (an upload, a feed, the
    # command line): one writer of the matches files.
    queue.every(WATCH_SECONDS, "Evaluate the watch rules", watch.watch_job, str(store_path()))
    return queue


# How often the worker looks for a changed store to evaluate the watch rules against: a
# match is listed within this plus the Overview's two-second refresh of an ingest's end.
WATCH_SECONDS = 2.0


@st.cache_resource(max_entries=4)
def online_geocoder(settings: str) -> OnlineGeocoder:
    """The server's one online geocoder for these settings (JSON, as stored): shared by every
    session and click, so the service's rate limit (Nominatim: 1 request/s) holds across
    them, and answers are cached in the store."""
    return OnlineGeocoder(GeocoderSettings(**json.loads(settings)),
                          cache=store().geocode_cache())


def store_path() -> Path:
    """``$GEO_STORE``, else ``store_path`` in .streamlit/secrets.toml, else data/store/."""
    if "GEO_STORE" not in os.environ:
        try:
            configured = st.secrets.get("store_path")
        except (FileNotFoundError, KeyError, st.errors.StreamlitSecretNotFoundError):
            configured = None
        if configured:
            return Path(configured)
    return default_path()


def store() -> Store:
    """The store every session shares; an empty one gets the bundled articles first."""
    return _open_store(str(store_path()), str(ARTICLES_DIR))


@st.cache_resource(show_spinner="Opening the store…")
def _open_store(path: str, first_articles: str) -> Store:
    opened = Store(Path(path))
    if opened.article_count() == 0 and Path(first_articles).is_dir() and not opened.read_only:
        ingest_paths(opened, [Path(first_articles)], gazetteer())
    elif not opened.read_only and opened.stale_articles():
        # Changes saved before the last stop whose re-processing did not finish.
        submit_reprocess(opened, "Bring results up to date with the saved changes")
    return opened


def submit_reprocess(target: Store, title: str, article_ids: list[str] | None = None) -> str:
    """Queue the re-processing of ``article_ids`` (default: the articles a saved or undone
    change affects, only those) on the server's worker; pages keep serving the last results
    meanwhile."""
    return jobs().submit(title, reprocess_job, str(target.path), article_ids)


@st.cache_resource
def _results() -> dict[str, tuple[threading.Lock, dict[str, PipelineResult]]]:
    return {}  # store path -> (its lock, state -> result), shared by every session


def _result(path: str, state: str) -> PipelineResult:
    """The result at ``state``, one object for every session (a resource, not a pickled
    copy per session: pages only read it). A new state is reached from the last one read by
    a delta (``Store.delta``): an article added reads that article and the incidents it
    touched, not the whole store. The server's first read starts from the store's snapshot
    (``geo.store.snapshot``) when there is one, and leaves a new one behind for the next start."""
    lock, by_state = _results().setdefault(path, (threading.Lock(), {}))
    with lock:
        if state not in by_state:
            previous = next(reversed(by_state.values()), None)
            with st.spinner("Reading the store…"):
                # No gazetteer: a stored result needs only country names, and the index
                # (a second or more to load) waits until a page or an ingest needs it.
                result = result_from_store(store(), previous=previous,
                                           snapshot=previous is None)
            by_state.clear()  # the newest only: older states are never served again
            by_state[state] = result
            _keep_snapshot(store(), result)
        return by_state[state]


# A snapshot is rewritten at most this often: it only has to be recent, deltas do the rest.
SNAPSHOT_SECONDS = 60.0
_snapshots: dict[str, float] = {}


def _keep_snapshot(target: Store, result: PipelineResult) -> None:
    """Write the result's tables beside the store in the background (a few tenths of a
    second for 10,000 articles), at most every ``SNAPSHOT_SECONDS`` per store."""
    key = str(target.path)
    now = time.monotonic()
    if now - _snapshots.get(key, -SNAPSHOT_SECONDS) < SNAPSHOT_SECONDS:
        return
    _snapshots[key] = now
    threading.Thread(target=save_snapshot, args=(target, result), daemon=True,
                     name="geo-snapshot").start()


@st.cache_data(show_spinner=False, max_entries=4)
def _bad_rows(path: str, state: str) -> list[tuple[str, str]]:
    return store().bad_rows()


def bad_rows() -> list[tuple[str, str]]:
    """Stored articles whose metadata no page can use, with the reason (to delete them)."""
    current = store()
    return _bad_rows(str(current.path), current.state())


@st.cache_data(show_spinner=False, max_entries=4)
def _listed_sources(path: str, state: str) -> list[Source]:
    return list_sources(store())


def listed_sources() -> list[Source]:
    """The listed sources with their poll state (read again after every write: a poll
    records its outcome as one)."""
    current = store()
    return _listed_sources(str(current.path), current.state())


def sources_network() -> bool:
    return network_enabled(store())


def set_sources_network(enabled: bool) -> None:
    set_network(store(), enabled)


def add_listed_source(location: str, *, kind: str, name: str, every_minutes: int) -> Source:
    return add_source(store(), location, kind=kind, name=name, every_minutes=every_minutes)


def remove_listed_source(source_id: int) -> bool:
    return remove_source(store(), source_id)


def poll_sources_now() -> str:
    """Poll every listed source now, due or not, as a listed job."""
    return jobs().submit("Poll the listed sources now", poll_job, str(store().path), True)


def backup_bytes() -> bytes:
    """A consistent copy of the whole store, made when the button is pressed."""
    with tempfile.TemporaryDirectory() as tmp:
        return store().backup(Path(tmp) / "backup.sqlite").read_bytes()


def load_result() -> PipelineResult:
    """The store's articles, mentions and incidents (cached per store state: its identity and
    version, so a restored store is never mistaken for one seen before)."""
    current = store()
    return _result(str(current.path), served_state(current))


@st.cache_resource
def _serving() -> dict[str, str]:
    return {}  # store path -> the state pages serve


def served_state(current: Store) -> str:
    """The store state pages show. While the server's worker runs a job (an ingest writes
    after every article), pages keep serving the tables they had, and every session reads
    the new ones once, when the job is done: readers do not rebuild per article written."""
    served = _serving()
    key = str(current.path)
    if key not in served or not jobs().busy():
        served[key] = current.state()
    return served[key]


@dataclass(frozen=True)
class Filters:
    """The sidebar's filters, as every page applies them."""

    start: dt.date | None
    end: dt.date | None
    event_types: tuple[str, ...]
    outlets: tuple[str, ...]
    min_outlets: int
    place: str
    min_independent: int = 1
    review_states: tuple[str, ...] = ()  # geo.review.REVIEW_STATES; empty: all


# URL query parameter -> session-state key of the filter widget.
_URL_KEYS = {"from": "f_start", "to": "f_end", "type": "f_types", "outlet": "f_outlets",
             "min_outlets": "f_min_outlets", "q": "f_place",
             "min_independent": "f_min_independent", "review": "f_review"}


# The filters' values live under these plain keys, which survive a page switch; the widgets
# (keys "w_" + name) are re-seeded from them on every page, since Streamlit drops a widget's
# state when the page that drew it is left.
FILTER_KEYS = ("f_start", "f_end", "f_types", "f_outlets", "f_min_outlets", "f_place",
               "f_min_independent", "f_review")
PAGES = [("dashboard.py", "Overview", ":material/dashboard:"),
         ("pages/map.py", "Map", ":material/map:"),
         ("pages/incidents.py", "Incidents", ":material/table_rows:"),
         ("pages/timeline.py", "Timeline", ":material/timeline:"),
         ("pages/sources.py", "Sources", ":material/article:"),
         ("pages/places.py", "Places", ":material/place:"),
         ("pages/add.py", "Add articles", ":material/upload_file:"),
         ("pages/feeds.py", "Feeds", ":material/rss_feed:")]
FAVICON = ROOT / "static" / "favicon.png"
PAGE_CSS = (ROOT / "static" / "page.css").read_text(encoding="utf-8")


def setup_page(title: str) -> tuple[PipelineResult, Filters]:
    """What every page does first: configure the page, load the data, initialise the session,
    draw the navigation and the shared filters.

    Returns:
        The pipeline's result and the filters' current values.
    """
    # A local icon: a Material icon as favicon would make the browser fetch it from a CDN.
    st.set_page_config(page_title=f"{title} · News incident map", page_icon=str(FAVICON),
                       layout="wide")
    # Less blank space above and beside the content than Streamlit's default: the Map page
    # gives it to the map.
    st.html(f"<style>{PAGE_CSS}</style>")
    prepare_index()
    result = load_result()
    init_state(result)
    with st.sidebar:
        for path, label, icon in PAGES:
            st.page_link(path, label=label, icon=icon)
        st.divider()
    return result, render_filters(result)


def init_state(result: PipelineResult) -> None:
    """Set every filter's initial value once per session, from the URL when it has one."""
    if st.session_state.get("_initialised"):
        return
    params = st.query_params
    # No date bound unless one is chosen: incidents added later, on days outside today's
    # range, must show without touching the filter.
    st.session_state["f_start"] = _date_param(params.get("from"))
    st.session_state["f_end"] = _date_param(params.get("to"))
    st.session_state["f_types"] = [t for t in params.get_all("type") if t in EVENT_TYPES]
    known_outlets = set(all_outlets(result))
    st.session_state["f_outlets"] = [o for o in params.get_all("outlet") if o in known_outlets]
    st.session_state["f_min_outlets"] = _int_param(params.get("min_outlets"), 1)
    st.session_state["f_min_independent"] = _int_param(params.get("min_independent"), 1)
    st.session_state["f_place"] = params.get("q", "")
    st.session_state["f_review"] = [r for r in params.get_all("review") if r in REVIEW_STATES]
    st.session_state["map_location"] = None  # pages adopt ?location= and ?day= themselves
    st.session_state["map_day"] = None
    st.session_state["map_step"] = "Day"
    st.session_state["playing"] = False
    st.session_state["_initialised"] = True


def _date_param(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _int_param(value: str | None, default: int) -> int:
    try:
        return max(1, int(value)) if value else default
    except ValueError:
        return default


def adopt_url_param(param: str, state_key: str, *, allowed: list[str] | None = None) -> None:
    """Take a page's URL parameter (``?article=``, ``?location=``) into its widget state
    once per distinct value, so a link opens the page on it and the widget stays free."""
    value = st.query_params.get(param)
    if value is None or (allowed is not None and value not in allowed):
        return
    seen = st.session_state.setdefault("_adopted", {})
    if seen.get(param) != value:
        seen[param] = value
        st.session_state[state_key] = value


# A view from a link: "c=50.4500,30.5200&z=9". Leaflet's zoom range on this map.
_ZOOM_RANGE = (2, 18)
# The zoom a place opened from a link is shown at when the link names no zoom.
PLACE_ZOOM = 9


def view_from_params(params: Mapping[str, str]) -> tuple[tuple[float, float], int] | None:
    """The map view (centre, zoom) a link asks for, or None when it asks none or an invalid
    one (the map then fits its markers)."""
    try:
        lat, lon = (float(v) for v in str(params.get("c", "")).split(","))
        zoom = int(params.get("z", ""))
    except ValueError:
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and _ZOOM_RANGE[0] <= zoom <= _ZOOM_RANGE[1]):
        return None
    return (lat, lon), zoom


def all_outlets(result: PipelineResult) -> list[str]:
    return sorted({a.outlet or a.id for a in result.articles})


def render_filters(result: PipelineResult) -> Filters:
    """Draw the sidebar filters and return their values; the URL follows them."""
    days = result.incidents["event_date"]
    first = days.min().date() if len(days) else dt.date.today()
    last = days.max().date() if len(days) else dt.date.today()
    # Re-seeded on every run: after a page switch Streamlit would show a stale or blank widget
    # (its state belongs to the page that drew it). The callbacks keep the plain keys current.
    for key in FILTER_KEYS:
        st.session_state["w_" + key] = st.session_state[key]
    # An unset date bound is shown empty, and the widgets' range is every date an article
    # may carry, not the data's: a filter shown with the data's last day, or clamped to it,
    # moved by itself when an upload brought a later day (issue 27).
    with st.sidebar:
        st.header("Filters")
        st.date_input("From", min_value=EARLIEST_DATE, max_value=latest_date(),
                      key="w_f_start", on_change=_keep, args=("f_start",))
        st.date_input("To", min_value=EARLIEST_DATE, max_value=latest_date(),
                      key="w_f_end", on_change=_keep, args=("f_end",))
        st.caption(f"Empty: no bound. Incidents run from {first:%d %b %Y} to {last:%d %b %Y}.")
        st.multiselect("Event types", EVENT_TYPES, key="w_f_types",
                       placeholder="All event types", on_change=_keep, args=("f_types",))
        st.multiselect("Outlets", all_outlets(result), key="w_f_outlets",
                       placeholder="All outlets", on_change=_keep, args=("f_outlets",))
        st.number_input("Minimum outlets behind an incident", min_value=1, max_value=50,
                        step=1, key="w_f_min_outlets", on_change=_keep,
                        args=("f_min_outlets",))
        st.number_input("Minimum independent sources", min_value=1, max_value=50, step=1,
                        key="w_f_min_independent", on_change=_keep,
                        args=("f_min_independent",),
                        help="Outlets whose reports are not copies of one wire story.")
        st.text_input("Place", key="w_f_place", placeholder="e.g. Kharkiv, Donetsk, Belarus",
                      on_change=_keep, args=("f_place",))
        st.multiselect("Review state", REVIEW_STATES, key="w_f_review",
                       placeholder="Every review state", on_change=_keep, args=("f_review",),
                       format_func=REVIEW_LABELS.get,
                       help="Unreviewed: as the machine read it. Corroborated: by an analyst, "
                            f"or automatically by {AUTO_CORROBORATION_SOURCES} independent "
                            "sources.")
        st.caption(CREDIT)
    filters = current_filters()
    _sync_url(filters)
    return filters


# The dates a filter may take: those an article may carry (geo.io.articles refuses a
# publication date outside 1900 to tomorrow).
EARLIEST_DATE = dt.date(1900, 1, 1)


def latest_date() -> dt.date:
    return dt.date.today() + dt.timedelta(days=1)


def _keep(key: str) -> None:
    st.session_state[key] = st.session_state["w_" + key]


def current_filters() -> Filters:
    s = st.session_state
    return Filters(start=s.get("f_start"), end=s.get("f_end"),
                   event_types=tuple(s.get("f_types", ())),
                   outlets=tuple(s.get("f_outlets", ())),
                   min_outlets=int(s.get("f_min_outlets", 1)), place=s.get("f_place", ""),
                   min_independent=int(s.get("f_min_independent", 1)),
                   review_states=tuple(s.get("f_review", ())))


def _sync_url(filters: Filters) -> None:
    wanted = filter_params(filters)
    params = st.query_params
    for key in _URL_KEYS:
        if key not in wanted and key in params:
            del params[key]
    for key, value in wanted.items():
        current = params.get_all(key)
        if current != (value if isinstance(value, list) else [value]):
            params[key] = value


def filter_params(filters: Filters) -> dict[str, str | list[str]]:
    """The filters as query parameters, for links that open another page."""
    params: dict[str, str | list[str]] = {}
    if filters.start:
        params["from"] = filters.start.isoformat()
    if filters.end:
        params["to"] = filters.end.isoformat()
    if filters.event_types:
        params["type"] = list(filters.event_types)
    if filters.outlets:
        params["outlet"] = list(filters.outlets)
    if filters.min_outlets > 1:
        params["min_outlets"] = str(filters.min_outlets)
    if filters.min_independent > 1:
        params["min_independent"] = str(filters.min_independent)
    if filters.place:
        params["q"] = filters.place
    if filters.review_states:
        params["review"] = list(filters.review_states)
    return params


def filtered_articles(result: PipelineResult, filters: Filters) -> list:
    """The articles the outlet and place filters keep (dates and types are about incidents)."""
    articles = result.articles
    if filters.outlets:
        articles = [a for a in articles if (a.outlet or a.id) in filters.outlets]
    if filters.place.strip():
        needle = filters.place.strip().lower()
        m = result.mentions
        hay = (m["text"] + " " + m["name"] + " " + m["admin1"]).str.lower()
        keep = set(m.loc[hay.str.contains(needle, regex=False), "article"])
        articles = [a for a in articles if a.id in keep]
    return articles


def filtered_incidents(filters: Filters) -> pd.DataFrame:
    """The incidents passing the filters (cached per filter values and store version)."""
    current = store()
    return _filtered(filters, str(current.path), served_state(current))


@st.cache_data(show_spinner=False, max_entries=64)
def _filtered(filters: Filters, path: str, state: str) -> pd.DataFrame:
    return filter_incidents(_reviewed(path, state), start=filters.start,
                            end=filters.end, event_types=list(filters.event_types),
                            outlets=list(filters.outlets), min_outlets=filters.min_outlets,
                            place=filters.place, min_independent=filters.min_independent,
                            review_states=list(filters.review_states))


@st.cache_resource(show_spinner=False, max_entries=2)
def _reviewed(path: str, state: str) -> pd.DataFrame:
    """The incidents at ``state`` with their review columns (``geo.review``), one frame for
    every session (pages only read it)."""
    result = _result(path, state)
    return with_reviews(result.incidents, result.reports, store().changes())


def reviewed_incidents() -> pd.DataFrame:
    """Every incident with its review state, unfiltered."""
    current = store()
    return _reviewed(str(current.path), served_state(current))


def watch_matches() -> pd.DataFrame:
    """The watch rules' matches (``geo.store.watch``), newest first, as the server's worker last
    wrote them (it evaluates the rules every ``WATCH_SECONDS`` when the store changed)."""
    return watch.read_matches(store())


def new_incidents(since: dt.datetime) -> pd.DataFrame:
    """The incidents (after the filters are not applied: all) with an article stored after
    ``since`` (``geo.store.watch.new_since``), latest first."""
    current = store()
    return watch.new_since(reviewed_incidents(), _article_times(str(current.path),
                                                                served_state(current)), since)


@st.cache_data(show_spinner=False, max_entries=2)
def _article_times(path: str, state: str) -> dict[str, dt.datetime]:
    return watch.article_times(store())


def place_point(name: str) -> tuple[str, float, float] | None:
    """The gazetteer's best-known place of that name (the most populous), as (name, lat,
    lon), for a watch rule's centre; None when it knows none."""
    gaz = gazetteer()
    places = [gaz.place(i) for i in gaz.lookup(normalize(name))]
    if not places:
        return None
    best = max(places, key=lambda p: (p.population or 0, p.feature == "city"))
    return best.name, best.lat, best.lon


# The browser's cookie that holds its last visit's time (per browser, not per analyst name).
LAST_VISIT_COOKIE = "geo_last_visit"


def last_visit() -> dt.datetime | None:
    """When this browser last opened the Overview before this session (its cookie, read as
    the session starts), or None on a first visit. Fixed for the session, so what is new
    stays listed while the analyst works through it."""
    if "_last_visit" not in st.session_state:
        raw = st.context.cookies.get(LAST_VISIT_COOKIE)
        try:
            seen = dt.datetime.fromisoformat(raw) if isinstance(raw, str) and raw else None
        except ValueError:
            seen = None  # a cookie set by hand: a first visit
        st.session_state["_last_visit"] = seen
    return st.session_state["_last_visit"]


def remember_visit() -> None:
    """Set this browser's last-visit cookie to now (read by its next session). Written by
    a script in a component frame of the app's own origin; nothing leaves the machine."""
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    # An HTML string: embedded in a frame of the app's own origin, whose script may set
    # the app's cookie. Only our own constant text and a timestamp go into it.
    st.iframe(
        f"<script>window.parent.document.cookie = {json.dumps(LAST_VISIT_COOKIE)} + '=' + "
        f"{json.dumps(now)} + '; path=/; max-age=31536000; SameSite=Strict';</script>",
        height=1)


def save_review(incident: pd.Series, reports: pd.DataFrame, state: str, reviewer: str,
                note: str) -> int:
    """Store an analyst's review of the incident (seen by every session at its next run)."""
    return store().add_change(REVIEW_KIND, str(incident["event_id"]),
                              review_payload(list(reports["report_key"]), state, reviewer),
                              note=note.strip())


def map_locations(incidents: pd.DataFrame) -> pd.DataFrame:
    return locations_table(incidents)


def incident_map(filters: Filters, day: str | None, size_by: str,
                 layers: tuple[str, ...] | None = None,
                 highlight: tuple[str, ...] = ()) -> folium.Map:
    """The Map page's map for these filters, day, sizing and layers (``None``: the map's
    defaults): built once per store state and shared by every session (a second analyst,
    or a click that reruns the page, does not build it again). Each run draws a copy:
    streamlit-folium changes the map it draws, and a second drawing of the same object
    would differ and reset the analyst's zoom."""
    current = store()
    return copy.deepcopy(_incident_map(filters, day, size_by, str(current.path),
                                       served_state(current), tile_sets_key(), layers,
                                       highlight))


def tile_sets_key() -> str:
    """What the analyst's own basemaps are now (``python -m geo basemap add`` changes it
    while the server runs): part of a cached map's key, so the next map shows a new one."""
    return "|".join(f"{t.directory.name}@{t.added}" for t in list_tile_sets())


def period_range(period: str | None) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The days a Map period covers, as [start, end): a day ``2022-03-03`` or an ISO week
    ``2022-W09`` (Monday to Sunday); ``None`` for every day or a period that is neither."""
    if not period:
        return None
    try:
        if "-W" in period:
            year, week = period.split("-W")
            start = pd.Timestamp(dt.date.fromisocalendar(int(year), int(week), 1))
            return start, start + pd.Timedelta(days=7)
        start = pd.Timestamp(dt.date.fromisoformat(period))
    except ValueError:
        return None
    return start, start + pd.Timedelta(days=1)


def week_of(day: dt.date) -> str:
    """The ISO week a day falls in, as the Map's period string (``2022-W09``)."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def in_period(incidents: pd.DataFrame, period: str | None) -> pd.DataFrame:
    """The incidents of a Map period (see :func:`period_range`); all for ``None``."""
    bounds = period_range(period)
    if bounds is None:
        return incidents
    dates = incidents["event_date"]
    return incidents[(dates >= bounds[0]) & (dates < bounds[1])]


@st.cache_resource(show_spinner=False, max_entries=32)
def _incident_map(filters: Filters, day: str | None, size_by: str, path: str,
                  state: str, tiles: str, layers: tuple[str, ...] | None,
                  highlight: tuple[str, ...] = ()) -> folium.Map:
    shown = in_period(_filtered(filters, path, state), day)
    return build_incident_map(map_locations(shown), size_by=size_by,
                              regions=region_counts(shown), view_in_url=True,
                              tile_sets=list_tile_sets(), layers=layers, highlight=highlight)


def layers_from_link() -> tuple[str, ...] | None:
    """The layers a link asks the Map to show (``?layers=Heatmap,Incidents,...``), read
    once per session: later the map's own layer control decides, and the map writes its
    choice back into the URL in the browser (``geo.maps``), which must not make the page
    rebuild the map on its next run."""
    if "_map_layers" not in st.session_state:
        value = st.query_params.get("layers")
        st.session_state["_map_layers"] = (
            tuple(sorted(n for n in value.split(",") if n)) if value else None)
    return st.session_state["_map_layers"]


def place_name(incident: pd.Series) -> str:
    """The name an incident's place is shown by: its ``display_name`` (``geo.names``), the
    gazetteer's ``location`` for a row that has none."""
    return str(incident.get("display_name") or incident["location"])


def incident_card(incident: pd.Series, reports: pd.DataFrame, *, key: str) -> None:
    """One incident with its excerpts, each linking to the reader at its sentence."""
    figures = []
    if pd.notna(incident["fatalities"]):
        low, high = incident["fatalities_min"], incident["fatalities_max"]
        spread = f" (reports: {low}–{high})" if low != high else ""
        figures.append(f"{incident['fatalities']} killed{spread}")
    if pd.notna(incident["injuries"]):
        figures.append(f"{incident['injuries']} injured")
    header = (f"**{incident['event_date']:%d %b %Y}** · {incident['sub_event_type']} · "
              f"{incident['outlets']} outlet{'s' if incident['outlets'] != 1 else ''}"
              f" ({incident['independent_sources']} independent)")
    with st.container(border=True):
        where = ", ".join(p for p in (place_name(incident), incident["admin1"]) if p)
        st.markdown(md_escape(where) + _precision_note(incident) + "  \n"
                    + header + ("  \n" + " · ".join(figures) if figures else ""))
        st.caption(md_escape(review_line(incident)))
        if incident["flags"]:
            st.caption(md_escape(incident["flags"]))
        if len(reports) > 1:
            st.caption(md_escape(merge_explanation(incident, reports)))
        for n, report in enumerate(reports.itertuples(index=False)):
            excerpt = highlight_excerpt(report.excerpt,
                                        report.mention_start - report.sentence_start,
                                        report.mention_end - report.sentence_start)
            st.html(f"<blockquote style='margin:0.3em 0'>{excerpt}"
                    f"{report_caption_html(report)}</blockquote>")
            # The help text also keeps two links to one sentence distinct elements.
            st.page_link("pages/sources.py", label="Open in reader",
                         query_params={"article": report.article,
                                       "sentence": str(report.sentence_start)},
                         icon=":material/article:",
                         # Tooltips render Markdown: an article id is a file name, untrusted.
                         help=md_escape(f"{report.article}, sentence {n + 1} of incident {key}"))


def report_caption_html(report: object) -> str:
    """What a card says under a report's excerpt, as HTML (every value escaped): its outlet,
    its day and why (``date_basis``), its own figures, and why it is placed where it is.
    Each report's own words for when and how many stand beside its sentence: the incident's
    figures are a reading of these, which the analyst can check."""
    own = [f"{report.report_date:%d %b %Y}" + date_basis(report)]
    if report.killed:
        own.append(f"killed: {report.killed}")
    if report.injured:
        own.append(f"injured: {report.injured}")
    placed = (f"<br><small>placed at “{html.escape(report.mention_text)}”: "
              f"{html.escape(report.place_reason)}</small>"
              if getattr(report, "place_reason", "") else "")
    return (f"<br><small>{html.escape(report.outlet or report.article)} · "
            f"{html.escape(' · '.join(own))}</small>{placed}")


def date_basis(report: object) -> str:
    """Why a report has its day, in words: the date words of its sentence, or none and the
    article's day, or none and the day the report before it gave.

    >>> import pandas as pd
    >>> from types import SimpleNamespace as R
    >>> date_basis(R(date_text="on Thursday", report_date=pd.Timestamp("2024-07-04"),
    ...              published="2024-07-05"))
    ' (“on Thursday”)'
    >>> date_basis(R(date_text="", report_date=pd.Timestamp("2024-07-05"),
    ...              published="2024-07-05"))
    " (no date words: the article's day)"
    >>> date_basis(R(date_text="", report_date=pd.Timestamp("2024-07-03"),
    ...              published="2024-07-05"))
    ' (no date words: the day the report before it gives)'
    """
    if getattr(report, "date_text", ""):
        return f" (“{report.date_text}”)"
    published = getattr(report, "published", "") or ""
    if not published or pd.Timestamp(published) == pd.Timestamp(report.report_date):
        return " (no date words: the article's day)"
    return " (no date words: the day the report before it gives)"


REVIEW_LABELS = {"unreviewed": "unreviewed (machine)", "reviewed": "reviewed",
                 "corroborated": "corroborated", "disputed": "disputed"}


def review_line(incident: pd.Series) -> str:
    """Who checked the incident, when, and what they found (plain text)."""
    state = incident.get("review_state", UNREVIEWED)
    if state == UNREVIEWED:
        return "Review: not reviewed yet (as the machine read it)."
    if incident.get("review_auto"):
        return f"Review: corroborated ({incident['review_note']})."
    when = str(incident.get("reviewed_at", "")).replace("T", " ").replace("+00:00", " UTC")
    who = incident.get("reviewed_by") or "an analyst"
    note = f": “{incident['review_note']}”" if incident.get("review_note") else ""
    return f"Review: {state} by {who}, {when}{note}."


def review_form(incident: pd.Series, reports: pd.DataFrame, *, key: str) -> None:
    """Set the incident's review state, with the analyst's name (kept for the session)
    and a note."""
    with st.expander("Review this incident"), st.form(f"review-{key}"):
        current = incident.get("review_state", UNREVIEWED)
        if incident.get("review_auto"):
            current = UNREVIEWED  # automatic: no person has set it yet
        state = st.radio("State", REVIEW_STATES, index=REVIEW_STATES.index(current),
                         format_func=REVIEW_LABELS.get, horizontal=True)
        reviewer = st.text_input("Your name", value=st.session_state.get("reviewer", ""))
        note = st.text_input("Note (what you checked)")
        if st.form_submit_button("Save the review"):
            if not reviewer.strip():
                st.error("Give your name: a review says who checked.")
                return
            st.session_state["reviewer"] = reviewer.strip()
            save_review(incident, reports, state, reviewer, note)
            st.rerun()


def _precision_note(incident: pd.Series) -> str:
    """How exactly the point stands for the place (ACLED's geo precision, in words)."""
    if is_estimated_key(incident.get("location_id", "")):
        return " · *approximate: placed at the centre of its hromada or at its seat*"
    if incident.get("geo_precision") == 3:
        return " · *region-level: somewhere in this region*"
    if incident.get("geo_precision") == 2:
        return " · *near this place*"
    return ""


def job_panel(status: JobStatus, render_result: Callable[[object], None], *,
              unit: str = "articles") -> None:
    """One job: queue position or progress while it runs, its outcome when done."""
    with st.container(border=True):
        st.markdown(md_escape(status.title))
        if status.state == "queued":
            st.caption(f"Waiting: {status.position} job(s) ahead in this server's queue.")
        elif status.state == "running":
            share = status.done / status.total if status.total else 0.0
            st.progress(share, text=md_escape(
                f"{status.done}/{status.total or '?'} {unit}" +
                (f" · now: {status.label}" if status.label else "")))
        if status.active:
            if st.button("Cancel", key=f"cancel_{status.id}",
                         help=f"Stops after the {unit.removesuffix('s')} being made; what "
                              "is done stays done."):
                jobs().cancel(status.id)
                st.rerun()
        elif status.state == "failed":
            st.error(md_escape(f"Stopped: {status.error}. What was stored before stays "
                               "stored."))
        elif status.result is None:
            st.info("Cancelled before it started.")
        elif isinstance(status.result, str):
            st.success(md_escape(status.result))
        else:
            render_result(status.result)


def _jobs_panel(heading: str, render_result: Callable[[object], None]) -> None:
    statuses = jobs().recent(5)
    if not statuses:
        return
    st.subheader(heading)
    for status in statuses:
        job_panel(status, render_result)
    seen = st.session_state.get("jobs_seen_finished")
    finished = {s.id for s in statuses if not s.active}
    st.session_state["jobs_seen_finished"] = finished | (seen or set())
    if seen is not None and finished - seen:
        st.rerun(scope="app")  # every page now reads the new store version


def follow_jobs(heading: str, render_result: Callable[[object], None]) -> None:
    """The server's latest jobs (from every session: one shared server, one queue). They go
    on when the page is left or reloaded and their outcomes stay listed; while one is queued
    or running the panel refreshes every second, and when one ends the app reruns once."""
    active = any(s.active for s in jobs().recent(5))
    st.fragment(_jobs_panel, run_every=1.0 if active else None)(heading, render_result)


def merge_explanation(incident: pd.Series, reports: pd.DataFrame) -> str:
    """Why these reports are one incident, in the merge rule's own terms."""
    places = sorted(set(reports["mention_text"]))
    days = sorted(set(reports["report_date"].dt.strftime("%d %b")))
    outlets = reports["outlet"].where(reports["outlet"] != "", reports["article"]).nunique()
    return (f"{len(reports)} reports from {outlets} outlet{'s' * (outlets != 1)} merged: same "
            f"event type ({incident['event_type']}), the same place or one inside the other "
            f"({', '.join(places)}), and dates within each report's precision "
            f"({', '.join(days)}).")


def md_escape(text: str) -> str:
    """Text from articles shown as Markdown: escape Markdown and HTML alike. A colon and an
    at sign are escaped too: the renderer turns a bare "https://…", "www.…" or "a@b.c" into a
    link by itself (an article's image or address would become a clickable, mangled link)."""
    escaped = html.escape(str(text), quote=False)
    for ch in "\\`*_{}[]()#+-.!|<>~:@":
        escaped = escaped.replace(ch, "\\" + ch)
    return escaped


# Above this many incidents the download files are made by the server's background worker,
# not in the request: building them is seconds of Python (3.7 s for 10,000 incidents) that
# would slow every other session meanwhile. Likewise a backup of a store above this size.
EXPORT_JOB_ROWS = int(os.environ.get("GEO_EXPORT_JOB_ROWS", "2000"))
BACKUP_JOB_BYTES = int(float(os.environ.get("GEO_BACKUP_JOB_MB", "50")) * 2**20)
# A prepared file is kept this long for its download, then removed.
EXPORT_KEEP_SECONDS = 3600.0


@st.cache_resource
def export_dir() -> Path:
    """Where the background worker leaves prepared downloads (one folder per job)."""
    return Path(tempfile.mkdtemp(prefix="geo-exports-"))


def store_bytes() -> int:
    """The store file's size (the backup's, near enough)."""
    try:
        return store().path.stat().st_size
    except OSError:
        return 0


def prepare_download(title: str, work: Callable[..., object], *args: object) -> None:
    """Queue a download to be made by the server's worker; this session follows it
    (:func:`follow_downloads`). Prepared files older than an hour are removed first."""
    root = export_dir()
    now = time.time()
    for old in root.iterdir():
        try:
            if now - old.stat().st_mtime > EXPORT_KEEP_SECONDS:
                shutil.rmtree(old, ignore_errors=True)
        except OSError:
            continue
    folder = Path(tempfile.mkdtemp(dir=root))
    job_id = jobs().submit(title, work, *args, str(folder))
    st.session_state["export_jobs"] = [*st.session_state.get("export_jobs", [])[-2:], job_id]


def follow_downloads(mime_types: Mapping[str, str]) -> None:
    """This session's prepared downloads: queue position and progress while they are made
    (refreshed every second), then a button per file."""
    active = any(s.active for s in _export_statuses())
    st.fragment(_downloads_panel, run_every=1.0 if active else None)(mime_types, active)


def _export_statuses() -> list[JobStatus]:
    """This session's download jobs the worker still remembers."""
    return [s for s in (jobs().status(i) for i in st.session_state.get("export_jobs", []))
            if s is not None]


def _downloads_panel(mime_types: Mapping[str, str], polling: bool) -> None:
    statuses = _export_statuses()

    def buttons(files: object) -> None:
        for name, path in dict(files).items():  # type: ignore[call-overload]
            file = Path(path)
            if not file.is_file():
                st.caption(md_escape(f"{name}: expired, prepare it again."))
                continue
            st.download_button(f"Download {name}", partial(file.read_bytes), file_name=name,
                               mime=mime_types.get(name, "application/octet-stream"),
                               on_click="ignore", key=f"dl_{path}")

    for status in statuses:
        job_panel(status, buttons, unit="files")
    if polling and not any(s.active for s in statuses):
        st.rerun(scope="app")  # all made: draw the buttons and stop polling
