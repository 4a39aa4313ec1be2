"""Recall and replacement (召回): the township starts it, the unit names the replacement, the
county confirms the handover, and the old dispatch ends the day before the new one begins."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from cunzhi.accounts.models import Role
from cunzhi.accounts.testing import County, ThreePeople, assert_three_people_scoping, make_user
from cunzhi.core.inbox.models import Notification
from cunzhi.core.workflow.engine import available_transitions
from cunzhi.residency.models import Cadre, DispatchStatus, Recall, RecallState
from cunzhi.residency.services import cadre_register, recall_start, recall_transition
from cunzhi.residency.testing import make_cadre, make_unit

D = datetime.date
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_a_recall_ends_the_old_dispatch_as_the_replacement_begins(
    county: County, people: ThreePeople
) -> None:
    dispatch = make_cadre(county, "wang", unit=make_unit(county, "省农业农村厅"))
    other_unit = make_cadre(
        county, "li", village=county.neighbour, unit=make_unit(county, "县水务局")
    )
    township = make_user(county, "township", Role.TOWNSHIP_LEADER, county.township)
    org = make_user(county, "orgdept", Role.COUNTY_ORG_DEPT, county.county)
    contact = make_user(
        county, "unit_contact", Role.SENDING_UNIT_CONTACT, county.county,
        sending_unit=dispatch.sending_unit,
    )  # fmt: skip
    other_contact = make_user(
        county, "other_contact", Role.SENDING_UNIT_CONTACT, county.county,
        sending_unit=other_unit.sending_unit,
    )  # fmt: skip
    newcomer = make_user(county, "zhao", Role.WORK_TEAM_MEMBER, county.neighbour)
    cadre_register(
        actor=county.admin,
        user=newcomer,
        sending_unit=dispatch.sending_unit,
        village=county.village,
    )

    with pytest.raises(ValidationError, match="needs a reason"):
        recall_start(actor=township, dispatch=dispatch, reason=" ")
    recall = recall_start(actor=township, dispatch=dispatch, reason="连续两个月在村不足10天")
    assert Notification.objects.filter(recipient=contact).count() == 1
    assert_three_people_scoping(people, recall, page_url=recall.get_absolute_url())

    assert [s.name for s in available_transitions(contact, recall)] == ["name_replacement"]
    with pytest.raises(Recall.DoesNotExist):  # for another unit's contact it does not exist
        recall_transition(
            actor=other_contact, recall=recall, name="name_replacement", expected_version=1,
            replacement_username="zhao", replacement_starts_on="2026-12-01",
        )  # fmt: skip
    with pytest.raises(ValidationError, match="No cadre of this sending unit"):
        recall_transition(
            actor=contact, recall=recall, name="name_replacement", expected_version=1,
            replacement_username="li", replacement_starts_on="2026-12-01",
        )  # fmt: skip
    recall = recall_transition(
        actor=contact, recall=recall, name="name_replacement", expected_version=1,
        replacement_username="zhao", replacement_starts_on="2026-12-01",
    )  # fmt: skip
    assert recall.state == RecallState.REPLACEMENT_NAMED
    with pytest.raises(ValidationError):  # every item of the checklist is ticked
        recall_transition(
            actor=org, recall=recall, name="complete", expected_version=recall.version,
            handover_documents=True, handover_work=True,
        )  # fmt: skip
    recall = recall_transition(
        actor=org, recall=recall, name="complete", expected_version=recall.version,
        handover_documents=True, handover_work=True, handover_contacts=True,
    )  # fmt: skip
    dispatch.refresh_from_db()
    assert (dispatch.status, dispatch.ended_on) == (DispatchStatus.RECALLED, D(2026, 11, 30))
    new = recall.new_dispatch
    assert new is not None and dispatch.replaced_by_id == new.pk
    assert (new.cadre, new.region, new.starts_on) == (
        Cadre.objects.get(user=newcomer), county.village, D(2026, 12, 1),
    )  # fmt: skip


def test_a_recall_is_started_from_the_dispatch_page_by_the_township_only(
    county: County, people: ThreePeople
) -> None:
    dispatch = make_cadre(county, "wang")
    url = reverse("residency:recall_start", args=[dispatch.pk])
    reader = people.clients()["read_only"]
    assert reader.post(url, {"reason": "x"}).status_code == 403
    township = Client()
    township.force_login(make_user(county, "township", Role.TOWNSHIP_STAFF, county.township))
    page = township.get(dispatch.get_absolute_url()).content.decode()
    assert url in page
    response = township.post(url, {"reason": "长期不在村"})
    assert response.status_code == 302
    again = township.post(url, {"reason": "又一次"})
    assert again.status_code == 302 and dispatch.recalls.count() == 1


def test_the_unit_names_the_replacement_through_the_api(county: County) -> None:
    import json

    from cunzhi.audit.models import Event

    dispatch = make_cadre(county, "wang")
    contact = make_user(
        county, "unit_contact", Role.SENDING_UNIT_CONTACT, county.county,
        sending_unit=dispatch.sending_unit,
    )  # fmt: skip
    newcomer = make_user(county, "zhao", Role.WORK_TEAM_MEMBER, county.neighbour)
    cadre_register(
        actor=county.admin,
        user=newcomer,
        sending_unit=dispatch.sending_unit,
        village=county.village,
    )
    recall = recall_start(actor=county.admin, dispatch=dispatch, reason="长期不在村")
    client = Client()
    client.force_login(contact)
    url = f"/api/v1/residency/recalls/{recall.pk}/transitions"
    assert [s["name"] for s in client.get(url).json()["transitions"]] == ["name_replacement"]
    body = {
        "expected_version": 1,
        "replacement_username": "zhao",
        "replacement_starts_on": "2026-12-07",
    }
    response = client.post(
        f"{url}/name_replacement", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    recall.refresh_from_db()
    assert recall.state == RecallState.REPLACEMENT_NAMED
    event = Event.objects.filter(action="residency.recall_transition").latest("pk")
    assert event.data["inputs"]["replacement_username"] == "zhao"
