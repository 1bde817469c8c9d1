"""Stated distances, checked with geopy's geodesic maths against the gazetteer."""

from __future__ import annotations

import pytest

from geo.nlp.distances import find_stated_distances
from geo.nlp.geoparse import geoparse
from geo.records import Article


@pytest.mark.parametrize(("text", "km", "bearing"), [
    ("a small town 60 km (40 miles) northwest of Kyiv", 60.0, 315.0),
    ("50 kilometers northwest of the capital", 50.0, 315.0),
    ("some 10 miles south-east of Odesa", 16.093, 135.0),
    ("lies 25km north of Kharkiv", 25.0, 0.0),
])
def test_phrases(text, km, bearing):
    (phrase,) = find_stated_distances(text)
    assert (phrase.km, phrase.bearing) == (km, bearing)


def test_agreeing_distance_is_not_flagged(gazetteer):
    text = "In Borodyanka, a small town 60 km (40 miles) northwest of Kyiv, tanks burned."
    borodyanka = geoparse(Article(id="t", text=text), gazetteer)[0]
    assert borodyanka.distance.reference == "gn:703448"
    assert not borodyanka.distance.flagged


def test_disagreeing_distance_is_flagged(gazetteer):
    # Irpin is a suburb just west of Kyiv, not 300 km east of it.
    text = "In Irpin, a town 300 km east of Kyiv, shelling went on."
    irpin = geoparse(Article(id="t", text=text), gazetteer)[0]
    assert irpin.mention.text == "Irpin"
    assert irpin.distance.flagged
    assert irpin.distance.disagreement_km > 250
    assert "FLAGGED" in irpin.reason


def test_place_missing_from_gazetteer_is_computed(gazetteer):
    text = "In Zzyzxivka, a village 20 km north of Kharkiv, houses burned."
    resolutions = geoparse(Article(id="t", text=text), gazetteer)
    computed = [r for r in resolutions if r.mention.text == "Zzyzxivka"]
    assert computed, [r.mention.text for r in resolutions]
    (r,) = computed
    assert r.place.feature == "computed" and r.mention.pattern == "computed"
    assert text[r.mention.start:r.mention.end] == "Zzyzxivka"
    kharkiv = next(x.place for x in resolutions if x.mention.text == "Kharkiv")
    assert r.place.lat == pytest.approx(kharkiv.lat + 0.18, abs=0.01)
    assert r.place.lon == pytest.approx(kharkiv.lon, abs=0.01)
    assert r.score < 0.5
