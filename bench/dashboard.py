"""Dashboard speed in headless Chromium (Debian's), with every request kept on the machine.

    python bench/dashboard.py [--incidents 10000] [--runs 3]

Measures, as medians of several runs, each timed in the browser (the moment the change is
painted, on the browser's clock):
* first paint of the Map page with N incidents (``geo.synthetic.write_corpus``): from
  navigation to the markers drawn, server cache warm. Baseline in the same run: the bundled
  five-article corpus (19 incidents);
* a marker click to its card: clicking a point in view until the location's cards replace
  the panel's "click a marker" hint;
* a filter change redrawn: typing a place in the sidebar until the map shows the new markers;
* first start, as on a fresh clone: from launching the server, with an empty store and no
  gazetteer index cache, to the first map drawn with the bundled articles (every run starts
  from nothing; ``--cold-only`` measures just this).
Targets (issue 10): first paint <= 3 s, filter redraw <= 1 s, marker click to card <= 1 s,
first start <= 10 s.

``--store PATH`` measures a filled store instead (a copy of it, e.g. the 10,000 articles
``bench/scale.py --keep`` leaves): from launching the server to the first map drawn, on the
store file alone (the incident tables read from SQLite) and again after a restart (from the
snapshot the first server left beside the store, brought up to date by a delta: the usual
case, as ``python -m geo ingest`` leaves one too); a second session's map (warm); and the
server process's resident memory.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.dashboard_driver import ARGS, MAP_FRAME, MARKERS, start  # noqa: E402
from geo.gazetteer.index import Gazetteer  # noqa: E402
from geo.synthetic import write_corpus  # noqa: E402

# Every time is taken in the browser, on the epoch clock shared by the page and the map's
# frame (performance.timeOrigin + now), from a check run at every animation frame: Playwright's
# own waits poll at growing intervals, up to half a second apart, which put up to 0.5 s on a
# figure (measured: a card on the page 0.5 s after the click was seen by Playwright at 0.9 s).
_WATCH = """
window.__now = () => performance.timeOrigin + performance.now();
// Seen in one frame's check, painted by the start of the next: the later time is taken.
const painted = done => requestAnimationFrame(() => done(window.__now()));
// Epoch ms of the first frame on which a map frame other than ``old`` has drawn markers.
window.__whenMarkers = (old) => new Promise((done, fail) => {
  const give_up = setTimeout(() => fail(new Error('no markers drawn')), 120000);
  const tick = () => {
    const f = document.querySelector('FRAME');
    const d = f && f !== old && f.contentDocument;
    if (d && d.querySelector('MARKERS')) { clearTimeout(give_up); painted(done); }
    else requestAnimationFrame(tick);
  };
  tick();
});
// Epoch ms of the first frame on which a location's cards replace the "click a marker" hint.
window.__whenCard = () => new Promise((done, fail) => {
  const give_up = setTimeout(() => fail(new Error('no card shown')), 60000);
  const tick = () => {
    const hint = [...document.querySelectorAll('[data-testid=stAlert]')]
      .some(a => a.innerText.includes('Click a marker'));
    // The location's name, a subheading of the page's main part (the title is an h1).
    if (!hint && document.querySelector('[data-testid=stMain] [data-testid=stHeading] h3')) {
      clearTimeout(give_up); painted(done); }
    else requestAnimationFrame(tick);
  };
  tick();
});
window.addEventListener('DOMContentLoaded', () => {
  window.__firstMarkers = window.__whenMarkers(null);
  // The moment a filter is submitted (Enter in a sidebar field).
  document.addEventListener('keydown', e => {
    if (e.key === 'Enter') window.__submitted = window.__now(); }, true);
});
""".replace("FRAME", MAP_FRAME).replace("MARKERS", MARKERS)


def open_map(browser, url: str, outside: list[str]) -> tuple[object, float]:
    """A fresh page on /map; seconds from navigation start to the first markers drawn."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.on("request", lambda r: None if r.url.startswith(("http://127.0.0.1", "data:",
                                                           "blob:", "about:"))
            else outside.append(r.url))
    page.add_init_script(_WATCH)
    page.goto(f"{url}/map")
    drawn = page.evaluate("window.__firstMarkers")
    return page, (drawn - page.evaluate("performance.timeOrigin")) / 1000


# A drawn point inside the map's view: where to click, and the name its card will show.
_A_POINT = """() => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  const size = map.getSize();
  let found = null;
  map.eachLayer(l => {
    if (found || !l.feature || !l.getLatLng || !l.feature.properties.location_id) return;
    const p = map.latLngToContainerPoint(l.getLatLng());
    if (p.x > 40 && p.y > 40 && p.x < size.x - 260 && p.y < size.y - 180)
      found = {x: p.x, y: p.y};
  });
  return found;
}"""


# On a clustered map no single point may be in view: zoom to show one, as an analyst would.
_UNCLUSTER_ONE = """() => new Promise(done => {
  const group = Object.values(window).find(v => v instanceof L.MarkerClusterGroup);
  if (!group || !group.getLayers().length) { done(false); return; }
  // Its callback does not come when the point is shown already: settle after a while too.
  const timer = setTimeout(() => done(true), 3000);
  group.zoomToShowLayer(group.getLayers()[0],
                        () => setTimeout(() => { clearTimeout(timer); done(true); }, 600));
})"""


def click_to_card(page) -> float:
    """Seconds from a click on a marker (its mousedown in the map's frame) to its location's
    cards on the page (the panel's "click a marker" hint replaced by them); NaN when no
    single marker can be shown."""
    iframe = page.locator(MAP_FRAME).first
    frame = iframe.element_handle().content_frame()
    point = frame.evaluate(_A_POINT)
    if point is None and frame.evaluate(_UNCLUSTER_ONE):
        point = frame.evaluate(_A_POINT)
    if point is None:
        return float("nan")
    box = iframe.bounding_box()
    page.get_by_text("Click a marker to list its incidents", exact=False).first.wait_for(
        timeout=30_000)
    frame.evaluate("""() => document.addEventListener('mousedown', () => {
        window.__clicked = performance.timeOrigin + performance.now(); }, true)""")
    page.evaluate("() => { window.__card = window.__whenCard(); }")
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    shown = page.evaluate("window.__card")
    return (shown - frame.evaluate("window.__clicked")) / 1000


def filter_redraw(page, place: str) -> float:
    """Seconds from submitting a place filter (Enter) to the new map's markers drawn."""
    before = page.locator(MAP_FRAME).first.element_handle()
    box = page.get_by_placeholder("e.g. Kharkiv, Donetsk, Belarus")
    box.fill(place)
    page.evaluate("(old) => { window.__redrawn = window.__whenMarkers(old); }", before)
    box.press("Enter")
    drawn = page.evaluate("window.__redrawn")
    return (drawn - page.evaluate("window.__submitted")) / 1000


def measure(corpus: Path | None, runs: int, browser, outside: list[str], place: str,
            ) -> tuple[list[float], list[float], list[float]]:
    label = corpus.name if corpus else "bundled"
    env = {"GEO_STORE": str(Path(tempfile.mkdtemp()) / f"{label}.sqlite")}
    if corpus:
        env["GEO_ARTICLES_DIR"] = str(corpus)
    proc, url, _ = start(env)
    try:
        warm, _ = open_map(browser, url, outside)  # fills the server's caches
        warm.close()
        paints, redraws, clicks = [], [], []
        for _ in range(runs):
            page, seconds = open_map(browser, url, outside)
            paints.append(seconds)
            time.sleep(1.0)
            redraws.append(filter_redraw(page, place))
            page.close()
            # On a fresh page, so the click finds the map as first drawn.
            page, _ = open_map(browser, url, outside)
            time.sleep(1.0)
            clicks.append(click_to_card(page))
            page.close()
        return paints, redraws, clicks
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def cold_starts(runs: int, browser, outside: list[str], *, index_built: bool = False,
                ) -> list[float]:
    """First start as on a fresh clone: a new empty store, and a new empty index cache
    unless ``index_built`` (as after the README's install command, which builds it)."""
    seconds = []
    for _ in range(runs):
        fresh = Path(tempfile.mkdtemp())
        env = {"GEO_STORE": str(fresh / "cold.sqlite")}
        if not index_built:
            env["GEO_CACHE_DIR"] = str(fresh / "cache")
        seconds.append(start_to_first_map(env, browser, outside))
    return seconds


def start_to_first_map(env: dict[str, str], browser, outside: list[str]) -> float:
    """Seconds from launching a server to its first map drawn; the server is stopped after."""
    proc, url, started = start(env)
    try:
        page, _ = open_map(browser, url, outside)
        seconds = time.perf_counter() - started
        page.close()
        return seconds
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def filled_store(path: Path, runs: int) -> None:
    import shutil

    from geo.store.snapshot import read_snapshot, snapshot_dir

    colds, restarts, warms, rss = [], [], [], []
    outside: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for _ in range(runs):
            copy = Path(tempfile.mkdtemp()) / "filled.sqlite"
            shutil.copyfile(path, copy)  # the store alone: no snapshot beside it
            proc, url, started = start({"GEO_STORE": str(copy)})
            try:
                page, _ = open_map(browser, url, outside)
                colds.append(time.perf_counter() - started)
                page.close()
                page, seconds = open_map(browser, url, outside)
                warms.append(seconds)
                page.close()
                rss.append(rss_mb(proc.pid))
                deadline = time.perf_counter() + 60  # the first read leaves a snapshot
                while read_snapshot(snapshot_dir(copy)) is None and (
                        time.perf_counter() < deadline):
                    time.sleep(0.2)
            finally:
                proc.terminate()
                proc.wait(timeout=30)
            # The server started again on the same store: it starts from the snapshot.
            restarts.append(start_to_first_map({"GEO_STORE": str(copy)}, browser, outside))
        browser.close()
    print(f"store {path} ({path.stat().st_size / 1e6:.0f} MB)")
    print(f"first start on the store alone, to first map: {fmt(colds)}")
    print(f"restart (snapshot beside the store), to first map: {fmt(restarts)}")
    print(f"second session's map: {fmt(warms)}")
    print(f"server RSS after both: median {statistics.median(rss):.0f} MB")
    print(f"requests off the machine: {len(outside)}")


def fmt(values: list[float]) -> str:
    return f"median {statistics.median(values):.2f} s (runs: " + ", ".join(
        f"{v:.2f}" for v in values) + ")"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cold-only", action="store_true", help="measure only the first start")
    parser.add_argument("--store", type=Path, help="measure this filled store (a copy of it)")
    args = parser.parse_args()
    if args.store:
        filled_store(args.store, args.runs)
        return
    if args.cold_only:
        outside: list[str] = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                        args=ARGS)
            cold = cold_starts(args.runs, browser, outside)
            Gazetteer.load()
            built = cold_starts(args.runs, browser, outside, index_built=True)
            browser.close()
        print(f"first start to first map, fresh store and index cache: {fmt(cold)}")
        print(f"first start to first map, fresh store, index built at install: {fmt(built)}")
        print(f"requests that left the machine: {len(outside)}")
        return
    Gazetteer.load()  # the index cache exists before any server starts
    outside: list[str] = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        corpus = Path(tmp) / "corpus"
        write_corpus(corpus, incidents=args.incidents, gazetteer=Gazetteer.load())
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                    args=ARGS)
        base_paint, base_redraw, base_click = measure(None, args.runs, browser, outside,
                                                      "Kharkiv")
        big_paint, big_redraw, big_click = measure(corpus, args.runs, browser, outside,
                                                   "Donetsk")
        cold = cold_starts(args.runs, browser, outside)
        browser.close()
    print(f"bundled corpus (19 incidents): first paint {fmt(base_paint)}; "
          f"filter redraw {fmt(base_redraw)}; marker click to card {fmt(base_click)}")
    print(f"synthetic corpus ({args.incidents} incidents): first paint {fmt(big_paint)}; "
          f"filter redraw {fmt(big_redraw)}; marker click to card {fmt(big_click)}")
    print(f"ratio {args.incidents} / 19 incidents, first paint: "
          f"{statistics.median(big_paint) / statistics.median(base_paint):.2f}")
    print(f"first start to first map, fresh store and index cache: {fmt(cold)}")
    print(f"requests that left the machine: {len(outside)}")


if __name__ == "__main__":
    main()
