"""The API's changes of households and people: head, move, split, merge, transfer, tags, status.

Each endpoint as the three people (404 outside the scope, 403 for the reader, the change for the
cadre), the audit event it leaves, and the input it refuses as a 422 naming the field, having
changed nothing.
"""

import datetime
import json
from typing import Any

import pytest
from django.test import Client

from cunzhi.accounts.models import Role, User
from cunzhi.accounts.permissions import REVEAL_PERSONAL, ROLE_PERMISSIONS
from cunzhi.accounts.testing import County, ThreePeople, make_user
from cunzhi.audit.models import Event
from cunzhi.registry.identity import mask_id_number
from cunzhi.registry.models import Household, HouseholdStatus, Resident, ResidentStatus, Tag
from cunzhi.registry.services import household_merge, resident_set_tags
from cunzhi.registry.testing import family, head_of, member, township_staff

ENGLISH = {"Accept-Language": "en"}

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def session(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def send(client: Client, method: str, url: str, data: Any) -> Any:
    return getattr(client, method)(
        url, json.dumps(data), content_type="application/json", headers=ENGLISH
    )


def errors(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 422, (response.status_code, response.content)
    found: dict[str, list[str]] = {}
    for error in response.json()["errors"]:
        found.setdefault(error["field"], []).append(error["message"])
    return found


def events(action: str) -> list[Event]:
    return list(Event.objects.filter(action=f"registry.{action}").order_by("pk"))


def refused_to_reader_and_outsider(
    people: ThreePeople, method: str, url: str, body: dict[str, Any] | list[Any]
) -> None:
    assert send(session(people.outsider), method, url, body).status_code == 404, url
    assert send(session(people.read_only), method, url, body).status_code == 403, url


# 变更户主


def test_the_cadre_changes_the_head_and_the_answer_is_the_masked_household(
    county: County, people: ThreePeople
) -> None:
    household = family(county, 1)
    old, daughter = head_of(household), member(household, "daughter")
    url = f"/api/v1/households/{household.pk}/head"
    body = {"head": daughter.pk, "old_head_relation": "father"}
    refused_to_reader_and_outsider(people, "post", url, body)
    assert head_of(household) == old and not events("household_set_head")

    response = send(session(people.in_scope), "post", url, body)

    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["head_id"] == daughter.pk
    assert [(m["name"], m["relation"]) for m in answer["members"]] == [
        ("杨小梅", "head"),
        ("杨德福", "father"),
        ("李春兰", "spouse"),
    ]
    assert answer["members"][0]["id_number"] == mask_id_number(daughter.id_number)
    assert daughter.id_number not in response.content.decode()
    [event] = events("household_set_head")
    assert (event.actor, event.object_id) == (people.in_scope, str(household.pk))
    assert event.data["changes"] == {"head": ["杨德福", "杨小梅"]}


@pytest.mark.parametrize(
    ("what", "body", "field"),
    [
        ("a member of another household", lambda h, o: {"head": o["spouse"]}, "head"),
        ("a resident that does not exist", lambda h, o: {"head": 999999}, "head"),
        ("the head already", lambda h, o: {"head": h["head"]}, "head"),
        (
            "the old head as a second head",
            lambda h, o: {"head": h["spouse"], "old_head_relation": "head"},
            "old_head_relation",
        ),
        ("no head", lambda h, o: {"old_head_relation": "father"}, "head"),
    ],
)
def test_a_bad_new_head_is_a_422_naming_the_field(
    county: County, people: ThreePeople, what: str, body: Any, field: str
) -> None:
    household, other = family(county, 1), family(county, 2)
    mine = {r.relation: r.pk for r in household.members.all()}
    theirs = {r.relation: r.pk for r in other.members.all()}

    response = send(
        session(people.in_scope),
        "post",
        f"/api/v1/households/{household.pk}/head",
        body(mine, theirs),
    )

    assert list(errors(response)) == [field], what
    assert head_of(household).pk == mine["head"], what
    assert not events("household_set_head"), what


# 迁户


def test_the_cadre_moves_a_person_and_the_answer_is_the_resident(
    county: County, people: ThreePeople
) -> None:
    household, other = family(county, 1), family(county, 2)
    daughter = member(household, "daughter")
    url = f"/api/v1/residents/{daughter.pk}/move"
    body = {"to": other.pk, "relation": "daughter_in_law"}
    refused_to_reader_and_outsider(people, "post", url, body)
    assert Resident.objects.get(pk=daughter.pk).household == household

    response = send(session(people.in_scope), "post", url, body)

    assert response.status_code == 200, response.content
    answer = response.json()
    assert (answer["household_id"], answer["household_no"], answer["relation"]) == (
        other.pk,
        "002",
        "daughter_in_law",
    )
    assert answer["id_number"] == mask_id_number(daughter.id_number)
    event, left, joined = events("resident_move")
    assert (event.actor, event.object_id) == (people.in_scope, str(daughter.pk))
    assert event.data == {"from": [county.village.code, "001"], "to": [county.village.code, "002"]}
    # Both households' histories show it.
    assert (left.object_type, left.object_id) == ("registry.household", str(household.pk))
    assert left.data == {"resident": daughter.name, "to": [county.village.code, "002"]}
    assert (joined.object_id, joined.data["from"]) == (str(other.pk), [county.village.code, "001"])


def test_a_township_cadre_moves_a_person_to_another_village(county: County) -> None:
    household = family(county, 1)
    there = family(county, 5, village=county.neighbour)
    spouse = member(household, "spouse")

    response = send(
        session(township_staff(county)),
        "post",
        f"/api/v1/residents/{spouse.pk}/move",
        {"to": there.pk, "relation": "sibling"},
    )

    assert response.status_code == 200, response.content
    assert response.json()["region_code"] == county.neighbour.code
    spouse.refresh_from_db()
    assert (spouse.household, spouse.region_code) == (there, county.neighbour.code)


@pytest.mark.parametrize(
    ("what", "target", "relation", "field", "message"),
    [
        (
            "a household of a village outside the scope",
            "elsewhere",
            "other",
            "to",
            "There is no such household in a village whose register you keep.",
        ),
        (
            "a household that does not exist",
            "nowhere",
            "other",
            "to",
            "There is no such household in a village whose register you keep.",
        ),
        (
            "the own household",
            "own",
            "other",
            "to",
            "This person is already a member of that household.",
        ),
        (
            "as a second head",
            "other",
            "head",
            "relation",
            "A household has one head; change the head instead.",
        ),
    ],
)
def test_a_move_that_cannot_be_made_is_a_422_naming_the_field(
    county: County,
    people: ThreePeople,
    what: str,
    target: str,
    relation: str,
    field: str,
    message: str,
) -> None:
    household, other = family(county, 1), family(county, 2)
    elsewhere = family(county, 3, village=county.neighbour)
    daughter = member(household, "daughter")
    to = {"elsewhere": elsewhere.pk, "nowhere": 999999, "own": household.pk, "other": other.pk}

    response = send(
        session(people.in_scope),
        "post",
        f"/api/v1/residents/{daughter.pk}/move",
        {"to": to[target], "relation": relation},
    )

    assert errors(response) == {field: [message]}, what
    assert Resident.objects.get(pk=daughter.pk).household_id == household.pk, what
    assert not events("resident_move"), what


def test_moving_the_head_out_is_a_422(county: County, people: ThreePeople) -> None:
    household, other = family(county, 1), family(county, 2)
    head = head_of(household)

    response = send(
        session(people.in_scope),
        "post",
        f"/api/v1/residents/{head.pk}/move",
        {"to": other.pk, "relation": "other"},
    )

    assert errors(response) == {
        "resident": ["Choose a new head of household before moving the head out."]
    }
    assert Resident.objects.get(pk=head.pk).household_id == household.pk
    assert not events("resident_move")


# 分户


def test_the_cadre_splits_off_a_household_and_gets_it_back_with_a_201(
    county: County, people: ThreePeople
) -> None:
    household = family(county, 1)
    spouse, daughter = member(household, "spouse"), member(household, "daughter")
    url = f"/api/v1/households/{household.pk}/split"
    body = {"members": [spouse.pk, daughter.pk], "head": daughter.pk, "household_no": "009"}
    refused_to_reader_and_outsider(people, "post", url, body)
    assert Household.objects.count() == 1

    response = send(session(people.in_scope), "post", url, body)

    assert response.status_code == 201, response.content
    answer = response.json()
    new = Household.objects.get(household_no="009")
    assert (answer["id"], answer["household_no"], answer["head_id"]) == (new.pk, "009", daughter.pk)
    assert [(m["name"], m["relation"]) for m in answer["members"]] == [
        ("杨小梅", "head"),
        ("李春兰", "spouse"),
    ]
    assert list(household.members.values_list("name", flat=True)) == ["杨德福"]
    # Both households' histories keep the split.
    event, left_behind = events("household_split")
    assert (event.actor, event.object_id) == (people.in_scope, str(new.pk))
    assert event.data == {"from": "001", "members": ["李春兰", "杨小梅"]}
    assert left_behind.object_id == str(household.pk)
    assert left_behind.data == {"to": "009", "members": ["李春兰", "杨小梅"]}


@pytest.mark.parametrize(
    ("what", "body", "field", "message"),
    [
        (
            "a number already taken",
            lambda h, o: {"members": [h["daughter"]], "head": h["daughter"], "household_no": "002"},
            "household_no",
            "Household number 002 is already used in this village.",
        ),
        (
            "the head splitting off",
            lambda h, o: {
                "members": [h["head"], h["daughter"]],
                "head": h["daughter"],
                "household_no": "009",
            },
            "members",
            "The head stays; choose a new head first if the head leaves.",
        ),
        (
            "a member of another household",
            lambda h, o: {
                "members": [h["daughter"], o["spouse"]],
                "head": h["daughter"],
                "household_no": "009",
            },
            "members",
            "Every member who leaves must be of this household.",
        ),
        (
            "a head who does not leave",
            lambda h, o: {"members": [h["daughter"]], "head": h["spouse"], "household_no": "009"},
            "head",
            "The new head must be one of the members who leave.",
        ),
        (
            "nobody leaving",
            lambda h, o: {"members": [], "head": h["daughter"], "household_no": "009"},
            "members",
            "List should have at least 1 item after validation, not 0",
        ),
        (
            "an empty number",
            lambda h, o: {"members": [h["daughter"]], "head": h["daughter"], "household_no": ""},
            "household_no",
            "Ensure this value has at least 1 characters.",
        ),
    ],
)
def test_a_split_that_cannot_be_made_is_a_422_and_changes_nothing(
    county: County, people: ThreePeople, what: str, body: Any, field: str, message: str
) -> None:
    household, other = family(county, 1), family(county, 2)
    mine = {r.relation: r.pk for r in household.members.all()}
    theirs = {r.relation: r.pk for r in other.members.all()}

    response = send(
        session(people.in_scope),
        "post",
        f"/api/v1/households/{household.pk}/split",
        body(mine, theirs),
    )

    assert errors(response) == {field: [message]}, what
    assert Household.objects.count() == 2, what
    assert household.members.count() == other.members.count() == 3, what
    assert not events("household_split"), what


# 合户


def test_the_cadre_merges_a_household_and_gets_the_one_it_joined(
    county: County, people: ThreePeople
) -> None:
    household, into = family(county, 1), family(county, 2, head_name="王建国")
    url = f"/api/v1/households/{household.pk}/merge"
    refused_to_reader_and_outsider(people, "post", url, {"into": into.pk})
    assert Household.objects.get(pk=household.pk).status == HouseholdStatus.ACTIVE

    response = send(session(people.in_scope), "post", url, {"into": into.pk})

    assert response.status_code == 200, response.content
    answer = response.json()
    assert (answer["id"], answer["head_id"], len(answer["members"])) == (
        into.pk,
        head_of(into).pk,
        6,
    )
    household.refresh_from_db()
    assert (household.status, household.head_id) == (HouseholdStatus.MERGED, None)
    event, merged = events("household_merge")
    assert (event.actor, event.object_id) == (people.in_scope, str(into.pk))
    assert event.data["source"] == [county.village.code, "001"]
    # The merged household's own history says where its people went.
    assert merged.object_id == str(household.pk)
    assert merged.data["into"] == [county.village.code, into.household_no]
    # A merged household is done: merging it again is refused.
    again = send(session(people.in_scope), "post", url, {"into": into.pk})
    assert list(errors(again)) == ["__all__"]


@pytest.mark.parametrize(
    ("what", "target", "message"),
    [
        ("itself", "self", "A household cannot merge into itself."),
        (
            "a household of another village in the scope",
            "neighbour",
            "A household merges into another household of the same village.",
        ),
        (
            "a household outside the scope",
            "far",
            "There is no such household in a village whose register you keep.",
        ),
        (
            "a merged household",
            "merged",
            "Household 003 is no longer registered (Merged into another household).",
        ),
    ],
)
def test_a_merge_that_cannot_be_made_is_a_422_on_into(
    county: County, what: str, target: str, message: str
) -> None:
    staff = township_staff(county)
    household, into, merged = family(county, 1), family(county, 2), family(county, 3)
    household_merge(actor=county.admin, source=merged, into=into)
    targets = {
        "self": household.pk,
        "neighbour": family(county, 4, village=county.neighbour).pk,
        "far": family(county, 5, village=county.far_village).pk,
        "merged": merged.pk,
    }

    response = send(
        session(staff),
        "post",
        f"/api/v1/households/{household.pk}/merge",
        {"into": targets[target]},
    )

    assert errors(response) == {"into": [message]}, what
    household.refresh_from_db()
    assert household.status == HouseholdStatus.ACTIVE and household.members.count() == 3, what
    assert len(events("household_merge")) == 2, what  # the setup's merge, on both households


# 迁移


def test_a_township_cadre_transfers_a_household_and_the_village_secretary_may_not(
    county: County, people: ThreePeople
) -> None:
    household = family(county, 1)
    url = f"/api/v1/households/{household.pk}/transfer"
    body = {"village": county.neighbour.code, "household_no": "101"}
    refused_to_reader_and_outsider(people, "post", url, body)
    # The secretary keeps only their own village: the neighbour's code is not one they may use.
    assert errors(send(session(people.in_scope), "post", url, body)) == {
        "village": ["There is no village with this code whose register you keep."]
    }
    staff = township_staff(county)

    response = send(session(staff), "post", url, body)

    assert response.status_code == 200, response.content
    answer = response.json()
    assert (answer["region_code"], answer["household_no"], answer["region_name"]) == (
        county.neighbour.code,
        "101",
        "柳溪村",
    )
    assert {m["region_code"] for m in answer["members"]} == {county.neighbour.code}
    assert set(Resident.objects.values_list("region_code", flat=True)) == {county.neighbour.code}
    [event] = events("household_transfer")
    assert (event.actor, event.object_id) == (staff, str(household.pk))
    assert event.data == {
        "from": [county.village.code, "001"],
        "to": [county.neighbour.code, "101"],
    }


@pytest.mark.parametrize(
    ("what", "body", "field", "message"),
    [
        (
            "the same village",
            {"village": "530199100201"},
            "village",
            "The household is already in this village; choose another village.",
        ),
        (
            "a village outside the scope",
            {"village": "530199101201"},
            "village",
            "There is no village with this code whose register you keep.",
        ),
        (
            "a code that does not exist",
            {"village": "530199100299"},
            "village",
            "There is no village with this code whose register you keep.",
        ),
        (
            "a number taken there",
            {"village": "530199100202", "household_no": "002"},
            "household_no",
            "Household number 002 is already used in this village.",
        ),
    ],
)
def test_a_transfer_that_cannot_be_made_is_a_422_and_changes_nothing(
    county: County, what: str, body: dict[str, str], field: str, message: str
) -> None:
    household = family(county, 1)
    family(county, 2, village=county.neighbour)

    response = send(
        session(township_staff(county)), "post", f"/api/v1/households/{household.pk}/transfer", body
    )

    assert errors(response) == {field: [message]}, what
    household.refresh_from_db()
    assert (household.region_code, household.household_no) == (county.village.code, "001"), what
    assert not events("household_transfer"), what


# Tags


def test_the_cadre_replaces_a_residents_tags_and_the_trace_names_the_change(
    county: County, people: ThreePeople
) -> None:
    head = head_of(family(county, 1))
    resident_set_tags(actor=county.admin, resident=head, tags=[Tag.objects.get(code="dibao")])
    url = f"/api/v1/residents/{head.pk}/tags"
    refused_to_reader_and_outsider(people, "put", url, {"tags": ["veteran"]})
    assert set(head.tags.values_list("code", flat=True)) == {"dibao"}

    response = send(session(people.in_scope), "put", url, {"tags": ["veteran", "teacher"]})

    assert response.status_code == 200, response.content
    assert [t["code"] for t in response.json()["tags"]] == ["veteran", "teacher"]
    assert set(head.tags.values_list("code", flat=True)) == {"veteran", "teacher"}
    [event] = events("resident_set_tags")[1:]
    assert event.actor == people.in_scope
    assert (event.data["added"], event.data["removed"]) == (["teacher", "veteran"], ["dibao"])
    cleared = send(session(people.in_scope), "put", url, {"tags": []})
    assert cleared.status_code == 200 and cleared.json()["tags"] == []
    assert not head.tags.exists()


def test_a_sensitive_tag_is_unknown_to_a_cadre_who_may_not_see_it_and_is_kept(
    county: County, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A keeper of the register without the reveal permission (no role is so today).
    monkeypatch.setitem(
        ROLE_PERMISSIONS,
        Role.VILLAGE_COMMITTEE_MEMBER,
        ROLE_PERMISSIONS[Role.VILLAGE_COMMITTEE_MEMBER] - REVEAL_PERSONAL,
    )
    clerk = make_user(county, "clerk", Role.VILLAGE_COMMITTEE_MEMBER, county.village)
    head = head_of(family(county, 1))
    resident_set_tags(actor=county.admin, resident=head, tags=[Tag.objects.get(code="disabled")])
    url = f"/api/v1/residents/{head.pk}/tags"
    client = session(clerk)

    hidden = send(client, "put", url, {"tags": ["veteran", "dibao"]})
    unknown = send(client, "put", url, {"tags": ["veteran", "no-such-tag"]})

    assert errors(hidden) == {"tags": ["There is no such tag: dibao."]}
    assert errors(unknown) == {"tags": ["There is no such tag: no-such-tag."]}
    assert set(head.tags.values_list("code", flat=True)) == {"disabled"}
    # Tags the clerk cannot see stay on the resident and out of the answer.
    response = send(client, "put", url, {"tags": ["veteran"]})
    assert response.status_code == 200, response.content
    assert [t["code"] for t in response.json()["tags"]] == ["veteran"]
    assert set(head.tags.values_list("code", flat=True)) == {"disabled", "veteran"}
    assert events("resident_set_tags")[-1].data == {"added": ["veteran"], "removed": []}


def test_a_bad_tags_body_is_a_422(county: County, people: ThreePeople) -> None:
    head = head_of(family(county, 1))
    client = session(people.in_scope)
    url = f"/api/v1/residents/{head.pk}/tags"
    assert list(errors(send(client, "put", url, ["veteran"]))) == ["__all__"]
    assert list(errors(send(client, "put", url, {"tags": "veteran"}))) == ["tags"]
    assert list(errors(send(client, "put", url, {"tags": ["vet\x00eran"]}))) == ["tags"]
    assert not head.tags.exists() and not events("resident_set_tags")


# Status


def test_the_cadre_records_a_death_and_a_return(county: County, people: ThreePeople) -> None:
    spouse = member(family(county, 1), "spouse")
    url = f"/api/v1/residents/{spouse.pk}/status"
    body = {"status": "deceased", "since": "2026-01-03"}
    refused_to_reader_and_outsider(people, "post", url, body)
    assert Resident.objects.get(pk=spouse.pk).status == ResidentStatus.LIVING

    response = send(session(people.in_scope), "post", url, body)

    assert response.status_code == 200, response.content
    answer = response.json()
    assert (answer["status"], answer["status_label"], answer["status_since"]) == (
        "deceased",
        "Deceased",
        "2026-01-03",
    )
    spouse.refresh_from_db()
    assert (spouse.status, spouse.status_since) == ("deceased", datetime.date(2026, 1, 3))
    [event] = events("resident_update")
    assert event.actor == people.in_scope
    assert event.data["changes"] == {
        "status": ["living", "deceased"],
        "status_since": [None, "2026-01-03"],
    }


def test_a_bad_status_is_a_422_naming_the_field(county: County, people: ThreePeople) -> None:
    spouse = member(family(county, 1), "spouse")
    client = session(people.in_scope)
    url = f"/api/v1/residents/{spouse.pk}/status"
    for body, field in [
        ({"status": "vanished", "since": "2026-01-03"}, "status"),
        ({"status": "moved_out"}, "since"),
        ({"status": "moved_out", "since": "2026-02-30"}, "since"),
        ({"status": "moved_out", "since": "2026-01-03", "reason": "x"}, "reason"),
    ]:
        assert list(errors(send(client, "post", url, body))) == [field], body
    assert Resident.objects.get(pk=spouse.pk).status == ResidentStatus.LIVING
    assert not events("resident_update")


def test_the_openapi_description_lists_the_new_endpoints(db: None) -> None:
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert set(paths["/api/v1/residents/{resident_id}/tags"]) == {"put"}
    for path in (
        "/api/v1/households/{household_id}/head",
        "/api/v1/households/{household_id}/split",
        "/api/v1/households/{household_id}/merge",
        "/api/v1/households/{household_id}/transfer",
        "/api/v1/residents/{resident_id}/move",
        "/api/v1/residents/{resident_id}/status",
    ):
        assert set(paths[path]) == {"post"}, path
