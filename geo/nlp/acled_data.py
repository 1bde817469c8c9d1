"""ACLED's naming, kept as data: ``data/acled/*.csv`` (armed groups, country names, the periods
of governments), each file opening with ``#`` lines that say where it comes from.

Example:
    >>> rows = acled_rows("state_periods")
    >>> next(r["period"] for r in rows if r["iso2"] == "RU")
    '2000-'
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

ACLED_DATA = Path(__file__).resolve().parents[2] / "data" / "acled"


@cache
def acled_rows(name: str) -> tuple[dict[str, str], ...]:
    """The rows of ``data/acled/<name>.csv``, its ``#`` provenance lines skipped."""
    with (ACLED_DATA / f"{name}.csv").open(encoding="utf-8") as fh:
        return tuple(csv.DictReader(line for line in fh if not line.startswith("#")))
