"""Villager groups with their leaders, ten-household groups with a lead household."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from cunzhi.accounts.testing import County, ThreePeople, assert_three_people_scoping
from cunzhi.audit.models import Event
from cunzhi.regions.models import Region
from cunzhi.registry.models import GroupLeader, Household, TenHouseholdGroup
from cunzhi.registry.selectors import villager_groups
from cunzhi.registry.services import group_leader_set, ten_group_save
from cunzhi.registry.testing import register_family

pytestmark = pytest.mark.django_db
GROUP_CODE = "530199100201001"


def families(county: County, count: int, village: Region | None = None) -> list[Household]:
    # Other people in another village: one person is registered in one village.
    first = 10 if village is None or village == county.village else 400
    village = village or county.village
    return [
        register_family(
            county.admin, village, f"{n:03d}", sequence=first + 3 * n, head_name=f"杨{n}号"
        )
        for n in range(count)
    ]


def session(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_a_new_leader_ends_the_old_leaders_term_and_both_stay_on_record(county: County) -> None:
    first, second = (h.head for h in families(county, 2))
    group = Region.objects.get(code=GROUP_CODE)
    assert first is not None and second is not None
    group_leader_set(
        expected_version=None,
        actor=county.admin,
        group=group,
        resident=first,
        starts_on=datetime.date(2023, 3, 1),
    )
    group_leader_set(
        expected_version=None,
        actor=county.admin,
        group=group,
        resident=second,
        starts_on=datetime.date(2026, 3, 1),
    )

    terms = list(GroupLeader.objects.filter(region=group).order_by("starts_on"))
    assert [(t.resident_id, t.ends_on) for t in terms] == [
        (first.pk, datetime.date(2026, 3, 1)),
        (second.pk, None),
    ]
    [row] = villager_groups(county.admin, county.village)
    assert row.leader == second and row.leader_since == datetime.date(2026, 3, 1)
    event = Event.objects.filter(action="registry.group_leader_set").latest("pk")
    assert event.data["previous"] == first.name and event.data["leader"] == second.name


def test_a_leader_from_another_village_or_starting_before_the_current_one_is_refused(
    county: County,
) -> None:
    [here] = families(county, 1)
    [there] = families(county, 1, village=county.neighbour)
    group = Region.objects.get(code=GROUP_CODE)
    assert here.head is not None and there.head is not None
    with pytest.raises(ValidationError) as error:
        group_leader_set(
            expected_version=None,
            actor=county.admin,
            group=group,
            resident=there.head,
            starts_on=datetime.date(2026, 1, 1),
        )
    assert "resident" in error.value.message_dict
    group_leader_set(
        expected_version=None,
        actor=county.admin,
        group=group,
        resident=here.head,
        starts_on=datetime.date(2026, 1, 1),
    )
    spouse = here.members.exclude(pk=here.head.pk).first()
    assert spouse is not None
    with pytest.raises(ValidationError) as error:
        group_leader_set(
            expected_version=None,
            actor=county.admin,
            group=group,
            resident=spouse,
            starts_on=datetime.date(2025, 6, 1),
        )
    assert "starts_on" in error.value.message_dict
    assert GroupLeader.objects.count() == 1


def test_a_household_moves_between_ten_household_groups_and_the_trace_says_from_where(
    county: County,
) -> None:
    homes = families(county, 5)
    east = ten_group_save(
        expected_version=None,
        actor=county.admin,
        village=county.village,
        name="东片一组",
        households=homes[:3],
        lead_household=homes[0],
    )
    west = ten_group_save(
        expected_version=None,
        actor=county.admin,
        village=county.village,
        name="西片一组",
        households=homes[2:],
        lead_household=homes[4],
    )

    assert set(east.households.values_list("household_no", flat=True)) == {"000", "001"}
    assert set(west.households.values_list("household_no", flat=True)) == {"002", "003", "004"}
    event = Event.objects.filter(action="registry.ten_group_save").latest("pk")
    assert event.data["taken_from"] == {"002": "东片一组"}
    assert event.data["added"] == ["002", "003", "004"]

    ten_group_save(
        expected_version=None,
        actor=county.admin,
        village=county.village,
        name="东片一组",
        households=homes[:1],
        lead_household=homes[0],
        ten_group=east,
    )
    update = Event.objects.filter(action="registry.ten_group_save").latest("pk")
    assert update.data["removed"] == ["001"]
    assert Household.objects.get(pk=homes[1].pk).ten_household_group is None


def test_a_lead_household_outside_the_group_or_the_village_is_refused(county: County) -> None:
    homes = families(county, 3)
    [elsewhere] = families(county, 1, village=county.neighbour)
    with pytest.raises(ValidationError) as error:
        ten_group_save(
            expected_version=None,
            actor=county.admin,
            village=county.village,
            name="一组",
            households=homes[:2],
            lead_household=homes[2],
        )
    assert "lead_household" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        ten_group_save(
            expected_version=None,
            actor=county.admin,
            village=county.village,
            name="一组",
            households=[*homes, elsewhere],
            lead_household=None,
        )
    assert "households" in error.value.message_dict
    assert not TenHouseholdGroup.objects.exists()


def test_the_ten_household_group_form_is_scoped_to_three_people(
    county: County, people: ThreePeople
) -> None:
    homes = families(county, 3)
    group = ten_group_save(
        expected_version=None,
        actor=county.admin,
        village=county.village,
        name="东片一组",
        households=homes[:2],
        lead_household=homes[0],
    )
    assert_three_people_scoping(
        people,
        group,
        page_url=reverse("registry:groups", args=[county.village.code]),
        edit_url=reverse("registry:ten_group_edit", args=[group.pk]),
        edit_data={
            "name": "东片一组",
            "households": [h.pk for h in homes],
            "lead_household": homes[2].pk,
            "version": group.version,
        },
        changed=lambda: TenHouseholdGroup.objects.get(pk=group.pk).households.count() == 3,
    )


def test_the_cadre_sets_a_leader_through_the_page_and_a_bad_date_is_shown(
    county: County, people: ThreePeople
) -> None:
    [home] = families(county, 1)
    assert home.head is not None
    client = session(people.in_scope)
    url = reverse("registry:group_leader", args=[GROUP_CODE])
    response = client.post(url, {"resident": home.head.pk, "starts_on": "2026-13-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["starts_on"]
    assert not GroupLeader.objects.exists()

    response = client.post(url, {"resident": home.head.pk, "starts_on": "2026-02-01", "version": 0})
    assert response.status_code == 302
    assert GroupLeader.objects.get().resident == home.head
    assert session(people.read_only).post(url, {}).status_code == 403
    assert session(people.outsider).get(url).status_code == 404


def test_the_groups_page_runs_the_same_queries_for_few_or_many_households(
    county: County,
    people: ThreePeople,
    django_assert_num_queries: DjangoAssertNumQueries,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    homes = families(county, 2)
    group = ten_group_save(
        expected_version=None,
        actor=county.admin,
        village=county.village,
        name="东片一组",
        households=homes,
        lead_household=homes[0],
    )
    client = session(people.in_scope)
    url = reverse("registry:groups", args=[county.village.code])
    with django_assert_max_num_queries(12) as few:
        assert client.get(url).status_code == 200
    more = [
        register_family(county.admin, county.village, f"1{n:02d}", sequence=200 + 3 * n)
        for n in range(12)
    ]
    ten_group_save(
        expected_version=None,
        actor=county.admin,
        village=county.village,
        name="东片一组",
        households=[*homes, *more],
        lead_household=homes[0],
        ten_group=group,
    )
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("/registry/households/") >= 14


def test_a_leader_who_dies_or_leaves_the_village_leaves_office_on_record(
    county: County,
) -> None:
    from cunzhi.registry.services import household_transfer, resident_set_status

    first, second = (h.head for h in families(county, 2))
    assert first is not None and second is not None
    group = Region.objects.get(code=GROUP_CODE)
    group_leader_set(
        expected_version=None,
        actor=county.admin,
        group=group,
        resident=first,
        starts_on=datetime.date(2023, 3, 1),
    )
    resident_set_status(
        expected_version=None,
        actor=county.admin,
        resident=first,
        status="deceased",
        since=datetime.date(2026, 9, 2),
    )
    term = GroupLeader.objects.get(resident=first)
    assert term.ends_on == datetime.date(2026, 9, 2)
    [row] = villager_groups(county.admin, county.village)
    assert row.leader is None
    ended = Event.objects.get(action="registry.group_leader_end")
    assert ended.data["leader"] == first.name and ended.data["why"] == "deceased"

    # The next leader's household moves to another village: the term ends with the move.
    group_leader_set(
        expected_version=None,
        actor=county.admin,
        group=group,
        resident=second,
        starts_on=datetime.date(2026, 10, 1),
    )
    household_transfer(actor=county.admin, household=second.household, village=county.neighbour)
    assert GroupLeader.objects.get(resident=second).ends_on is not None
    assert Event.objects.filter(action="registry.group_leader_end").count() == 2
    # Back to living does not restore a term.
    resident_set_status(
        expected_version=None,
        actor=county.admin,
        resident=first,
        status="living",
        since=datetime.date(2026, 11, 1),
    )
    assert not GroupLeader.objects.filter(ends_on__isnull=True).exists()
