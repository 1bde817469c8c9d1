"""The pandas layer: the pipeline's records as typed DataFrames. The only pandas code in ``geo``.

``mentions_frame`` columns (one row per place mention):

=================  ======================================================================
article            article id (file name without extension)
start, end         half-open character offsets of the mention in the article's text
text               the mention as written (``text[start:end]``)
sentence           the sentence that holds it
name               the resolved place's name ("" when unresolved)
latitude           resolved point (NaN when unresolved)
longitude
feature            country, region, city, water, area, landmark, continent, computed
country_code       ISO 3166 alpha-2
admin1             first-level region's name
geonameid          GeoNames id when the place comes from GeoNames (<NA> otherwise)
score              confidence in [0, 1]: the winner's share of the candidates' weight
place_key          stable place key (``gn:703448``, ``admin1:UA.08``, ``extra:donbas``)
pattern            how the span was read: name, region, computed
reason             why this place was chosen (or why none was)
candidates         runner-ups as "name (CC, score)" joined by "; "
distance_flag      True when a stated distance strongly disagrees with the gazetteer
=================  ======================================================================
"""

from __future__ import annotations

import pandas as pd

from geo.records import Article, Resolution

MENTION_COLUMNS = ["article", "start", "end", "text", "sentence", "name", "latitude",
                   "longitude", "feature", "country_code", "admin1", "geonameid", "score",
                   "place_key", "pattern", "reason", "candidates", "distance_flag"]


def mentions_frame(articles: list[Article],
                   resolutions: dict[str, list[Resolution]]) -> pd.DataFrame:
    """One row per mention, in article and text order.

    Args:
        articles: the articles (for sentences).
        resolutions: each article id's resolutions.

    Returns:
        A DataFrame with ``MENTION_COLUMNS``.
    """
    rows = []
    for article in articles:
        for r in resolutions.get(article.id, []):
            p = r.place
            rows.append({
                "article": article.id, "start": r.mention.start, "end": r.mention.end,
                "text": r.mention.text,
                "sentence": article.text[r.sentence[0]:r.sentence[1]],
                "name": p.name if p else "", "latitude": p.lat if p else None,
                "longitude": p.lon if p else None, "feature": p.feature if p else "",
                "country_code": p.country_code if p else "", "admin1": p.admin1 if p else "",
                "geonameid": p.geonameid if p else None, "score": r.score,
                "place_key": p.key if p else "", "pattern": r.mention.pattern,
                "reason": r.reason,
                "candidates": "; ".join(f"{c.place.name} ({c.place.country_code or '-'}, "
                                        f"{c.score:.2f})" for c in r.candidates[1:]),
                "distance_flag": bool(r.distance and r.distance.flagged),
            })
    frame = pd.DataFrame(rows, columns=MENTION_COLUMNS)
    return frame.astype({"start": "int64", "end": "int64", "latitude": "float64",
                         "longitude": "float64", "geonameid": "Int64", "score": "float64",
                         "distance_flag": "bool"})
