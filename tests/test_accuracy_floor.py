"""Accuracy floors on fixed slices of the real dev sets (``../shared/dev/``), scored as the
benchmarks score them (``geo.learn.devsets``). A change that makes the geoparser or the
incidents worse on real news fails here; the full figures come from ``bench/accuracy.py`` and
``bench/incidents_accuracy.py``. Skipped when the dev sets are not beside the checkout."""

from __future__ import annotations

import datetime as dt

import pytest

from geo.geodesy import haversine_km
from geo.incidents import extract_incidents
from geo.learn.devsets import ACLED_DEV as ACLED
from geo.learn.devsets import GWN_DEV as GWN
from geo.learn.devsets import as_article, read_acled, read_gwn, score_corpus
from geo.nlp.geoparse import geoparse

GWN_SLICE = 40  # the first 40 articles, ~470 gold toponyms
ACLED_SLICE = 100  # the first 100 notes


@pytest.mark.skipif(not GWN.exists(), reason="GeoWebNews dev set not beside the checkout")
def test_geowebnews_slice_keeps_f1_and_acc161_floors(gazetteer):
    corpus = read_gwn(GWN, limit=GWN_SLICE)
    score, *_ = score_corpus(corpus, lambda a: geoparse(a, gazetteer))
    assert score.f1 >= 0.80, (score.precision, score.recall, score.f1)
    assert score.acc161 >= 0.88, score.acc161


@pytest.mark.skipif(not ACLED.exists(), reason="ACLED dev set not beside the checkout")
def test_acled_notes_slice_keeps_incident_floors(gazetteer):
    rows = read_acled(ACLED, limit=ACLED_SLICE)
    produced = near = dated = 0
    for row in rows:
        incidents = extract_incidents([as_article(row)], gazetteer)
        if not incidents:
            continue
        produced += 1
        best = min(incidents, key=lambda i: haversine_km(
            i.place.lat, i.place.lon, row["latitude"], row["longitude"]))
        near += haversine_km(best.place.lat, best.place.lon, row["latitude"],
                             row["longitude"]) <= 25
        dated += best.event_date == dt.datetime.strptime(row["event_date"], "%d %B %Y").date()
    assert produced / len(rows) >= FLOORS["produced"], produced
    assert near / len(rows) >= FLOORS["within 25 km"], near
    assert dated / len(rows) >= FLOORS["date exact"], dated


FLOORS = {"produced": 0.92, "within 25 km": 0.70, "date exact": 0.92}
