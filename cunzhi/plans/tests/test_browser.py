"""In a real browser at 360 px: every page of the plan fits a phone, reads in Chinese, and the
board stacks its months; the rectification is closed off from a phone with a photo."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from cunzhi.accounts.models import Role
from cunzhi.accounts.testing import PASSWORD, County, ThreePeople, make_user
from cunzhi.plans import services
from cunzhi.plans.testing import a_rectification, an_objective
from tests.browser.conftest import require_chromium
from tests.browser.test_every_page import PHONE, PageCheck, browser  # noqa: F401

require_chromium()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pages(county: County, people: ThreePeople, tmp_path: Any) -> dict[str, Any]:
    # Made before Playwright starts (see tests/browser/test_sign_in.py).
    settings.MEDIA_ROOT = tmp_path
    objective = an_objective(county, people)
    tasks = [
        services.task_create(
            actor=county.admin,
            objective=objective,
            title=f"第{n + 1}项：建设高原特色产业示范基地并组织农户参加技术培训",
            owner=people.in_scope,
            planned_start=datetime.date(2026, n % 12 + 1, 1),
            planned_end=datetime.date(2026, n % 12 + 1, 28),
        )
        for n in range(30)
    ]
    item = a_rectification(county, people)
    leader = make_user(county, "zhenzhang", Role.TOWNSHIP_LEADER, county.township)
    code = county.village.code
    return {
        "secretary": [
            f"/plans/regions/{code}/",
            objective.plan.get_absolute_url(),
            f"/plans/plans/{objective.plan_id}/board/",
            tasks[0].get_absolute_url(),
            f"/plans/villages/{code}/tasks/",
            f"/plans/villages/{code}/rectifications/",
            item.get_absolute_url(),
            f"/plans/rectifications/{item.pk}/transitions/close_off/",
        ],
        "leader": leader,
        "township": f"/plans/regions/{county.township.code}/",
    }


def test_every_plan_page_fits_a_phone_in_chinese(
    live_server: Any,
    people: ThreePeople,
    pages: dict[str, Any],
    browser: Any,  # noqa: F811
) -> None:
    shots = Path(settings.BASE_DIR) / "var" / "screenshots" / "plans"
    shots.mkdir(parents=True, exist_ok=True)
    failures = []
    for username, paths in (
        (people.in_scope.username, pages["secretary"]),
        (pages["leader"].username, [pages["township"]]),
    ):
        context = browser.new_context(locale="zh-CN", viewport=PHONE)
        checker = PageCheck(context, live_server.url, shots)
        checker.sign_in(username, PASSWORD)
        for number, path in enumerate(paths):
            checker.check(path, number)
        failures.extend(checker.failures)
        context.close()
    assert not failures, "\n".join(failures)
