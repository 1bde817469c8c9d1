from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

import geo.gazetteer.index as gz
from geo.errors import GazetteerFormatError
from geo.gazetteer import build, sources
from geo.gazetteer.index import Gazetteer, normalize


@pytest.mark.parametrize(("written", "key"), [
    ("Khar'kov", "kharkov"),
    ("Ivano-Frankivsk", "ivano frankivsk"),
    ("St. Petersburg", "saint petersburg"),
    ("St Petersburg", "saint petersburg"),
    ("Énerhodar", "enerhodar"),
    ("Washington D.C.", "washington dc"),
])
def test_normalize_folds_spellings(written, key):
    assert normalize(written) == key


@pytest.mark.parametrize(("variant", "name", "country"), [
    ("Kiev", "Kyiv", "UA"), ("Kharkov", "Kharkiv", "UA"), ("Irpen", "Irpin", "UA"),
    ("Odessa", "Odesa", "UA"), ("Energodar", "Enerhodar", "UA"),
    ("Berdiansk", "Berdyansk", "UA"), ("Nikolaev", "Mykolayiv", "UA"),
    ("St Petersburg", "Saint Petersburg", "RU"), ("Borodyanka", "Borodianka", "UA"),
])
def test_alternate_spellings_reach_the_place(gazetteer, variant, name, country):
    places = [gazetteer.place(i) for i in gazetteer.lookup(normalize(variant))]
    biggest = max(places, key=lambda p: p.population)
    assert (biggest.name, biggest.country_code) == (name, country)


def test_curated_features_are_indexed(gazetteer):
    for name, feature in [("Dnieper River", "water"), ("Kakhovka Reservoir", "water"),
                          ("Sea of Azov", "water"), ("Black Sea", "water"), ("Donbas", "area"),
                          ("Zaporizhzhia nuclear plant", "landmark"), ("Olvia", "landmark")]:
        places = [gazetteer.place(i) for i in gazetteer.lookup(normalize(name))]
        assert [p.feature for p in places] == [feature], name


def test_regions_countries_and_aliases(gazetteer):
    assert gazetteer.region("UA.08").name == "Kherson"
    assert gazetteer.region("UA.11").country_code == "UA"  # Crimea is Ukraine
    assert gazetteer.country("UA").name == "Ukraine"
    uk = [gazetteer.place(i) for i in gazetteer.lookup("uk")]
    assert any(p.key == "country:GB" for p in uk)
    dc = [gazetteer.place(i) for i in gazetteer.lookup("washington dc")]
    assert [(p.name, p.admin1_code) for p in dc] == [("Washington", "US.DC")]


def test_country_points_lie_inside_the_country(gazetteer):
    ukraine = gazetteer.country("UA")
    assert 44 < ukraine.lat < 53 and 22 < ukraine.lon < 41
    russia = gazetteer.country("RU")
    assert russia.lon > 40  # the middle of Russia, not Moscow


def test_index_is_cached_and_rebuilt_when_a_source_changes(tmp_path, monkeypatch):
    extra = tmp_path / "extra.csv"
    shutil.copy(sources.EXTRA_CSV, extra)
    monkeypatch.setattr(sources, "EXTRA_CSV", extra)
    cache = tmp_path / "cache"
    assert not Gazetteer.is_current(cache)
    steps: list[tuple[float, str]] = []
    first = Gazetteer.load(cache_dir=cache, progress=lambda share, what: steps.append(
        (share, what)))
    assert not first.lookup("testplace on the moon")
    # A build says how far it is, step by step, to the end (the dashboard shows it).
    shares = [share for share, _ in steps]
    assert shares == sorted(shares) and shares[0] == 0.0 and shares[-1] == 1.0
    assert len(steps) >= 5 and Gazetteer.is_current(cache)
    builds = []
    real_build = gz.build_gazetteer
    monkeypatch.setattr(gz, "build_gazetteer",
                        lambda **kw: builds.append(1) or real_build(**kw))
    again = Gazetteer.load(cache_dir=cache)
    assert builds == []  # read from the index file, not rebuilt
    assert again.sources_digest == first.sources_digest
    with extra.open("a", encoding="utf-8") as fh:
        fh.write("moon-base,,Testplace on the Moon,,landmark,0.5,0.5,,,10,\n")
    assert not Gazetteer.is_current(cache)  # a source changed: the next load builds
    rebuilt = Gazetteer.load(cache_dir=cache)
    assert builds == [1]
    assert rebuilt.sources_digest != first.sources_digest
    assert [rebuilt.place(i).name for i in rebuilt.lookup("testplace on the moon")] == [
        "Testplace on the Moon"]


def test_bad_curated_row_names_the_file_and_row(tmp_path, monkeypatch):
    extra = tmp_path / "extra.csv"
    extra.write_text(sources.EXTRA_CSV.read_text(encoding="utf-8")
                     + "broken,,Broken,,landmark,north,0,,,1,\n", encoding="utf-8")
    monkeypatch.setattr(sources, "EXTRA_CSV", extra)
    with pytest.raises(GazetteerFormatError, match="broken"):
        gz.build_gazetteer()


def test_the_index_file_is_plain_data_and_a_tampered_one_is_rebuilt(tmp_path, monkeypatch):
    import pickle

    Gazetteer.load()  # the project's index, current
    cache = tmp_path / "cache"
    cache.mkdir()
    home = Path(os.environ.get("GEO_CACHE_DIR", gz.ROOT / ".cache"))
    (current,) = home.glob(f"gazetteer-v{gz.INDEX_VERSION}.json")
    index = cache / current.name
    data = json.loads(current.read_text(encoding="utf-8"))  # JSON: nothing in it can run code
    assert data["format"] == "geo-gazetteer-index" and data["version"] == gz.INDEX_VERSION
    data["names"][1][0] = [10**9]  # a name pointing outside the index
    index.write_text(json.dumps(data), encoding="utf-8")
    stale = cache / "gazetteer-v6.pickle"
    stale.write_bytes(pickle.dumps({"left": "by an older version"}))
    builds = []
    real_build = gz.build_gazetteer
    monkeypatch.setattr(gz, "build_gazetteer",
                        lambda **kw: builds.append(1) or real_build(**kw))
    rebuilt = Gazetteer.load(cache_dir=cache)
    assert builds == [1] and rebuilt.lookup("kyiv")
    assert not stale.exists()  # pickles are removed, never read


def test_official_ukrainian_spelling_reaches_the_geonames_place(gazetteer):
    # GeoNames spells it "Chystyakove"; ACLED and Ukrainian officials write the 2010 spelling.
    places = [gazetteer.place(i) for i in gazetteer.lookup(normalize("Chystiakove"))]
    assert any(p.key.startswith("gn:") and p.name == "Chystyakove" for p in places)


def test_a_village_geonames_lacks_is_an_estimated_point_inside_its_oblast(gazetteer):
    (village,) = [gazetteer.place(i) for i in gazetteer.lookup("virnopillia")]
    assert village.admin1_code == "UA.07" and gz.is_estimated(village)
    assert not gz.is_estimated(gazetteer.place(gazetteer.lookup("kharkiv")[0]))
    assert 48.5 < village.lat < 50.5 and 35.0 < village.lon < 38.5  # Kharkiv oblast's box


@pytest.mark.parametrize("cyrillic, latin", [
    ("Згорани", "Zghorany"), ("Єнакієве", "Yenakiieve"), ("Гаєвич", "Haievych"),
    ("Їжакевич", "Yizhakevych"), ("Кадиївка", "Kadyivka"), ("Йосипівка", "Yosypivka"),
    ("Стрий", "Stryi"), ("Юрій", "Yurii"), ("Корюківка", "Koriukivka"), ("Яготин", "Yahotyn"),
    ("Костянтин", "Kostiantyn"), ("Знам'янка", "Znamianka"), ("Щербухи", "Shcherbukhy"),
    ("Біла Церква", "Bila Tserkva"), ("Верхньокам'янське", "Verkhnokamianske"),
])
def test_codifier_names_are_transliterated_by_the_2010_rules(cyrillic, latin):
    # The examples of Cabinet of Ministers resolution No. 55 (2010) and ACLED's spellings.
    spec = importlib.util.spec_from_file_location(
        "build_settlements", Path(__file__).resolve().parents[1] / "scripts" /
        "build_settlements.py")
    module = sys.modules.setdefault(spec.name, importlib.util.module_from_spec(spec))
    spec.loader.exec_module(module)
    assert module.transliterate(cyrillic) == latin


@pytest.mark.parametrize("written", ["Deir al-Balah", "Deir el-Balah", "Bureij", "Al-Bureij",
                                     "Nusayrat"])
def test_arabic_place_names_are_found_with_or_without_their_article(gazetteer, written):
    places = [gazetteer.place(i) for i in gazetteer.lookup(normalize(written))]
    assert any(p.country_code == "PS" for p in places), written


def test_an_arabic_article_is_written_three_ways_or_left_out():
    assert build.arabic_article_variants("Al Burayj") >= {"Burayj", "El-Burayj"}
    assert build.arabic_article_variants("Khan Younis") == set()
    assert not build.arabic_article_variants("Al")  # an article alone is no name
