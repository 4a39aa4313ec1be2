"""A list declared once (core.lists) filters, sorts, pages, exports and masks the same everywhere.

The list here is declared in the test, on the regions' contacts, with the phone marked as a
personal number so that masking shows; every declared list of every app is checked for indexes.
"""

from __future__ import annotations

import dataclasses
import importlib
import io
from typing import Any

import openpyxl
import pytest
from django.apps import apps
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import QueryDict
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from pytest_django import DjangoAssertNumQueries

from cunzhi.accounts.testing import County, ThreePeople
from cunzhi.audit.models import Event
from cunzhi.core.exports import ExportForm, list_export, list_export_view
from cunzhi.core.lists import (
    Column,
    ListSpec,
    api_items,
    api_rows,
    filter_schema,
    list_page,
)
from cunzhi.regions.lists import CONTACTS
from cunzhi.regions.models import Contact
from cunzhi.regions.services import contact_create

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
MASKED_PHONE = "138****5678"
REVEAL = "registry.reveal_resident"  # the village secretary holds it, the supervisor does not

DIRECTORY = dataclasses.replace(
    CONTACTS,
    name="tests.directory",
    columns=(
        *CONTACTS.columns[:4],
        Column("Phone", "phone", personal="phone", width=14),
    ),
    page_size=3,
    export_action="regions.contact_export",
    reveal_permission=REVEAL,
)
PhoneFilter: Any = filter_schema(DIRECTORY)


def add(county: County, name: str, *, level: str = "township", region: Any = None) -> Contact:
    return contact_create(
        actor=county.admin,
        region=region or county.village,
        name=name,
        organisation="青龙镇政府" if level == "township" else "石板村委会",
        level=level,
        phone=PHONE,
    )


def request_of(user: Any, query: str = "") -> Any:
    request = RequestFactory().get("/", QueryDict(query))
    request.user = user
    request.session = SessionStore()
    return request


def page(user: Any, county: County, query: str = "") -> Any:
    return list_page(request_of(user, query), DIRECTORY, region=county.village)


def names(rows: list[list[Any]]) -> list[str]:
    return [row[0].value for row in rows]


def export_rows(chunks: Any) -> list[tuple[Any, ...]]:
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(chunks))).active
    return list(sheet.iter_rows(values_only=True))  # type: ignore[union-attr]


def test_the_page_and_the_api_filter_sort_and_page_alike(
    county: County, people: ThreePeople
) -> None:
    for name in ["丁", "甲", "丙", "乙", "戊"]:
        add(county, name)
    add(county, "村医", level="village")

    shown = page(people.in_scope, county, "level=township&sort=-name&page=2")
    rows = api_rows(
        DIRECTORY,
        people.in_scope,
        PhoneFilter(level="township", sort="-name"),
        region=county.village,
    )
    api_names = [item["name"] for item in api_items(DIRECTORY, people.in_scope, rows[3:6])]

    assert shown.page.paginator.count == 5  # the village doctor is filtered out
    assert names(shown.rows) == api_names == ["丙", "丁"]  # 甲 戊 乙 | 丙 丁 by code point
    assert shown.sort == "-name"


def test_an_undeclared_sort_falls_back_on_the_page_and_a_bad_filter_is_a_422_in_the_api(
    county: County, people: ThreePeople
) -> None:
    add(county, "甲")
    shown = page(people.in_scope, county, "sort=phone&level=nonsense")
    with pytest.raises(ValidationError) as refused:
        api_rows(DIRECTORY, people.in_scope, PhoneFilter(level="nonsense"), region=county.village)

    assert shown.sort == "level" and names(shown.rows) == ["甲"]
    assert "level" in refused.value.message_dict


def test_personal_numbers_are_masked_on_the_page_in_the_api_and_in_the_export(
    county: County, people: ThreePeople
) -> None:
    add(county, "甲")
    shown = page(people.in_scope, county)
    rows = api_rows(DIRECTORY, people.in_scope, PhoneFilter(), region=county.village)
    sheet = export_rows(
        list_export(
            actor=people.in_scope,
            spec=DIRECTORY,
            obj=county.village,
            region_code=county.village.code,
            params={},
            region=county.village,
        )
    )

    assert shown.rows[0][4].value == MASKED_PHONE
    assert api_items(DIRECTORY, people.in_scope, rows)[0]["phone"] == MASKED_PHONE
    assert sheet[0] == ("姓名", "单位", "职务", "层级", "Phone")
    assert sheet[1][0] == "甲" and sheet[1][4] == MASKED_PHONE
    event = Event.objects.get(action="regions.contact_export")
    assert event.data == {"format": "xlsx", "full_numbers": False, "filters": {}, "rows": 1}


def test_a_full_export_needs_the_permission_and_a_reason_and_leaves_one_event(
    county: County, people: ThreePeople
) -> None:
    add(county, "甲")
    add(county, "乙", level="village")

    def export(user: Any, reason: str) -> list[tuple[Any, ...]]:
        return export_rows(
            list_export(
                actor=user,
                spec=DIRECTORY,
                obj=county.village,
                region_code=county.village.code,
                params={"level": "township"},
                full_numbers=True,
                reason=reason,
                region=county.village,
            )
        )

    with pytest.raises(PermissionDenied):
        export(people.read_only, "核对")
    with pytest.raises(ValidationError):
        export(people.in_scope, "  ")
    assert not Event.objects.filter(action="regions.contact_export").exists()

    sheet = export(people.in_scope, "核对联系电话")

    assert [row[4] for row in sheet[1:]] == [PHONE]
    event = Event.objects.get(action="regions.contact_export")
    assert event.actor == people.in_scope
    assert event.data["reason"] == "核对联系电话" and event.data["full_numbers"] is True
    assert event.data["filters"] == {"level": "township"} and event.data["rows"] == 1


def test_the_export_view_sends_a_full_export_without_reason_back_and_streams_one_with_it(
    county: County, people: ThreePeople
) -> None:
    add(county, "甲")
    add(county, "乙", level="village")

    def post(data: dict[str, str]) -> Any:
        request = RequestFactory().post("/export/", data)
        request.user = people.in_scope
        request.session = SessionStore()
        request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
        response = list_export_view(
            request,
            DIRECTORY,
            obj=county.village,
            region_code=county.village.code,
            filename="联系人.xlsx",
            back="/contacts/",
            region=county.village,
        )
        return request, response

    request, refused = post({"level": "township", "full_numbers": "on", "reason": ""})
    assert (refused.status_code, refused["Location"]) == (302, "/contacts/")
    assert "理由" in str(next(iter(get_messages(request))))  # the default language: Chinese
    assert not Event.objects.filter(action="regions.contact_export").exists()

    _request, sent = post({"level": "township", "full_numbers": "on", "reason": "核对"})
    sheet = export_rows(sent.streaming_content)
    assert [row[0] for row in sheet[1:]] == ["甲"]  # the list's filter went with the export
    assert [row[4] for row in sheet[1:]] == [PHONE]
    assert "no-cache" in sent["Cache-Control"]


def test_the_export_form_asks_for_the_reason_only_with_full_numbers() -> None:
    assert ExportForm({}).is_valid()
    assert not ExportForm({"full_numbers": "on"}).is_valid()
    assert ExportForm({"full_numbers": "on", "reason": "查" * 300}).is_valid()


def test_a_page_of_the_list_runs_the_same_queries_for_3_or_30_rows(
    county: County,
    people: ThreePeople,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    spec = dataclasses.replace(DIRECTORY, page_size=50)
    request = request_of(people.in_scope)

    def render() -> str:
        shown = list_page(request, spec, region=county.village)
        return render_to_string("core/list_table.html", {"list": shown}, request=request)

    for i in range(3):
        add(county, f"联系人{i}")
    render()  # the user's posts are cached on the user after the first read
    with django_assert_num_queries(2) as three:  # the count and the page
        render()
    for i in range(3, 30):
        add(county, f"联系人{i}")
    with django_assert_num_queries(len(three.captured_queries)):
        html = render()
    assert html.count("联系人") == 30


def test_rows_out_of_scope_never_appear(county: County, people: ThreePeople) -> None:
    add(county, "本村的")
    add(county, "邻村的", region=county.neighbour)

    assert names(page(people.in_scope, county).rows) == ["本村的"]
    assert names(page(people.read_only, county).rows) == ["本村的"]
    assert names(page(people.outsider, county).rows) == []
    outsider = Client()
    outsider.force_login(people.outsider)
    assert outsider.get(f"/api/v1/regions/{county.village.code}/contacts").status_code == 404


def test_every_cell_carries_its_column_label_so_a_phone_shows_cards(
    county: County, people: ThreePeople
) -> None:
    add(county, "甲")
    request = request_of(people.in_scope)
    html = render_to_string(
        "core/list_table.html",
        {"list": list_page(request, DIRECTORY, region=county.village)},
        request=request,
    )

    assert '<table class="cards">' in html
    assert '<td data-label="姓名" class="card-title"><a href="' in html
    assert f'<td data-label="Phone">{MASKED_PHONE}</td>' in html


def declared_lists() -> list[ListSpec]:
    found: list[ListSpec] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("cunzhi."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.lists")
        except ModuleNotFoundError:
            continue
        found.extend(v for v in vars(module).values() if isinstance(v, ListSpec))
    return found


def test_every_sort_key_of_every_declared_list_is_served_by_an_index() -> None:
    specs = declared_lists()
    assert CONTACTS in specs
    with connection.cursor() as cursor:
        for spec in specs:
            table = spec.model._meta.db_table
            indexes = connection.introspection.get_constraints(cursor, table)
            for key, sort in spec.sorts.items():
                assert sort.index in indexes, f"{spec.name}: sort {key!r} has no index"
                columns = indexes[sort.index]["columns"]
                fields = [f.lstrip("-") for f in sort.order if f.lstrip("-") != "pk"]
                names = [getattr(spec.model._meta.get_field(f), "column", f) for f in fields]
                # The index leads with the region code (the scope's range), then the sort's keys.
                assert columns[1 : 1 + len(names)] == names or columns[: len(names)] == names, (
                    f"{spec.name}: index {sort.index} {columns} does not serve {names}"
                )
