"""The disclosure schedule: what is late, per village, and as attention items."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from cunzhi.accounts.models import Role
from cunzhi.accounts.testing import County, ThreePeople, assert_attention_budget, make_user
from cunzhi.openness.disclosure import add_months, compliance
from cunzhi.openness.models import NoticeCategory
from cunzhi.openness.services import notice_publish

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def publish(county: County, category: str, day: datetime.date, village: object = None) -> None:
    with mock.patch("django.utils.timezone.localdate", return_value=day):
        notice_publish(
            actor=county.admin,
            village=village or county.village,  # type: ignore[arg-type]
            category=category,
            title="公开",
            body="内容",
        )


def test_months_are_added_the_calendar_way() -> None:
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2025, 11, 30), 3) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 3, 31), 3) == datetime.date(2026, 6, 30)


def test_finances_are_due_monthly_and_village_affairs_quarterly(county: County) -> None:
    publish(county, NoticeCategory.FINANCE, datetime.date(2026, 9, 30))
    publish(county, NoticeCategory.VILLAGE, datetime.date(2026, 9, 30))
    today = datetime.date(2026, 11, 2)
    [shiban] = [
        row
        for row in compliance(county.admin, county.township.code, today)
        if row.village == county.village
    ]
    due = {item.category: item for item in shiban.items}
    assert due["finance"].due_on == datetime.date(2026, 10, 30) and due["finance"].overdue(today)
    assert due["village"].due_on == datetime.date(2026, 12, 30)
    assert not due["village"].overdue(today)
    assert due["party"].last is None and due["party"].overdue(today)  # never published


def test_the_township_sees_every_villages_overdue_disclosures(
    county: County, people: ThreePeople
) -> None:
    leader = make_user(county, "zhenzhang", Role.TOWNSHIP_LEADER, county.township)
    client = Client()
    client.force_login(leader)
    page = client.get(reverse("openness:compliance", args=[county.township.code]))
    html = page.content.decode()
    assert page.status_code == 200
    assert county.village.name in html and county.neighbour.name in html
    assert county.far_village.name not in html  # another township's
    assert "6 disclosures overdue" in html


@pytest.mark.parametrize("notices", [0, 8])
def test_the_attention_items_keep_their_query_budget(
    notices: int, county: County, people: ThreePeople
) -> None:
    for n in range(notices):
        publish(
            county, NoticeCategory.FINANCE, datetime.date(2026, 1, 1) + datetime.timedelta(days=n)
        )
    post = people.in_scope.posts.select_related("region").get()
    items = assert_attention_budget(people.in_scope, post)
    labels = {item.label: item.count for item in items}
    assert (
        labels["Disclosures overdue"] == 3 if notices == 0 else labels["Disclosures overdue"] >= 2
    )
