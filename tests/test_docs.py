"""The README keeps up with the code (as datasette's docs tests do): every resolver, command,
configuration variable and page is documented, and the two commands open it."""

from __future__ import annotations

import re

import pytest

from geo.cli import cli
from geo.nlp.geoparse import RECOGNISERS
from geo.nlp.resolve import RESOLVERS
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands():
    blocks = re.findall(r"```bash\n(.*?)\n```", README, flags=re.S)
    assert blocks[0] == ("python3 -m venv .venv && .venv/bin/pip install -r requirements.txt"
                         " && .venv/bin/python -m geo gazetteer build"
                         " && .venv/bin/streamlit run dashboard.py")
    assert blocks[1] == "bash scripts/test.sh"
    assert "bash scripts/test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(RESOLVERS))
def test_every_resolver_is_documented(name):
    assert f"`{name}`" in README


@pytest.mark.parametrize("name", sorted(RECOGNISERS))
def test_every_recogniser_is_documented(name):
    assert f"`{name}`" in README


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_is_documented(command):
    assert f"python -m geo {command}" in README


@pytest.mark.parametrize("variable", ["GEO_STORE", "GEO_ARTICLES_DIR", "GEO_CACHE_DIR",
                                      "GEO_GAZETTEER_DIR"])
def test_every_environment_variable_is_documented(variable):
    assert f"${variable}" in README
    assert any(variable in path.read_text(encoding="utf-8")
               for path in [*ROOT.glob("geo/**/*.py"), ROOT / "dashboard_data.py"])


def test_every_page_has_a_screenshot():
    pages = ["overview", *[p.stem for p in (ROOT / "pages").glob("*.py")]]
    shots = re.findall(r"\(docs/screenshots/(\w+)\.png\)", README)
    assert len(shots) == len(pages)
    for shot in shots:
        assert (ROOT / "docs" / "screenshots" / f"{shot}.png").exists()


def test_geonames_is_credited():
    assert "GeoNames" in README and "CC BY 4.0" in README
