"""Read a news web page: its story text, title, outlet, address and publication date.

A real page carries far more than its story: the site's menu, "related stories" with other
headlines, cookie banners, comment threads, scripts. Every place and attack named there
would become a report, so the story is found by a maintained boilerplate extractor
(trafilatura, Apache-2.0) and the metadata is read from the page's own markup (trafilatura's
metadata and htmldate: ``article:published_time``, JSON-LD ``datePublished``, Open Graph,
``<time>``). Both work on the markup they are given: nothing here opens a connection.

A page too small for the extractor to judge (a pasted fragment, a few paragraphs with no
site around them) is read as its visible text instead, with menus, asides, footers, forms
and scripts left out.

Example:
    >>> page = html_page('<meta property="article:published_time" '
    ...                  'content="2022-03-03T08:10:00+02:00"><p>Shelling hit Kharkiv.</p>')
    >>> str(page.published), page.text
    ('2022-03-03', 'Shelling hit Kharkiv.')
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import re
from dataclasses import dataclass

import lxml.etree
import lxml.html
from lxml.html import HtmlElement
from trafilatura import bare_extraction, extract_metadata
from trafilatura.metadata import META_URL

# The extractor's own floor (trafilatura's MIN_EXTRACTED_SIZE): below this many characters
# of visible text a page has too little around its story for boilerplate detection to mean
# anything, and its fallbacks then keep everything (noscript text, inline words on lines of
# their own), so such a page is read as its visible text.
TINY_PAGE_CHARS = 250
# Dates the pipeline accepts (geo.io.articles.check_metadata refuses the rest with a
# message); htmldate's own floor is 1995, which would silently drop an archive's dates.
_EARLIEST = "1900-01-01"
# Never text: not shown, or the site's furniture rather than a story.
_NOT_TEXT = frozenset({"script", "style", "noscript", "template", "head", "svg", "iframe",
                       "object", "embed", "nav", "aside", "footer", "form", "button",
                       "select", "textarea", "menu", "dialog"})
_BLOCK = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
                    "section", "article", "blockquote", "figcaption", "header", "main",
                    "ul", "ol", "dl", "dt", "dd", "table", "pre", "hr", "figure", "td",
                    "th"})

# The extractor logs pages it cannot parse as errors; here that is an ordinary outcome that
# the caller reports itself ("no text"), so it must not fill the server's log.
for _name in ("trafilatura", "htmldate", "courlan"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)


@dataclass(frozen=True)
class HtmlPage:
    """What an HTML page gives: its story text (paragraphs separated by a blank line), its
    title, and the outlet, address and publication date its metadata states."""

    title: str
    text: str
    published: dt.date | None = None
    outlet: str = ""
    url: str = ""


def html_page(markup: str) -> HtmlPage:
    """The story of a news page with its title and metadata (see the module's docstring).

    Args:
        markup: the page's HTML, decoded.

    Returns:
        The page; its ``text`` is empty when the page holds no visible text.
    """
    tree = _parse(markup)
    if tree is None:
        return HtmlPage(title="", text="")
    meta = extract_metadata(tree, date_config=_date_config(), extensive=False)
    plain = _visible_text(tree)
    text = plain
    if len(plain) >= TINY_PAGE_CHARS:
        # The extractor prunes the tree it is given; the metadata and the fallback above
        # were read from the intact one.
        story = _story_text(copy.deepcopy(tree))
        text = story or plain
    return HtmlPage(title=_clean(meta.title or "")[:1000], text=text,
                    published=_date(meta.date), outlet=_outlet(meta)[:200],
                    url=(meta.url or "")[:2000])


def html_to_text(markup: str) -> tuple[str, str]:
    """The title and story text of an HTML page (see ``html_page``).

    Returns:
        (title, text) with paragraphs separated by a blank line.
    """
    page = html_page(markup)
    return page.title, page.text


def _parse(markup: str) -> HtmlElement | None:
    """The page as a tree, parsed here so the extractor and htmldate are handed a tree,
    never a string (htmldate would fetch a string that looks like an address). A bare
    fragment ("<p>x</p>" alone) is a page too. ``huge_tree``: libxml2 otherwise drops
    everything nested deeper than 256 elements, which some sites' markup is; the text is
    already decoded, so the page's own charset declaration is not applied again."""
    if not markup.strip():
        return None
    # A parser per call: lxml's parsers are not safe to share between threads (sessions).
    parser = lxml.html.HTMLParser(huge_tree=True, encoding="utf-8")
    try:
        return lxml.html.document_fromstring(markup.encode("utf-8", "surrogatepass"),
                                             parser=parser)
    except (lxml.etree.ParserError, ValueError):  # nothing but comments, say
        return None


def _date_config() -> dict:
    tomorrow = dt.date.today() + dt.timedelta(days=1)  # a page in a zone ahead of ours
    # extensive_search off: a date must come from the page's markup (meta, JSON-LD, <time>,
    # its address), never be guessed from a date the story or a sidebar mentions.
    return {"original_date": True, "extensive_search": False, "min_date": _EARLIEST,
            "max_date": tomorrow.isoformat()}


def _story_text(tree: HtmlElement) -> str:
    """The extractor's main text: the story without menus, related links or comments."""
    found = bare_extraction(tree, include_comments=False, include_tables=True,
                            include_images=False, include_links=False, with_metadata=False,
                            date_extraction_params=_date_config())
    if found is None or not found.text:
        return ""
    lines = (" ".join(line.split()) for line in found.text.split("\n"))
    return "\n\n".join(line for line in lines if line)


def _visible_text(tree: HtmlElement) -> str:
    """The page's visible text without its furniture, one block per paragraph."""
    parts: list[str] = []
    stack: list[HtmlElement | str] = [tree]
    # Iterative walk: a page nested thousands of levels deep must not exhaust the stack.
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        tag = item.tag.lower() if isinstance(item.tag, str) else None  # comments: None
        if item.tail:
            stack.append(item.tail)
        if tag is None or tag in _NOT_TEXT:
            continue
        block = tag in _BLOCK
        if block:
            stack.append("\n")
        stack.extend(reversed([*([item.text] if item.text else []), *item]))
        if block:
            parts.append("\n")
    lines = (re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in "".join(parts).split("\n"))
    return "\n\n".join(line for line in lines if line)


def _outlet(meta) -> str:
    """The site's name as the page states it. The extractor falls back on the address's
    domain; that is left out so that a form's or manifest's outlet still applies."""
    name = _clean(meta.sitename or "")
    if name and meta.url and (m := META_URL.match(meta.url)) and m[1].lower() == name.lower():
        return ""
    return name


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _clean(value: str) -> str:
    return " ".join(value.split())
