"""The geoparser: an article in, its place mentions resolved out.

Example:
    >>> from geo.gazetteer import Gazetteer
    >>> from geo.records import Article
    >>> rs = geoparse(Article(id="a", text="Shelling hit Kharkov."), Gazetteer.load())
    >>> [(r.mention.text, r.place.name) for r in rs]
    [('Kharkov', 'Kharkiv')]
"""

from __future__ import annotations

from geo.distances import check_stated_distances
from geo.gazetteer import Gazetteer
from geo.mentions import find_mentions
from geo.records import Article, Resolution
from geo.resolve import resolve_mentions


def geoparse(article: Article, gazetteer: Gazetteer, *,
             resolver: str = "context") -> list[Resolution]:
    """Find, resolve and check every place an article names.

    Args:
        article: the article.
        gazetteer: the place index.
        resolver: a name in ``geo.resolve.RESOLVERS``.

    Returns:
        Resolutions in text order, unresolved ones included (``place=None``).
    """
    mentions = find_mentions(article.text, gazetteer, article=article.id)
    resolutions = resolve_mentions(article.text, mentions, gazetteer, resolver=resolver)
    return check_stated_distances(article.text, resolutions)
