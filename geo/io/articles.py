"""Read articles from files: .txt, .md, .html, .json, .csv, plus an optional manifest CSV.

An article's id is its file name without the extension (for a .json or .csv holding several
articles, ``<file stem>-<n>`` unless a row gives an ``id``). HTML keeps its story only, read
by ``geo.io.html`` (menus, related links, comments and scripts are left out). Bytes are
decoded as UTF-8 when they are UTF-8, else by charset detection (cp1251, latin-1, ...), and
the text normalised (``geo.io.text``).
Every failure is an ``ArticleError`` that names the file and what is wrong with it.

Example:
    >>> from pathlib import Path
    >>> arts = read_articles([Path("data/articles/000_839e6d4a3abab594.txt")],
    ...                      manifest=Path("data/articles/manifest.csv"))
    >>> arts[0].id, str(arts[0].published), arts[0].timezone
    ('000_839e6d4a3abab594', '2022-03-03', 'Europe/Kyiv')
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

from geo.errors import ArticleError, ManifestError
from geo.io.html import HtmlPage, html_page, html_to_text  # noqa: F401 (re-exported)
from geo.io.telegram import is_telegram_export, telegram_records
from geo.io.text import decode_bytes, decode_text, normalize_text_mapped
from geo.records import Article
from geo.timezones import zone

SUFFIXES = (".txt", ".md", ".html", ".htm", ".json", ".csv")
MB = 1024 * 1024  # every size in a message is in these units, so limits read the same
MAX_BYTES = 20 * MB  # one article file; bigger is refused, not truncated
# One article's text (after HTML is stripped): what the server can process in about a minute
# (bench/article_size.py, one core: ~27 s of wire copy, ~40 s of text that reports an attack
# in every sentence), so that one upload cannot hold the shared worker for long. Longer texts
# are refused with this limit named.
MAX_TEXT_CHARS = 1_500_000
# News dates the pipeline accepts: relative dates in the text are counted from the
# publication date, so a date of 2300 or 1500 would put events where no table can hold them.
EARLIEST_PUBLISHED = dt.date(1900, 1, 1)
MAX_JSON_DEPTH = 32  # an article collection is two levels deep; deeper is not an article file
MAX_RECORDS = 10_000  # articles in one JSON or CSV file
# Posts in one Telegram channel export: short messages, so a channel's months of posting
# (20,000 is a busy regional administration's year) go in as one file.
MAX_POSTS = 50_000
csv.field_size_limit(MAX_BYTES)  # one article's text in a CSV cell may be that long
_TEXT_COLUMNS = ("text", "body", "content", "article")


@dataclass(frozen=True)
class ReadFailure:
    """A file that could not be read, and why."""

    source: str
    reason: str


def read_articles(paths: list[Path], *, manifest: Path | None = None) -> list[Article]:
    """Read article files (directories are walked), raising on the first failure.

    Args:
        paths: files or directories.
        manifest: optional CSV with ``file,outlet,published,timezone,title``.

    Returns:
        The articles, sorted by id.
    """
    articles, failures = read_articles_lenient(paths, manifest=manifest)
    if failures:
        raise ArticleError(f"{failures[0].source}: {failures[0].reason}")
    return articles


def read_articles_lenient(paths: list[Path], *, manifest: Path | None = None,
                          ) -> tuple[list[Article], list[ReadFailure]]:
    """Read what can be read; report the rest by name and reason.

    A directory's ``manifest.csv`` is used automatically when no manifest is given.

    Returns:
        (articles sorted by id, failures in the order met).
    """
    files, meta = article_files(paths, manifest=manifest)
    articles: list[Article] = []
    failures: list[ReadFailure] = []
    for path in files:
        try:
            articles.extend(read_file(path, meta.get(path.name)))
        except ArticleError as exc:
            failures.append(ReadFailure(str(path), str(exc)))
    return sorted(articles, key=lambda a: a.id), failures


def article_files(paths: list[Path], *, manifest: Path | None = None,
                  ) -> tuple[list[Path], dict[str, dict]]:
    """The article files under ``paths`` (directories walked, in name order) and the
    manifest's rows by file name (a directory's ``manifest.csv`` when none is given)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES
                                and p.name != "manifest.csv"))
            if manifest is None and (path / "manifest.csv").exists():
                manifest = path / "manifest.csv"
        else:
            files.append(path)
    return files, read_manifest(manifest) if manifest else {}


def read_file(path: Path, row: dict | None = None) -> list[Article]:
    """The articles of one file, with its manifest row applied.

    Raises:
        ArticleError: the file cannot be read or its metadata is impossible.
    """
    articles = []
    for article in parse_article_bytes(path.name, _read_bytes(path)):
        article = _with_manifest(article, row)
        check_metadata(article.published, article.timezone)
        articles.append(article)
    return articles


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ArticleError(too_big(size))
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise ArticleError("no such file") from exc
    except OSError as exc:
        raise ArticleError(f"cannot read: {exc.strerror or exc}") from exc


def parse_article_bytes(name: str, data: bytes, *, notes: list[str] | None = None,
                        ) -> list[Article]:
    """Parse one file's bytes into articles, by its extension.

    Args:
        name: the file name (its extension chooses the format, its stem is the id).
        data: the raw bytes.
        notes: when given, gets how the bytes were decoded if that was not clean UTF-8, and
            each date field that holds an impossible date (which field, which date, why).

    Returns:
        One article, or several for .json/.csv collections.

    Raises:
        ArticleError: empty, binary, undecodable, malformed or unsupported input.
    """
    suffix = Path(name).suffix.lower()
    stem = Path(name).stem
    if suffix not in SUFFIXES:
        raise ArticleError(f"unsupported file type {suffix or '(none)'}; "
                           f"use one of {', '.join(SUFFIXES)}")
    if len(data) > MAX_BYTES:
        raise ArticleError(too_big(len(data)))
    decoded = decode_bytes(data)
    text = decoded.text
    if decoded.note and notes is not None:
        notes.append(decoded.note)
    if suffix in (".txt", ".md"):
        normal, offsets = normalize_text_mapped(text)
        articles = [Article(id=stem, text=normal, source=name, source_offsets=offsets)]
    elif suffix in (".html", ".htm"):
        page = html_page(text)
        normal, offsets = normalize_text_mapped(page.text)
        articles = [Article(id=stem, text=normal, title=page.title,
                            published=page.published, outlet=page.outlet, url=page.url,
                            source=name, source_offsets=offsets)]
    elif suffix == ".json":
        articles = _from_records(stem, name, _json_records(text, stem), notes=notes)
    else:
        articles = _from_records(stem, name, _csv_records(text), notes=notes)
    articles = [a for a in articles if a.text.strip()]
    if not articles:
        raise ArticleError("no text: the file is empty or holds only markup/whitespace")
    for article in articles:
        if len(article.text) > MAX_TEXT_CHARS:
            raise ArticleError(
                f"article {article.id} has {len(article.text) / 1e6:.1f} million characters of "
                f"text; the limit is {MAX_TEXT_CHARS / 1e6:.1f} million per article (about a "
                "minute of processing): split it")
    return articles


def too_big(size: int) -> str:
    """The message for a file over ``MAX_BYTES``, in the units the limit is stated in."""
    return f"file is {size / MB:.1f} MB; the limit is {MAX_BYTES / MB:.0f} MB per article file"


def check_metadata(published: dt.date | None, timezone: str, *,
                   today: dt.date | None = None) -> None:
    """Refuse metadata no stage can use, before anything is stored.

    Raises:
        ArticleError: the date is before 1900 or after tomorrow, or the time zone is not an
            IANA name (``Europe/Kyiv``).
    """
    latest = (today or dt.date.today()) + dt.timedelta(days=1)
    if published is not None and not EARLIEST_PUBLISHED <= published <= latest:
        raise ArticleError(f"publication date {published.isoformat()} is outside "
                           f"{EARLIEST_PUBLISHED.isoformat()} to {latest.isoformat()}")
    if timezone:
        try:
            zone(timezone)
        except (KeyError, ValueError) as exc:
            raise ArticleError(f"unknown time zone {timezone[:60]!r}; use an IANA name such "
                               "as Europe/Kyiv") from exc


def _json_records(text: str, stem: str = "") -> list[dict]:
    depth = _json_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise ArticleError(f"JSON nested {depth} levels deep; an article file has at most "
                           f"{MAX_JSON_DEPTH}")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ArticleError(f"malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
                           ) from exc
    except RecursionError as exc:  # depth counted above; this is the last line of defence
        raise ArticleError("JSON nested too deeply") from exc
    if is_telegram_export(data):  # a Telegram channel's export: each post an article
        posts = telegram_records(data, stem)
        if len(posts) > MAX_POSTS:
            raise ArticleError(f"{len(posts):,} posts in one Telegram export; the limit is "
                               f"{MAX_POSTS:,} (export a shorter period)")
        return posts
    if isinstance(data, dict):
        data = data.get("articles", [data]) if "text" not in data else [data]
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise ArticleError("JSON must be an object with a \"text\" field, a list of such "
                           "objects, or {\"articles\": [...]}")
    _check_count(len(data))
    return data


def _json_depth(text: str) -> int:
    """How deeply brackets nest outside strings (linear; before ``json.loads`` recurses)."""
    depth = deepest = 0
    for token in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', text):
        ch = token.group()
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _check_count(count: int) -> None:
    if count > MAX_RECORDS:
        raise ArticleError(f"{count:,} articles in one file; the limit is {MAX_RECORDS:,} "
                           "(split the file)")


def _csv_records(text: str) -> list[dict]:
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        rows = []
        for row in reader:
            rows.append(row)
            _check_count(len(rows))
    except csv.Error as exc:
        raise ArticleError(f"malformed CSV: {exc}") from exc
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if not any(c in header for c in _TEXT_COLUMNS):
        raise ArticleError(f"CSV has no text column (expected one of {', '.join(_TEXT_COLUMNS)};"
                           f" found {', '.join(header) or 'no header'})")
    return [{(k or "").strip().lower(): v for k, v in row.items()} for row in rows]


def _from_records(stem: str, name: str, records: list[dict], *,
                  notes: list[str] | None = None) -> list[Article]:
    articles = []
    for n, record in enumerate(records, start=1):
        text = next((record[c] for c in _TEXT_COLUMNS if isinstance(record.get(c), str)), "")
        article_id = str(record.get("id") or (stem if len(records) == 1 else f"{stem}-{n}"))
        normal, offsets = normalize_text_mapped(text)
        field = "published" if record.get("published") else "date"
        published = str(record.get(field) or "")
        note = date_note(published, field)
        if note and notes is not None:
            notes.append(note if len(records) == 1 else f"article {article_id}: {note}")
        articles.append(Article(
            id=article_id, text=normal, source_offsets=offsets,
            title=str(record.get("title") or ""),
            outlet=str(record.get("outlet") or record.get("source") or ""),
            published=parse_date(published),
            timezone=str(record.get("timezone") or ""), url=str(record.get("url") or ""),
            source=name))
    return articles


_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def parse_date(value: str) -> dt.date | None:
    """An ISO date (or the date part of an ISO timestamp), else None."""
    m = _DATE.search(value or "")
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def impossible_date(value: str) -> str:
    """Why ``value``, written as a date (YYYY-MM-DD), is no day of the calendar ("February 2022
    has no day 30"); "" when it is one or is not written as a date."""
    m = _DATE.search(value or "")
    if not m:
        return ""
    year, month, day = (int(g) for g in m.groups())
    try:
        dt.date(year, month, day)
    except ValueError:
        if not 1 <= month <= 12:
            return f"there is no month {month}"
        if year < dt.MINYEAR:
            return f"there is no year {year}"
        return f"{calendar.month_name[month]} {year} has no day {day}"
    return ""


def date_note(value: str, field: str) -> str:
    """What to tell the analyst when the date field ``field`` holds an impossible date (the
    article goes in without a date from it); "" when there is nothing to tell."""
    why = impossible_date(value)
    if not why:
        return ""
    return (f"the {field!r} field holds {_DATE.search(value).group(0)}, an impossible date "
            f"({why}): not used as the publication date")


def read_manifest(path: Path) -> dict[str, dict[str, str]]:
    """Read a manifest CSV keyed by file name.

    Raises:
        ManifestError: unreadable, malformed, or without a ``file`` column.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ManifestError(f"manifest {path}: {exc}") from exc
    return manifest_from_bytes(data, source=str(path))


def manifest_from_bytes(data: bytes, *, source: str) -> dict[str, dict[str, str]]:
    """``read_manifest`` for bytes already read (an upload, a zip member)."""
    try:
        reader = csv.DictReader(io.StringIO(decode_text(data), newline=""), strict=True)
        rows = list(reader)
    except (csv.Error, ArticleError) as exc:
        raise ManifestError(f"manifest {source}: {exc}") from exc
    if "file" not in (reader.fieldnames or []):
        raise ManifestError(f"manifest {source} has no 'file' column; expected "
                            "file,outlet,published,timezone,title")
    return {row["file"]: row for row in rows if row.get("file")}


def _with_manifest(article: Article, row: dict[str, str] | None) -> Article:
    if not row:
        return article
    return replace(
        article,
        outlet=row.get("outlet") or article.outlet,
        published=parse_date(row.get("published", "")) or article.published,
        timezone=row.get("timezone") or article.timezone,
        title=row.get("title") or article.title,
        url=row.get("url") or article.url,
    )
