"""Add articles: upload files (.txt, .md, .html, .json, .csv, or a .zip of them) or paste a
text; a form fills in a missing outlet or date. What was refused is listed with its reason;
nothing already stored is touched. The online geocoder's opt-in setting lives here too."""

from __future__ import annotations

import datetime as dt
import json

import streamlit as st

import dashboard_data as data
from geo.errors import GeoError
from geo.gazetteer.geocoding import GeocoderSettings, available_services
from geo.io.articles import MAX_BYTES, MB, SUFFIXES, check_metadata
from geo.pipeline import PipelineResult
from geo.store.ingest import (
    MAX_ZIP_MEMBERS,
    MAX_ZIP_TOTAL,
    Defaults,
    IngestReport,
    ingest_job,
)


def metadata_form() -> Defaults:
    st.caption("Used only for articles that do not carry their own (a manifest, JSON or CSV "
               "columns win).")
    cols = st.columns(3)
    outlet = cols[0].text_input("Outlet", key="add_outlet")
    published = cols[1].date_input("Publication date", value=None, key="add_published",
                                   min_value=dt.date(1900, 1, 1),
                                   max_value=dt.date.today() + dt.timedelta(days=1))
    timezone = cols[2].text_input("Time zone", key="add_timezone",
                                  placeholder="e.g. Europe/Kyiv")
    return Defaults(outlet=outlet.strip(), published=published, timezone=timezone.strip())


def show_report(report: IngestReport) -> None:
    (st.success if report.added and not report.failures else st.warning)(
        f"{report.summary()}.")
    if report.added:
        st.markdown("Added: " + data.md_escape(", ".join(report.added)))
    if report.updated:
        st.markdown("Completed the metadata of: " + data.md_escape(", ".join(report.updated)))
    for source, existing in report.duplicates:
        st.info(data.md_escape(f"{source}: same text as stored article {existing}; skipped."))
    for source, note in report.notes:
        st.info(data.md_escape(f"{source}: {note}."))
    for failure in report.failures:
        st.error(data.md_escape(f"{failure.source}: {failure.reason}"))
    if report.undated:
        st.warning(data.md_escape(
            f"{len(report.undated)} without a publication date ({', '.join(report.undated)}): "
            "their incidents are dated from their text and flagged. Enter the date in the form "
            "above and add the same files again to complete them."))


def show_result(result: object) -> None:
    if isinstance(result, IngestReport):
        show_report(result)


def run_ingest(uploads: list[tuple[str, bytes]], defaults: Defaults) -> None:
    """Queue the ingest on the server's worker (the page lists it until it is done)."""
    try:
        check_metadata(defaults.published, defaults.timezone)
    except GeoError as exc:
        st.session_state["add_refused"] = f"Nothing was added: {exc}."
        return
    names = ", ".join(name for name, _ in uploads[:3]) + (" …" if len(uploads) > 3 else "")
    data.jobs().submit(f"Add {len(uploads)} file{'s' * (len(uploads) != 1)}: {names}",
                       ingest_job, str(data.store().path), uploads, defaults)


def geocoder_settings() -> None:
    store = data.store()
    saved = json.loads(store.setting("geocoder", "{}") or "{}")
    with st.expander("Online geocoder (off by default)"):
        st.caption("For places the offline gazetteer lacks, the Places page can ask an online "
                   "geocoder through geopy. Requests are rate-limited as the service requires "
                   "and answers are cached in the store. With no network it fails with a "
                   "message and nothing else changes.")
        enabled = st.toggle("Use an online geocoder", value=bool(saved.get("enabled")))
        services = available_services()
        service = st.selectbox("Service", services,
                               index=services.index(saved.get("service", "nominatim")))
        domain = st.text_input("Server (host[:port], empty for the service's own)",
                               value=saved.get("domain") or "")
        scheme = st.radio("Scheme", ["https", "http"], horizontal=True,
                          index=0 if saved.get("scheme", "https") == "https" else 1)
        if st.button("Save geocoder settings"):
            settings = {"enabled": enabled, "service": service, "domain": domain or None,
                        "scheme": scheme}
            try:
                GeocoderSettings(**settings)
            except ValueError as exc:
                st.error(str(exc))
            else:
                store.set_setting("geocoder", json.dumps(settings))
                st.success("Saved for every session.")


def page(result: PipelineResult, filters: data.Filters) -> None:
    st.title("Add articles")
    defaults = metadata_form()
    upload_tab, paste_tab = st.tabs(["Upload files", "Paste a text"])
    with upload_tab:
        files = st.file_uploader(
            "Articles", accept_multiple_files=True, key="add_files",
            type=[s.lstrip(".") for s in SUFFIXES] + ["zip"],
            help="Several at once, or a .zip; a manifest.csv inside the zip is used.")
        # The uploader's own caption gives Streamlit's transfer limit; these are the app's.
        st.caption(f"An article file up to {MAX_BYTES // MB} MB; a .zip of up to "
                   f"{MAX_ZIP_MEMBERS:,} articles and {MAX_ZIP_TOTAL // MB} MB unpacked.")
        if st.button("Add the files", type="primary", disabled=not files):
            run_ingest([(f.name, f.getvalue()) for f in files], defaults)
            st.rerun()
    with paste_tab:
        title = st.text_input("Title (becomes the article's id)", key="add_title")
        text = st.text_area("Text", height=220, key="add_text")
        if st.button("Add the text", disabled=not text.strip()):
            name = (title.strip() or f"pasted-{dt.datetime.now():%Y%m%d-%H%M%S}") + ".txt"
            run_ingest([(name.replace("/", "-"), text.encode("utf-8"))], defaults)
            st.rerun()
    if "add_refused" in st.session_state:
        st.error(data.md_escape(st.session_state.pop("add_refused")))
    data.follow_jobs("Ingests on this server", show_result)
    st.caption(f"The store holds {len(result.articles)} articles "
               f"({data.md_escape(str(data.store().path))}).")
    geocoder_settings()


page(*data.setup_page("Add articles"))
