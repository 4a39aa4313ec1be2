"""The regions API, as the three people of every scoping test and as a device with a token."""

import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from cunzhi.accounts.models import User
from cunzhi.accounts.services import api_token_create
from cunzhi.accounts.testing import County, ThreePeople
from cunzhi.regions.models import Contact, ContactLevel, Facility, FacilityKind, VillageProfile
from cunzhi.regions.services import (
    contact_create,
    facility_create,
    regions_import,
    village_profile_update,
)

VILLAGE = "530199100201"  # 石板村, where the secretary and the supervisor hold their posts
NEIGHBOUR = "530199100202"  # 柳溪村, the outsider's village
PROFILE_URL = f"/api/v1/villages/{VILLAGE}/profile"
ENGLISH = {"Accept-Language": "en"}


def session(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def patch(client: Client, url: str, data: Any, **headers: str) -> Any:
    body = data if isinstance(data, str) else json.dumps(data)
    return client.patch(url, body, content_type="application/json", headers=headers)


def population(county: County) -> int | None:
    profile = VillageProfile.objects.filter(region=county.village).first()
    return profile.population if profile else None


def add_contacts(county: County, region_code: str, count: int) -> None:
    region = {r.code: r for r in (county.village, county.neighbour, county.township)}[region_code]
    for number in range(count):
        contact_create(
            actor=county.admin,
            region=region,
            name=f"联系人{number:02d}",
            organisation="青龙镇农业服务中心",
            level=ContactLevel.TOWNSHIP,
            phone=f"1390000{number:04d}",
        )


def test_the_three_people_read_a_village_profile(county: County, people: ThreePeople) -> None:
    village_profile_update(actor=county.admin, village=county.village, population=1280)
    facility_create(
        actor=county.admin, village=county.village, kind=FacilityKind.SCHOOL, name="石板小学"
    )

    in_scope = session(people.in_scope).get(PROFILE_URL)
    read_only = session(people.read_only).get(PROFILE_URL)
    outsider = session(people.outsider).get(PROFILE_URL)

    assert (in_scope.status_code, read_only.status_code, outsider.status_code) == (200, 200, 404)
    body = in_scope.json()
    assert body["village"] == {"code": VILLAGE, "name": "石板村", "level": "village"}
    assert body["profile"]["population"] == 1280
    assert [f["name"] for f in body["facilities"]] == ["石板小学"]
    assert [g["code"] for g in body["groups"]] == ["530199100201001"]
    nowhere = session(people.outsider).get("/api/v1/villages/530199100299/profile")
    assert outsider.content == nowhere.content, "a 404 must not tell 'elsewhere' from 'nowhere'"


def test_a_profile_nobody_filled_in_reads_as_empty(people: ThreePeople) -> None:
    body = session(people.in_scope).get(PROFILE_URL).json()
    assert body["profile"]["population"] == 0
    assert body["profile"]["updated_at"] is None
    assert body["clans"] == [] and body["facilities"] == []


def test_the_three_people_patch_a_village_profile(county: County, people: ThreePeople) -> None:
    change = {"population": 1300, "geography": "山区"}

    assert patch(session(people.outsider), PROFILE_URL, change).status_code == 404
    refused = patch(session(people.read_only), PROFILE_URL, change, **ENGLISH)
    assert refused.status_code == 403
    assert refused.json() == {"detail": "You may not do this here.", "errors": []}
    assert population(county) is None, "a refused edit changed the profile"

    accepted = patch(session(people.in_scope), PROFILE_URL, change)
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["profile"]["population"] == 1300
    assert population(county) == 1300


def test_a_patch_changes_only_the_fields_it_sends(county: County, people: ThreePeople) -> None:
    village_profile_update(actor=county.admin, village=county.village, population=900, notes="旧")
    response = patch(session(people.in_scope), PROFILE_URL, {"area_km2": "12.5"})
    assert response.status_code == 200
    profile = VillageProfile.objects.get(region=county.village)
    assert (profile.population, profile.notes, profile.area_km2) == (900, "旧", Decimal("12.5"))


def test_a_null_for_a_text_or_number_field_is_a_422_not_a_500(
    county: County, people: ThreePeople
) -> None:
    village_profile_update(actor=county.admin, village=county.village, population=900, notes="旧")
    client = session(people.in_scope)
    for body in ({"notes": None}, {"population": None}):
        response = patch(client, PROFILE_URL, body, **ENGLISH)
        assert response.status_code == 422, body
        [error] = response.json()["errors"]
        assert error == {"field": next(iter(body)), "message": "This field cannot be null."}
    contact = contact_create(
        actor=county.admin,
        region=county.village,
        name="李医生",
        organisation="石板村卫生室",
        level=ContactLevel.VILLAGE,
    )
    response = patch(client, f"/api/v1/contacts/{contact.pk}", {"notes": None}, **ENGLISH)
    assert response.status_code == 422
    profile = VillageProfile.objects.get(region=county.village)
    assert (profile.population, profile.notes) == (900, "旧")


def test_a_negative_population_is_a_422_naming_the_field(
    county: County, people: ThreePeople
) -> None:
    response = patch(session(people.in_scope), PROFILE_URL, {"population": -5}, **ENGLISH)

    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "The request is not valid."
    assert [e["field"] for e in body["errors"]] == ["population"]
    assert "greater than or equal to 0" in body["errors"][0]["message"]
    assert population(county) is None


def test_a_wrong_type_or_an_unknown_field_is_a_422_naming_it(people: ThreePeople) -> None:
    client = session(people.in_scope)

    wrong_type = patch(client, PROFILE_URL, {"population": "many"}, **ENGLISH).json()
    unknown = patch(client, PROFILE_URL, {"population": 3, "region_code": "1"}, **ENGLISH).json()

    assert wrong_type["errors"] == [{"field": "population", "message": "Enter a whole number."}]
    assert [e["field"] for e in unknown["errors"]] == ["region_code"]


def test_malformed_json_is_a_422_in_the_error_format(people: ThreePeople) -> None:
    response = patch(session(people.in_scope), PROFILE_URL, '{"population": 12', **ENGLISH)

    assert response.status_code == 422
    assert response.json() == {
        "detail": "The request body is not valid JSON.",
        "errors": [{"field": "__all__", "message": "The request body is not valid JSON."}],
    }


def test_a_township_code_has_no_village_profile(county: County) -> None:
    client = session(county.admin)
    assert client.get(f"/api/v1/villages/{county.township.code}/profile").status_code == 404


def test_a_region_list_shows_only_the_callers_scope(people: ThreePeople) -> None:
    body = session(people.in_scope).get("/api/v1/regions").json()

    assert [r["code"] for r in body["items"]] == [VILLAGE, "530199100201001"]
    assert body["count"] == 2
    village = body["items"][0]
    assert village == {
        "code": VILLAGE,
        "name": "石板村",
        "level": "village",
        "level_label": village["level_label"],
        "parent_code": "530199100000",
        "child_count": 1,
    }


def test_the_region_list_filters_by_parent_level_and_name(county: County) -> None:
    client = session(county.admin)

    def codes(query: str) -> list[str]:
        response = client.get(f"/api/v1/regions?{query}")
        assert response.status_code == 200, response.content
        return [r["code"] for r in response.json()["items"]]

    assert codes(f"parent={county.township.code}") == [VILLAGE, NEIGHBOUR]
    assert codes("level=township") == ["530199100000", "530199101000"]
    assert codes("q=柳溪") == [NEIGHBOUR]
    assert codes("limit=2&offset=1") == ["530100000000", "530199000000"]


def test_the_region_list_refuses_what_it_cannot_answer(people: ThreePeople) -> None:
    client = session(people.in_scope)

    outside_parent = client.get(f"/api/v1/regions?parent={NEIGHBOUR}")
    unknown_level = client.get("/api/v1/regions?level=galaxy", headers=ENGLISH)
    huge_page = client.get("/api/v1/regions?limit=100000", headers=ENGLISH)

    assert outside_parent.status_code == 404
    assert unknown_level.status_code == 422
    assert [e["field"] for e in unknown_level.json()["errors"]] == ["level"]
    assert "village" in unknown_level.json()["errors"][0]["message"]
    assert huge_page.status_code == 422
    assert [e["field"] for e in huge_page.json()["errors"]] == ["limit"]


def test_a_region_outside_the_scope_is_the_same_404_as_no_region(people: ThreePeople) -> None:
    client = session(people.in_scope)

    outside = client.get(f"/api/v1/regions/{NEIGHBOUR}")
    missing = client.get("/api/v1/regions/530199100299")
    malformed = client.get("/api/v1/regions/not-a-code")

    assert outside.status_code == missing.status_code == malformed.status_code == 404
    assert outside.content == missing.content == malformed.content


def test_a_region_detail_names_its_ancestors(people: ThreePeople) -> None:
    body = session(people.in_scope).get(f"/api/v1/regions/{VILLAGE}").json()
    assert body["child_count"] == 1
    assert [a["name"] for a in body["ancestors"]] == ["云南省", "昆明市", "青山县", "青龙镇"]


def test_a_device_with_a_token_writes_without_a_csrf_token(
    county: County, people: ThreePeople
) -> None:
    _token, raw = api_token_create(actor=people.in_scope, name="phone")
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {raw}"})

    response = client.post(
        f"/api/v1/regions/{VILLAGE}/contacts",
        {
            "name": "王芳",
            "organisation": "青龙镇卫生院",
            "level": "township",
            "phone": "13900001111",
        },
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["region_code"], body["created_by"]) == ("王芳", VILLAGE, "secretary")
    assert Contact.objects.get(pk=body["id"]).created_by == people.in_scope


def test_the_three_people_keep_the_contacts_directory(county: County, people: ThreePeople) -> None:
    add_contacts(county, VILLAGE, 1)
    contact = Contact.objects.get()
    url = f"/api/v1/contacts/{contact.pk}"
    new_data = {"position": "主任"}
    create_url = f"/api/v1/regions/{VILLAGE}/contacts"
    entry = {"name": "赵强", "organisation": "县水务局", "level": "county"}

    assert session(people.outsider).get(create_url).status_code == 404
    assert session(people.read_only).get(create_url).json()["count"] == 1
    assert patch(session(people.outsider), url, new_data).status_code == 404
    assert patch(session(people.read_only), url, new_data).status_code == 403
    assert session(people.read_only).post(create_url, entry, "application/json").status_code == 403
    assert session(people.read_only).delete(url).status_code == 403
    contact.refresh_from_db()
    assert contact.position == "" and Contact.objects.count() == 1

    cadre = session(people.in_scope)
    assert patch(cadre, url, new_data).json()["position"] == "主任"
    assert cadre.post(create_url, entry, "application/json").status_code == 201
    assert cadre.get(f"{create_url}?q=水务").json()["count"] == 1
    assert cadre.delete(url).status_code == 204
    assert not Contact.objects.filter(pk=contact.pk).exists()


def test_a_contact_with_a_bad_level_is_a_422(people: ThreePeople) -> None:
    response = session(people.in_scope).post(
        f"/api/v1/regions/{VILLAGE}/contacts",
        {"name": "赵强", "organisation": "县水务局", "level": "planet"},
        "application/json",
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["level"]


def test_the_three_people_keep_the_facilities(county: County, people: ThreePeople) -> None:
    create_url = f"/api/v1/villages/{VILLAGE}/facilities"
    well = {"kind": "water_source", "name": "老井", "latitude": "25.123456", "longitude": 102.5}

    assert session(people.outsider).post(create_url, well, "application/json").status_code == 404
    assert session(people.read_only).post(create_url, well, "application/json").status_code == 403
    assert not Facility.objects.exists()

    cadre = session(people.in_scope)
    created = cadre.post(create_url, well, "application/json")
    assert created.status_code == 201, created.content
    assert created.json()["latitude"] == "25.123456"
    url = f"/api/v1/facilities/{created.json()['id']}"

    assert patch(session(people.outsider), url, {"name": "新井"}).status_code == 404
    assert patch(session(people.read_only), url, {"name": "新井"}).status_code == 403
    assert patch(cadre, url, {"name": "新井"}).json()["name"] == "新井"
    off_the_map = patch(cadre, url, {"latitude": 95})
    assert off_the_map.status_code == 422
    assert [e["field"] for e in off_the_map.json()["errors"]] == ["latitude"]
    assert session(people.read_only).delete(url).status_code == 403
    assert cadre.delete(url).status_code == 204
    assert not Facility.objects.exists()


@pytest.mark.parametrize("groups", [3, 30])
def test_the_region_list_costs_the_same_queries_for_3_or_30_rows(
    county: County, people: ThreePeople, groups: int, django_assert_num_queries: Any
) -> None:
    rows = [(n, f"{VILLAGE}{n:03d}", f"第{n}村民小组") for n in range(2, groups + 2)]
    regions_import(actor=county.admin, rows=rows)
    client = session(people.in_scope)

    # session, user, the user's posts, the count, the page
    with django_assert_num_queries(5):
        response = client.get("/api/v1/regions")

    assert response.json()["count"] == groups + 2


@pytest.mark.parametrize("contacts", [3, 30])
def test_the_contact_list_costs_the_same_queries_for_3_or_30_rows(
    county: County, people: ThreePeople, contacts: int, django_assert_num_queries: Any
) -> None:
    add_contacts(county, VILLAGE, contacts)
    add_contacts(county, NEIGHBOUR, 2)  # someone else's: never listed, never counted
    client = session(people.in_scope)

    # session, user, the user's posts, the region, the count, the page (with region and author)
    with django_assert_num_queries(6):
        response = client.get(f"/api/v1/regions/{VILLAGE}/contacts")

    body = response.json()
    assert body["count"] == len(body["items"]) == contacts
    assert {c["region_code"] for c in body["items"]} == {VILLAGE}


def test_bad_input_is_refused_in_the_error_format_never_with_a_500(people: ThreePeople) -> None:
    client = session(people.in_scope)
    contacts_url = f"/api/v1/regions/{VILLAGE}/contacts"
    answers = {
        "NUL in a text": patch(client, PROFILE_URL, {"notes": "a\x00b"}),
        "NUL in a query": client.get(f"{contacts_url}?q=%00"),
        "NUL in a code": client.get("/api/v1/regions/5301%00"),
        "a list for a body": patch(client, PROFILE_URL, [1, 2]),
        "a huge number": patch(client, PROFILE_URL, {"households": 10**30}),
        "not a number": patch(client, PROFILE_URL, {"area_km2": "NaN"}),
        "a huge id": patch(client, "/api/v1/contacts/99999999999999999999999", {}),
        "a word for an id": patch(client, "/api/v1/contacts/seven", {}),
        "a form, not JSON": client.post(
            contacts_url, "name=x", "application/x-www-form-urlencoded"
        ),
    }
    for what, response in answers.items():
        assert response.status_code in (404, 422), what
        assert set(response.json()) == {"detail", "errors"}, what
    assert answers["NUL in a text"].json()["errors"][0]["field"] == "notes"
    assert answers["a list for a body"].json()["errors"][0]["field"] == "__all__"


def test_an_unknown_api_path_answers_in_the_api_error_format(db: None) -> None:
    response = Client().get("/api/v1/no-such-thing")
    assert response.status_code == 404
    body = response.json()
    assert body["errors"] == [] and body["detail"]
