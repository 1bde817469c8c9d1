"""An article's way to the store, up to the store: uploads (files, zips, manifests) read into
checked articles, and each article processed (parsed, geoparsed, the analysts' mention changes
applied, its reports extracted). The same in this process (``geo.store.ingest``, which then
stores the results) and on a Dask cluster's workers (``geo.store.parallel``).

Example:
    >>> articles, failures = read_uploads([("a.txt", b"Shelling hit Kharkiv."), ("b.txt", b"")])
    >>> [a.id for a in articles], [(f.source, f.reason) for f in failures]
    (['a'], [('b.txt', 'empty file')])
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import lzma
import time
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from pathlib import PurePosixPath

from geo.corrections import ChangeLike, apply_mention_changes
from geo.doc import make_doc
from geo.errors import ArticleError, ManifestError
from geo.gazetteer.index import Gazetteer
from geo.incidents import Report, extract_reports
from geo.io.articles import (
    MAX_BYTES,
    MB,
    ReadFailure,
    check_metadata,
    date_note,
    manifest_from_bytes,
    parse_article_bytes,
    parse_date,
)
from geo.nlp.corpus import Corpus
from geo.nlp.geoparse import geoparse_doc
from geo.nlp.language import unread_language_note
from geo.records import Article
from geo.tables import mention_rows

MAX_ZIP_MEMBERS = 2_000
MAX_ZIP_TOTAL = 200 * MB  # bytes once unpacked
# One batch (an upload, a CLI call): what is read into memory at once (how long it may hold
# the worker is ``geo.store.ingest.MAX_BATCH_SECONDS``). The files past it are refused by name.
MAX_BATCH_BYTES = 200 * MB
MAX_ZIP_RATIO = 100  # unpacked / packed, beyond which a member is a zip bomb
# One article's processing (wall clock), past which it stops and is refused by name, so one
# article never holds the worker longer. The largest article allowed (1.5 million characters)
# of the densest text (an attack named in every sentence) takes about 40 s of one core
# (bench/article_size.py); the rest is headroom for a machine that is busy meanwhile.
MAX_ARTICLE_SECONDS = 300
Upload = tuple[str, bytes]


@dataclasses.dataclass(frozen=True)
class Defaults:
    """Metadata for articles that carry none (the Add articles form)."""

    outlet: str = ""
    published: dt.date | None = None
    timezone: str = ""


def expand_upload(name: str, data: bytes) -> tuple[list[Upload], list[ReadFailure]]:
    """A file as uploaded, or the members of a zip, checked for safety.

    Returns:
        The files, and the zip members refused by name: absolute paths or ``..`` in them,
        or a member that cannot be unpacked (a corrupt stream, a bad CRC, encryption),
        while the other members are kept.

    Raises:
        ArticleError: the zip is corrupt, too large when unpacked, or a zip bomb.
    """
    if not name.lower().endswith(".zip"):
        return [(name, data)], []
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.infolist() if not m.is_dir()]
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArticleError(f"not a readable zip file: {exc}") from exc
    if len(members) > MAX_ZIP_MEMBERS:
        raise ArticleError(f"zip holds {len(members)} files; the limit is {MAX_ZIP_MEMBERS}")
    declared = sum(m.file_size for m in members)
    if declared > MAX_ZIP_TOTAL:
        raise ArticleError(f"zip unpacks to {declared / MB:.0f} MB; the limit is "
                           f"{MAX_ZIP_TOTAL / MB:.0f} MB")
    out: list[Upload] = []
    refused: list[ReadFailure] = []
    for member in members:
        label = f"{name}/{member.filename}"
        if _unsafe_member(member.filename):
            # Nothing is ever written to disk, but such a name is a sign of a hostile archive.
            refused.append(ReadFailure(label, "unsafe path inside the zip (absolute or with "
                                              "'..'); skipped"))
            continue
        if member.compress_size and member.file_size / member.compress_size > MAX_ZIP_RATIO and (
                member.file_size > 1024 * 1024):
            raise ArticleError(f"zip bomb: {member.filename} unpacks {member.file_size / MB:.0f}"
                               f" MB from {member.compress_size / 1e3:.0f} kB")
        # Read at most the limit plus one byte: sizes in a zip header can lie. Each member in
        # its own guard: one corrupt stream is that file's fault, not the batch's.
        try:
            with archive.open(member) as fh:
                content = fh.read(MAX_BYTES + 1)
        except _UNPACK_ERRORS as exc:
            refused.append(ReadFailure(label, f"cannot be unpacked: {_unpack_cause(exc)}; "
                                              "skipped"))
            continue
        out.append((label, content))
    return out, refused


# What reading one member can raise: a corrupt deflate stream (zlib.error), a bad CRC or
# header (BadZipFile), a cut-off archive (EOFError), encryption (RuntimeError), a compression
# method Python lacks (NotImplementedError), a broken bzip2/lzma stream (OSError, LZMAError).
_UNPACK_ERRORS = (zlib.error, zipfile.BadZipFile, EOFError, RuntimeError, NotImplementedError,
                  OSError, lzma.LZMAError, ValueError)


def _unpack_cause(exc: BaseException) -> str:
    if isinstance(exc, zlib.error):
        return f"its compressed data is corrupt ({exc})"
    if isinstance(exc, RuntimeError) and "encrypted" in str(exc):
        return "it is encrypted"
    if isinstance(exc, NotImplementedError):
        return f"its compression method is not supported ({exc})"
    return str(exc) or type(exc).__name__


def _unsafe_member(filename: str) -> bool:
    path = PurePosixPath(filename.replace("\\", "/"))
    return path.is_absolute() or ".." in path.parts or ":" in filename.split("/")[0]


def read_uploads(uploads: Iterable[Upload], *, manifest: dict[str, dict] | None = None,
                 defaults: Defaults = Defaults(), notes: list[tuple[str, str]] | None = None,
                 ) -> tuple[list[Article], list[ReadFailure]]:
    """Parse uploads into articles (zips unpacked, manifest and defaults applied); ``notes``
    gets (file, how it was decoded) for each file that was not clean UTF-8."""
    manifest = dict(manifest or {})
    items: list[Upload] = []
    failures: list[ReadFailure] = []
    total = 0
    for name, data in uploads:
        try:
            expanded, refused = expand_upload(name, data)
        except ArticleError as exc:
            failures.append(ReadFailure(name, str(exc)))
            continue
        failures.extend(refused)
        for member, content in expanded:
            total += len(content)
            if total > MAX_BATCH_BYTES:
                failures.append(ReadFailure(member, f"the batch is over {MAX_BATCH_BYTES / MB:.0f}"
                                            " MB (the limit per batch); add this file in "
                                            "another batch"))
                continue
            if member.lower().endswith("manifest.csv"):
                manifest.update(_manifest_from_bytes(member, content, failures))
            else:
                items.append((member, content))
    articles: list[Article] = []
    for name, data in items:
        decoding: list[str] = []
        try:
            parsed = parse_article_bytes(PurePosixPath(name).name, data, notes=decoding)
        except ArticleError as exc:
            failures.append(ReadFailure(name, str(exc)))
            continue
        if notes is not None:
            notes.extend((name, note) for note in decoding)
        row = manifest.get(PurePosixPath(name).name, {})
        if notes is not None and (note := date_note(row.get("published", ""), "published")):
            notes.append((name, f"its manifest row: {note}"))
        for article in parsed:
            article = _with_metadata(article, row, defaults, source=name)
            try:
                check_metadata(article.published, article.timezone)
            except ArticleError as exc:
                label = name if len(parsed) == 1 else f"{name} (article {article.id})"
                failures.append(ReadFailure(label, str(exc)))
                continue
            # An article in a language the pipeline does not read is stored, and said so.
            if notes is not None and (note := unread_language_note(article.text)):
                notes.append((name if len(parsed) == 1 else f"{name} (article {article.id})",
                              note))
            articles.append(article)
    return articles, failures


def _manifest_from_bytes(name: str, data: bytes, failures: list[ReadFailure]) -> dict:
    try:
        return manifest_from_bytes(data, source=name)
    except ManifestError as exc:
        failures.append(ReadFailure(name, str(exc)))
    return {}


def _with_metadata(article: Article, row: dict, defaults: Defaults, *, source: str) -> Article:
    return dataclasses.replace(
        article, source=source,
        outlet=row.get("outlet") or article.outlet or defaults.outlet,
        published=parse_date(row.get("published", "")) or article.published
        or defaults.published,
        timezone=row.get("timezone") or article.timezone or defaults.timezone,
        title=row.get("title") or article.title, url=row.get("url") or article.url)


def process_article(article: Article, gazetteer: Gazetteer, changes: Sequence[ChangeLike], *,
                    budget: float | None = MAX_ARTICLE_SECONDS,
                    corpus: Corpus | None = None,
                    ) -> tuple[list[dict], list[Report]]:
    """Geoparse an article, apply the analysts' mention changes, extract its reports.

    ``gazetteer`` should already carry the aliases (``aliased_gazetteer``); ``corpus`` is
    the store's confident report places of the article's weeks (``article_corpus``).

    Raises:
        WorkBudgetError: the work passed ``budget`` seconds (None: no limit) and was stopped.
    """
    # One Doc: the geoparser annotates it, the report stage reads it (one NER pass).
    doc = make_doc(article, deadline=None if budget is None else time.monotonic() + budget)
    resolutions = apply_mention_changes(article.id, geoparse_doc(doc, gazetteer, corpus=corpus),
                                        changes, gazetteer)
    return mention_rows(article, resolutions), extract_reports(
        doc, resolutions, country_names=gazetteer.country_names())


# One per process: job workers and Dask workers keep the gazetteer between articles.
_GAZETTEERS: dict[str, Gazetteer] = {}


def process_gazetteer() -> Gazetteer:
    """The gazetteer, loaded once per process (job workers and Dask workers keep it)."""
    if "index" not in _GAZETTEERS:
        _GAZETTEERS["index"] = Gazetteer.load()
    return _GAZETTEERS["index"]
