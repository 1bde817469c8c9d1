"""``python -m geo extract`` on the seed corpus and on a batch with a bad file."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
from click.testing import CliRunner

from geo import extract_mentions
from geo.cli import cli
from geo.tables import MENTION_COLUMNS
from tests.conftest import ARTICLES, ROOT

REQUIRED = ["article", "start", "end", "text", "sentence", "name", "latitude", "longitude",
            "feature", "country_code", "admin1", "geonameid", "score"]


def test_extract_writes_mentions_csv(tmp_path):
    result = CliRunner().invoke(cli, ["extract", str(ARTICLES), "--manifest",
                                      str(ARTICLES / "manifest.csv"), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(tmp_path / "mentions.csv")
    assert list(frame.columns[:len(REQUIRED)]) == REQUIRED
    assert set(frame["article"]) == {p.stem for p in ARTICLES.glob("*.txt")}
    kyiv = frame[frame["text"] == "Kyiv"].iloc[0]
    assert kyiv["name"] == "Kyiv" and kyiv["geonameid"] == 703448
    assert kyiv["sentence"].count("Kyiv") >= 1


def test_failed_file_is_named_and_the_rest_processed(tmp_path):
    (tmp_path / "good.txt").write_text("Shelling hit Kharkiv.", encoding="utf-8")
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "geo", "extract", str(tmp_path), "--out",
                           str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1
    assert "broken.json: malformed JSON" in proc.stderr
    frame = pd.read_csv(out / "mentions.csv")
    assert list(frame["name"]) == ["Kharkiv"]


def test_api_returns_the_same_frame():
    frame = extract_mentions([ARTICLES])
    assert list(frame.columns) == MENTION_COLUMNS
    assert frame["start"].dtype == "int64" and frame["score"].between(0, 1).all()
