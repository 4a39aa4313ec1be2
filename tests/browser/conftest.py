"""Playwright driving Debian's chromium (no browser download) for the browser tests."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.browser.chromium import CHROMIUM, LAUNCH_ARGS, require_chromium

__all__ = ["require_chromium"]


@pytest.fixture
def page() -> Iterator[object]:
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # around it are ordinary synchronous ones.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=LAUNCH_ARGS,
        )
        context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
        yield context.new_page()
        context.close()
        browser.close()
