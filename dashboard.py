"""Overview page (placeholder until the dashboard issue): the bundled corpus and its places."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from geo import mentions_for_articles
from geo.articles import read_articles

ARTICLES = Path(__file__).resolve().parent / "data" / "articles"


@st.cache_data(show_spinner="Reading the articles…")
def load_mentions():
    articles = read_articles([ARTICLES])
    return articles, mentions_for_articles(articles)


st.set_page_config(page_title="News incident map", layout="wide")
st.title("News incident map")
articles, mentions = load_mentions()
st.write(f"{len(articles)} articles, {len(mentions)} place mentions.")
st.dataframe(
    [{"article": a.id, "outlet": a.outlet, "published": a.published, "title": a.title}
     for a in articles],
    hide_index=True,
)
st.dataframe(mentions[["article", "text", "name", "feature", "country_code", "score"]],
             hide_index=True)
st.caption("Gazetteer data © GeoNames (geonames.org), CC BY 4.0. "
           "Boundaries: Natural Earth (public domain).")
