"""Download files made off the request path, by the server's background worker
(``geo.store.jobs``): the filtered incidents' files (``geo.exports.INCIDENT_FILES``) and a
full backup of the store. For thousands of incidents, or a store of tens of megabytes, the
work is seconds that, in the server, would slow every session's page views.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from geo.exports import INCIDENT_FILES
from geo.store.db import Store
from geo.store.jobs import JobLike


def incident_files_job(ctx: JobLike, incidents: pd.DataFrame, out_dir: str) -> dict[str, str]:
    """The filtered incidents' download files, written into ``out_dir`` by the server's
    background worker (``geo.store.jobs``): for thousands of incidents building them is seconds of
    Python that, in the server, would slow every session's page views.

    Returns:
        File name -> path of each file written.
    """
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, str] = {}
    for n, (name, (make, _)) in enumerate(INCIDENT_FILES.items()):
        if ctx.cancelled():
            break
        ctx.progress(n, len(INCIDENT_FILES), name)
        path = folder / name
        path.write_bytes(make(incidents).encode("utf-8"))  # CRLF rows kept as they are
        written[name] = str(path)
    ctx.progress(len(written), len(INCIDENT_FILES), "")
    return written


def backup_job(ctx: JobLike, store_path: str, out_dir: str) -> dict[str, str]:
    """A full backup of the store (``Store.backup``), made by the background worker."""
    ctx.progress(0, 1, "backup.sqlite")
    path = Store(Path(store_path)).backup(Path(out_dir) / "backup.sqlite")
    ctx.progress(1, 1, "")
    return {"backup.sqlite": str(path)}
