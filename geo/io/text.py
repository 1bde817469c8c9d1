r"""Bytes made into the text every stage reads: decoded (a byte-order mark, UTF-8, UTF-16
without a mark, else the likeliest legacy encoding by charset detection; what decodes but is
not text is refused) and normalised (line breaks as ``\n``, Unicode NFC, no soft hyphens or
zero-width characters), with the map from the normalised text's offsets back to the text as
received (``geo.records.SourceOffsets``). ``geo.io.articles`` reads files with it.

Example:
    >>> decode_bytes("Kharkiv".encode("cp1251")).text
    'Kharkiv'
    >>> normalize_text("Khar\u00adkiv\r\n")
    'Kharkiv\n'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from charset_normalizer import from_bytes

from geo.errors import ArticleError
from geo.records import SourceOffsets


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
