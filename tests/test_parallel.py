"""Extraction on a local Dask cluster of two worker processes gives what one process gives:
the same mentions and incidents from ``geo extract``, the same store from ``geo ingest``."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from click.testing import CliRunner

from geo.cli import cli
from geo.io.articles import article_files, read_articles
from geo.pipeline import run_pipeline
from geo.store import parallel
from geo.store.db import Store
from geo.store.ingest import ingest_paths
from tests.conftest import ARTICLES

pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def dask_client():
    with parallel.client(workers=2) as c:
        yield c


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, gazetteer):
    """The seed articles and 30 generated ones (the partitions spread over both workers)."""
    from geo.synthetic import generate, write

    folder = tmp_path_factory.mktemp("corpus")
    write(generate(30, gazetteer, seed=5, days=10), folder)
    rows = pd.read_csv(folder / "manifest.csv", dtype=str)
    seeds = pd.read_csv(ARTICLES / "manifest.csv", dtype=str)
    for path in ARTICLES.iterdir():
        if path.name != "manifest.csv":
            shutil.copy(path, folder / path.name)
    pd.concat([rows, seeds]).to_csv(folder / "manifest.csv", index=False)
    return folder


def test_dask_extract_gives_the_single_process_mentions_and_incidents(
        dask_client, corpus, gazetteer):
    files, rows = article_files([corpus])
    result, extracted, failures = parallel.extract_result(files, manifest=rows,
                                                          dask_client=dask_client,
                                                          gazetteer=gazetteer)
    single = run_pipeline(read_articles([corpus]), gazetteer=gazetteer)
    assert not failures and len(extracted) == 35
    workers = {w["id"] for w in dask_client.scheduler_info()["workers"].values()}
    assert len(workers) == 2
    pd.testing.assert_frame_equal(result.incidents, single.incidents)
    pd.testing.assert_frame_equal(result.reports, single.reports)
    pd.testing.assert_frame_equal(result.mentions, single.mentions)
    assert (result.incidents["reports"] > 1).sum() >= 5  # merging across outlets happened


def test_dask_ingest_stores_the_single_process_store(dask_client, corpus, gazetteer, tmp_path):
    alone, on_cluster = Store(tmp_path / "alone.sqlite"), Store(tmp_path / "dask.sqlite")
    for store in (alone, on_cluster):
        store.incident_rows()
    first = ingest_paths(alone, [corpus], gazetteer)
    second = ingest_paths(on_cluster, [corpus], gazetteer, dask_client=dask_client)
    assert sorted(first.added) == sorted(second.added) and len(first.added) == 35

    def facts(store: Store) -> list[tuple]:
        rows, reports = store.incident_rows()
        return sorted([(r["event_id"], r["fatalities"]) for r in rows]) + sorted(
            (r["event_id"], r["report_key"]) for r in reports)

    assert facts(alone) == facts(on_cluster)
    assert alone.mention_rows() == on_cluster.mention_rows()


def test_cli_extract_with_workers_writes_reports_as_parquet_by_month(corpus, tmp_path,
                                                                      gazetteer):
    runner = CliRunner()
    one = runner.invoke(cli, ["extract", str(corpus), "--out", str(tmp_path / "one")])
    two = runner.invoke(cli, ["extract", str(corpus), "--out", str(tmp_path / "two"),
                              "--workers", "2"])
    assert one.exit_code == 0 and two.exit_code == 0, two.output
    single, on_cluster = (pd.read_csv(tmp_path / d / "incidents.csv", dtype=str).drop(
        columns="timestamp") for d in ("one", "two"))  # the export's own time differs
    pd.testing.assert_frame_equal(single, on_cluster)
    months = sorted(p.name for p in (tmp_path / "two" / "reports.parquet").iterdir())
    assert months and all(m.startswith("month=2022-") for m in months)
    reports = pd.read_parquet(tmp_path / "two" / "reports.parquet")
    expected = run_pipeline(read_articles([corpus]), gazetteer=gazetteer).reports
    assert sorted(zip(reports["article"], reports["sentence_start"], strict=True)) == sorted(
        zip(expected["article"], expected["sentence_start"], strict=True))
    assert set(reports["month"].astype(str)) == set(expected["report_date"].dt.strftime("%Y-%m"))


def test_dask_workers_weigh_namesakes_by_the_stores_reports_as_one_process_does(
        dask_client, gazetteer, tmp_path):
    import datetime as dt

    from geo.geodesy import haversine_km
    from tests.test_corpus_prior import FRONT, KURAKHOVE, VILLAGE, _put

    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "village.txt").write_text(VILLAGE, encoding="utf-8")
    (folder / "manifest.csv").write_text(
        "file,outlet,published,timezone\nvillage.txt,Wire,2022-07-05,Europe/Kyiv\n",
        encoding="utf-8")
    places = []
    for name, client in (("alone", None), ("dask", dask_client)):
        store = Store(tmp_path / f"{name}.sqlite")
        for n, text in enumerate(FRONT):
            _put(store, gazetteer, f"front{n}", text, dt.date(2022, 7, 2 + n))
        done = ingest_paths(store, [folder], gazetteer, dask_client=client)
        [report] = [r for r in store.reports() if r.article == done.added[0]]
        places.append(report.place)
    assert places[0] == places[1]
    assert haversine_km(places[0].lat, places[0].lon, *KURAKHOVE) < 30
