"""Debian's chromium for the browser tests: where it is, and how to launch it (no download)."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require_chromium() -> None:
    """Skip the calling test module where chromium is missing, saying why; CI must have it."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            raise RuntimeError(f"chromium not found at {CHROMIUM}: apt-get install chromium")
        pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)
