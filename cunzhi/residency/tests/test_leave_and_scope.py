"""Leave (请销假) by its length in working days, and who sees which cadres."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from cunzhi.accounts.models import Role
from cunzhi.accounts.testing import County, ThreePeople, assert_three_people_scoping, make_user
from cunzhi.audit.models import Event
from cunzhi.core.inbox.models import Notification
from cunzhi.core.workflow.engine import available_transitions
from cunzhi.residency.compliance import compliance_rows
from cunzhi.residency.models import Dispatch, LeaveRequest, LeaveState, PresenceDay
from cunzhi.residency.services import leave_request_transition, presence_check_in
from cunzhi.residency.testing import a_leave, cadre_user, make_cadre, make_unit

D = datetime.date
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def township(county: County):  # type: ignore[no-untyped-def]
    return make_user(county, "township", Role.TOWNSHIP_STAFF, county.township)


@pytest.fixture
def org_dept(county: County):  # type: ignore[no-untyped-def]
    return make_user(county, "orgdept", Role.COUNTY_ORG_DEPT, county.county)


def names(user, leave) -> list[str]:  # type: ignore[no-untyped-def]
    return [step.name for step in available_transitions(user, leave)]


def test_the_township_approves_two_working_days_and_the_county_five(
    county: County, township, org_dept
) -> None:  # type: ignore[no-untyped-def]
    dispatch = make_cadre(county, "wang")
    # Tuesday 1 and Wednesday 2 December 2026: 2 working days.
    short = a_leave(dispatch, D(2026, 12, 1), D(2026, 12, 2))
    assert short.working_days == 2
    assert names(township, short) == ["approve_township", "reject"]
    assert names(org_dept, short) == ["reject"]  # the county's approval is for longer leave
    with pytest.raises(ValidationError, match="approved by the township"):
        leave_request_transition(
            actor=org_dept, leaverequest=short, name="approve_county", expected_version=1
        )
    leave_request_transition(
        actor=township, leaverequest=short, name="approve_township", expected_version=1,
        comment="同意",
    )  # fmt: skip
    short.refresh_from_db()
    assert short.state == LeaveState.APPROVED
    assert list(PresenceDay.objects.filter(dispatch=dispatch).values_list("date", "kind")) == [
        (D(2026, 12, 2), "leave"),
        (D(2026, 12, 1), "leave"),
    ]
    assert Notification.objects.filter(recipient=cadre_user(dispatch)).count() == 1

    # Friday 4 to Thursday 10 December: 5 working days over a weekend: the county approves.
    long = a_leave(dispatch, D(2026, 12, 4), D(2026, 12, 10))
    assert long.working_days == 5
    assert names(township, long) == ["reject"]
    with pytest.raises(ValidationError, match="approved by the county"):
        leave_request_transition(
            actor=township, leaverequest=long, name="approve_township", expected_version=1
        )
    leave_request_transition(
        actor=org_dept, leaverequest=long, name="approve_county", expected_version=1
    )
    long.refresh_from_db()
    assert long.state == LeaveState.APPROVED
    # The weekend inside the leave is recorded too, but only the 5 working days count.
    assert PresenceDay.objects.filter(dispatch=dispatch, kind="leave").count() == 9


def test_the_cadre_withdraws_or_reports_the_return_and_nobody_else_may(
    county: County, township
) -> None:  # type: ignore[no-untyped-def]
    dispatch = make_cadre(county, "wang")
    user = cadre_user(dispatch)
    leave = a_leave(dispatch, D(2026, 11, 23), D(2026, 11, 24))
    assert "withdraw" not in names(township, leave)
    leave_request_transition(
        actor=township, leaverequest=leave, name="approve_township", expected_version=1
    )
    leave.refresh_from_db()
    leave_request_transition(
        actor=user, leaverequest=leave, name="report_return", expected_version=leave.version,
        returned_on="2026-11-25",
    )  # fmt: skip
    leave.refresh_from_db()
    assert (leave.state, leave.returned_on) == (LeaveState.RETURNED, D(2026, 11, 25))
    other = a_leave(dispatch, D(2026, 12, 14), D(2026, 12, 14))
    leave_request_transition(actor=user, leaverequest=other, name="withdraw", expected_version=1)
    other.refresh_from_db()
    assert other.state == LeaveState.WITHDRAWN


def test_a_day_of_leave_is_explained_and_a_day_with_nothing_is_not(county: County, township):  # type: ignore[no-untyped-def]
    dispatch = make_cadre(county, "wang", starts_on=D(2026, 11, 2))
    leave = a_leave(dispatch, D(2026, 11, 9), D(2026, 11, 10))
    leave_request_transition(
        actor=township, leaverequest=leave, name="approve_township", expected_version=1
    )
    for day in (D(2026, 11, 2), D(2026, 11, 3), D(2026, 11, 4)):
        presence_check_in(actor=cadre_user(dispatch), today=day)
    [row] = compliance_rows(Dispatch.objects.filter(pk=dispatch.pk), 2026, on=D(2026, 11, 13))
    # 2–13 November: 10 working days; 3 in the village, 2 on leave, 5 unexplained.
    assert (row.working_days_so_far, row.in_village_days, row.unexplained_days) == (10, 3, 5)


def test_a_sending_unit_sees_only_its_own_cadres(county: County) -> None:
    ours = make_cadre(county, "wang", unit=make_unit(county, "省农业农村厅"))
    theirs = make_cadre(county, "li", unit=make_unit(county, "县水务局"), role="team_member")
    contact = make_user(
        county, "unit_contact", Role.SENDING_UNIT_CONTACT, county.county,
        sending_unit=ours.sending_unit,
    )  # fmt: skip
    assert list(Dispatch.objects.for_user(contact)) == [ours]
    client = Client()
    client.force_login(contact)
    page = client.get(reverse("residency:compliance"))
    assert page.status_code == 200
    assert [r.dispatch for r in page.context["rows"]] == [ours]
    assert client.get(reverse("residency:dispatch", args=[ours.pk])).status_code == 200
    assert client.get(reverse("residency:dispatch", args=[theirs.pk])).status_code == 404
    rows = client.get("/api/v1/residency/compliance?year=2026").json()
    assert [r["cadre"] for r in rows] == ["wang"]
    # The other unit's leave is not there either.
    leave = a_leave(theirs, D(2026, 12, 1), D(2026, 12, 1))
    assert client.get(f"/api/v1/residency/leave-requests/{leave.pk}").status_code == 404


def test_three_people_before_a_dispatch_and_a_leave_request(
    county: County, people: ThreePeople, township
) -> None:  # type: ignore[no-untyped-def]
    dispatch = make_cadre(county, "wang")
    assert_three_people_scoping(
        people, dispatch, page_url=reverse("residency:dispatch", args=[dispatch.pk])
    )
    leave = a_leave(dispatch, D(2026, 12, 1), D(2026, 12, 2))
    assert_three_people_scoping(people, leave, page_url=leave.get_absolute_url())
    # The township's approval from the page; the reader and the outsider are refused.
    url = reverse("residency:leaverequest_transition", args=[leave.pk, "approve_township"])
    clients = people.clients()
    assert clients["outsider"].post(url, {"expected_version": 1}).status_code == 404
    assert clients["read_only"].post(url, {"expected_version": 1}).status_code == 403
    officer = Client()
    officer.force_login(township)
    response = officer.post(url, {"expected_version": 1, "approve_township-comment": "同意"})
    assert response.status_code in (200, 302)
    leave.refresh_from_db()
    assert leave.state == LeaveState.APPROVED


def test_the_compliance_table_and_the_leave_list_take_as_many_queries_for_many_rows(
    county: County, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    org = make_user(county, "orgdept", Role.COUNTY_ORG_DEPT, county.county)
    # Two townships from the start, so that both counts include the summary by township.
    for n, village in enumerate([county.village, county.far_village]):
        first = make_cadre(county, f"cadre{n}", village=village)
        presence_check_in(actor=cadre_user(first), today=D(2026, 11, 2))
        a_leave(first, D(2026, 12, 1), D(2026, 12, 1))
    client = Client()
    client.force_login(org)
    client.get(reverse("residency:compliance"))  # the calendar's year, cached per process

    def count(url: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = {u: count(u) for u in (reverse("residency:compliance"), reverse("residency:leaves"))}
    for n, village in enumerate([county.neighbour, county.far_village, county.village], start=2):
        dispatch = make_cadre(county, f"cadre{n}", village=village)
        presence_check_in(actor=cadre_user(dispatch), today=D(2026, 11, 2))
        a_leave(dispatch, D(2026, 12, 1), D(2026, 12, 1))
    many = {u: count(u) for u in few}
    assert many == few
    page = client.get(reverse("residency:compliance")).context
    assert len(page["rows"]) == 5
    assert sorted(area.dispatches for area in page["areas"]) == [2, 3]


def test_the_api_checks_in_once_a_day_and_refuses_bad_input(county: County) -> None:
    dispatch = make_cadre(county, "wang")
    client = Client()
    client.force_login(cadre_user(dispatch))
    body = json.dumps({"latitude": 25.04, "longitude": 102.71, "accuracy_m": 15})
    first = client.post("/api/v1/residency/presence", body, content_type="application/json")
    assert first.status_code == 201, first.content
    assert first.json()["kind"] == "in_village"
    again = client.post("/api/v1/residency/presence", "{}", content_type="application/json")
    assert again.status_code == 200
    bad = client.post(
        "/api/v1/residency/presence", json.dumps({"latitude": 25.04}),
        content_type="application/json",
    )  # fmt: skip
    assert bad.status_code == 422
    assert PresenceDay.objects.count() == 1
    missing = client.get("/api/v1/residency/compliance?year=2027")
    assert missing.status_code == 422
    assert "import_holidays" in missing.content.decode()
    bad_region = client.get("/api/v1/residency/compliance?year=2026&region=abc")
    assert bad_region.status_code == 422


def test_someone_who_serves_nowhere_cannot_check_in(county: County, people: ThreePeople) -> None:
    with pytest.raises(ValidationError, match="no village"):
        presence_check_in(actor=people.in_scope)
    client = Client()
    client.force_login(people.in_scope)
    response = client.post("/api/v1/residency/presence", "{}", content_type="application/json")
    assert response.status_code == 422
    assert not Event.objects.filter(action__startswith="residency.presence").exists()
    assert not LeaveRequest.objects.exists()
