"""Reading articles: every format, the manifest, and bad input named with its reason."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest

from geo.errors import ArticleError, ManifestError
from geo.io.articles import (
    html_to_text,
    parse_article_bytes,
    read_articles,
    read_articles_lenient,
    read_manifest,
)
from geo.io.text import decode_bytes
from tests.conftest import ARTICLES


def test_seed_corpus_reads_with_its_manifest(seed_articles):
    assert sorted(seed_articles) == ["000_839e6d4a3abab594", "001_4222a503b4c9286b",
                                     "002_fff79419f0ffe47e", "003_63e94df4db2917e2",
                                     "004_a285586d0cb5f2f7"]
    nz = seed_articles["002_fff79419f0ffe47e"]
    assert (nz.outlet, nz.published, nz.timezone) == (
        "NZ Herald (AP copy)", dt.date(2022, 3, 4), "Pacific/Auckland")
    assert seed_articles["004_a285586d0cb5f2f7"].title.startswith("Ukraine, Russia Agree")
    assert seed_articles["000_839e6d4a3abab594"].text.startswith("Ukraine seeks ceasefire")


def test_html_keeps_visible_text_only():
    markup = ("<html><head><title>Strike on Kharkiv</title><style>p{color:red}</style>"
              "<script>alert('x')</script></head><body><p>Shelling hit <b>Kharkiv</b>.</p>"
              "<noscript>enable js</noscript><p>Second&nbsp;paragraph &amp; more.</p>"
              "</body></html>")
    title, text = html_to_text(markup)
    assert title == "Strike on Kharkiv"
    assert text == "Shelling hit Kharkiv.\n\nSecond paragraph & more."
    (article,) = parse_article_bytes("page.html", markup.encode())
    assert "alert" not in article.text and "color" not in article.text
    assert article.id == "page"


def test_json_and_csv_collections():
    records = [{"text": "Blasts in Kyiv.", "title": "A", "outlet": "X",
                "published": "2022-03-03T10:00:00Z"}, {"text": "Calm in Lviv."}]
    articles = parse_article_bytes("batch.json", json.dumps(records).encode())
    assert [a.id for a in articles] == ["batch-1", "batch-2"]
    assert articles[0].published == dt.date(2022, 3, 3) and articles[0].outlet == "X"
    csv_bytes = b"title,text,outlet\nOne,\"Kyiv, again\",AP\n"
    (a,) = parse_article_bytes("rows.csv", csv_bytes)
    assert (a.id, a.text, a.outlet) == ("rows", "Kyiv, again", "AP")


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b"  \n\t ", "empty file"),
    ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
    ("bad.json", b"{\"text\": ", "malformed JSON"),
    ("bad.csv", b"title,body\n\"unterminated,quote\n", "malformed CSV"),
    ("nocol.csv", b"a,b\n1,2\n", "no text column"),
    ("doc.pdf", b"%PDF-1.4", "unsupported file type"),
    ("only-script.html", b"<script>alert(1)</script>", "no text"),
])
def test_bad_input_is_refused_with_its_reason(name, data, reason):
    with pytest.raises(ArticleError, match=reason):
        parse_article_bytes(name, data)


@pytest.mark.parametrize("encoding", ["cp1251", "latin-1"])
def test_other_encodings_are_decoded(encoding):
    text = {"cp1251": "Обстріл Харкова. Shelling hit Kharkiv again today.",
            "latin-1": "Les frappes sur Kharkiv à l'aube ont été très violentes, dit-il."}[
        encoding]
    (article,) = parse_article_bytes("a.txt", text.encode(encoding))
    assert article.text == text


def test_a_bad_file_does_not_stop_the_others(tmp_path):
    (tmp_path / "good.txt").write_text("Shelling hit Kharkiv.", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    articles, failures = read_articles_lenient([tmp_path, tmp_path / "missing.txt"])
    assert [a.id for a in articles] == ["good"]
    assert [(f.source.rsplit("/", 1)[-1], f.reason) for f in failures] == [
        ("empty.txt", "empty file"), ("missing.txt", "no such file")]
    with pytest.raises(ArticleError, match="empty.txt: empty file"):
        read_articles([tmp_path])


def test_manifest_without_file_column_is_refused(tmp_path):
    bad = tmp_path / "m.csv"
    bad.write_text("name,outlet\nx,y\n", encoding="utf-8")
    with pytest.raises(ManifestError, match="no 'file' column"):
        read_manifest(bad)
    assert set(read_manifest(ARTICLES / "manifest.csv")) >= {"000_839e6d4a3abab594.txt"}


def test_soft_hyphen_zero_width_and_decomposed_accents_do_not_hide_a_place(
        tmp_path, gazetteer):
    from geo.nlp.geoparse import geoparse

    # "Khar<soft hyphen>kiv" once became Haar (Bavaria); a decomposed "Khárkiv", Bhutan.
    text = ("Shelling hit Khar\u00adkiv overnight. Residents of Khar\u200bkiv and of "
            "Kha\u0301rkiv hid in the metro.")
    path = tmp_path / "hyphens.txt"
    path.write_bytes(text.encode("utf-8"))
    (article,) = read_articles([path])
    assert "\u00ad" not in article.text and "\u200b" not in article.text
    places = [r for r in geoparse(article, gazetteer) if r.place is not None]
    assert {r.place.country_code for r in places} == {"UA"}
    assert {r.mention.text for r in places} >= {"Kharkiv"}


def test_a_cut_off_last_character_does_not_turn_the_text_into_mojibake():
    data = "Обстріл Харкова: загинули троє людей, повідомив мер Харкова".encode()[:-1]
    decoded = decode_bytes(data)
    assert decoded.text.startswith("Обстріл Харкова") and decoded.encoding == "utf-8"
    assert "cut off" in decoded.note


def test_a_few_invalid_bytes_in_utf8_are_replaced_not_guessed_as_cp1251():
    data = "Shelling hit Kharkiv, Харків, ".encode() + b"\xff" + " near the café.".encode()
    decoded = decode_bytes(data)
    assert "Харків" in decoded.text and "café" in decoded.text and "\ufffd" in decoded.text
    assert "replaced" in decoded.note


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_a_byte_order_mark_are_read(encoding):
    text = "Shelling hit Kharkiv on 5 March; Харків."
    data = text.encode(encoding)
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = "\ufeff".encode(encoding) + data
    (article,) = parse_article_bytes("report.txt", data)
    assert article.text == text


def test_random_bytes_without_nul_are_refused_as_binary():
    rng = random.Random(8)
    data = bytes(rng.randrange(32, 256) for _ in range(8192))
    with pytest.raises(ArticleError, match="binary"):
        parse_article_bytes("noise.txt", data)


def test_a_legacy_encoding_is_named_in_the_ingest_report():
    notes: list[str] = []
    text = "Обстріл Харкова: загинули троє людей, повідомив мер міста."
    (article,) = parse_article_bytes("old.txt", text.encode("cp1251"), notes=notes)
    assert article.text == text and notes == ["not UTF-8; decoded as cp1251"]


HTML_DATES = {
    "article_published_time": '<meta property="article:published_time" '
                              'content="2023-10-09T21:15:00+03:00">',
    "json_ld": '<script type="application/ld+json">{"@context": "https://schema.org", '
               '"@graph": [{"@type": "WebPage"}, {"@type": "NewsArticle", '
               '"datePublished": "2023-10-09T18:15:00Z"}]}</script>',
    "time_pubdate": '<p>By a correspondent, <time pubdate datetime="2023-10-09">9 Oct</time></p>',
}


@pytest.mark.parametrize("case", sorted(HTML_DATES))
def test_an_html_page_gives_its_publication_date(case):
    markup = (f"<html><head><title>Strike</title>{HTML_DATES[case]}</head><body>"
              "<p>An air strike hit Jabalia on Monday, killing four people.</p></body></html>")
    (article,) = parse_article_bytes("strike.html", markup.encode())
    assert article.published == dt.date(2023, 10, 9)
    # A <p> inside <head> ends the head (as in a browser), so the byline may be text too.
    assert "An air strike hit Jabalia on Monday, killing four people." in article.text.split(
        "\n\n")


def test_html_metadata_gives_outlet_and_address_and_a_manifest_still_wins(tmp_path):
    markup = ('<meta property="og:site_name" content="Kyiv Independent">'
              '<meta property="og:url" content="https://example.org/news/1">'
              '<meta property="article:published_time" content="2022-03-03">'
              "<p>Shelling hit Kharkiv.</p>")
    (tmp_path / "a.html").write_text(markup, encoding="utf-8")
    (article,) = read_articles([tmp_path / "a.html"])
    assert (article.outlet, article.url, article.published) == (
        "Kyiv Independent", "https://example.org/news/1", dt.date(2022, 3, 3))
    (tmp_path / "manifest.csv").write_text("file,published\na.html,2022-03-04\n",
                                           encoding="utf-8")
    (article,) = read_articles([tmp_path / "a.html"], manifest=tmp_path / "manifest.csv")
    assert article.published == dt.date(2022, 3, 4)


def test_offsets_map_back_to_the_text_as_received():
    import random
    import unicodedata

    from geo.io.text import normalize_text, normalize_text_mapped

    received = "Khar\u00adkiv\r\nand Kha\u0301rkiv:\u200b\u200bshelled \ufeffIzium\r\n"
    text, offsets = normalize_text_mapped(received)
    for word in ("Kharkiv", "Khárkiv", "shelled", "Izium"):
        start = text.index(word)
        span = received[offsets.start(start):offsets.end(start + len(word))]
        assert unicodedata.normalize("NFC", span.replace("\u00ad", "")) == word
    assert received[offsets.start(text.index("shelled")):][:7] == "shelled"
    assert offsets.end(len(text)) == len(received)
    # Any mix of what normalisation changes: each ASCII span comes back exactly, with no
    # removed character at its edges.
    pieces = ["a", "b ", "\r\n", "\r", "\u00ad", "\u200b", "e\u0301", "\u0301", "\u1100\u1161",
              "\u11a8", "é", "\u0958", "\ufeff", "a\u0308\u0301", "\u00ad\r\n"]
    rng = random.Random(7)
    for _ in range(400):
        received = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 25)))
        text, offsets = normalize_text_mapped(received)
        assert text == normalize_text(received)
        for i in range(len(text)):
            for j in range(i + 1, min(len(text), i + 5) + 1):
                if text[i:j].isascii():
                    span = received[offsets.start(i):offsets.end(j)]
                    assert normalize_text(span).replace("\r", "\n") == text[i:j]
                    invisible = "\u00ad\u200b\ufeff"
                    assert span[0] not in invisible and span[-1] not in invisible
