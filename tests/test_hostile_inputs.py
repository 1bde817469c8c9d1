"""Issue 28: every failure tells the truth and costs what the input is worth (dense long
articles, corrupt archives, full disks, huge backups, odd encodings)."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from click.testing import CliRunner

from geo.cli import cli
from geo.store.db import Store, StoreError
from geo.store.ingest import expand_upload, ingest

KHARKIV = "Russian forces shelled Kharkiv on March 5, 2022. At least 3 people were killed."
LVIV = "A missile strike hit Lviv on March 6, 2022, killing two civilians."
CALM = "Kyiv was calm on Sunday."


@pytest.fixture()
def store(tmp_path) -> Store:
    return Store(tmp_path / "news.sqlite")


def zip_with_a_corrupt_member(corrupt: str = "b.txt") -> bytes:
    """A zip of three deflated articles whose member ``corrupt`` has its compressed stream
    overwritten (the header and sizes stay as they were)."""
    texts = {"a.txt": KHARKIV, "b.txt": (LVIV + " ") * 40, "c.txt": CALM}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in texts.items():
            archive.writestr(name, text)
    data = bytearray(buffer.getvalue())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(corrupt)
    name_len, extra_len = (int.from_bytes(data[info.header_offset + k:info.header_offset + k + 2],
                                          "little") for k in (26, 28))
    start = info.header_offset + 30 + name_len + extra_len
    data[start:start + info.compress_size] = bytes([0xFF, 0x13] * info.compress_size)[
        :info.compress_size]
    return bytes(data)


# ------------------------------------------------------------- 2: each zip member guarded

def test_corrupt_zip_member_is_refused_by_name_and_rest_go_in(store, gazetteer):
    report = ingest(store, [("batch.zip", zip_with_a_corrupt_member()),
                            ("d.txt", LVIV.encode())], gazetteer)
    assert [(f.source, "cannot be unpacked" in f.reason) for f in report.failures] == [
        ("batch.zip/b.txt", True)]
    assert sorted(report.added) == ["a", "c", "d"]
    assert sorted(a.id for a in store.articles()) == ["a", "c", "d"]


def test_corrupt_zip_member_names_what_is_wrong_with_it():
    files, refused = expand_upload("batch.zip", zip_with_a_corrupt_member("a.txt"))
    assert [name for name, _ in files] == ["batch.zip/b.txt", "batch.zip/c.txt"]
    (failure,) = refused
    assert failure.source == "batch.zip/a.txt"
    assert "corrupt" in failure.reason or "CRC" in failure.reason


def test_corrupt_zip_member_through_the_cli_is_named_and_the_rest_stored(tmp_path):
    (tmp_path / "batch.zip").write_bytes(zip_with_a_corrupt_member())
    store_path = tmp_path / "cli.sqlite"
    result = CliRunner().invoke(cli, ["ingest", str(tmp_path / "batch.zip"),
                                      "--store", str(store_path)])
    assert result.exit_code == 1, result.output
    assert "error: batch.zip/b.txt: cannot be unpacked" in result.output
    assert "Traceback" not in result.output and "zlib" not in result.output.split(":")[0]
    assert sorted(a.id for a in Store(store_path).articles()) == ["a", "c"]


# ------------------------------------------------------------- 1: linear cost, work budget

def test_sentence_parse_copies_the_sentence_as_span_as_doc_did(seed_articles):
    from spacy.tokens import Doc, Span

    from geo.doc import _sentence_doc, make_doc, sentence_parse, sentence_spans

    attrs = Doc._get_array_attrs()
    article = next(iter(seed_articles.values()))
    doc = make_doc(article)
    spans = [doc.char_span(s, e, alignment_mode="expand") for s, e in sentence_spans(doc)]
    # An entity cut by a sentence's edge (the recogniser can run one across a split): spaCy
    # leaves it unannotated on both sides, and so must the copy.
    first, second = spans[0], spans[1]
    doc.set_ents([Span(doc, first.end - 1, second.start + 1, label="GPE")],
                 default="unmodified")
    for span in spans:
        mine, spacys = _sentence_doc(doc, span.start, span.end), span.as_doc()
        assert (mine.to_array(attrs) == spacys.to_array(attrs)).all(), span.text
        assert [(e.start, e.end, e.label_) for e in mine.ents] == [
            (e.start, e.end, e.label_) for e in spacys.ents]
    start, end = sentence_spans(doc)[2]
    parsed = sentence_parse(doc, start, end)
    offset = spans[2].start
    assert [t.text for t in parsed] == [doc[offset + i].text for i in range(len(parsed))]
    assert [t.idx for t in parsed] == [doc[offset + i].idx - start for i in range(len(parsed))]
    assert any(t.dep_ for t in parsed)  # parsed, not only copied


def test_an_article_past_its_time_budget_is_refused_by_name_and_the_batch_goes_on(store,
                                                                               gazetteer):
    # A budget already spent: the article that reports an event is stopped at its first
    # sentence parse; the one that reports none never reaches a check and goes in.
    report = ingest(store, [("event.txt", KHARKIV.encode()), ("calm.txt", CALM.encode())],
                    gazetteer, article_seconds=0)
    (failure,) = report.failures
    assert failure.source == "event.txt"
    assert "article 'event' was stopped" in failure.reason
    assert "the limit per article" in failure.reason
    assert report.added == ["calm"]
    assert [a.id for a in store.articles()] == ["calm"]
    later = ingest(store, [("event.txt", KHARKIV.encode())], gazetteer)
    assert later.added == ["event"]  # nothing of the stopped try was left behind


# ------------------------------------------------------------- 3: every message true

def _fill_up_after(store: Store, monkeypatch, writes: int) -> None:
    """The store's disk is full after ``writes`` article writes: its connection may not grow
    the file any more (what SQLite reports on a full disk)."""
    put, done = store.put_article, []

    def counted(*args, **kwargs):
        if len(done) >= writes:
            with store.read() as conn:
                pages = conn.execute("PRAGMA page_count").fetchone()[0]
                conn.execute(f"PRAGMA max_page_count={pages}")
        done.append(1)
        return put(*args, **kwargs)

    monkeypatch.setattr(store, "put_article", counted)


def test_a_full_disk_mid_batch_lists_what_was_stored_before_it(store, gazetteer, monkeypatch):
    _fill_up_after(store, monkeypatch, writes=2)
    uploads = [("a.txt", KHARKIV.encode()), ("b.txt", LVIV.encode()),
               # Too big for what is left (one long token: cheap to read, big to store).
               ("c.txt", ("Shelling hit Odesa on March 7, 2022. " + "z" * 300_000).encode())]
    report = ingest(store, uploads, gazetteer)
    assert report.added == ["a", "b"]
    assert report.not_processed == 1
    assert report.stopped.startswith("stopped at c.txt: ") and "disk is full" in report.stopped
    assert "nothing was changed" not in report.summary()
    assert report.summary().startswith("2 added")
    assert sorted(a.id for a in Store(store.path).articles()) == ["a", "b"]


def test_corrupt_zip_member_on_the_add_page_is_named_and_the_rest_go_in(tmp_path, monkeypatch):
    import time

    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    monkeypatch.setenv("GEO_STORE", str(tmp_path / "page.sqlite"))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/add.py").run()
    assert not at.exception, at.exception
    at.file_uploader(key="add_files").upload("batch.zip", zip_with_a_corrupt_member(),
                                             "application/zip").run()
    next(b for b in at.button if b.label == "Add the files").click().run()
    shown: list[str] = []
    for _ in range(240):  # the worker process loads the models first
        at.run()
        assert not at.exception, at.exception
        shown = [e.value.replace("\\", "") for e in at.error]  # Markdown-escaped
        if any("batch.zip/b.txt" in text for text in shown):
            break
        time.sleep(0.5)
    assert any(text.startswith("batch.zip/b.txt: cannot be unpacked") for text in shown), shown
    assert not any(text.startswith("Stopped") for text in shown), shown
    stored = {a.id for a in Store(tmp_path / "page.sqlite").articles()}
    assert {"a", "c"} <= stored


# ------------------------------------------------------------- 5: a quiet console

WORKER_JOBS = """
import time

def wait_for_cancel(ctx):
    while not ctx.cancelled():
        time.sleep(0.05)
    return "stopped"

def answer(ctx):
    return 42
"""
# As a Streamlit page is: code at the top level, no __main__ guard around it.
WORKER_MAIN = """
import time
from geo.store.jobs import JobQueue
import worker_jobs

print("the main script ran", flush=True)
if __name__ == "__main__":
    queue = JobQueue(process=True)
    long = queue.submit("long", worker_jobs.wait_for_cancel)
    while queue.status(long).state != "running":
        time.sleep(0.01)
    queue.cancel(long)  # before the worker has even started
    print(queue.wait(long, timeout=60).state, flush=True)
    print(queue.wait(queue.submit("next", worker_jobs.answer), timeout=60).result, flush=True)
"""


def test_the_job_worker_runs_no_page_and_leaks_nothing_on_stop(tmp_path):
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    (tmp_path / "worker_jobs.py").write_text(WORKER_JOBS, encoding="utf-8")
    (tmp_path / "main.py").write_text(WORKER_MAIN, encoding="utf-8")
    proc = subprocess.run([sys.executable, "main.py"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": f"{ROOT}:{tmp_path}"})
    assert proc.returncode == 0, proc.stderr
    # Once: the worker process did not run the main script again (it ran every page so).
    assert proc.stdout.splitlines() == ["the main script ran", "cancelled", "42"]
    assert proc.stderr == ""  # nor said "leaked semaphore objects" when the server stopped


def test_an_impossible_date_in_a_file_says_it_is_impossible_and_which_field(store, gazetteer):
    data = json.dumps([{"id": "x1", "text": KHARKIV, "published": "2022-02-30"},
                       {"id": "x2", "text": LVIV, "date": "2022-13-01"}]).encode()
    report = ingest(store, [("batch.json", data)], gazetteer)
    assert sorted(report.added) == ["x1", "x2"] and sorted(report.undated) == ["x1", "x2"]
    notes = [note for _source, note in report.notes]
    assert any(n.startswith("article x1: the 'published' field holds 2022-02-30, an "
                            "impossible date (February 2022 has no day 30)") for n in notes)
    assert any("article x2: the 'date' field holds 2022-13-01" in n and "no month 13" in n
               for n in notes), notes


def test_an_impossible_date_in_a_manifest_names_the_manifest_row(store, gazetteer):
    manifest = b"file,outlet,published\nk.txt,Daily,2023-02-29\n"
    report = ingest(store, [("k.txt", KHARKIV.encode()), ("manifest.csv", manifest)],
                    gazetteer)
    assert report.added == ["k"]
    assert any(source == "k.txt" and "its manifest row: the 'published' field holds "
               "2023-02-29, an impossible date (February 2023 has no day 29)" in note
               for source, note in report.notes), report.notes


def test_export_onto_a_full_disk_names_the_file_and_the_cause_in_one_line(tmp_path, gazetteer):
    store = Store(tmp_path / "news.sqlite")
    ingest(store, [("k.txt", KHARKIV.encode())], gazetteer)
    out = tmp_path / "out"
    out.mkdir()
    (out / "mentions.csv").symlink_to("/dev/full")  # the kernel's own "no space left"
    result = CliRunner().invoke(cli, ["export", "--store", str(store.path), "--out", str(out)])
    assert result.exit_code == 1
    assert result.output.strip() == (f"Error: cannot write {out / 'mentions.csv'}: the disk is "
                                     "full")


def test_a_backup_that_cannot_be_written_names_it_and_leaves_nothing(tmp_path, gazetteer):
    store = Store(tmp_path / "news.sqlite")
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    with pytest.raises(StoreError) as caught:
        store.backup(tmp_path / "a-file" / "backup.sqlite")
    folder = tmp_path / "a-file"
    assert str(caught.value) == (f"cannot write the backup {folder / 'backup.sqlite'}: "
                                 f"{folder}: it exists and is not a folder")


def test_restore_into_a_folder_that_cannot_be_written_says_so_in_one_line(tmp_path, gazetteer,
                                                                         monkeypatch):
    import tempfile

    source = Store(tmp_path / "source.sqlite")
    ingest(source, [("k.txt", KHARKIV.encode())], gazetteer)
    backup = source.backup(tmp_path / "backup.sqlite")
    live = tmp_path / "live" / "news.sqlite"
    Store(live)

    def read_only_folder(*args, **kwargs):
        raise OSError(30, "Read-only file system", str(live.parent))

    monkeypatch.setattr(tempfile, "mkdtemp", read_only_folder)
    result = CliRunner().invoke(cli, ["restore", str(backup), "--store", str(live)])
    assert result.exit_code == 1
    assert result.output.strip() == (f"Error: cannot restore into {live.parent}: the file "
                                     "system is read-only")


# ------------------------------------------------------------- 4: sizes before work

def test_a_backup_padded_past_its_content_is_refused_before_it_is_copied(tmp_path, gazetteer):
    source = Store(tmp_path / "source.sqlite")
    ingest(source, [("k.txt", KHARKIV.encode())], gazetteer)
    backup = source.backup(tmp_path / "backup.sqlite")
    content = backup.stat().st_size
    with backup.open("ab") as fh:  # zeros that SQLite would never read
        fh.truncate(content + 8 * 2**20)
    live = Store(tmp_path / "live" / "news.sqlite")
    ingest(live, [("l.txt", LVIV.encode())], gazetteer)
    with pytest.raises(StoreError, match="the rest is padding") as caught:
        live.restore(backup)
    assert str(backup) in str(caught.value)
    assert [a.id for a in live.articles()] == ["l"]
    assert sorted(p.name for p in live.path.parent.iterdir()
                  if not p.name.startswith("news.sqlite")) == []  # nothing copied beside it


def test_a_backup_larger_than_the_free_space_is_refused_before_it_is_copied(tmp_path,
                                                                           gazetteer,
                                                                           monkeypatch):
    import collections
    import shutil

    source = Store(tmp_path / "source.sqlite")
    ingest(source, [("k.txt", KHARKIV.encode())], gazetteer)
    backup = source.backup(tmp_path / "backup.sqlite")
    live = Store(tmp_path / "live" / "news.sqlite")
    usage = collections.namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage",
                        lambda path: usage(10 * 2**20, 10 * 2**20 - 4096, 4096))
    with pytest.raises(StoreError, match="MB free beside the store") as caught:
        live.restore(backup)
    assert "nothing was changed" in str(caught.value)
    assert live.article_count() == 0


# ------------------------------------------------------------- 5: encodings

RUSSIAN = "Обстрел Харькова продолжался всю ночь. Погибли три человека, сообщили власти города."


@pytest.mark.parametrize("encoding", ["koi8-r", "cp1251"])
def test_koi8_r_and_cp1251_cyrillic_are_each_read_in_their_own_code_page(encoding):
    from geo.io.text import decode_bytes

    decoded = decode_bytes(RUSSIAN.encode(encoding))
    assert decoded.text == RUSSIAN
    assert decoded.encoding.replace("_", "-") == encoding


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read_not_refused_as_binary(store, gazetteer,
                                                                       encoding):
    report = ingest(store, [("k.txt", KHARKIV.encode(encoding)),
                            ("r.txt", RUSSIAN.encode(encoding))], gazetteer)
    assert sorted(report.added) == ["k", "r"], report.failures
    assert {a.id: a.text for a in store.articles()} == {"k": KHARKIV, "r": RUSSIAN}
    assert all(f"decoded as {encoding.upper()}" in note for _s, note in report.notes)


def test_binary_with_nul_bytes_is_still_refused_as_binary():
    import random

    from geo.errors import ArticleError
    from geo.io.text import decode_bytes

    noise = bytes(random.Random(28).randrange(256) for _ in range(4000)) + b"\x00" * 64
    with pytest.raises(ArticleError, match="binary"):
        decode_bytes(noise)


def _dense_article(sentences: int):
    from geo.records import Article

    towns = ["Kharkiv", "Odesa", "Lviv", "Sumy", "Dnipro"]
    text = " ".join(f"Russian forces shelled {towns[n % 5]} on March {n % 28 + 1}, 2022."
                    for n in range(sentences))
    return Article(id="dense", text=text)


def test_sentences_asked_in_turn_are_parsed_ahead_with_the_same_parse(monkeypatch):
    import geo.doc
    from geo.doc import make_doc, sentence_parse, sentence_spans

    def parses(read_ahead: int):
        monkeypatch.setattr(geo.doc, "READ_AHEAD", read_ahead)
        doc = make_doc(_dense_article(80))
        parsed, held = [], []
        for start, end in sentence_spans(doc):
            parsed.append([(t.text, t.dep_, t.head.i) for t in sentence_parse(doc, start, end)])
            held.append(len(doc.user_data["geo_parses"]))
        return parsed, held

    ahead, held_ahead = parses(32)
    one_by_one, held_one = parses(1)
    assert ahead == one_by_one
    assert held_one == list(range(1, 81))
    assert held_ahead[:4] == [1, 3, 3, 7] and max(b - a for a, b in zip(
        held_ahead, held_ahead[1:], strict=False)) == 32


def test_sentences_asked_out_of_turn_are_parsed_alone():
    from geo.doc import make_doc, sentence_parse, sentence_spans

    doc = make_doc(_dense_article(40))
    spans = sentence_spans(doc)
    for k in (3, 17, 30):
        sentence_parse(doc, *spans[k])
    assert sorted(doc.user_data["geo_parses"]) == [spans[k][0] for k in (3, 17, 30)]


def test_a_full_disk_mid_batch_through_the_cli_names_what_was_stored(tmp_path, monkeypatch):
    put, done = Store.put_article, []

    def fills_up_after_two(self, *args, **kwargs):
        if len(done) >= 2:
            with self.read() as conn:
                pages = conn.execute("PRAGMA page_count").fetchone()[0]
                conn.execute(f"PRAGMA max_page_count={pages}")
        done.append(1)
        return put(self, *args, **kwargs)

    monkeypatch.setattr(Store, "put_article", fills_up_after_two)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(KHARKIV, encoding="utf-8")
    (folder / "b.txt").write_text(LVIV, encoding="utf-8")
    (folder / "c.txt").write_text("Shelling hit Odesa on March 7, 2022. " + "z" * 300_000,
                                  encoding="utf-8")
    store_path = tmp_path / "cli.sqlite"
    result = CliRunner().invoke(cli, ["ingest", str(folder), "--store", str(store_path)])
    assert result.exit_code == 1
    assert "stored before it stopped: a, b" in result.output
    assert "2 added, stopped at c.txt: " in result.output and "disk is full" in result.output
    assert "nothing was changed" not in result.output and "Traceback" not in result.output


def test_a_backup_larger_than_the_free_space_is_refused_before_a_byte_is_written(
        tmp_path, gazetteer, monkeypatch):
    import collections
    import shutil

    store = Store(tmp_path / "news.sqlite")
    ingest(store, [("k.txt", KHARKIV.encode())], gazetteer)
    usage = collections.namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(2**30, 2**30 - 4096, 4096))
    out = tmp_path / "exports"
    with pytest.raises(StoreError, match=r"it needs \d+ MB and .* has 0 MB free") as caught:
        store.backup(out / "backup.sqlite")
    assert str(out / "backup.sqlite") in str(caught.value)
    assert not (out / "backup.sqlite").exists()


def test_a_long_article_past_its_budget_is_stopped_between_its_pieces(store, gazetteer):
    from geo.doc import PIECE_CHARS

    # No sentence reports an event (nothing to parse): the check between the model's pieces
    # is what stops it.
    calm = ("Kyiv was calm on Sunday and the markets were open.\n" * (
        2 * PIECE_CHARS // 50 + 10))
    report = ingest(store, [("calm.txt", calm.encode())], gazetteer, article_seconds=0)
    (failure,) = report.failures
    assert failure.source == "calm.txt" and "article 'calm' was stopped" in failure.reason
    assert report.added == [] and store.article_count() == 0


def test_an_articles_dates_come_in_text_order_as_the_report_stage_bisects_them(seed_articles):
    # geo.incidents.dating._date_for finds a sentence's dates by bisection over their offsets.
    from geo.nlp.dates import find_dates

    texts = [a.text for a in seed_articles.values()] + [
        "Shelling on 3 May (between 1 and 2 May, officials said) hit Sumy. On Monday, and "
        "again yesterday, drones struck Odesa; on 10-12 June fighting went on."]
    for text in texts:
        starts = [d.start for d in find_dates(text, published=dt.date(2023, 6, 20))]
        assert starts == sorted(starts) and len(set(starts)) == len(starts)
