"""Reading real web pages: only the story becomes text (never the menu, related headlines,
comments, cookie banner or scripts), and the date, title and outlet come from the page's
metadata. Reading markup never opens a connection."""

from __future__ import annotations

import datetime as dt
import http.server
import threading

import pytest

from geo.io.articles import parse_article_bytes
from geo.io.html import html_page

STORY = [
    "Russian cruise missiles struck the centre of Vinnytsia on Thursday morning, killing at "
    "least six people and wounding dozens more, the regional governor said.",
    "The missiles hit an office building and a concert hall near the city's main square "
    "shortly before 11am, according to the State Emergency Service, which said rescue teams "
    "were still digging through the rubble in the afternoon.",
    '"There is no military target here. This is a deliberate strike on civilians," the '
    "governor told reporters at the scene, adding that three children were among the injured.",
    "Vinnytsia, a city of about 370,000 people in west-central Ukraine, lies far from the front "
    "line and had been largely spared from attacks since the spring.",
    "The air force said it had shot down two of the missiles over the region, and that the "
    "others had been launched from submarines in the Black Sea.",
]
# Words that appear only in the page's furniture; none may reach the text.
FURNITURE = ["cookies", "Accept all", "Opinion", "Related stories", "Mykolaiv", "Odesa",
             "Bakhmut", "Kramatorsk", "Sievierodonetsk", "reader_77", "All rights reserved",
             "Privacy", "dataLayer", "Lviv", "display:flex", "Subscribe", "Kherson"]


def news_page(*, head_meta: str = "", scripts: bool = True) -> str:
    """A news site's article page as such sites are built."""
    script = ('<script>window.dataLayer=[];function track(){console.log("Shelling in Lviv");}'
              "</script>") if scripts else ""
    body = "".join(f"<p>{p}</p>" for p in STORY)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Missile strike on Vinnytsia kills six, officials say | Dnipro Ledger</title>
{head_meta}
{script}
<style>.nav{{display:flex}}</style>
</head><body>
<div id="cookie-banner" class="cookie-consent"><p>We use cookies to improve your experience.
By continuing to browse you accept our cookie policy.</p><button>Accept all</button></div>
<header class="site-header"><nav class="main-nav"><ul>
<li><a href="/">Home</a></li><li><a href="/war">War in Ukraine</a></li>
<li><a href="/kherson">Kherson</a></li><li><a href="/opinion">Opinion</a></li></ul></nav>
</header>
<main><article class="story">
<h1>Missile strike on Vinnytsia kills six, officials say</h1>
<p class="byline">By Olena Marchuk</p>
<div class="story-body">{body}</div>
</article>
<aside class="related-stories"><h2>Related stories</h2><ul>
<li><a href="/a1">Shelling kills four in Mykolaiv as strikes on the port continue</a>
<time datetime="2022-07-10">10 July</time></li>
<li><a href="/a2">Drone attack on Odesa grain terminal sets warehouses ablaze</a></li>
<li><a href="/a3">Explosions reported in Bakhmut after overnight artillery duel</a></li>
</ul></aside>
<section id="comments" class="comments"><h3>Comments (2)</h3>
<div class="comment"><p class="author">reader_77</p>
<p>My cousin says there were airstrikes in Kramatorsk too, three dead.</p></div>
<div class="comment"><p class="author">anon</p>
<p>Heavy bombing in Sievierodonetsk last night, nobody reports it.</p></div>
</section></main>
<footer class="site-footer"><p>&copy; 2022 Dnipro Ledger. All rights reserved.</p>
<ul><li><a href="/privacy">Privacy</a></li><li><a href="/subscribe">Subscribe</a></li></ul>
</footer>
{script}
</body></html>"""


OPEN_GRAPH = """
<meta property="og:site_name" content="Dnipro Ledger">
<meta property="og:title" content="Missile strike on Vinnytsia kills six, officials say">
<meta property="og:url" content="https://ledger.example/news/vinnytsia-strike">
<meta property="article:published_time" content="2022-07-14T13:05:00+03:00">"""
JSON_LD = """<script type="application/ld+json">{"@context": "https://schema.org",
"@type": "NewsArticle", "headline": "Missile strike on Vinnytsia kills six, officials say",
"datePublished": "2022-07-14T10:05:00Z", "mainEntityOfPage": "https://ledger.example/n/1",
"publisher": {"@type": "Organization", "name": "Dnipro Ledger"}}</script>"""


def test_a_news_page_keeps_its_story_and_drops_menu_related_stories_and_comments():
    page = html_page(news_page(head_meta=OPEN_GRAPH))
    paragraphs = page.text.split("\n\n")
    # Each story paragraph whole and in order (the headline may come first).
    at = [paragraphs.index(p) for p in STORY]
    assert at == sorted(at)
    for word in FURNITURE:
        assert word not in page.text, word


@pytest.mark.parametrize("meta", [OPEN_GRAPH, JSON_LD], ids=["open_graph", "json_ld"])
def test_date_title_and_outlet_come_from_the_page_metadata(meta):
    page = html_page(news_page(head_meta=meta))
    # Not the related story's <time> (10 July), not the <title> with the site's suffix.
    assert page.published == dt.date(2022, 7, 14)
    assert page.title == "Missile strike on Vinnytsia kills six, officials say"
    assert page.outlet == "Dnipro Ledger"


def test_an_uploaded_page_becomes_an_article_with_its_story_and_metadata():
    (article,) = parse_article_bytes("vinnytsia.html",
                                     news_page(head_meta=OPEN_GRAPH).encode())
    assert (article.outlet, article.published, article.url) == (
        "Dnipro Ledger", dt.date(2022, 7, 14), "https://ledger.example/news/vinnytsia-strike")
    assert STORY[0] in article.text and "Mykolaiv" not in article.text


def test_the_domain_alone_is_not_an_outlet_so_a_form_default_still_applies():
    meta = '<link rel="canonical" href="https://ledger.example/news/1">'
    page = html_page(news_page(head_meta=meta))
    assert page.url == "https://ledger.example/news/1"
    assert page.outlet == ""


@pytest.mark.parametrize("size", ["full_page", "fragment"])
def test_scripts_styles_and_noscript_never_reach_the_text(size):
    scripts = ('<script>var city = "Attack on Lviv";</script><noscript>Enable JavaScript</noscript>'
               '<style>p { color: red }</style><script type="application/ld+json">'
               '{"headline": "Kherson"}</script>')
    markup = (news_page(head_meta=OPEN_GRAPH).replace("</main>", scripts + "</main>")
              if size == "full_page" else f"<p>Shelling hit <b>Kharkiv</b>.</p>{scripts}")
    text = html_page(markup).text
    assert "Kharkiv" in text or STORY[0] in text
    for word in ("Lviv", "JavaScript", "color", "Kherson", "headline", "var city"):
        assert word not in text


def test_a_tiny_page_is_read_as_its_visible_text_without_its_menu():
    markup = ("<html><head><title>Strike on Kharkiv</title></head><body>"
              "<nav><a href='/'>Home</a> <a href='/odesa'>Odesa</a></nav>"
              "<p>Shelling hit <b>Kharkiv</b> on Friday.</p><p>Two people were hurt.</p>"
              "</body></html>")
    title, text = html_page(markup).title, html_page(markup).text
    assert title == "Strike on Kharkiv"
    assert text == "Shelling hit Kharkiv on Friday.\n\nTwo people were hurt."


def test_the_story_alone_makes_incidents_not_the_related_headlines_or_comments(gazetteer):
    from geo.pipeline import run_pipeline

    (article,) = parse_article_bytes("vinnytsia.html",
                                     news_page(head_meta=OPEN_GRAPH).encode())
    incidents = run_pipeline([article], gazetteer=gazetteer).incidents
    places = set(incidents["location"])
    assert any(place.startswith("Vinnyts") for place in places)  # GeoNames: Vinnytsya
    assert not places & {"Mykolaiv", "Odesa", "Bakhmut", "Kramatorsk", "Sievierodonetsk"}


class _Counting(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        _Counting.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(news_page(head_meta=OPEN_GRAPH).encode())

    def log_message(self, *args) -> None:
        pass


def test_reading_markup_opens_no_connection_even_when_it_names_addresses():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        _Counting.requests.clear()
        # A page that is only an address (htmldate alone would download it), and a page
        # whose canonical address, images and links all point at the server.
        html_page(f"{base}/story")
        linked = (f'<link rel="canonical" href="{base}/canonical">'
                  f'<meta property="og:image" content="{base}/image.jpg">'
                  + news_page().replace('href="/', f'href="{base}/'))
        page = html_page(linked)
        assert page.url == f"{base}/canonical"
        assert _Counting.requests == []
    finally:
        server.shutdown()
        server.server_close()


def test_a_page_nested_a_thousand_levels_deep_keeps_its_text():
    # libxml2 drops what lies deeper than 256 elements unless told otherwise; some sites'
    # markup (and hostile uploads) go deeper.
    depth = 1000
    markup = "<div>" * depth + "".join(f"<p>{p}</p>" for p in STORY) + "</div>" * depth
    assert html_page(markup).text.split("\n\n") == STORY
