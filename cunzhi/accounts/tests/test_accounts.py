from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from cunzhi.accounts.models import Post, Role, User
from cunzhi.accounts.services import post_assign, post_end, sending_unit_create, user_create
from cunzhi.accounts.testing import PASSWORD, County, ThreePeople, make_user
from cunzhi.regions.models import Region
from cunzhi.regions.services import regions_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_admin(county: County) -> User:
    return make_user(county, "county_admin", Role.COUNTY_ADMIN, county.county)


@pytest.fixture
def other_county(county: County) -> Region:
    regions_import(
        actor=county.admin,
        rows=[
            (1, "530198000000", "东岭县"),
            (2, "530198100000", "东岭镇"),
            (3, "530198100201", "东岭村"),
        ],
    )
    return Region.objects.get(code="530198100201")


def test_a_county_admin_creates_a_user_with_a_post_in_their_county(
    county: County, county_admin: User
) -> None:
    user = user_create(
        actor=county_admin,
        username="new_secretary",
        password=PASSWORD,
        full_name="张新",
        role=Role.VILLAGE_PARTY_SECRETARY,
        region=county.village,
    )
    assert user.check_password(PASSWORD)
    assert [(p.role, p.region_code) for p in user.posts.all()] == [
        (Role.VILLAGE_PARTY_SECRETARY, county.village.code)
    ]


def test_a_county_admin_cannot_create_users_in_another_county(
    county: County, county_admin: User, other_county: Region
) -> None:
    with pytest.raises(PermissionDenied):
        user_create(
            actor=county_admin,
            username="outsider",
            password=PASSWORD,
            full_name="外人",
            role=Role.VILLAGE_PARTY_SECRETARY,
            region=other_county,
        )
    assert not User.objects.filter(username="outsider").exists()


def test_a_county_admin_cannot_give_posts_to_another_countys_user(
    county: County, county_admin: User, other_county: Region
) -> None:
    stranger = make_user(county, "stranger", Role.VILLAGE_PARTY_SECRETARY, other_county)
    with pytest.raises(PermissionDenied):
        post_assign(
            actor=county_admin, user=stranger, role=Role.WORK_TEAM_MEMBER, region=county.village
        )


def test_a_role_is_held_at_its_own_level(county: County, county_admin: User) -> None:
    with pytest.raises(ValidationError) as error:
        user_create(
            actor=county_admin,
            username="wrong_level",
            password=PASSWORD,
            full_name="错位",
            role=Role.TOWNSHIP_LEADER,
            region=county.village,
        )
    assert "region" in error.value.message_dict
    assert not User.objects.filter(username="wrong_level").exists()


def test_a_village_secretary_cannot_create_users(county: County, people: ThreePeople) -> None:
    with pytest.raises(PermissionDenied):
        user_create(
            actor=people.in_scope,
            username="x",
            password=PASSWORD,
            full_name="x",
            role=Role.VILLAGE_COMMITTEE_MEMBER,
            region=county.village,
        )


def test_an_ended_post_no_longer_grants_its_scope(county: County, county_admin: User) -> None:
    user = make_user(
        county,
        "leaving",
        Role.VILLAGE_PARTY_SECRETARY,
        county.village,
        starts_on=datetime.date(2024, 1, 1),
    )
    assert Region.objects.for_user(user).filter(code=county.village.code).exists()
    post_end(actor=county_admin, post=user.posts.get(), ends_on=datetime.date(2025, 1, 1))
    user = User.objects.get(pk=user.pk)
    assert not Region.objects.for_user(user).exists()


def test_a_sending_unit_contact_follows_the_villages_of_its_cadres(county: County) -> None:
    unit = sending_unit_create(actor=county.admin, name="青山县农业农村局", region=county.county)
    make_user(county, "first_sec", Role.FIRST_SECRETARY, county.village, sending_unit=unit)
    contact = make_user(
        county, "unit_contact", Role.SENDING_UNIT_CONTACT, county.county, sending_unit=unit
    )
    visible = set(Region.objects.for_user(contact).values_list("code", flat=True))
    assert county.village.code in visible
    assert county.neighbour.code not in visible
    assert county.county.code not in visible


def test_the_people_page_lists_only_the_admins_county_in_constant_queries(
    county: County,
    county_admin: User,
    other_county: Region,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    make_user(county, "stranger", Role.VILLAGE_PARTY_SECRETARY, other_county)
    for i in range(12):
        make_user(county, f"cadre{i}", Role.VILLAGE_COMMITTEE_MEMBER, county.village)
    client = Client()
    client.force_login(county_admin)
    with django_assert_max_num_queries(8):
        body = client.get(reverse("accounts:people")).content.decode()
    assert "cadre11" in body and "stranger" not in body


def test_the_person_form_refuses_a_region_outside_the_county(
    county: County, county_admin: User, other_county: Region
) -> None:
    client = Client()
    client.force_login(county_admin)
    response = client.post(
        reverse("accounts:person_create"),
        {
            "username": "sneaky",
            "full_name": "某人",
            "password": "a-long-passphrase-2026",
            "role": Role.VILLAGE_PARTY_SECRETARY,
            "region": other_county.pk,
        },
    )
    assert response.status_code == 200
    assert "region" in response.context["form"].errors
    assert not User.objects.filter(username="sneaky").exists()


def test_the_person_form_creates_a_user_who_can_sign_in(county: County, county_admin: User) -> None:
    client = Client()
    client.force_login(county_admin)
    response = client.post(
        reverse("accounts:person_create"),
        {
            "username": "liuxi_member",
            "full_name": "刘溪",
            "password": "a-long-passphrase-2026",
            "role": Role.VILLAGE_COMMITTEE_MEMBER,
            "region": county.neighbour.pk,
        },
    )
    assert response.status_code == 302
    signed_in = Client().post(
        reverse("login"), {"username": "liuxi_member", "password": "a-long-passphrase-2026"}
    )
    assert signed_in.status_code == 302


def test_a_user_with_two_posts_switches_between_them(county: County) -> None:
    user = make_user(county, "two_hats", Role.FIRST_SECRETARY, county.village)
    second = post_assign(
        actor=county.admin, user=user, role=Role.TOWNSHIP_STAFF, region=county.township
    )
    client = Client()
    client.force_login(user)
    home = client.get(reverse("core:home")).content.decode()
    assert "石板村" in home  # the first post is the default
    client.post(reverse("accounts:switch_post"), {"post": second.pk})
    home = client.get(reverse("core:home")).content.decode()
    assert "柳溪村" in home  # the township post lists its villages


def test_switching_to_someone_elses_post_is_refused(county: County, people: ThreePeople) -> None:
    theirs = Post.objects.get(user=people.outsider)
    client = Client()
    client.force_login(people.in_scope)
    client.post(reverse("accounts:switch_post"), {"post": theirs.pk})
    assert "柳溪村" not in client.get(reverse("core:home")).content.decode()


def test_sign_in_and_the_home_page_in_chinese_and_english(
    county: County, people: ThreePeople
) -> None:
    client = Client()
    assert client.get(reverse("core:home")).status_code == 302
    response = client.post(reverse("login"), {"username": "secretary", "password": PASSWORD})
    assert response.status_code == 302
    chinese = client.get(reverse("core:home")).content.decode()
    assert "村党组织书记" in chinese
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("core:home")).content.decode()
    assert "Village party secretary" in english


def test_a_county_admin_adds_and_ends_posts_on_the_person_page(
    county: County, county_admin: User
) -> None:
    cadre = make_user(county, "cadre", Role.VILLAGE_COMMITTEE_MEMBER, county.village)
    client = Client()
    client.force_login(county_admin)
    page = reverse("accounts:person", args=["cadre"])
    assert client.get(page).status_code == 200
    response = client.post(
        page, {"role": Role.WORK_TEAM_MEMBER, "region": county.neighbour.pk, "title": "队员"}
    )
    assert response.status_code == 302
    added = cadre.posts.get(role=Role.WORK_TEAM_MEMBER)
    assert (added.region_code, added.title) == (county.neighbour.code, "队员")
    response = client.post(
        reverse("accounts:post_end", args=[added.pk]), {"ends_on": added.starts_on.isoformat()}
    )
    assert response.status_code == 302
    added.refresh_from_db()
    assert added.ends_on == added.starts_on


def test_a_post_cannot_end_before_it_starts(county: County, county_admin: User) -> None:
    cadre = make_user(
        county,
        "cadre",
        Role.VILLAGE_COMMITTEE_MEMBER,
        county.village,
        starts_on=datetime.date(2025, 3, 1),
    )
    client = Client()
    client.force_login(county_admin)
    post = cadre.posts.get()
    client.post(reverse("accounts:post_end", args=[post.pk]), {"ends_on": "2025-02-01"})
    post.refresh_from_db()
    assert post.ends_on is None


def test_people_of_another_county_have_no_page_for_the_admin(
    county: County, county_admin: User, other_county: Region
) -> None:
    make_user(county, "stranger", Role.VILLAGE_PARTY_SECRETARY, other_county)
    client = Client()
    client.force_login(county_admin)
    assert client.get(reverse("accounts:person", args=["stranger"])).status_code == 404


def test_a_village_secretary_cannot_add_posts(county: County, people: ThreePeople) -> None:
    client = Client()
    client.force_login(people.in_scope)
    response = client.post(
        reverse("accounts:person", args=["supervisor"]),
        {"role": Role.WORK_TEAM_MEMBER, "region": county.village.pk},
    )
    assert response.status_code in (403, 404)
    assert people.read_only.posts.count() == 1
