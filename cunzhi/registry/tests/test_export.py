from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pytest_django import DjangoAssertNumQueries

from cunzhi.accounts.testing import (
    County,
    ThreePeople,
    assert_three_people_scoping,
    workbook_rows,
)
from cunzhi.audit.models import Event
from cunzhi.regions.models import Region
from cunzhi.registry import exports
from cunzhi.registry.identity import mask_id_number, mask_phone
from cunzhi.registry.models import Household, Resident, ResidentStatus, Sex, Tag
from cunzhi.registry.selectors import age_of
from cunzhi.registry.services import resident_set_status, resident_set_tags
from cunzhi.registry.testing import make_id_number, register_family

pytestmark = pytest.mark.django_db

GROUP_CODE = "530199100201001"  # 石板村第一村民小组
PHONE = "13812345678"


def session(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def export_url(village: Region) -> str:
    return reverse("registry:register_export", args=[village.code])


def family(county: County, number: int, **extra: Any) -> Household:
    """Head 杨<n>号 (phone set), spouse 李<n>号, son 杨小<n>号 (born 2012)."""
    members = [
        {
            "name": f"李{number}号",
            "id_number": make_id_number(
                datetime.date(1971, 3, 2), sequence=10 + 3 * number, male=False
            ),
            "relation": "spouse",
            "phone": PHONE,
        },
        {
            "name": f"杨小{number}号",
            "id_number": make_id_number(datetime.date(2012, 9, 30), sequence=11 + 3 * number),
            "relation": "son",
        },
    ]
    return register_family(
        county.admin,
        county.village,
        f"{number:03d}",
        sequence=12 + 3 * number,
        head_name=f"杨{number}号",
        members=members,
        **extra,
    )


def families(county: County, count: int, start: int = 0) -> list[Household]:
    return [family(county, n) for n in range(start, start + count)]


def resident(name: str) -> Resident:
    return Resident.objects.get(name=name)


def test_the_export_has_every_member_of_the_filtered_households_with_numbers_masked(
    county: County, people: ThreePeople
) -> None:
    group = Region.objects.get(code=GROUP_CODE)
    family(county, 1)
    family(county, 2, group=group)
    register_family(county.admin, county.neighbour, "001", sequence=90, head_name="王邻村")
    response = session(people.in_scope).post(export_url(county.village), {"group": group.pk})
    header, *rows = workbook_rows(response)

    assert len(header) == 15 and header[1:3] == ("村民小组", "姓名")
    assert [row[0] for row in rows] == ["002", "002", "002"]
    assert [row[2] for row in rows] == ["杨2号", "李2号", "杨小2号"]  # the head first
    spouse = resident("李2号")
    row = rows[1]
    assert row[1] == group.name
    with translation.override("zh-hans"):
        assert row[3] == str(Sex.FEMALE.label)
    assert row[4] == datetime.datetime(1971, 3, 2)
    assert row[5] == age_of(datetime.date(1971, 3, 2))
    assert row[7] == mask_id_number(spouse.id_number) != spouse.id_number
    assert row[8] == mask_phone(PHONE) != PHONE
    body = repr(rows)
    assert spouse.id_number not in body and PHONE not in body
    assert "杨1号" not in body and "王邻村" not in body


def test_the_tag_and_age_filters_keep_whole_households_as_the_register_shows_them(
    county: County, people: ThreePeople
) -> None:
    first, second = families(county, 2)
    veteran = Tag.objects.get(code="veteran")
    resident_set_tags(
        expected_version=None, actor=county.admin, resident=resident("李1号"), tags=[veteran]
    )
    client = session(people.in_scope)
    tagged = workbook_rows(client.post(export_url(county.village), {"tag": "veteran"}))[1:]
    assert [row[2] for row in tagged] == ["杨1号", "李1号", "杨小1号"]
    assert [row[14] for row in tagged] == [None, "退役军人", None]
    # Nobody is 60 or over: no household, only the header.
    assert workbook_rows(client.post(export_url(county.village), {"age_band": "60+"}))[1:] == []
    named = workbook_rows(client.post(export_url(county.village), {"q": "杨小0号"}))[1:]
    assert {row[0] for row in named} == {first.household_no}
    assert second.household_no


def test_moved_out_and_deceased_members_are_exported_with_their_status(
    county: County, people: ThreePeople
) -> None:
    family(county, 1)
    resident_set_status(
        expected_version=None,
        actor=county.admin,
        resident=resident("杨小1号"),
        status=ResidentStatus.MOVED_OUT,
        since=datetime.date(2025, 9, 1),
    )
    rows = workbook_rows(session(people.in_scope).post(export_url(county.village)))[1:]
    with translation.override("zh-hans"):
        assert rows[2][13] == str(ResidentStatus.MOVED_OUT.label)
        assert rows[0][13] == str(ResidentStatus.LIVING.label)


def test_a_reveal_holder_who_asks_gets_full_numbers_and_the_export_is_audited(
    county: County, people: ThreePeople
) -> None:
    families(county, 2)
    response = session(people.in_scope).post(
        export_url(county.village),
        {"full_numbers": "on", "reason": "低保年审核对", "age_band": "0-17"},
    )
    rows = workbook_rows(response)[1:]
    spouse = resident("李0号")
    assert spouse.id_number in [row[7] for row in rows]
    assert PHONE in [row[8] for row in rows]
    event = Event.objects.get(action="registry.register_export")
    assert event.actor == people.in_scope
    assert event.region_code == county.village.code
    assert event.object_id == str(county.village.pk)
    assert event.data == {
        "format": "xlsx",
        "full_numbers": True,
        "reason": "低保年审核对",
        "filters": {"age_band": "0-17"},
        "rows": 6,
    }


def test_a_masked_export_is_audited_too_and_the_reader_may_take_one(
    county: County, people: ThreePeople
) -> None:
    families(county, 1)
    rows = workbook_rows(session(people.read_only).post(export_url(county.village)))[1:]
    assert resident("李0号").id_number not in [row[7] for row in rows]
    event = Event.objects.get(action="registry.register_export")
    assert event.actor == people.read_only
    assert event.data["full_numbers"] is False and event.data["rows"] == 3


def test_asking_for_full_numbers_without_the_permission_is_refused_and_leaves_no_trace(
    county: County, people: ThreePeople
) -> None:
    families(county, 1)
    response = session(people.read_only).post(
        export_url(county.village), {"full_numbers": "on", "reason": "核对"}
    )
    assert response.status_code == 403
    assert not Event.objects.filter(action="registry.register_export").exists()


def test_full_numbers_without_a_reason_go_back_to_the_register_saying_why_and_leave_no_trace(
    county: County, people: ThreePeople
) -> None:
    families(county, 1)
    client = session(people.in_scope)
    response = client.post(export_url(county.village), {"full_numbers": "on", "reason": " "})
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:register", args=[county.village.code])
    assert "说明为何需要完整号码" in client.get(response["Location"]).content.decode()
    assert not Event.objects.filter(action="registry.register_export").exists()


def test_the_export_is_scoped_to_three_people(county: County, people: ThreePeople) -> None:
    head = family(county, 1).head
    assert head is not None
    assert_three_people_scoping(people, head)
    clients = people.clients()
    url = export_url(county.village)
    assert clients["in_scope"].post(url).status_code == 200
    assert clients["read_only"].post(url).status_code == 200
    assert clients["outsider"].post(url).status_code == 404
    full = {"full_numbers": "on", "reason": "核对"}
    assert clients["outsider"].post(url, full).status_code == 404
    assert Event.objects.filter(action="registry.register_export").count() == 2


def test_sensitive_tags_show_only_to_those_who_may_reveal_them(
    county: County, people: ThreePeople
) -> None:
    family(county, 1)
    dibao, veteran = Tag.objects.get(code="dibao"), Tag.objects.get(code="veteran")
    resident_set_tags(
        expected_version=None, actor=county.admin, resident=resident("杨1号"), tags=[veteran, dibao]
    )
    cadre = workbook_rows(session(people.in_scope).post(export_url(county.village)))
    reader = workbook_rows(session(people.read_only).post(export_url(county.village)))
    assert cadre[1][14] == "低保、退役军人"  # in the dictionary's order
    assert reader[1][14] == "退役军人"
    assert "低保" not in repr(reader)
    # A sensitive tag is no filter the reader is offered: ignored, as on the register.
    filtered = session(people.read_only).post(export_url(county.village), {"tag": "dibao"})
    assert workbook_rows(filtered) == reader


def test_the_export_runs_the_same_queries_for_3_or_30_households(
    county: County,
    people: ThreePeople,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    veteran = Tag.objects.get(code="veteran")
    client = session(people.in_scope)
    url = export_url(county.village)
    families(county, 3)
    resident_set_tags(
        expected_version=None, actor=county.admin, resident=resident("杨1号"), tags=[veteran]
    )
    workbook_rows(client.post(url))  # warm the session and caches
    with django_assert_num_queries(13) as three:
        assert len(workbook_rows(client.post(url))) == 1 + 9
    families(county, 27, start=3)
    resident_set_tags(
        expected_version=None, actor=county.admin, resident=resident("杨29号"), tags=[veteran]
    )
    with django_assert_num_queries(len(three.captured_queries)):
        rows = workbook_rows(client.post(url))
    assert len(rows) == 1 + 90
    assert [row[2] for row in rows[1:] if row[14]] == ["杨1号", "杨29号"]


def test_tags_are_read_once_per_chunk_of_residents_not_per_resident(
    county: County,
    people: ThreePeople,
    django_assert_num_queries: DjangoAssertNumQueries,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    families(county, 3)
    veteran = Tag.objects.get(code="veteran")
    for name in ("杨0号", "李1号", "杨小2号"):  # one in each chunk of four
        resident_set_tags(
            expected_version=None, actor=county.admin, resident=resident(name), tags=[veteran]
        )
    client = session(people.in_scope)
    url = export_url(county.village)
    workbook_rows(client.post(url))
    with django_assert_num_queries(13) as whole:
        workbook_rows(client.post(url))
    monkeypatch.setattr(exports, "CHUNK_SIZE", 4)
    # Nine residents in chunks of four: two more tag queries, not eight.
    with django_assert_num_queries(len(whole.captured_queries) + 2):
        rows = workbook_rows(client.post(url))
    assert [row[2] for row in rows if row[14] == "退役军人"] == ["杨0号", "李1号", "杨小2号"]


def test_bad_filter_values_are_ignored_and_the_whole_register_exported(
    county: County, people: ThreePeople
) -> None:
    families(county, 2)
    response = session(people.in_scope).post(
        export_url(county.village),
        {
            "group": "not-a-number",
            "tag": "no-such-tag",
            "status": "gone",
            "age_band": "200+",
            "q": "x" * 500,
            "full_numbers": "perhaps",
            "reason": "核对" * 300,
        },
    )
    assert response.status_code == 200
    assert len(workbook_rows(response)) == 1 + 6


def test_the_export_answers_only_post(county: County, people: ThreePeople) -> None:
    assert session(people.in_scope).get(export_url(county.village)).status_code == 405


def test_the_register_page_offers_the_export_with_the_filters_it_applies(
    county: County, people: ThreePeople
) -> None:
    families(county, 1)
    url = reverse("registry:register", args=[county.village.code])
    cadre = session(people.in_scope).get(url, {"age_band": "60+", "tag": "veteran"}).content
    reader = session(people.read_only).get(url, {"age_band": "60+", "tag": "dibao"}).content
    hidden = '<input type="hidden" form="register-export" name="%s" value="%s">'
    for page in (cadre.decode(), reader.decode()):
        assert f'id="register-export" action="{export_url(county.village)}"' in page
        assert hidden % ("age_band", "60+") in page
    assert hidden % ("tag", "veteran") in cadre.decode()
    assert 'name="tag" value="dibao"' not in reader.decode()  # not a filter the reader has
    assert 'name="full_numbers"' in cadre.decode()
    assert 'name="full_numbers"' not in reader.decode()
    # The filters follow the table when HTMX swaps it.
    partial = session(people.in_scope).get(url, {"q": "杨"}, HTTP_HX_REQUEST="true").content
    assert hidden % ("q", "杨") in partial.decode()


def test_the_file_is_named_after_the_village_and_not_cached(
    county: County, people: ThreePeople
) -> None:
    response = session(people.in_scope).post(export_url(county.village))
    assert "attachment" in response["Content-Disposition"]
    assert "filename*=utf-8''" in response["Content-Disposition"]  # 石板村, encoded
    assert "no-store" in response["Cache-Control"]


def test_the_reason_for_full_numbers_goes_into_the_trace_and_a_long_one_is_cut(
    county: County, people: ThreePeople
) -> None:
    families(county, 1)
    client = session(people.in_scope)
    client.post(
        export_url(county.village), {"full_numbers": "on", "reason": " 低保年审核对身份证号 "}
    )
    client.post(export_url(county.village), {"full_numbers": "on", "reason": "查" * 250})
    client.post(export_url(county.village), {"reason": "masked: no reason is kept"})
    first, long, masked = Event.objects.filter(action="registry.register_export").order_by("pk")
    assert first.data["reason"] == "低保年审核对身份证号"
    assert long.data["full_numbers"] is True and long.data["reason"] == "查" * 200
    assert masked.data["full_numbers"] is False and "reason" not in masked.data
