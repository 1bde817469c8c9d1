"""Errors raised by the pipeline. Every one derives from ``GeoError`` and from the builtin it
refines, so callers may catch either; messages say what to fix."""

from __future__ import annotations


class GeoError(Exception):
    """Root of the pipeline's errors."""


class GazetteerFormatError(GeoError, ValueError):
    """A gazetteer source file is missing, unreadable or lacks a column."""


class ArticleError(GeoError, ValueError):
    """An article file cannot be read: empty, binary, malformed, too large, unsupported."""


class ManifestError(GeoError, ValueError):
    """A manifest CSV is malformed or lacks the ``file`` column."""


class SourceError(GeoError, OSError):
    """A listed source (feed, page, watched folder) cannot be read now: the network, the
    server's answer, or what it sent. Its message is shown as the source's error."""


class WorkBudgetError(ArticleError):
    """An article's processing ran past its time budget and was stopped."""


class StoreError(GeoError, RuntimeError):
    """The store file is unreadable, too new for this version, or not a store at all
    (``geo.store``)."""


class FileWriteError(GeoError, OSError):
    """A file the program writes or copies (an export, a backup, a restore's working copy)
    cannot be: the message names the path and the cause in one line."""


# errno -> the words a message uses for it (the rest keep the system's own).
_CAUSES = {28: "the disk is full", 30: "the file system is read-only",
           13: "permission denied", 2: "no such file or folder", 20: "a part of the path is a "
           "file, not a folder", 21: "it is a folder", 122: "the disk quota is exceeded",
           17: "it exists and is not a folder"}


def os_cause(exc: OSError, path: object = None) -> str:
    """An OSError's cause in a few words ("the disk is full"), without its traceback; prefixed
    with the path it names when that is not ``path`` (the one the message is about)."""
    cause = _CAUSES.get(exc.errno or 0) or exc.strerror or str(exc) or type(exc).__name__
    if exc.filename is not None and path is not None and str(exc.filename) != str(path):
        return f"{exc.filename}: {cause}"
    return cause
