"""Test helpers every app uses: a small county, and the three-person scoping check.

Each app's scoping test stands three people before the same record (STYLE.md, healthchecks):
a cadre of the record's village who may change it, a supervision-committee member of the same
village who may only read it, and the secretary of another village, for whom it does not exist.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import openpyxl
from django.db import models
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from cunzhi.accounts.models import ApiToken, Post, Role, User
from cunzhi.accounts.services import api_token_create, system_admin_create, user_create
from cunzhi.core.xlsx import CONTENT_TYPE
from cunzhi.regions.models import Region
from cunzhi.regions.services import regions_import

COUNTY_ROWS = [
    ("530000000000", "云南省"),
    ("530100000000", "昆明市"),
    ("530199000000", "青山县"),
    ("530199100000", "青龙镇"),
    ("530199100201", "石板村"),
    ("530199100202", "柳溪村"),
    ("530199101000", "白马镇"),
    ("530199101201", "大坪村"),
    ("530199100201001", "石板村第一村民小组"),
]
PASSWORD = "village-road-2026"


@dataclass
class County:
    admin: User
    county: Region
    township: Region
    village: Region
    neighbour: Region  # another village of the same township
    far_village: Region  # a village of another township


def build_county() -> County:
    admin = system_admin_create(username="root", password=PASSWORD, full_name="系统管理员")
    regions_import(actor=admin, rows=[(i + 1, c, n) for i, (c, n) in enumerate(COUNTY_ROWS)])
    by_code = {r.code: r for r in Region.objects.all()}
    return County(
        admin=admin,
        county=by_code["530199000000"],
        township=by_code["530199100000"],
        village=by_code["530199100201"],
        neighbour=by_code["530199100202"],
        far_village=by_code["530199101201"],
    )


def make_user(county: County, username: str, role: str, region: Region, **extra: Any) -> User:
    return user_create(
        actor=county.admin,
        username=username,
        password=PASSWORD,
        full_name=username,
        role=role,
        region=region,
        check_password=False,
        **extra,
    )


@dataclass
class ThreePeople:
    in_scope: User
    read_only: User
    outsider: User

    def clients(self) -> dict[str, Client]:
        result = {}
        for name in ("in_scope", "read_only", "outsider"):
            client = Client()
            client.force_login(getattr(self, name))
            result[name] = client
        return result


def three_people(county: County) -> ThreePeople:
    return ThreePeople(
        in_scope=make_user(county, "secretary", Role.VILLAGE_PARTY_SECRETARY, county.village),
        read_only=make_user(county, "supervisor", Role.SUPERVISION_MEMBER, county.village),
        outsider=make_user(county, "neighbour", Role.VILLAGE_PARTY_SECRETARY, county.neighbour),
    )


def assert_three_people_scoping(
    people: ThreePeople,
    obj: models.Model,
    *,
    page_url: str | None = None,
    edit_url: str | None = None,
    edit_data: dict[str, Any] | None = None,
    changed: Callable[[], bool] | None = None,
) -> None:
    """The record is readable and editable in scope, read-only for the reader, absent outside.

    With ``page_url`` the page answers 200, 200 and 404. With ``edit_url`` a POST of ``edit_data``
    succeeds for the cadre (``changed()`` becomes true), is refused for the reader (403) and is a
    404 for the outsider, and neither of the last two changes anything.
    """
    manager: Any = type(obj)._default_manager
    assert manager.for_user(people.in_scope, "view").filter(pk=obj.pk).exists()
    assert manager.for_user(people.read_only, "view").filter(pk=obj.pk).exists()
    assert not manager.for_user(people.read_only, "change").filter(pk=obj.pk).exists()
    assert not manager.for_user(people.outsider, "view").filter(pk=obj.pk).exists()
    clients = people.clients()
    if page_url:
        assert clients["in_scope"].get(page_url).status_code == 200
        assert clients["read_only"].get(page_url).status_code == 200
        assert clients["outsider"].get(page_url).status_code == 404
    if edit_url:
        assert edit_data is not None and changed is not None
        assert clients["outsider"].post(edit_url, edit_data).status_code == 404
        assert clients["read_only"].post(edit_url, edit_data).status_code == 403
        assert not changed(), "a refused edit changed the record"
        response = clients["in_scope"].post(edit_url, edit_data)
        assert response.status_code in (200, 302), response.status_code
        assert changed(), "the cadre's edit did not change the record"


def assert_attention_budget(user: User, post: Any) -> list[Any]:
    """Run every attention provider for ``user`` within its query budget; return the items.

    The user's scope is looked up first (as the home page's menu does), so each provider is
    charged only for its own queries. Call it with few rows and with many: a provider that
    queries per row exceeds its budget as soon as there are more rows than the budget.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cunzhi.accounts.scopes import post_prefixes
    from cunzhi.core import attention

    post_prefixes(user)
    items: list[Any] = []
    for entry in attention.providers():
        with CaptureQueriesContext(connection) as queries:
            items.extend(entry.provider(user, post))
        assert len(queries) <= entry.queries, (
            f"attention provider {entry.name} ran {len(queries)} queries, its budget is "
            f"{entry.queries}: " + "; ".join(q["sql"][:120] for q in queries.captured_queries)
        )
    return items


# Every page URL, discovered from the URL resolver, for the tests that sweep them all (bad ids,
# scope): a new app's pages are covered the day it adds them, without anyone listing them.

_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
# Not pages of ours: Django's admin, the JSON API (fuzzed from its schema), the language switch.
NOT_PAGES = {"admin", "api"}


@dataclass(frozen=True)
class PagePattern:
    """One page URL pattern: ``registry/households/<int:pk>/`` named ``registry:household``."""

    route: str
    name: str
    params: dict[str, str]  # parameter name -> converter name ("int", "code", "str", ...)

    def url(self, **values: Any) -> str:
        """The URL with each parameter replaced by ``values[name]``, quoted as a browser would."""

        def value(match: re.Match[str]) -> str:
            return quote(str(values[match["name"]]), safe="")

        return "/" + _PARAMETER.sub(value, self.route)


def workbook_rows(response: Any) -> list[tuple[Any, ...]]:
    """The rows of a streamed .xlsx export, its header first."""
    assert isinstance(response, StreamingHttpResponse), response
    assert response["Content-Type"] == CONTENT_TYPE
    data = b"".join(response.streaming_content)  # type: ignore[arg-type]
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return list(sheet.iter_rows(values_only=True))  # type: ignore[union-attr]


def page_patterns() -> list[PagePattern]:
    """Every page URL pattern of the project, in the resolver's order."""
    found: list[PagePattern] = []

    def walk(patterns: list[Any], prefix: str, namespace: str | None) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace in NOT_PAGES or not isinstance(entry.pattern, RoutePattern):
                    continue
                walk(entry.url_patterns, prefix + str(entry.pattern), entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and isinstance(entry.pattern, RoutePattern):
                route = prefix + str(entry.pattern)
                params = {m["name"]: m["converter"] or "str" for m in _PARAMETER.finditer(route)}
                name = f"{namespace}:{entry.name}" if namespace else str(entry.name)
                found.append(PagePattern(route=route, name=name, params=params))

    walk(get_resolver().url_patterns, "", None)
    return found


# A record of each kind, for the tests that sweep every URL naming one. Each app registers its
# kinds in its own ``testing.py`` (``@record_factory("app.model")``); the sweep finds them with
# Django's autodiscovery, so core knows no app above it.

RecordFactory = Callable[[County, ThreePeople], models.Model]


@dataclass(frozen=True)
class RecordKind:
    factory: RecordFactory
    # True for a record that belongs to nobody's region and whose existence is no secret (a tag
    # of the shared dictionary): another village's secretary may be told "not allowed" (403).
    # Every other record is someone's: for anyone outside, it does not exist (404).
    public: bool = False


RECORD_KINDS: dict[str, RecordKind] = {}


def record_factory(label: str, *, public: bool = False) -> Callable[[RecordFactory], RecordFactory]:
    """Register how to make a ``label`` record ("registry.household") in ``county.village``
    (or, for a personal one, of ``people.in_scope``), through the services."""

    def register(factory: RecordFactory) -> RecordFactory:
        RECORD_KINDS[label.lower()] = RecordKind(factory=factory, public=public)
        return factory

    return register


def record_kinds() -> dict[str, RecordKind]:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("testing")
    return RECORD_KINDS


def database_state() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of ours, to show that a refused write changed nothing."""
    from django.apps import apps

    return {
        model._meta.label: list(model._default_manager.order_by("pk").values_list())
        for model in apps.get_models()
        if model.__module__.startswith("cunzhi.")
    }


# Accounts' own records, for the sweeps.


@record_factory("accounts.user")
def a_user(county: County, people: ThreePeople) -> User:
    return people.in_scope


@record_factory("accounts.post")
def a_post(county: County, people: ThreePeople) -> Post:
    return Post.objects.get(user=people.in_scope)


@record_factory("accounts.apitoken")
def a_token(county: County, people: ThreePeople) -> ApiToken:
    return api_token_create(actor=people.in_scope, name="office phone")[0]


@record_factory("core.notification")
def a_notification(county: County, people: ThreePeople) -> Any:
    from django.db import transaction

    from cunzhi.core.inbox.models import Notification
    from cunzhi.core.inbox.services import notify

    with transaction.atomic():
        notify(recipients=[people.in_scope], message="请核实一户的住址")
    return Notification.objects.filter(recipient=people.in_scope).latest("pk")
