"""No text of the dev sets in the repository.

The dev sets (``../shared/dev/*.jsonl``) are for measuring only: ACLED's terms forbid
redistributing its coders' notes, and a test or a rule that quotes a dev sentence tunes the
pipeline to it. This test reads them at run time (it is skipped where they are absent) and
fails when a file of the project holds a 60-character run of any of their texts.

How, in a second or two: every 60-character window of a dev text that starts at a word is put
in a set, and every window of a project file that starts at a word is looked up in it. Both
sides are normalised first (case, runs of white space, typographic quotes), and in Python
files a string literal split over lines ("... " then "...") is joined, so a quote wrapped to
fit the line length is still one run. A shared run of 60 characters plus one word is always
found (its first word start inside the run is a word start on both sides).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "dev"
RUN = 60
# What the project ships or runs; data/articles are the bundled seed articles, which are not
# dev text but real wire copy the dev sets may share a phrase with.
SCANNED = ("tests", "geo", "bench", "scripts", "data", "docs", "README.md")
NOT_SCANNED = (ROOT / "data" / "articles",)
SKIPPED_DIRS = {"__pycache__", ".pytest_cache", ".ruff_cache"}

_SPACE = re.compile(r"\s+")
_WORD_START = re.compile(r"\b\w")
# A Python string literal continued on the next line: the closing quote, the line break and
# indentation, the opening quote (with an f or r prefix) are not part of the text.
_LITERAL_BREAK = re.compile(r"""(["'])\s*\n\s*[fFrRbBuU]?(["'])""")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                         "\u2013": "-", "\u2014": "-", "\u00a0": " "})


def normalise(text: str) -> str:
    return _SPACE.sub(" ", text.translate(_QUOTES)).lower()


def windows(text: str) -> Iterator[tuple[int, str]]:
    """Each RUN-character window of ``text`` that starts at a word, with its offset."""
    for m in _WORD_START.finditer(text):
        window = text[m.start():m.start() + RUN]
        if len(window) == RUN:
            yield m.start(), window


def strings_of(value: object) -> Iterator[str]:
    """Every string in a JSON value long enough to hold a run (notes, texts, evidence)."""
    if isinstance(value, str):
        if len(value) >= RUN:
            yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings_of(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings_of(v)


def dev_index() -> dict[str, str]:
    """Window -> where it comes from ("acled_ukraine_dev.jsonl line 12")."""
    index: dict[str, str] = {}
    for path in sorted(DEV.glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                for text in strings_of(json.loads(line)):
                    for _, window in windows(normalise(text)):
                        index.setdefault(window, f"{path.name} line {n}")
    return index


def project_files() -> Iterator[Path]:
    for name in SCANNED:
        top = ROOT / name
        paths = [top] if top.is_file() else sorted(top.rglob("*"))
        for path in paths:
            if (path.is_file() and not SKIPPED_DIRS.intersection(path.parts)
                    and not any(path.is_relative_to(d) for d in NOT_SCANNED)):
                yield path


def read_text(path: Path) -> str | None:
    data = path.read_bytes()
    if b"\0" in data[:8192]:
        return None  # images, compiled files
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return _LITERAL_BREAK.sub("", text) if path.suffix == ".py" else text


@pytest.mark.skipif(not any(DEV.glob("*.jsonl")), reason="no dev sets at ../shared/dev")
def test_no_file_of_the_project_quotes_a_dev_set():
    index = dev_index()
    assert len(index) > 1000  # the dev sets were read: an empty index would pass anything
    found = []
    for path in project_files():
        text = read_text(path)
        if text is None:
            continue
        last_end = -1
        for offset, window in windows(normalise(text)):
            if window in index and offset >= last_end:  # one report per run
                last_end = offset + RUN
                found.append(f"{path.relative_to(ROOT)}: {window!r} ({index[window]})")
    assert not found, "dev-set text in the project:\n" + "\n".join(found)


def test_a_run_wrapped_over_python_string_literals_is_one_run():
    # The join is what lets the scan see a quote as the tests wrap it to the line length.
    source = ('x = ("Shelling was reported near the river crossing on Tuesday "\n'
              '     "evening, and the ferry stopped running.")\n')
    joined = normalise(_LITERAL_BREAK.sub("", source))
    quoted = normalise("Shelling was reported near the river crossing on Tuesday evening, and "
                       "the ferry stopped running.")
    assert {w for _, w in windows(quoted)} <= {w for _, w in windows(joined)}
