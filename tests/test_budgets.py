"""One upload cannot hold the shared worker: each article and each batch has a budget, each
limit is named when hit, and what was accepted before it stays stored."""

from __future__ import annotations

import time

import pytest

import geo.store.ingest
import geo.store.process
from geo.errors import ArticleError
from geo.io.articles import MAX_TEXT_CHARS, parse_article_bytes
from geo.store.db import Store
from geo.store.ingest import ingest

LVIV = "A missile strike hit Lviv on March 6, 2022, killing two civilians. "


@pytest.fixture()
def store(tmp_path) -> Store:
    return Store(tmp_path / "news.sqlite")


def test_a_19_mb_article_is_refused_at_once_with_the_limit_named():
    data = (LVIV * (19 * 1024 * 1024 // len(LVIV))).encode()
    started = time.monotonic()
    with pytest.raises(ArticleError, match=r"the limit is 1\.5 million per article") as caught:
        parse_article_bytes("long.txt", data)
    assert time.monotonic() - started < 30  # refused on reading, never processed
    assert "split it" in str(caught.value)


def test_an_article_just_under_the_text_limit_is_accepted():
    (article,) = parse_article_bytes("ok.txt", ("x " * (MAX_TEXT_CHARS // 2 - 10)).encode())
    assert len(article.text) < MAX_TEXT_CHARS


def test_file_sizes_are_stated_in_the_units_of_their_limit():
    with pytest.raises(ArticleError, match=r"file is 20\.0 MB; the limit is 20 MB"):
        parse_article_bytes("huge.txt", b"a" * (20 * 1024 * 1024 + 1))


def test_a_batch_over_its_size_names_the_limit_and_keeps_what_fits(store, gazetteer,
                                                                   monkeypatch):
    monkeypatch.setattr(geo.store.process, "MAX_BATCH_BYTES", 150)  # read_uploads reads it
    files = [(f"a{n}.txt", f"{LVIV} Report {n}.".encode()) for n in range(3)]
    report = ingest(store, files, gazetteer)
    assert report.added == ["a0"]
    assert [f.source for f in report.failures] == ["a1.txt", "a2.txt"]
    assert "(the limit per batch)" in report.failures[0].reason
    assert store.article_count() == 1


def test_a_batch_out_of_time_stops_naming_its_limit_and_keeps_what_was_stored(
        store, gazetteer, monkeypatch):
    monkeypatch.setattr(geo.store.ingest, "MAX_BATCH_SECONDS", 0)
    files = [(f"a{n}.txt", f"{LVIV} Report {n}.".encode()) for n in range(3)]
    report = ingest(store, files, gazetteer, progress=lambda *_: time.sleep(0.01))
    assert report.added == ["a0"] and report.not_processed == 2
    assert "time limit (0 minutes) ran out" in report.summary()
    assert store.article_count() == 1
