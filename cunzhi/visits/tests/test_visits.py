"""Visits: a cadre records one on a phone and turns a need into a demand in the same step;
coverage this year per village and group; households due by their tags' visit frequency."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cunzhi.accounts.models import Role
from cunzhi.accounts.testing import County, ThreePeople, assert_three_people_scoping, make_user
from cunzhi.audit.models import Event
from cunzhi.demands.models import Demand, DemandCategory
from cunzhi.registry.models import Tag
from cunzhi.registry.services import resident_set_tags
from cunzhi.registry.testing import family, head_of, member
from cunzhi.visits.models import LastVisit, Visit
from cunzhi.visits.selectors import coverage, due_count, due_households
from cunzhi.visits.services import Need, visit_need_to_demand
from cunzhi.visits.testing import make_visit

pytestmark = pytest.mark.django_db


def test_a_cadre_records_a_visit_on_a_phone_and_turns_a_need_into_a_demand(
    county: County, people: ThreePeople
) -> None:
    household = family(county, 1)
    client = Client()
    client.force_login(people.in_scope)
    url = reverse("visits:create", args=[county.village.code]) + f"?household={household.pk}"
    page = client.get(url)
    assert page.status_code == 200 and 'style="' not in page.content.decode()
    response = client.post(
        url,
        {
            "household": household.pk,
            "visited_on": "2026-03-02",
            "cadres": [people.in_scope.pk],
            "people_met": [head_of(household).pk],
            "purpose": "care",
            "findings": "老人独居，自来水常停。",
            "latitude": "25.040000",
            "longitude": "102.710000",
            "need_category": DemandCategory.objects.get(code="drinking_water").pk,
            "need_title": "自来水常停",
            "need_description": "下寨自来水一周停两次，老人挑水困难。",
            "need_priority": "high",
        },
    )
    assert response.status_code == 302
    visit = Visit.objects.get()
    demand = Demand.objects.get()
    assert demand.source == "visit" and demand.source_ref == f"visits.visit:{visit.pk}"
    assert demand.household == household and demand.registered_on == datetime.date(2026, 3, 2)
    assert list(visit.people_met.all()) == [head_of(household)]
    assert LastVisit.objects.get(household=household).visited_on == datetime.date(2026, 3, 2)
    actions = sorted(Event.objects.values_list("action", flat=True).filter(action__contains="."))
    assert {"visits.visit_record", "demands.demand_create", "visits.visit_need_to_demand"} <= set(
        actions
    )
    detail = client.get(visit.get_absolute_url())
    assert demand.code in detail.content.decode()


def test_a_half_filled_need_is_refused_and_nothing_is_recorded(
    county: County, people: ThreePeople
) -> None:
    household = family(county, 1)
    client = Client()
    client.force_login(people.in_scope)
    response = client.post(
        reverse("visits:create", args=[county.village.code]),
        {
            "household": household.pk,
            "visited_on": "2026-03-02",
            "cadres": [people.in_scope.pk],
            "purpose": "survey",
            "findings": "一切正常",
            "need_title": "路灯坏了",
        },
    )
    assert response.status_code == 200
    assert Visit.objects.count() == 0 and Demand.objects.count() == 0


def test_a_need_found_on_an_earlier_visit_becomes_a_demand_from_its_page(
    county: County, people: ThreePeople
) -> None:
    visit = make_visit(people.in_scope, family(county, 1))
    client = Client()
    client.force_login(people.in_scope)
    response = client.post(
        reverse("visits:need", args=[visit.pk]),
        {
            "need_category": DemandCategory.objects.get(code="housing").pk,
            "need_title": "危房改造",
            "need_description": "土坯房墙体开裂。",
            "need_priority": "urgent",
        },
    )
    assert response.status_code == 302
    assert Demand.objects.get().source_ref == f"visits.visit:{visit.pk}"
    outsider = Client()
    outsider.force_login(people.outsider)
    assert outsider.post(reverse("visits:need", args=[visit.pk]), {}).status_code == 404


def test_a_visiting_cadre_must_be_of_the_village_and_people_met_of_the_household(
    county: County, people: ThreePeople
) -> None:
    household, other = family(county, 1), family(county, 2)
    with pytest.raises(ValidationError) as refused:
        make_visit(people.in_scope, household, cadres=[people.outsider])
    assert "cadres" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        make_visit(people.in_scope, household, people_met=[head_of(other)])
    assert "people_met" in refused.value.message_dict
    assert Visit.objects.count() == 0


def test_coverage_this_year_per_village_and_per_villager_group(
    county: County, people: ThreePeople
) -> None:
    from cunzhi.regions.models import Region

    group = Region.objects.get(code="530199100201001")
    visited = family(county, 1, group=group)
    not_yet = family(county, 2, group=group)
    last_year = family(county, 3)
    family(county, 4, village=county.neighbour)
    today = datetime.date(2026, 3, 20)
    make_visit(people.in_scope, visited, visited_on=datetime.date(2026, 3, 2))
    make_visit(people.in_scope, visited, visited_on=datetime.date(2026, 1, 5))
    make_visit(people.in_scope, last_year, visited_on=datetime.date(2025, 11, 2))
    township = make_user(county, "township_staff", Role.TOWNSHIP_STAFF, county.township)
    by_village = {row.name: (row.visited, row.households) for row in
                  coverage(township, county.township, today)}  # fmt: skip
    assert by_village == {"石板村": (1, 3), "柳溪村": (0, 1)}
    by_group = {row.code: (row.visited, row.households) for row in
                coverage(people.in_scope, county.village, today)}  # fmt: skip
    assert by_group == {group.code: (1, 2), "": (0, 1)}
    assert not_yet.pk  # registered, never visited


def test_households_with_tagged_residents_fall_due_by_their_tag_s_frequency(
    county: County, people: ThreePeople
) -> None:
    today = datetime.date(2026, 6, 1)
    dibao, tekun = Tag.objects.get(code="dibao"), Tag.objects.get(code="tekun")
    seen_lately, seen_long_ago, never = family(county, 1), family(county, 2), family(county, 3)
    untagged = family(county, 4)
    for household, tag in ((seen_lately, dibao), (seen_long_ago, dibao), (never, tekun)):
        head = head_of(household)
        resident_set_tags(actor=county.admin, resident=head, expected_version=head.version,
                          tags=[tag])  # fmt: skip
    # 低保: every 90 days. 2026-03-20 is 73 days before 2026-06-01; 2026-02-20 is 101.
    make_visit(people.in_scope, seen_lately, visited_on=datetime.date(2026, 3, 20))
    make_visit(people.in_scope, seen_long_ago, visited_on=datetime.date(2026, 2, 20))
    make_visit(people.in_scope, untagged, visited_on=datetime.date(2025, 1, 2))
    due = due_households(people.in_scope, county.village, today)
    assert [row["household_id"] for row in due] == [never.pk, seen_long_ago.pk]
    assert due_count(people.in_scope, county.village.code, today) == 2
    assert due_count(people.outsider, county.neighbour.code, today) == 0
    assert member(never, "spouse")  # the untagged spouse does not make it due twice


def test_the_new_visit_form_asks_the_phone_for_a_position_it_may_do_without(
    county: County, people: ThreePeople
) -> None:
    household = family(county, 1)
    client = Client()
    client.force_login(people.in_scope)
    url = reverse("visits:create", args=[county.village.code])
    page = client.get(url).content.decode()
    # The hooks static/js/position.js needs: the form, its status line, the script, the fields.
    assert 'data-geolocate="fill"' in page and "data-geolocate-status" in page
    assert 'data-found="已获取位置（±{m} 米）"' in page and "js/position.js" in page
    assert 'name="latitude"' in page and 'name="longitude"' in page
    visit = {
        "household": household.pk,
        "visited_on": "2026-03-02",
        "cadres": [people.in_scope.pk],
        "purpose": "survey",
        "findings": "一切正常",
    }
    with_position = {**visit, "latitude": "25.041234", "longitude": "102.7123"}
    assert client.post(url, with_position).status_code == 302
    assert client.post(url, {**visit, "latitude": "", "longitude": ""}).status_code == 302
    positions = Visit.objects.order_by("pk").values_list("latitude", "longitude")
    assert list(positions) == [(Decimal("25.041234"), Decimal("102.712300")), (None, None)]
    # An edit may be made away from the household: it does not ask.
    edit_url = reverse("visits:edit", args=[Visit.objects.earliest("pk").pk])
    edit = client.get(edit_url).content.decode()
    assert "data-geolocate" not in edit and "position.js" not in edit


def test_three_people_see_and_edit_a_visit_as_their_posts_allow(
    county: County, people: ThreePeople
) -> None:
    visit = make_visit(people.in_scope, family(county, 1))
    assert_three_people_scoping(
        people,
        visit,
        page_url=visit.get_absolute_url(),
        edit_url=reverse("visits:edit", args=[visit.pk]),
        edit_data={"purpose": "follow_up", "findings": "已回访，漏雨已修好。", "version": 1},
        changed=lambda: Visit.objects.get(pk=visit.pk).purpose == "follow_up",
    )


def test_the_visit_list_and_my_day_take_the_same_queries_for_few_and_many_rows(
    county: County, people: ThreePeople
) -> None:
    client = Client()
    client.force_login(people.in_scope)
    urls = [reverse("visits:list", args=[county.village.code]), reverse("visits:today")]
    make_visit(people.in_scope, family(county, 1))
    few = [_queries(client, url) for url in urls]
    for number in range(2, 12):
        make_visit(people.in_scope, family(county, number))
    assert [_queries(client, url) for url in urls] == few


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_api_records_a_visit_with_its_need(county: County, people: ThreePeople) -> None:
    import json

    household = family(county, 1)
    client = Client()
    client.force_login(people.in_scope)
    response = client.post(
        f"/api/v1/villages/{county.village.code}/visits",
        json.dumps(
            {
                "household": household.pk,
                "visited_on": "2026-03-02",
                "cadres": [people.in_scope.username],
                "purpose": "survey",
                "findings": "孩子上学路远",
                "need": {"category": "schooling", "title": "上学路远", "description": "走一小时"},
            }
        ),
        "application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["demand_code"] == Demand.objects.get().code
    coverage_answer = client.get(f"/api/v1/regions/{county.village.code}/visit-coverage")
    assert coverage_answer.status_code == 200


def test_need_to_demand_service_refuses_a_reader(county: County, people: ThreePeople) -> None:
    from django.core.exceptions import PermissionDenied

    visit = make_visit(people.in_scope, family(county, 1))
    need = Need(DemandCategory.objects.get(code="roads"), "路", "路坏了")
    with pytest.raises(PermissionDenied):
        visit_need_to_demand(actor=people.read_only, visit=visit, need=need)
    assert Demand.objects.count() == 0


def test_my_day_shows_the_due_households_and_one_tap_to_a_new_visit_or_demand(
    county: County, people: ThreePeople, settings: Any
) -> None:
    client = Client()
    client.force_login(people.in_scope)
    page = client.get(reverse("visits:today")).content.decode()
    assert reverse("visits:create", args=[county.village.code]) in page
    assert reverse("demands:create", args=[county.village.code]) in page


def test_the_demo_visits_most_households_and_turns_some_needs_into_demands() -> None:
    from cunzhi.core.demo import seed_demo

    seed_demo()
    assert Visit.objects.count() > 30
    assert Demand.objects.filter(source_ref__startswith="visits.visit:").exists()
    from cunzhi.registry.models import Household

    villages = LastVisit.objects.values("region_code")
    covered = LastVisit.objects.count() / Household.objects.filter(region_code__in=villages).count()
    assert 0.5 < covered < 1  # most households visited this year, not all
