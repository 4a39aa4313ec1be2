"""In a real browser: the new visit form takes the phone's position, or goes without one.

Playwright grants (or not) the geolocation permission and sets the position chromium reports.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from cunzhi.accounts.testing import PASSWORD, County, ThreePeople
from cunzhi.registry.testing import family
from cunzhi.visits.models import Visit
from tests.browser.conftest import require_chromium

require_chromium()
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def household(county: County) -> Any:
    # Written before the page fixture starts Playwright (see test_sign_in.py).
    return family(county, 1)


def sign_in_and_open_the_visit_form(page: Any, live_server: Any, user: Any, county: County) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/visits/region/{county.village.code}/new/")


def record(page: Any, household: Any) -> None:
    page.select_option("select[name=household]", str(household.pk))
    page.fill("textarea[name=findings]", "老人独居，身体尚好。")
    page.click("main button[type=submit]")
    page.wait_for_url("**/visits/*/")


def test_the_visit_form_fills_in_the_phone_s_position_and_records_it(
    live_server: Any, county: County, people: ThreePeople, household: Any, page: Any
) -> None:
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"latitude": 25.041234, "longitude": 102.7123, "accuracy": 15})
    sign_in_and_open_the_visit_form(page, live_server, people.in_scope, county)
    page.wait_for_function("document.querySelector('input[name=latitude]').value !== ''")
    assert page.input_value("input[name=latitude]") == "25.041234"
    assert page.input_value("input[name=longitude]") == "102.712300"
    assert page.inner_text("[data-geolocate-status]") == "已获取位置（±15 米）"
    record(page, household)
    visit = Visit.objects.get()
    assert (visit.latitude, visit.longitude) == (Decimal("25.041234"), Decimal("102.712300"))


def test_without_the_permission_the_form_says_so_and_records_the_visit_without_a_position(
    live_server: Any, county: County, people: ThreePeople, household: Any, page: Any
) -> None:
    sign_in_and_open_the_visit_form(page, live_server, people.in_scope, county)
    page.wait_for_function(
        "document.querySelector('[data-geolocate-status]').textContent.startsWith('未获取位置')"
    )
    assert page.input_value("input[name=latitude]") == ""
    record(page, household)
    assert Visit.objects.get().latitude is None
