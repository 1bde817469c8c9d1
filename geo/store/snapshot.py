"""A snapshot of the stored incident tables beside the store, so a reader starts warm.

Reading 17,000 incidents and 33,000 reports out of SQLite and typing them as DataFrames takes
seconds; the same tables as Parquet load in a tenth of a second. A snapshot holds the tables
as they were at one store state (``Store.state``); a reader loads it and brings it up to date
with ``Store.delta`` — the same path a running dashboard takes after each write — so a
snapshot taken before the last writes is still good, and one the store can no longer relate
to (a restore, a deletion) is simply not used.

Layout: ``<store>.snapshot/`` holds ``incidents.parquet``, ``reports.parquet`` and
``meta.json`` (format, state, each file's SHA-256). ``meta.json`` is written last, so a
snapshot cut short by a crash fails its check and is ignored. Parquet is plain data: nothing in
a snapshot can run code. Nothing here is needed: a missing, stale or damaged snapshot only
means a slower start.

Example:
    >>> import tempfile, pandas as pd
    >>> folder = Path(tempfile.mkdtemp())
    >>> frame = pd.DataFrame({"event_id": ["e1"]})
    >>> write_snapshot(folder, "state-1", incidents=frame, reports=frame)
    True
    >>> read_snapshot(folder).state
    'state-1'
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

FORMAT = "geo-incident-snapshot-3"  # 3: reports carry published and place_reason
_TABLES = ("incidents", "reports")


@dataclass(frozen=True)
class Snapshot:
    """The incident tables as they were at ``state``."""

    state: str
    incidents: pd.DataFrame
    reports: pd.DataFrame


def snapshot_dir(store_path: Path) -> Path:
    """Where the snapshot of the store at ``store_path`` lives."""
    return store_path.with_name(store_path.name + ".snapshot")


def write_snapshot(folder: Path, state: str, *, incidents: pd.DataFrame,
                   reports: pd.DataFrame) -> bool:
    """Write the tables at ``state``; False (and nothing changed) when the folder cannot be
    written (a read-only store's directory, a full disk)."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".snapshot-", dir=folder.parent))
    except OSError:
        return False
    try:
        digests = {}
        for name, frame in zip(_TABLES, (incidents, reports), strict=True):
            frame.to_parquet(staging / f"{name}.parquet", index=False)
            digests[name] = _digest(staging / f"{name}.parquet")
        (staging / "meta.json").write_text(json.dumps(
            {"format": FORMAT, "state": state, "sha256": digests}), encoding="utf-8")
        old = folder.with_name(folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            folder.rename(old)
        staging.rename(folder)  # the new snapshot appears whole or not at all
        shutil.rmtree(old, ignore_errors=True)
        return True
    except (OSError, ValueError, ImportError):
        shutil.rmtree(staging, ignore_errors=True)
        return False


def read_snapshot(folder: Path) -> Snapshot | None:
    """The snapshot in ``folder``, or None when there is none or it fails its check."""
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        if not isinstance(meta, dict) or meta.get("format") != FORMAT or not isinstance(
                meta.get("state"), str):
            return None
        frames = []
        for name in _TABLES:
            path = folder / f"{name}.parquet"
            if _digest(path) != meta["sha256"][name]:
                return None
            frames.append(pd.read_parquet(path))
        return Snapshot(meta["state"], *frames)
    except (OSError, ValueError, KeyError, TypeError, ImportError):
        return None


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
