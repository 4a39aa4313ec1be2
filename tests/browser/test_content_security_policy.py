"""In a real browser: the UI and the API's docs run under their policies without one violation.

Chromium reports each refused script, handler or style as a `securitypolicyviolation` event; a
script Playwright adds before any page script (not itself subject to the policy) collects them.
"""

from __future__ import annotations

from typing import Any

import pytest

from cunzhi.accounts.testing import PASSWORD, County, ThreePeople
from cunzhi.regions.services import village_profile_update
from cunzhi.registry.models import Household, Tag
from cunzhi.registry.services import resident_set_tags, tag_save
from cunzhi.registry.testing import head_of, register_family
from tests.browser.conftest import require_chromium

require_chromium()
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COLLECT_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""
BEEKEEPER_RGB = "rgb(202, 138, 4)"  # #ca8a04


@pytest.fixture
def tagged_household(county: County) -> Household:
    # Written before the page fixture starts Playwright (see test_sign_in.py).
    tag: Tag = tag_save(
        actor=county.admin, code="beekeeper", name="养蜂户", colour="#ca8a04", active=True, order=5
    )
    household = register_family(county.admin, county.village, "001")
    resident_set_tags(actor=county.admin, resident=head_of(household), tags=[tag])
    village_profile_update(actor=county.admin, village=county.village, population=1436)
    return household


def violations(page: Any) -> list[str]:
    return page.evaluate("window.__violations")  # type: ignore[no-any-return]


def test_the_ui_and_the_api_docs_run_without_a_policy_violation(
    live_server: Any,
    county: County,
    people: ThreePeople,
    tagged_household: Household,
    page: Any,
) -> None:
    page.add_init_script(COLLECT_VIOLATIONS)
    console_errors: list[str] = []

    def keep_error(msg: Any) -> None:
        if msg.type == "error":
            console_errors.append(msg.text)

    page.on("console", keep_error)

    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", people.in_scope.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert violations(page) == []

    # A tag's colour comes from the static script, not a style attribute.
    page.goto(f"{live_server.url}/registry/households/{tagged_household.pk}/")
    tag = page.locator(".tag", has_text="养蜂户").first
    assert tag.evaluate("el => getComputedStyle(el).backgroundColor") == BEEKEEPER_RGB
    assert violations(page) == []

    # Search results arrive over htmx, and their tags are painted as they are swapped in.
    page.goto(f"{live_server.url}/registry/search/")
    page.fill("input[name=q]", "杨德福")
    result_tag = page.locator("#search-results .tag", has_text="养蜂户").first
    result_tag.wait_for()
    assert result_tag.evaluate("el => getComputedStyle(el).backgroundColor") == BEEKEEPER_RGB
    assert violations(page) == []

    # The language switch submits its form on change, through the static script.
    page.select_option("select[name=language]", "en")
    page.wait_for_load_state("load")
    page.locator("html[lang=en]").wait_for()
    assert violations(page) == []

    # The village profile's history loads over htmx when it scrolls into view.
    page.goto(f"{live_server.url}/regions/{county.village.code}/profile/")
    page.locator("#history-title").scroll_into_view_if_needed()
    page.locator(".events li").first.wait_for()
    assert violations(page) == []

    # Swagger UI under its own, looser policy: it renders the operations and refuses nothing.
    page.goto(f"{live_server.url}/api/v1/docs")
    page.locator(".opblock").first.wait_for()
    assert violations(page) == []
    assert not [text for text in console_errors if "Content Security Policy" in text]
