"""Bring articles into the store: uploads, files and zips in; each article parsed, geoparsed,
corrected and stored in one transaction; bad input refused by name with its reason.

The same code serves ``python -m geo ingest`` and the dashboard's Add articles page. Reading
the uploads and processing each article are ``geo.store.process``, which the Dask workers of
``geo.store.parallel`` run too; this module stores the results.

Example:
    >>> import tempfile, pathlib
    >>> from geo.gazetteer.index import Gazetteer
    >>> from geo.store.db import Store
    >>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "s.sqlite")
    >>> report = ingest(store, [("a.txt", b"Shelling hit Kharkiv."), ("b.txt", b"")],
    ...                 Gazetteer.load())
    >>> report.added, [(f.source, f.reason) for f in report.failures]
    (['a'], [('b.txt', 'empty file')])
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from geo.corrections import aliased_gazetteer, relevant_changes
from geo.errors import ArticleError, WorkBudgetError
from geo.gazetteer.index import Gazetteer
from geo.incidents import Report
from geo.io.articles import MAX_BYTES, ReadFailure, check_metadata, read_manifest, too_big
from geo.nlp.corpus import Corpus, shipped_prior
from geo.records import Article
from geo.store.db import ChangesMoved, IdTaken, Store, StoreError, changes_key
from geo.store.jobs import JobLike
from geo.store.process import (
    MAX_ARTICLE_SECONDS,
    MAX_BATCH_BYTES,
    MAX_ZIP_MEMBERS,
    MAX_ZIP_RATIO,
    MAX_ZIP_TOTAL,
    Defaults,
    Upload,
    expand_upload,
    process_article,
    process_gazetteer,
    read_uploads,
)

if TYPE_CHECKING:  # dask is imported only when a cluster is used
    from geo.store.parallel import Extracted

# Reading and processing live in geo.store.process; their names are importable from here too.
__all__ = ["MAX_ARTICLE_SECONDS", "MAX_BATCH_BYTES", "MAX_BATCH_SECONDS", "MAX_ZIP_MEMBERS",
           "MAX_ZIP_RATIO", "MAX_ZIP_TOTAL", "Defaults", "IngestReport", "Progress", "Upload",
           "article_corpus", "expand_upload", "ingest", "ingest_job", "ingest_paths",
           "process_article", "process_gazetteer", "read_uploads", "reprocess", "reprocess_job",
           "warm_up_job"]

# One batch (an upload, a CLI call): how long it may hold the worker (what is read into memory
# at once is ``MAX_BATCH_BYTES``). Articles stored before a limit is hit stay stored; the
# report names it.
MAX_BATCH_SECONDS = 30 * 60
Progress = Callable[[int, int, str], None]


@dataclasses.dataclass
class IngestReport:
    """What an ingest did: each article is in exactly one of added, duplicates, updated;
    each unreadable file in failures."""

    added: list[str] = dataclasses.field(default_factory=list)
    duplicates: list[tuple[str, str]] = dataclasses.field(default_factory=list)  # (source, id)
    failures: list[ReadFailure] = dataclasses.field(default_factory=list)
    undated: list[str] = dataclasses.field(default_factory=list)  # ids without a date
    # Stored articles whose missing outlet/date/time zone came with the same text again.
    updated: list[str] = dataclasses.field(default_factory=list)
    # Files read with a fallback (not clean UTF-8): (source, how they were decoded).
    notes: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    # Articles read but not processed (nothing of them stored): the ingest was cancelled, or
    # ``stopped`` names the budget that ran out.
    not_processed: int = 0
    stopped: str = ""

    def summary(self) -> str:
        parts = [f"{len(self.added)} added"]
        if self.updated:
            parts.append(f"{len(self.updated)} updated")
        if self.duplicates:
            parts.append(f"{len(self.duplicates)} skipped as duplicates")
        if self.failures:
            parts.append(f"{len(self.failures)} refused")
        if self.not_processed:
            parts.append(f"{self.stopped or 'cancelled'}: the last {self.not_processed} not "
                         "processed (add them again)")
        return ", ".join(parts)


def article_corpus(store: Store, article: Article, *, upto: int | None = None
                   ) -> Corpus | None:
    """What the store already knows about where things happened around the article's date
    (``geo.nlp.corpus``), its own reports left out; with ``upto`` (``Store.last_article``),
    only what it knew then. None for an undated article (its weeks are unknown until it is
    read) or when the prior weighs nothing."""
    prior = shipped_prior()
    if article.published is None or not prior.weight:
        return None
    return Corpus.of(store.corpus_points(*prior.window(article.published), exclude=article.id,
                                         upto=upto), prior=prior)


def ingest(store: Store, uploads: Iterable[Upload], gazetteer: Gazetteer, *,
           manifest: dict[str, dict] | None = None,
           defaults: Defaults = Defaults(),  # noqa: B008 - a frozen dataclass
           progress: Progress | None = None,
           should_stop: Callable[[], bool] | None = None,
           article_seconds: float | None = MAX_ARTICLE_SECONDS) -> IngestReport:
    """Read, process and store uploads; the same text twice is skipped with a note.

    Args:
        store: where articles go.
        uploads: (file name, bytes) pairs; zips are unpacked.
        gazetteer: the place index.
        manifest: file name -> metadata row, as ``read_manifest`` returns.
        defaults: outlet/date/time zone for articles that carry none.
        progress: called with (done, total, article id) after each article.
        should_stop: asked before each article; when it says so, the ingest ends there
            (every article stored so far stays stored, the rest is counted as not processed).
        article_seconds: each article's time budget: an article whose processing runs past
            it is stopped and refused by name, and the batch goes on (None: no budget).

    Returns:
        What was added, skipped and refused. When the store cannot be written (a full
        disk), the ingest stops there and ``stopped`` says why; what was stored before is
        listed in ``added``/``updated`` as usual.
    """
    try:
        check_metadata(defaults.published, defaults.timezone)
    except ArticleError as exc:
        raise ArticleError(f"the batch's default metadata: {exc}; nothing was added") from exc
    report = IngestReport()
    articles, report.failures = read_uploads(uploads, manifest=manifest, defaults=defaults,
                                             notes=report.notes)
    _store_all(store, articles, _CurrentChanges(store, gazetteer, budget=article_seconds),
               report, progress=progress, should_stop=should_stop)
    return report


def _store_all(store: Store, articles: list[Article], current: _CurrentChanges,
               report: IngestReport, *, progress: Progress | None,
               should_stop: Callable[[], bool] | None) -> None:
    started = time.monotonic()
    for n, article in enumerate(articles, start=1):
        if should_stop is not None and should_stop():
            report.not_processed = len(articles) - n + 1
            break
        # The first article always runs (its own size limit bounds it); then the clock.
        if n > 1 and time.monotonic() - started > MAX_BATCH_SECONDS:
            report.not_processed = len(articles) - n + 1
            report.stopped = (f"the batch's time limit ({MAX_BATCH_SECONDS // 60} minutes) "
                              "ran out")
            break
        label = article.source or article.id
        try:
            stored_id = _store_one(store, article, current, report)
        except WorkBudgetError as exc:
            report.failures.append(ReadFailure(label, f"{exc} ({current.budget:.0f} s, the "
                                                      "limit per article): split it"))
            stored_id = article.id
        except StoreError as exc:
            # This article's write was undone, but those before it are committed: say so.
            report.not_processed = len(articles) - n + 1
            report.stopped = (f"stopped at {label}: "
                              + str(exc).replace(" (nothing was changed)", ""))
            break
        if progress is not None:
            progress(n, len(articles), stored_id)


class _CurrentChanges:
    """The analysts' changes as they are now, with the aliased gazetteer built once per set
    of changes (not once per article)."""

    def __init__(self, store: Store, gazetteer: Gazetteer, *,
                 precomputed: Sequence[Extracted] = (),
                 budget: float | None = MAX_ARTICLE_SECONDS) -> None:
        self._store, self._gazetteer = store, gazetteer
        self.budget = budget
        # The corpus prior reads the store as it was when the batch began: a batch's articles
        # do not weigh each other, so its results do not depend on their order, and Dask
        # workers given the same points find the same places (``_ingest_on_cluster``).
        self.corpus_upto = store.last_article()
        self._key: str | None = None
        self.changes: list = []
        self.aliased = gazetteer
        # Results computed elsewhere (Dask workers), used while they are still right: the
        # same article (id included) and the same relevant changes.
        self._done = {x.article.id: x for x in precomputed}

    def use(self, precomputed: Sequence[Extracted]) -> None:
        """Take results computed elsewhere (Dask workers) for the articles to come."""
        self._done.update((x.article.id, x) for x in precomputed)

    def refresh(self) -> None:
        changes = self._store.changes()
        key = changes_key(changes)
        if key != self._key:
            self._key, self.changes = key, changes
            self.aliased = aliased_gazetteer(self._gazetteer, changes)

    def process(self, article: Article) -> tuple[str, tuple[list[dict], list[Report]]]:
        """The article's results, and the key of the changes relevant to it they reflect."""
        self.refresh()
        seen = changes_key(relevant_changes(article.id, article.text, self.changes))
        done = self._done.pop(article.id, None)
        if done is not None and done.article == article and done.changes_seen == seen:
            return seen, (done.mentions, done.reports)
        return seen, process_article(article, self.aliased, self.changes, budget=self.budget,
                                     corpus=article_corpus(self._store, article,
                                                           upto=self.corpus_upto))


def _put_results(store: Store, article: Article, current: _CurrentChanges) -> None:
    while True:  # a change saved meanwhile: process the article again with it
        seen, results = current.process(article)
        try:
            store.put_results(article.id, *results, changes_seen=seen)
            return
        except ChangesMoved:
            continue


def _store_one(store: Store, article: Article, current: _CurrentChanges,
               report: IngestReport) -> str:
    """Process and store one article, recording the outcome in ``report``.

    Processing runs outside the write transaction (it takes seconds); the write then checks,
    inside its transaction, that the id is still free and the analysts' changes are still
    those the article was processed with. When either moved (another ingest, an alias saved
    meanwhile), the article is processed again: nothing is overwritten, no alias is missed.
    """
    while True:
        existing = store.find_text(article.text)
        if existing is not None:
            filled = store.fill_metadata(existing, article)
            if filled is None:
                report.duplicates.append((article.source, existing))
            else:  # the analyst supplied what was missing: process it again with it
                _put_results(store, filled, current)
                report.updated.append(existing)
            return existing
        article = dataclasses.replace(article, id=store.free_id(article.id))
        seen, (mentions, reports) = current.process(article)
        try:
            duplicate_of = store.put_article(article, mentions, reports, changes_seen=seen)
        except (IdTaken, ChangesMoved):
            continue
        if duplicate_of is not None:  # another session stored the same text meanwhile
            report.duplicates.append((article.source, duplicate_of))
            return duplicate_of
        report.added.append(article.id)
        if article.published is None:
            report.undated.append(article.id)
        return article.id


def ingest_paths(store: Store, paths: Sequence[Path], gazetteer: Gazetteer, *,
                 manifest: Path | None = None,
                 defaults: Defaults = Defaults(),  # noqa: B008 - a frozen dataclass
                 progress: Progress | None = None,
                 dask_client: object | None = None) -> IngestReport:
    """``ingest`` for files and directories on disk (a directory's manifest.csv is used).

    With ``dask_client`` (``geo.store.parallel.client``) the files are read and processed on the
    cluster's workers; this process only stores the results (and processes again any article
    whose id or relevant changes moved meanwhile).
    """
    uploads: list[Upload] = []
    failures: list[ReadFailure] = []
    rows: dict[str, dict] = read_manifest(manifest) if manifest else {}
    if dask_client is not None:
        return _ingest_on_cluster(store, paths, gazetteer, rows, defaults, progress,
                                  dask_client)
    for path in paths:
        files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
        for file in files:
            try:
                if file.stat().st_size > MAX_BYTES and file.suffix.lower() != ".zip":
                    raise ArticleError(too_big(file.stat().st_size))
                uploads.append((file.name, file.read_bytes()))
            except ArticleError as exc:
                failures.append(ReadFailure(str(file), str(exc)))
            except OSError as exc:
                failures.append(ReadFailure(str(file), f"cannot read: {exc.strerror or exc}"))
    result = ingest(store, uploads, gazetteer, manifest=rows, defaults=defaults,
                    progress=progress)
    result.failures = failures + result.failures
    return result


def _ingest_on_cluster(store: Store, paths: Sequence[Path], gazetteer: Gazetteer,
                       rows: dict[str, dict], defaults: Defaults, progress: Progress | None,
                       dask_client: object) -> IngestReport:
    from geo.store.parallel import extract_files

    check_metadata(defaults.published, defaults.timezone)
    files = [f for path in paths for f in (sorted(
        p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path])]
    manifests = [f for f in files if f.name.lower() == "manifest.csv"]
    for found in manifests:
        rows = {**read_manifest(found), **rows}
    current = _CurrentChanges(store, gazetteer)
    # The workers weigh namesakes by the same points the store would give (``corpus_upto``).
    points = store.corpus_points(upto=current.corpus_upto) if shipped_prior().weight else []
    results, failures = extract_files([f for f in files if f not in manifests],
                                      manifest=rows, changes=store.changes(),
                                      defaults=defaults, dask_client=dask_client,
                                      corpus=points)
    report = IngestReport(failures=failures)
    current.use(results)
    _store_all(store, [x.article for x in results], current, report,
               progress=progress, should_stop=None)
    return report


def reprocess(store: Store, gazetteer: Gazetteer, *,
              article_ids: Iterable[str] | None = None, progress: Progress | None = None,
              should_stop: Callable[[], bool] | None = None) -> int:
    """Process stored articles again, each in its own transaction.

    Args:
        article_ids: which ones; None for those whose results are behind their changes
            (``Store.stale_articles``: after a change is saved or undone, or a crash).
        progress: called with (done, total, article id) after each article.
        should_stop: asked before each article; the rest waits for the next run.

    Returns:
        How many were processed.
    """
    wanted = set(store.stale_articles() if article_ids is None else article_ids)
    current = _CurrentChanges(store, gazetteer)
    count = 0
    for article in store.articles(ids=sorted(wanted)) if wanted else []:
        if should_stop is not None and should_stop():
            break
        _put_results(store, article, current)
        count += 1
        if progress is not None:
            progress(count, len(wanted), article.id)
    return count


# ---------------------------------------------------------------------------- as jobs
# Module-level functions with picklable arguments: what a worker process can be sent
# (``geo.store.jobs``). Each process loads the gazetteer once and keeps it between jobs.

def warm_up_job(ctx: JobLike) -> None:
    """Load the gazetteer and the document model in the worker before any upload needs them."""
    from geo.doc import load_nlp

    process_gazetteer()
    load_nlp()


def ingest_job(ctx: JobLike, store_path: str, uploads: list[Upload],
               defaults: Defaults) -> IngestReport:
    """``ingest`` as a background job: progress reported, stopped when cancelled."""
    return ingest(Store(Path(store_path)), uploads, process_gazetteer(), defaults=defaults,
                  progress=ctx.progress, should_stop=ctx.cancelled)


def reprocess_job(ctx: JobLike, store_path: str,
                  article_ids: list[str] | None = None) -> str:
    """``reprocess`` as a background job: of ``article_ids``, or of the articles behind
    their changes."""
    count = reprocess(Store(Path(store_path)), process_gazetteer(), article_ids=article_ids,
                      progress=ctx.progress, should_stop=ctx.cancelled)
    return f"Re-processed {count} article{'s' * (count != 1)}."
