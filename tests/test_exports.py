"""Exports are data, never code: CSV cells that a spreadsheet would run are neutralised and a
stray carriage return cannot split a row (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io
import unicodedata

import pandas as pd

from geo.exports import incidents_csv


def test_formula_and_carriage_return_cells_are_inert_in_the_csv():
    frame = pd.DataFrame({
        "event_id": ["=1+2", "plain"], "event_date": pd.to_datetime(["2022-03-01"] * 2),
        "sources": ["Kyiv\rPost", "@SUM(A1:A9)"], "notes": ["+cmd|' /C calc'!A0", "-2+3"],
        "fatalities": pd.array([3, None], dtype="Int64")})
    rows = list(csv.reader(io.StringIO(incidents_csv(frame), newline="")))
    assert len(rows) == 3  # header and two rows: the carriage return stayed inside its cell
    header, first, second = rows
    cells = dict(zip(header, first, strict=True))
    assert cells["event_id"] == "'=1+2" and cells["sources"] == "Kyiv\rPost"
    assert cells["notes"].startswith("'+") and cells["fatalities"] == "3"
    assert dict(zip(header, second, strict=True))["sources"] == "'@SUM(A1:A9)"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_the_acled_columns_follow_acleds_definitions():
    from geo.acled import ACLED_COLUMNS, acled_table

    frame = pd.DataFrame({
        "event_id": ["a", "b"], "event_date": pd.to_datetime(["2022-03-01", "2023-01-02"]),
        "event_type": ["Explosions/Remote violence", "Protests"],
        "sub_event_type": ["Shelling/artillery/missile attack", "Peaceful protest"],
        "actor1": ["Military Forces of Russia (2000-)", "Protesters (Ukraine)"],
        "inter1": [8, 6], "actor2": ["Civilians (Ukraine)", ""], "interaction": [78, 60],
        "country_code": ["UA", "SY"]})
    table = acled_table(frame)
    assert list(table.columns[:len(ACLED_COLUMNS)]) == ACLED_COLUMNS
    shelling, protest = table.to_dict("records")
    assert (shelling["inter2"], shelling["civilian_targeting"]) == (7, "Civilian targeting")
    assert (shelling["iso"], shelling["region"], shelling["year"]) == (804, "Europe", 2022)
    assert shelling["disorder_type"] == "Political violence"
    assert (protest["inter2"], protest["civilian_targeting"]) == (0, "")
    assert (protest["disorder_type"], protest["region"]) == ("Demonstrations", "Middle East")


def test_exported_mentions_point_into_the_file_as_received(tmp_path, gazetteer):
    from geo.exports import write_exports
    from geo.store.db import Store
    from geo.store.ingest import ingest
    from geo.store.results import result_from_store

    # Windows line breaks, a soft hyphen and a decomposed accent before the places: every
    # offset after them moves when the text is normalised.
    received = ("Overnight shelling hit Khar\u00adkiv.\r\nResidents of Kha\u0301rkiv and of "
                "Izium hid in shelters, officials in Kyiv said.\r\n")
    store = Store(tmp_path / "s.sqlite")
    report = ingest(store, [("crlf.txt", received.encode("utf-8"))], gazetteer)
    assert len(report.added) == 1
    result = result_from_store(store)
    write_exports(tmp_path / "out", mentions=result.mentions, incidents=result.incidents,
                  articles=result.articles)
    frame = pd.read_csv(tmp_path / "out" / "mentions.csv", keep_default_na=False)
    assert {"Izium", "Kyiv"} <= set(frame["text"])
    for row in frame.itertuples():
        span = received[row.source_start:row.source_end]
        assert unicodedata.normalize("NFC", span.replace("\u00ad", "")) == row.text
    kyiv = frame[frame["text"] == "Kyiv"].iloc[0]
    assert kyiv["source_start"] == kyiv["start"] + 3  # a soft hyphen, a CR, an accent


def test_big_downloads_made_by_the_background_worker_equal_the_direct_ones(tmp_path, gazetteer,
                                                                          seed_articles):
    from pathlib import Path

    from geo.exports import INCIDENT_FILES
    from geo.pipeline import run_pipeline
    from geo.store.db import Store
    from geo.store.downloads import backup_job, incident_files_job
    from geo.store.ingest import ingest
    from geo.store.jobs import JobQueue

    incidents = run_pipeline(list(seed_articles.values()), gazetteer=gazetteer).incidents
    store = Store(tmp_path / "s.sqlite")
    first = next(iter(seed_articles.values()))
    ingest(store, [("one.txt", first.text.encode("utf-8"))], gazetteer)
    # In a worker process, as the dashboard runs them: the table and the paths travel
    # pickled, the files come back as paths.
    queue = JobQueue(process=True)
    files = queue.wait(queue.submit("files", incident_files_job, incidents,
                                    str(tmp_path / "files")), timeout=120)
    backup = queue.wait(queue.submit("backup", backup_job, str(store.path),
                                     str(tmp_path / "backup")), timeout=120)
    assert files.state == "done" and (files.done, files.total) == (3, 3)
    for name, (make, _) in INCIDENT_FILES.items():
        written, expected = Path(files.result[name]).read_bytes(), make(incidents)
        if name == "incidents.csv":
            # ACLED's "timestamp" is the moment of export: the worker's file and this
            # process's may fall in different seconds. Every other cell is the same.
            ours = pd.read_csv(io.BytesIO(written))
            theirs = pd.read_csv(io.StringIO(expected))
            assert (ours["timestamp"] - theirs["timestamp"]).abs().max() <= 60
            pd.testing.assert_frame_equal(ours.drop(columns="timestamp"),
                                          theirs.drop(columns="timestamp"))
        else:
            assert written == expected.encode("utf-8")
    assert backup.state == "done"
    restored = Store(tmp_path / "restored.sqlite")
    restored.restore(Path(backup.result["backup.sqlite"]))
    assert restored.article_count() == 1
