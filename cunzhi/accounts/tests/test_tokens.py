"""API tokens end: after API_TOKEN_DAYS, with a new password, with the user's deactivation."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cunzhi.accounts.models import ApiToken
from cunzhi.accounts.services import api_token_create
from cunzhi.accounts.testing import PASSWORD, ThreePeople
from cunzhi.audit.models import Event

pytestmark = pytest.mark.django_db

ME_URL = "/api/v1/auth/me"


def works(raw: str) -> bool:
    response = Client().get(ME_URL, headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code in (200, 401)
    return response.status_code == 200


def aged(token: ApiToken, days: int) -> None:
    ApiToken.objects.filter(pk=token.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days)
    )


def test_a_token_works_for_ninety_days_and_not_a_day_more(people: ThreePeople) -> None:
    young, young_raw = api_token_create(actor=people.in_scope, name="phone")
    old, old_raw = api_token_create(actor=people.in_scope, name="old phone")
    aged(young, 89)
    aged(old, 91)
    assert works(young_raw)
    assert not works(old_raw)


def test_the_lifetime_is_a_setting_that_reaches_existing_tokens(
    people: ThreePeople, settings: Any
) -> None:
    token, raw = api_token_create(actor=people.in_scope, name="phone")
    aged(token, 10)
    settings.API_TOKEN_DAYS = 7
    assert not works(raw)


def test_the_api_tells_a_device_when_its_token_expires(people: ThreePeople) -> None:
    response = Client().post(
        "/api/v1/auth/token",
        {"username": "secretary", "password": PASSWORD},
        content_type="application/json",
    )
    created = response.json()
    made = datetime.datetime.fromisoformat(created["created_at"])
    expires = datetime.datetime.fromisoformat(created["expires_at"])
    assert expires - made == datetime.timedelta(days=90)
    listed = Client().get(
        "/api/v1/auth/tokens", headers={"Authorization": f"Bearer {created['token']}"}
    )
    assert listed.json()[0]["expires_at"] == created["expires_at"]


def test_a_new_password_set_anywhere_ends_every_token(people: ThreePeople) -> None:
    _token, raw = api_token_create(actor=people.in_scope, name="phone")
    user = people.in_scope
    user.set_password("another-long-road-2027")
    user.save()  # as the admin or manage.py changepassword do
    assert not works(raw)
    user.set_password(PASSWORD)
    user.save()
    assert not works(raw)  # the old password back does not bring the token back


def test_a_password_rehashed_at_sign_in_leaves_the_tokens_alone(
    people: ThreePeople, settings: Any
) -> None:
    _token, raw = api_token_create(actor=people.in_scope, name="phone")
    # Stored by an older hasher: the next sign-in re-hashes the same password and saves it.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    old_hash = PBKDF2PasswordHasher().encode(PASSWORD, "salt1234", iterations=1)
    type(people.in_scope).objects.filter(pk=people.in_scope.pk).update(password=old_hash)
    user = authenticate(HttpRequest(), username="secretary", password=PASSWORD)
    assert user is not None and user.password.startswith("md5$")
    assert works(raw)


def test_deactivating_a_user_ends_their_tokens_for_good(people: ThreePeople) -> None:
    _token, raw = api_token_create(actor=people.in_scope, name="phone")
    user = people.in_scope
    user.is_active = False
    user.save()
    assert not works(raw)
    user.is_active = True
    user.save()
    assert not works(raw)


def test_the_devices_page_makes_a_token_without_a_name_and_shows_its_end(
    people: ThreePeople,
) -> None:
    client = Client()
    client.force_login(people.in_scope)
    response = client.post(reverse("accounts:tokens"), {"name": ""})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=people.in_scope)
    assert token.name == "未命名设备"
    body = response.content.decode()
    assert (token.created_at + datetime.timedelta(days=90)).strftime("%Y-%m-%d") in body
    assert "90 天" in body
    aged(token, 91)
    assert "已过期" in client.get(reverse("accounts:tokens")).content.decode()


def test_making_and_revoking_a_token_are_each_audited_once(people: ThreePeople) -> None:
    client = Client()
    client.force_login(people.in_scope)
    client.post(reverse("accounts:tokens"), {"name": "办公室电脑"})
    token = ApiToken.objects.get(user=people.in_scope)
    client.post(reverse("accounts:token_revoke", args=[token.pk]))

    [made] = Event.objects.filter(action="accounts.api_token_create")
    [revoked] = Event.objects.filter(action="accounts.api_token_revoke")
    for event in (made, revoked):
        assert event.actor == people.in_scope and event.chain == "530199"
        assert event.object_id == str(token.pk)
