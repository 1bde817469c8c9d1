"""Learned weights as small versioned JSON files (``data/models/``): one reader for every
trained part, so each refuses a damaged file or one made for other features the same way.

A file holds ``features_version``, ``weights`` (feature name -> weight) and ``meta`` (how it
was trained and its cross-validated figures), plus whatever else its model needs
(the recogniser's ``threshold``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from geo.errors import GeoError


def read_weights(path: Path, *, version: int, what: str, retrain: str) -> dict[str, Any]:
    """The file's content, with ``weights`` as floats, once checked.

    Args:
        path: the JSON file.
        version: the feature-set version this code computes.
        what: the model's name, for messages ("the recogniser model").
        retrain: the command that makes a new file.

    Raises:
        GeoError: when the file is missing, malformed, or made for other features.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        data["weights"] = {str(k): float(v) for k, v in data["weights"].items()}
        found = int(data["features_version"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise GeoError(f"cannot read {what} {path}: {exc}; retrain it with {retrain}") from exc
    if found != version:
        raise GeoError(f"{path} was trained on features v{found}, this code computes "
                       f"v{version}: {retrain}")
    data.setdefault("meta", {})
    return data
