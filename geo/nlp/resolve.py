"""Choose which place each mention denotes, from the article's own context.

Every candidate gets a prior (population, on a log scale, plus a bonus by feature kind: a
country outranks a town of the same name, a curated river or landmark was named on purpose),
then the article speaks: the share of its unambiguous places that lie in the candidate's
country, a place of that country named in the same sentence ("in Belarus, in the Brest
region"), a qualifier right after the name ("Odessa, Texas"), and nearness to the article's
other places. The score a mention keeps is the winner's share of the candidates' weight, so
"Kyiv" scores near 1 and a coin-toss scores near 0.5; runner-ups are kept for the analyst.

Resolvers are looked up by name in ``RESOLVERS`` (``get_resolver("context")``). This module
ranks and explains; its parts are modules of their own: the candidates of a name
(``resolve_candidates``), the ranker's features and weights (``resolve_features``), nearness
to the article's places at a first and a second look (``resolve_nearness``), and the reading
of qualifiers and other names (``resolve_qualifiers``).

Example:
    >>> from geo.gazetteer.index import Gazetteer
    >>> from geo.nlp.mentions import find_mentions
    >>> gaz = Gazetteer.load()
    >>> text = "Talks were held in Belarus, in the Brest region."
    >>> [(r.mention.text, r.place.country_code) for r in resolve_mentions(
    ...     text, find_mentions(text, gaz), gaz)]
    [('Belarus', 'BY'), ('Brest region', 'BY')]
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

from geo.errors import GeoError
from geo.gazetteer.index import Gazetteer, normalize
from geo.geodesy import haversine_km  # noqa: F401 - its home now; importable here as before
from geo.nlp.corpus import Corpus
from geo.nlp.resolve_candidates import candidate_places
from geo.nlp.resolve_features import (
    HAND,
    RANKER_FEATURES_VERSION,
    RANKER_JSON,
    RankerModel,
    _country_shares,
    _prior,
    candidate_features,
    shipped_ranker,
)
from geo.nlp.resolve_nearness import _Nearness, _second_look
from geo.nlp.resolve_qualifiers import (
    _alias_of,
    _as_qualifier,
    _qualify,
    unknown_towns_of_a_country,
)
from geo.nlp.sentences import sentence_at, split_sentences
from geo.records import Candidate, Mention, Place, Resolution

# Importable from here as before the resolver was split by job.
__all__ = ["HAND", "RANKER_FEATURES_VERSION", "RANKER_JSON", "RESOLVERS", "UNKNOWN_BEFORE_REASON",
           "RankerModel", "Resolver", "_Nearness", "candidate_features", "candidate_places",
           "get_resolver", "haversine_km", "ranking_table", "resolve_mentions",
           "shipped_ranker"]

# A town this small, with nothing in the article pointing at its country, is a guess too far.
_ABSTAIN_POPULATION = 1000
_MAX_CANDIDATES = 5
#: The reason of a region read for an unknown place before it ("Virnopillia, Kharkiv"): the
#: place is somewhere in it, so the region's own point, not its seat, stands for it.
UNKNOWN_BEFORE_REASON = "names the region of an unknown place before it"


def resolve_mentions(text: str, mentions: list[Mention], gazetteer: Gazetteer, *,
                     resolver: str = "context",
                     ranker: RankerModel | None = None,
                     corpus: Corpus | None = None) -> list[Resolution]:
    """Resolve an article's mentions to places.

    Args:
        text: the article's text (for sentences).
        mentions: its mentions, as ``find_mentions`` returns them.
        gazetteer: the place index.
        resolver: a name in ``RESOLVERS``.
        ranker: the context resolver's weights (default: the shipped ones).
        corpus: the store's confident report places around the article's date
            (``geo.nlp.corpus``); the context resolver weighs nearness to them.

    Returns:
        One Resolution per mention, in the same order; unresolved ones have ``place=None``.
    """
    resolve = get_resolver(resolver)
    if (ranker is not None or corpus) and resolve is _context_resolver:
        return _context_resolver(text, mentions, gazetteer, ranker=ranker, corpus=corpus)
    return resolve(text, mentions, gazetteer)



def _context_resolver(text: str, mentions: list[Mention], gazetteer: Gazetteer, *,
                      ranker: RankerModel | None = None,
                      corpus: Corpus | None = None) -> list[Resolution]:
    return [r for r, _ in _context_ranking(text, mentions, gazetteer, ranker=ranker,
                                           corpus=corpus)]


def ranking_table(text: str, mentions: list[Mention], gazetteer: Gazetteer, *,
                  corpus: Corpus | None = None
                  ) -> list[tuple[Resolution, list[tuple[Place, dict[str, float]]]]]:
    """The context resolver's resolutions, each with its candidates and their ranking
    features (what ``scripts/train_resolver.py`` learns from)."""
    return _context_ranking(text, mentions, gazetteer, ranker=None, with_features=True,
                            corpus=corpus)


def _context_ranking(text: str, mentions: list[Mention], gazetteer: Gazetteer, *,
                     ranker: RankerModel | None, with_features: bool = False,
                     corpus: Corpus | None = None
                     ) -> list[tuple[Resolution, list[tuple[Place, dict[str, float]]]]]:
    sentences = split_sentences(text) or [(0, len(text))]
    memo: dict[tuple[str, str], list[Place]] = {}
    candidates = []
    for m in mentions:
        if (m.text, m.pattern) not in memo:  # an article repeats its places
            memo[m.text, m.pattern] = candidate_places(m, gazetteer)
        candidates.append(memo[m.text, m.pattern])
    candidates, qualifiers, region_only, spelled = _qualify(text, mentions, candidates,
                                                            gazetteer)
    of_country = unknown_towns_of_a_country(text, mentions, candidates)
    # Nationality words are resolved but are weak context: "Russian forces" fight in Ukraine.
    first = [max(c, key=_prior) if c and m.pattern != "demonym" else None
             for m, c in zip(mentions, candidates, strict=True)]
    shares = _country_shares(first, candidates)
    # A qualifier names a region, not its namesake town: "Alisivka, Kharkiv" says the oblast,
    # and the city's own point would pull every Alisivka towards the city.
    anchors = {p.key: p for i, (p, c) in enumerate(zip(first, candidates, strict=True))
               if p is not None and len(c) == 1 and p.feature not in ("country", "continent")
               and i not in qualifiers}
    at = [sentence_at(sentences, m.start) for m in mentions]
    by_sentence: dict[tuple[int, int], list[int]] = {}
    for i, sentence in enumerate(at):
        by_sentence.setdefault(sentence, []).append(i)

    def rank(nearness_of: Callable[[Mention], _Nearness]) -> tuple[
            list[Resolution], list[list[tuple[Place, dict[str, float]]]]]:
        resolutions = []
        features: list[list[tuple[Place, dict[str, float]]]] = []
        scored: dict[tuple, Resolution] = {}
        for i, mention in enumerate(mentions):
            sentence = at[i]
            nearness = nearness_of(mention)
            same_sentence = {first[j].country_code for j in by_sentence[sentence]
                             if j != i and first[j] is not None}
            if with_features:
                features.append(list(zip(candidates[i], candidate_features(
                    mention, candidates[i], shares, same_sentence, nearness, corpus),
                    strict=True)))
            countries = frozenset(p.country_code for p in candidates[i]) & same_sentence
            key = (mention.text, mention.pattern, id(candidates[i]), countries)
            if key in scored:  # the same name in the same kind of sentence scores the same
                resolutions.append(replace(scored[key], mention=mention, sentence=sentence))
                continue
            scored[key] = _score(mention, candidates[i], sentence, shares, same_sentence,
                                 nearness, ranker, corpus)
            resolutions.append(scored[key])
        return resolutions, features

    first_look = _Nearness(anchors)
    resolutions, features = rank(lambda mention: first_look)
    second_look = _second_look(resolutions, candidates, anchors)
    if second_look is not None:
        resolutions, features = rank(second_look)
    return [(r, features[i] if with_features and i is not None else [])
            for r, i in _finish(text, mentions, resolutions, gazetteer, qualifiers,
                                region_only, spelled, of_country, candidates)]


def _finish(text: str, mentions: list[Mention], resolutions: list[Resolution],
            gazetteer: Gazetteer, qualifiers: dict[int, str], region_only: dict[int, str],
            spelled: dict[int, tuple[Mention, list[Place]]],
            of_country: dict[int, Mention] | None = None,
            candidates: list[list[Place]] | None = None
            ) -> list[tuple[Resolution, int | None]]:
    """The ranked resolutions with what the qualifiers said: another name of the place
    before, a qualifier read as its region, an unknown place's region, and the unknown
    name found in that region spelled otherwise (a resolution of its own, before it, with
    no mention index). Each comes with its mention's index."""
    qualifier_regions = {i: gazetteer.region(code) for i, code in qualifiers.items() if code}
    out = []
    for i, r in enumerate(resolutions):
        if i in spelled:
            named, places = spelled[i]
            out.append((Resolution(
                mention=named, place=places[0], score=round(1 / len(places), 3),
                sentence=r.sentence, candidates=tuple(
                    Candidate(p, round(1 / len(places), 3)) for p in places[:_MAX_CANDIDATES]),
                reason=f"not in the gazetteer as written: {places[0].name}, spelled otherwise, "
                       f"in the region named beside it"), None))
        alias_of = _alias_of(text, mentions, resolutions, i)
        if alias_of is not None:
            r = replace(r, place=alias_of.place, score=alias_of.score, role="qualifier",
                        candidates=alias_of.candidates,
                        reason=f"another name of {alias_of.mention.text} before it")
        elif i in qualifier_regions:
            r = _as_qualifier(r, qualifier_regions[i])
        elif i in region_only and (region := gazetteer.region(region_only[i])) is not None:
            r = replace(r, place=region, reason=f"{UNKNOWN_BEFORE_REASON}: {region.name}")
        out.append((r, i))
        if of_country and i in of_country and candidates:
            # "the southern Lebanese town of X", X unknown: somewhere in the country, named
            # as the article names it (an area at the country's point, precision 3), so the
            # analyst sees the town and can place it.
            country, named = candidates[i][0], of_country[i]
            key = f"unknown:{country.country_code}:{normalize(named.text)}"
            town = replace(country, key=key, name=named.text, feature="area", population=0,
                           geonameid=None)
            out.append((Resolution(
                mention=named, place=town, score=0.5, sentence=r.sentence,
                candidates=(Candidate(town, 0.5),),
                reason=f"not in the gazetteer: a town of {country.name}, as the words before "
                       f"it say; placed at the country's point"), None))
    return out


def _score(mention: Mention, places: list[Place], sentence: tuple[int, int],
           shares: dict[str, float], same_sentence: set[str],
           nearness: _Nearness, ranker: RankerModel | None = None,
           corpus: Corpus | None = None) -> Resolution:
    if not places:
        return Resolution(mention=mention, place=None, score=0.0, sentence=sentence,
                          reason="no place of that name in the gazetteer")
    ranker = ranker or shipped_ranker()
    # The corpus prior's weight is its own model's (geo.nlp.corpus), not the ranker's: the
    # ranker learns from single articles, where no corpus exists.
    pull = corpus.weight if corpus else 0.0
    scored = [(ranker.score(f) + pull * f.get("near_corpus", 0.0), place) for f, place in zip(
        candidate_features(mention, places, shares, same_sentence, nearness, corpus), places,
        strict=True)]
    scored.sort(key=lambda sp: (-sp[0], sp[1].key))
    top = scored[0][0]
    weights = [math.exp(max(-50.0, s - top)) for s, _ in scored]
    total = sum(weights)
    ranked = tuple(Candidate(place=p, score=round(w / total, 3))
                   for w, (_, p) in zip(weights, scored, strict=True))[:_MAX_CANDIDATES]
    best = scored[0][1]
    reason = _explain(best, len(places), shares, same_sentence)
    if pull and len(scored) > 1 and corpus.closeness(best) > corpus.closeness(scored[1][1]):
        reason += "; nearest the store's other reports of those weeks"
    if best.feature == "city" and best.population < _ABSTAIN_POPULATION and (
        not best.from_analyst) and (
        shares.get(best.country_code, 0.0) < 0.1 and best.country_code not in same_sentence
    ):
        return Resolution(mention=mention, place=None, score=0.0, sentence=sentence,
                          candidates=ranked, reason="only small places of that name, "
                          "none in a country the article is about")
    return Resolution(mention=mention, place=best, score=ranked[0].score, sentence=sentence,
                      candidates=ranked, reason=reason)


def _explain(best: Place, n: int, shares: dict[str, float], same_sentence: set[str]) -> str:
    if n == 1:
        return "the only place of that name"
    parts = [f"first of {n} places of that name"]
    if best.country_code in same_sentence:
        parts.append(f"{best.country_code} named in the same sentence")
    share = shares.get(best.country_code, 0.0)
    if share >= 0.2:
        parts.append(f"{share:.0%} of the article's places are in {best.country_code}")
    parts.append(f"{best.feature}, population {best.population:,}")
    return "; ".join(parts)


Resolver = Callable[[str, list[Mention], Gazetteer], list[Resolution]]


def _population_resolver(text: str, mentions: list[Mention],
                         gazetteer: Gazetteer) -> list[Resolution]:
    """The naive baseline: the biggest place of the name, whatever the article says."""
    sentences = split_sentences(text) or [(0, len(text))]
    return [_score(m, candidate_places(m, gazetteer), sentence_at(sentences, m.start), {}, set(),
                   _Nearness({})) for m in mentions]


RESOLVERS: dict[str, Resolver] = {
    "context": _context_resolver,
    "population": _population_resolver,
}


def get_resolver(name: str) -> Resolver:
    """The resolver registered as ``name``.

    Raises:
        GeoError: for an unknown name; the message lists the valid ones.
    """
    try:
        return RESOLVERS[name]
    except KeyError:
        raise GeoError(
            f"No resolver {name!r}. Available resolvers: {', '.join(sorted(RESOLVERS))}"
        ) from None
