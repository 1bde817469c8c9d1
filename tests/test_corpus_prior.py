"""The resolver's corpus prior: a namesake is chosen near the store's reports of the same weeks.

Donetsk oblast holds three villages called Novomykhailivka; nothing in a one-line report says
which is meant. Fighting reported around Kurakhove the days before says: the one 17 km from it.
"""

from __future__ import annotations

import datetime as dt

from geo.geodesy import haversine_km
from geo.incidents import extract_incidents
from geo.nlp.corpus import CONFIDENT_SCORE, Corpus, CorpusPoint, PriorModel, shipped_prior
from geo.records import Article, Place
from geo.store.db import Store
from geo.store.ingest import Defaults, article_corpus, ingest

KURAKHOVE = (47.98, 37.28)
VILLAGE = "Russian troops attacked Ukrainian positions near Novomykhailivka, Donetsk region."
FRONT = ("Russian forces shelled Kurakhove, Donetsk region, with heavy artillery.",
         "Two civilians were wounded when a shell hit a house in Kurakhove, Donetsk region.",
         "Russian aircraft bombed the outskirts of Kurakhove, Donetsk region.")


def _put(store: Store, gazetteer, name: str, text: str, day: dt.date) -> str:
    done = ingest(store, [(f"{name}.txt", text.encode())], gazetteer,
                  defaults=Defaults(outlet=name, published=day, timezone="Europe/Kyiv"))
    assert done.added, done
    return done.added[0]


def _village_place(store: Store, article_id: str):
    reports = [r for r in store.reports() if r.article == article_id]
    assert reports
    return reports[0].place


def _namesakes(gazetteer) -> list:
    return [p for p in map(gazetteer.place, gazetteer.lookup("novomykhailivka"))
            if p.admin1_code == "UA.05"]


def test_namesake_is_chosen_near_the_weeks_other_reports(tmp_path, gazetteer):
    assert shipped_prior().weight > 0
    namesakes = _namesakes(gazetteer)
    assert len(namesakes) >= 2  # the question exists
    store = Store(tmp_path / "s.sqlite")
    for n, text in enumerate(FRONT):
        _put(store, gazetteer, f"front{n}", text, dt.date(2022, 7, 2 + n))
    place = _village_place(store, _put(store, gazetteer, "v", VILLAGE, dt.date(2022, 7, 5)))
    nearest = min(namesakes, key=lambda p: haversine_km(p.lat, p.lon, *KURAKHOVE))
    assert place.key == nearest.key
    assert haversine_km(place.lat, place.lon, *KURAKHOVE) < 30


def test_an_empty_store_resolves_as_a_single_article(tmp_path, gazetteer):
    day = dt.date(2022, 7, 5)
    store = Store(tmp_path / "s.sqlite")
    stored = _village_place(store, _put(store, gazetteer, "v", VILLAGE, day))
    alone = extract_incidents([Article(id="v", text=VILLAGE, outlet="v", published=day,
                                       timezone="Europe/Kyiv")], gazetteer)
    assert [i.place.key for i in alone] == [stored.key]


def test_reports_months_before_do_not_pull(tmp_path, gazetteer):
    store = Store(tmp_path / "s.sqlite")
    for n, text in enumerate(FRONT):
        _put(store, gazetteer, f"front{n}", text, dt.date(2022, 1, 2 + n))
    late = Article(id="late", text=VILLAGE, published=dt.date(2022, 7, 5))
    assert article_corpus(store, late).points == ()


def test_an_article_never_votes_for_its_own_reading(tmp_path, gazetteer):
    store = Store(tmp_path / "s.sqlite")
    day = dt.date(2022, 7, 3)
    only = _put(store, gazetteer, "front0", FRONT[0], day)
    assert store.corpus_points(day, day)  # Kurakhove: one place of that name, sure
    assert store.corpus_points(day, day, exclude=only) == []


def test_an_unsure_reading_does_not_feed_the_corpus(tmp_path, gazetteer):
    store = Store(tmp_path / "s.sqlite")
    day = dt.date(2022, 7, 5)
    article = _put(store, gazetteer, "v", VILLAGE, day)
    # Three namesakes and nothing to tell them apart: the resolver is not sure.
    [village] = [m for m in store.mention_rows()
                 if m["article"] == article and m["text"] == "Novomykhailivka"]
    assert float(village["score"]) < CONFIDENT_SCORE
    assert store.corpus_points(day, day) == []


def test_a_place_reported_often_pulls_harder_than_one_reported_once():
    day = dt.date(2022, 7, 1)
    once = Corpus.of([CorpusPoint(day, 48.0, 37.5)], prior=PriorModel(2.0, 30.0, 30))
    often = Corpus.of([CorpusPoint(day, 48.0, 37.5)] * 5, prior=PriorModel(2.0, 30.0, 30))
    village = Place(key="v", name="V", lat=48.05, lon=37.55, feature="city",
                    country_code="UA", admin1_code="UA.05")
    assert often.closeness(village) > once.closeness(village) > 0


def test_a_prior_that_weighs_nothing_gives_no_corpus():
    corpus = Corpus.of([CorpusPoint(dt.date(2022, 7, 1), 48.0, 37.5)],
                       prior=PriorModel(0.0, 30.0, 30))
    assert not corpus  # the resolver then skips the feature entirely


def test_the_articles_of_one_batch_do_not_weigh_each_other(tmp_path, gazetteer):
    # The store as the batch began is the corpus: a batch's results never depend on the
    # order of its files, and Dask workers can be given the same points.
    store = Store(tmp_path / "s.sqlite")
    day = dt.date(2022, 7, 5)
    uploads = [(f"front{n}.txt", text.encode()) for n, text in enumerate(FRONT)]
    done = ingest(store, [*uploads, ("v.txt", VILLAGE.encode())], gazetteer,
                  defaults=Defaults(outlet="Wire", published=day, timezone="Europe/Kyiv"))
    village = _village_place(store, done.added[-1])
    alone = extract_incidents([Article(id="v", text=VILLAGE, outlet="v", published=day,
                                       timezone="Europe/Kyiv")], gazetteer)
    assert [i.place.key for i in alone] == [village.key]



UK_VILLAGE = "Російські війська обстріляли Новоселівку на Донеччині."


def test_a_ukrainian_report_takes_the_namesake_near_the_weeks_other_reports(gazetteer):
    # Donetsk oblast holds several Novoselivkas with a few hundred to 1,400 people; the
    # Cyrillic reader weighs the corpus as the English resolver does.
    from geo.nlp.cyrillic.places import find_places

    day = dt.date(2022, 7, 1)
    [alone] = find_places(UK_VILLAGE, "uk", gazetteer)[:1]
    others = [p for p in map(gazetteer.place, gazetteer.lookup("novoselivka"))
              if p.admin1_code == "UA.05" and p.population > 0 and p.key != alone.place.key]
    assert others  # the question exists
    for other in others:
        corpus = Corpus.of([CorpusPoint(day, other.lat + 0.03, other.lon)] * 4)
        [chosen] = find_places(UK_VILLAGE, "uk", gazetteer, corpus=corpus)[:1]
        assert chosen.place.key == other.key


def test_an_empty_corpus_leaves_the_cyrillic_reading_as_it_was(gazetteer):
    from geo.nlp.cyrillic.places import find_places

    empty = Corpus.of([])
    assert [r.place.key for r in find_places(UK_VILLAGE, "uk", gazetteer, corpus=empty)] == [
        r.place.key for r in find_places(UK_VILLAGE, "uk", gazetteer)]
