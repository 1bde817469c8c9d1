"""The tree keeps the layout the design asks for: no import circle, no import from a higher
layer, no file over 600 lines, no function over 80, no test or bench importing a bench or a
script (``scripts/check_layers.py``, run as a user would run it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_tree_has_no_layering_finding():
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "check_layers.py")],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-3000:]
    assert "0 findings" in run.stdout
