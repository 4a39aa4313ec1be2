"""The decisions pages as people use them: three people, a meeting without quorum, lists."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from cunzhi.accounts.testing import (
    County,
    ThreePeople,
    assert_three_people_scoping,
    workbook_rows,
)
from cunzhi.audit.models import Event
from cunzhi.decisions.models import Matter, MatterType, MeetingKind, Membership
from cunzhi.decisions.services import matter_transition
from cunzhi.decisions.testing import build_village, hold, propose

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
QUERIES = 8  # session, user, posts, scope, the village, the count and the page, the inbox
# The registers page: the same base, the registers, the warnings' counts (representatives,
# households, women, supervisors) and their three rules, the form's residents.
REGISTER_QUERIES = 15


def test_a_matter_is_kept_from_other_villages(county: County, people: ThreePeople) -> None:
    matter = propose(county)
    assert_three_people_scoping(
        people,
        matter,
        page_url=reverse("decisions:matter", args=[matter.pk]),
        edit_url=reverse("decisions:matter_transition", args=[matter.pk, "withdraw"]),
        edit_data={"withdraw-reason": "上级已立项", "expected_version": matter.version},
        changed=lambda: Matter.objects.get(pk=matter.pk).state == "withdrawn",
    )


def test_a_meeting_without_quorum_says_which_rule_failed_and_by_how_many(
    county: County, people: ThreePeople
) -> None:
    built = build_village(county, households=3)
    matter = propose(county)
    meeting = hold(county, matter, MeetingKind.JOINT, built.committees[:1])
    client = Client()
    client.force_login(people.in_scope)
    page = client.get(reverse("decisions:meeting", args=[meeting.pk])).content.decode()
    assert "No quorum: more than 1/2 of the 3 members: 2 needed, 1 present (short by 1)." in page
    assert 'name="votes_for"' not in page
    response = client.post(
        reverse("decisions:meeting_vote", args=[meeting.pk]),
        {"votes_for": "1", "votes_against": "0", "votes_abstain": "0", "version": meeting.version},
        follow=True,
    )
    assert "No quorum" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.votes_for is None


def test_the_secretary_proposes_a_matter_from_the_village_page(
    county: County, people: ThreePeople
) -> None:
    client = Client()
    client.force_login(people.in_scope)
    url = reverse("decisions:matters", args=[county.village.code])
    response = client.post(
        url,
        {
            "matter_type": "public_welfare",
            "title": "村道硬化",
            "description": "硬化1.2公里",
            "proposed_on": "2026-11-02",
        },
    )
    matter = Matter.objects.get(title="村道硬化")
    assert response.status_code == 302 and response["Location"] == matter.get_absolute_url()
    assert client.post(url, {"matter_type": "nonsense"}).status_code == 200
    assert Matter.objects.count() == 1


@pytest.mark.parametrize("rows", [1, 12])
def test_the_matter_list_takes_the_same_queries_for_few_and_many(
    rows: int, county: County, people: ThreePeople, django_assert_num_queries: object
) -> None:
    for n in range(rows):
        propose(county, title=f"事项{n}")
    client = Client()
    client.force_login(people.in_scope)
    url = reverse("decisions:matters", args=[county.village.code])
    client.get(url)
    with django_assert_num_queries(QUERIES):  # type: ignore[operator]
        assert client.get(url).status_code == 200


def test_the_registers_page_shows_the_register_on_a_past_date(
    county: County, people: ThreePeople
) -> None:
    built = build_village(county, households=10)
    client = Client()
    client.force_login(people.read_only)
    url = reverse("decisions:registers", args=[county.village.code])
    page = client.get(url, {"on": "2023-12-01"}).content.decode()
    assert built.committees[0].name not in page
    page = client.get(url, {"on": "2026-03-02"}).content.decode()
    assert built.committees[0].name in page
    assert client.get(url, {"on": "not a date"}).status_code == 200


@pytest.mark.parametrize("households", [8, 20])
def test_the_registers_page_takes_the_same_queries_for_few_and_many(
    households: int, county: County, people: ThreePeople, django_assert_num_queries: object
) -> None:
    build_village(county, households=households)
    client = Client()
    client.force_login(people.in_scope)
    url = reverse("decisions:registers", args=[county.village.code])
    client.get(url)
    with django_assert_num_queries(REGISTER_QUERIES):  # type: ignore[operator]
        assert client.get(url).status_code == 200


def test_a_register_entry_is_kept_from_other_villages(county: County, people: ThreePeople) -> None:
    built = build_village(county, households=3)
    entry = Membership.objects.filter(resident=built.committees[0]).order_by("pk").first()
    assert entry is not None
    assert_three_people_scoping(
        people,
        entry,
        page_url=reverse("decisions:registers", args=[county.village.code]),
        edit_url=reverse("decisions:membership_end", args=[entry.pk]),
        edit_data={"ends_on": "2026-06-30", "version": entry.version},
        changed=lambda: Membership.objects.get(pk=entry.pk).ends_on is not None,
    )


def test_the_matter_list_filters_by_step_on_the_page_and_the_api(
    county: County, people: ThreePeople
) -> None:
    propose(county, title="村道硬化")
    withdrawn = propose(county, title="停车收费")
    matter_transition(
        actor=county.admin,
        matter=withdrawn,
        name="withdraw",
        expected_version=withdrawn.version,
        reason="暂缓",
    )
    client = Client()
    client.force_login(people.in_scope)
    page = client.get(
        reverse("decisions:matters", args=[county.village.code]), {"state": "withdrawn"}
    )
    assert "停车收费" in page.content.decode() and "村道硬化" not in page.content.decode()
    api = client.get(f"/api/v1/villages/{county.village.code}/matters", {"state": "withdrawn"})
    assert [m["title"] for m in api.json()["items"]] == ["停车收费"]
    assert (
        client.get(
            f"/api/v1/villages/{county.village.code}/matters", {"state": "nonsense"}
        ).status_code
        == 422
    )


def test_the_matter_export_reads_like_the_page_and_holds_only_the_villages_matters(
    county: County, people: ThreePeople
) -> None:
    propose(county)
    propose(county, title="村集体鱼塘承包", matter_type=MatterType.COLLECTIVE_PROJECT)
    propose(county, title="邻村的路", village=county.neighbour)
    reader = Client()
    reader.force_login(people.read_only)
    page = reader.get(reverse("decisions:matters", args=[county.village.code])).content.decode()
    url = reverse("decisions:matters_export", args=[county.village.code])
    assert f'action="{url}"' in page
    rows = workbook_rows(reader.post(url, {"matter_type": MatterType.PUBLIC_WELFARE}))
    assert rows[0] == ("Title", "Type", "Step", "Proposed on", "Meetings")
    [row] = rows[1:]
    assert row[:3] == (
        "石板村通组道路硬化",
        "Public-welfare project and its funding",
        "Proposed by the party organisation",
    )
    assert not {"public_welfare", "proposed"} & set(row)
    all_rows = workbook_rows(reader.post(url))
    assert sorted(row[0] for row in all_rows[1:]) == ["村集体鱼塘承包", "石板村通组道路硬化"]
    events = Event.objects.filter(action="decisions.matters_export").order_by("pk")
    assert [event.data["rows"] for event in events] == [1, 2]
    assert events[0].data["filters"] == {"matter_type": "public_welfare"}
    outsider = Client()
    outsider.force_login(people.outsider)
    assert outsider.post(url).status_code == 404
    assert reader.get(url).status_code == 405
    assert Event.objects.filter(action="decisions.matters_export").count() == 2
