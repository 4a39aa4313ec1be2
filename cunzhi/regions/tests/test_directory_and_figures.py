"""A township's contacts page shows each person once; the village profile tells the register's
figures from the statistical ones."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cunzhi.accounts.models import Role
from cunzhi.accounts.testing import County, ThreePeople, make_user
from cunzhi.regions.services import contact_create, village_profile_update
from cunzhi.registry.testing import family

pytestmark = pytest.mark.django_db


def _official_in_every_directory(county: County) -> None:
    """The township's liaison, added by the cadres of both villages; and one village's doctor."""
    for village in (county.village, county.neighbour):
        contact_create(
            actor=county.admin,
            region=village,
            name="李建国",
            organisation="青龙镇人民政府",
            position="联系领导",
            level="township",
            phone="13887654321",
        )
    contact_create(
        actor=county.admin,
        region=county.village,
        name="王医生",
        organisation="石板村卫生室",
        level="village",
        phone="13900001111",
    )


def test_the_township_contacts_page_shows_a_person_listed_by_two_villages_once(
    county: County,
) -> None:
    _official_in_every_directory(county)
    staff = make_user(county, "staff", Role.TOWNSHIP_STAFF, county.township)
    client = Client()
    client.force_login(staff)
    response = client.get(reverse("regions:contacts", args=[county.township.code]))
    entries = response.context["entries"]
    assert [entry.contact.name for entry in entries].count("李建国") == 1
    official = next(entry for entry in entries if entry.contact.name == "李建国")
    assert sorted(region.name for region in official.listed_in) == ["柳溪村", "石板村"]
    page = response.content.decode()
    assert page.count('href="tel:13887654321"') == 1
    assert "收录于" in page and "共 2 人" in page


def test_a_village_contacts_page_has_no_column_for_where(
    county: County, people: ThreePeople
) -> None:
    _official_in_every_directory(county)
    client = Client()
    client.force_login(people.in_scope)
    response = client.get(reverse("regions:contacts", args=[county.village.code]))
    assert len(response.context["entries"]) == 2
    assert "收录于" not in response.content.decode()


def test_the_village_profile_shows_the_register_and_the_statistics_with_their_date(
    county: County, people: ThreePeople
) -> None:
    family(county, 1)
    family(county, 2)
    profile = village_profile_update(
        actor=county.admin,
        village=county.village,
        households=384,
        population=1337,
        expected_version=None,
    )
    client = Client()
    client.force_login(people.in_scope)
    response = client.get(reverse("regions:profile", args=[county.village.code]))
    assert response.context["register_households"] == 2
    assert response.context["register_residents"] == 6
    page = response.content.decode()
    assert "户籍台账（当前）" in page and "384" in page and "1337" in page
    assert f"填报于 {timezone.localtime(profile.updated_at):%Y-%m-%d}" in page
