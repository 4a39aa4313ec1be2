"""Scope, checked for every URL that names a record or a region, pages and API alike.

The URLs come from the URL resolver and the OpenAPI description; which kind of record a URL
names comes from its parameters (``pk`` after ``households/``, ``household_id``, ``code``), or,
where they do not say, from ``tests.sweep.RECORD_OF_URL``. A record of each kind is made in
village A by its app's ``testing.py`` (``accounts.testing.record_factory``). Then the three people
of ``accounts.testing.three_people`` stand before it:

- someone who keeps it (the village's secretary, or the county administrator for what only the
  county manages) reads it;
- the secretary of another village gets exactly what they would get for a record that does not
  exist (a 404 for anything regional or personal), for a read and for a write;
- the read-only supervisor's write is refused;

and no refused write changes a row of ours or leaves an audit event.

A new URL whose record the sweep cannot tell, or cannot make, fails here with what to add.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from cunzhi.accounts.models import Role, User
from cunzhi.accounts.testing import (
    County,
    RecordKind,
    ThreePeople,
    database_state,
    make_user,
    record_kinds,
)
from cunzhi.audit.models import Event
from tests.sweep import (
    READS_BY_POST,
    SCHEMA,
    SUPERVISION_WRITES,
    Target,
    api_targets,
    form_data,
    page_targets,
    valid_case,
)

TARGETS = page_targets() + api_targets()


def _id(target: Target | str) -> str:
    return target if isinstance(target, str) else target.label


def _send(client: Client, method: str, url: str, body: Any) -> int:
    if url.startswith("/api/"):
        return client.generic(
            method, url, data=_json(body), content_type="application/json"
        ).status_code
    if method == "GET":
        return client.get(url).status_code
    return client.post(url, body).status_code


def _json(body: Any) -> str:
    return json.dumps(body if body is not None else {})


def _api_body(target: Target) -> Any:
    """A body the operation's schema accepts (a valid write, had the caller the right to it)."""
    method, path = target.label.split(" ", 1)
    operation = SCHEMA[path][method]
    return None if method in {"GET", "DELETE"} else valid_case(operation).body


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path  # files a factory makes (an import's error copy) go away


@pytest.fixture
def keeper(county: County) -> User:
    return make_user(county, "county_admin", Role.COUNTY_ADMIN, county.county)


@pytest.mark.parametrize("target", TARGETS, ids=_id)
def test_a_record_of_one_village_is_kept_from_everyone_else(
    target: Target | str, county: County, people: ThreePeople, keeper: Any
) -> None:
    if isinstance(target, str):
        pytest.fail(
            f"The scope sweep cannot tell which kind of record {target!r} names: add it to "
            "RECORD_OF_URL in tests/sweep.py (and VALUES_OF_URL if its parameters are not the "
            "record's id or code, NO_RECORD if they name no record)."
        )
    kinds = record_kinds()
    if target.kind not in kinds:
        app_label = target.kind.partition(".")[0]
        pytest.fail(
            f"{target.label} names a {target.kind} record, and the scope sweep cannot make one: "
            f'add a @record_factory("{target.kind}") to cunzhi/{app_label}/testing.py.'
        )
    kind: RecordKind = kinds[target.kind]
    record = kind.factory(county, people)
    url, missing_url = target.url(target.values(record)), target.url(target.values(None))
    clients = people.clients()
    keeping, admin = Client(), Client()
    keeping.force_login(keeper)
    admin.force_login(county.admin)  # the system administrator: the shared dictionaries
    body: Any = (
        _api_body(target) if url.startswith("/api/") else form_data(clients["in_scope"], url)
    )
    if not url.startswith("/api/") and not body:
        body = form_data(keeping, url)

    for method in target.methods:
        if method == "GET":
            readers = (clients["in_scope"], keeping, admin)
            seen = [_send(c, "GET", url, None) for c in readers]
            assert min(seen) < 400 or set(seen) == {405}, (
                f"nobody in scope could read {url}: {seen}; the sweep's record is not the one "
                "the URL names (fix its factory or VALUES_OF_URL)"
            )
        before, events = database_state(), Event.objects.count()
        outsider = _send(clients["outsider"], method, url, body)
        nothing = _send(clients["outsider"], method, missing_url, body)
        assert outsider >= 400, f"{method} {url} as another village's secretary: {outsider}"
        if not kind.public:
            # 422 only where it is also the answer for a record that does not exist: the input was
            # refused before any record was looked up, which tells nothing.
            assert outsider == nothing and outsider in {404, 405, 422}, (
                f"{method} {url} as another village's secretary: {outsider}, where a record "
                f"that does not exist gives {nothing}"
            )
        if method != "GET" and target.label not in READS_BY_POST | SUPERVISION_WRITES:
            reader = _send(clients["read_only"], method, url, body)
            # The API says so with its status; a page may show a read as the answer to a POST,
            # or go back with a message, so for pages the database says whether it was a write.
            if url.startswith("/api/"):
                # 428 (no version named) and 422 (a required input missing) refuse the request
                # before anything is looked up; the database check below says nothing changed.
                assert reader in {403, 404, 422, 428}, f"{method} {url} as the supervisor: {reader}"
            assert database_state() == before, f"a refused {method} {url} changed the database"
            assert Event.objects.count() == events, f"a refused {method} {url} left an event"
