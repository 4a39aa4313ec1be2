"""The API's front door: tokens, sessions with CSRF, the error format, the OpenAPI description."""

import hashlib

from django.db import connection
from django.test import Client

from cunzhi.accounts.models import ApiToken, Role
from cunzhi.accounts.services import api_token_create
from cunzhi.accounts.testing import PASSWORD, County, ThreePeople, make_user

TOKEN_URL = "/api/v1/auth/token"
TOKENS_URL = "/api/v1/auth/tokens"
ME_URL = "/api/v1/auth/me"


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def database_contains(text: str) -> bool:
    """Whether ``text`` appears in any column of any row of any table."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                if any(text in str(value) for value in row if value is not None):
                    return True
    return False


def test_a_token_lives_from_creation_to_revocation(people: ThreePeople) -> None:
    client = Client()
    response = client.post(
        TOKEN_URL,
        {"username": "secretary", "password": PASSWORD, "name": "office phone"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    created = response.json()
    raw = created["token"]
    assert raw.startswith("cz_")
    assert raw.startswith(created["prefix"])
    assert created["name"] == "office phone"

    me = client.get(ME_URL, headers=bearer(raw))
    assert me.status_code == 200
    assert me.json()["username"] == "secretary"

    listed = client.get(TOKENS_URL, headers=bearer(raw)).json()
    assert [t["id"] for t in listed] == [created["id"]]
    assert listed[0]["last_used_at"] is not None
    assert "key_hash" not in listed[0] and "token" not in listed[0]

    revoked = client.delete(f"{TOKENS_URL}/{created['id']}", headers=bearer(raw))
    assert revoked.status_code == 204

    refused = client.get(ME_URL, headers=bearer(raw))
    assert refused.status_code == 401
    assert refused.json()["errors"] == []
    assert refused["WWW-Authenticate"].startswith("Bearer")


def test_a_token_is_stored_only_as_its_hash(people: ThreePeople) -> None:
    token, raw = api_token_create(actor=people.in_scope, name="tablet")
    Client().get(ME_URL, headers=bearer(raw))  # a use writes last_used_at: still no raw token
    token.refresh_from_db()
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert not database_contains(raw)
    assert not database_contains(raw[len(token.prefix) :])


def test_a_wrong_password_is_a_401_in_the_error_format(people: ThreePeople) -> None:
    for username in ("secretary", "nobody"):
        response = Client().post(
            TOKEN_URL,
            {"username": username, "password": "not-the-password", "name": "x"},
            content_type="application/json",
            headers={"Accept-Language": "en"},
        )
        assert response.status_code == 401
        assert response.json() == {"detail": "Wrong username or password.", "errors": []}
    assert not ApiToken.objects.exists()


def test_a_device_signs_in_with_username_and_password_alone(people: ThreePeople) -> None:
    response = Client().post(
        TOKEN_URL,
        {"username": "secretary", "password": PASSWORD},
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["name"] == "Unnamed device"
    assert Client().get(ME_URL, headers=bearer(response.json()["token"])).status_code == 200


def test_errors_speak_chinese_by_default(people: ThreePeople) -> None:
    response = Client().post(TOKEN_URL, {"password": PASSWORD}, content_type="application/json")
    assert response.status_code == 422
    assert {"field": "username", "message": "这个字段是必填项。"} in response.json()["errors"]


def test_it_answers_401_without_credentials_or_with_an_unknown_token(people: ThreePeople) -> None:
    for headers in ({}, bearer("cz_made-up"), bearer("not-even-ours")):
        response = Client().get(ME_URL, headers=headers)
        assert response.status_code == 401, headers
        assert set(response.json()) == {"detail", "errors"}


def test_nobody_revokes_someone_elses_token(people: ThreePeople) -> None:
    theirs, their_raw = api_token_create(actor=people.outsider, name="their phone")
    _mine, my_raw = api_token_create(actor=people.in_scope, name="my phone")

    response = Client().delete(
        f"{TOKENS_URL}/{theirs.pk}", headers={**bearer(my_raw), "Accept-Language": "en"}
    )

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": []}
    assert Client().get(ME_URL, headers=bearer(their_raw)).status_code == 200
    listed = Client().get(TOKENS_URL, headers=bearer(my_raw)).json()
    assert [t["name"] for t in listed] == ["my phone"]


def test_a_session_works_and_its_unsafe_calls_need_the_csrf_token(people: ThreePeople) -> None:
    token, raw = api_token_create(actor=people.in_scope, name="old phone")
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.in_scope)
    assert client.get(ME_URL).status_code == 200

    refused = client.delete(f"{TOKENS_URL}/{token.pk}")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    token.refresh_from_db()
    assert token.revoked_at is None

    secret = "k" * 32  # what the csrftoken cookie holds; the header repeats it
    client.cookies["csrftoken"] = secret
    accepted = client.delete(f"{TOKENS_URL}/{token.pk}", headers={"X-CSRFToken": secret})
    assert accepted.status_code == 204
    assert Client().get(ME_URL, headers=bearer(raw)).status_code == 401


def test_a_bearer_token_needs_no_csrf_token(people: ThreePeople) -> None:
    token, raw = api_token_create(actor=people.in_scope, name="phone")
    client = Client(enforce_csrf_checks=True)
    assert client.delete(f"{TOKENS_URL}/{token.pk}", headers=bearer(raw)).status_code == 204


def test_me_lists_the_posts_held_today(county: County) -> None:
    user = make_user(county, "liwei", Role.FIRST_SECRETARY, county.village)
    client = Client()
    client.force_login(user)

    body = client.get(ME_URL, headers={"Accept-Language": "en"}).json()

    assert body["username"] == "liwei"
    [post] = body["posts"]
    assert post["role"] == "first_secretary"
    assert post["role_label"] == "First secretary"
    assert (post["region_code"], post["region_name"]) == ("530199100201", "石板村")
    assert post["sending_unit"] is None and post["ends_on"] is None


def test_the_openapi_description_lists_the_paths(db: None) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/auth/token",
        "/api/v1/auth/tokens",
        "/api/v1/auth/tokens/{token_id}",
        "/api/v1/auth/me",
        "/api/v1/regions",
        "/api/v1/regions/{code}",
        "/api/v1/villages/{code}/profile",
        "/api/v1/villages/{code}/facilities",
        "/api/v1/facilities/{facility_id}",
        "/api/v1/regions/{code}/contacts",
        "/api/v1/contacts/{contact_id}",
    ):
        assert path in paths, path
    assert paths["/api/v1/auth/token"]["post"].get("security") in (None, [])
    schemes = response.json()["components"]["securitySchemes"]
    assert schemes["BearerToken"] == {"type": "http", "scheme": "bearer"}


def test_the_docs_page_answers(db: None) -> None:
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


def test_the_docs_page_loads_swagger_from_our_own_static_files(db: None) -> None:
    # The machines in a village office may have no internet: nothing may come from a CDN.
    content = Client().get("/api/v1/docs").content.decode()
    assert "cdn.jsdelivr.net" not in content
    assert "/static/ninja/swagger-ui-bundle.js" in content
