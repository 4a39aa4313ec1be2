"""The assessments and the start of a recall over the API, and the post a dispatch gives.

DOMAIN.md section 1: one unexplained absence, not excellent; two, basically competent at best;
three, incompetent. The county organisation department grades through the API and the cap holds
with its reason; the township, the sending unit and the village each give their own opinion, by
who they are; a stale version is refused; another township sees nothing. A dispatch gives the
cadre their accounts post (so they check in at once) and its end ends it, audited in accounts.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cunzhi.accounts.models import Post, Role
from cunzhi.accounts.testing import County, make_user
from cunzhi.audit.models import Event
from cunzhi.core.calendar import year_working_days
from cunzhi.regions.models import Region
from cunzhi.residency.models import Assessment, Cadre, DispatchStatus, Recall, RecallState
from cunzhi.residency.services import (
    assessment_open,
    cadre_register,
    dispatch_create,
    dispatch_end,
    presence_check_in,
    recall_start,
    recall_transition,
    unexplained_absences,
)
from cunzhi.residency.testing import cadre_user, make_cadre, make_unit

D = datetime.date
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
API = "/api/v1/residency"


def client_of(user: Any) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(user)
    return client


def post_json(client: Client, url: str, body: dict[str, Any], **headers: str) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


@pytest.fixture
def cast(county: County) -> dict[str, Any]:
    dispatch = make_cadre(county, "wang", starts_on=D(2026, 2, 2))
    return {
        "dispatch": dispatch,
        "township": make_user(county, "township", Role.TOWNSHIP_LEADER, county.township),
        "org": make_user(county, "orgdept", Role.COUNTY_ORG_DEPT, county.county),
        "village": make_user(county, "village", Role.VILLAGE_PARTY_SECRETARY, county.village),
        "unit": make_user(
            county,
            "unit_contact",
            Role.SENDING_UNIT_CONTACT,
            county.county,
            sending_unit=dispatch.sending_unit,
        ),
        # The leader of another township: the assessment is not there for them.
        "elsewhere": make_user(
            county,
            "far_township",
            Role.TOWNSHIP_LEADER,
            Region.objects.get(code=county.far_village.parent_code),
        ),
    }


def in_village_until(dispatch: Any, last: D, skip: set[D]) -> None:
    for day in year_working_days(2026):
        if dispatch.starts_on <= day <= last and day not in skip:
            presence_check_in(actor=cadre_user(dispatch), today=day)


def test_the_three_parties_and_the_county_assess_through_the_api(cast, county: County) -> None:  # type: ignore[no-untyped-def]
    dispatch = cast["dispatch"]
    # Two unexplained absences this year (10 March; 17 and 18 March, one run), in the village
    # every other working day from 2 February to 31 March; nothing recorded after that.
    in_village_until(dispatch, D(2026, 3, 31), {D(2026, 3, 10), D(2026, 3, 17), D(2026, 3, 18)})
    dispatch_end(
        actor=cast["org"], dispatch=dispatch, ended_on=D(2026, 3, 31), expected_version=None
    )
    org = client_of(cast["org"])

    # Open: the county; the township may not, another township does not see the dispatch.
    url = f"{API}/dispatches/{dispatch.pk}/assessments"
    assert post_json(client_of(cast["township"]), url, {"year": 2026}).status_code == 403
    assert post_json(client_of(cast["elsewhere"]), url, {"year": 2026}).status_code == 404
    refused = post_json(org, url, {"year": 2025})
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"field": "year", "message": "The dispatch did not serve in that year."}
    ]
    opened = post_json(org, url, {"year": 2026})
    assert opened.status_code == 201, opened.content
    body = opened.json()
    assert body["opinions_missing"] == ["township", "unit", "village"]
    assert (body["role"], body["role_label"], body["grade"], body["grade_label"]) == (
        "first_secretary", "First secretary", "", "",
    )  # fmt: skip
    assert (body["absences_so_far"], body["absent_days_so_far"]) == (2, 3)
    assert (body["best_grade"], body["best_grade_label"]) == (
        "basically_competent", "Basically competent",
    )  # fmt: skip
    assert body["may_grade"] and body["may_give_opinion"] == []
    assessment = Assessment.objects.get()
    detail = f"{API}/assessments/{assessment.pk}"

    # Out of scope: another township's leader gets the 404 of a record that does not exist.
    elsewhere = client_of(cast["elsewhere"])
    assert elsewhere.get(detail).status_code == 404
    assert elsewhere.get(f"{API}/assessments/{2**40}").status_code == 404
    assert elsewhere.get(f"{API}/assessments?year=2026").json() == {"items": [], "count": 0}
    assert (
        post_json(elsewhere, f"{detail}/opinion", {"opinion": "好", "version": 1}).status_code
        == 404
    )

    # Each party gives its own opinion, without naming it: the page's rule, by who they are.
    version = 1
    for party in ("township", "unit", "village"):
        client = client_of(cast[party])
        assert client.get(detail).json()["may_give_opinion"] == [party]
        given = post_json(
            client, f"{detail}/opinion", {"opinion": f"{party}：表现良好", "version": version}
        )
        assert given.status_code == 200, given.content
        assert given.json()[f"{party}_opinion"] == f"{party}：表现良好"
        version = given.json()["version"]
        assert given["ETag"] == f'"{version}"'
    # The village's secretary may not give the township's.
    named = post_json(
        client_of(cast["village"]), f"{detail}/opinion",
        {"opinion": "x", "party": "township", "version": version},
    )  # fmt: skip
    assert named.status_code == 403
    # A stale opinion is refused with the version stored now, and nothing is written.
    stale = post_json(
        client_of(cast["township"]), f"{detail}/opinion", {"opinion": "改", "version": 1}
    )
    assert stale.status_code == 409
    assert stale.json()["current_version"] == version and stale["ETag"] == f'"{version}"'
    assert "Someone else saved" in stale.json()["detail"]
    stale_header = post_json(
        client_of(cast["township"]), f"{detail}/opinion", {"opinion": "改"}, **{"If-Match": '"1"'}
    )
    assert stale_header.status_code == 412
    no_version = post_json(client_of(cast["township"]), f"{detail}/opinion", {"opinion": "改"})
    assert no_version.status_code == 428

    # The grade: the township may not; the cap of two absences refuses "competent", with why.
    assert (
        post_json(
            client_of(cast["township"]),
            f"{detail}/grade",
            {"grade": "competent", "version": version},
        ).status_code
        == 403
    )
    capped = post_json(org, f"{detail}/grade", {"grade": "competent", "version": version})
    assert capped.status_code == 422
    assert capped.json()["errors"] == [
        {
            "field": "grade",
            "message": "2 unexplained absences this year: the grade can be at best "
            "“Basically competent”.",
        }
    ]
    assert (
        post_json(org, f"{detail}/grade", {"grade": "good", "version": version}).status_code == 422
    )
    assert (
        post_json(
            org, f"{detail}/grade", {"grade": "excellent", "version": version - 1}
        ).status_code
        == 409
    )
    graded = post_json(org, f"{detail}/grade", {"grade": "basically_competent", "version": version})
    assert graded.status_code == 200, graded.content
    body = graded.json()
    assert (body["grade"], body["grade_label"], body["unexplained_absences"]) == (
        "basically_competent", "Basically competent", 2,
    )  # fmt: skip
    assert body["recall_proposed"] is False and body["graded_on"]
    event = Event.objects.filter(action="residency.assessment_grade").get()
    assert (event.actor, event.data["best_allowed"]) == (cast["org"], "basically_competent")
    assert Event.objects.filter(action="residency.assessment_opinion_give").count() == 3
    assert Event.objects.filter(action="residency.assessment_open").get().actor == cast["org"]
    # Graded: the opinions are closed, and the answer says so.
    closed = post_json(
        client_of(cast["village"]),
        f"{detail}/opinion",
        {"opinion": "补充", "version": body["version"]},
    )
    assert closed.status_code == 422
    assert closed.json()["detail"] == "The grade is set: the opinions are closed."


def test_many_absences_cannot_be_excellent_and_incompetent_proposes_a_recall(cast) -> None:  # type: ignore[no-untyped-def]
    dispatch = cast["dispatch"]
    # Ten single days away in February and March, each its own absence; nothing recorded after
    # March either, one absence more up to the grading day.
    tuesdays = {D(2026, 2, 3) + datetime.timedelta(weeks=n) for n in range(2)} | {
        D(2026, 2, 24) + datetime.timedelta(weeks=n) for n in range(5)
    }
    away = tuesdays | {D(2026, 3, 5), D(2026, 3, 12), D(2026, 3, 19)}
    in_village_until(dispatch, D(2026, 3, 31), away)
    on = min(timezone.localdate(), D(2026, 12, 31))
    runs, _days = unexplained_absences(dispatch, 2026, on)
    assert len(away) == 10 and runs >= 10
    assessment = assessment_open(actor=cast["org"], dispatch=dispatch, year=2026)
    version = assessment.version
    for party in ("township", "unit", "village"):
        given = post_json(
            client_of(cast[party]), f"{API}/assessments/{assessment.pk}/opinion",
            {"opinion": "好", "version": version},
        )  # fmt: skip
        version = given.json()["version"]
    org = client_of(cast["org"])
    url = f"{API}/assessments/{assessment.pk}/grade"
    for grade in ("excellent", "competent", "basically_competent"):
        refused = post_json(org, url, {"grade": grade, "version": version})
        assert refused.status_code == 422
        assert refused.json()["errors"] == [
            {
                "field": "grade",
                "message": f"{runs} unexplained absences this year: the grade can be at best "
                "“Incompetent”.",
            }
        ]
    assert Assessment.objects.get().grade == ""
    graded = post_json(org, url, {"grade": "incompetent", "version": version})
    assert graded.status_code == 200, graded.content
    assert (graded.json()["grade_label"], graded.json()["recall_proposed"]) == ("Incompetent", True)
    recall = Recall.objects.get()
    assert (recall.dispatch, recall.state) == (dispatch, RecallState.PROPOSED)


def test_the_list_filters_by_year_and_region_in_a_fixed_number_of_queries(
    cast, county: County
) -> None:  # type: ignore[no-untyped-def]
    org = client_of(cast["org"])
    assessment_open(actor=cast["org"], dispatch=cast["dispatch"], year=2026)
    url = f"{API}/assessments?year=2026&region={county.township.code}"
    org.get(url)
    with CaptureQueriesContext(connection) as few:
        one = org.get(url)
    assert one.json()["count"] == 1
    item = one.json()["items"][0]
    assert (item["cadre"], item["village"], item["village_name"], item["year"]) == (
        "wang", county.village.code, county.village.name, 2026,
    )  # fmt: skip
    for name, village in (("zhao", county.neighbour), ("qian", county.far_village)):
        assessment_open(
            actor=cast["org"], dispatch=make_cadre(county, name, village=village), year=2026
        )
    with CaptureQueriesContext(connection) as many:
        two = org.get(url)
    assert two.json()["count"] == 2 and len(many) == len(few)
    assert org.get(f"{API}/assessments?year=2025").json()["count"] == 0
    assert org.get(f"{API}/assessments").json()["count"] == 3
    assert org.get(f"{API}/assessments?region={county.far_village.code}").json()["count"] == 1
    bad = org.get(f"{API}/assessments?region=12345")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "region"
    # The unit's contact sees its own cadres' assessments only: all three are of the same unit.
    assert client_of(cast["unit"]).get(f"{API}/assessments").json()["count"] == 3
    assert client_of(cast["township"]).get(f"{API}/assessments").json()["count"] == 2


def test_the_township_starts_a_recall_through_the_api(cast) -> None:  # type: ignore[no-untyped-def]
    dispatch = cast["dispatch"]
    url = f"{API}/dispatches/{dispatch.pk}/recalls"
    assert post_json(client_of(cast["elsewhere"]), url, {"reason": "长期不在村"}).status_code == 404
    assert post_json(client_of(cast["village"]), url, {"reason": "长期不在村"}).status_code == 403
    assert post_json(client_of(cast["unit"]), url, {"reason": "长期不在村"}).status_code == 403
    township = client_of(cast["township"])
    blank = post_json(township, url, {"reason": " "})
    assert blank.status_code == 422
    assert blank.json()["errors"] == [{"field": "reason", "message": "A recall needs a reason."}]
    started = post_json(township, url, {"reason": "连续两个月在村不足10天"})
    assert started.status_code == 201, started.content
    body = started.json()
    assert (body["state"], body["state_label"], body["reason"], body["cadre"]) == (
        "proposed", "Recall proposed", "连续两个月在村不足10天", "wang",
    )  # fmt: skip
    recall = Recall.objects.get()
    assert Event.objects.get(action="residency.recall_start").actor == cast["township"]
    again = post_json(township, url, {"reason": "又一次"})
    assert again.status_code == 422
    assert again.json()["detail"] == "A recall of this cadre is under way already."
    got = client_of(cast["unit"]).get(f"{API}/recalls/{recall.pk}")
    assert got.status_code == 200 and got["ETag"] == '"1"'
    assert client_of(cast["elsewhere"]).get(f"{API}/recalls/{recall.pk}").status_code == 404
    # The recall's steps go on from there (test_recall.py): the unit names the replacement.
    steps = client_of(cast["unit"]).get(f"{API}/recalls/{recall.pk}/transitions").json()
    assert [s["name"] for s in steps["transitions"]] == ["name_replacement"]


# The post a dispatch gives


def test_a_dispatched_cadre_checks_in_at_once_and_the_end_of_the_dispatch_ends_the_post(
    county: County,
) -> None:
    org = make_user(county, "orgdept", Role.COUNTY_ORG_DEPT, county.county)
    unit = make_unit(county)
    # Someone with no post in the village (a work-team member elsewhere before).
    li = make_user(county, "li", Role.WORK_TEAM_MEMBER, county.neighbour)
    cadre = cadre_register(actor=org, user=li, sending_unit=unit, village=county.village)
    phone = client_of(li)
    before = phone.post(f"{API}/presence", "{}", content_type="application/json")
    assert before.status_code == 422  # no dispatch yet: "You serve in no village"
    dispatch = dispatch_create(
        actor=org, cadre=cadre, village=county.village, role="first_secretary",
        starts_on=D(2026, 1, 5),
    )  # fmt: skip
    post = Post.objects.get(user=li, role=Role.FIRST_SECRETARY)
    assert (post.region_code, post.sending_unit, post.starts_on, post.ends_on) == (
        county.village.code, unit, D(2026, 1, 5), None,
    )  # fmt: skip
    event = Event.objects.get(action="accounts.dispatched_post_assign", object_id=str(post.pk))
    assert event.actor == org and event.data["by"] == "residency.add_dispatch"
    checked = phone.post(f"{API}/presence", "{}", content_type="application/json")
    assert checked.status_code == 201, checked.content
    assert checked.json()["village"] == county.village.code

    ended_on = D(2026, 11, 20)
    dispatch_end(actor=org, dispatch=dispatch, ended_on=ended_on, expected_version=None)
    post.refresh_from_db()
    assert post.ends_on == ended_on == Post.objects.get(pk=post.pk).ends_on
    end = Event.objects.get(action="accounts.dispatched_post_end", object_id=str(post.pk))
    assert end.actor == org and end.data["changes"] == {"ends_on": [None, "2026-11-20"]}
    # The neighbour's old post is not the dispatch's: untouched.
    assert Post.objects.get(user=li, role=Role.WORK_TEAM_MEMBER).ends_on is None
    assert not Post.objects.active().filter(user=li, role=Role.FIRST_SECRETARY).exists()


def test_a_post_already_held_is_not_given_twice(county: County) -> None:
    # make_cadre gives the user the first secretary's post before the dispatch, as the demo does.
    dispatch = make_cadre(county, "wang", starts_on=D(2026, 2, 2))
    assert Post.objects.filter(user=cadre_user(dispatch)).count() == 1
    assert not Event.objects.filter(action="accounts.dispatched_post_assign").exists()


def test_the_replacement_gets_its_post_and_the_recalled_cadre_loses_theirs(county: County) -> None:
    org = make_user(county, "orgdept", Role.COUNTY_ORG_DEPT, county.county)
    dispatch = make_cadre(county, "wang", starts_on=D(2026, 2, 2))
    contact = make_user(
        county, "unit_contact", Role.SENDING_UNIT_CONTACT, county.county,
        sending_unit=dispatch.sending_unit,
    )  # fmt: skip
    newcomer = make_user(county, "zhao", Role.VILLAGE_COMMITTEE_MEMBER, county.neighbour)
    cadre_register(
        actor=org, user=newcomer, sending_unit=dispatch.sending_unit, village=county.village
    )
    recall = recall_start(actor=org, dispatch=dispatch, reason="长期不在村")
    recall = recall_transition(
        actor=contact, recall=recall, name="name_replacement", expected_version=recall.version,
        replacement_username="zhao", replacement_starts_on="2026-12-01",
    )  # fmt: skip
    recall = recall_transition(
        actor=org, recall=recall, name="complete", expected_version=recall.version,
        handover_documents=True, handover_work=True, handover_contacts=True,
    )  # fmt: skip
    assert recall.state == RecallState.COMPLETED
    dispatch.refresh_from_db()
    assert dispatch.status == DispatchStatus.RECALLED
    old = Post.objects.get(user=cadre_user(dispatch), role=Role.FIRST_SECRETARY)
    assert old.ends_on == D(2026, 11, 30) == dispatch.last_day()
    new = Post.objects.get(user=newcomer, role=Role.FIRST_SECRETARY)
    assert (new.region_code, new.sending_unit_id, new.starts_on, new.ends_on) == (
        county.village.code, dispatch.sending_unit_id, D(2026, 12, 1), None,
    )  # fmt: skip
    assert Cadre.objects.get(user=newcomer).dispatches.get().status == DispatchStatus.SERVING


def test_a_refused_dispatch_gives_no_post(county: County) -> None:
    township = make_user(county, "township", Role.TOWNSHIP_LEADER, county.township)
    unit = make_unit(county)
    li = make_user(county, "li", Role.WORK_TEAM_MEMBER, county.neighbour)
    cadre = cadre_register(actor=county.admin, user=li, sending_unit=unit, village=county.village)
    with pytest.raises(PermissionDenied):
        dispatch_create(
            actor=township, cadre=cadre, village=county.village, role="team_member",
            starts_on=D(2026, 1, 5),
        )  # fmt: skip
    assert not Post.objects.filter(user=li, region_code=county.village.code).exists()
