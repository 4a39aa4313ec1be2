from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from pytest_django import DjangoAssertNumQueries

from cunzhi.accounts.models import Role
from cunzhi.accounts.testing import County, ThreePeople, make_user
from cunzhi.core import policy
from cunzhi.core.selectors import show_value

pytestmark = pytest.mark.django_db
PUBLICITY = "openness.publicity_days"


def test_a_cadre_reads_the_rules_in_force_in_few_queries(
    county: County, people: ThreePeople, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client = Client()
    client.force_login(people.read_only)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("core:rules"))
    assert response.status_code == 200
    rows = {row.key: row for row in response.context["rules"]}
    assert rows[PUBLICITY].value == "7" and rows[PUBLICITY].set_by is None
    assert rows["residency.presence_share_of_working_days"].value == "2/3"
    assert response.context["form"] is None  # a reader cannot set rules


def test_a_county_administrator_sets_a_rule_that_reaches_the_villages(
    county: County, people: ThreePeople
) -> None:
    admin = make_user(county, "county_admin", Role.COUNTY_ADMIN, county.county)
    client = Client()
    client.force_login(admin)
    today = timezone.localdate()
    response = client.post(
        reverse("core:rules"),
        {
            "key": PUBLICITY,
            "valid_from": today.isoformat(),
            "value": "10",
            "note": "青政发〔2026〕1号",
        },
    )
    assert response.status_code == 302
    assert policy.get(PUBLICITY, region_code=county.village.code, on=today) == 10
    # The village's reader now sees the county's rule, and who set it.
    reader = Client()
    reader.force_login(people.read_only)
    rows = {row.key: row for row in reader.get(reverse("core:rules")).context["rules"]}
    assert rows[PUBLICITY].value == "10"
    assert rows[PUBLICITY].set_by == county.county


def test_a_rule_of_the_wrong_shape_is_refused_with_a_message(county: County) -> None:
    admin = make_user(county, "county_admin", Role.COUNTY_ADMIN, county.county)
    client = Client()
    client.force_login(admin)
    response = client.post(
        reverse("core:rules"),
        {"key": PUBLICITY, "valid_from": "2026-01-01", "value": '{"numerator": 1}'},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert policy.get(PUBLICITY, region_code=county.village.code, on=datetime.date(2026, 6, 1)) == 7


def test_a_village_cadre_cannot_post_a_rule(county: County, people: ThreePeople) -> None:
    client = Client()
    client.force_login(people.in_scope)
    response = client.post(
        reverse("core:rules"), {"key": PUBLICITY, "valid_from": "2026-01-01", "value": "1"}
    )
    assert response.status_code == 403
    assert policy.get(PUBLICITY, region_code=county.village.code, on=datetime.date(2026, 6, 1)) == 7


def test_a_table_valued_rule_reads_with_named_parts_in_either_language() -> None:
    caps = {"not_excellent": 1, "at_most_basically_competent": 2, "incompetent": 3}
    with translation.override("en"):
        assert (
            show_value(caps) == "not excellent: 1; basically competent at best: 2; incompetent: 3"
        )
        assert show_value({"farmer": {"min": 20, "max": 100}, "student": 20}) == (
            "farmers: 20–100; students: 20"
        )
    with translation.override("zh-hans"):
        assert show_value(caps) == "不得评为优秀: 1; 最高评为基本称职: 2; 评为不称职: 3"
