"""The residency pages as people use them: the phone home, the doors that write, attention."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cunzhi.accounts.models import Role
from cunzhi.accounts.testing import County, assert_attention_budget, make_user
from cunzhi.audit.models import Event
from cunzhi.residency.models import LeaveRequest, PresenceDay
from cunzhi.residency.services import presence_check_in
from cunzhi.residency.testing import a_leave, cadre_user, make_cadre

D = datetime.date
pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def events(action: str) -> list[Event]:
    return list(Event.objects.filter(action=action))


def test_a_first_secretary_checks_in_from_the_home_page(county: County) -> None:
    dispatch = make_cadre(county, "wang")
    client = signed_in(cadre_user(dispatch))
    home = client.get(reverse("core:home"))
    page = home.content.decode()
    assert "residency-today" in page and 'action="/residency/check-in/"' in page
    response = client.post(
        reverse("residency:check_in"),
        {"latitude": "25.040000", "longitude": "102.710000", "accuracy_m": "12"},
        follow=True,
    )
    assert response.status_code == 200
    day = PresenceDay.objects.get()
    assert (day.date, day.accuracy_m) == (timezone.localdate(), 12)
    [event] = events("residency.presence_check_in")
    assert event.data["accuracy_m"] == 12
    # Checked in: the home shows today's status and the year's figures, and no button.
    again = client.get(reverse("core:home")).content.decode()
    assert 'action="/residency/check-in/"' not in again
    assert "status-" in again
    # A bad position changes nothing.
    client.post(reverse("residency:check_in"), {"latitude": "999"})
    assert PresenceDay.objects.count() == 1


def test_the_home_of_someone_not_dispatched_has_no_check_in(county: County, people) -> None:  # type: ignore[no-untyped-def]
    page = signed_in(people.in_scope).get(reverse("core:home")).content.decode()
    assert "residency-today" not in page


def test_a_missed_day_and_a_leave_request_from_their_forms(county: County) -> None:
    dispatch = make_cadre(county, "wang")
    client = signed_in(cadre_user(dispatch))
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(
        reverse("residency:presence_fill"),
        {"date": yesterday.isoformat(), "kind": "in_village", "reason": "手机没电"},
    )
    assert response.status_code == 302
    assert events("residency.presence_fill")[0].data["reason"] == "手机没电"
    refused = client.post(
        reverse("residency:presence_fill"),
        {"date": "2026-01-01", "kind": "in_village", "reason": "补"},
    )
    assert refused.status_code == 200 and refused.context["form"].errors
    response = client.post(
        reverse("residency:leave_create"),
        {
            "leave_type": "sick",
            "starts_on": "2026-12-01",
            "ends_on": "2026-12-02",
            "reason": "住院",
        },
    )
    leave = LeaveRequest.objects.get()
    assert response["Location"] == leave.get_absolute_url()
    assert events("residency.leave_request_create")[0].data["working_days"] == 2
    bad = client.post(
        reverse("residency:leave_create"),
        {"leave_type": "sick", "starts_on": "2026-12-05", "ends_on": "2026-12-06", "reason": "x"},
    )
    assert "no working day" in str(bad.context["form"].errors) or bad.context["form"].errors
    assert LeaveRequest.objects.count() == 1


def test_the_township_corrects_a_day_from_the_dispatch_page(county: County, people) -> None:  # type: ignore[no-untyped-def]
    dispatch = make_cadre(county, "wang")
    officer = make_user(county, "township", Role.TOWNSHIP_LEADER, county.township)
    url = reverse("residency:presence_correct", args=[dispatch.pk])
    assert signed_in(people.read_only).post(url, {}).status_code == 403
    client = signed_in(officer)
    page = client.get(reverse("residency:dispatch", args=[dispatch.pk])).content.decode()
    assert url in page
    response = client.post(
        url, {"date": "2026-11-02", "kind": "training", "reason": "县委组织部培训班"}
    )
    assert response.status_code == 302
    assert PresenceDay.objects.get().kind == "training"
    assert events("residency.presence_correct")[0].data["kind"] == [None, "training"]


def test_at_risk_cadres_reach_the_townships_attention(county: County, english: None) -> None:
    officer = make_user(county, "township", Role.TOWNSHIP_LEADER, county.township)
    dispatch = make_cadre(county, "wang", starts_on=D(2026, 9, 1))
    presence_check_in(actor=cadre_user(dispatch), today=D(2026, 9, 1))
    items = assert_attention_budget(
        officer, officer.posts.select_related("region", "sending_unit").get()
    )
    counts = {str(item.label): item.count for item in items}
    assert (
        counts["Cadres who can no longer meet the year's days in the village"]
        + counts["Cadres at risk of missing the year's days in the village"]
        == 1
    )
    a_leave(dispatch, D(2026, 12, 1), D(2026, 12, 2))
    make_cadre(county, "li", village=county.neighbour)
    items = assert_attention_budget(
        officer, officer.posts.select_related("region", "sending_unit").get()
    )
    waiting = [i for i in items if "Leave" in str(i.label)]
    assert waiting and waiting[0].count == 1
    page = signed_in(officer).get(reverse("core:home")).content.decode()
    assert reverse("residency:compliance") in page


def test_the_county_exports_the_table_it_sees_and_the_export_is_traced(county: County) -> None:
    org = make_user(county, "orgdept", Role.COUNTY_ORG_DEPT, county.county)
    make_cadre(county, "wang")
    make_cadre(county, "li", village=county.far_village)
    response = signed_in(org).post(
        reverse("residency:compliance_export"), {"year": "2026", "region": county.township.code}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert body.startswith(b"PK")
    [event] = events("residency.compliance_export")
    assert event.data["rows"] == 1  # 青龙镇 only: 石板村's cadre
    assert event.data["filters"] == {"region": county.township.code}
    # A village's supervisor may read (and export) the table of their village: none here.
    reader = signed_in(make_user(county, "reader", Role.SUPERVISION_MEMBER, county.neighbour))
    reader.post(reverse("residency:compliance_export"), {"year": "2026"})
    assert sorted(e.data["rows"] for e in events("residency.compliance_export")) == [0, 1]


def test_the_county_dispatches_a_cadre_from_its_page_once(county: County, english: None) -> None:
    from cunzhi.residency.models import Dispatch
    from cunzhi.residency.testing import make_unit

    org = make_user(county, "orgdept", Role.COUNTY_ORG_DEPT, county.county)
    newcomer = make_user(county, "zhao", Role.FIRST_SECRETARY, county.neighbour)
    unit = make_unit(county)
    client = signed_in(org)
    assert (
        reverse("residency:dispatch_create")
        in client.get(reverse("residency:compliance")).content.decode()
    )
    data = {
        "username": "zhao", "sending_unit": unit.pk, "village": county.neighbour.pk,
        "role": "first_secretary", "starts_on": "2026-12-01", "position": "科员",
    }  # fmt: skip
    response = client.post(reverse("residency:dispatch_create"), data)
    dispatch = Dispatch.objects.get()
    assert response["Location"] == dispatch.get_absolute_url()
    assert (dispatch.cadre.user, dispatch.planned_end) == (newcomer, D(2028, 11, 30))
    assert {e.action for e in Event.objects.filter(action__startswith="residency.")} == {
        "residency.cadre_register", "residency.dispatch_create",
    }  # fmt: skip
    again = client.post(
        reverse("residency:dispatch_create"), {**data, "village": county.village.pk}
    )
    assert "one village at a time" in str(again.context["form"].errors)
    assert Dispatch.objects.count() == 1
    refused = signed_in(make_user(county, "township", Role.TOWNSHIP_STAFF, county.township))
    refused.post(reverse("residency:dispatch_create"), {**data, "username": "township"})
    assert Dispatch.objects.count() == 1
