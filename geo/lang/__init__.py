"""Each language's words, apart from the code that reads them: ``geo/lang/<code>/*.json``.

A file holds lists under named keys and a ``source`` line saying where the words come from
(a grammar, a style book, ACLED's codebook). A stage reads them with ``words(lang, file)``;
a third language is a new folder of such files plus its tests, not a change of algorithm.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from geo.errors import GeoError

LANG_DIR = Path(__file__).resolve().parent


@cache
def words(lang: str, name: str) -> dict[str, Any]:
    """The lists of ``geo/lang/<lang>/<name>.json`` (English when the language has none).

    Raises:
        GeoError: when the file is missing or not a JSON object.
    """
    path = LANG_DIR / lang / f"{name}.json"
    if not path.exists():
        path = LANG_DIR / "en" / f"{name}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GeoError(f"cannot read the language data {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise GeoError(f"{path} must hold a JSON object of word lists")
    return data
