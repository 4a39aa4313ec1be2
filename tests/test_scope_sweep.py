"""Scope, checked for every URL that names a record or a region, pages and API alike.

The URLs come from the URL resolver and the OpenAPI description; which kind of record a URL
names comes from its parameters (``pk`` after ``households/``, ``household_id``, ``code``), or,
where they do not say, from ``RECORD_OF_URL`` below. A record of each kind is made in village A
by its app's ``testing.py`` (``core.testing.record_factory``). Then the three people of
``core.testing.three_people`` stand before it:

- someone who keeps it (the village's secretary, or the county administrator for what only the
  county manages) reads it;
- the secretary of another village gets exactly what they would get for a record that does not
  exist (a 404 for anything regional or personal), for a read and for a write;
- the read-only supervisor's write is refused;

and no refused write changes a row of ours or leaves an audit event.

A new URL whose record the sweep cannot tell, or cannot make, fails here with what to add.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.test import Client

from cunzhi.accounts.models import Role, User
from cunzhi.api import api
from cunzhi.audit.models import Event
from cunzhi.core.testing import (
    County,
    RecordKind,
    ThreePeople,
    database_state,
    make_user,
    page_patterns,
    record_kinds,
)

# Where a URL's parameters do not say which kind of record it names.
RECORD_OF_URL = {
    "accounts:person": "accounts.user",
    "accounts:token_revoke": "accounts.apitoken",
    "registry:ten_group_edit": "registry.tenhouseholdgroup",
    "registry:import_job": "registry.importjob",
    "registry:import_errors": "registry.importjob",
    "audit:history": "registry.household",  # any record's history: a household's here
    "DELETE /api/v1/auth/tokens/{token_id}": "accounts.apitoken",
}
# Where a parameter's value is not the record's id or code.
VALUES_OF_URL: dict[str, Callable[[Any], dict[str, Any]]] = {
    "audit:history": lambda obj: {"object_type": obj._meta.label_lower, "object_id": obj.pk},
    # A villager group's leader: the group of village A.
    "registry:group_leader": lambda village: {"code": village.code + "001"},
}
# URLs with parameters that name no record.
NO_RECORD = {"registry:import_template"}  # import/template.<kind>: a file type
# POSTs that are reads a reader may make: an export is recorded in the trace (DESIGN rule 7).
READS_BY_POST = {"registry:register_export"}
MISSING_ID = 2**62  # an id no record has
MISSING_CODE = "530199100299"  # a well-formed village code of no village


@dataclass(frozen=True)
class Target:
    """A URL that names one record: how to fill it for that record and for none."""

    label: str  # "registry:household" or "GET /api/v1/households/{household_id}"
    url: Callable[[dict[str, Any]], str]
    params: dict[str, str]  # parameter name -> what it holds
    kind: str  # "registry.household"
    methods: tuple[str, ...]

    def values(self, obj: models.Model | None) -> dict[str, Any]:
        if obj is not None and self.label in VALUES_OF_URL:
            return VALUES_OF_URL[self.label](obj)
        values = {}
        for name, holds in self.params.items():
            if holds == "code":
                values[name] = obj.code if obj is not None else MISSING_CODE  # type: ignore[attr-defined]
            elif holds == "username":
                values[name] = obj.username if obj is not None else "nobody-here"  # type: ignore[attr-defined]
            elif holds == "object_type":
                values[name] = self.kind
            else:
                values[name] = obj.pk if obj is not None else MISSING_ID
        return values


def _kind_of(name: str, route: str, params: dict[str, str], app_label: str | None) -> str | None:
    """The kind of record a URL names, from its parameters; None when they do not say."""
    if name in RECORD_OF_URL:
        return RECORD_OF_URL[name]
    if set(params) == {"code"}:
        return "regions.region"
    [param] = params if len(params) == 1 else [None]
    if param is None:
        return None
    if param.endswith("_id"):  # the API: household_id, resident_id, ...
        wanted = param.removesuffix("_id")
        matches = [m._meta.label_lower for m in apps.get_models() if m._meta.model_name == wanted]
        return matches[0] if len(matches) == 1 else None
    # A page: the plural before <int:pk>, "households/<int:pk>/" -> registry.household.
    before = re.search(r"([a-z-]+)/<[^>]*" + param + ">", route)
    if before is None or app_label is None:
        return None
    plural = before[1].replace("-", "")
    singular = plural[:-3] + "y" if plural.endswith("ies") else plural.removesuffix("s")
    try:
        return apps.get_model(app_label, singular)._meta.label_lower
    except LookupError:
        return None


def page_targets() -> list[Target | str]:
    found: list[Target | str] = []
    for pattern in page_patterns():
        if not pattern.params or pattern.name in NO_RECORD:
            continue
        app_label = pattern.name.partition(":")[0] if ":" in pattern.name else None
        kind = _kind_of(pattern.name, pattern.route, pattern.params, app_label)
        if kind is None:
            found.append(pattern.name)
            continue
        holds = {n: ("code" if c == "code" else n) for n, c in pattern.params.items()}
        found.append(
            Target(
                label=pattern.name,
                url=lambda values, p=pattern: p.url(**values),  # type: ignore[misc]
                params=holds,
                kind=kind,
                methods=("GET", "POST"),
            )
        )
    return found


def api_targets() -> list[Target | str]:
    found: list[Target | str] = []
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    for path, operations in schema["paths"].items():
        params = re.findall(r"{([^}]+)}", path)
        if not params:
            continue
        for method in operations:
            label = f"{method.upper()} {path}"
            kind = _kind_of(label, path, dict.fromkeys(params, ""), None)
            if kind is None:
                found.append(label)
                continue
            found.append(
                Target(
                    label=label,
                    url=lambda values, p=path: re.sub(r"{([^}]+)}", lambda m: str(values[m[1]]), p),
                    params={p: p for p in params},
                    kind=kind,
                    methods=(method.upper(),),
                )
            )
    return found


TARGETS = page_targets() + api_targets()


def _id(target: Target | str) -> str:
    return target if isinstance(target, str) else target.label


class _FormFields(HTMLParser):
    """The names and values a page's forms would send: what a write the sweep tries carries."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag in {"input", "select", "textarea"} and name and name != "csrfmiddlewaretoken":
            value = attributes.get("value") or ""
            if attributes.get("type") in {None, "text", "search"} or tag == "textarea":
                value += "改"  # a change, if the write were let through
            self.data.setdefault(name, value)


def form_data(client: Client, url: str) -> dict[str, str]:
    response = client.get(url)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return {}
    parser = _FormFields()
    parser.feed(response.content.decode())
    return parser.data


def _send(client: Client, method: str, url: str, body: Any) -> int:
    if url.startswith("/api/"):
        return client.generic(
            method, url, data=_json(body), content_type="application/json"
        ).status_code
    if method == "GET":
        return client.get(url).status_code
    return client.post(url, body).status_code


def _json(body: Any) -> str:
    import json

    return json.dumps(body if body is not None else {})


def _api_body(target: Target) -> Any:
    """A body the operation's schema accepts (a valid write, had the caller the right to it)."""
    from tests.test_api_fuzz import SCHEMA, valid_case

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
            f"RECORD_OF_URL in {__file__} (and VALUES_OF_URL if its parameters are not the "
            "record's id or code)."
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
            assert outsider == nothing and outsider in {404, 405}, (
                f"{method} {url} as another village's secretary: {outsider}, where a record "
                f"that does not exist gives {nothing}"
            )
        if method != "GET" and target.label not in READS_BY_POST:
            reader = _send(clients["read_only"], method, url, body)
            # The API says so with its status; a page may show a read as the answer to a POST,
            # or go back with a message, so for pages the database says whether it was a write.
            if url.startswith("/api/"):
                assert reader in {403, 404}, f"{method} {url} as the supervisor: {reader}"
            assert database_state() == before, f"a refused {method} {url} changed the database"
            assert Event.objects.count() == events, f"a refused {method} {url} left an event"
