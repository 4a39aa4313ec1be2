"""manage.py seed_demo: the demo county, its logins, and that it never seeds twice.

The county is seeded once for the whole module (a few seconds) inside a transaction that is
rolled back at the end, so the other test modules never see it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction
from django.http import HttpRequest
from django.test import override_settings

from cunzhi.accounts.models import ROLE_LEVEL, Post, Role, SendingUnit, User
from cunzhi.audit import services as audit
from cunzhi.audit.models import Event
from cunzhi.core.demo import ADMIN_ROLE
from cunzhi.core.regioncodes import Level
from cunzhi.regions.models import Clan, Contact, Facility, Region, VillageProfile

pytestmark = pytest.mark.django_db

# The project's PBKDF2 takes a third of a second a password; the test only needs a real hash.
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
COUNTED = (Region, VillageProfile, Clan, Facility, Contact, User, Post, SendingUnit, Event)


def run_seed_demo(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def logins(django_db_setup: Any, django_db_blocker: Any) -> Iterator[list[dict[str, str]]]:
    """The JSON the first run printed; the demo county stays seeded until the module ends."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        stdout, _stderr = run_seed_demo("--json")
        yield json.loads(stdout)
        transaction.set_rollback(True)


def counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in COUNTED}


def test_the_json_lists_every_role_with_exactly_the_promised_keys(
    logins: list[dict[str, str]],
) -> None:
    assert all(set(login) == {"username", "password", "role", "region_code"} for login in logins)
    assert {login["role"] for login in logins} == {*Role.values, ADMIN_ROLE}
    assert len({login["username"] for login in logins}) == len(logins)
    admin = next(login for login in logins if login["role"] == ADMIN_ROLE)
    assert admin["region_code"] == ""
    assert all(len(login["region_code"]) == 12 for login in logins if login is not admin)


def test_every_township_and_village_role_is_held_in_two_places(
    logins: list[dict[str, str]],
) -> None:
    places = defaultdict(set)
    for login in logins:
        places[login["role"]].add(login["region_code"])
    for role, level in ROLE_LEVEL.items():
        if level in (Level.TOWNSHIP, Level.VILLAGE):
            assert len(places[role]) >= 2, role
            assert {Region.objects.get(code=code).level for code in places[role]} == {level}


def test_every_demo_password_signs_in(logins: list[dict[str, str]]) -> None:
    for login in logins:
        # Axes counts sign-ins per request, so authenticate needs one.
        request = HttpRequest()
        user = authenticate(request, username=login["username"], password=login["password"])
        assert user is not None, login["username"]


def test_the_county_has_three_townships_of_six_villages_each_with_a_profile(
    logins: list[dict[str, str]],
) -> None:
    county = Region.objects.get(code="530199000000")
    townships = list(county.children.all())
    assert len(townships) == 3
    for township in townships:
        villages = list(township.children.all())
        assert len(villages) == 6
        for village in villages:
            assert village.level == Level.VILLAGE
            assert 4 <= village.children.count() <= 8
            profile = VillageProfile.objects.get(region=village)
            assert 800 <= profile.population <= 3500
            assert profile.resident_population < profile.population
            assert profile.geography and profile.economy and profile.history
            clans = Clan.objects.filter(region=village)
            assert 3 <= clans.count() <= 6
            assert sum(clan.share_percent for clan in clans) <= 100
            assert 4 <= Facility.objects.filter(region=village).count() <= 10
            assert 6 <= Contact.objects.filter(region=village).count() <= 12


def test_a_village_secretary_sees_their_village_and_not_the_neighbour(
    logins: list[dict[str, str]],
) -> None:
    secretary = User.objects.get(username="village_secretary_shiban")
    visible = Region.objects.for_user(secretary, "view")
    assert visible.filter(name="石板村").exists()
    assert not visible.filter(name="柳溪村").exists()


def test_the_audit_log_verifies_after_seeding(logins: list[dict[str, str]]) -> None:
    assert list(audit.verify_all()) == []


def test_if_empty_on_a_seeded_database_adds_nothing_and_prints_the_logins(
    logins: list[dict[str, str]],
) -> None:
    before = counts()
    stdout, stderr = run_seed_demo("--if-empty", "--json")
    assert json.loads(stdout) == logins
    assert "nothing seeded" in stderr
    table, _stderr = run_seed_demo("--if-empty")
    assert "first_secretary_shiban" in table and "cunzhi-demo-2026" in table
    assert counts() == before


def test_seeding_a_seeded_database_is_refused(logins: list[dict[str, str]]) -> None:
    before = counts()
    with pytest.raises(CommandError, match="already holds"):
        run_seed_demo()
    assert counts() == before


def test_every_demo_login_opens_its_home_regions_and_rules_pages(
    logins: list[dict[str, str]],
) -> None:
    from django.test import Client

    for login in logins:
        client = Client()
        # Through the sign-in page, as a person would (Axes counts sign-ins per request).
        credentials = {"username": login["username"], "password": login["password"]}
        assert client.post("/login/", credentials).status_code == 302, login
        for url in ("/", "/regions/", "/rules/", "/accounts/devices/"):
            response = client.get(url, follow=True)
            if login["role"] == ADMIN_ROLE and url == "/rules/":
                continue  # the system administrator holds no post, so no region's rules
            assert response.status_code == 200, (login["username"], url, response.status_code)
        if login["region_code"] and login["role"] != Role.SENDING_UNIT_CONTACT:
            home = client.get("/").content.decode()
            assert Region.objects.get(code=login["region_code"]).name in home, login
