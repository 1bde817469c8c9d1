"""Issue 28 in the browser: a first start and an upload leave the server's console quiet, and
a zip with a corrupt member is refused by name on the Add page while the rest goes in."""

from __future__ import annotations

import re
import tempfile

import pytest

from geo.store.db import Store
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, no_exception, start_server
from tests.test_hostile_inputs import zip_with_a_corrupt_member

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api")

# What a console line that is not news looks like: Python's warnings, Streamlit's log
# warnings, multiprocessing's resource tracker, tracebacks.
NOISE = re.compile(r"warn|Traceback|Error|missing ScriptRunContext|bare mode|leaked|"
                   r"deprecat|will be removed|Please replace",
                   re.IGNORECASE)


def test_first_start_and_an_upload_leave_the_console_quiet_and_name_a_corrupt_member(
        tmp_path):
    (tmp_path / "batch.zip").write_bytes(zip_with_a_corrupt_member())
    store_path = tmp_path / "store" / "news.sqlite"
    proc, url = start_server({"GEO_STORE": str(store_path)})
    try:
        with playwright_api.sync_playwright() as p:
            context = p.chromium.launch_persistent_context(
                tempfile.mkdtemp(), executable_path=CHROMIUM, headless=True,
                args=CHROMIUM_ARGS, viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            page.goto(f"{url}/add")  # the first view: the bundled articles are loaded
            page.get_by_role("button", name="Add the files").wait_for(timeout=120_000)
            page.locator("input[type='file']").set_input_files(str(tmp_path / "batch.zip"))
            page.get_by_role("button", name="Add the files").click()
            page.get_by_text("batch.zip/b.txt: cannot be unpacked").wait_for(timeout=180_000)
            no_exception(page)
            context.close()
        assert {"a", "c"} <= {a.id for a in Store(store_path).articles()}
    finally:
        proc.terminate()
        console = proc.communicate(timeout=30)[0].decode(errors="replace")
    noise = [line for line in console.splitlines() if NOISE.search(line)]
    assert noise == [], console[-3000:]
