"""In a real browser at 360 px: the panel fits, and a step is taken through htmx."""

from __future__ import annotations

import pytest

from cunzhi.accounts.testing import PASSWORD, County, ThreePeople
from tests.browser.conftest import page, require_chromium  # noqa: F401  (the chromium page fixture)
from tests.kitdomain.models import Case
from tests.kitdomain.tests.factories import make_case

require_chromium()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def case(county: County) -> Case:
    # Made before the page fixture starts Playwright (see tests/browser/test_sign_in.py).
    return make_case(county)


def test_a_secretary_rejects_a_case_from_a_phone(
    live_server,  # type: ignore[no-untyped-def]
    people: ThreePeople,
    case: Case,
    page,  # type: ignore[no-untyped-def]  # noqa: F811
) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", people.in_scope.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.click("summary:has-text('不予受理')")
    page.fill("textarea[name=reject-reason]", "重复登记")
    page.click("form button:has-text('不予受理')")
    page.wait_for_selector(".workflow-state strong:has-text('不予受理')")
    assert page.url.endswith(case.get_absolute_url())  # swapped in place, no navigation
    # No ORM call here: one made while Playwright's loop runs opens a connection nothing closes.
