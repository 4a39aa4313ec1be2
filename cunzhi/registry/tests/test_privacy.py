"""Personal numbers (DESIGN rule 7): edit forms, the key people's calls, and where an ID number
is registered, as the three people see them: the village secretary (in scope, may reveal), the
supervision member (in scope, may not reveal) and the next village's secretary (outsider)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cunzhi.accounts.testing import County, ThreePeople
from cunzhi.audit.models import Event
from cunzhi.registry.identity import mask_id_number, mask_phone
from cunzhi.registry.importing import ImportRejected, registry_import
from cunzhi.registry.models import Household, Resident, Tag
from cunzhi.registry.services import resident_set_tags, resident_update
from cunzhi.registry.testing import (
    make_id_number,
    register_family,
    township_staff,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PHONE = "13987654321"
HOUSEHOLD_PHONE = "0871-6612345"
REVEALS = ("registry.resident_reveal", "registry.household_reveal", "registry.resident_call")
# Where the numbers are registered: the secretary's village, which the outsider may not see.
VILLAGE_NAME, VILLAGE_CODE = "石板村", "530199100201"


def session(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def reveal_events() -> list[tuple[str, Any]]:
    return [(e.action, e.data) for e in Event.objects.filter(action__in=REVEALS).order_by("pk")]


@pytest.fixture
def household(county: County) -> Household:
    household = register_family(county.admin, county.village, "001", phone=HOUSEHOLD_PHONE)
    assert household.head is not None
    resident_update(actor=county.admin, resident=household.head, expected_version=None, phone=PHONE)
    return household


def head(household: Household) -> Resident:
    assert household.head_id is not None
    return Resident.objects.get(pk=household.head_id)


# Edit forms


def test_the_edit_forms_show_the_numbers_masked_to_everyone(
    people: ThreePeople, household: Household
) -> None:
    person = head(household)
    resident_url = reverse("registry:resident_edit", args=[person.pk])
    household_url = reverse("registry:household_edit", args=[household.pk])

    resident_page = session(people.in_scope).get(resident_url).content.decode()
    household_page = session(people.in_scope).get(household_url).content.decode()

    assert mask_id_number(person.id_number) in resident_page
    assert mask_phone(PHONE) in resident_page
    assert mask_phone(HOUSEHOLD_PHONE) in household_page
    for full in (person.id_number, PHONE, HOUSEHOLD_PHONE):
        assert full not in resident_page and full not in household_page
    for url in (resident_url, household_url):
        assert session(people.read_only).get(url).status_code == 403
        assert session(people.outsider).get(url).status_code == 404
    assert reveal_events() == [], "opening a form reveals nothing"


def test_a_form_sent_back_untouched_keeps_the_stored_numbers(
    people: ThreePeople, household: Household
) -> None:
    person = head(household)
    page = session(people.in_scope).get(reverse("registry:resident_edit", args=[person.pk]))
    # What the browser sends back: every input as the page shows it.
    data = {bf.name: "" if bf.value() is None else str(bf.value()) for bf in page.context["form"]}
    data["work_place"] = "昆明"

    response = session(people.in_scope).post(
        reverse("registry:resident_edit", args=[person.pk]), data
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.id_number, person.phone, person.work_place) == (
        head(household).id_number,
        PHONE,
        "昆明",
    )
    event = Event.objects.filter(action="registry.resident_update").latest("pk")
    assert list(event.data["changes"]) == ["work_place"], "the numbers did not change"


def test_a_number_typed_in_replaces_the_stored_one(
    people: ThreePeople, household: Household
) -> None:
    client = session(people.in_scope)
    url = reverse("registry:household_edit", args=[household.pk])
    data = {
        "household_no": "001",
        "address": "",
        "group": "",
        "phone": mask_phone(HOUSEHOLD_PHONE),
        "version": str(household.version),
    }

    assert client.post(url, data).status_code == 302
    household.refresh_from_db()
    assert household.phone == HOUSEHOLD_PHONE

    data["version"] = str(household.version)
    assert client.post(url, {**data, "phone": "13700001111"}).status_code == 302
    household.refresh_from_db()
    assert household.phone == "13700001111"

    data["version"] = str(household.version)
    assert client.post(url, {**data, "phone": ""}).status_code == 302
    household.refresh_from_db()
    assert household.phone == "", "an emptied input clears the number"


def test_the_edit_forms_offer_the_audited_reveal_to_who_may_reveal(
    people: ThreePeople, household: Household
) -> None:
    person = head(household)
    reveal = reverse("registry:resident_reveal", args=[person.pk]) + "?field=id_number"
    page = session(people.in_scope).get(reverse("registry:resident_edit", args=[person.pk]))
    assert f'<button type="button" class="outline secondary" hx-post="{reveal}"' in (
        page.content.decode()
    ), "a button that Enter in the form does not press"

    answer = session(people.in_scope).post(reveal, HTTP_HX_REQUEST="true")

    assert answer.status_code == 200
    assert person.id_number in answer.content.decode()
    assert PHONE not in answer.content.decode(), "only the number asked for"
    assert "<html" not in answer.content.decode()
    assert reveal_events() == [
        ("registry.resident_reveal", {"fields": ["id_number"], "reason": ""})
    ]
    assert session(people.read_only).post(reveal).status_code == 403
    assert session(people.outsider).post(reveal).status_code == 404
    assert len(reveal_events()) == 1


def test_the_household_phone_is_revealed_from_its_form_and_recorded(
    people: ThreePeople, household: Household
) -> None:
    url = reverse("registry:household_reveal", args=[household.pk])
    form = session(people.in_scope).get(reverse("registry:household_edit", args=[household.pk]))
    assert url in form.content.decode()

    # A plain post (no HTMX) gets a page of its own with the number.
    answer = session(people.in_scope).post(url, {"household_no": "001"})

    assert answer.status_code == 200
    assert HOUSEHOLD_PHONE in answer.content.decode()
    assert reveal_events() == [("registry.household_reveal", {"fields": ["phone"], "reason": ""})]
    assert session(people.in_scope).get(url).status_code == 405
    assert session(people.read_only).post(url).status_code == 403
    assert session(people.outsider).post(url).status_code == 404
    assert len(reveal_events()) == 1


# Key people


def test_a_key_person_is_called_in_one_tap_and_the_call_is_recorded(
    people: ThreePeople, household: Household
) -> None:
    person = head(household)
    resident_set_tags(
        actor=people.in_scope,
        resident=person,
        tags=[Tag.objects.get(code="village_doctor")],
        expected_version=None,
    )
    page_url = reverse("registry:key_people", args=[VILLAGE_CODE])
    call = reverse("registry:resident_call", args=[person.pk])

    secretary_page = session(people.in_scope).get(page_url).content.decode()
    reader_page = session(people.read_only).get(page_url).content.decode()

    assert call in secretary_page and mask_phone(PHONE) in secretary_page
    assert call not in reader_page and mask_phone(PHONE) in reader_page
    assert PHONE not in secretary_page + reader_page
    assert reveal_events() == []

    tap = session(people.in_scope).get(call)

    assert tap.status_code == 302
    assert tap["Location"] == f"tel:{PHONE}"
    assert tap["Cache-Control"] == "no-store"
    event = Event.objects.get(action="registry.resident_call")
    assert (event.actor, event.object_id, event.data) == (
        people.in_scope,
        str(person.pk),
        {"fields": ["phone"]},
    )
    assert session(people.read_only).get(call).status_code == 403
    assert session(people.outsider).get(call).status_code == 404
    assert len(reveal_events()) == 1


# An ID number registered in another village


def other_village_message(text: str) -> None:
    assert "registered in another village" in text
    assert VILLAGE_NAME not in text and VILLAGE_CODE not in text


def test_the_page_refuses_an_id_number_of_another_village_without_naming_it(
    county: County, people: ThreePeople, household: Household
) -> None:
    theirs = register_family(county.admin, county.neighbour, "001", sequence=30, members=[])
    url = reverse("registry:resident_add", args=[theirs.pk])
    data = {"name": "杨德福", "id_number": head(household).id_number, "relation": "other"}

    response = session(people.outsider).post(url, data)

    assert response.status_code == 200
    [message] = response.context["form"].errors["id_number"]
    other_village_message(message)
    assert not theirs.members.filter(id_number=data["id_number"]).exists()
    # The township sees both villages: it is told which.
    staff = session(township_staff(county)).post(url, data)
    [message] = staff.context["form"].errors["id_number"]
    assert f"{VILLAGE_NAME} ({VILLAGE_CODE})" in message


def test_the_api_refuses_an_id_number_of_another_village_on_create_and_on_patch(
    county: County, people: ThreePeople, household: Household
) -> None:
    theirs = register_family(county.admin, county.neighbour, "001", sequence=30)
    number = head(household).id_number
    client = session(people.outsider)

    created = client.post(
        f"/api/v1/households/{theirs.pk}/members",
        json.dumps({"name": "杨德福", "id_number": number, "relation": "other"}),
        content_type="application/json",
    )
    their_head = head(theirs)  # born the same day as ours: only the village is in the way
    patched = client.patch(
        f"/api/v1/residents/{their_head.pk}",
        json.dumps({"id_number": number, "version": their_head.version}),
        content_type="application/json",
    )

    for response in (created, patched):
        assert response.status_code in (400, 422), response.content
        [error] = response.json()["errors"]
        assert error["field"] == "id_number"
        other_village_message(error["message"])
    assert theirs.members.count() == 3
    their_head.refresh_from_db()
    assert their_head.id_number != number


def test_the_import_refuses_an_id_number_of_another_village_without_naming_it(
    county: County, people: ThreePeople, household: Household, tmp_path: Path
) -> None:
    path = tmp_path / "register.csv"
    path.write_text(
        "村代码,户编号,姓名,身份证号,与户主关系\n"
        f"{county.neighbour.code},009,杨德福,{head(household).id_number},户主\n",
        encoding="utf-8",
    )

    with pytest.raises(ImportRejected) as error:
        registry_import(actor=people.outsider, path=path)

    [problem] = [e for e in error.value.outcome.errors if e.column == "身份证号"]
    assert problem.row == 2
    other_village_message(problem.message)
    assert not Household.objects.filter(region=county.neighbour).exists()


def test_a_new_member_with_a_number_of_no_other_village_is_registered(
    county: County, people: ThreePeople
) -> None:
    theirs = register_family(county.admin, county.neighbour, "001", sequence=30, members=[])
    number = make_id_number(datetime.date(1999, 1, 1), sequence=77)
    response = session(people.outsider).post(
        reverse("registry:resident_add", args=[theirs.pk]),
        {"name": "柳小川", "id_number": number, "relation": "son"},
    )
    assert response.status_code == 302
    assert theirs.members.filter(id_number=number).exists()


# Words


def test_the_new_household_button_says_register_as_a_verb_in_chinese(
    people: ThreePeople, settings: Any
) -> None:
    from django.utils import translation

    settings.LANGUAGE_CODE = "zh-hans"
    with translation.override("zh-hans"):
        page = session(people.in_scope).get(
            reverse("registry:household_create", args=[VILLAGE_CODE]),
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
    body = page.content.decode()
    assert '<button type="submit">登记</button>' in body
    assert "户籍台账</button>" not in body
