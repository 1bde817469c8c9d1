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
