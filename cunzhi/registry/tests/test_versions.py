"""No lost edits in the register: two people editing one household or resident are told."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cunzhi.accounts.models import Role
from cunzhi.accounts.testing import County, ThreePeople, make_user
from cunzhi.registry.models import Household, Resident
from cunzhi.registry.testing import family, head_of

pytestmark = pytest.mark.django_db


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form_of(page: Any) -> dict[str, Any]:
    """What the browser would post back: every field of the page's form as it shows it."""
    form = page.context["form"]
    return {name: "" if form[name].value() is None else form[name].value() for name in form.fields}


def test_two_people_edit_one_household_and_neither_change_is_lost(
    county: County, people: ThreePeople, english: None
) -> None:
    household = family(county, 1, address="石板村上寨1号")
    colleague = make_user(county, "wangfang", Role.VILLAGE_COMMITTEE_MEMBER, county.village)
    url = reverse("registry:household_edit", args=[household.pk])
    mine, theirs = _signed_in(people.in_scope), _signed_in(colleague)
    my_page, their_page = _form_of(mine.get(url)), _form_of(theirs.get(url))

    # They change the address and save first.
    assert theirs.post(url, {**their_page, "address": "石板村下寨12号"}).status_code == 302
    # I change the phone on the page I opened before their save: refused, nothing written.
    refused = mine.post(url, {**my_page, "phone": "0871-6543210"})
    assert refused.status_code == 200
    seen = my_page["version"]
    page = refused.content.decode()
    assert f"your copy was version {seen}, it is now version {seen + 1}" in page
    assert "wangfang" in page and "石板村上寨1号 → 石板村下寨12号" in page
    assert Household.objects.get(pk=household.pk).phone == ""
    # What I typed is kept; the address I did not touch now shows theirs.
    again = _form_of(refused)
    assert (again["phone"], again["address"], int(again["version"])) == (
        "0871-6543210",
        "石板村下寨12号",
        seen + 1,
    )

    assert mine.post(url, again).status_code == 302
    stored = Household.objects.get(pk=household.pk)
    assert (stored.address, stored.phone, stored.version) == (
        "石板村下寨12号",
        "0871-6543210",
        seen + 2,
    )


def test_a_stale_resident_edit_shows_the_phone_masked_and_keeps_the_input(
    county: County, people: ThreePeople, english: None
) -> None:
    head = head_of(family(county, 1))
    url = reverse("registry:resident_edit", args=[head.pk])
    mine, theirs = _signed_in(people.in_scope), _signed_in(county.admin)
    my_page, their_page = _form_of(mine.get(url)), _form_of(theirs.get(url))
    assert theirs.post(url, {**their_page, "phone": "13912345678"}).status_code == 302

    refused = mine.post(url, {**my_page, "work_place": "昆明"})
    text = refused.content.decode()
    assert "139****5678" in text and f"it is now version {my_page['version'] + 1}" in text
    assert _form_of(refused)["work_place"] == "昆明"
    assert Resident.objects.get(pk=head.pk).work_place == ""


def test_the_tags_page_refuses_an_edit_of_an_older_version(
    county: County, people: ThreePeople, english: None
) -> None:
    head = head_of(family(county, 1))
    url = reverse("registry:resident_tags", args=[head.pk])
    mine = _signed_in(people.in_scope)
    my_page = _form_of(mine.get(url))
    edit = reverse("registry:resident_edit", args=[head.pk])
    assert mine.post(edit, {**_form_of(mine.get(edit)), "health": "高血压"}).status_code == 302

    refused = mine.post(url, {**my_page, "tags": []})
    assert refused.status_code == 200
    assert f"it is now version {my_page['version'] + 1}" in refused.content.decode()


def test_a_device_reads_the_etag_and_a_stale_patch_is_a_409(
    county: County, people: ThreePeople
) -> None:
    household = family(county, 1)
    client = _signed_in(people.in_scope)
    url = f"/api/v1/households/{household.pk}"
    read = client.get(url)
    assert read["ETag"] == f'"{read.json()["version"]}"'
    body = {"address": "石板村下寨12号", "version": read.json()["version"]}
    first = client.patch(url, json.dumps(body), content_type="application/json")
    assert first.status_code == 200 and first.json()["version"] == body["version"] + 1
    stale = client.patch(
        url, json.dumps({**body, "phone": "0871-1"}), content_type="application/json"
    )
    assert stale.status_code == 409
    assert stale.json()["current_version"] == body["version"] + 1
    assert Household.objects.get(pk=household.pk).phone == ""


def test_a_group_leader_set_meanwhile_is_not_replaced_unseen(
    county: County, people: ThreePeople, english: None
) -> None:
    first, second = family(county, 1), family(county, 2)
    url = reverse("registry:group_leader", args=["530199100201001"])
    mine, theirs = _signed_in(people.in_scope), _signed_in(county.admin)
    my_page, their_page = _form_of(mine.get(url)), _form_of(theirs.get(url))
    assert my_page["version"] == 0
    their_pick = {**their_page, "resident": head_of(first).pk, "starts_on": "2026-02-01"}
    assert theirs.post(url, their_pick).status_code == 302

    my_pick = {**my_page, "resident": head_of(second).pk, "starts_on": "2026-03-01"}
    refused = mine.post(url, my_pick)
    assert refused.status_code == 200
    assert "it is now version 1" in refused.content.decode()
    assert mine.post(url, _form_of(refused)).status_code == 302
