"""The NLP stages as spaCy components: they write span groups on the article Doc, in the
article's offsets, and take what they need per call. Every sentence is written for the test."""

from __future__ import annotations

import datetime as dt

import pytest

from geo.doc import load_nlp, make_doc
from geo.errors import GeoError
from geo.incidents import extract_reports
from geo.nlp.components import (
    COMPONENTS,
    PlacesComponent,
    actors_of,
    dates_of,
    events_of,
    figures_of,
    run_actors,
    run_dates,
    run_events,
    run_figures,
)
from geo.nlp.dates import find_dates
from geo.nlp.events import find_events_by_sentence
from geo.nlp.figures import find_casualties
from geo.nlp.geoparse import geoparse_doc
from geo.nlp.sides import find_sides
from geo.records import Article

# A title line first, so that nothing starts at offset 0 by chance.
TEXT = ("Night of drones over the east\n\n"
        "Drones struck a depot in Kharkiv on Tuesday, the regional governor said. "
        "Later, hundreds of residents protested in Odesa against power cuts.")
PUBLISHED = dt.date(2024, 5, 9)


def article(text: str = TEXT) -> Article:
    return Article(id="c", text=text, outlet="Test Wire", published=PUBLISHED)


def test_the_stages_are_registered_factories_in_the_shared_pipeline() -> None:
    from spacy.language import Language

    run_dates(make_doc(article()), published=PUBLISHED)  # they join it when first run
    nlp = load_nlp()
    for name in COMPONENTS:
        assert name in Language.factories
        assert name in nlp.component_names
        # Disabled: make_doc reads long articles in pieces, the stages need the whole Doc.
        assert name in nlp.disabled


def test_making_the_doc_runs_no_stage() -> None:
    doc = make_doc(article())
    assert not doc.spans
    assert doc._.resolutions is None


def test_the_article_doc_carries_places_dates_and_events_in_article_offsets(gazetteer) -> None:
    doc = make_doc(article())
    geoparse_doc(doc, gazetteer)
    run_dates(doc, published=PUBLISHED)
    run_events(doc)

    places = {s.text: s._.resolution for s in doc.spans["places"]}
    assert places["Kharkiv"].place.name == "Kharkiv"
    assert places["Odesa"].place.name == "Odesa"
    for span in doc.spans["places"]:
        r = span._.resolution
        assert TEXT[r.mention.start:r.mention.end] == r.mention.text
        assert span.start_char <= r.mention.start < r.mention.end <= span.end_char

    (tuesday,) = doc.spans["dates"]
    assert tuesday.text == "Tuesday"
    assert TEXT[tuesday.start_char:tuesday.end_char] == "Tuesday"
    assert tuesday._.date_ref.date == dt.date(2024, 5, 7)

    by_type = {s._.event.event_type: s for s in doc.spans["events"]}
    strike = by_type["Explosions/Remote violence"]
    assert TEXT[strike.start_char:strike.end_char] == strike.text
    s_start, s_end = strike._.sentence
    # The event keeps its sentence-relative offsets; the span is the article's.
    assert s_start + strike._.event.start == strike.start_char
    assert TEXT[s_start:s_end].startswith("Drones struck a depot in Kharkiv")
    assert "Protests" in by_type


def test_the_components_give_what_the_stage_functions_give(gazetteer) -> None:
    from geo.doc import sentence_parse, sentence_spans

    doc = make_doc(article())
    sentences = sentence_spans(doc)
    assert dates_of(doc) == []
    assert run_dates(doc, published=PUBLISHED) == find_dates(
        TEXT, published=PUBLISHED, sentences=sentences)
    assert run_events(doc) == find_events_by_sentence(
        TEXT, sentences, lambda start, end: sentence_parse(doc, start, end))
    assert events_of(doc) == run_events(doc)
    assert run_figures(doc) == {
        s: found for s, e in sorted({span._.sentence for span in doc.spans["events"]})
        if (found := find_casualties(TEXT[s:e], sentence_parse(doc, s, e)))}
    assert figures_of(doc) == run_figures(doc)


TOLL = ("Morning news from the east\n\n"
        "A missile strike killed at least four people in Kharkiv on Tuesday, officials said. "
        "Eleven people were wounded, they added.")


def test_the_figures_of_the_trigger_sentences_are_a_span_group_in_article_offsets() -> None:
    doc = make_doc(article(TOLL))
    run_events(doc)
    run_figures(doc)
    (killed,) = doc.spans["figures"]  # the second sentence has no trigger: not read here
    figure = killed._.figure
    assert (figure.kind, figure.low, figure.qualifier) == ("killed", 4, "at least")
    s_start, s_end = killed._.sentence
    assert TOLL[s_start:s_end].startswith("A missile strike killed")
    # The figure keeps its sentence-relative offsets, as find_casualties gives them; the
    # span is the article's.
    assert TOLL[s_start + figure.start:s_start + figure.end] == figure.text
    assert killed.start_char <= s_start + figure.start < s_start + figure.end <= killed.end_char
    # The trigger's sentence is the figure's; a span of another group has no sentence.
    assert {span._.sentence for span in doc.spans["events"]} == {killed._.sentence}
    run_dates(doc, published=PUBLISHED)
    assert all(span._.sentence is None for span in doc.spans["dates"])


def test_geoparse_doc_keeps_the_resolutions_on_the_doc_and_in_the_places_group(
        gazetteer) -> None:
    doc = make_doc(article())
    resolutions = geoparse_doc(doc, gazetteer)
    assert resolutions is doc._.resolutions
    assert [s._.resolution for s in doc.spans["places"]] == resolutions


def test_a_span_made_elsewhere_carries_no_record(gazetteer) -> None:
    doc = make_doc(article())
    geoparse_doc(doc, gazetteer)
    kharkiv = next(s for s in doc.spans["places"] if s.text == "Kharkiv")
    # Same tokens, but not the group's span: no record is guessed for it.
    assert doc[kharkiv.start:kharkiv.end]._.resolution is None


def test_two_records_in_one_token_keep_their_own_values() -> None:
    from geo.nlp.components import _set_group

    # Two records inside one token widen to the same span; spaCy would key a span's own
    # extension value by its offsets, so each record is looked up by the span's id instead.
    doc = make_doc(article("Trains left the Kyivlviv depot."))
    first, second = _set_group(doc, "dates", ["Kyiv", "lviv"], [(16, 20), (20, 24)])
    assert first.text == second.text == "Kyivlviv"
    assert (first._.date_ref, second._.date_ref) == ("Kyiv", "lviv")
    assert [s._.date_ref for s in doc.spans["dates"]] == ["Kyiv", "lviv"]


def test_an_empty_record_still_gets_its_span_in_the_group() -> None:
    from geo.nlp.components import _set_group

    doc = make_doc(article("Trains left the depot."))
    (span,) = _set_group(doc, "events", ["nothing"], [(6, 6)])
    assert span._.event == "nothing"
    assert len(doc.spans["events"]) == 1


def test_nothing_a_call_brings_stays_on_the_pipeline_or_the_doc(gazetteer) -> None:
    doc = make_doc(article())
    geoparse_doc(doc, gazetteer)
    run_dates(doc, published=PUBLISHED)
    assert load_nlp().get_pipe("geo_places").gazetteer is None
    assert not [k for k in doc.user_data if isinstance(k, tuple)
                and k[0] == "geo_component_context"]
    # The next article, run without a gazetteer, fails instead of borrowing the last one.
    with pytest.raises(GeoError, match="gazetteer"):
        load_nlp().get_pipe("geo_places")(make_doc(article()))


def test_a_component_built_by_hand_reads_its_gazetteer_from_the_instance(gazetteer) -> None:
    from geo.nlp.geoparse import find_places

    component = PlacesComponent()
    component.gazetteer, component.find = gazetteer, find_places
    doc = component(make_doc(article()))
    assert [s.text for s in doc.spans["places"] if s._.resolution.place] == ["Kharkiv", "Odesa"]


def test_the_reports_are_read_from_the_components_span_groups(gazetteer) -> None:
    doc = make_doc(article())
    geoparse_doc(doc, gazetteer)
    reports = extract_reports(doc)
    strike = next(r for r in reports if r.place is not None and r.place.name == "Kharkiv")
    assert strike.trigger in {s.text for s in doc.spans["events"]}
    assert strike.date_text in {s.text for s in doc.spans["dates"]}
    assert strike.date == dt.date(2024, 5, 7)


SIDES = ("Morning brief\n\n"
         "Russian forces shelled Ukrainian positions near Kupiansk on Monday, the army said. "
         "Later, protesters rallied in Lviv against the war.")
PASSIVE = ("Evening brief\n\n"
           "Ukrainian positions near Vuhledar were shelled by Russian forces overnight, "
           "officials said.")
RUSSIA = "Military Forces of Russia (2000-)"
UKRAINE = "Military Forces of Ukraine (2019-)"


def _sides_doc(text: str, gazetteer):
    doc = make_doc(article(text))
    geoparse_doc(doc, gazetteer)
    run_events(doc)
    return doc


def test_the_sides_of_each_trigger_are_a_span_group_on_the_trigger(gazetteer) -> None:
    doc = _sides_doc(SIDES, gazetteer)
    run_actors(doc)
    spans = list(doc.spans["actors"])
    assert [(s._.side.actor.name, s._.side.role) for s in spans] == [
        (RUSSIA, "actor"), (UKRAINE, "other"), ("Protesters", "actor")]
    shelled = next(s for s in doc.spans["events"] if s.text == "shelled")
    for span in spans[:2]:
        # The finder names a side as ACLED does, not by its words: the span is the trigger's,
        # in article offsets, with the trigger's sentence.
        assert (span.start_char, span.end_char) == (shelled.start_char, shelled.end_char)
        assert span._.side.trigger == shelled._.event
        assert span._.sentence == shelled._.sentence
    assert SIDES[spans[2].start_char:spans[2].end_char] == "protesters"


def test_a_passive_clause_has_its_agent_as_who_acted(gazetteer) -> None:
    doc = _sides_doc(PASSIVE, gazetteer)
    ((actor, others),) = run_actors(doc).values()
    assert actor.name == RUSSIA
    assert [o.name for o in others] == [UKRAINE]


def test_the_events_country_comes_with_the_call_and_a_trigger_read_again_is_replaced(
        gazetteer) -> None:
    doc = _sides_doc(SIDES, gazetteer)
    first = run_actors(doc)
    assert actors_of(doc) == first
    shelled = next(s for s in doc.spans["events"] if s.text == "shelled")
    key = (shelled._.sentence[0], shelled._.event)
    # In Ukraine, Russia's forces are external forces (inter 8); only this trigger is read.
    again = run_actors(doc, triggers=[(shelled._.sentence, shelled._.event)],
                       country="UA", country_name="Ukraine")
    assert list(again) == [key]
    assert again[key][0].inter == 8
    assert len(doc.spans["actors"]) == 3  # its sides replaced, the protest's kept
    assert actors_of(doc) == {**first, **again}


def test_the_component_gives_what_find_sides_gives(gazetteer) -> None:
    from geo.doc import sentence_parse

    doc = _sides_doc(PASSIVE, gazetteer)
    (span,) = doc.spans["events"]
    s_start, s_end = span._.sentence
    found = run_actors(doc, nationals=[], following="", aliases={}, mentions=[])
    assert found[(s_start, span._.event)] == find_sides(
        PASSIVE[s_start:s_end], span._.event, sentence_parse(doc, s_start, s_end), [], "", "",
        "", {}, [])


def test_the_reports_sides_are_read_from_the_actors_group(gazetteer) -> None:
    doc = make_doc(article(SIDES))
    geoparse_doc(doc, gazetteer)
    reports = extract_reports(doc)
    strike = next(r for r in reports if r.trigger == "shelled")
    # The report stage ran geo_actors with the event's country (Kupiansk's: Ukraine).
    (actor,) = [s._.side.actor for s in doc.spans["actors"]
                if s._.side.role == "actor" and s.text == "shelled"]
    assert (strike.actor1, strike.inter1) == (actor.name, actor.inter) == (RUSSIA, 8)

