from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from cunzhi.accounts.models import Role
from cunzhi.accounts.services import sending_unit_create
from cunzhi.accounts.testing import County, ThreePeople, make_user
from cunzhi.regions.services import contact_create, contact_update

pytestmark = pytest.mark.django_db


def _contacts(county: County, n: int) -> None:
    for i in range(n):
        contact = contact_create(
            actor=county.admin,
            region=county.village,
            name=f"联系人{i}",
            organisation="镇政府",
            level="township",
        )
        contact_update(
            actor=county.admin, contact=contact, expected_version=1, phone=f"1387000{i:04d}"
        )


def test_the_audit_log_runs_the_same_queries_for_few_and_many_events(
    county: County, people: ThreePeople, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client = Client()
    client.force_login(people.read_only)
    _contacts(county, 2)
    client.get(reverse("audit:list"))
    # 7: the page's six and one for the names of the records changes link to (the regions).
    with django_assert_num_queries(7) as few:
        client.get(reverse("audit:list"))
    _contacts(county, 20)
    with django_assert_num_queries(len(few.captured_queries)):
        body = client.get(reverse("audit:list")).content.decode()
    # The last phone change, its new value masked (rule 7: personal numbers masked on pages).
    assert body.count("138****0019") == 1 and "13870000019" not in body


def test_the_audit_log_shows_only_the_readers_village(county: County, people: ThreePeople) -> None:
    contact_create(
        actor=county.admin,
        region=county.neighbour,
        name="邻村会计",
        organisation="柳溪村委会",
        level="village",
    )
    _contacts(county, 1)
    client = Client()
    client.force_login(people.read_only)
    body = client.get(reverse("audit:list")).content.decode()
    assert "联系人0" in body and "邻村会计" not in body


def test_a_user_without_audit_permission_cannot_open_the_log(county: County) -> None:
    unit = sending_unit_create(actor=county.admin, name="县农业农村局", region=county.county)
    contact = make_user(county, "unit", Role.SENDING_UNIT_CONTACT, county.county, sending_unit=unit)
    client = Client()
    client.force_login(contact)
    assert client.get(reverse("audit:list")).status_code == 403
