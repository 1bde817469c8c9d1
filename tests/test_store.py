"""The store: bad input refused by name without losing anything, an ingest killed half-way,
corrections that survive a restart, two writers at once, backup and restore."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import zipfile

import pytest

from geo.corrections import mention_target
from geo.store.db import SCHEMA_VERSION, Store, StoreError
from geo.store.ingest import Defaults, ingest, ingest_paths, reprocess
from geo.store.results import result_from_store
from tests.conftest import ARTICLES, ROOT

GOOD = ("good.txt", b"Russian forces shelled Kharkiv on March 5, 2022. At least 3 people were "
                    b"killed in the shelling.")


@pytest.fixture()
def store(tmp_path) -> Store:
    return Store(tmp_path / "news.sqlite")


@pytest.fixture()
def seeded(store, gazetteer) -> Store:
    report = ingest_paths(store, [ARTICLES], gazetteer)
    assert len(report.added) == 5 and not report.failures
    return store


def zipped(members: dict[str, bytes], *, level: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=level) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buffer.getvalue()


BAD = [
    ("empty.txt", b"", "empty file"),
    ("binary.txt", bytes(range(256)) * 40, "binary"),
    ("huge.txt", b"word " * (10 * 1024 * 1024 + 1), "the limit is"),
    ("broken.csv", b"title,text\n\"never closed,oops\n", "malformed CSV"),
    ("broken.json", b"[{\"text\": \"Kyiv\"", "malformed JSON"),
    ("scripts-only.html", b"<script>alert(1)</script><style>p{}</style>", "no text"),
    ("slip.zip", zipped({"../../etc/evil.txt": b"Shelling hit Kyiv."}), "unsafe path"),
    ("bomb.zip", zipped({"bomb.txt": b"0" * (150 * 1024 * 1024)}), "zip bomb"),
    ("notzip.zip", b"PK\x03\x04 this is not a zip", "not a readable zip"),
]


@pytest.mark.parametrize(("name", "data", "reason"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_named_refused_and_loses_nothing(seeded, gazetteer, name, data, reason):
    before = result_from_store(seeded)
    report = ingest(seeded, [(name, data), GOOD], gazetteer)
    assert [f.source.split("/")[0] for f in report.failures] == [name]
    assert reason in report.failures[0].reason
    assert report.added == ["good"]
    after = result_from_store(seeded)
    assert len(after.articles) == len(before.articles) + 1
    assert set(before.incidents["event_id"]) <= set(after.incidents["event_id"])
    assert "Kharkiv" in set(after.incidents["location"])


@pytest.mark.parametrize("encoding", ["cp1251", "latin-1"])
def test_other_encodings_go_in(store, gazetteer, encoding):
    text = {"cp1251": "Обстріл Харкова. Russian forces shelled Kharkiv on March 5, 2022.",
            "latin-1": "Frappes à Kharkiv. Russian forces shelled Kharkiv on March 5, 2022."}
    report = ingest(store, [("a.txt", text[encoding].encode(encoding))], gazetteer)
    assert report.added == ["a"]
    assert store.articles()[0].text == text[encoding]


def test_a_zip_of_articles_and_its_manifest(store, gazetteer):
    members = {p.name: p.read_bytes() for p in sorted(ARTICLES.iterdir())}
    report = ingest(store, [("batch.zip", zipped(members))], gazetteer)
    assert len(report.added) == 5 and not report.failures
    nz = {a.id: a for a in store.articles()}["002_fff79419f0ffe47e"]
    assert nz.timezone == "Pacific/Auckland"


def test_same_text_twice_is_skipped_with_a_note(seeded, gazetteer):
    text = (ARTICLES / "000_839e6d4a3abab594.txt").read_bytes()
    report = ingest(seeded, [("copy.txt", b"  " + text.replace(b"\n", b"\n\n"))], gazetteer)
    assert report.added == []
    assert report.duplicates == [("copy.txt", "000_839e6d4a3abab594")]


def test_missing_metadata_comes_from_the_form(store, gazetteer):
    report = ingest(store, [GOOD], gazetteer, defaults=Defaults(outlet="Kyiv Post",
                                                               published=None))
    assert report.undated == ["good"]
    assert store.articles()[0].outlet == "Kyiv Post"
    assert result_from_store(store).warnings
    again = ingest(store, [GOOD], gazetteer, defaults=Defaults(published=dt.date(2022, 3, 6),
                                                              timezone="Europe/Kyiv"))
    assert (again.added, again.duplicates, again.updated) == ([], [], ["good"])
    stored = store.articles()[0]
    assert (stored.outlet, stored.published, stored.timezone) == (
        "Kyiv Post", dt.date(2022, 3, 6), "Europe/Kyiv")
    assert not result_from_store(store).warnings


KILLER = """
import sys
from geo.gazetteer.index import Gazetteer
from geo.store.ingest import ingest
from geo.store.db import Store
store = Store(sys.argv[1])
uploads = [(f"a{n:04d}.txt", (f"Russian forces shelled Kharkiv on March {1 + n % 28}, 2022. "
            f"Article number {n} says at least {n % 9 + 1} people were killed. ") .encode() * 40)
           for n in range(2000)]
def progress(done, total, article_id):
    print(done, flush=True)
ingest(store, uploads, Gazetteer.load(), progress=progress)
"""


def test_ingest_killed_half_way_leaves_every_article_whole(tmp_path, gazetteer):
    path = tmp_path / "news.sqlite"
    Store(path)
    proc = subprocess.Popen([sys.executable, "-c", KILLER, str(path)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    for line in proc.stdout:  # wait until some articles are in, then kill -9
        if int(line) >= 25:
            break
    else:
        pytest.fail(f"the ingest ended before it could be killed (exit {proc.wait()})")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    store = Store(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {r[0] for r in conn.execute("SELECT id FROM articles")}
        with_reports = {r[0] for r in conn.execute("SELECT DISTINCT article FROM reports")}
        with_mentions = {r[0] for r in conn.execute("SELECT DISTINCT article FROM mentions")}
    assert 25 <= len(stored) < 2000
    assert with_reports == stored == with_mentions  # no article without its results, no orphan
    result = result_from_store(store)
    assert len(result.articles) == len(stored)
    again = ingest(store, [("a0000.txt", b"Shelling hit Lviv on March 9, 2022.")], gazetteer)
    assert again.added  # the store takes writes again


def test_corrections_survive_a_restart_and_can_be_undone(seeded, gazetteer, tmp_path):
    mentions = result_from_store(seeded).mentions
    brest = mentions[mentions["text"] == "Brest region"].iloc[0]
    assert brest["country_code"] == "BY"
    seeded.add_change("resolve_mention",
                      mention_target(brest["article"], int(brest["start"]), int(brest["end"])),
                      {"place_key": "admin1:FR.53"}, note="test: the French one")
    reprocess(seeded, gazetteer, article_ids=[brest["article"]])
    restarted = Store(seeded.path)  # a new process would open it like this
    again = result_from_store(restarted).mentions
    row = again[again["text"] == "Brest region"].iloc[0]
    assert (row["place_key"], row["score"]) == ("admin1:FR.53", 1.0)
    assert "set by an analyst" in row["reason"] and "the French one" in row["reason"]
    (change,) = restarted.changes()
    assert change.note == "test: the French one" and change.created_at
    restarted.undo_change(change.id)
    reprocess(restarted, gazetteer)
    undone = result_from_store(Store(seeded.path)).mentions
    assert undone[undone["text"] == "Brest region"].iloc[0]["country_code"] == "BY"
    assert Store(seeded.path).changes(include_undone=True)[0].undone_at


def test_dismissed_mention_and_alias_apply_everywhere(seeded, gazetteer):
    mentions = result_from_store(seeded).mentions
    first_kyiv = mentions[mentions["text"] == "Kyiv"].iloc[0]
    seeded.add_change("dismiss_mention", mention_target(
        first_kyiv["article"], int(first_kyiv["start"]), int(first_kyiv["end"])), {})
    seeded.add_change("add_alias", "Khakhovka", {"alias": "Khakhovka",
                                                 "place_key": "gn:706369"})
    ingest(seeded, [("new.txt", b"Troops gathered near Khakhovka on March 4, 2022.")],
           gazetteer)
    reprocess(seeded, gazetteer)
    after = result_from_store(seeded).mentions
    assert len(after[after["text"] == "Kyiv"]) == len(mentions[mentions["text"] == "Kyiv"]) - 1
    aliased = after[after["text"] == "Khakhovka"]
    assert set(aliased["article"]) == {"new"} and set(aliased["place_key"]) == {"gn:706369"}


def test_incident_edit_merge_and_split(seeded, gazetteer):
    result = result_from_store(seeded)
    incidents, reports = result.incidents, result.reports

    def keys_of(location: str) -> list[str]:
        event = incidents[incidents["location"] == location].iloc[0]["event_id"]
        return list(reports[reports["event_id"] == event]["report_key"])

    chernihiv = keys_of("Chernihiv")
    seeded.add_change("edit_incident", "x", {"reports": chernihiv, "fields": {
        "fatalities": 47, "event_date": "2022-03-04", "sub_event_type": "Air/drone strike"}},
        note="later toll")
    olvia, odesa = keys_of("Port of Olvia"), keys_of("Odesa")
    seeded.add_change("merge_incidents", "y", {"groups": [olvia, odesa]})
    seeded.add_change("split_incident", "z", {"reports": [chernihiv[0]]})
    after = result_from_store(Store(seeded.path)).incidents
    edited = after[(after["location"] == "Chernihiv") & (after["fatalities"] == 47)]
    assert len(edited) == 1 and str(edited.iloc[0]["event_date"].date()) == "2022-03-04"
    assert "edited by an analyst" in edited.iloc[0]["flags"]
    ships = after[after["location"].isin(["Port of Olvia", "Odesa"])]
    assert len(ships) == 1 and ships.iloc[0]["reports"] == 2
    assert len(after) == len(incidents)  # one merge (-1) and one split (+1)


def test_two_writers_at_once(store, gazetteer):
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for k in range(6):
                ingest(store, [(f"w{n}-{k}.txt", f"Shelling hit Lviv on March {k + 1}, 2022. "
                                                 f"Writer {n}.".encode())], gazetteer)
                store.add_change("add_alias", f"alias{n}{k}", {"alias": f"Zzplace{n}{k}",
                                                               "lat": 50.0, "lon": 30.0})
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.article_count() == 12 and len(store.changes()) == 12
    assert len(result_from_store(store).incidents) == 6  # Lviv, one a day, both writers


def test_backup_and_restore(seeded, tmp_path, gazetteer):
    seeded.add_change("dismiss_mention", "000_839e6d4a3abab594:0:7", {}, note="kept")
    backup = seeded.backup(tmp_path / "backup.sqlite")
    other = Store(tmp_path / "other.sqlite")
    ingest(other, [GOOD], gazetteer)
    other.restore(backup)
    assert other.article_count() == 5 and other.changes()[0].note == "kept"
    assert len(result_from_store(other).incidents) == len(result_from_store(seeded).incidents)
    not_a_store = tmp_path / "notes.sqlite"
    sqlite3.connect(not_a_store).execute("CREATE TABLE x (y)").connection.commit()
    with pytest.raises(StoreError, match="not a store backup"):
        other.restore(not_a_store)
    (tmp_path / "text.sqlite").write_text("hello", encoding="utf-8")
    with pytest.raises(StoreError, match="not a store backup"):
        other.restore(tmp_path / "text.sqlite")
    assert other.article_count() == 5  # a refused restore changes nothing


def test_schema_is_migrated_and_a_newer_one_refused(tmp_path):
    path = tmp_path / "s.sqlite"
    sqlite3.connect(path).close()  # an empty file: version 0
    assert Store(path).schema_version() == SCHEMA_VERSION
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="Upgrade the program"):
        Store(path)


def test_cli_ingest_export_restore(tmp_path):
    env = {**os.environ, "GEO_STORE": str(tmp_path / "s.sqlite")}
    bad = tmp_path / "in"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    run = [sys.executable, "-m", "geo"]
    ingested = subprocess.run([*run, "ingest", str(ARTICLES), str(bad)], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=300)
    assert ingested.returncode == 1 and "empty.txt: empty file" in ingested.stderr
    assert "5 added" in ingested.stdout
    exported = subprocess.run([*run, "export", "--out", str(tmp_path / "out")], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=300)
    assert exported.returncode == 0, exported.stderr
    geojson = json.loads((tmp_path / "out" / "incidents.geojson").read_text(encoding="utf-8"))
    assert len(geojson["features"]) == 20
    restored = subprocess.run([*run, "restore", str(tmp_path / "out" / "backup.sqlite"),
                               "--store", str(tmp_path / "copy.sqlite")], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=300)
    assert restored.returncode == 0 and "restored 5 articles" in restored.stdout
