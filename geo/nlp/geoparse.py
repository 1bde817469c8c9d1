"""The geoparser: an article in, its place mentions resolved out.

The article becomes one spaCy ``Doc`` (``geo.doc``); the recogniser finds the spans that name
places (``geo.nlp.recognise``, or the gazetteer's named rules alone with ``recogniser="rules"``);
the resolver chooses a place for each (``geo.nlp.resolve``); stated distances check them
(``geo.nlp.distances``); a small town far from the article's other places keeps half its score
(``geo.nlp.far_places``). The resolutions are stored on the Doc (``doc._.resolutions``, and
``doc.spans["places"]``) for the stages after it, by the ``geo_places`` component
(``geo.nlp.components``) that ``geoparse_doc`` runs.

Example:
    >>> from geo.gazetteer.index import Gazetteer
    >>> from geo.records import Article
    >>> rs = geoparse(Article(id="a", text="Shelling hit Kharkov."), Gazetteer.load())
    >>> [(r.mention.text, r.place.name) for r in rs]
    [('Kharkov', 'Kharkiv')]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from geo.doc import doc_text, make_doc
from geo.errors import GeoError
from geo.gazetteer.index import Gazetteer, normalize
from geo.nlp.abbreviations import with_region_abbreviations
from geo.nlp.article import Dateline, find_dateline
from geo.nlp.components import run_places
from geo.nlp.corpus import Corpus
from geo.nlp.cyrillic.places import find_places as find_cyrillic_places
from geo.nlp.distances import check_stated_distances
from geo.nlp.far_places import doubt_far_places
from geo.nlp.language import CYRILLIC_READ, detect_language
from geo.nlp.mentions import find_mentions
from geo.nlp.recognise import RecogniserModel, recognise
from geo.nlp.resolve import UNKNOWN_BEFORE_REASON, RankerModel, resolve_mentions
from geo.records import Article, Mention, Resolution

if TYPE_CHECKING:
    from spacy.tokens import Doc


def _rules(doc: Doc, gazetteer: Gazetteer) -> list[Mention]:
    return find_mentions(doc_text(doc), gazetteer, article=doc._.article.id)


#: Recognisers by name: the trained model (default) and the gazetteer's named rules alone.
RECOGNISERS: dict[str, Callable[[Doc, Gazetteer], list[Mention]]] = {
    "model": recognise,
    "rules": _rules,
}


def geoparse_doc(doc: Doc, gazetteer: Gazetteer, *, resolver: str = "context",
                 recogniser: str = "model",
                 model: RecogniserModel | None = None,
                 ranker: RankerModel | None = None,
                 corpus: Corpus | None = None) -> list[Resolution]:
    """Find, resolve and check every place an annotated Doc names; store them on the Doc
    (``doc._.resolutions`` and the span group ``doc.spans["places"]``) by running the
    ``geo_places`` component (``geo.nlp.components``) on it.

    Args:
        doc: the article's Doc (``geo.doc.make_doc``).
        gazetteer: the place index.
        resolver: a name in ``geo.nlp.resolve.RESOLVERS``.
        recogniser: a name in ``RECOGNISERS``.
        model: the recogniser's weights (default: the shipped model).
        ranker: the context resolver's weights (default: the shipped ones).
        corpus: the store's confident report places of the article's days (an empty or
            absent corpus changes nothing).

    Returns:
        Resolutions in text order, unresolved ones included (``place=None``); also set as
        ``doc._.resolutions``.
    """
    return run_places(doc, gazetteer, resolver=resolver, recogniser=recogniser, model=model,
                      ranker=ranker, corpus=corpus, find=find_places)


def find_places(doc: Doc, gazetteer: Gazetteer, *, resolver: str = "context",
                recogniser: str = "model",
                model: RecogniserModel | None = None,
                ranker: RankerModel | None = None,
                corpus: Corpus | None = None) -> list[Resolution]:
    """The work of the ``geo_places`` component, which stores the result on the Doc: the
    resolutions ``geoparse_doc`` returns (its arguments, the same), computed without
    touching the Doc."""
    # Ukrainian and Russian text: places found by their inflected forms (geo.nlp.cyrillic).
    lang = detect_language(doc_text(doc))
    if lang in CYRILLIC_READ:
        return with_seats(doubt_far_places(find_cyrillic_places(
            doc_text(doc), lang, gazetteer, article_id=doc._.article.id, corpus=corpus)),
            gazetteer)
    mentions = place_mentions(doc, gazetteer, recogniser=recogniser, model=model)
    resolutions = resolve_mentions(doc_text(doc), mentions, gazetteer, resolver=resolver,
                                   ranker=ranker, corpus=corpus)
    # After the stated distances: a point computed from one lies near its reference place.
    return with_seats(doubt_far_places(check_stated_distances(doc_text(doc), resolutions)),
                      gazetteer)


def place_mentions(doc: Doc, gazetteer: Gazetteer, *, recogniser: str = "model",
                   model: RecogniserModel | None = None) -> list[Mention]:
    """The spans of a Latin-script article the resolver is given: the recogniser's (a name in
    ``RECOGNISERS``; ``model`` overrides the shipped weights), without the dateline's day,
    with the regions abbreviated after a town. The resolver's training reads the same
    (``geo.training.resolver``), so the ranker learns from the mentions it will rank."""
    try:
        find = RECOGNISERS[recogniser]
    except KeyError:
        raise GeoError(f"No recogniser {recogniser!r}. Available recognisers: "
                       f"{', '.join(sorted(RECOGNISERS))}") from None
    mentions = (recognise(doc, gazetteer, model=model) if model is not None
                else find(doc, gazetteer))
    # "KHARKIV, Ukraine, Nov 5 (Agency) —": the dateline's day is a date ("Nov" is no town
    # in Tajikistan), whatever the recogniser made of its capitalised word.
    dateline = find_dateline(doc_text(doc))
    if dateline is not None and dateline.date_start >= 0:
        mentions = [m for m in mentions
                    if not dateline.date_start <= m.start < dateline.date_end]
    if dateline is not None:
        mentions = _with_dateline_place(mentions, dateline, gazetteer, doc._.article.id)
    # "Modesto, Calif.": the abbreviated state is a place, and the town's qualifier.
    return with_region_abbreviations(doc_text(doc), mentions, gazetteer,
                                     article=doc._.article.id)


def _with_dateline_place(mentions: list[Mention], dateline: Dateline, gazetteer: Gazetteer,
                         article: str) -> list[Mention]:
    """The mentions, with the dateline's place when the recogniser passed it over: "BEIRUT
    (Reuters) -" opens the article with where it was filed, a place however short its
    capitals look ("KYIV", "GAZA"), when the gazetteer knows the name."""
    start, end = dateline.place_start, dateline.place_end
    if any(m.start < end and start < m.end for m in mentions) or not gazetteer.lookup(
            normalize(dateline.place_text)):
        return mentions
    named = Mention(article=article, start=start, end=end, text=dateline.place_text)
    return sorted([*mentions, named], key=lambda m: m.start)


def with_seats(resolutions: list[Resolution], gazetteer: Gazetteer) -> list[Resolution]:
    """Each region's resolution with the region's seat (``Gazetteer.seat``): an event only
    the region locates is put there, as ACLED codes it ("in Zamfara State" -> Gusau). Not a
    region that says where an unknown place is ("Virnopillia, Kharkiv", "Kuchi village in
    Plateau State"): the place is anywhere in it, and the region's own point is the better
    guess than its capital."""
    out = []
    for n, r in enumerate(resolutions):
        before = resolutions[n - 1] if n else None
        unknown_before = r.reason.startswith(UNKNOWN_BEFORE_REASON) or (
            before is not None and before.place is None
            and r.mention.start - before.mention.end <= _UNKNOWN_REACH)
        if (r.place is not None and r.place.feature == "region" and r.place.admin1_code
                and not unknown_before):
            r = replace(r, seat=gazetteer.seat(r.place.admin1_code))
        out.append(r)
    return out


# How far before a region an unlocated name is still the place it qualifies: "Kuchi village
# in Plateau State".
_UNKNOWN_REACH = 30


def geoparse(article: Article, gazetteer: Gazetteer, *, resolver: str = "context",
             recogniser: str = "model") -> list[Resolution]:
    """Find, resolve and check every place an article names.

    Args:
        article: the article.
        gazetteer: the place index.
        resolver: a name in ``geo.nlp.resolve.RESOLVERS``.
        recogniser: a name in ``RECOGNISERS``.

    Returns:
        Resolutions in text order, unresolved ones included (``place=None``).
    """
    return geoparse_doc(make_doc(article), gazetteer, resolver=resolver,
                        recogniser=recogniser)
