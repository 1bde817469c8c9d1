#!/usr/bin/env bash
# Installs everything the test suite needs, then runs it. Used by the README and by .ci/run.
# Works on a fresh Debian machine with Python 3.11: the Python packages go into ./.venv
# (Debian's own pip refuses system installs: "externally-managed-environment").
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  # The browser tests drive Debian's Chromium; Playwright must never download its own browser.
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
fi
if [ -z "${VIRTUAL_ENV:-}" ]; then
  if [ ! -x .venv/bin/python ]; then
    # Packages the interpreter already has are reused, so a prepared machine installs little.
    if ! python3 -m venv --system-site-packages .venv 2>/dev/null; then
      # Debian ships venv's pip bootstrap separately.
      rm -rf .venv
      if [ "$(id -u)" = 0 ]; then apt-get install -y -qq python3-venv >/dev/null;
      else sudo apt-get install -y -qq python3-venv >/dev/null; fi
      python3 -m venv --system-site-packages .venv
    fi
  fi
  PYTHON=.venv/bin/python
else
  PYTHON=python3
fi
"$PYTHON" -m pip install -q -r requirements-dev.txt
"$PYTHON" -m ruff check .
"$PYTHON" -m pytest "$@"
