"""The register's API, as the three people of every scoping test and as a device with a token."""

import datetime
import json
from typing import Any

import pytest
from django.test import Client

from cunzhi.accounts.models import Role, User
from cunzhi.accounts.services import api_token_create
from cunzhi.accounts.testing import County, ThreePeople, make_user
from cunzhi.audit.models import Event
from cunzhi.registry.identity import mask_id_number, mask_phone
from cunzhi.registry.models import Household, Resident, Tag
from cunzhi.registry.services import resident_set_tags, resident_update
from cunzhi.registry.testing import make_id_number, register_family

VILLAGE = "530199100201"  # 石板村, where the secretary and the supervisor hold their posts
GROUP = "530199100201001"  # its first villager group
ENGLISH = {"Accept-Language": "en"}

pytestmark = pytest.mark.django_db


def session(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def send(client: Client, method: str, url: str, data: Any, **headers: str) -> Any:
    body = data if isinstance(data, str) else json.dumps(data)
    return getattr(client, method)(url, body, content_type="application/json", headers=headers)


def head_of(household: Household) -> Resident:
    assert household.head is not None
    return household.head


def family(county: County, number: int, **extra: Any) -> Household:
    return register_family(
        county.admin, county.village, f"{number:03d}", sequence=10 + 3 * number, **extra
    )


def registration(**changes: Any) -> dict[str, Any]:
    """A household as a device registers it: the head, a spouse and a son."""
    body: dict[str, Any] = {
        "household_no": "101",
        "group": GROUP,
        "address": "石板村上寨3号",
        "phone": "13912345678",
        "head": {"name": "张永福", "id_number": make_id_number(datetime.date(1975, 4, 8))},
        "members": [
            {
                "name": "李秀英",
                "id_number": make_id_number(datetime.date(1977, 6, 1), sequence=2, male=False),
                "relation": "spouse",
            },
            {
                "name": "张小军",
                "id_number": make_id_number(datetime.date(2003, 2, 9), sequence=3),
                "relation": "son",
                "employment": "away",
                "work_place": "昆明",
            },
        ],
    }
    body.update(changes)
    return body


def fields(response: Any) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


# Scoping


def test_the_three_people_read_the_household_list(county: County, people: ThreePeople) -> None:
    family(county, 1)
    register_family(county.admin, county.neighbour, "001")  # the outsider's village
    url = f"/api/v1/regions/{VILLAGE}/households"

    in_scope = session(people.in_scope).get(url)
    read_only = session(people.read_only).get(url)
    outsider = session(people.outsider).get(url)

    assert (in_scope.status_code, read_only.status_code, outsider.status_code) == (200, 200, 404)
    assert in_scope.json()["count"] == read_only.json()["count"] == 1
    [row] = in_scope.json()["items"]
    assert (row["household_no"], row["head_name"], row["member_count"]) == ("001", "杨德福", 3)


def test_a_reader_of_the_region_without_the_register_permission_gets_a_403(
    county: County,
) -> None:
    # The organisation department sees the county's regions, not its register.
    org = make_user(county, "orgdept", Role.COUNTY_ORG_DEPT, county.county)
    household = family(county, 1)
    client = session(org)

    assert client.get(f"/api/v1/regions/{VILLAGE}/households").status_code == 403
    assert client.get(f"/api/v1/regions/{VILLAGE}/residents").status_code == 403
    # A record is looked up in the register's scope, where it does not exist for them.
    assert client.get(f"/api/v1/households/{household.pk}").status_code == 404


def test_the_three_people_read_a_household_and_a_resident(
    county: County, people: ThreePeople
) -> None:
    household = family(county, 1)
    head = head_of(household)
    for url in (f"/api/v1/households/{household.pk}", f"/api/v1/residents/{head.pk}"):
        answers = [session(p).get(url) for p in (people.in_scope, people.read_only)]
        outsider = session(people.outsider).get(url)
        assert [a.status_code for a in answers] == [200, 200], url
        assert outsider.status_code == 404, url
        nowhere = session(people.outsider).get(url.rsplit("/", 1)[0] + "/999999")
        assert outsider.content == nowhere.content, "a 404 must not tell 'elsewhere' from 'nowhere'"

    body = session(people.in_scope).get(f"/api/v1/households/{household.pk}").json()
    assert [m["relation"] for m in body["members"]] == ["head", "spouse", "daughter"]
    assert (body["region_name"], body["head_id"]) == ("石板村", head.pk)


def test_the_three_people_patch_a_household(county: County, people: ThreePeople) -> None:
    household = family(county, 1)
    url = f"/api/v1/households/{household.pk}"
    change = {"address": "石板村下寨12号"}

    assert send(session(people.outsider), "patch", url, change).status_code == 404
    refused = send(session(people.read_only), "patch", url, change, **ENGLISH)
    assert refused.status_code == 403
    assert refused.json() == {"detail": "You may not do this here.", "errors": []}
    household.refresh_from_db()
    assert household.address == "", "a refused edit changed the household"

    accepted = send(session(people.in_scope), "patch", url, change)
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["address"] == "石板村下寨12号"
    event = Event.objects.get(action="registry.household_update")
    assert event.actor == people.in_scope
    assert event.data["changes"] == {"address": ["", "石板村下寨12号"]}


def test_the_three_people_patch_a_resident(county: County, people: ThreePeople) -> None:
    head = head_of(family(county, 1))
    url = f"/api/v1/residents/{head.pk}"

    assert send(session(people.outsider), "patch", url, {"ethnicity": "彝族"}).status_code == 404
    assert send(session(people.read_only), "patch", url, {"ethnicity": "彝族"}).status_code == 403
    assert Resident.objects.get(pk=head.pk).ethnicity == "汉族"

    accepted = send(session(people.in_scope), "patch", url, {"ethnicity": "彝族"})
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["ethnicity"] == "彝族"
    assert Resident.objects.get(pk=head.pk).ethnicity == "彝族"


# Writes


def test_a_cadre_registers_a_household_with_its_members_and_it_is_audited(
    county: County, people: ThreePeople
) -> None:
    url = f"/api/v1/villages/{VILLAGE}/households"
    assert send(session(people.outsider), "post", url, registration()).status_code == 404
    assert send(session(people.read_only), "post", url, registration()).status_code == 403
    assert not Household.objects.exists()

    response = send(session(people.in_scope), "post", url, registration())

    assert response.status_code == 201, response.content
    body = response.json()
    household = Household.objects.get(pk=body["id"])
    assert (body["household_no"], body["group_code"], body["region_code"]) == (
        "101",
        GROUP,
        VILLAGE,
    )
    assert [(m["name"], m["relation"], m["sex"]) for m in body["members"]] == [
        ("张永福", "head", "male"),
        ("李秀英", "spouse", "female"),
        ("张小军", "son", "male"),
    ]
    assert body["members"][0]["birth_date"] == "1975-04-08", "taken from the ID number"
    assert household.members.count() == 3 and head_of(household).name == "张永福"
    event = Event.objects.get(action="registry.household_register")
    assert (event.actor, event.object_id) == (people.in_scope, str(household.pk))
    assert [m["name"] for m in event.data["members"]] == ["张永福", "李秀英", "张小军"]


def test_a_cadre_adds_a_member_to_a_household(county: County, people: ThreePeople) -> None:
    household = family(county, 1)
    url = f"/api/v1/households/{household.pk}/members"
    baby = {"name": "杨乐乐", "relation": "grandson", "sex": "male", "birth_date": "2025-01-03"}

    assert send(session(people.outsider), "post", url, baby).status_code == 404
    assert send(session(people.read_only), "post", url, baby).status_code == 403
    response = send(session(people.in_scope), "post", url, baby)

    assert response.status_code == 201, response.content
    assert (response.json()["name"], response.json()["age"]) == ("杨乐乐", 1)
    assert household.members.count() == 4
    assert Event.objects.filter(action="registry.resident_add").count() == 1


def test_a_patch_changes_only_the_fields_it_sends(county: County, people: ThreePeople) -> None:
    household = family(county, 1, address="石板村中寨", phone="13900001111")
    spouse = household.members.get(relation="spouse")
    resident_update(actor=county.admin, resident=spouse, health="高血压", work_place="镇上")
    cadre = session(people.in_scope)

    household_url, spouse_url = (
        f"/api/v1/households/{household.pk}",
        f"/api/v1/residents/{spouse.pk}",
    )
    assert send(cadre, "patch", household_url, {"group": GROUP}).status_code == 200
    assert send(cadre, "patch", spouse_url, {"employment": "away"}).status_code == 200

    household.refresh_from_db()
    assert (household.group_id, household.address, household.phone, household.household_no) == (
        county.village.children.get().pk,
        "石板村中寨",
        "13900001111",
        "001",
    )
    spouse.refresh_from_db()
    assert (spouse.employment, spouse.health, spouse.work_place) == ("away", "高血压", "镇上")
    assert spouse.birth_date == datetime.date(1970, 3, 2)
    event = Event.objects.filter(action="registry.resident_update").latest("seq")
    assert event.data["changes"] == {"employment": ["", "away"]}
    # null clears the group; the other fields stay.
    assert send(cadre, "patch", household_url, {"group": None}).status_code == 200
    household.refresh_from_db()
    assert (household.group_id, household.address) == (None, "石板村中寨")


# Bad input


def bad_checksum(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


@pytest.mark.parametrize(
    ("what", "body", "field"),
    [
        (
            "a wrong check character on the second member",
            registration(
                members=[
                    registration()["members"][0],
                    {
                        **registration()["members"][1],
                        "id_number": bad_checksum(registration()["members"][1]["id_number"]),
                    },
                ]
            ),
            "members.1.id_number",
        ),
        (
            "a sex that disagrees with the ID number",
            registration(members=[{**registration()["members"][0], "sex": "male"}]),
            "members.0.sex",
        ),
        (
            "a head whose ID number is wrong",
            registration(head={"name": "张永福", "id_number": "53019919750408001"}),
            "head.id_number",
        ),
        ("a group of another village", registration(group="530199100202001"), "group"),
        ("an unknown group", registration(group="nonsense"), "group"),
        (
            "a second head among the members",
            registration(members=[{**registration()["members"][0], "relation": "head"}]),
            "members.0.relation",
        ),
        (
            "a relation that does not exist",
            registration(members=[{**registration()["members"][0], "relation": "cousin"}]),
            "members.0.relation",
        ),
        ("a number for a name", registration(head={"name": 42}), "head.name"),
        (
            "a date that is not one",
            registration(head={"name": "张", "birth_date": "1975-13-01"}),
            "head.birth_date",
        ),
        ("no head at all", {k: v for k, v in registration().items() if k != "head"}, "head"),
        ("a list for the members", registration(members={"name": "x"}), "members"),
        ("an unknown field", registration(region_code="530199100202"), "region_code"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    county: County, people: ThreePeople, what: str, body: dict[str, Any], field: str
) -> None:
    response = send(
        session(people.in_scope), "post", f"/api/v1/villages/{VILLAGE}/households", body, **ENGLISH
    )

    assert response.status_code == 422, what
    assert response.json()["detail"] == "The request is not valid.", what
    assert fields(response) == [field], (what, response.json())
    assert not Household.objects.exists() and not Resident.objects.exists(), what
    assert not Event.objects.filter(action="registry.household_register").exists(), what


def test_the_error_messages_say_what_is_wrong(people: ThreePeople) -> None:
    body = registration()
    body["members"][1]["id_number"] = bad_checksum(body["members"][1]["id_number"])
    body["members"][0]["sex"] = "male"
    url = f"/api/v1/villages/{VILLAGE}/households"

    response = send(session(people.in_scope), "post", url, body, **ENGLISH)

    # The service stops at the first member it cannot register.
    assert response.json()["errors"] == [
        {"field": "members.0.sex", "message": "The sex does not match the ID number."}
    ]
    body["members"][0]["sex"] = "female"
    [error] = send(session(people.in_scope), "post", url, body, **ENGLISH).json()["errors"]
    assert error["field"] == "members.1.id_number"
    assert "check character" in error["message"]


def test_a_bad_patch_names_the_field_and_changes_nothing(
    county: County, people: ThreePeople
) -> None:
    household = family(county, 1)
    head = head_of(household)
    spouse = household.members.get(relation="spouse")
    cadre = session(people.in_scope)
    answers = {
        "members.sex": send(cadre, "patch", f"/api/v1/residents/{spouse.pk}", {"sex": "male"}),
        "a second head": send(
            cadre, "patch", f"/api/v1/residents/{spouse.pk}", {"relation": "head"}
        ),
        "a bad checksum": send(
            cadre,
            "patch",
            f"/api/v1/residents/{head.pk}",
            {"id_number": bad_checksum(head.id_number)},
        ),
        "a word for a date": send(
            cadre, "patch", f"/api/v1/residents/{head.pk}", {"birth_date": "soon"}
        ),
        "an unknown group": send(
            cadre, "patch", f"/api/v1/households/{household.pk}", {"group": "530199100202001"}
        ),
        "an empty household number": send(
            cadre, "patch", f"/api/v1/households/{household.pk}", {"household_no": ""}
        ),
        "a null for a text": send(
            cadre, "patch", f"/api/v1/households/{household.pk}", {"address": None}, **ENGLISH
        ),
        "a null sex": send(cadre, "patch", f"/api/v1/residents/{head.pk}", {"sex": None}),
    }
    expected = {
        "members.sex": ["sex"],
        "a second head": ["relation"],
        "a bad checksum": ["id_number"],
        "a word for a date": ["birth_date"],
        "an unknown group": ["group"],
        "an empty household number": ["household_no"],
        "a null for a text": ["address"],
        "a null sex": ["sex"],
    }
    for what, response in answers.items():
        assert response.status_code == 422, what
        assert fields(response) == expected[what], (what, response.json())
    assert answers["a null for a text"].json()["errors"][0]["message"] == (
        "This field cannot be null."
    )
    spouse.refresh_from_db()
    assert (spouse.sex, spouse.relation) == ("female", "spouse")
    assert Resident.objects.get(pk=head.pk).id_number == head.id_number
    assert not Event.objects.filter(action__endswith="_update").exists()


def test_bad_list_filters_are_422s_naming_them(county: County, people: ThreePeople) -> None:
    client = session(people.in_scope)
    url = f"/api/v1/regions/{VILLAGE}/households"

    for query, field in [
        ("age_band=90-99", "age_band"),
        ("status=vanished", "status"),
        ("group=530199100202001", "group"),
        ("tag=no-such-tag", "tag"),
        ("limit=100000", "limit"),
    ]:
        response = client.get(f"{url}?{query}", headers=ENGLISH)
        assert response.status_code == 422, query
        assert fields(response) == [field], query


# Masking and reveal


def test_numbers_are_masked_in_the_lists_the_search_and_the_details(
    county: County, people: ThreePeople
) -> None:
    household = family(county, 1, phone="13912345678")
    head = head_of(household)
    resident_update(actor=county.admin, resident=head, phone="13800001234")
    client = session(people.in_scope)  # who may reveal, and still sees masks until asking

    answers = [
        client.get(f"/api/v1/regions/{VILLAGE}/households"),
        client.get(f"/api/v1/regions/{VILLAGE}/residents"),
        client.get("/api/v1/residents/search?q=杨德福"),
        client.get(f"/api/v1/households/{household.pk}"),
        client.get(f"/api/v1/residents/{head.pk}"),
    ]

    for response in answers:
        text = response.content.decode()
        assert response.status_code == 200, text
        assert head.id_number not in text and "13800001234" not in text, text
        assert "13912345678" not in text, text
        assert mask_id_number(head.id_number) in text, text
    assert answers[0].json()["items"][0]["phone"] == mask_phone("13912345678")
    assert answers[4].json()["phone"] == mask_phone("13800001234")
    assert answers[4].json()["revealed"] is False
    assert not Event.objects.filter(action="registry.resident_reveal").exists()


def test_a_reveal_shows_the_full_numbers_once_and_is_audited(
    county: County, people: ThreePeople
) -> None:
    head = head_of(family(county, 1))
    url = f"/api/v1/residents/{head.pk}/reveal"

    assert send(session(people.outsider), "post", url, {}).status_code == 404
    assert send(session(people.read_only), "post", url, {}).status_code == 403
    assert not Event.objects.filter(action="registry.resident_reveal").exists()
    assert session(people.in_scope).get(url).status_code == 405, "never by a GET"

    response = send(session(people.in_scope), "post", url, {"reason": "低保复核"})

    assert response.status_code == 200, response.content
    assert (response.json()["id_number"], response.json()["revealed"]) == (head.id_number, True)
    event = Event.objects.get(action="registry.resident_reveal")
    assert (event.actor, event.object_id) == (people.in_scope, str(head.pk))
    assert event.data == {"fields": ["id_number", "phone"], "reason": "低保复核"}
    again = session(people.in_scope).get(f"/api/v1/residents/{head.pk}").json()
    assert again["id_number"] == mask_id_number(head.id_number)


def test_sensitive_tags_are_shown_only_to_a_reader_who_may_reveal(
    county: County, people: ThreePeople
) -> None:
    head = head_of(family(county, 1))
    dibao, veteran = Tag.objects.get(code="dibao"), Tag.objects.get(code="veteran")
    resident_set_tags(actor=county.admin, resident=head, tags=[dibao, veteran])

    def tags(user: User, url: str) -> list[str]:
        body = session(user).get(url).json()
        resident = body["items"][0] if "items" in body else body
        return [t["code"] for t in resident["tags"]]

    for url in (f"/api/v1/residents/{head.pk}", f"/api/v1/regions/{VILLAGE}/residents"):
        assert tags(people.in_scope, url) == ["dibao", "veteran"], url
        assert tags(people.read_only, url) == ["veteran"], url
    reader = session(people.read_only)
    hidden = reader.get(f"/api/v1/regions/{VILLAGE}/residents?tag=dibao", headers=ENGLISH)
    unknown = reader.get(f"/api/v1/regions/{VILLAGE}/residents?tag=nothing", headers=ENGLISH)
    assert hidden.status_code == unknown.status_code == 422
    assert hidden.json()["errors"][0]["message"] == unknown.json()["errors"][0]["message"]


# Filters and search


def test_the_lists_filter_by_group_tag_status_age_and_name(
    county: County, people: ThreePeople
) -> None:
    young = family(county, 1, head_name="王建国", head_birth=datetime.date(1990, 1, 1), members=[])
    old = family(county, 2, head_name="赵德明", head_birth=datetime.date(1940, 1, 1), members=[])
    resident_set_tags(
        actor=county.admin, resident=head_of(old), tags=[Tag.objects.get(code="old_party_member")]
    )
    send(session(people.in_scope), "patch", f"/api/v1/households/{young.pk}", {"group": GROUP})
    client = session(people.in_scope)

    def households(query: str) -> list[str]:
        response = client.get(f"/api/v1/regions/{VILLAGE}/households?{query}")
        assert response.status_code == 200, response.content
        return [h["household_no"] for h in response.json()["items"]]

    def residents(query: str, code: str = VILLAGE) -> list[str]:
        response = client.get(f"/api/v1/regions/{code}/residents?{query}")
        assert response.status_code == 200, response.content
        return [r["name"] for r in response.json()["items"]]

    assert households("") == ["001", "002"]
    assert households("age_band=60%2B") == ["002"]
    assert households("tag=old_party_member") == ["002"]
    assert households(f"group={GROUP}") == ["001"]
    assert households("q=wjg") == ["001"]
    assert households("status=moved_out") == []
    assert residents("age_band=18-59") == ["王建国"]
    assert residents("tag=old_party_member") == ["赵德明"]
    assert residents(f"group={GROUP}") == ["王建国"]
    assert residents("q=zhao") == ["赵德明"]
    assert residents("status=living&offset=1") == ["赵德明"]
    township = client.get(f"/api/v1/regions/{county.township.code}/residents")
    assert township.status_code == 404, "the secretary does not see the township"


def test_the_township_sees_the_residents_of_all_its_villages(county: County) -> None:
    leader = make_user(county, "township", Role.TOWNSHIP_LEADER, county.township)
    family(county, 1, members=[])
    register_family(county.admin, county.neighbour, "001", head_name="柳大山", members=[])
    register_family(county.admin, county.far_village, "001", head_name="白远方", members=[])

    response = session(leader).get(f"/api/v1/regions/{county.township.code}/residents")

    assert [r["name"] for r in response.json()["items"]] == ["杨德福", "柳大山"]


def test_the_search_finds_residents_in_the_callers_scope_only(
    county: County, people: ThreePeople
) -> None:
    head = head_of(family(county, 1, head_name="曾国华"))
    register_family(county.admin, county.neighbour, "001", head_name="曾国强")
    client = session(people.in_scope)

    def found(query: str) -> list[str]:
        response = client.get(f"/api/v1/residents/search?{query}")
        assert response.status_code == 200, response.content
        return [r["name"] for r in response.json()["items"]]

    assert found("q=zeng") == ["曾国华"]
    read_as = client.get("/api/v1/residents/search?q=zeng").json()
    assert (read_as["kinds"], read_as["more"]) == (["pinyin", "initials"], False)
    assert found("q=zgh") == ["曾国华"]
    assert found(f"q={head.id_number[-4:]}") == ["曾国华"]
    assert found(f"q=曾&region={VILLAGE}") == ["曾国华"]
    assert client.get("/api/v1/residents/search?q=曾&region=530199100202").status_code == 404
    empty = client.get("/api/v1/residents/search?q=", headers=ENGLISH)
    assert empty.status_code == 422 and fields(empty) == ["q"]


# Costs


@pytest.mark.parametrize("households", [3, 30])
def test_the_household_list_costs_the_same_queries_for_3_or_30_rows(
    county: County, people: ThreePeople, households: int, django_assert_num_queries: Any
) -> None:
    for number in range(households):
        family(county, number)
    client = session(people.in_scope)

    # session, user, the user's posts, the region, the count, the page (with head and group)
    with django_assert_num_queries(6):
        response = client.get(f"/api/v1/regions/{VILLAGE}/households?limit=500")

    assert response.json()["count"] == len(response.json()["items"]) == households


@pytest.mark.parametrize("households", [3, 30])
def test_the_resident_list_costs_the_same_queries_for_3_or_30_households(
    county: County, people: ThreePeople, households: int, django_assert_num_queries: Any
) -> None:
    veteran = Tag.objects.get(code="veteran")
    for number in range(households):
        resident_set_tags(
            actor=county.admin, resident=head_of(family(county, number)), tags=[veteran]
        )
    client = session(people.in_scope)

    # session, user, posts, the region, the count, the page (with households), the tags
    with django_assert_num_queries(7):
        response = client.get(f"/api/v1/regions/{VILLAGE}/residents?limit=500")

    assert response.json()["count"] == len(response.json()["items"]) == 3 * households


def test_the_household_detail_costs_the_same_queries_for_a_small_or_large_family(
    county: County, people: ThreePeople, django_assert_num_queries: Any
) -> None:
    small = family(county, 1, members=[])
    children = [
        {
            "name": f"杨小{n}",
            "id_number": make_id_number(datetime.date(2000 + n, 1, 2), sequence=40 + n),
            "relation": "son",
        }
        for n in range(12)
    ]
    large = family(county, 2, members=children)
    client = session(people.in_scope)

    with django_assert_num_queries(6) as few:
        client.get(f"/api/v1/households/{small.pk}")
    with django_assert_num_queries(len(few.captured_queries)):
        body = client.get(f"/api/v1/households/{large.pk}").json()
    assert len(body["members"]) == 13


# Tokens and the description


def test_a_device_with_a_token_registers_a_household_without_a_csrf_token(
    county: County, people: ThreePeople
) -> None:
    _token, raw = api_token_create(actor=people.in_scope, name="phone")
    device = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {raw}"})

    created = send(device, "post", f"/api/v1/villages/{VILLAGE}/households", registration())
    listed = device.get(f"/api/v1/regions/{VILLAGE}/households")

    assert created.status_code == 201, created.content
    assert listed.json()["count"] == 1
    assert Event.objects.get(action="registry.household_register").actor == people.in_scope
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(people.in_scope)
    refused = send(browser, "post", f"/api/v1/villages/{VILLAGE}/households", registration())
    assert refused.status_code == 403, "a session write needs its CSRF token"
    assert Household.objects.count() == 1


def test_the_openapi_description_lists_the_register(db: None) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/regions/{code}/households",
        "/api/v1/villages/{code}/households",
        "/api/v1/households/{household_id}",
        "/api/v1/households/{household_id}/members",
        "/api/v1/regions/{code}/residents",
        "/api/v1/residents/search",
        "/api/v1/residents/{resident_id}",
        "/api/v1/residents/{resident_id}/reveal",
    ):
        assert path in paths, path
