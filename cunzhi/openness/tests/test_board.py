"""The public board: read without an account, objections from a phone that hold the decision."""

from __future__ import annotations

import datetime
import json
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cunzhi.accounts.testing import (
    County,
    ThreePeople,
    assert_three_people_scoping,
    workbook_rows,
)
from cunzhi.audit.models import Event
from cunzhi.core.inbox.models import Notification
from cunzhi.openness.models import NoticeCategory, Objection
from cunzhi.openness.selectors import publicity_hold
from cunzhi.openness.services import (
    notice_publish,
    objection_answer,
    objection_raise,
    sender_of,
)
from cunzhi.openness.testing import publish_list

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
PHONE_UA = "Mozilla/5.0 (Linux; Android 10; Redmi 9A) Mobile"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


def test_anyone_reads_the_board_with_personal_numbers_masked(county: County) -> None:
    notice = publish_list(county)
    page = Client().get(reverse("openness:board", args=[county.village.code]))
    html = page.content.decode()
    assert page.status_code == 200 and notice.title in html
    assert "530102196805120015" not in html and "530102********0015" in html
    assert "13812345678" not in html and "138****5678" in html
    assert notice.chain_hash in html  # the recent heads of the county chain
    assert "public" in page["Cache-Control"]


def test_the_board_is_served_from_the_cache_until_something_is_published(
    county: County, django_assert_num_queries: object
) -> None:
    publish_list(county)
    client, url = Client(), reverse("openness:board", args=[county.village.code])
    client.get(url)
    with django_assert_num_queries(1):  # type: ignore[operator]
        client.get(url)  # only the village is looked up
    publish_list(county, title="第二份公示")
    assert "第二份公示" in client.get(url).content.decode()


def test_a_villager_objects_from_a_phone_and_the_approval_waits_for_the_answer(
    county: County, people: ThreePeople
) -> None:
    notice = publish_list(county)
    client = Client(HTTP_USER_AGENT=PHONE_UA)
    url = reverse("openness:public_notice", args=[notice.pk])
    assert 'name="phone"' in client.get(url).content.decode()
    response = client.post(url, {"phone": "139-8765-4321", "text": "杨德福家有车辆，不符合条件。"})
    assert response.status_code == 200 and "was received" in response.content.decode()
    objection = Objection.objects.get()
    assert (objection.phone, objection.name) == ("13987654321", "")
    told = Notification.objects.filter(recipient=people.in_scope).get()
    assert told.url == objection.get_absolute_url()
    assert not Notification.objects.filter(recipient=people.outsider).exists()
    today = timezone.localdate()
    later = today + datetime.timedelta(days=30)
    assert "unanswered" in (publicity_hold(notice, later) or "")
    objection_answer(
        actor=people.in_scope,
        objection=objection,
        answer="经核实车辆为营运用，符合条件。",
        expected_version=objection.version,
    )
    assert publicity_hold(notice, later) is None
    assert "runs until" in (publicity_hold(notice, today) or "")


def test_an_objection_needs_a_phone_and_changes_nothing_without_one(county: County) -> None:
    notice = publish_list(county)
    url = reverse("openness:public_notice", args=[notice.pk])
    response = Client().post(url, {"phone": "abc", "text": "名单有误"})
    assert response.status_code == 400
    assert not Objection.objects.exists()


def test_no_objection_is_taken_after_the_publicity_period(county: County) -> None:
    notice = publish_list(county)
    url = reverse("openness:public_notice", args=[notice.pk])
    after = timezone.localdate() + datetime.timedelta(days=8)
    with mock.patch("django.utils.timezone.localdate", return_value=after):
        response = Client().post(url, {"phone": "13987654321", "text": "名单有误"})
    assert response.status_code == 409
    assert not Objection.objects.exists()


def test_objections_are_rate_limited_per_sender(county: County, settings: object) -> None:
    settings.OPENNESS_OBJECTIONS_PER_HOUR = 2  # type: ignore[attr-defined]
    notice = publish_list(county)
    url = f"/api/v1/public/notices/{notice.pk}/objections"
    body = json.dumps({"phone": "13987654321", "text": "名单有误"})
    client = Client(REMOTE_ADDR="10.1.2.3")
    answers = [client.post(url, body, content_type="application/json").status_code for _ in "abc"]
    assert answers == [201, 201, 429]
    other = Client(REMOTE_ADDR="10.9.9.9").post(url, body, content_type="application/json")
    assert other.status_code == 201
    assert Objection.objects.count() == 3


def test_the_public_api_lists_a_villages_notices_without_sign_in(county: County) -> None:
    notice = publish_list(county)
    answer = Client().get(f"/api/v1/public/villages/{county.village.code}/notices")
    assert answer.status_code == 200
    [item] = answer.json()
    assert item["id"] == notice.pk and item["objections_open"] is True
    assert "530102196805120015" not in item["body"]
    assert Client().get("/api/v1/public/villages/530199100000/notices").status_code == 404


def test_a_notice_is_kept_from_other_villages_cadres(county: County, people: ThreePeople) -> None:
    notice = publish_list(county)
    assert_three_people_scoping(
        people, notice, page_url=reverse("openness:notice", args=[notice.pk])
    )


def test_an_objection_is_answered_by_the_village_only(county: County, people: ThreePeople) -> None:
    notice = publish_list(county)
    Client().post(
        reverse("openness:public_notice", args=[notice.pk]),
        {"phone": "13987654321", "text": "名单有误"},
    )
    objection = Objection.objects.get()
    assert_three_people_scoping(
        people,
        objection,
        page_url=reverse("openness:objection", args=[objection.pk]),
        edit_url=reverse("openness:objection", args=[objection.pk]),
        edit_data={"answer": "已核实。", "version": objection.version},
        changed=lambda: Objection.objects.get(pk=objection.pk).answered_on is not None,
    )


@pytest.mark.parametrize("rows", [1, 10])
def test_the_notice_list_takes_the_same_queries_for_few_and_many(
    rows: int, county: County, people: ThreePeople, django_assert_num_queries: object
) -> None:
    for n in range(rows):
        publish_list(county, title=f"公示{n}")
    client = Client()
    client.force_login(people.in_scope)
    url = reverse("openness:notices", args=[county.village.code])
    client.get(url)
    # session, user, posts, scope, the village, the count and the page, the inbox
    with django_assert_num_queries(8):  # type: ignore[operator]
        assert client.get(url).status_code == 200


def test_the_notice_export_reads_like_the_page_and_holds_only_the_villages_notices(
    county: County, people: ThreePeople
) -> None:
    notice = publish_list(county)
    objection_raise(notice=notice, phone="13987654321", text="名单有误", sender=sender_of("x"))
    notice_publish(
        actor=county.admin,
        village=county.neighbour,
        category=NoticeCategory.FINANCE,
        title="邻村财务公开",
        body="2026年第一季度收支",
        publicity=False,
    )
    reader = Client()
    reader.force_login(people.read_only)
    page = reader.get(reverse("openness:notices", args=[county.village.code])).content.decode()
    url = reverse("openness:notices_export", args=[county.village.code])
    assert f'action="{url}"' in page
    rows = workbook_rows(reader.post(url, {"category": NoticeCategory.BENEFITS}))
    assert rows[0] == (
        "Title",
        "Category",
        "Published on",
        "Publicity until",
        "Unanswered objections",
    )
    [row] = rows[1:]
    assert row[0] == "2026年低保拟保对象公示" and row[1] == "Benefits and subsidies"
    assert row[4] == 1 and "benefits" not in row
    assert "530102196805120015" not in str(rows)  # the body, with its numbers, is no column
    [event] = Event.objects.filter(action="openness.notices_export")
    assert event.data["rows"] == 1 and event.data["filters"] == {"category": "benefits"}
    outsider = Client()
    outsider.force_login(people.outsider)
    assert outsider.post(url).status_code == 404
    assert reader.get(url).status_code == 405
