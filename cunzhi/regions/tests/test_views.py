from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from cunzhi.accounts.models import Role
from cunzhi.accounts.testing import County, ThreePeople, assert_three_people_scoping, make_user
from cunzhi.audit.models import Event
from cunzhi.regions.models import Clan, Contact, Facility, VillageProfile
from cunzhi.regions.services import contact_create, facility_create, village_profile_update

pytestmark = pytest.mark.django_db


def test_the_village_profile_is_scoped_to_three_people(county: County, people: ThreePeople) -> None:
    profile = village_profile_update(
        actor=county.admin, village=county.village, expected_version=0, population=1200
    )
    assert_three_people_scoping(
        people,
        profile,
        page_url=reverse("regions:profile", args=[county.village.code]),
        edit_url=reverse("regions:profile_edit", args=[county.village.code]),
        edit_data={
            "population": "1350",
            "resident_population": "900",
            "households": "402",
            "area_km2": "12.5",
            "arable_land_mu": "3100",
            "geography": "山区",
            "version": "1",
        },
        changed=lambda: VillageProfile.objects.get(pk=profile.pk).population == 1350,
    )


def test_contacts_are_scoped_to_three_people(county: County, people: ThreePeople) -> None:
    contact = contact_create(
        actor=county.admin,
        region=county.village,
        name="李医生",
        organisation="石板村卫生室",
        level="village",
        phone="13870001111",
    )
    assert_three_people_scoping(
        people,
        contact,
        page_url=reverse("regions:contact_edit", args=[contact.pk]),
        edit_url=reverse("regions:contact_edit", args=[contact.pk]),
        edit_data={
            "name": "李医生",
            "organisation": "石板村卫生室",
            "level": "village",
            "phone": "13870002222",
            "position": "村医",
            "version": "1",
        },
        changed=lambda: Contact.objects.get(pk=contact.pk).phone == "13870002222",
    )


def test_another_villages_profile_is_a_404_not_a_403(county: County, people: ThreePeople) -> None:
    client = Client()
    client.force_login(people.in_scope)
    assert client.get(reverse("regions:profile", args=[county.neighbour.code])).status_code == 404
    # The same answer as for a code that exists nowhere.
    assert client.get(reverse("regions:profile", args=["999999999999"])).status_code == 404


def test_a_profile_edit_is_audited_with_old_and_new_values(
    county: County, people: ThreePeople
) -> None:
    village_profile_update(
        actor=county.admin, village=county.village, expected_version=0, population=1200
    )
    client = Client()
    client.force_login(people.in_scope)
    response = client.post(
        reverse("regions:profile_edit", args=[county.village.code]),
        {
            "population": "1300",
            "resident_population": "0",
            "households": "0",
            "area_km2": "0",
            "arable_land_mu": "0",
            "version": "1",
        },
    )
    assert response.status_code == 302
    event = Event.objects.filter(object_type="regions.villageprofile").order_by("-seq").first()
    assert event is not None
    assert event.actor == people.in_scope
    assert event.data["changes"]["population"] == [1200, 1300]


def test_a_bad_profile_edit_shows_the_error_and_changes_nothing(
    county: County, people: ThreePeople
) -> None:
    village_profile_update(
        actor=county.admin, village=county.village, expected_version=0, population=1200
    )
    client = Client()
    client.force_login(people.in_scope)
    response = client.post(
        reverse("regions:profile_edit", args=[county.village.code]),
        {
            "population": "-5",
            "resident_population": "0",
            "households": "0",
            "area_km2": "abc",
            "arable_land_mu": "0",
            "version": "1",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"population", "area_km2"}
    assert VillageProfile.objects.get(region=county.village).population == 1200


def test_the_profile_page_shows_facilities_and_its_history(
    county: County, people: ThreePeople
) -> None:
    village_profile_update(
        actor=county.admin, village=county.village, expected_version=0, population=1200
    )
    facility_create(
        actor=county.admin,
        village=county.village,
        kind="school",
        name="石板小学",
        latitude=Decimal("25.123456"),
        longitude=Decimal("102.654321"),
    )
    client = Client()
    client.force_login(people.read_only)
    page = client.get(reverse("regions:profile", args=[county.village.code])).content.decode()
    assert "石板小学" in page and "25.123456" in page
    profile = VillageProfile.objects.get(region=county.village)
    history = client.get(reverse("audit:history", args=["regions.villageprofile", profile.pk]))
    assert history.status_code == 200
    assert "1200" in history.content.decode()


def test_history_of_another_villages_record_is_a_404(county: County, people: ThreePeople) -> None:
    profile = village_profile_update(
        actor=county.admin, village=county.neighbour, expected_version=0, population=5
    )
    client = Client()
    client.force_login(people.in_scope)
    url = reverse("audit:history", args=["regions.villageprofile", profile.pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("audit:history", args=["nosuch.model", 1])).status_code == 404


def test_the_contacts_page_runs_the_same_queries_for_3_or_30_contacts(
    county: County,
    people: ThreePeople,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    client = Client()
    client.force_login(people.in_scope)
    url = reverse("regions:contacts", args=[county.village.code])

    def add(n: int) -> None:
        for i in range(n):
            contact_create(
                actor=county.admin,
                region=county.village,
                name=f"联系人{i}",
                organisation="青龙镇政府",
                level="township",
            )

    add(3)
    client.get(url)  # warm the session and caches
    with django_assert_num_queries(8) as three:
        assert client.get(url).status_code == 200
    add(27)
    with django_assert_num_queries(len(three.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("青龙镇政府") == 30


def test_township_staff_see_every_village_of_their_township_only(county: County) -> None:
    staff = make_user(county, "township_staff", Role.TOWNSHIP_STAFF, county.township)
    client = Client()
    client.force_login(staff)
    page = client.get(reverse("regions:detail", args=[county.township.code])).content.decode()
    assert "石板村" in page and "柳溪村" in page
    assert client.get(reverse("regions:profile", args=[county.far_village.code])).status_code == 404


def test_contacts_search_as_you_type_returns_the_table_partial(
    county: County, people: ThreePeople
) -> None:
    contact_create(
        actor=county.admin,
        region=county.village,
        name="王老师",
        organisation="石板小学",
        level="village",
    )
    contact_create(
        actor=county.admin,
        region=county.village,
        name="赵站长",
        organisation="青龙镇农技站",
        level="township",
    )
    client = Client()
    client.force_login(people.in_scope)
    response = client.get(
        reverse("regions:contacts", args=[county.village.code]),
        {"q": "小学"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert "王老师" in body and "赵站长" not in body
    assert "<html" not in body


def test_another_villages_contacts_page_is_a_404(county: County, people: ThreePeople) -> None:
    contact_create(
        actor=county.admin,
        region=county.neighbour,
        name="邻村会计",
        organisation="柳溪村委会",
        level="village",
    )
    client = Client()
    client.force_login(people.in_scope)
    assert client.get(reverse("regions:contacts", args=[county.neighbour.code])).status_code == 404
    own = client.get(reverse("regions:contacts", args=[county.village.code])).content.decode()
    assert "邻村会计" not in own


def test_a_facility_page_is_scoped_to_three_people(county: County, people: ThreePeople) -> None:
    facility = facility_create(
        actor=county.admin, village=county.village, kind="school", name="石板小学"
    )
    url = reverse("regions:facility_edit", args=[facility.pk])
    assert_three_people_scoping(
        people,
        facility,
        edit_url=url,
        edit_data={
            "kind": "school",
            "name": "石板完小",
            "latitude": "25.1",
            "longitude": "102.5",
            "version": "1",
        },
        changed=lambda: Facility.objects.get(pk=facility.pk).name == "石板完小",
    )
    client = Client()
    client.force_login(people.read_only)
    assert client.get(url).status_code == 403


def test_a_cadre_adds_and_deletes_a_clan_and_the_trace_keeps_it(
    county: County, people: ThreePeople
) -> None:
    client = Client()
    client.force_login(people.in_scope)
    response = client.post(
        reverse("regions:clan_create", args=[county.village.code]),
        {"surname": "杨", "households": "120", "share_percent": "31.5"},
    )
    assert response.status_code == 302
    clan = Clan.objects.get(region=county.village, surname="杨")
    edit_page = client.get(reverse("regions:clan_edit", args=[clan.pk])).content.decode()
    assert reverse("regions:clan_delete", args=[clan.pk]) in edit_page
    assert client.get(reverse("regions:clan_delete", args=[clan.pk])).status_code == 405
    outsider = Client()
    outsider.force_login(people.outsider)
    assert outsider.post(reverse("regions:clan_delete", args=[clan.pk])).status_code == 404
    assert client.post(reverse("regions:clan_delete", args=[clan.pk])).status_code == 302
    assert not Clan.objects.filter(pk=clan.pk).exists()
    deleted = Event.objects.get(action="regions.clan_delete", object_id=str(clan.pk))
    assert deleted.data["fields"]["surname"] == "杨"


def test_a_share_above_100_percent_is_refused(county: County, people: ThreePeople) -> None:
    client = Client()
    client.force_login(people.in_scope)
    response = client.post(
        reverse("regions:clan_create", args=[county.village.code]),
        {"surname": "李", "households": "10", "share_percent": "120"},
    )
    assert response.status_code == 200
    assert "share_percent" in response.context["form"].errors
    assert not Clan.objects.filter(surname="李").exists()


def test_a_clan_facility_and_contact_edit_from_the_page_leave_old_and_new_values(
    county: County, people: ThreePeople
) -> None:
    from cunzhi.regions.services import clan_create, contact_create

    clan = clan_create(
        actor=county.admin, village=county.village, surname="杨", households=120, share_percent=30
    )
    facility = facility_create(
        actor=county.admin, village=county.village, kind="school", name="石板小学"
    )
    contact = contact_create(
        actor=county.admin,
        region=county.village,
        name="李会计",
        organisation="石板村委会",
        level="village",
    )
    client = Client()
    client.force_login(people.in_scope)
    posts = [
        (
            "regions:clan_edit",
            clan,
            {"surname": "杨", "households": "125", "share_percent": "30", "version": 1},
        ),
        ("regions:facility_edit", facility, {"kind": "school", "name": "石板完小", "version": 1}),
        (
            "regions:contact_edit",
            contact,
            {
                "name": "李会计",
                "organisation": "石板村委会",
                "level": "village",
                "phone": "13800000000",
                "version": 1,
            },
        ),
    ]
    for name, obj, data in posts:
        response = client.post(reverse(name, args=[obj.pk]), data)
        assert response.status_code == 302, (name, response.content.decode()[:500])
    changes = {
        event.object_type: event.data["changes"]
        for event in Event.objects.filter(action__endswith="_update", actor=people.in_scope)
    }
    assert changes["regions.clan"]["households"] == [120, 125]
    assert changes["regions.facility"]["name"] == ["石板小学", "石板完小"]
    assert changes["regions.contact"]["phone"] == ["", "13800000000"]
