"""HTML for reading articles and excerpts: the text escaped, place mentions and cited sentences
marked. Article text is untrusted: every piece of it goes through ``html.escape`` here, and
only the markup this module writes is raw.

Example:
    >>> highlight_excerpt("<b>Kyiv</b> was hit.", 3, 7)
    '&lt;b&gt;<mark>Kyiv</mark>&lt;/b&gt; was hit.'
"""

from __future__ import annotations

import html

import pandas as pd

from geo.records import FeatureKind

#: Colours of mention highlights by feature kind (background, readable on white).
FEATURE_COLORS = {
    FeatureKind.CITY: "#ffe08a", FeatureKind.REGION: "#b5e3b1",
    FeatureKind.COUNTRY: "#b7d4f5", FeatureKind.WATER: "#a6e4f0", FeatureKind.AREA: "#d9c7f0",
    FeatureKind.LANDMARK: "#f7c3a3", FeatureKind.CONTINENT: "#dddddd",
    FeatureKind.COMPUTED: "#f5b5c8",
    "": "#ff9c9c",  # unresolved
}


def highlight_excerpt(excerpt: str, start: int, end: int) -> str:
    """An excerpt as HTML with ``excerpt[start:end]`` (the place) in ``<mark>``.

    Offsets outside the excerpt leave it unmarked.
    """
    if not 0 <= start < end <= len(excerpt):
        return html.escape(excerpt)
    return (html.escape(excerpt[:start]) + "<mark>" + html.escape(excerpt[start:end])
            + "</mark>" + html.escape(excerpt[end:]))


def article_html(text: str, mentions: pd.DataFrame, *, cited: tuple[int, int] | None = None,
                 ) -> str:
    """An article's text as HTML paragraphs, each mention in a coloured span whose hover text
    gives the resolved place and score; the cited sentence (if any) carries ``id="cited"``.

    Args:
        text: the article's text.
        mentions: its rows of the mentions table (``start``, ``end``, ``name``, ``feature``,
            ``country_code``, ``admin1``, ``score``, ``reason``).
        cited: (start, end) of a sentence to mark and scroll to.

    Returns:
        HTML (a ``<div class="article">``), with all article text escaped.
    """
    # (offset, order, markup) inserted at offsets of the raw text. At one offset a mention
    # closes, then the cited sentence closes, opens, then a mention opens: spans nest.
    marks: list[tuple[int, int, str]] = []
    for row in mentions.sort_values("start").itertuples(index=False):
        color = (FEATURE_COLORS[FeatureKind.of(row.feature)] if row.name
                 else FEATURE_COLORS[""])
        if row.name:
            where = ", ".join(p for p in (row.name, row.admin1, row.country_code) if p)
            title = f"{where} · {row.feature} · score {row.score:.2f}"
        else:
            title = f"unresolved · {row.reason}"
        marks.append((int(row.start), 3, f'<span class="mention" style="background:{color}" '
                                         f'title="{html.escape(title, quote=True)}">'))
        marks.append((int(row.end), 0, "</span>"))
    if cited is not None:
        marks.append((cited[0], 2, '<span id="cited" class="cited">'))
        marks.append((cited[1], 1, "</span>"))
    return '<div class="article">' + _paragraphs(text, sorted(marks)) + "</div>"


def _paragraphs(text: str, marks: list[tuple[int, int, str]]) -> str:
    out: list[str] = []
    pos = 0
    for offset, _order, markup in marks:
        out.append(html.escape(text[pos:offset]))
        out.append(markup)
        pos = offset
    out.append(html.escape(text[pos:]))
    body = "".join(out)
    paragraphs = [p for p in body.split("\n") if p.strip()]
    return "".join(f"<p>{p}</p>" for p in paragraphs)


READER_CSS = """
<style>
.article p { line-height: 1.6; margin: 0 0 0.8em 0; }
.article .mention { border-radius: 3px; padding: 0 2px; cursor: help; }
.article .cited { outline: 2px solid #b3261e; outline-offset: 2px; border-radius: 3px; }
.legend span { display: inline-block; padding: 0 6px; margin-right: 6px; border-radius: 3px; }
</style>
"""


def feature_legend() -> str:
    """A one-line legend of the mention colours."""
    items = "".join(f'<span style="background:{color}">{html.escape(name or "unresolved")}'
                    f"</span>" for name, color in FEATURE_COLORS.items())
    return f'<div class="legend">{items}</div>'
