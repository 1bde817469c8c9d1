"""Page views under load on one shared server, in headless Chromium (127.0.0.1 only).

    python bench/load.py [--viewers 8] [--seconds 90] [--no-writers] [--reload]

One server on the bundled articles. First, page views alone: one session opens the Map page
again and again (navigation to markers drawn). Then the same views while the server is shared
by ``--viewers`` viewing sessions (Map, Timeline, a place filter; pages opened by the sidebar's
links as an analyst does, or with ``--reload`` by their address), one uploader
(20 new articles through the Add articles page, again and again: ingest runs on the server's
background worker) and one corrector (an alias saved and undone through the store, which makes
every session reload and re-merge). Prints the median Map view alone, under load, and their
ratio (issue 13's target: <= 3x). Bounded: every session stops after ``--seconds``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import statistics
import sys
import tempfile
import time
from pathlib import Path

import websockets
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.dashboard_driver import ARGS, CHROMIUM, map_view, start, timeline_view  # noqa: E402
from geo.store.db import Store  # noqa: E402

LOCAL = ("http://127.0.0.1", "data:", "blob:", "about:")


def _browser(p):
    return p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)


def _page(browser, outside: list[str]):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.on("request", lambda r: None if r.url.startswith(LOCAL) else outside.append(r.url))
    return page


def viewer(url: str, seconds: float, click: bool, out: mp.Queue) -> None:
    times, outside = [], []
    try:
        _view_loop(url, seconds, click, times, outside)
    except Exception as exc:  # noqa: BLE001 - a stuck session is a result too
        outside.append(f"(viewer stopped: {type(exc).__name__}: {str(exc)[:200]})")
    out.put(("viewer", times, outside))


def _view_loop(url: str, seconds: float, click: bool, times: list[float],
               outside: list[str]) -> None:
    with sync_playwright() as p:
        browser = _browser(p)
        page = _page(browser, outside)
        deadline = time.perf_counter() + seconds
        n = 0
        timeline_view(page, url)
        while time.perf_counter() < deadline:
            times.append(map_view(page, url, click=click))
            n += 1
            timeline_view(page, url, click=click)
            if n % 2:
                box = page.get_by_placeholder("e.g. Kharkiv, Donetsk, Belarus")
                box.fill("Kharkiv" if n % 4 == 1 else "")
                box.press("Enter")
                time.sleep(0.5)
        browser.close()


def protocol_viewer(url: str, seconds: float, out: mp.Queue) -> None:
    """A session that asks for pages as a browser does, over Streamlit's own websocket
    protocol, and draws nothing: the server does all of each view's work (the script run, the
    map built and sent), while the drawing an analyst's own machine would do costs nothing
    here. Times each Map page from the request to the server's "script finished"."""
    times, notes = [], []
    try:
        asyncio.run(_protocol_loop(url, seconds, times))
    except Exception as exc:  # noqa: BLE001 - a stuck session is a result too
        notes.append(f"(protocol viewer stopped: {type(exc).__name__}: {str(exc)[:200]})")
    out.put(("protocol", times, notes))


async def _protocol_loop(url: str, seconds: float, times: list[float]) -> None:
    async with _session(url) as ws:
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            times.append(await _protocol_view(ws, "map"))
            await _protocol_view(ws, "timeline")


def _session(url: str):
    """A browser's session, as Streamlit's frontend opens it (its websocket)."""
    return websockets.connect(url.replace("http", "ws", 1) + "/_stcore/stream",
                              subprotocols=["streamlit"], origin=url, max_size=None)


async def _protocol_view(ws, page_name: str) -> float:
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    request = BackMsg()
    request.rerun_script.page_name = page_name
    request.rerun_script.query_string = ""
    started = time.perf_counter()
    await ws.send(request.SerializeToString())
    while True:
        reply = ForwardMsg()
        reply.ParseFromString(await ws.recv())
        if reply.WhichOneof("type") == "script_finished":
            return time.perf_counter() - started


def protocol_alone(url: str, views: int) -> list[float]:
    async def run() -> list[float]:
        async with _session(url) as ws:
            times = []
            for _ in range(views + 1):
                times.append(await _protocol_view(ws, "map"))
                await _protocol_view(ws, "timeline")
            return times[1:]  # the first one makes the session
    return asyncio.run(run())


def uploader(url: str, seconds: float, folder: str, out: mp.Queue,
             telegram: int = 0) -> None:
    outside: list[str] = []
    rounds = [0]
    try:
        _upload_loop(url, seconds, folder, rounds, outside, telegram=telegram)
    except Exception as exc:  # noqa: BLE001
        outside.append(f"(uploader stopped: {type(exc).__name__}: {str(exc)[:200]})")
    out.put(("uploader", rounds, outside))


def _upload_loop(url: str, seconds: float, folder: str, done: list[int],
                 outside: list[str], *, telegram: int = 0) -> None:
    rounds = 0
    with sync_playwright() as p:
        browser = _browser(p)
        page = _page(browser, outside)
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            if telegram and rounds:
                # One channel export of that many posts, uploaded once: its ingest runs on
                # the server's worker for the rest of the run.
                time.sleep(1)
                continue
            batch = Path(folder) / f"round-{rounds}"
            batch.mkdir()
            if telegram:
                write_telegram(batch, telegram)
            else:
                write_uploads(batch, 20, tag=f"round {rounds}")  # new texts: real work each time
            files = sorted(batch.iterdir())
            page.goto(f"{url}/add")
            page.locator("input[type='file']").set_input_files(files)
            # Enabled once the server has taken the files, which waits behind other sessions.
            page.get_by_role("button", name="Add the files").click(timeout=120_000)
            page.get_by_text("Ingests on this server").wait_for(timeout=120_000)
            rounds += 1
            done[0] = rounds
            time.sleep(5)
        browser.close()


def corrector(store_path: str, seconds: float, out: mp.Queue) -> None:
    store = Store(Path(store_path))
    deadline = time.perf_counter() + seconds
    saved = 0
    while time.perf_counter() < deadline:
        change = store.add_change("add_alias", "Kharkov", {"alias": "Kharkov",
                                                           "place_key": "gn:706483"})
        time.sleep(3)
        store.undo_change(change)
        saved += 1
        time.sleep(3)
    out.put(("corrector", [saved], []))


def write_telegram(folder: Path, count: int) -> None:
    """A Telegram Desktop export of ``count`` short Ukrainian posts (``geo.synthetic``)."""
    from geo.synthetic import make_posts  # noqa: PLC0415

    export, _english = make_posts(count)
    (folder / "result.json").write_text(json.dumps(export, ensure_ascii=False),
                                        encoding="utf-8")


def write_uploads(folder: Path, count: int, *, tag: str = "") -> None:
    cities = ["Kharkiv", "Odesa", "Lviv", "Dnipro", "Mykolaiv", "Sumy", "Kherson", "Poltava"]
    for n in range(count):
        (folder / f"load-{n:03d}.txt").write_text(
            f"Russian forces shelled {cities[n % 8]} on March {n % 28 + 1}, 2022, officials "
            f"said. At least {n % 9 + 1} people were killed and others wounded. Report {n} {tag}.",
            encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--viewers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=90)
    parser.add_argument("--alone", type=int, default=5, help="Map views measured alone")
    parser.add_argument("--no-writers", action="store_true",
                        help="viewers only (what the writers add is the difference)")
    parser.add_argument("--clients", choices=["protocol", "browser"], default="protocol",
                        help="protocol: one viewer is a browser (the probe whose views are "
                             "timed), the others ask for pages over Streamlit's websocket and "
                             "draw nothing, as when analysts' browsers run on their own "
                             "machines; browser: every viewer is a headless Chromium on this "
                             "machine, sharing its cores with the server")
    parser.add_argument("--telegram", type=int, default=0, metavar="POSTS",
                        help="the uploader sends one Telegram export of this many posts "
                             "instead of batches of 20 articles")
    parser.add_argument("--reload", action="store_true",
                        help="open each page by its address (the browser reloads the whole "
                             "app) instead of the sidebar's links")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    store_path = tmp / "load.sqlite"
    uploads = tmp / "uploads"
    uploads.mkdir()
    proc, url, _ = start({"GEO_STORE": str(store_path)})
    try:
        outside: list[str] = []
        with sync_playwright() as p:
            browser = _browser(p)
            page = _page(browser, outside)
            map_view(page, url)  # warm the server's caches
            time.sleep(20)  # and let the job worker load its models, as on a running server
            alone = []
            for _ in range(args.alone):  # the viewers' own round: Timeline, then Map
                timeline_view(page, url, click=not args.reload)
                alone.append(map_view(page, url, click=not args.reload))
            browser.close()
        server_alone = protocol_alone(url, args.alone)
        ctx = mp.get_context("spawn")
        queue: mp.Queue = ctx.Queue()
        browsers = args.viewers if args.clients == "browser" else 1
        workers = [ctx.Process(target=viewer, args=(url, args.seconds, not args.reload, queue))
                   for _ in range(browsers)]
        workers += [ctx.Process(target=protocol_viewer, args=(url, args.seconds, queue))
                    for _ in range(args.viewers - browsers)]
        if not args.no_writers:
            workers.append(ctx.Process(target=uploader, args=(url, args.seconds,
                                                              str(uploads), queue,
                                                              args.telegram)))
            workers.append(ctx.Process(target=corrector, args=(str(store_path), args.seconds,
                                                               queue)))
        for w in workers:
            w.start()
        results = [queue.get(timeout=args.seconds + 400) for _ in workers]
        for w in workers:
            w.join(timeout=60)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    loaded = [t for kind, times, _ in results if kind == "viewer" for t in times]
    server_loaded = [t for kind, times, _ in results if kind == "protocol" for t in times]
    outside += [u for _, _, urls in results for u in urls]
    rounds = {kind: times[0] for kind, times, _ in results
              if kind in ("uploader", "corrector") and times}
    med_alone, med_loaded = statistics.median(alone), statistics.median(loaded or [0.0])
    upload = (f"one Telegram export of {args.telegram:,} posts" if args.telegram else
              f"{rounds.get('uploader', 0)} uploads of 20 new articles")
    writers = "" if args.no_writers else (
        f", 1 uploader ({upload}), 1 corrector "
        f"({rounds.get('corrector', 0)} alias saves and undos)")
    how = "pages opened by address (app reloaded)" if args.reload else "sidebar links"
    clients = ("all in headless Chromium on this machine" if args.clients == "browser" else
               f"1 in headless Chromium (the probe), {args.viewers - 1} over the protocol")
    print(f"server: {url}; {args.viewers} viewers ({clients}){writers}, {args.seconds:.0f} s; "
          f"{how}")
    print("| measure | median s | views |")
    print("|---|---|---|")
    print(f"| Map view alone, in the browser | {med_alone:.2f} | {len(alone)} |")
    shared = "viewers only" if args.no_writers else "with an uploader and a corrector"
    sessions = args.viewers + (0 if args.no_writers else 2)
    print(f"| Map view in the browser, {sessions} sessions {shared} | {med_loaded:.2f} | "
          f"{len(loaded)} |")
    print(f"| ratio (target <= 3x) | {med_loaded / med_alone:.1f}x | |")
    med_server = statistics.median(server_alone)
    print(f"| the server's Map view alone (request to script finished) | {med_server:.2f} | "
          f"{len(server_alone)} |")
    if server_loaded:
        print(f"| the server's Map view under the same load | "
              f"{statistics.median(server_loaded):.2f} | {len(server_loaded)} |")
    print(f"articles stored at the end: {Store(store_path).article_count()}")
    print(f"requests that left the machine: {len([u for u in outside if u[0] != '('])}")
    for note in (u for u in outside if u[0] == "("):
        print(note)


if __name__ == "__main__":
    main()
