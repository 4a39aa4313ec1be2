"""The decisions API: matters, meetings with attendance and the quorum each needed, votes."""

from __future__ import annotations

import datetime
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cunzhi.accounts.testing import County, ThreePeople, assert_three_people_scoping
from cunzhi.decisions import quorum
from cunzhi.decisions.models import Meeting, MeetingKind, MeetingOutcome
from cunzhi.decisions.testing import build_village, hold, propose, supervisor_user
from cunzhi.decisions.testing import step as take

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_a_meeting_is_recorded_and_voted_through_the_api(
    county: County, people: ThreePeople
) -> None:
    built = build_village(county, households=3)
    matter = propose(county)
    client = signed_in(people.in_scope)
    today = timezone.localdate()
    answer = client.post(
        f"/api/v1/matters/{matter.pk}/meetings",
        json.dumps({
            "kind": "joint", "held_on": str(today), "notice_on": str(today), "place": "村委会",
            "attendees": [r.pk for r in built.committees[:2]],
        }),
        content_type="application/json",
    )  # fmt: skip
    assert answer.status_code == 201, answer.content
    meeting = answer.json()
    assert (meeting["entitled"], meeting["present"], meeting["quorum_met"]) == (3, 2, True)
    assert meeting["quorum"][0]["needed"] == 2
    vote = client.post(
        f"/api/v1/meetings/{meeting['id']}/votes",
        json.dumps({"votes_for": 2, "votes_against": 0, "votes_abstain": 0, "version": 1}),
        content_type="application/json",
    )
    assert vote.status_code == 200, vote.content
    assert (vote.json()["outcome"], vote.json()["votes_needed"]) == ("passed", 2)
    detail = client.get(f"/api/v1/matters/{matter.pk}").json()
    assert detail["meetings"][0]["attendees"] == [r.pk for r in built.committees[:2]]


def test_the_api_refuses_a_vote_without_quorum_naming_the_rule(
    county: County, people: ThreePeople
) -> None:
    built = build_village(county, households=3)
    meeting = hold(county, propose(county), MeetingKind.JOINT, built.committees[:1])
    answer = signed_in(people.in_scope).post(
        f"/api/v1/meetings/{meeting.pk}/votes",
        json.dumps({"votes_for": 1, "votes_against": 0, "votes_abstain": 0}),
        content_type="application/json",
        headers={"If-Match": f'"{meeting.version}"'},
    )
    assert answer.status_code == 422
    assert "2 needed, 1 present (short by 1)" in answer.json()["detail"]
    assert Meeting.objects.get().outcome == MeetingOutcome.NO_QUORUM


def test_an_attendee_of_another_village_is_refused(county: County, people: ThreePeople) -> None:
    build_village(county, households=3)
    elsewhere = build_village(county, households=1, village=county.neighbour, start=70)
    matter = propose(county)
    today = str(timezone.localdate())
    answer = signed_in(people.in_scope).post(
        f"/api/v1/matters/{matter.pk}/meetings",
        json.dumps({
            "kind": "joint", "held_on": today, "notice_on": today, "place": "村委会",
            "attendees": [elsewhere.committees[0].pk],
        }),
        content_type="application/json",
    )  # fmt: skip
    assert answer.status_code == 422
    assert not Meeting.objects.exists()


def test_the_registers_api_reads_a_past_date(county: County, people: ThreePeople) -> None:
    build_village(county, households=10)
    client = signed_in(people.read_only)
    url = f"/api/v1/villages/{county.village.code}/registers"
    assert client.get(url, {"on": "2023-12-31"}).json()["entries"] == []
    entries = client.get(url, {"on": "2026-03-02"}).json()["entries"]
    assert {e["body"] for e in entries} == {
        "village_committee", "branch_committee", "party_members", "representatives", "supervision",
    }  # fmt: skip


def test_a_meeting_is_kept_from_other_villages(county: County, people: ThreePeople) -> None:
    built = build_village(county, households=3)
    meeting = hold(county, propose(county), MeetingKind.JOINT, built.committees)
    assert_three_people_scoping(
        people,
        meeting,
        page_url=reverse("decisions:meeting", args=[meeting.pk]),
        edit_url=reverse("decisions:meeting_vote", args=[meeting.pk]),
        edit_data={"votes_for": "3", "votes_against": "0", "votes_abstain": "0", "version": "1"},
        changed=lambda: Meeting.objects.get(pk=meeting.pk).outcome == MeetingOutcome.PASSED,
    )


@pytest.mark.parametrize("rows", [1, 12])
def test_the_matter_list_api_takes_the_same_queries_for_few_and_many(
    rows: int, county: County, people: ThreePeople, django_assert_num_queries: object
) -> None:
    for n in range(rows):
        propose(county, title=f"事项{n}")
    client = signed_in(people.in_scope)
    url = f"/api/v1/villages/{county.village.code}/matters"
    client.get(url)
    with django_assert_num_queries(6):  # type: ignore[operator]
        assert client.get(url).json()["count"] == rows


def test_a_villagers_meeting_held_on_a_past_date_counts_that_days_adults(
    county: County,
) -> None:
    built = build_village(county, households=3)
    # The daughters (born 2008-09-30) were not yet adults on 2026-09-29: 6 adults, not 9.
    matter = propose(county, proposed_on=datetime.date(2026, 1, 5))
    for step, kind in (("consult", MeetingKind.JOINT), ("review", MeetingKind.PARTY_MEMBERS)):
        members = built.committees if kind == MeetingKind.JOINT else built.party
        hold(county, matter, kind, members, held_on=datetime.date(2026, 9, 1),
             votes=(len(members), 0, 0))  # fmt: skip
        matter = take(county, matter, step, supervisor_user(county, f"jd{step}"))
    before = hold(county, matter, MeetingKind.VILLAGERS, built.adults()[:4],
                  held_on=datetime.date(2026, 9, 29))  # fmt: skip
    after = hold(county, matter, MeetingKind.VILLAGERS, built.adults()[:4],
                 held_on=datetime.date(2026, 9, 30))  # fmt: skip
    by_adults_before = quorum.ways_of(before.quorum)[0]
    by_adults_after = quorum.ways_of(after.quorum)[0]
    assert (by_adults_before.of, by_adults_before.needed, by_adults_before.met) == (6, 4, True)
    assert (by_adults_after.of, by_adults_after.needed, by_adults_after.met) == (9, 5, False)


def test_a_date_before_any_rule_is_refused_plainly(county: County, people: ThreePeople) -> None:
    built = build_village(county, households=3)
    client = signed_in(people.in_scope)
    url = f"/api/v1/villages/{county.village.code}/registers"
    assert client.get(url, {"on": "1970-01-01"}).status_code == 422
    answer = client.post(
        url,
        json.dumps(
            {"body": "party_members", "resident": built.committees[0].pk, "starts_on": "1970-01-01"}
        ),
        content_type="application/json",
    )
    assert answer.status_code == 422 and "No value of" in answer.json()["detail"]
    page = client.get(
        reverse("decisions:registers", args=[county.village.code]), {"on": "1970-01-01"}
    )
    assert page.status_code == 200 and "No value of" in page.content.decode()
