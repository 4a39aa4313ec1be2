"""No lost edits: a page or an API client that edits a stale version is told, and loses nothing."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from cunzhi.accounts.models import Role
from cunzhi.accounts.testing import County, ThreePeople, make_user
from cunzhi.audit.models import Event
from cunzhi.regions.models import Contact, VillageProfile
from cunzhi.regions.services import contact_create, contact_update

pytestmark = pytest.mark.django_db

VILLAGE = "530199100201"


def _contact(county: County) -> Contact:
    return contact_create(
        actor=county.admin,
        region=county.village,
        name="李医生",
        organisation="石板村卫生室",
        level="village",
        phone="13870001111",
    )


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _contact_form(contact: Contact, version: Any, **changes: str) -> dict[str, Any]:
    return {
        "name": contact.name,
        "organisation": contact.organisation,
        "position": contact.position,
        "level": contact.level,
        "phone": contact.phone,
        "notes": contact.notes,
        "version": version,
        **changes,
    }


def test_a_stale_page_edit_shows_what_changed_keeps_the_input_and_saves_on_the_second_try(
    county: County, people: ThreePeople, english: None
) -> None:
    contact = _contact(county)
    colleague = make_user(county, "wangfang", Role.VILLAGE_COMMITTEE_MEMBER, county.village)
    url = reverse("regions:contact_edit", args=[contact.pk])
    mine, theirs = _signed_in(people.in_scope), _signed_in(colleague)
    opened = mine.get(url).content.decode()
    assert 'name="version" value="1"' in opened

    # The colleague saves a new position first; my form still carries version 1.
    assert theirs.post(url, _contact_form(contact, 1, position="村医")).status_code == 302
    refused = mine.post(url, _contact_form(contact, 1, notes="周三坐诊"))

    assert refused.status_code == 200
    page = refused.content.decode()
    assert "your copy was version 1, it is now version 2" in page
    assert "wangfang" in page and "position" in page and "村医" in page
    assert "周三坐诊" in page, "what I typed is kept"
    assert 'name="version" value="2"' in page, "the form now names the version I have seen"
    stored = Contact.objects.get(pk=contact.pk)
    assert (stored.position, stored.notes, stored.version) == ("村医", "", 2)

    # The position I left alone now shows theirs, so saving again loses neither change.
    form = refused.context["form"]
    assert form["position"].value() == "村医"
    again = mine.post(url, {name: form[name].value() or "" for name in form.fields})
    assert again.status_code == 302
    stored = Contact.objects.get(pk=contact.pk)
    assert (stored.position, stored.notes, stored.version) == ("村医", "周三坐诊", 3)


def test_a_field_both_people_changed_keeps_mine_and_saving_again_applies_it(
    county: County, people: ThreePeople, english: None
) -> None:
    contact = _contact(county)
    contact_update(actor=county.admin, contact=contact, expected_version=1, phone="13911112222")
    url = reverse("regions:contact_edit", args=[contact.pk])
    mine = _signed_in(people.in_scope)
    refused = mine.post(url, _contact_form(contact, 1, phone="13933334444"))
    form = refused.context["form"]
    assert form["phone"].value() == "13933334444"
    assert mine.post(url, {n: form[n].value() or "" for n in form.fields}).status_code == 302
    assert Contact.objects.get(pk=contact.pk).phone == "13933334444"


def test_the_conflict_shows_phone_numbers_masked(
    county: County, people: ThreePeople, english: None
) -> None:
    contact = _contact(county)
    contact_update(actor=county.admin, contact=contact, expected_version=1, phone="13912345678")
    url = reverse("regions:contact_edit", args=[contact.pk])
    page = _signed_in(people.in_scope).post(url, _contact_form(contact, 1, notes="x"))
    text = page.content.decode()
    assert "139****5678" in text and "13912345678" not in text.split("<form")[0]


def test_a_page_edit_without_a_version_is_refused(
    county: County, people: ThreePeople, english: None
) -> None:
    contact = _contact(county)
    url = reverse("regions:contact_edit", args=[contact.pk])
    for version in ("", "abc"):
        response = _signed_in(people.in_scope).post(
            url, _contact_form(contact, version, position="村医")
        )
        assert response.status_code == 200
        assert "This page is out of date" in response.content.decode()
    assert Contact.objects.get(pk=contact.pk).position == ""


def test_two_people_filling_in_the_first_profile_are_told_about_each_other(
    county: County, people: ThreePeople, english: None
) -> None:
    url = reverse("regions:profile_edit", args=[VILLAGE])
    fields = {
        "resident_population": "0",
        "households": "0",
        "area_km2": "0",
        "arable_land_mu": "0",
        "version": "0",
    }
    first = _signed_in(people.in_scope).post(url, {**fields, "population": "1200"})
    second = _signed_in(county.admin).post(url, {**fields, "population": "1300"})
    assert first.status_code == 302
    assert second.status_code == 200
    assert "it is now version 1" in second.content.decode()
    assert VillageProfile.objects.get(region=county.village).population == 1200


# The API


def _patch(client: Client, url: str, body: Any, **headers: str) -> Any:
    return client.patch(url, json.dumps(body), content_type="application/json", headers=headers)


def test_get_gives_the_version_and_if_match_round_trips(
    county: County, people: ThreePeople
) -> None:
    contact = _contact(county)
    client = _signed_in(people.in_scope)
    url = f"/api/v1/contacts/{contact.pk}"

    read = client.get(url)
    assert (read.json()["version"], read["ETag"]) == (1, '"1"')
    saved = _patch(client, url, {"position": "村医"}, **{"If-Match": read["ETag"]})
    assert saved.status_code == 200
    assert (saved.json()["version"], saved["ETag"]) == (2, '"2"')

    stale = _patch(client, url, {"phone": "13900000000"}, **{"If-Match": read["ETag"]})
    assert stale.status_code == 412
    assert (stale.json()["current_version"], stale["ETag"]) == (2, '"2"')
    in_body = _patch(client, url, {"phone": "13900000000", "version": 1})
    assert in_body.status_code == 409 and in_body.json()["current_version"] == 2
    assert Contact.objects.get(pk=contact.pk).phone == "13870001111"


def test_an_api_edit_that_names_no_version_is_refused_with_428(
    county: County, people: ThreePeople, english: None
) -> None:
    contact = _contact(county)
    client = _signed_in(people.in_scope)
    url = f"/api/v1/contacts/{contact.pk}"
    answers = [
        _patch(client, url, {"position": "村医"}),
        _patch(client, url, {"position": "村医"}, **{"If-Match": "*"}),
        _patch(client, url, {"position": "村医", "version": 2}, **{"If-Match": '"1"'}),
    ]
    assert [a.status_code for a in answers] == [428, 428, 428]
    assert "If-Match" in answers[0].json()["detail"]
    assert Contact.objects.get(pk=contact.pk).position == ""


def test_the_profile_etag_is_the_version_its_patch_names(
    county: County, people: ThreePeople
) -> None:
    client = _signed_in(people.in_scope)
    url = f"/api/v1/villages/{VILLAGE}/profile"
    empty = client.get(url)
    assert (empty["ETag"], empty.json()["profile"]["version"]) == ('"0"', 0)
    created = _patch(client, url, {"population": 800}, **{"If-Match": '"0"'})
    assert created.status_code == 200 and created["ETag"] == '"1"'
    assert _patch(client, url, {"population": 900}, **{"If-Match": '"0"'}).status_code == 412
    assert client.get(url).json()["profile"]["population"] == 800


def test_of_many_patches_naming_the_same_version_exactly_one_applies(
    county: County, people: ThreePeople
) -> None:
    contact = _contact(county)
    client = _signed_in(people.in_scope)
    url = f"/api/v1/contacts/{contact.pk}"
    answers = [
        _patch(client, url, {"notes": f"第{n}次"}, **{"If-Match": '"1"'}).status_code
        for n in range(8)
    ]
    assert answers == [200] + [412] * 7
    stored = Contact.objects.get(pk=contact.pk)
    assert (stored.notes, stored.version) == ("第0次", 2)


@pytest.mark.django_db(transaction=True)
def test_of_concurrent_patches_naming_the_same_version_exactly_one_applies(
    county: County, people: ThreePeople
) -> None:
    """Threads against the test client, each on its own connection (PostgreSQL's row lock)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time; the sequential test above covers it")
    contact = _contact(county)
    url = f"/api/v1/contacts/{contact.pk}"
    clients = [_signed_in(people.in_scope) for _ in range(8)]
    start = threading.Barrier(len(clients))
    answers: list[int] = []

    def edit(client: Client, n: int) -> None:
        try:
            start.wait()
            answers.append(_patch(client, url, {"notes": f"第{n}次", "version": 1}).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(c, n)) for n, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(answers) == [200] + [409] * 7
    stored = Contact.objects.get(pk=contact.pk)
    assert stored.version == 2
    assert (
        Event.objects.filter(object_id=str(contact.pk), action="regions.contact_update").count()
        == 1
    )
