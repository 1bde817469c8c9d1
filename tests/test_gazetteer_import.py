"""``python -m geo gazetteer add``: an analyst's GeoNames dump or CSV joins the index and is
used by the geoparser."""

from __future__ import annotations

import zipfile

import pytest
from click.testing import CliRunner

from geo.cli import cli
from geo.errors import GazetteerFormatError
from geo.gazetteer.imports import import_places
from geo.gazetteer.index import Gazetteer, normalize
from geo.nlp.geoparse import geoparse
from geo.records import Article

# Two rows in GeoNames' dump format (19 tab-separated columns): a hamlet the bundled cities
# list lacks, and an existing town (Kharkiv, 706483) with an extra transliteration.
HAMLET = ["9990001", "Kvitneve-Druhe", "Kvitneve-Druhe", "Kvitneve Druhe,Kvitnevo-Druhe",
          "49.6100", "36.9400", "P", "PPL", "UA", "", "07", "", "", "", "40", "", "150",
          "Europe/Kyiv", "2024-01-01"]
KHARKIV = ["706483", "Kharkiv", "Kharkiv", "Kharkiv,Kharkov,Kharkiff-Gorod", "49.98081",
           "36.25272", "P", "PPLA", "UA", "", "07", "", "", "", "1430885", "", "152",
           "Europe/Kyiv", "2024-01-01"]


@pytest.fixture()
def private_gazetteer(tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_GAZETTEER_DIR", str(tmp_path / "packs"))
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


def _dump(path, rows):
    path.write_text("".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_geonames_zip_adds_a_hamlet_the_geoparser_then_places(private_gazetteer, gazetteer):
    assert not gazetteer.lookup(normalize("Kvitneve-Druhe"))
    txt = _dump(private_gazetteer / "UA.txt", [HAMLET, KHARKIV])
    archive = private_gazetteer / "UA.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(txt, "UA.txt")
        z.writestr("readme.txt", "not a dump")
    result = CliRunner().invoke(cli, ["gazetteer", "add", str(archive)])
    assert result.exit_code == 0, result.output
    assert "2 places or names" in result.output

    rebuilt = Gazetteer.load()
    text = "On 3 May 2022, Russian forces shelled Kvitneve-Druhe, Kharkiv. Nobody was hurt."
    (r,) = [r for r in geoparse(Article(id="a", text=text), rebuilt)
            if r.mention.text == "Kvitneve-Druhe"]
    assert r.place is not None and (r.place.lat, r.place.lon) == (49.61, 36.94)
    assert r.place.country_code == "UA" and r.place.admin1_code == "UA.07"
    # The existing town gained the new spelling instead of a second Kharkiv.
    (kharkiv,) = {rebuilt.place(i).key for i in rebuilt.lookup(normalize("Kharkiff-Gorod"))}
    assert kharkiv == "gn:706483"


def test_csv_of_own_places_is_imported_and_bad_rows_skipped(private_gazetteer):
    csv = private_gazetteer / "checkpoints.csv"
    csv.write_text("name,lat,lon,feature,country_code\n"
                   "Checkpoint Zulu-Nine,48.5,37.9,landmark,ua\n"
                   "Broken,north,east,,\n", encoding="utf-8")
    (report,) = import_places([csv], pack_dir=private_gazetteer / "packs")
    assert (report.places, report.skipped) == (1, 1)
    gaz = Gazetteer.load()
    (place,) = [gaz.place(i) for i in gaz.lookup(normalize("Checkpoint Zulu-Nine"))]
    assert place.key.startswith("user:") and place.country_code == "UA"


def test_a_file_in_neither_format_is_named_with_the_fix(private_gazetteer):
    bad = private_gazetteer / "notes.txt"
    bad.write_text("Kharkiv\t49.9\n", encoding="utf-8")
    with pytest.raises(GazetteerFormatError, match="notes.txt: line 1 has 2 tab-separated"):
        import_places([bad], pack_dir=private_gazetteer / "packs")
