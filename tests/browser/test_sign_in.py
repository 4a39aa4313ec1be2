"""In a real browser: sign in as a village secretary and open the village profile.

Drives Debian's chromium (no browser download) through Playwright against the live test server.
"""

from __future__ import annotations

import pytest

from cunzhi.accounts.testing import PASSWORD, County, ThreePeople
from cunzhi.regions.services import facility_create, village_profile_update
from tests.browser.conftest import require_chromium

require_chromium()
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def filled_village(county: County) -> None:
    # Written before the page fixture starts Playwright: ORM calls made while its event loop runs
    # in this thread open a connection of their own that nothing closes, and PostgreSQL then
    # refuses to drop the test database.
    village_profile_update(
        actor=county.admin,
        village=county.village,
        population=1436,
        households=431,
        geography="地处山区，海拔1900米。",
    )
    facility_create(actor=county.admin, village=county.village, kind="clinic", name="石板村卫生室")


def test_a_village_secretary_signs_in_and_opens_the_village_profile(
    live_server,
    county: County,
    people: ThreePeople,
    filled_village: None,
    page,  # type: ignore[no-untyped-def]
) -> None:
    page.goto(f"{live_server.url}/")
    assert "/login/" in page.url
    page.fill("input[name=username]", people.in_scope.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.click(f"a[href='/regions/{county.village.code}/profile/']")
    page.wait_for_url(f"**/regions/{county.village.code}/profile/")
    assert page.locator("h1").inner_text() == "石板村"
    body = page.locator("main").inner_text()
    assert "1436" in body and "石板村卫生室" in body
    # The history section loads over HTMX when it scrolls into view.
    page.locator("#history-title").scroll_into_view_if_needed()
    page.locator(".events li").first.wait_for()
    assert "1436" in page.locator(".events").inner_text()

    # Another village is not there for this user.
    response = page.goto(f"{live_server.url}/regions/{county.neighbour.code}/profile/")
    assert response is not None and response.status == 404
