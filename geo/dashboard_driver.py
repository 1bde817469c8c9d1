"""Driving the dashboard from a headless browser, for the benches that time it
(``bench/dashboard.py``, ``bench/load.py``, ``bench/big_upload.py``): a server started on a
free port of 127.0.0.1, the Chromium flags that keep every request on the machine, and page
views timed from the sidebar's link (or the page's address) to the page drawn.

Nothing of the pipeline imports this; the browser pages are Playwright's (``page`` objects),
Debian's Chromium at ``CHROMIUM``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
# No background traffic of the browser's own: a bench counts every request that leaves the
# machine, and the figures must not wait on one.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# What a drawn map shows: a marker, or a cluster of them.
MARKERS = "path.leaflet-interactive, .marker-cluster"
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


def free_port() -> int:
    """A TCP port of 127.0.0.1 free now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(env: dict[str, str]) -> tuple[subprocess.Popen, str, float]:
    """Launch ``streamlit run dashboard.py`` with ``env`` added to this process's; return the
    process, its address and the ``perf_counter`` time it was launched at, once it answers its
    health check."""
    port = free_port()
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port),
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read() == b"ok":
                    return proc, url, started
        except OSError:
            time.sleep(0.05)


def map_view(page: Any, url: str, *, click: bool = False) -> float:
    """Seconds from asking for the Map page to its markers drawn: by the sidebar's link, as an
    analyst moves between pages of an open dashboard (``click``, from another page), or by
    loading the page's address, which also reloads the whole app in the browser."""
    started = time.perf_counter()
    if click:
        page.locator('[data-testid="stSidebar"] a[href$="map"]').click()
    else:
        page.goto(f"{url}/map")
    page.frame_locator(MAP_FRAME).first.locator(MARKERS).first.wait_for(timeout=90_000)
    return time.perf_counter() - started


def timeline_view(page: Any, url: str, *, click: bool = False) -> None:
    """Open the Timeline page (as ``map_view`` opens the Map) and wait for its chart."""
    if click:
        page.locator('[data-testid="stSidebar"] a[href$="timeline"]').click()
    else:
        page.goto(f"{url}/timeline")
    page.locator("[data-testid='stVegaLiteChart']").first.wait_for(timeout=90_000)
