"""The Content-Security-Policy holds on every page a demo role reaches.

The demo county is seeded once for the module (inside a transaction rolled back at the end). For
one login of each role the test follows every link and every `hx-get` from the home page, as that
person, and checks each HTML answer: the policy header is there and strict, and the HTML carries
nothing the policy would refuse: no inline `<script>`, no `on*=` handler, no `javascript:` URL, no
`style=` attribute and no `<style>` element. A page a new app adds is covered once a menu or a
page links to it.
"""

from __future__ import annotations

import html
import re
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import Resolver404, resolve

from cunzhi.core.demo import seed_demo

pytestmark = pytest.mark.django_db

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Not pages: files, the JSON API (its docs page has its own test), Django's admin, and the
# language switch and sign-out, which only answer a POST.
SKIPPED_PREFIXES = ("/static/", "/media/", "/api/", "/admin/", "/i18n/", "/logout/")
# Each URL pattern is opened once per role, as a page and as an htmx partial: a second household
# renders the same template.
PER_PATTERN = 1
LINK = re.compile(r"""(?:href|hx-get)="([^"#]*)""")


@dataclass
class InlineCode(HTMLParser):
    """What a strict policy would refuse, as `tag attribute` strings."""

    found: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        # A JSON data block (Django's json_script) is never run, so the policy allows it.
        if tag == "script" and "src" not in named and named.get("type") != "application/json":
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"<{tag} {name}=>")
            url = (value or "").strip().lower()
            if name in ("href", "src", "action") and url.startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:>")


def inline_code(page: str) -> list[str]:
    parser = InlineCode()
    parser.feed(page)
    return parser.found


@pytest.fixture(scope="module")
def one_login_per_role(django_db_setup: Any, django_db_blocker: Any) -> Iterator[list[Any]]:
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        by_role = {login.role: login for login in seed_demo()}
        yield list(by_role.values())
        transaction.set_rollback(True)


def crawl(client: Client) -> Iterator[tuple[str, Any]]:
    """Every page reachable from the home page by GET, each pattern at most PER_PATTERN times."""
    queue: deque[tuple[str, bool]] = deque([("/", False)])
    seen: set[tuple[str, bool]] = set()
    opened: Counter[tuple[str, bool]] = Counter()
    while queue:
        url, partial = queue.popleft()
        path = urlsplit(url).path
        if (url, partial) in seen or not path.startswith("/") or path.startswith(SKIPPED_PREFIXES):
            continue
        seen.add((url, partial))
        try:
            route = resolve(path).route
        except Resolver404:
            continue
        if opened[(route, partial)] >= PER_PATTERN:
            continue
        opened[(route, partial)] += 1
        headers = {"HX-Request": "true"} if partial else {}
        response = client.get(url, headers=headers)
        if response.status_code in (301, 302):
            queue.append((response["Location"], partial))
            continue
        if not response["Content-Type"].startswith("text/html"):
            continue
        yield url, response
        page = response.content.decode()
        for match in LINK.finditer(page):
            queue.append((html.unescape(match.group(1)), match.group(0).startswith("hx-get")))


def assert_strict_policy(url: str, response: Any) -> None:
    policy = response.get("Content-Security-Policy", "")
    assert "script-src 'self'" in policy, (url, policy)
    assert "style-src 'self'" in policy and "unsafe-inline" not in policy, (url, policy)
    found = inline_code(response.content.decode())
    assert not found, (url, found)


def test_the_sign_in_page_carries_the_policy_and_no_inline_code() -> None:
    response = Client().get("/login/")
    assert response.status_code == 200
    assert_strict_policy("/login/", response)


def test_every_page_a_demo_role_reaches_carries_the_policy_and_no_inline_code(
    one_login_per_role: list[Any],
) -> None:
    opened = 0
    for login in one_login_per_role:
        client = Client()
        assert client.login(username=login.username, password=login.password)
        for url, response in crawl(client):
            # A breadcrumb may lead a sending unit's contact up to a county that is not theirs:
            # its 404 page carries the policy too.
            assert response.status_code in (200, 404), (login.username, url, response.status_code)
            assert_strict_policy(url, response)
            opened += 1
    # The crawl really walked the site: every role's home, regions, registry and audit pages.
    assert opened > 10 * len(one_login_per_role), opened


def test_the_api_docs_run_under_the_same_strict_policy(people: Any) -> None:
    # Ninja's Swagger page keeps its settings in a JSON block and runs only its static files.
    client = Client()
    client.force_login(people.in_scope)
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert_strict_policy("/api/v1/docs", response)


def test_no_template_holds_inline_code() -> None:
    # Also the templates the crawl cannot reach (a form with errors, an import that failed).
    templates = sorted((settings.BASE_DIR / "cunzhi").glob("**/templates/**/*.html"))
    assert len(templates) > 30
    found = {
        str(path.relative_to(settings.BASE_DIR)): inline_code(path.read_text())
        for path in templates
    }
    assert {path: kinds for path, kinds in found.items() if kinds} == {}


def test_the_checker_finds_each_kind_of_inline_code() -> None:
    page = (
        '<script>alert(1)</script><script src="/x.js"></script><style>p{}</style>'
        '<script type="application/json">{"a": 1}</script>'
        '<select onchange="go()"></select><p style="color:red"></p><a href="javascript:go()">'
    )
    assert inline_code(page) == [
        "<script> without src",
        "<style>",
        "<select onchange=>",
        "<p style=>",
        "<a href=javascript:>",
    ]
