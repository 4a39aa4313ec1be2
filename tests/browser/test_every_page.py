"""Every demo role, every page its menu and home page lead to, on a phone and on a desk.

Seeds the demo county once, then for one user of each demo role: signs in with a Chinese browser,
collects the links of the menu and of the home page, and opens each at 360x740 (then widens the
same page to 1280x800). Each page must answer 200 with no failed request and no console error,
scroll no sideways at either width, read in Chinese (no English sentence left: three English words
in a row), carry a title of its own, and weigh under 100 KB compressed (its HTML, CSS and JS, each
gzipped as the server sends it). A screenshot of each page at each width goes to
``var/screenshots/<role>/`` (``SCREENSHOT_DIR`` moves it; CI keeps ``var/``).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import time
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.browser.chromium import CHROMIUM, LAUNCH_ARGS, require_chromium

require_chromium()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
DESK = {"width": 1280, "height": 800}
MAX_PAGE_BYTES = 100 * 1024
# Links a person follows from the menu and home page that are not pages to check here.
SKIPPED = re.compile(r"^/(logout|admin|api|i18n|media)/|export")
# Three English words in a row: a sentence someone forgot to translate. Usernames (county_admin)
# and codes are not words by this pattern; a lone word (Excel) is allowed.
ENGLISH_RUN = re.compile(r"\b[A-Za-z]{2,}(?:[ ,.;:'’()/-]+[A-Za-z]{2,}\b){2,}")


@pytest.fixture
def demo_logins(transactional_db: Any) -> list[dict[str, str]]:
    """One login of each demo role. Seeded before Playwright starts (see test_sign_in)."""
    out = StringIO()
    call_command("seed_demo", "--json", stdout=out, stderr=StringIO())
    by_role: dict[str, dict[str, str]] = {}
    for login in json.loads(out.getvalue()):
        by_role.setdefault(login["role"], login)
    return list(by_role.values())


@pytest.fixture
def browser() -> Iterator[Any]:
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


class PageCheck:
    """What one signed-in person's browser saw: failures are collected, then asserted at once."""

    def __init__(self, context: Any, base_url: str, shots: Path) -> None:
        self.context = context
        self.base_url = base_url
        self.shots = shots
        self.failures: list[str] = []
        self.page = context.new_page()
        self.current = ""
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self._fail(f"script error: {error}"))
        self.page.on("response", self._response)
        self._sizes: dict[str, int] = {}
        self.timings: list[tuple[float, str]] = []

    def _fail(self, message: str) -> None:
        self.failures.append(f"{self.current}: {message}")

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self._fail(f"console error: {message.text}")

    def _response(self, response: Any) -> None:
        if response.status >= 500 or (
            response.status >= 400 and response.request.resource_type != "document"
        ):
            self._fail(f"{response.status} for {response.url}")

    def sign_in(self, username: str, password: str) -> None:
        self.current = "/login/"
        self.page.goto(f"{self.base_url}/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        self.page.click("main button[type=submit]")
        self.page.wait_for_url(f"{self.base_url}/")

    def links(self) -> list[str]:
        """The menu's links and the home page's, as paths, in page order."""
        hrefs = self.page.eval_on_selector_all(
            "header a[href], .bottombar a[href], main a[href]",
            "links => links.filter(a => !a.hasAttribute('download')).map(a => a.href)",
        )
        paths = []
        for href in hrefs:
            parts = urlsplit(href)
            if f"{parts.scheme}://{parts.netloc}" != self.base_url or SKIPPED.search(parts.path):
                continue
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path not in paths:
                paths.append(path)
        return paths

    def check(self, path: str, number: int) -> None:
        started = time.monotonic()
        try:
            self._check(path, number)
        finally:
            self.timings.append((time.monotonic() - started, path))

    def _check(self, path: str, number: int) -> None:
        self.current = path
        self.page.set_viewport_size(PHONE)
        response = self.page.goto(self.base_url + path)
        if response is None or response.status != 200:
            self._fail(f"answered {response.status if response else 'nothing'}")
            return
        if len(response.body()) > 200 and response.headers.get("content-encoding") != "gzip":
            self._fail("the page was not sent compressed")
        self._check_layout("phone")
        self._check_language()
        self._check_weight(response)
        slug = re.sub(r"[^0-9A-Za-z]+", "-", path).strip("-") or "home"
        self.page.screenshot(path=self.shots / f"{number:02d}-{slug}-360.png")
        self.page.set_viewport_size(DESK)
        self._check_layout("desk")
        self.page.screenshot(path=self.shots / f"{number:02d}-{slug}-1280.png")

    def _check_layout(self, where: str) -> None:
        scroll, inner = self.page.evaluate(
            "[document.scrollingElement.scrollWidth, window.innerWidth]"
        )
        if scroll > inner:
            self._fail(f"scrolls sideways on a {where}: {scroll} px wide in {inner}")

    def _check_language(self) -> None:
        title = self.page.title()
        if not title.endswith(" · 村治") or title == "村治 · 村治":
            self._fail(f"no title of its own: {title!r}")
        text = self.page.inner_text("body")
        english = ENGLISH_RUN.findall(text)
        if english:
            self._fail(f"English left in the page: {english[:3]}")

    def _check_weight(self, response: Any) -> None:
        assets = self.page.eval_on_selector_all(
            "link[rel=stylesheet][href], script[src]", "nodes => nodes.map(n => n.href || n.src)"
        )
        total = len(gzip.compress(response.body()))
        for url in assets:
            if url not in self._sizes:
                # Compressed as WhiteNoise sends it in production (it serves .gz/.br files).
                body = self.context.request.get(url).body()
                self._sizes[url] = len(gzip.compress(body))
            total += self._sizes[url]
        if total >= MAX_PAGE_BYTES:
            self._fail(f"weighs {total // 1024} KB compressed (HTML, CSS and JS)")


def test_every_role_works_every_page_of_its_menu_on_a_phone_and_a_desk(
    live_server: Any, demo_logins: list[dict[str, str]], browser: Any
) -> None:
    started = time.monotonic()
    timings: list[tuple[float, str]] = []
    root = Path(os.environ.get("SCREENSHOT_DIR") or settings.BASE_DIR / "var" / "screenshots")
    failures: list[str] = []
    visited = 0
    for login in demo_logins:
        shots = root / login["role"]
        shots.mkdir(parents=True, exist_ok=True)
        context = browser.new_context(locale="zh-CN", viewport=PHONE)
        checker = PageCheck(context, live_server.url, shots)
        checker.sign_in(login["username"], login["password"])
        paths = ["/", *[p for p in checker.links() if p != "/"]]
        for number, path in enumerate(paths):
            checker.check(path, number)
        visited += len(paths)
        failures.extend(f"{login['username']} {failure}" for failure in checker.failures)
        timings.extend((seconds, f"{login['role']} {path}") for seconds, path in checker.timings)
        context.close()
    print(f"\n{visited} pages in {time.monotonic() - started:.0f} s; the slowest:")
    for seconds, what in sorted(timings, reverse=True)[:8]:
        print(f"  {seconds:5.2f} s  {what}")
    assert len(demo_logins) >= 13 and visited > 100
    assert not failures, "\n".join(failures)
