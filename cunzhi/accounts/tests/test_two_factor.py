"""Two-factor sign-in (TOTP): who must use it, setting it up, the second step, an admin's reset."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cunzhi.accounts.models import Role, User
from cunzhi.accounts.permissions import role_needs_two_factor
from cunzhi.accounts.signin import SESSION_TWO_FACTOR
from cunzhi.accounts.testing import PASSWORD, County, ThreePeople, make_user
from cunzhi.audit.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def otp_required(settings: Any) -> None:
    settings.OTP_REQUIRED = True


def code_of(device: TOTPDevice, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time += steps_ahead * device.step
    return f"{totp.token():06d}"


def signed_in(username: str) -> tuple[Client, Any]:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    return client, response


def past_both_steps(user: User) -> Client:
    """A client signed in as ``user`` whose session has given its code already."""
    client = Client()
    client.force_login(user)
    session = client.session
    session.pop(SESSION_TWO_FACTOR, None)
    session.save()
    return client


def enrolled(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)


def test_two_factor_is_required_exactly_for_roles_that_reveal_numbers_or_manage_people() -> None:
    required = {role for role in Role if role_needs_two_factor(role)}
    assert required == {
        Role.COUNTY_ADMIN,
        Role.COUNTY_CIVIL_AFFAIRS,
        Role.COUNTY_RURAL_BUREAU,
        Role.TOWNSHIP_LEADER,
        Role.TOWNSHIP_STAFF,
        Role.FIRST_SECRETARY,
        Role.WORK_TEAM_MEMBER,
        Role.VILLAGE_PARTY_SECRETARY,
        Role.VILLAGE_COMMITTEE_MEMBER,
    }


def test_a_supervisor_who_cannot_reveal_numbers_signs_in_with_the_password(
    people: ThreePeople,
) -> None:
    client, response = signed_in("supervisor")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_secretary_must_set_up_an_authenticator_before_any_page(people: ThreePeople) -> None:
    client, _response = signed_in("secretary")

    for url in ("/", reverse("regions:list"), reverse("accounts:tokens")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:two_factor") + "?next=")
    api = client.get("/api/v1/auth/me")
    assert api.status_code == 403 and set(api.json()) == {"detail", "errors"}

    page = client.get(reverse("accounts:two_factor")).content.decode()
    main = page[page.index("<main") : page.index("</main>")]
    assert "<svg" in main and "<script" not in main
    device = TOTPDevice.objects.get(user=people.in_scope, confirmed=False)
    secret = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', main)
    assert secret is not None and len(secret.group(1).replace(" ", "")) == 32

    wrong = client.post(reverse("accounts:two_factor"), {"code": "000000", "next": "/regions/"})
    assert wrong.status_code == 200 and "验证码错误或已过期" in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count = 0  # the wrong code's pause, skipped for the test
    device.save()
    done = client.post(
        reverse("accounts:two_factor"), {"code": code_of(device), "next": "/regions/"}
    )

    assert done.status_code == 302 and done["Location"] == "/regions/"
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/auth/me").status_code == 200
    [event] = Event.objects.filter(action="accounts.two_factor_enrol")
    assert event.actor == people.in_scope and event.chain == "530199"


def test_an_enrolled_user_gives_the_code_after_the_password(people: ThreePeople) -> None:
    device = enrolled(people.read_only)  # not required for a supervisor, but chosen
    client, response = signed_in("supervisor")
    assert response.status_code == 302
    assert client.get("/").status_code == 302

    verify = reverse("accounts:two_factor_verify")
    wrong = client.post(verify, {"code": "123456"})
    assert "验证码错误或已过期" in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.save()
    right = client.post(f"{verify}?next=/rules/", {"code": code_of(device)})

    assert right.status_code == 302 and right["Location"] == "/rules/"
    assert client.get("/").status_code == 200


def test_wrong_codes_are_throttled(people: ThreePeople) -> None:
    device = enrolled(people.in_scope)
    client, _response = signed_in("secretary")
    verify = reverse("accounts:two_factor_verify")
    client.post(verify, {"code": "000000"})

    right_but_too_soon = client.post(verify, {"code": code_of(device)})

    assert "验证码错误次数过多" in right_but_too_soon.content.decode()
    assert client.get("/").status_code == 302


def test_the_next_address_must_be_our_own(people: ThreePeople) -> None:
    device = enrolled(people.in_scope)
    client, _response = signed_in("secretary")
    answer = client.post(
        reverse("accounts:two_factor_verify") + "?next=https://evil.example/",
        {"code": code_of(device)},
    )
    assert answer["Location"] == "/"


def test_a_device_of_a_two_factor_user_sends_the_code_with_the_password(
    people: ThreePeople,
) -> None:
    device = enrolled(people.in_scope)
    body = {"username": "secretary", "password": PASSWORD}

    without = Client().post("/api/v1/auth/token", body, content_type="application/json")
    assert without.status_code == 401 and "otp" in without.json()["detail"]
    with_code = Client().post(
        "/api/v1/auth/token", {**body, "otp": code_of(device)}, content_type="application/json"
    )
    assert with_code.status_code == 201


def test_a_token_waits_until_two_factor_sign_in_is_set_up(people: ThreePeople) -> None:
    body = {"username": "secretary", "password": PASSWORD}
    response = Client().post("/api/v1/auth/token", body, content_type="application/json")
    assert response.status_code == 403
    assert "双重验证" in response.json()["detail"]


def test_a_county_administrator_resets_a_lost_authenticator(
    county: County, people: ThreePeople
) -> None:
    enrolled(people.in_scope)
    admin_user = make_user(county, "county_admin", Role.COUNTY_ADMIN, county.county)
    enrolled(admin_user)
    admin = past_both_steps(admin_user)

    response = admin.post(reverse("accounts:person_two_factor_reset", args=["secretary"]))

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=people.in_scope).exists()
    [event] = Event.objects.filter(action="accounts.two_factor_reset")
    assert event.actor == admin_user and event.object_id == str(people.in_scope.pk)
    client, _response = signed_in("secretary")
    assert client.get("/")["Location"].startswith(reverse("accounts:two_factor"))


def test_force_login_of_a_two_factor_user_still_owes_the_code(people: ThreePeople) -> None:
    client = Client()
    client.force_login(people.in_scope)
    assert client.get("/").status_code == 302


def test_a_township_leader_who_sees_people_cannot_reset_their_authenticator(
    county: County, people: ThreePeople
) -> None:
    enrolled(people.in_scope)
    leader = make_user(county, "leader", Role.TOWNSHIP_LEADER, county.township)
    client = past_both_steps(leader)

    response = client.post(reverse("accounts:person_two_factor_reset", args=["secretary"]))

    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=people.in_scope).exists()


def test_the_server_operator_resets_the_last_superusers_authenticator(county: County) -> None:
    enrolled(county.admin)
    out = StringIO()

    call_command("two_factor_reset", county.admin.username, stdout=out)

    assert not TOTPDevice.objects.filter(user=county.admin).exists()
    assert "Removed 1" in out.getvalue()
    [event] = Event.objects.filter(action="accounts.two_factor_reset")
    assert event.actor is None and event.actor_label == "manage.py" and event.chain == "-"
