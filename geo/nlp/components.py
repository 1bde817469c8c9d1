"""The NLP stages as spaCy pipeline components that read the article Doc and write to it.

Five factories are registered on ``spacy.language.Language`` (``register``):

``geo_places``
    the geoparser (``geo.nlp.geoparse``): sets ``doc._.resolutions`` and the span group
    ``doc.spans["places"]``, one Span per resolution (unresolved ones included), its
    ``Resolution`` on ``span._.resolution``.
``geo_dates``
    the time expressions (``geo.nlp.dates.find_dates``): ``doc.spans["dates"]``, each Span's
    ``DateRef`` on ``span._.date_ref``.
``geo_events``
    the event triggers (``geo.nlp.events.find_events_by_sentence``): ``doc.spans["events"]``,
    each Span's ``EventMention`` on ``span._.event`` and its sentence's (start, end) on
    ``span._.sentence``.
``geo_figures``
    the killed and injured figures (``geo.nlp.figures.find_casualties``, with the sentence's
    parse) of every sentence ``geo_events`` found a trigger in: ``doc.spans["figures"]``,
    each Span's ``Figure`` on ``span._.figure`` and its sentence on ``span._.sentence``.
``geo_actors``
    who acted and the other sides named (``geo.nlp.sides.find_sides``, with the sentence's
    parse) of each trigger of ``doc.spans["events"]``: ``doc.spans["actors"]``, one span per
    side, each Span's ``Side`` (the ``Actor``, its role "actor" or "other", and the trigger)
    on ``span._.side`` and the trigger's sentence on ``span._.sentence``. The finder names a
    side as ACLED names it, not by the words it read, so a side's span is its trigger's.

Every span is in the article's character offsets (``doc.text == article.text``), widened to
whole tokens (``doc.char_span(..., alignment_mode="expand")``); the record on the span keeps
the exact offsets the stage found (a trigger's and a figure's count from its sentence, as
the stage gives them). The components wrap the stage functions unchanged.

The components join the shared pipeline (``geo.doc.load_nlp``) when first run, disabled:
``make_doc`` reads an article in pieces, and these stages must see the whole article, so they
are run on the article Doc afterwards (``run_places``, ``run_dates``, ``run_events``,
``run_figures``, ``run_actors``). What a stage needs
besides the Doc (the gazetteer, the publication date, ...) comes with that one call, as a
context kept on the Doc only while the component runs: the pipeline object is shared by
every article of the process, so settings left on it would leak from one article to the next.
A pipeline built by hand can instead set them on the component after ``nlp.add_pipe``
(``nlp.get_pipe("geo_places").gazetteer = gazetteer`` and ``.find = find_places``).

Example:
    >>> import datetime as dt
    >>> from geo.doc import make_doc
    >>> from geo.gazetteer.index import Gazetteer
    >>> from geo.nlp.geoparse import geoparse_doc
    >>> from geo.records import Article
    >>> doc = make_doc(Article(id="a", text="Shelling hit Kharkiv on Monday."))
    >>> _ = geoparse_doc(doc, Gazetteer.load())  # runs geo_places with the geoparser
    >>> _ = run_dates(doc, published=dt.date(2024, 3, 6))
    >>> _ = run_events(doc)
    >>> _ = run_figures(doc)
    >>> [(s.text, s._.resolution.place.name) for s in doc.spans["places"]]
    [('Kharkiv', 'Kharkiv')]
    >>> [(s.text, str(s._.date_ref.date)) for s in doc.spans["dates"]]
    [('Monday', '2024-03-04')]
    >>> [s._.event.event_type for s in doc.spans["events"]]
    ['Explosions/Remote violence']
    >>> list(doc.spans["figures"])  # the sentence counts nobody
    []
    >>> _ = run_actors(doc)
    >>> list(doc.spans["actors"])  # nor names who sent the drones
    []
"""

from __future__ import annotations

import datetime as dt
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from geo.doc import doc_text, load_nlp, sentence_parse, sentence_spans
from geo.errors import GeoError
from geo.nlp.actors import acronyms
from geo.nlp.dates import DateRef, find_dates
from geo.nlp.events import EventMention, find_events_by_sentence
from geo.nlp.figures import Figure, find_casualties
from geo.nlp.sides import Side, find_sides

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

    from geo.gazetteer.index import Gazetteer
    from geo.nlp.corpus import Corpus
    from geo.nlp.recognise import RecogniserModel
    from geo.nlp.resolve import RankerModel
    from geo.records import Actor, Place, Resolution

#: The components, in the order they run on an article Doc.
COMPONENTS = ("geo_places", "geo_dates", "geo_events", "geo_figures", "geo_actors")

# Where a call's context waits on the Doc while its component runs.
_CONTEXT = "geo_component_context"
# Where each group's records are kept, by span id (see ``_set_group``).
_RECORDS = "geo_span_records"


@dataclass(frozen=True)
class PlacesContext:
    """What the geoparser reads besides the Doc (see ``geo.nlp.geoparse.geoparse_doc``)."""

    gazetteer: Gazetteer
    resolver: str = "context"
    recogniser: str = "model"
    model: RecogniserModel | None = None
    ranker: RankerModel | None = None
    corpus: Corpus | None = None
    # The stage itself (``geo.nlp.geoparse.find_places``), given by its caller: the
    # component wraps it without importing it, so the geoparser may run the component.
    find: Callable[..., list[Resolution]] | None = None


@dataclass(frozen=True)
class DatesContext:
    """What the date reader reads besides the Doc (see ``geo.nlp.dates.find_dates``)."""

    published: dt.date
    article_tz: str = "UTC"
    event_tz: str | None = None
    # The sentences an anaphoric date looks through (default: the Doc's, ``sentence_spans``).
    sentences: list[tuple[int, int]] | None = None


@dataclass(frozen=True)
class EventsContext:
    """The sentences the trigger finder reads (default: the Doc's, ``sentence_spans``)."""

    sentences: list[tuple[int, int]] | None = None


@dataclass(frozen=True)
class FiguresContext:
    """The sentences the casualty reader reads (default: those the ``geo_events`` group has
    a trigger in)."""

    sentences: list[tuple[int, int]] | None = None


@dataclass(frozen=True)
class ActorsContext:
    """What the actor finder reads besides the Doc (see ``geo.nlp.sides.find_sides``).

    ``triggers`` are the (sentence, trigger) pairs to read (default: every span of
    ``doc.spans["events"]``); the rest is each trigger's sentence's, sentence offsets, and
    defaults to what the Doc holds: the countries and the names placed of
    ``doc.spans["places"]`` in the sentence, the next sentence of the Doc, the acronyms the
    article spells out. ``country`` is the event's country (ISO code, and ACLED's name of it),
    which only the place chosen for the trigger tells: the report stage chooses it, the
    reports before it deciding whether the trigger continues one of their places, so it
    reads its triggers one by one with their own country (``geo.incidents.extract``)."""

    triggers: list[tuple[tuple[int, int], EventMention]] | None = None
    country: str = ""
    country_name: str = ""
    nationals: list[tuple[int, int, Place]] | None = None
    following: str | None = None
    aliases: dict[str, str] | None = None
    mentions: list[tuple[int, int]] | None = None


def _record_getter(group: str) -> Any:
    # A Span's own extension values are stored by its character offsets, so two records whose
    # spans widen to the same tokens ("27-28 June") would share one value. The records are
    # kept per group instead and found by the span's id (1-based: 0 is a span made elsewhere).
    def get(span: Span) -> Any:
        records = span.doc.user_data.get((_RECORDS, group))
        if records is None or not 0 < span.id <= len(records):
            return None
        return records[span.id - 1]
    return get


def _sentence_getter(span: Span) -> tuple[int, int] | None:
    # A group's span is labelled with its group's name (``_token_span``): a trigger's
    # sentence and a figure's are kept apart, and a span of another group has none.
    return span.doc.user_data.get((_RECORDS, "sentences", span.label_), {}).get(span.id)


def register() -> None:
    """Register the factories and declare the Doc and Span extensions they write (once per
    process; the first run of a component calls it)."""
    # spaCy is imported here, not with this module: see ``geo.doc.load_nlp``.
    from spacy.language import Language  # noqa: PLC0415
    from spacy.tokens import Doc, Span  # noqa: PLC0415

    for name, factory in (("geo_places", make_places), ("geo_dates", make_dates),
                          ("geo_events", make_events), ("geo_figures", make_figures),
                          ("geo_actors", make_actors)):
        if name not in Language.factories:
            Language.factory(name, func=factory)
    if not Doc.has_extension("article"):
        Doc.set_extension("article", default=None)
    if not Doc.has_extension("resolutions"):
        Doc.set_extension("resolutions", default=None)
    for name, group in (("resolution", "places"), ("date_ref", "dates"), ("event", "events"),
                        ("figure", "figures"), ("side", "actors")):
        if not Span.has_extension(name):
            Span.set_extension(name, getter=_record_getter(group))
    if not Span.has_extension("sentence"):
        Span.set_extension("sentence", getter=_sentence_getter)


def _token_span(doc: Doc, starts: list[int], start: int, end: int, span_id: int,
                label: str = "") -> Span:
    """The tokens covering article characters [start, end), as a Span with ``span_id`` and
    ``label``."""
    from spacy.tokens import Span  # noqa: PLC0415 - loaded with the model (load_nlp)

    span = doc.char_span(start, end, alignment_mode="expand")
    if span is not None:
        return Span(doc, span.start, span.end, label=label, span_id=span_id)
    # Only an empty or all-space range has no token to widen to: the record still gets a
    # (possibly empty) span at its place, so the group holds every record the stage found.
    first = max(0, bisect_right(starts, start) - 1) if start < len(doc_text(doc)) else len(doc)
    last = max(first, bisect_left(starts, end))
    return Span(doc, first, last, label=label, span_id=span_id)


def _set_group(doc: Doc, group: str, records: Iterable[Any],
               offsets: Iterable[tuple[int, int]],
               sentences: Iterable[tuple[int, int]] | None = None) -> list[Span]:
    """Write ``doc.spans[group]``: one span per record, in the stage's order, labelled with
    the group's name; ``sentences``, one per record, are what ``span._.sentence`` gives."""
    records = list(records)
    doc.user_data[(_RECORDS, group)] = records
    starts: list[int] = []
    spans = []
    for n, (start, end) in enumerate(offsets, start=1):
        if start >= end and not starts:
            starts = [token.idx for token in doc]  # only for the rare span no token covers
        spans.append(_token_span(doc, starts, start, end, n, group))
    doc.spans[group] = spans
    if sentences is not None:
        doc.user_data[(_RECORDS, "sentences", group)] = dict(enumerate(sentences, start=1))
    return spans


def _take_context(doc: Doc, name: str) -> Any:
    return doc.user_data.pop((_CONTEXT, name), None)


_JOINING = threading.Lock()


def _pipeline() -> Language:
    """The shared pipeline, with the stages' components on it (added once, disabled: run one
    by one on the whole Doc). Added here, not by ``geo.doc``, which the stages import."""
    nlp = load_nlp()
    if COMPONENTS[-1] not in nlp.component_names:
        with _JOINING:  # the dashboard's threads share one pipeline
            if COMPONENTS[-1] not in nlp.component_names:
                register()
                for name in COMPONENTS:
                    if name not in nlp.component_names:
                        nlp.add_pipe(name)
                        nlp.disable_pipe(name)
    return nlp


def _run(doc: Doc, name: str, context: Any) -> Doc:
    doc.user_data[(_CONTEXT, name)] = context
    try:
        return _pipeline().get_pipe(name)(doc)
    finally:
        # Never left behind: the next call brings its own, and the Doc stays serialisable.
        doc.user_data.pop((_CONTEXT, name), None)


class PlacesComponent:
    """The geoparser as a component (factory ``geo_places``)."""

    def __init__(self, name: str = "geo_places") -> None:
        self.name = name
        # For a pipeline built by hand; a call's context (``run_places``) comes first.
        self.gazetteer: Gazetteer | None = None
        self.corpus: Corpus | None = None
        self.find: Callable[..., list[Resolution]] | None = None

    def __call__(self, doc: Doc) -> Doc:
        context = _take_context(doc, self.name)
        if context is None:
            if self.gazetteer is None:
                raise GeoError(f"{self.name}: no gazetteer (set the component's gazetteer "
                               "or run it through geo.nlp.geoparse.geoparse_doc)")
            context = PlacesContext(self.gazetteer, corpus=self.corpus)
        find = context.find or self.find
        if find is None:
            raise GeoError(f"{self.name}: no geoparser (set the component's find to "
                           "geo.nlp.geoparse.find_places, or run geoparse_doc)")
        resolutions = find(doc, context.gazetteer, resolver=context.resolver,
                           recogniser=context.recogniser, model=context.model,
                           ranker=context.ranker, corpus=context.corpus)
        doc._.resolutions = resolutions
        _set_group(doc, "places", resolutions,
                   ((r.mention.start, r.mention.end) for r in resolutions))
        return doc


class DatesComponent:
    """The time expressions as a component (factory ``geo_dates``)."""

    def __init__(self, name: str = "geo_dates") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        context = _take_context(doc, self.name)
        if context is None:
            article = doc._.article
            if article is None or article.published is None:
                raise GeoError(f"{self.name}: no publication date (run it through "
                               "geo.nlp.components.run_dates)")
            context = DatesContext(article.published, article.timezone or "UTC")
        sentences = context.sentences if context.sentences is not None else sentence_spans(doc)
        refs = find_dates(doc_text(doc), published=context.published,
                          article_tz=context.article_tz, event_tz=context.event_tz,
                          sentences=sentences)
        _set_group(doc, "dates", refs, ((r.start, r.end) for r in refs))
        return doc


class EventsComponent:
    """The event triggers as a component (factory ``geo_events``)."""

    def __init__(self, name: str = "geo_events") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        context = _take_context(doc, self.name)
        sentences = (context.sentences if context is not None and context.sentences is not None
                     else sentence_spans(doc))
        by_sentence = find_events_by_sentence(
            doc_text(doc), sentences, lambda start, end: sentence_parse(doc, start, end))
        ends = dict(sentences)
        events = [(s_start, e) for s_start, found in by_sentence.items() for e in found]
        _set_group(doc, "events", (e for _s, e in events),
                   ((s_start + e.start, s_start + e.end) for s_start, e in events),
                   ((s_start, ends[s_start]) for s_start, _e in events))
        return doc


class FiguresComponent:
    """The killed and injured figures as a component (factory ``geo_figures``)."""

    def __init__(self, name: str = "geo_figures") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        context = _take_context(doc, self.name)
        sentences = (context.sentences if context is not None and context.sentences is not None
                     else _event_sentences(doc))
        text = doc_text(doc)
        # Each sentence with its parse, as the report stage read them: a sentence with a
        # trigger was parsed for it (``geo_events``), so no sentence is parsed again here.
        figures = [((s_start, s_end), f) for s_start, s_end in sentences
                   for f in find_casualties(text[s_start:s_end],
                                            sentence_parse(doc, s_start, s_end))]
        _set_group(doc, "figures", (f for _s, f in figures),
                   ((s[0] + f.start, s[0] + f.end) for s, f in figures),
                   (s for s, _f in figures))
        return doc


class ActorsComponent:
    """Who acted and the other sides of each trigger as a component (factory
    ``geo_actors``)."""

    def __init__(self, name: str = "geo_actors") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        context = _take_context(doc, self.name) or ActorsContext()
        triggers = (context.triggers if context.triggers is not None
                    else [(span._.sentence, span._.event) for span in doc.spans.get("events", [])])
        text = doc_text(doc)
        read = {(sentence[0], trigger) for sentence, trigger in triggers}
        # A trigger read again replaces what was found for it; the others' sides stay.
        sides = [(span._.sentence, span._.side) for span in doc.spans.get("actors", [])
                 if (span._.sentence[0], span._.side.trigger) not in read]
        for (s_start, s_end), trigger in triggers:
            # The sentence's parse: a sentence with a trigger was parsed for it (geo_events).
            actor, others = find_sides(
                text[s_start:s_end], trigger, sentence_parse(doc, s_start, s_end),
                *_sentence_settings(doc, context, s_start, s_end))
            sides += [((s_start, s_end), Side(a, role, trigger)) for a, role in
                      ([(actor, "actor")] if actor is not None else [])
                      + [(o, "other") for o in others]]
        _set_group(doc, "actors", (side for _s, side in sides),
                   ((s[0] + side.trigger.start, s[0] + side.trigger.end) for s, side in sides),
                   (s for s, _side in sides))
        return doc


def _sentence_settings(doc: Doc, context: ActorsContext, s_start: int, s_end: int,
                       ) -> tuple[list[tuple[int, int, Place]], str, str, str, dict[str, str],
                                  list[tuple[int, int]]]:
    """``find_sides``'s arguments after the trigger and the parse, for one sentence: what
    the context gives, else what the Doc holds."""
    placed = [span._.resolution for span in doc.spans.get("places", [])]
    placed = [r for r in placed if r is not None and r.place is not None
              and s_start <= r.mention.start < s_end]
    nationals = context.nationals if context.nationals is not None else [
        (r.mention.start - s_start, r.mention.end - s_start, r.place) for r in placed
        if r.place.feature == "country"]
    following = context.following
    if following is None:
        after = [(start, end) for start, end in sentence_spans(doc) if start >= s_end]
        following = doc_text(doc)[after[0][0]:after[0][1]] if after else ""
    aliases = context.aliases if context.aliases is not None else acronyms(doc_text(doc))
    mentions = context.mentions if context.mentions is not None else [
        (r.mention.start - s_start, r.mention.end - s_start) for r in placed]
    return (nationals, context.country, context.country_name, following, aliases, mentions)


def _event_sentences(doc: Doc) -> list[tuple[int, int]]:
    """The sentences the ``geo_events`` group has a trigger in, in text order."""
    return sorted({span._.sentence for span in doc.spans.get("events", [])})


# spaCy validates a factory's arguments by their annotations, evaluated in this module, where
# ``Language`` is a name for the type checker only: the pipeline is typed as a plain object.
def make_places(nlp: object, name: str) -> PlacesComponent:
    """The ``geo_places`` component (the geoparser)."""
    return PlacesComponent(name)


def make_dates(nlp: object, name: str) -> DatesComponent:
    """The ``geo_dates`` component (time expressions)."""
    return DatesComponent(name)


def make_events(nlp: object, name: str) -> EventsComponent:
    """The ``geo_events`` component (event triggers)."""
    return EventsComponent(name)


def make_figures(nlp: object, name: str) -> FiguresComponent:
    """The ``geo_figures`` component (killed and injured figures)."""
    return FiguresComponent(name)


def make_actors(nlp: object, name: str) -> ActorsComponent:
    """The ``geo_actors`` component (who acted and the other sides)."""
    return ActorsComponent(name)


def run_places(doc: Doc, gazetteer: Gazetteer, *, resolver: str = "context",
               recogniser: str = "model", model: RecogniserModel | None = None,
               ranker: RankerModel | None = None,
               corpus: Corpus | None = None,
               find: Callable[..., list[Resolution]] | None = None) -> list[Resolution]:
    """Run ``geo_places`` on an article Doc; its resolutions (``doc._.resolutions``).
    ``find`` is the geoparser's stage (``geo.nlp.geoparse.geoparse_doc`` passes it)."""
    _run(doc, "geo_places", PlacesContext(gazetteer, resolver, recogniser, model, ranker,
                                          corpus, find))
    return doc._.resolutions


def run_dates(doc: Doc, *, published: dt.date, article_tz: str = "UTC",
              event_tz: str | None = None,
              sentences: list[tuple[int, int]] | None = None) -> list[DateRef]:
    """Run ``geo_dates`` on an article Doc; its dates, in text order (``doc.spans["dates"]``)."""
    _run(doc, "geo_dates", DatesContext(published, article_tz, event_tz, sentences))
    return dates_of(doc)


def run_events(doc: Doc, *, sentences: list[tuple[int, int]] | None = None,
               ) -> dict[int, list[EventMention]]:
    """Run ``geo_events`` on an article Doc; its triggers by sentence (``events_of``)."""
    _run(doc, "geo_events", EventsContext(sentences))
    return events_of(doc)


def run_figures(doc: Doc, *, sentences: list[tuple[int, int]] | None = None,
                ) -> dict[int, list[Figure]]:
    """Run ``geo_figures`` on an article Doc (after ``geo_events``, whose sentences it reads
    unless ``sentences`` are given); its figures by sentence (``figures_of``)."""
    _run(doc, "geo_figures", FiguresContext(sentences))
    return figures_of(doc)


def dates_of(doc: Doc) -> list[DateRef]:
    """The dates ``geo_dates`` wrote on the Doc, in text order."""
    return [span._.date_ref for span in doc.spans.get("dates", [])]


def events_of(doc: Doc) -> dict[int, list[EventMention]]:
    """The triggers ``geo_events`` wrote on the Doc, as ``find_events_by_sentence`` gives
    them: sentence start -> triggers (offsets relative to the sentence)."""
    by_sentence: dict[int, list[EventMention]] = {}
    for span in doc.spans.get("events", []):
        by_sentence.setdefault(span._.sentence[0], []).append(span._.event)
    return by_sentence


def figures_of(doc: Doc) -> dict[int, list[Figure]]:
    """The figures ``geo_figures`` wrote on the Doc, as ``find_casualties`` gives them per
    sentence: sentence start -> figures (offsets relative to the sentence), only for
    sentences that have any."""
    by_sentence: dict[int, list[Figure]] = {}
    for span in doc.spans.get("figures", []):
        by_sentence.setdefault(span._.sentence[0], []).append(span._.figure)
    return by_sentence


def run_actors(doc: Doc, *,
               triggers: list[tuple[tuple[int, int], EventMention]] | None = None,
               country: str = "", country_name: str = "",
               nationals: list[tuple[int, int, Place]] | None = None,
               following: str | None = None, aliases: dict[str, str] | None = None,
               mentions: list[tuple[int, int]] | None = None,
               ) -> dict[tuple[int, EventMention], tuple[Actor | None, list[Actor]]]:
    """Run ``geo_actors`` on an article Doc (after ``geo_events``, whose triggers it reads
    unless ``triggers`` are given, and with what ``ActorsContext`` says); the sides of the
    triggers it read, as ``find_sides`` gives them: (sentence start, trigger) -> (who
    acted or None, the other sides, nearest first)."""
    _run(doc, "geo_actors", ActorsContext(triggers, country, country_name, nationals,
                                          following, aliases, mentions))
    found = actors_of(doc)
    read = ([(sentence[0], trigger) for sentence, trigger in triggers] if triggers is not None
            else [(span._.sentence[0], span._.event) for span in doc.spans.get("events", [])])
    return {key: found.get(key, (None, [])) for key in read}


def actors_of(doc: Doc) -> dict[tuple[int, EventMention], tuple[Actor | None, list[Actor]]]:
    """The sides ``geo_actors`` wrote on the Doc, per (sentence start, trigger) with any:
    who acted (None when only other sides are named) and the other sides, nearest first."""
    by_trigger: dict[tuple[int, EventMention], tuple[Actor | None, list[Actor]]] = {}
    for span in doc.spans.get("actors", []):
        side = span._.side
        actor, others = by_trigger.get((span._.sentence[0], side.trigger), (None, []))
        if side.role == "actor":
            actor = side.actor
        else:
            others = [*others, side.actor]
        by_trigger[(span._.sentence[0], side.trigger)] = (actor, others)
    return by_trigger
