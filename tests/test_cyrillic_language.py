"""The language of each article (issue 25): Ukrainian and Russian told apart, English kept
English, and any other language named at upload and in the command line, never read into a
silent empty result. Every sentence here is written for these tests."""

from __future__ import annotations

import time

from click.testing import CliRunner

from geo.cli import cli
from geo.nlp.language import detect_language, unread_language_note
from geo.store.ingest import read_uploads

GERMAN = ("Bei einem russischen Drohnenangriff auf die Stadt Sumy wurden in der Nacht zwei "
          "Menschen getötet, teilte die Gebietsverwaltung am Morgen mit. Mehrere Wohnhäuser "
          "wurden beschädigt, die Feuerwehr war bis zum Mittag im Einsatz.")


def test_ukrainian_and_russian_articles_are_told_apart():
    assert detect_language("Уночі окупанти атакували Одесу дронами, поранено трьох людей.") == "uk"
    assert detect_language("Ночью беспилотники атаковали Белгород, ранены три человека.") == "ru"


def test_a_short_english_text_is_read_as_english_not_as_a_lookalike_language():
    # A trigram model reads this as Nynorsk; a headline or an ACLED note is too short to judge.
    assert detect_language("Shelling hit Kharkiv.") == "en"


def test_an_article_in_a_language_not_read_gets_a_message_naming_the_language():
    note = unread_language_note(GERMAN, label="bericht.txt")
    assert note is not None and note.startswith("bericht.txt: written in German")
    assert unread_language_note("Russian forces shelled Kherson on Monday, killing two.") is None
    assert unread_language_note("У понеділок окупанти обстріляли Херсон, загинули двоє.") is None


def test_upload_of_a_german_article_notes_its_language():
    notes: list[tuple[str, str]] = []
    articles, failures = read_uploads([("bericht.txt", GERMAN.encode())], notes=notes)
    assert len(articles) == 1 and not failures
    assert [(source, note.split(",")[0]) for source, note in notes] == [
        ("bericht.txt", "written in German")]


def test_upload_of_a_ukrainian_article_has_no_language_note():
    notes: list[tuple[str, str]] = []
    read_uploads([("статья.txt", "У понеділок окупанти обстріляли Херсон.".encode())],
                 notes=notes)
    assert notes == []


def test_cli_extract_warns_of_an_article_in_a_language_it_does_not_read(tmp_path):
    (tmp_path / "bericht.txt").write_text(GERMAN, encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", str(tmp_path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert "written in German, which this pipeline does not read" in result.output


def test_language_detection_of_a_whole_article_is_fast():
    article = " ".join(["Уночі окупанти атакували Одесу дронами, поранено трьох людей."] * 60)
    detect_language(article[:-1])  # models loaded once per process
    started = time.perf_counter()
    for n in range(50):
        detect_language(article + " " * n)  # distinct texts: no cache hit
    assert (time.perf_counter() - started) / 50 < 0.25


def test_the_reader_names_the_articles_language():
    from streamlit.testing.v1 import AppTest  # noqa: PLC0415 - only this test runs the app

    from tests.conftest import ROOT  # noqa: PLC0415

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    at.query_params["article"] = "003_63e94df4db2917e2"
    at.switch_page("pages/sources.py").run()
    assert not at.exception, at.exception
    assert any(c.value.endswith("· English") for c in at.caption), [c.value for c in at.caption]
