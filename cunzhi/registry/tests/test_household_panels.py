"""The household page's panels of visits and demands (``registry.panels``): each read through
``for_user``, each hidden from a user who may not see it, in a constant number of queries."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from cunzhi.accounts.models import Role
from cunzhi.accounts.testing import County, ThreePeople, make_user
from cunzhi.demands.testing import make_demand
from cunzhi.registry.testing import family, head_of
from cunzhi.visits.testing import make_visit

D = datetime.date
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def session(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_household_page_shows_its_visits_and_demands_with_links(
    county: County, people: ThreePeople
) -> None:
    household = family(county, 1)
    other = family(county, 2)
    visit = make_visit(people.in_scope, household, visited_on=D(2026, 3, 2), purpose="care")
    elsewhere = make_visit(people.in_scope, other, visited_on=D(2026, 3, 3))
    late = make_demand(
        people.in_scope, county.village, title="屋顶漏雨", household=household,
        registered_on=D(2026, 3, 2), today=D(2026, 3, 2),
    )  # fmt: skip
    make_demand(people.in_scope, county.village, title="别家的事", household=other)
    url = reverse("registry:household", args=[household.pk])
    page = session(people.in_scope).get(url).content.decode()
    assert reverse("visits:visit", args=[visit.pk]) in page
    assert reverse("visits:visit", args=[elsewhere.pk]) not in page
    assert "2026-03-02 · Care for a vulnerable person" in page  # the label, not "care"
    assert reverse("demands:demand", args=[late.pk]) in page and "屋顶漏雨" in page
    assert "别家的事" not in page
    assert "<mark>Overdue</mark>" in page  # due in March, still registered
    # The keeper may add either from here; the read-only member sees them but adds nothing.
    assert f"/visits/region/{county.village.code}/new/?household={household.pk}" in page
    assert f"/demands/region/{county.village.code}/new/?household={household.pk}" in page
    read_only = session(people.read_only).get(url).content.decode()
    assert reverse("visits:visit", args=[visit.pk]) in read_only and "屋顶漏雨" in read_only
    assert "/new/?household=" not in read_only


def test_a_user_who_may_not_see_visits_and_demands_sees_nothing_of_them(
    county: County, people: ThreePeople
) -> None:
    household = family(county, 1)
    visit = make_visit(people.in_scope, household, findings="老人独居，行动不便。")
    make_demand(people.in_scope, county.village, title="屋顶漏雨", household=household)
    # The county's civil affairs bureau reads the register but neither visits nor demands.
    civil = make_user(county, "civil", Role.COUNTY_CIVIL_AFFAIRS, county.county)
    response = session(civil).get(reverse("registry:household", args=[household.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert head_of(household).name in page
    assert reverse("visits:visit", args=[visit.pk]) not in page
    assert "老人独居" not in page and "屋顶漏雨" not in page
    assert 'id="household-visits"' not in page and 'id="household-demands"' not in page


def test_the_panels_read_as_many_queries_for_one_visit_as_for_many(
    county: County, people: ThreePeople, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    household = family(county, 1)
    make_visit(people.in_scope, household, visited_on=D(2026, 3, 2))
    make_demand(people.in_scope, county.village, household=household)
    client = session(people.in_scope)
    url = reverse("registry:household", args=[household.pk])
    client.get(url)  # warm the session and caches
    # 9 for the household, 3 for the panels: visits, their cadres, demands.
    with django_assert_num_queries(12) as one:
        client.get(url)
    cadre = make_user(county, "member", Role.VILLAGE_COMMITTEE_MEMBER, county.village)
    for n in range(8):
        make_visit(people.in_scope, household, visited_on=D(2026, 4, 1 + n),
                   cadres=[people.in_scope, cadre])  # fmt: skip
        make_demand(people.in_scope, county.village, title=f"诉求{n}", household=household)
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(url).content.decode()
    assert len(re.findall(r'href="/visits/\d+/"', page)) == 5  # the latest five
    assert len(re.findall(r'href="/demands/\d+/"', page)) == 8
