"""Nothing stored is lost or poisons the store: concurrent ingests, impossible dates and
zones, deep JSON, crafted backups, restores under a running reader, aliases saved mid-ingest,
and a full, read-only or misplaced store. Each test is named for the case it guards."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys

import pytest

import geo.store.ingest
from geo.errors import ArticleError
from geo.store.db import Store, StoreError
from geo.store.ingest import Defaults, ingest, reprocess
from geo.store.results import result_from_store
from tests.conftest import ROOT

KHARKIV = "Russian forces shelled Kharkiv on March 5, 2022. At least 3 people were killed."
LVIV = "A missile strike hit Lviv on March 6, 2022, killing two civilians."


@pytest.fixture()
def store(tmp_path) -> Store:
    return Store(tmp_path / "news.sqlite")


def consistent(store: Store) -> None:
    """Every stored mention and report points into its own article's text."""
    texts = {a.id: a.text for a in store.articles()}
    for row in store.mention_rows():
        assert texts[row["article"]][row["start"]:row["end"]] == row["text"]
    for report in store.reports():
        assert report.excerpt in texts[report.article]


# ---------------------------------------------------------------- 1: ids inside the write

def test_an_id_taken_meanwhile_by_another_text_is_never_overwritten(store, gazetteer,
                                                                    monkeypatch):
    put = Store.put_article
    raced = []

    def racing_put(self, article, *args, **kwargs):
        if not raced:  # another session stores a different text under the same id first
            raced.append(article.id)
            put(self, geo.store.ingest.dataclasses.replace(article, text=LVIV), [], [])
        return put(self, article, *args, **kwargs)

    monkeypatch.setattr(Store, "put_article", racing_put)
    report = ingest(store, [("report.txt", KHARKIV.encode())], gazetteer)
    assert raced == ["report"] and report.added == ["report-2"]
    texts = {a.id: a.text for a in store.articles()}
    assert texts == {"report": LVIV, "report-2": KHARKIV}
    consistent(store)


def test_two_processes_adding_the_same_file_names_keep_every_text(tmp_path):
    path = tmp_path / "shared.sqlite"
    Store(path)
    dirs = []
    for n, city in enumerate(("Kharkiv", "Odesa")):
        folder = tmp_path / f"batch{n}"
        folder.mkdir()
        for k in range(4):
            (folder / f"a{k}.txt").write_text(
                f"Shelling hit {city} on March {k + 1}, 2022. Batch {n} item {k}.",
                encoding="utf-8")
        dirs.append(folder)
    procs = [subprocess.Popen([sys.executable, "-m", "geo", "ingest", str(d), "--store",
                               str(path)], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for d in dirs]
    outputs = [p.communicate(timeout=600) for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    assert all("4 added" in out for out, _ in outputs)
    stored = Store(path)
    texts = sorted(a.text for a in stored.articles())
    assert len(texts) == 8 and len({a.id for a in stored.articles()}) == 8
    assert sum("Odesa" in t for t in texts) == 4
    consistent(stored)


# ---------------------------------------------------------------- 2-4: validate at the edge

@pytest.mark.parametrize("day", [dt.date(2300, 3, 3), dt.date(1500, 3, 3), dt.date(1, 1, 1),
                                 dt.date(9999, 12, 31)])
def test_an_impossible_publication_date_is_refused_before_anything_is_stored(store, gazetteer,
                                                                            day):
    with pytest.raises(ArticleError, match="outside 1900-01-01"):
        ingest(store, [("a.txt", KHARKIV.encode())], gazetteer, defaults=Defaults(published=day))
    assert store.article_count() == 0


def test_bad_dates_and_zones_in_a_batch_are_named_and_the_rest_goes_in(store, gazetteer):
    rows = [{"id": "future", "published": "2300-03-03", "text": KHARKIV},
            {"id": "ancient", "published": "0001-01-01", "text": KHARKIV + " Again."},
            {"id": "mars", "timezone": "Mars/Olympus", "text": LVIV},
            {"id": "path", "timezone": "../../etc/passwd", "text": LVIV + " Again."},
            {"id": "fine", "published": "2022-03-06", "timezone": "Europe/Kyiv", "text": LVIV}]
    deep = b"[" * 100_000 + b"]" * 100_000
    report = ingest(store, [("batch.json", json.dumps(rows).encode()), ("deep.json", deep),
                            ("good.txt", KHARKIV.encode())], gazetteer)
    reasons = {f.source: f.reason for f in report.failures}
    assert "outside 1900-01-01" in reasons["batch.json (article future)"]
    assert "outside 1900-01-01" in reasons["batch.json (article ancient)"]
    assert "unknown time zone" in reasons["batch.json (article mars)"]
    assert "unknown time zone" in reasons["batch.json (article path)"]
    assert "nested" in reasons["deep.json"]
    assert sorted(report.added) == ["fine", "good"]


def test_an_unknown_zone_when_re_adding_a_stored_text_changes_nothing(store, gazetteer):
    ingest(store, [("k.txt", KHARKIV.encode())], gazetteer)
    with pytest.raises(ArticleError, match="unknown time zone"):
        ingest(store, [("k.txt", KHARKIV.encode())], gazetteer,
               defaults=Defaults(timezone="Mars/Olympus"))
    (stored,) = store.articles()
    assert stored.timezone == ""
    change = store.add_change("add_alias", "Kharkiv", {"alias": "Kharkiv",
                                                       "lat": 50.0, "lon": 36.2})
    assert reprocess(store, gazetteer) == 1  # aliases and undo still work afterwards
    store.undo_change(change)
    assert reprocess(store, gazetteer) == 1


def test_a_stored_impossible_date_breaks_no_page_and_can_be_deleted(store, gazetteer, tmp_path):
    ingest(store, [("k.txt", KHARKIV.encode()), ("l.txt", LVIV.encode())], gazetteer)
    with store.write() as conn:  # as an older version, or a hand edit, could have left it
        conn.execute("UPDATE articles SET published = '2300-03-03' WHERE id = 'k'")
        payload = json.loads(conn.execute("SELECT report FROM reports WHERE article = 'k'")
                             .fetchone()[0])
        payload["date"] = "2300-03-03"
        conn.execute("UPDATE reports SET report = ? WHERE article = 'k'", (json.dumps(payload),))
    result = result_from_store(store)  # pandas cannot hold 2300: this used to raise
    assert set(result.incidents["location"]) == {"Lviv"}
    assert store.bad_rows() == [("k", "publication date 2300-03-03 is outside 1900-01-01 to "
                                      f"{dt.date.today() + dt.timedelta(days=1)}")]
    out = subprocess.run([sys.executable, "-m", "geo", "export", "--store", str(store.path),
                          "--out", str(tmp_path / "out")], cwd=ROOT, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert store.delete_article("k") and store.bad_rows() == []
    assert store.mention_rows() and {r["article"] for r in store.mention_rows()} == {"l"}


def test_a_stored_impossible_date_can_be_corrected_and_the_article_comes_back(store,
                                                                              gazetteer):
    from geo.store.ingest import reprocess

    ingest(store, [("k.txt", KHARKIV.encode()), ("l.txt", LVIV.encode())], gazetteer)
    with store.write() as conn:
        conn.execute("UPDATE articles SET published = '2300-03-03', timezone = 'Mars/Base' "
                     "WHERE id = 'k'")
    assert [a for a, _ in store.bad_rows()] == ["k"]
    with pytest.raises(ArticleError, match="unknown time zone"):
        store.correct_metadata("k", published=dt.date(2022, 3, 6), timezone="Mars/Base")
    assert [a for a, _ in store.bad_rows()] == ["k"]  # a refused correction changes nothing
    store.correct_metadata("k", published=dt.date(2022, 3, 6), timezone="Europe/Kyiv")
    assert store.bad_rows() == []
    assert reprocess(store, gazetteer, article_ids=["k"]) == 1
    (kharkiv,) = [a for a in store.articles() if a.id == "k"]
    assert (kharkiv.published, kharkiv.timezone) == (dt.date(2022, 3, 6), "Europe/Kyiv")
    incidents = result_from_store(store, gazetteer=gazetteer).incidents
    assert set(incidents["location"]) == {"Kharkiv", "Lviv"}
    with pytest.raises(StoreError, match="no stored article"):
        store.correct_metadata("gone", published=None, timezone="")


# ---------------------------------------------------------------- 5-6: restore

def _backup(store: Store, tmp_path, name: str = "backup.sqlite"):
    return store.backup(tmp_path / name)


def _crafted(tmp_path, source, sql: str):
    path = tmp_path / f"crafted-{abs(hash(sql))}.sqlite"
    path.write_bytes(source.read_bytes())
    conn = sqlite3.connect(path)
    conn.executescript(sql)
    conn.close()
    return path


CRAFTED = {
    "wrong_columns": ("ALTER TABLE articles RENAME COLUMN outlet TO publisher;",
                      "different or missing"),
    "trigger": ("CREATE TRIGGER no_changes BEFORE INSERT ON changes BEGIN "
                "SELECT RAISE(ABORT, 'blocked'); END;", "unexpected trigger no_changes"),
    "view": ("CREATE VIEW v AS SELECT * FROM articles;", "unexpected view v"),
    "extra_table": ("CREATE TABLE evil (x);", "unexpected table evil"),
    "bad_change_json": ("INSERT INTO changes (kind, target, payload, created_at) VALUES "
                        "('add_alias', 't', '{not json', '2022-01-01');", "change #"),
    "bad_date": ("UPDATE articles SET published = '2300-03-03';", "outside 1900-01-01"),
    "bad_report": ("UPDATE reports SET report = '[1, 2]';", "report"),
}


@pytest.mark.parametrize("case", sorted(CRAFTED))
def test_a_crafted_backup_is_refused_and_the_store_is_unchanged(store, gazetteer, tmp_path,
                                                               case):
    ingest(store, [("k.txt", KHARKIV.encode())], gazetteer)
    source = _backup(store, tmp_path)
    sql, reason = CRAFTED[case]
    crafted = _crafted(tmp_path, source, sql)
    target = Store(tmp_path / "target.sqlite")
    ingest(target, [("l.txt", LVIV.encode())], gazetteer)
    before = target.state()
    with pytest.raises(StoreError, match=reason):
        target.restore(crafted)
    assert [a.id for a in target.articles()] == ["l"] and target.state() == before
    target.add_change("dismiss_mention", "l:0:1", {})  # still writable and readable
    assert len(result_from_store(target).incidents) == 1


def test_a_restore_keeps_the_replaced_store_and_takes_the_path_literally(store, gazetteer,
                                                                         tmp_path):
    ingest(store, [("k.txt", KHARKIV.encode())], gazetteer)
    folder = tmp_path / "odd #dir?x=1"
    folder.mkdir()
    backup = store.backup(folder / "back#up.sqlite")
    (tmp_path / "odd ").mkdir()  # what a URI would cut "odd #dir" to
    target = Store(tmp_path / "target.sqlite")
    ingest(target, [("l.txt", LVIV.encode())], gazetteer)
    safety = target.restore(backup)
    assert [a.id for a in target.articles()] == ["k"]
    assert safety is not None and safety.parent == target.path.parent
    assert "before-restore" in safety.name
    target.restore(safety)  # what was replaced comes back whole
    assert [a.text for a in target.articles()] == [LVIV]


def test_a_restored_store_never_reads_as_a_version_seen_before(store, gazetteer, tmp_path):
    ingest(store, [("k.txt", KHARKIV.encode())], gazetteer)
    backup = _backup(store, tmp_path)
    target = Store(tmp_path / "target.sqlite")
    ingest(target, [("l.txt", LVIV.encode())], gazetteer)
    seen = {target.state()}
    target.restore(backup)
    # The backup's version number can equal one the target had: the identity differs.
    assert target.state() not in seen
    assert target.state().split(":")[0] != store.state().split(":")[0]


# ---------------------------------------------------------------- 7: aliases during an ingest

def test_an_alias_saved_during_an_ingest_reaches_every_article_after_it(store, gazetteer,
                                                                       monkeypatch):
    process = geo.store.ingest.process_article
    calls = []

    def alias_saved_meanwhile(article, aliased, changes, **budget):
        calls.append(article.id)
        out = process(article, aliased, changes, **budget)
        if len(calls) == 1:  # an analyst saves an alias while the first article is processed
            store.add_change("add_alias", "Khakhovka", {"alias": "Khakhovka",
                                                        "place_key": "gn:706369"})
        return out

    monkeypatch.setattr(geo.store.ingest, "process_article", alias_saved_meanwhile)
    texts = [(f"n{k}.txt", f"Troops gathered near Khakhovka on March {k + 1}, 2022.".encode())
             for k in range(3)]
    report = ingest(store, texts, gazetteer)
    assert sorted(report.added) == ["n0", "n1", "n2"]
    rows = [r for r in store.mention_rows() if r["text"] == "Khakhovka"]
    assert {r["article"] for r in rows} == {"n0", "n1", "n2"}
    assert {r["place_key"] for r in rows} == {"gn:706369"}
    assert calls[:2] == ["n0", "n0"]  # the first article was processed again with the alias


# ---------------------------------------------------------------- 12: faults say what happened

def test_a_full_disk_names_the_store_and_the_cause(store, monkeypatch):
    connect = store._connect

    def full_disk():
        conn = connect()
        conn.execute(f"PRAGMA max_page_count={conn.execute('PRAGMA page_count').fetchone()[0]}")
        return conn

    monkeypatch.setattr(store, "_connect", full_disk)
    with pytest.raises(StoreError, match="the disk is full") as caught:
        store.set_setting("big", "x" * 200_000)
    assert str(store.path) in str(caught.value)
    assert "no transaction is active" not in str(caught.value)


def test_a_store_path_under_a_regular_file_is_named(tmp_path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(StoreError, match="is a file, not a folder"):
        Store(tmp_path / "file" / "news.sqlite")


def test_a_read_only_store_can_be_viewed_and_exported(store, gazetteer, tmp_path, monkeypatch):
    ingest(store, [("k.txt", KHARKIV.encode())], gazetteer)
    with store.write() as conn:  # no materialised incidents: reading must merge, not write
        conn.execute("DELETE FROM incidents")
    connect = sqlite3.connect

    def read_only(path, *args, **kwargs):
        # The file as an unprivileged user on a read-only mount sees it (root ignores modes).
        if str(path) == str(store.path):
            kwargs.pop("uri", None)
            return connect(f"{store.path.resolve().as_uri()}?mode=ro", *args, uri=True,
                           **kwargs)
        return connect(path, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", read_only)
    opened = Store(store.path)
    result = result_from_store(opened)
    assert list(result.incidents["location"]) == ["Kharkiv"]
    assert opened.backup(tmp_path / "elsewhere" / "b.sqlite").exists()
    with pytest.raises(StoreError, match="read-only"):
        opened.add_change("dismiss_mention", "k:0:1", {})


def test_a_newer_report_payload_is_refused_and_an_older_one_upgraded():
    from geo.incidents import Report
    from geo.records import Place
    from geo.store.db import REPORT_VERSION, report_from_json, report_to_json

    place = Place(key="gn:1", name="Kharkiv", lat=50.0, lon=36.2, feature="city",
                  country_code="UA")
    report = Report(article="a", outlet="", sentence_start=0, sentence_end=5, excerpt="x",
                    trigger="shelled", event_type="Explosions/Remote violence",
                    sub_event_type="Shelling/artillery/missile attack", place=place,
                    mention_start=0, mention_end=1, mention_text="K", geo_precision=1,
                    date=dt.date(2022, 3, 5), time_precision=1, date_text="", date_inferred=False,
                    actor1="Military Forces of Russia (2000-)")
    assert report_from_json(report_to_json(report)) == report
    old = json.loads(report_to_json(report))
    del old["v"], old["actor1"], old["inter1"], old["actor2"], old["interaction"]
    assert report_from_json(json.dumps(old)).actor1 == ""  # version 1 had no actors
    newer = json.loads(report_to_json(report)) | {"v": REPORT_VERSION + 1}
    with pytest.raises(ValueError, match="payload version"):
        report_from_json(json.dumps(newer))


def test_a_version_3_report_gets_its_figures_at_article_offsets(gazetteer):
    from geo.doc import make_doc
    from geo.incidents import extract_reports
    from geo.nlp.geoparse import geoparse_doc
    from geo.records import Article
    from geo.store.db import report_from_json, report_to_json

    text = ("Kyiv was calm on Monday. Russian forces shelled Kharkiv on 3 March 2022, killing "
            "nine people. Four people were wounded.")
    doc = make_doc(Article(id="a", text=text, published=dt.date(2022, 3, 4)))
    geoparse_doc(doc, gazetteer)
    (report,) = extract_reports(doc)
    # Every offset of a report is the article's: its figures point into the article's text.
    assert [text[f.start:f.end] for f in report.killed] == ["nine"]
    assert [text[f.start:f.end] for f in report.injured] == ["Four"]
    # Version 3 stored them counting from their own sentence: read, they are found again.
    old = json.loads(report_to_json(report)) | {"v": 3}
    for kind, sentence_start in (("killed", report.sentence_start),
                                 ("injured", text.index("Four"))):
        for figure in old[kind]:
            figure["start"] -= sentence_start
            figure["end"] -= sentence_start
    assert report_from_json(json.dumps(old)) == report



# ---------------------------------------------------------------- 13: the review's holes

def test_an_analysts_point_is_a_place_kind_every_stage_knows(store, gazetteer):
    from geo.corrections import mention_target
    from geo.io.reader import FEATURE_COLORS, article_html

    ingest(store, [("k.txt", KHARKIV.encode())], gazetteer)
    (row,) = [r for r in store.mention_rows() if r["text"] == "Kharkiv"]
    store.add_change("resolve_mention", mention_target("k", row["start"], row["end"]),
                     {"name": "Saltivka", "lat": 50.03, "lon": 36.36})
    reprocess(store, gazetteer)
    result = result_from_store(store)
    (incident,) = result.incidents.itertuples()
    assert (incident.location, incident.geo_precision) == ("Saltivka", 1)
    # The analyst's point named after a gazetteer place beside it is that place (issue 27:
    # so it merges with that place's incidents), within a kilometre or two of the point given.
    from geo.geodesy import haversine_km
    assert haversine_km(incident.latitude, incident.longitude, 50.03, 36.36) < 2
    mentions = result.mentions[result.mentions["article"] == "k"]
    assert set(mentions.loc[mentions["text"] == "Kharkiv", "feature"]) == {"city"}
    page = article_html(KHARKIV, mentions)
    assert FEATURE_COLORS["city"] in page and "unresolved" not in page


def test_an_online_answer_gets_its_kind_from_the_service():
    from geopy.location import Location

    from geo.gazetteer.geocoding import _to_place

    state = Location("Kharkiv Oblast, Ukraine", (49.5, 36.5),
                     {"osm_type": "relation", "osm_id": 1, "addresstype": "state",
                      "name": "Kharkiv Oblast", "address": {"country_code": "ua"}})
    town = Location("Balakliia, Ukraine", (49.46, 36.86),
                    {"osm_type": "node", "osm_id": 2, "addresstype": "town",
                     "name": "Balakliia", "address": {"country_code": "ua"}})
    assert _to_place(state, service="nominatim", query="Kharkiv Oblast").feature == "region"
    assert _to_place(town, service="nominatim", query="Balakliia").feature == "city"


# ------------------------------------------- a write invalidates only what it changed

def test_a_change_reprocesses_only_the_articles_it_affects(store, gazetteer):
    from geo.corrections import mention_target

    texts = {"k": KHARKIV, "l": LVIV, "n": "Troops gathered near Khakhovka on March 4, 2022."}
    ingest(store, [(f"{k}.txt", t.encode()) for k, t in texts.items()], gazetteer)
    assert store.stale_articles() == []
    store.add_change("add_alias", "Khakhovka", {"alias": "Khakhovka", "place_key": "gn:706369"})
    (lviv,) = [r for r in store.mention_rows() if r["text"] == "Lviv"]
    store.add_change("dismiss_mention", mention_target("l", lviv["start"], lviv["end"]), {})
    assert store.stale_articles() == ["l", "n"]  # Kharkiv's article has neither name
    assert reprocess(store, gazetteer) == 2 and store.stale_articles() == []


def test_a_change_whose_reprocessing_was_cut_short_is_applied_at_the_next_run(store,
                                                                             gazetteer):
    ingest(store, [("k.txt", KHARKIV.encode()), ("l.txt", LVIV.encode())], gazetteer)
    store.add_change("add_alias", "Lviv", {"alias": "Lviv", "lat": 49.8, "lon": 24.0})
    # The server stopped before its worker re-processed: a new process finds the work left.
    reopened = Store(store.path)
    assert reopened.stale_articles() == ["l"]
    assert reprocess(reopened, gazetteer, should_stop=lambda: True) == 0
    assert reprocess(reopened, gazetteer) == 1
    (row,) = [r for r in reopened.mention_rows() if r["text"] == "Lviv"]
    assert (round(row["latitude"], 1), round(row["longitude"], 1)) == (49.8, 24.0)


def test_mention_rows_carry_a_version_and_a_newer_one_is_skipped_not_fatal(store, gazetteer):
    from geo.store.db import MENTION_VERSION

    ingest(store, [("k.txt", KHARKIV.encode())], gazetteer)
    with store.read() as conn:
        stored = [json.loads(r[0]) for r in conn.execute("SELECT row FROM mentions")]
    assert stored and {row["v"] for row in stored} == {MENTION_VERSION}
    assert "v" not in store.mention_rows()[0]  # the version is the store's, not a column
    with store.write() as conn:
        conn.execute("UPDATE mentions SET row = json_set(row, '$.v', 99) WHERE rowid = "
                     "(SELECT min(rowid) FROM mentions)")
    assert len(store.mention_rows()) == len(stored) - 1
    assert len(result_from_store(store).mentions) == len(stored) - 1


def test_stored_mentions_point_into_the_text_and_read_back_with_their_sentence(store,
                                                                               gazetteer):
    """Version 3 rows keep the sentence as offsets, not a copy; a version 2 row (a dict
    with the sentence written out) from an older store still reads as it was."""
    from geo.records import Article
    from geo.store.ingest import process_article

    article = Article(id="k", text=KHARKIV)
    rows, reports = process_article(article, gazetteer, [])
    store.put_article(article, rows, reports)
    with store.read() as conn:
        raw = [r[0] for r in conn.execute("SELECT row FROM mentions")]
    assert all(KHARKIV[:40] not in text for text in raw)  # no copy of the sentence
    assert store.mention_rows() == rows
    old = {**rows[0], "v": 2}
    with store.write() as conn:
        conn.execute('UPDATE mentions SET row = ? WHERE article = ? AND start = ?',
                     (json.dumps(old), "k", rows[0]["start"]))
    assert store.mention_rows()[0] == rows[0]
