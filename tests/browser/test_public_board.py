"""In a real browser at 360 px: the public board and an objection from a phone, no account.

The public pages are in no menu, so the browser sweep over every menu page does not reach them.
"""

from __future__ import annotations

from typing import Any

import pytest

from cunzhi.accounts.testing import County
from cunzhi.openness.models import Objection
from cunzhi.openness.services import notice_publish
from cunzhi.openness.testing import publish_list
from tests.browser.conftest import require_chromium

require_chromium()
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def notice(county: County) -> Any:
    notice_publish(
        actor=county.admin,
        village=county.village,
        category="village",
        title="关于石板村第一村民小组通组道路硬化工程实施方案的决议公告（第二次征求意见稿）",
        body="经村民代表会议表决通过。" * 20,
    )
    return publish_list(county)


def test_a_villager_reads_the_board_and_objects_on_a_phone(
    live_server: Any, county: County, notice: Any, page: Any
) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/openness/board/{county.village.code}/")
    assert "石板村" in page.title()
    wide, inner = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert wide <= inner, f"the board scrolls sideways: {wide} px in {inner}"
    page.click(f"text={notice.title}")
    # The click starts a navigation: measure the notice's page once it has loaded, not the blank
    # document in between (a PostgreSQL run once read a null scrollingElement there).
    page.wait_for_url(f"**/openness/board/notices/{notice.pk}/")
    page.wait_for_load_state()
    wide, inner = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert wide <= inner, f"the notice scrolls sideways: {wide} px in {inner}"
    page.fill("input[name=phone]", "13987654321")
    page.fill("textarea[name=text]", "杨德福家有车辆，不符合条件。")
    page.click("button[type=submit]")
    page.wait_for_selector("[role=status]")
    assert Objection.objects.get().phone == "13987654321"
