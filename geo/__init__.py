"""News articles to a map of incidents, offline.

The public API:

    >>> from pathlib import Path
    >>> import geo
    >>> frame = geo.extract_mentions([Path("data/articles")])
    >>> "Kyiv" in set(frame["name"])
    True

The packages follow the pipeline: ``io`` (reading files, uploads, web pages and feeds),
``gazetteer`` (the offline place index), ``doc`` (one spaCy Doc per article), ``nlp`` (the
stages that read it: the article's dateline, mentions, recognition, resolution, stated
distances, events, dates, figures, actors, named groups, the news filter; Cyrillic text in
``nlp.cyrillic``), ``lang`` (each language's word lists, apart from the code), ``learn``
(weights of the trained parts, the dev sets and the field's scorer), ``incidents`` (reports
and their merging), ``tables`` (DataFrames), ``exports`` and ``maps``, ``store`` (the SQLite
store, its jobs and the result read back from it), ``cli`` (``python -m geo``). ``geodesy`` and
``timezones`` are what every layer shares of the planet. ``training``, ``synthetic``,
``timing``, ``baselines`` and ``dashboard_driver`` serve the training scripts, benches and tests;
the pipeline never imports them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from geo.gazetteer.index import Gazetteer
from geo.io.articles import read_articles
from geo.nlp.geoparse import geoparse
from geo.records import Article
from geo.tables import mentions_frame

__all__ = ["Gazetteer", "extract_mentions", "geoparse", "mentions_for_articles", "read_articles"]


def mentions_for_articles(articles: list[Article], *, gazetteer: Gazetteer | None = None,
                          resolver: str = "context") -> pd.DataFrame:
    """Geoparse articles already in memory into the mentions DataFrame."""
    gazetteer = gazetteer or Gazetteer.load()
    resolutions = {a.id: geoparse(a, gazetteer, resolver=resolver) for a in articles}
    return mentions_frame(articles, resolutions)


def extract_mentions(paths: list[Path], *, manifest: Path | None = None,
                     resolver: str = "context") -> pd.DataFrame:
    """Read article files and return every place mention (see ``geo.tables``).

    Args:
        paths: files or directories of articles.
        manifest: optional manifest CSV (``file,outlet,published,timezone,title``).
        resolver: a name in ``geo.nlp.resolve.RESOLVERS``.

    Returns:
        The mentions DataFrame.
    """
    return mentions_for_articles(read_articles(paths, manifest=manifest), resolver=resolver)
