"""The home page leads with the post's day: a village's figures, a township's villages side by
side, a county's townships; a sending unit's contact sees the villages its cadres serve."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from cunzhi.accounts.models import Role
from cunzhi.accounts.services import sending_unit_create
from cunzhi.accounts.testing import County, ThreePeople, make_user
from cunzhi.regions.models import Region
from cunzhi.regions.services import regions_import, village_profile_update
from cunzhi.registry.models import Tag
from cunzhi.registry.services import resident_set_tags
from cunzhi.registry.testing import family, head_of

pytestmark = pytest.mark.django_db


def _villages(county: County, count: int) -> list[Region]:
    """``count`` more villages in 青龙镇, each with one registered family of three."""
    rows = [(i, f"530199100{300 + i}", f"新村{i}") for i in range(1, count + 1)]
    regions_import(actor=county.admin, rows=rows)
    villages = list(Region.objects.filter(code__in=[code for _i, code, _n in rows]))
    for number, village in enumerate(villages, start=50):
        family(county, number, village=village)
    return villages


def _home(client: Client) -> Any:
    """The home page's context."""
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    return response.context


def test_a_village_secretary_sees_the_village_register_figures(
    county: County, people: ThreePeople
) -> None:
    household = family(county, 1)
    family(county, 2)
    resident_set_tags(
        actor=county.admin,
        resident=head_of(household),
        tags=[Tag.objects.get(code="dibao")],
        expected_version=None,
    )
    client = Client()
    client.force_login(people.in_scope)
    figures = dict(_home(client)["own_figures"])
    assert figures["户数"] == 2 and figures["在村居民"] == 6
    assert figures["低保（户）"] == 1 and figures["监测户（户）"] == 0


def test_a_township_leader_sees_the_villages_side_by_side(county: County) -> None:
    family(county, 1)
    family(county, 2)
    family(county, 3, village=county.neighbour)
    family(county, 4, village=county.far_village)  # another township: not counted
    leader = make_user(county, "leader", Role.TOWNSHIP_LEADER, county.township)
    client = Client()
    client.force_login(leader)
    context = _home(client)
    rows = {row.region.name: dict(row.cells) for row in context["figure_rows"]}
    assert rows["石板村"]["户数"] == 2 and rows["石板村"]["在村居民"] == 6
    assert rows["柳溪村"]["户数"] == 1
    assert "大坪村" not in rows
    assert dict(context["totals"])["在村居民"] == 9


def test_a_county_administrator_sees_the_townships_side_by_side(county: County) -> None:
    family(county, 1)
    family(county, 2, village=county.far_village)
    admin = make_user(county, "county", Role.COUNTY_ADMIN, county.county)
    client = Client()
    client.force_login(admin)
    rows = {row.region.name: dict(row.cells) for row in _home(client)["figure_rows"]}
    assert sorted(rows) == ["白马镇", "青龙镇"]
    assert rows["青龙镇"]["户数"] == 1 and rows["白马镇"]["在村居民"] == 3


def test_the_township_home_takes_as_many_queries_for_20_villages_as_for_2(
    county: County, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    leader = make_user(county, "leader", Role.TOWNSHIP_LEADER, county.township)
    client = Client()
    client.force_login(leader)
    _home(client)  # the first request fills the session; count the ones after it
    with CaptureQueriesContext(connection) as two_villages:
        assert len(_home(client)["figure_rows"]) == 2
    _villages(county, 18)
    with django_assert_num_queries(len(two_villages.captured_queries)):
        context = _home(client)
    assert len(context["figure_rows"]) == 20
    assert dict(context["totals"])["在村居民"] == 18 * 3


def test_a_sending_unit_contact_gets_a_home_of_the_villages_its_cadres_serve(
    county: County,
) -> None:
    unit = sending_unit_create(actor=county.admin, name="县交通运输局", region=county.county)
    make_user(county, "cadre", Role.FIRST_SECRETARY, county.village, sending_unit=unit)
    contact = make_user(county, "unit", Role.SENDING_UNIT_CONTACT, county.county, sending_unit=unit)
    village_profile_update(
        actor=county.admin, village=county.village, households=384, expected_version=None
    )
    client = Client()
    client.force_login(contact)
    response = client.get(reverse("core:home"))
    assert [item.region.name for item in response.context["served"]] == ["石板村"]
    page = response.content.decode()
    assert "384" in page
    # The county the unit's post sits at is out of this person's scope: no link leads there.
    assert reverse("regions:detail", args=[county.county.code]) not in page
    assert client.get(reverse("regions:profile", args=[county.village.code])).status_code == 200
