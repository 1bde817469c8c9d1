"""Sources (the reader): an article with its place mentions highlighted and its incidents;
``?article=ID&sentence=OFFSET`` opens it scrolled to the cited sentence."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

import dashboard_data as data
from geo.errors import ArticleError
from geo.io.reader import READER_CSS, article_html, feature_legend
from geo.nlp.language import detect_language, language_name
from geo.nlp.sentences import split_sentences
from geo.pipeline import PipelineResult
from geo.records import Article
from geo.store.db import StoreError

# Scrolls the page to the cited sentence once drawn. It is our own script: article text is
# escaped and never reaches it.
SCROLL = """<script>
setTimeout(function () {
  var el = document.getElementById("cited");
  if (el) { el.scrollIntoView({behavior: "smooth", block: "center"}); }
}, 300);
</script>"""


def cited_sentence(article: Article) -> tuple[int, int] | None:
    """The sentence named by ``?sentence=OFFSET`` when the URL is about this article."""
    if st.query_params.get("article") != article.id:
        return None
    try:
        offset = int(st.query_params.get("sentence", ""))
    except ValueError:
        return None
    return next(((s, e) for s, e in split_sentences(article.text) if s == offset), None)


def incidents_panel(reports: pd.DataFrame, incidents: pd.DataFrame) -> None:
    st.subheader("Incidents in this article")
    if reports.empty:
        st.write("None found.")
    by_id = incidents.set_index("event_id")
    for event_id, rows in reports.groupby("event_id", sort=False):
        incident = by_id.loc[event_id]
        with st.container(border=True):
            st.markdown(data.md_escape(f"{data.place_name(incident)} · "
                                       f"{incident['event_date']:%d %b %Y}"
                                       f" · {incident['sub_event_type']}"))
            for report in rows.itertuples(index=False):
                st.caption(data.md_escape(report.excerpt))
            st.page_link("pages/map.py", label="Show on the map", icon=":material/map:",
                         query_params={"location": incident["location_id"]},
                         help=f"incident {event_id}")


def delete_button(article_id: str, *, label: str, key: str) -> None:
    """Delete a stored article (its mentions and reports go with it), after a confirmation."""
    confirm = st.checkbox(f"Yes, delete {article_id}", key=f"confirm_{key}",
                          label_visibility="visible")
    if st.button(label, key=f"delete_{key}", disabled=not confirm):
        try:
            data.store().delete_article(article_id)
        except StoreError as exc:
            st.error(str(exc))
        else:
            st.session_state["deleted"] = article_id
            st.rerun()


def bad_rows_panel() -> None:
    """Stored articles no page can use as they are (an impossible date, an unknown time
    zone), each with two ways out: correct the metadata (the article is then processed
    again) or delete it; their incidents are left out until then."""
    if "corrected" in st.session_state:
        st.success(data.md_escape(st.session_state.pop("corrected")))
    for article_id, reason in data.bad_rows():
        with st.container(border=True):
            st.warning(data.md_escape(f"Stored article {article_id} cannot be used: {reason}. "
                                      "Its incidents are left out until its date and time "
                                      "zone are corrected, or it is deleted."))
            with st.form(f"fix_{article_id}"):
                cols = st.columns(2)
                day = cols[0].date_input("Publication date", value=None,
                                         min_value=dt.date(1900, 1, 1),
                                         max_value=dt.date.today() + dt.timedelta(days=1),
                                         key=f"fix_day_{article_id}")
                zone = cols[1].text_input("Time zone (IANA, e.g. Europe/Kyiv; empty: none)",
                                          key=f"fix_zone_{article_id}")
                if st.form_submit_button("Correct and process again"):
                    correct(article_id, day, zone.strip())
            delete_button(article_id, label="Delete it", key=f"bad_{article_id}")


def correct(article_id: str, day: dt.date | None, zone: str) -> None:
    store = data.store()
    try:
        store.correct_metadata(article_id, published=day, timezone=zone)
    except (ArticleError, StoreError) as exc:
        st.error(data.md_escape(str(exc)))
        return
    data.submit_reprocess(store, f"Process {article_id} again with its corrected metadata",
                          [article_id])
    st.session_state["corrected"] = (f"Corrected {article_id}; it is being processed again "
                                     "(Background jobs, Places page).")
    st.rerun()


def page(result: PipelineResult, filters: data.Filters) -> None:
    articles = {a.id: a for a in data.filtered_articles(result, filters)}
    st.title("Sources")
    if "deleted" in st.session_state:
        st.success(data.md_escape(f"Deleted {st.session_state.pop('deleted')}."))
    bad_rows_panel()
    if not articles:
        st.info("No article matches the outlet and place filters.")
        return
    ids = sorted(articles)
    data.adopt_url_param("article", "reader_article", allowed=ids)
    if st.session_state.get("reader_article") not in ids:
        st.session_state["reader_article"] = ids[0]
    article = articles[st.selectbox(
        "Article", ids, key="reader_article",
        format_func=lambda i: f"{i} — {articles[i].title or articles[i].outlet}")]
    st.caption(data.md_escape(
        f"{article.outlet or 'unknown outlet'} · published {article.published or 'date unknown'}"
        f" ({article.timezone or 'time zone unknown'})"
        f" · {language_name(detect_language(article.text))}"))
    cited = cited_sentence(article)
    left, right = st.columns([3, 2])
    with left:
        st.html(READER_CSS + feature_legend())
        mentions = result.mentions[result.mentions["article"] == article.id]
        st.html(article_html(article.text, mentions, cited=cited) + (SCROLL if cited else ""),
                unsafe_allow_javascript=cited is not None)
    with right:
        incidents_panel(result.reports[result.reports["article"] == article.id],
                        result.incidents)
        with st.expander("Delete this article"):
            st.caption("Removes the text, its place mentions and its reports from the store "
                       "for every session. A backup (Overview) keeps a copy.")
            delete_button(article.id, label="Delete the article", key="reader")


page(*data.setup_page("Sources"))
