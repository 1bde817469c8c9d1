"""Shared fixtures: the real gazetteer (built once per session into a temporary cache) and the
bundled seed articles."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from geo.gazetteer.index import Gazetteer
from geo.io.articles import read_articles
from geo.nlp.geoparse import geoparse
from geo.records import Article, Place, Resolution

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "data" / "articles"


@pytest.fixture(scope="session", autouse=True)
def _private_store(tmp_path_factory) -> None:
    """The dashboard and the CLI write to $GEO_STORE: never the developer's own store."""
    os.environ["GEO_STORE"] = str(tmp_path_factory.mktemp("store") / "news.sqlite")


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


@pytest.fixture(scope="session")
def seed_articles() -> dict[str, Article]:
    return {a.id: a for a in read_articles([ARTICLES])}


@pytest.fixture(scope="session")
def seed_resolutions(seed_articles, gazetteer) -> dict[str, list[Resolution]]:
    return {aid: geoparse(a, gazetteer) for aid, a in seed_articles.items()}


def places_by_mention(text: str, gazetteer: Gazetteer) -> dict[str, Place | None]:
    """A text's geoparse as mention text -> the place chosen (None when unresolved); a
    name written twice keeps its last reading."""
    return {r.mention.text: r.place for r in geoparse(Article(id="t", text=text), gazetteer)}


def resolved(resolutions: list[Resolution], text: str) -> list[Resolution]:
    """The resolutions of mentions written exactly ``text``."""
    return [r for r in resolutions if r.mention.text == text]
