"""Read articles from files: .txt, .md, .html, .json, .csv, plus an optional manifest CSV.

An article's id is its file name without the extension (for a .json or .csv holding several
articles, ``<file stem>-<n>`` unless a row gives an ``id``). HTML keeps its story only, read
by ``geo.io.html`` (menus, related links, comments and scripts are left out). Bytes are
decoded as UTF-8 when they are UTF-8, else by charset detection (cp1251, latin-1, ...).
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
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

from charset_normalizer import from_bytes

from geo.errors import ArticleError, ManifestError
from geo.io.html import HtmlPage, html_page, html_to_text  # noqa: F401 (re-exported)
from geo.io.telegram import is_telegram_export, telegram_records
from geo.records import Article, SourceOffsets
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


@dataclass(frozen=True)
class Decoded:
    """Text decoded from bytes, with how: ``note`` is empty for clean UTF-8 and otherwise says
    which fallback was used (a legacy encoding, a cut-off last character, replaced bytes)."""

    text: str
    encoding: str
    note: str = ""


_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"),
         (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
MAX_REPLACED = 0.001  # invalid bytes in otherwise UTF-8 text, replaced rather than guessed


def decode_text(data: bytes) -> str:
    """``decode_bytes(data).text``."""
    return decode_bytes(data).text


def decode_bytes(data: bytes) -> Decoded:
    """Decode strictly, then say which fallback was used.

    In order: a byte-order mark's encoding (UTF-8, UTF-16, UTF-32); strict UTF-8; UTF-8 whose
    last character was cut off (dropped); UTF-8 with a few invalid bytes (replaced by
    U+FFFD, never a whole text re-read as cp1251); the most plausible legacy encoding. The
    content must read as text: random bytes are refused even when some encoding maps them.

    Raises:
        ArticleError: for empty or binary data.
    """
    if not data.strip():
        raise ArticleError("empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise ArticleError(f"starts with a {encoding.upper()} byte-order mark but is "
                                   f"not {encoding.upper()} ({exc.reason})") from exc
            if not text.strip():
                raise ArticleError("empty file")
            _check_text(text)
            return Decoded(text.lstrip("\ufeff"), encoding,
                           "" if encoding == "utf-8-sig" else f"decoded as {encoding.upper()}")
    if b"\x00" in data[:4096]:
        utf16 = _utf16_without_bom(data)
        if utf16 is None:
            raise ArticleError("binary file (contains NUL bytes), not text")
        return utf16
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            return Decoded(data[:exc.start].decode("utf-8"), "utf-8",
                           "the last character was cut off and has been dropped")
    replaced = data.decode("utf-8", errors="replace")
    bad = replaced.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    if bad <= max(1, len(data) * MAX_REPLACED) and _has_multibyte(data):
        return Decoded(replaced, "utf-8", f"{bad} invalid byte(s) replaced by \ufffd")
    text = _best_decoding(data)
    if text is None:
        raise ArticleError("binary or undecodable file: no text encoding fits it")
    _check_text(text[1])
    return Decoded(text[1], text[0], f"not UTF-8; decoded as {text[0]}")


def _utf16_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 with no byte-order mark, told by where its NUL bytes fall: the high byte of
    every space, digit and punctuation mark (and of every Latin letter) is zero, so they sit
    on odd offsets in little-endian text and on even ones in big-endian. None when the bytes
    are not that (binary data), or do not read as text that way."""
    sample = data[:4096]
    odd, even = sample[1::2].count(0), sample[0::2].count(0)
    if len(data) % 2 or max(odd, even) < len(sample) // 2 * 0.1 or min(odd, even) > max(
            odd, even) * 0.05:
        return None
    encoding = "utf-16-le" if odd > even else "utf-16-be"
    try:
        text = data.decode(encoding)
        _check_text(text)
    except (UnicodeDecodeError, ArticleError):
        return None
    return Decoded(text, encoding, f"no byte-order mark; decoded as {encoding.upper()}")


def _has_multibyte(data: bytes) -> bool:
    """Valid multi-byte UTF-8 sequences are present: the file is UTF-8 with a few bad bytes,
    not a legacy encoding (where such sequences almost never occur by chance)."""
    return re.search(rb"[\xc2-\xf4][\x80-\xbf]+", data) is not None


def _check_text(text: str) -> None:
    """Refuse what decodes but is not text: control characters, or no word spacing."""
    sample = text[:20000]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t\f")
    if controls > len(sample) * 0.05:
        raise ArticleError("binary file, not text")
    letters = sum(ch.isalpha() for ch in sample)
    spaces = sum(ch.isspace() for ch in sample)
    # Scripts written without spaces (Chinese, Japanese, Thai) still have mostly letters.
    if len(sample) > 200 and (letters < len(sample) * 0.5 or (
            spaces < len(sample) * 0.02 and not _unspaced_script(sample))):
        raise ArticleError("binary file, not text (its bytes do not read as words in any "
                           "encoding)")


def _unspaced_script(sample: str) -> bool:
    return sum("\u0e00" <= ch <= "\u0e7f" or "\u3040" <= ch <= "\u9fff" or
               "\uac00" <= ch <= "\ud7af" for ch in sample) > len(sample) * 0.3


# Legacy encodings news arrives in; charset detection alone mistakes short Cyrillic for Latin.
# On a tie (too little text to tell), the first wins.
_LEGACY_ENCODINGS = ("cp1252", "cp1251", "latin-1", "koi8-r", "koi8-u", "cp1250")
_NON_ASCII_WORD = re.compile(r"\w*[^\x00-\x7f]\w*")


def _best_decoding(data: bytes) -> tuple[str, str] | None:
    """(encoding, text) of the most plausible legacy decoding."""
    texts = []
    for encoding in _LEGACY_ENCODINGS:
        try:
            texts.append((encoding, data.decode(encoding)))
        except UnicodeDecodeError:
            continue
    detected = from_bytes(data).best()
    if detected is not None:
        texts.append((detected.encoding, str(detected)))
    # KOI8 and cp1251 both give Cyrillic letters for Cyrillic bytes; which one is right shows
    # in the case of the letters (``_plausibility``) and, on a tie, in charset-normalizer's
    # own verdict, which weighs how often each letter follows another in the language.
    best = max((_plausibility(t) for _e, t in texts), default=None)
    tied = [(e, t) for e, t in texts if _plausibility(t) == best]
    if detected is not None and detected.encoding.replace("_", "-") in _LEGACY_ENCODINGS and any(
            t == str(detected) for _e, t in tied):
        return detected.encoding, str(detected)
    return tied[0] if tied else None


def _plausibility(text: str) -> float:
    """How much a decoding reads like real words: a non-Latin word in one script, or a Latin
    word with a few accents, scores; "Îáńňđłë" (Cyrillic read as Latin) and symbols do not."""
    score = 0.0
    for word in _NON_ASCII_WORD.findall(text[:20000]):
        scripts = {unicodedata.name(ch, "?").split(" ")[0] for ch in word if ch.isalpha()}
        letters = [ch for ch in word if ch.isalpha()]
        if len(letters) == 1 and len(word) == 1:
            continue  # one letter alone ("à", "а") says nothing about the encoding
        if not letters or len(letters) < len(word) * 0.8 or len(scripts) > 1:
            score -= 1
        elif _inverted_case(letters):
            score -= 1  # "пБСТТЙМ": the letters of one Cyrillic code page read in another
        elif scripts != {"LATIN"}:
            score += 1
        else:
            accented = sum(not ch.isascii() for ch in letters)
            score += -1 if accented > 2 and accented > len(letters) / 2 else 1
    return score


def _inverted_case(letters: list[str]) -> bool:
    """A word in small letters whose following letters are capitals ("пБСТТЙМ"), or one
    that mixes them after its first letter more than a name does ("ОбСТрІЛ")."""
    rest = letters[1:]
    capitals = sum(ch.isupper() for ch in rest)
    return bool(rest) and (letters[0].islower() and capitals > 0 or 0 < capitals < len(rest)
                           and capitals > 1)


# Invisible characters that split a word for the eye but not for the reader: a soft hyphen
# ("Khar\u00adkiv") or a zero-width space would make a place name unrecognisable.
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
# What normalisation removes: the CR of a CRLF, and runs of invisible characters.
_REMOVED = re.compile(f"\\r(?=\\n)|[{_INVISIBLE}]+")


def normalize_text(text: str) -> str:
    r"""An article's text as every stage reads it and the store keeps it: line breaks as
    ``\n``, Unicode NFC (so a decomposed "á" is one character), and no soft hyphens or
    zero-width characters. Offsets of every record refer to this text;
    ``normalize_text_mapped`` also says where they fall in the text as received.

    >>> normalize_text("Khar\u00adkiv and Kha\u0301rkiv\r\n") == "Kharkiv and Khárkiv\n"
    True
    """
    return normalize_text_mapped(text)[0]


def normalize_text_mapped(text: str) -> tuple[str, SourceOffsets]:
    """``normalize_text`` and the map from its offsets back to ``text``'s."""
    kept, removals = _without_removed(text)
    if unicodedata.is_normalized("NFC", kept):
        return kept, removals
    composed, compositions = _composed(kept)
    # The two maps chained: a breakpoint of either, seen from the composed text.
    points = {at for at, _, _ in compositions.steps}
    for at, _, _ in removals.steps:
        points.add(_first_at_or_after(compositions, at, len(composed)))
    steps: list[tuple[int, int, int]] = []
    last = (0, 0)
    for at in sorted(points):
        shifts = (removals.start(compositions.start(at)) - at,
                  removals.end(compositions.end(at)) - at)
        if shifts != last or shifts[0] != shifts[1]:
            steps.append((at, *shifts))
            last = shifts
    return composed, SourceOffsets(tuple(steps))


def _without_removed(text: str) -> tuple[str, SourceOffsets]:
    steps: list[tuple[int, int, int]] = []
    parts, last, removed = [], 0, 0
    for m in _REMOVED.finditer(text):
        parts.append(text[last:m.start()])
        before, last = removed, m.end()
        removed += m.end() - m.start()
        at = m.end() - removed
        if steps and steps[-1][0] == at:  # "\u00ad\r\n": one place, one step
            steps[-1] = (at, removed, steps[-1][2])
        else:
            steps.append((at, removed, before))
    parts.append(text[last:])
    # A lone CR is a line break of its own: replaced, so no offset moves.
    return "".join(parts).replace("\r", "\n"), SourceOffsets(tuple(steps))


def _composed(text: str) -> tuple[str, SourceOffsets]:
    """NFC piece by piece: a piece is a character and what composes with it (combining
    marks, Hangul jamo), so each piece's offset is known in both texts."""
    pieces: list[str] = []
    steps: list[tuple[int, int, int]] = []
    out = shift = i = 0
    n = len(text)
    while i < n:
        j = i + 1
        while j < n and not text[j].isascii() and (
                unicodedata.combining(text[j]) or _nfc(text[i:j + 1]) != _nfc(text[i:j])
                + _nfc(text[j])):
            j += 1
        piece = _nfc(text[i:j])
        if i - out != shift:
            shift = i - out
            steps.append((out, shift, shift))
        pieces.append(piece)
        out += len(piece)
        i = j
    if n - out != shift:
        steps.append((out, n - out, n - out))
    return "".join(pieces), SourceOffsets(tuple(steps))


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _first_at_or_after(offsets: SourceOffsets, target: int, length: int) -> int:
    """The first offset whose start maps at or after ``target`` (binary search)."""
    lo, hi = 0, length
    while lo < hi:
        mid = (lo + hi) // 2
        if offsets.start(mid) >= target:
            hi = mid
        else:
            lo = mid + 1
    return lo


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
