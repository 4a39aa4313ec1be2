"""An accepted petition passed to a village as a villagers' demand, and taken back: both records
keep their history and name each other."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from cunzhi.accounts.testing import County, ThreePeople
from cunzhi.audit.models import Event
from cunzhi.demands.models import Demand, DemandCategory, DemandSource, DemandState
from cunzhi.demands.services import demand_transition
from cunzhi.disputes.models import Petition, PetitionState
from cunzhi.disputes.services import petition_transition
from cunzhi.disputes.tests.factories import make_petition

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
D = datetime.date


def _accepted(county: County) -> Petition:
    petition = make_petition(county)
    return petition_transition(
        actor=county.admin,
        petition=petition,
        name="accept",
        expected_version=petition.version,
        accepted_on=D(2025, 10, 9),
    )


def _passed(county: County) -> tuple[Petition, Demand]:
    petition = _accepted(county)
    roads = DemandCategory.objects.get(code="roads")
    petition = petition_transition(
        actor=county.admin,
        petition=petition,
        name="to_demand",
        expected_version=petition.version,
        village=county.village.pk,
        category=roads.pk,
    )
    return petition, Demand.objects.get(source_ref=f"disputes.petition:{petition.pk}")


def test_an_accepted_petition_becomes_the_villages_demand_naming_where_it_came_from(
    county: County,
) -> None:
    petition, demand = _passed(county)

    assert petition.state == PetitionState.TRANSFERRED
    assert (demand.region, demand.source, demand.state) == (
        county.village,
        DemandSource.PETITION,
        DemandState.REGISTERED,
    )
    assert demand.description == petition.content
    # Each record's own history says what happened to it.
    assert Event.objects.filter(
        object_type="disputes.petition", object_id=str(petition.pk), data__transition="to_demand"
    ).exists()
    assert Event.objects.filter(object_type="demands.demand", object_id=str(demand.pk)).exists()


def test_the_village_must_be_under_the_petitions_area(county: County) -> None:
    petition = _accepted(county)
    far = county.far_village  # another township's village
    with pytest.raises(ValidationError) as refused:
        petition_transition(
            actor=county.admin,
            petition=petition,
            name="to_demand",
            expected_version=petition.version,
            village=far.pk,
            category=DemandCategory.objects.get(code="roads").pk,
        )
    assert "village" in refused.value.message_dict
    assert not Demand.objects.exists()
    assert Petition.objects.get(pk=petition.pk).state == PetitionState.ACCEPTED


def test_the_petition_is_taken_back_only_once_the_village_has_finished_with_the_demand(
    county: County,
) -> None:
    petition, demand = _passed(county)
    with pytest.raises(ValidationError, match="still open"):
        petition_transition(
            actor=county.admin,
            petition=petition,
            name="take_back",
            expected_version=petition.version,
            reason="村里无法解决",
        )
    demand_transition(
        actor=county.admin,
        demand=demand,
        name="reject",
        expected_version=demand.version,
        reason="属于乡镇职权范围",
    )
    petition = petition_transition(
        actor=county.admin,
        petition=petition,
        name="take_back",
        expected_version=petition.version,
        reason="村里无法解决",
    )
    assert petition.state == PetitionState.ACCEPTED


def test_the_petition_page_offers_the_step_with_the_villages_of_its_township(
    county: County, people: ThreePeople
) -> None:
    petition = _accepted(county)
    client = Client()
    client.force_login(county.admin)
    html = client.get(reverse("disputes:petition", args=[petition.pk])).content.decode()
    assert "Pass to the village as a demand" in html
    assert county.village.name in html and county.far_village.name not in html


def test_the_api_lists_the_step_with_the_villages_it_may_go_to(county: County) -> None:
    petition = _accepted(county)
    client = Client()
    client.force_login(county.admin)
    body = client.get(f"/api/v1/petitions/{petition.pk}/transitions").json()
    step = next(t for t in body["transitions"] if t["name"] == "to_demand")
    village = next(r for r in step["requires"] if r["name"] == "village")
    assert str(county.village.pk) in village["choices"]
    assert str(county.far_village.pk) not in village["choices"]
