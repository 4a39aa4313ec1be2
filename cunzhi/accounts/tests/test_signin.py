"""Sign-in throttling and its trace: a password-guessing script is stopped at both doors.

Axes runs as in production here (only the password hasher is faster): five failures lock an
account, or an address, for 30 minutes.
"""

from __future__ import annotations

import datetime

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from cunzhi.accounts.models import ApiToken, Role, User
from cunzhi.accounts.testing import PASSWORD, County, ThreePeople, make_user
from cunzhi.accounts.tests.test_api import database_contains
from cunzhi.audit.labels import action_label
from cunzhi.audit.models import Event

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token"
WRONG = "guess-123456"
LOCKED_ZH = "登录失败次数过多"


def page_sign_in(client: Client, username: str, password: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("login"), {"username": username, "password": password})


def api_sign_in(client: Client, username: str, password: str):  # type: ignore[no-untyped-def]
    body = {"username": username, "password": password}
    return client.post(TOKEN_URL, body, content_type="application/json")


@pytest.fixture
def county_admin(county: County) -> User:
    return make_user(county, "county_admin", Role.COUNTY_ADMIN, county.county)


def events(action: str) -> list[Event]:
    return list(Event.objects.filter(action=action).order_by("pk"))


def test_thirty_wrong_passwords_on_the_page_are_stopped_after_five(people: ThreePeople) -> None:
    client = Client()
    statuses = [page_sign_in(client, "secretary", WRONG).status_code for _ in range(30)]

    assert statuses == [200] * 4 + [429] * 26
    refused = page_sign_in(client, "secretary", PASSWORD)
    assert refused.status_code == 429
    assert LOCKED_ZH in refused.content.decode() and "30 分钟" in refused.content.decode()
    assert client.get(reverse("core:home")).status_code == 302  # not signed in


def test_thirty_wrong_passwords_on_the_api_are_stopped_after_five(people: ThreePeople) -> None:
    client = Client()
    answers = [api_sign_in(client, "secretary", WRONG) for _ in range(30)]

    assert [a.status_code for a in answers] == [401] * 4 + [429] * 26
    assert answers[-1].json() == {"detail": answers[-1].json()["detail"], "errors": []}
    assert LOCKED_ZH in answers[-1].json()["detail"]
    refused = api_sign_in(client, "secretary", PASSWORD)
    assert refused.status_code == 429
    assert not ApiToken.objects.exists()


def test_a_lock_from_the_api_holds_on_the_page_and_from_another_address(
    people: ThreePeople,
) -> None:
    for _ in range(5):
        api_sign_in(Client(REMOTE_ADDR="10.0.0.1"), "secretary", WRONG)

    elsewhere = page_sign_in(Client(REMOTE_ADDR="10.0.0.2"), "secretary", PASSWORD)

    assert elsewhere.status_code == 429
    # Another account from that other address is not touched.
    assert page_sign_in(Client(REMOTE_ADDR="10.0.0.2"), "supervisor", PASSWORD).status_code == 302


def test_an_address_trying_many_accounts_is_locked_for_every_account(
    people: ThreePeople,
) -> None:
    script = Client(REMOTE_ADDR="10.0.0.9")
    for username in ("amy", "bob", "carl", "dora", "emma"):
        page_sign_in(script, username, WRONG)

    assert page_sign_in(script, "secretary", PASSWORD).status_code == 429
    assert page_sign_in(Client(REMOTE_ADDR="10.0.0.8"), "secretary", PASSWORD).status_code == 302


def test_the_lock_ends_after_the_cool_off(people: ThreePeople) -> None:
    for _ in range(5):
        page_sign_in(Client(), "secretary", WRONG)
    an_hour_ago = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=31)
    AccessAttempt.objects.update(attempt_time=an_hour_ago)

    assert page_sign_in(Client(), "secretary", PASSWORD).status_code == 302


def test_a_county_administrator_unlocks_an_account_and_it_is_audited(
    county: County, people: ThreePeople, county_admin: User
) -> None:
    for _ in range(5):
        page_sign_in(Client(), "secretary", WRONG)
    admin = Client()
    admin.force_login(county_admin)
    person_url = reverse("accounts:person", args=["secretary"])
    assert "登录失败次数过多后已锁定" in admin.get(person_url).content.decode()

    response = admin.post(reverse("accounts:person_unlock", args=["secretary"]))

    assert response.status_code == 302
    assert page_sign_in(Client(), "secretary", PASSWORD).status_code == 302
    [unlock] = events("accounts.sign_in_unlock")
    assert unlock.actor == county_admin and unlock.object_id == str(people.in_scope.pk)
    assert unlock.chain == "530199"


def test_a_village_secretary_cannot_unlock_anyone(people: ThreePeople) -> None:
    for _ in range(5):
        page_sign_in(Client(), "supervisor", WRONG)
    client = Client()
    client.force_login(people.in_scope)

    response = client.post(reverse("accounts:person_unlock", args=["supervisor"]))

    assert response.status_code == 404
    assert page_sign_in(Client(), "supervisor", PASSWORD).status_code == 429
    assert not events("accounts.sign_in_unlock")


def test_the_axes_reset_command_unlocks_everyone(people: ThreePeople) -> None:
    for _ in range(5):
        page_sign_in(Client(), "secretary", WRONG)
    call_command("axes_reset_username", "secretary")
    assert page_sign_in(Client(), "secretary", PASSWORD).status_code == 302


def test_each_sign_in_event_is_written_once_in_the_persons_county(people: ThreePeople) -> None:
    client = Client(REMOTE_ADDR="10.1.2.3")
    assert page_sign_in(client, "secretary", PASSWORD).status_code == 302
    client.post(reverse("logout"))

    [sign_in] = events("accounts.sign_in")
    [sign_out] = events("accounts.sign_out")
    for event in (sign_in, sign_out):
        assert event.actor == people.in_scope
        assert event.object_type == "accounts.user" and event.object_id == str(people.in_scope.pk)
        assert event.chain == "530199" and event.data == {"address": "10.1.2.3"}


def test_a_failed_sign_in_records_the_username_tried_never_the_password(
    people: ThreePeople,
) -> None:
    page_sign_in(Client(REMOTE_ADDR="10.1.2.3"), "secretary", WRONG)
    api_sign_in(Client(REMOTE_ADDR="10.1.2.4"), "nobody-here", WRONG)

    known, unknown = events("accounts.sign_in_failure")
    assert known.actor is None and known.actor_label == "secretary"
    assert known.object_id == str(people.in_scope.pk) and known.chain == "530199"
    assert known.data == {"username": "secretary", "address": "10.1.2.3"}
    assert unknown.actor is None and unknown.chain == "-" and unknown.object_id == ""
    assert unknown.data == {"username": "nobody-here", "address": "10.1.2.4"}
    assert not database_contains(WRONG)


def test_a_lockout_is_recorded_once_however_long_the_script_goes_on(
    people: ThreePeople,
) -> None:
    for _ in range(12):
        page_sign_in(Client(REMOTE_ADDR="10.1.2.3"), "secretary", WRONG)

    [lock] = events("accounts.sign_in_lock")
    assert lock.actor is None and lock.chain == "530199"
    assert lock.data == {"username": "secretary", "address": "10.1.2.3", "failures": 5}
    failures = events("accounts.sign_in_failure")
    assert len(failures) == 12
    assert [bool(e.data.get("locked")) for e in failures] == [False] * 5 + [True] * 7


def test_a_password_change_is_audited_and_ends_the_tokens(people: ThreePeople) -> None:
    client = Client()
    page_sign_in(client, "secretary", PASSWORD)
    token = api_sign_in(Client(), "secretary", PASSWORD).json()["token"]

    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-mountain-road-2027",
            "new_password2": "a-new-mountain-road-2027",
        },
    )

    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200  # still signed in here
    [change] = events("accounts.password_change")
    assert change.actor == people.in_scope and change.data == {"tokens_revoked": 1}
    me = Client().get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401


def test_the_history_names_sign_in_actions_in_words(
    people: ThreePeople, county_admin: User
) -> None:
    page_sign_in(Client(), "secretary", WRONG)
    page_sign_in(Client(), "secretary", PASSWORD)
    admin = Client()
    admin.force_login(county_admin)

    history = admin.get(
        reverse("audit:history", args=["accounts.user", people.in_scope.pk])
    ).content.decode()

    assert "登录失败" in history and "登录系统" in history
    assert "sign_in" not in history and "sign in" not in history


def test_every_accounts_action_has_a_label(english: None) -> None:
    assert action_label("accounts.sign_in_failure") == "Failed sign-in"
    assert action_label("accounts.two_factor_reset") == "Two-factor sign-in reset"
    # Unregistered: core.writes' default names read as the model and the verb, never as a code.
    assert action_label("regions.villageprofile.update") == "Village profile changed"
    assert action_label("regions.nosuch_update") == "Change"  # unregistered: never its code
