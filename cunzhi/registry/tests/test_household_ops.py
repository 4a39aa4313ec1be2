"""The pages that change households: the head, moves, split, merge and transfer.

变更户主, 迁户, 分户, 合户, 迁移: each page calls one service; what a cadre gets wrong comes back
on the field it is about and changes nothing; a reader sees no button and gets a 403; a cadre of
another village gets a 404.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from cunzhi.accounts.models import User
from cunzhi.accounts.testing import County, ThreePeople, assert_three_people_scoping
from cunzhi.audit.models import Event
from cunzhi.registry.models import Household, HouseholdStatus, Resident, TenHouseholdGroup
from cunzhi.registry.services import (
    household_merge,
    household_set_head,
    household_split,
    household_transfer,
    resident_move,
    resident_set_status,
    ten_group_save,
)
from cunzhi.registry.testing import family, head_of, member, township_staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def session(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_errors(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 200, response.status_code
    return {k: [str(m) for m in v] for k, v in response.context["form"].errors.items()}


def ops_events() -> list[str]:
    return list(
        Event.objects.filter(
            action__in=[
                "registry.household_set_head",
                "registry.resident_move",
                "registry.household_split",
                "registry.household_merge",
                "registry.household_transfer",
            ]
        ).values_list("action", flat=True)
    )


# Buttons


def test_the_cadre_sees_the_buttons_and_the_reader_sees_none(
    county: County, people: ThreePeople
) -> None:
    household = family(county, 1)
    spouse = member(household, "spouse")
    pages = [
        reverse(name, args=[household.pk])
        for name in (
            "registry:household_head",
            "registry:household_split",
            "registry:household_merge",
            "registry:household_transfer",
        )
    ]
    household_url = reverse("registry:household", args=[household.pk])
    cadre = session(people.in_scope).get(household_url).content.decode()
    reader = session(people.read_only).get(household_url).content.decode()
    township = session(township_staff(county)).get(household_url).content.decode()
    for url in pages:
        # The village secretary keeps no other village: no household of theirs can move to one.
        assert (url in cadre) == (not url.endswith("/transfer/")), url
        assert url in township, url
        assert url not in reader, url
        assert session(people.read_only).get(url).status_code == 403, url
        assert session(people.outsider).get(url).status_code == 404, url
        assert session(people.in_scope).get(url).status_code == 200, url

    move = reverse("registry:resident_move", args=[spouse.pk])
    spouse_page = reverse("registry:resident", args=[spouse.pk])
    head_page = reverse("registry:resident", args=[head_of(household).pk])
    assert move in session(people.in_scope).get(spouse_page).content.decode()
    assert move not in session(people.read_only).get(spouse_page).content.decode()
    assert "/move/" not in session(people.in_scope).get(head_page).content.decode(), (
        "the head moves only after another member has become the head"
    )


def test_a_household_of_one_offers_no_new_head_and_no_split(
    county: County, people: ThreePeople
) -> None:
    alone = family(county, 1, members=[])
    body = session(people.in_scope).get(reverse("registry:household", args=[alone.pk]))
    page = body.content.decode()
    assert reverse("registry:household_head", args=[alone.pk]) not in page
    assert reverse("registry:household_split", args=[alone.pk]) not in page
    assert reverse("registry:household_merge", args=[alone.pk]) in page


def test_a_merged_household_offers_no_changes(county: County, people: ThreePeople) -> None:
    source, into = family(county, 1), family(county, 2)
    household_merge(actor=county.admin, source=source, into=into)
    page = session(people.in_scope).get(reverse("registry:household", args=[source.pk]))
    body = page.content.decode()
    for name in ("household_head", "household_split", "household_merge", "household_transfer"):
        assert reverse(f"registry:{name}", args=[source.pk]) not in body, name


# 变更户主


def test_the_head_page_is_scoped_to_three_people(county: County, people: ThreePeople) -> None:
    household = family(county, 1)
    spouse = member(household, "spouse")
    assert_three_people_scoping(
        people,
        household,
        page_url=reverse("registry:household", args=[household.pk]),
        edit_url=reverse("registry:household_head", args=[household.pk]),
        edit_data={"head": spouse.pk, "old_head_relation": "spouse"},
        changed=lambda: Household.objects.get(pk=household.pk).head_id == spouse.pk,
    )


def test_a_cadre_changes_the_head_and_the_old_head_takes_a_relation(
    county: County, people: ThreePeople
) -> None:
    household = family(county, 1)
    old = head_of(household)
    daughter = member(household, "daughter")
    response = session(people.in_scope).post(
        reverse("registry:household_head", args=[household.pk]),
        {"head": daughter.pk, "old_head_relation": "father"},
        follow=True,
    )
    assert response.redirect_chain == [(household.get_absolute_url(), 302)]
    assert "杨小梅 is now the head of the household." in response.content.decode()
    assert head_of(household) == daughter
    old.refresh_from_db()
    daughter.refresh_from_db()
    assert (old.relation, daughter.relation) == ("father", "head")
    event = Event.objects.get(action="registry.household_set_head")
    assert (event.actor, event.object_id) == (people.in_scope, str(household.pk))
    assert event.data == {
        "changes": {"head": ["杨德福", "杨小梅"]},
        "old_head_relation": "father",
    }


def test_a_new_head_from_another_household_or_a_head_relation_is_a_field_error(
    county: County, people: ThreePeople
) -> None:
    household, other = family(county, 1), family(county, 2)
    stranger = member(other, "spouse")
    url = reverse("registry:household_head", args=[household.pk])
    client = session(people.in_scope)
    errors = form_errors(client.post(url, {"head": stranger.pk, "old_head_relation": "other"}))
    assert list(errors) == ["head"]
    errors = form_errors(
        client.post(url, {"head": member(household, "spouse").pk, "old_head_relation": "head"})
    )
    assert list(errors) == ["old_head_relation"]
    assert head_of(household).name == "杨德福" and not ops_events()


def test_the_service_refuses_the_current_head_and_a_deceased_member(county: County) -> None:
    household = family(county, 1)
    spouse = member(household, "spouse")
    with pytest.raises(ValidationError) as error:
        household_set_head(actor=county.admin, household=household, resident=head_of(household))
    assert error.value.message_dict["head"] == ["This person is already the head of the household."]
    resident_set_status(
        actor=county.admin, resident=spouse, status="deceased", since=datetime.date(2026, 1, 3)
    )
    with pytest.raises(ValidationError) as error:
        household_set_head(actor=county.admin, household=household, resident=spouse)
    assert error.value.message_dict["head"] == ["The new head must be living here."]
    # A deceased member is not offered on the page either.
    form = session(county.admin).get(reverse("registry:household_head", args=[household.pk]))
    assert [r.name for r in form.context["form"].fields["head"].queryset] == ["杨小梅"]
    assert not ops_events()


# 迁户


def test_the_move_page_is_scoped_to_three_people(county: County, people: ThreePeople) -> None:
    household, other = family(county, 1), family(county, 2)
    daughter = member(household, "daughter")
    assert_three_people_scoping(
        people,
        daughter,
        page_url=reverse("registry:resident", args=[daughter.pk]),
        edit_url=reverse("registry:resident_move", args=[daughter.pk]),
        edit_data={"village": county.village.code, "household_no": "002", "relation": "other"},
        changed=lambda: Resident.objects.get(pk=daughter.pk).household_id == other.pk,
    )


def test_a_cadre_moves_a_person_to_a_household_of_the_village_by_its_number(
    county: County, people: ThreePeople
) -> None:
    household, other = family(county, 1), family(county, 2, head_name="王建国")
    daughter = member(household, "daughter")
    url = reverse("registry:resident_move", args=[daughter.pk])
    client = session(people.in_scope)
    form = client.get(url)
    # The village's code is filled in and its other households are suggested with their heads.
    assert form.context["form"]["village"].value() == county.village.code
    assert '<option value="002">002 · 王建国</option>' in form.content.decode()
    assert '<option value="001">' not in form.content.decode()

    response = client.post(
        url, {"village": county.village.code, "household_no": "002", "relation": "daughter_in_law"}
    )

    assert response.status_code == 302
    assert response["Location"] == daughter.get_absolute_url()
    daughter.refresh_from_db()
    assert (daughter.household, daughter.relation) == (other, "daughter_in_law")
    assert household.members.count() == 2 and other.members.count() == 4
    event = Event.objects.get(action="registry.resident_move", object_type="registry.resident")
    assert (event.actor, event.object_id) == (people.in_scope, str(daughter.pk))
    assert event.data == {
        "from": [county.village.code, "001"],
        "to": [county.village.code, "002"],
    }


def test_a_township_cadre_moves_a_person_to_another_village_by_its_code(county: County) -> None:
    household = family(county, 1)
    there = family(county, 5, village=county.neighbour, head_name="柳大山")
    spouse = member(household, "spouse")
    staff = township_staff(county)

    response = session(staff).post(
        reverse("registry:resident_move", args=[spouse.pk]),
        {"village": county.neighbour.code, "household_no": "005", "relation": "sibling"},
    )

    assert response.status_code == 302
    spouse.refresh_from_db()
    assert (spouse.household, spouse.region_code) == (there, county.neighbour.code)
    moves = Event.objects.filter(action="registry.resident_move")
    assert moves.get(object_type="registry.resident").data["to"] == [
        county.neighbour.code,
        "005",
    ]


@pytest.mark.parametrize(
    ("what", "village", "number", "field", "message"),
    [
        (
            "a number nobody has",
            "530199100201",
            "999",
            "household_no",
            "There is no such household in a village whose register you keep.",
        ),
        (
            "a household of a village outside the scope",
            "530199100202",
            "002",
            "household_no",
            "There is no such household in a village whose register you keep.",
        ),
        (
            "a code that is not one",
            "abc",
            "002",
            "household_no",
            "There is no such household in a village whose register you keep.",
        ),
        (
            "the person's own household",
            "530199100201",
            "001",
            "household_no",
            "This person is already a member of that household.",
        ),
    ],
)
def test_a_move_to_a_household_that_cannot_be_used_is_a_field_error(
    county: County,
    people: ThreePeople,
    what: str,
    village: str,
    number: str,
    field: str,
    message: str,
) -> None:
    household = family(county, 1)
    family(county, 2, village=county.neighbour)  # 柳溪村 002: the secretary's neighbour's
    daughter = member(household, "daughter")

    response = session(people.in_scope).post(
        reverse("registry:resident_move", args=[daughter.pk]),
        {"village": village, "household_no": number, "relation": "other"},
    )

    assert form_errors(response) == {field: [message]}, what
    assert Resident.objects.get(pk=daughter.pk).household_id == household.pk, what
    assert not ops_events(), what


def test_moving_the_head_out_is_refused_until_another_member_heads_the_household(
    county: County, people: ThreePeople
) -> None:
    household = family(county, 1)
    family(county, 2)
    head = head_of(household)
    url = reverse("registry:resident_move", args=[head.pk])
    data = {"village": county.village.code, "household_no": "002", "relation": "other"}

    errors = form_errors(session(people.in_scope).post(url, data))

    assert errors == {"__all__": ["Choose a new head of household before moving the head out."]}
    assert Resident.objects.get(pk=head.pk).household_id == household.pk and not ops_events()


def test_a_person_whose_id_number_the_other_village_has_is_refused_by_name(county: County) -> None:
    household = family(county, 1)
    # The same people registered in 柳溪村 too (the same ID numbers): a duplicate to merge first.
    family(county, 1, village=county.neighbour, head_name="杨德福")
    family(county, 7, village=county.neighbour)
    spouse = member(household, "spouse")

    response = session(township_staff(county)).post(
        reverse("registry:resident_move", args=[spouse.pk]),
        {"village": county.neighbour.code, "household_no": "007", "relation": "other"},
    )

    assert form_errors(response) == {
        "household_no": [
            "李春兰's ID number is already registered in 柳溪村: 李春兰, household 001."
        ]
    }
    assert Resident.objects.get(pk=spouse.pk).region_code == county.village.code


def test_the_service_refuses_a_move_into_a_merged_household(county: County) -> None:
    household, merged, into = family(county, 1), family(county, 2), family(county, 3)
    household_merge(actor=county.admin, source=merged, into=into)
    merged.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        resident_move(actor=county.admin, resident=member(household, "daughter"), to=merged)
    assert error.value.message_dict["to"] == [
        "Household 002 is no longer registered (Merged into another household)."
    ]


# 分户


def test_the_split_page_is_scoped_to_three_people(county: County, people: ThreePeople) -> None:
    household = family(county, 1)
    daughter = member(household, "daughter")
    assert_three_people_scoping(
        people,
        household,
        page_url=reverse("registry:household", args=[household.pk]),
        edit_url=reverse("registry:household_split", args=[household.pk]),
        edit_data={"members": [daughter.pk], "head": daughter.pk, "household_no": "009"},
        changed=lambda: Household.objects.filter(household_no="009").exists(),
    )


def test_a_cadre_splits_off_a_new_household_with_its_own_head_and_number(
    county: County, people: ThreePeople
) -> None:
    household = family(county, 1, address="石板村中寨5号")
    family(county, 12)
    spouse, daughter = member(household, "spouse"), member(household, "daughter")
    url = reverse("registry:household_split", args=[household.pk])
    client = session(people.in_scope)
    form = client.get(url).context["form"]
    assert form["household_no"].value() == "013", "the next free number is suggested"
    assert [r.name for r in form.fields["members"].queryset] == ["李春兰", "杨小梅"]

    response = client.post(
        url, {"members": [spouse.pk, daughter.pk], "head": spouse.pk, "household_no": "013"}
    )

    new = Household.objects.get(household_no="013")
    assert response.status_code == 302 and response["Location"] == new.get_absolute_url()
    assert (new.head_id, new.address, new.region_code) == (
        spouse.pk,
        "石板村中寨5号",
        "530199100201",
    )
    assert set(new.members.values_list("name", "relation")) == {
        ("李春兰", "head"),
        ("杨小梅", "daughter"),
    }
    assert list(household.members.values_list("name", flat=True)) == ["杨德福"]
    event = Event.objects.get(action="registry.household_split", object_id=str(new.pk))
    assert event.actor == people.in_scope
    assert event.data == {"from": "001", "members": ["李春兰", "杨小梅"]}
    # The household left behind has the split in its history too.
    left = Event.objects.get(action="registry.household_split", object_id=str(household.pk))
    assert left.data == {"to": "013", "members": ["李春兰", "杨小梅"]}


@pytest.mark.parametrize(
    ("what", "data", "errors"),
    [
        (
            "a number already taken",
            lambda h, o: {"members": [h["daughter"]], "head": h["daughter"], "household_no": "002"},
            {"household_no": ["Household number 002 is already used in this village."]},
        ),
        (
            "a head who does not leave",
            lambda h, o: {"members": [h["daughter"]], "head": h["spouse"], "household_no": "009"},
            {"head": ["The new head must be one of the members who leave."]},
        ),
        (
            "the head splitting off",
            lambda h, o: {"members": [h["head"]], "head": h["head"], "household_no": "009"},
            "members",
        ),
        (
            "a member of another household",
            lambda h, o: {"members": [o["spouse"]], "head": o["spouse"], "household_no": "009"},
            "members",
        ),
        ("nobody chosen", lambda h, o: {"household_no": "009"}, "members"),
    ],
)
def test_a_split_that_cannot_be_made_is_a_field_error_and_changes_nothing(
    county: County, people: ThreePeople, what: str, data: Any, errors: Any
) -> None:
    household, other = family(county, 1), family(county, 2)
    ids = {r.relation: r.pk for r in household.members.all()}
    others = {r.relation: r.pk for r in other.members.all()}

    response = session(people.in_scope).post(
        reverse("registry:household_split", args=[household.pk]), data(ids, others)
    )

    found = form_errors(response)
    if isinstance(errors, str):
        assert errors in found, (what, found)
    else:
        assert found == errors, what
    assert Household.objects.count() == 2, what
    assert household.members.count() == 3 and other.members.count() == 3, what
    assert not ops_events(), what


def test_the_service_refuses_splitting_off_the_head_in_words(county: County) -> None:
    household = family(county, 1)
    head = head_of(household)
    with pytest.raises(ValidationError) as error:
        household_split(
            actor=county.admin,
            household=household,
            members=[head, member(household, "daughter")],
            household_no="009",
            head=member(household, "daughter"),
        )
    assert error.value.message_dict == {
        "members": ["The head stays; choose a new head first if the head leaves."]
    }


# 合户


def test_the_merge_page_is_scoped_to_three_people(county: County, people: ThreePeople) -> None:
    household, into = family(county, 1), family(county, 2)
    assert_three_people_scoping(
        people,
        household,
        page_url=reverse("registry:household", args=[household.pk]),
        edit_url=reverse("registry:household_merge", args=[household.pk]),
        edit_data={"into": "002"},
        changed=lambda: Household.objects.get(pk=household.pk).status == HouseholdStatus.MERGED,
    )
    assert into.members.count() == 6


def test_a_cadre_merges_a_household_into_another_of_the_village(
    county: County, people: ThreePeople
) -> None:
    household = family(county, 1, head_name="杨德福")
    into = family(county, 2, head_name="王建国")
    old_head = head_of(household)

    response = session(people.in_scope).post(
        reverse("registry:household_merge", args=[household.pk]), {"into": " 002 "}, follow=True
    )

    assert response.redirect_chain == [(into.get_absolute_url(), 302)]
    assert "Every member of household 001 joined household 002." in response.content.decode()
    household.refresh_from_db()
    assert (household.status, household.head_id) == (HouseholdStatus.MERGED, None)
    assert into.members.count() == 6 and head_of(into).name == "王建国"
    old_head.refresh_from_db()
    assert (old_head.household, old_head.relation) == (into, "other")
    merged = Event.objects.get(action="registry.household_merge", object_id=str(household.pk))
    assert merged.data["into"] == [county.village.code, "002"]
    event = Event.objects.get(action="registry.household_merge", object_id=str(into.pk))
    assert event.actor == people.in_scope
    assert event.data == {
        "source": [county.village.code, "001"],
        "members": ["杨德福", "李春兰", "杨小梅"],
    }


@pytest.mark.parametrize(
    ("what", "into", "message"),
    [
        ("itself", "001", "A household cannot merge into itself."),
        (
            "a number nobody has",
            "404",
            "There is no such household in a village whose register you keep.",
        ),
        (
            "a number only another village has",
            "005",
            "There is no such household in a village whose register you keep.",
        ),
    ],
)
def test_a_merge_into_a_household_that_cannot_be_used_is_a_field_error(
    county: County, people: ThreePeople, what: str, into: str, message: str
) -> None:
    household = family(county, 1)
    family(county, 5, village=county.neighbour)

    response = session(people.in_scope).post(
        reverse("registry:household_merge", args=[household.pk]), {"into": into}
    )

    assert form_errors(response) == {"into": [message]}, what
    household.refresh_from_db()
    assert household.status == HouseholdStatus.ACTIVE and household.members.count() == 3, what
    assert not ops_events(), what


def test_the_service_refuses_a_merge_across_villages_or_into_a_merged_household(
    county: County,
) -> None:
    household, merged, into = family(county, 1), family(county, 2), family(county, 3)
    elsewhere = family(county, 4, village=county.neighbour)
    with pytest.raises(ValidationError) as error:
        household_merge(actor=county.admin, source=household, into=elsewhere)
    assert error.value.message_dict["into"] == [
        "A household merges into another household of the same village."
    ]
    household_merge(actor=county.admin, source=merged, into=into)
    merged.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        household_merge(actor=county.admin, source=household, into=merged)
    assert "into" in error.value.message_dict
    assert household.members.count() == 3


# 迁移


def test_the_transfer_page_is_scoped_to_three_people(county: County, people: ThreePeople) -> None:
    household = family(county, 1)
    # The village secretary keeps only their own village: the township's staff moves households
    # between its villages. The reader and the other village's secretary are the usual two.
    movers = ThreePeople(
        in_scope=township_staff(county), read_only=people.read_only, outsider=people.outsider
    )
    assert_three_people_scoping(
        movers,
        household,
        page_url=reverse("registry:household", args=[household.pk]),
        edit_url=reverse("registry:household_transfer", args=[household.pk]),
        edit_data={"village": county.neighbour.code, "household_no": "101"},
        changed=lambda: Household.objects.get(pk=household.pk).region_code == county.neighbour.code,
    )


def test_a_township_cadre_moves_a_household_to_another_village(county: County) -> None:
    household = family(county, 1)
    lead = family(county, 2)
    ten_group_save(
        actor=county.admin,
        village=county.village,
        name="东片一组",
        households=[household, lead],
        lead_household=household,
    )
    staff = township_staff(county)
    url = reverse("registry:household_transfer", args=[household.pk])
    form = session(staff).get(url)
    suggested = [value for value, _label in form.context["form"].fields["village"].widget.options]
    assert suggested == [county.neighbour.code], "the villages the cadre keeps, not this one"

    response = session(staff).post(url, {"village": county.neighbour.code, "household_no": ""})

    assert response.status_code == 302 and response["Location"] == household.get_absolute_url()
    household.refresh_from_db()
    assert (household.region_code, household.household_no) == (county.neighbour.code, "001")
    assert (household.group_id, household.ten_household_group_id) == (None, None)
    assert set(household.members.values_list("region_code", flat=True)) == {county.neighbour.code}
    group = TenHouseholdGroup.objects.get(name="东片一组")
    assert list(group.households.all()) == [lead]
    assert group.lead_household is None, "it no longer leads a group here"
    event = Event.objects.get(action="registry.household_transfer")
    assert (event.actor, event.object_id) == (staff, str(household.pk))
    assert event.data == {
        "from": [county.village.code, "001"],
        "to": [county.neighbour.code, "001"],
    }


@pytest.mark.parametrize(
    ("what", "data", "errors"),
    [
        (
            "the same village",
            {"village": "530199100201"},
            {"village": ["The household is already in this village; choose another village."]},
        ),
        (
            "a village of another township",
            {"village": "530199101201"},
            {"village": ["There is no village with this code whose register you keep."]},
        ),
        (
            "a township's code",
            {"village": "530199100000"},
            {"village": ["There is no village with this code whose register you keep."]},
        ),
        (
            "a number taken there",
            {"village": "530199100202"},
            {"household_no": ["Household number 001 is already used in this village."]},
        ),
        (
            "people registered there already",
            {"village": "530199100202", "household_no": "077"},
            {
                "village": [
                    "杨德福's ID number is already registered in 柳溪村: 杨德福, household 001."
                ]
            },
        ),
    ],
)
def test_a_transfer_that_cannot_be_made_is_a_field_error_and_changes_nothing(
    county: County, what: str, data: dict[str, str], errors: dict[str, list[str]]
) -> None:
    household = family(county, 1)
    family(county, 1, village=county.neighbour)  # 柳溪村 001, the same people's ID numbers

    response = session(township_staff(county)).post(
        reverse("registry:household_transfer", args=[household.pk]),
        {"household_no": "", **data},
    )

    assert form_errors(response) == errors, what
    household.refresh_from_db()
    assert (household.region_code, household.household_no) == (county.village.code, "001"), what
    assert set(household.members.values_list("region_code", flat=True)) == {county.village.code}
    assert not ops_events(), what


def test_the_service_refuses_a_transfer_to_the_same_village(county: County) -> None:
    household = family(county, 1)
    with pytest.raises(ValidationError) as error:
        household_transfer(actor=county.admin, household=household, village=county.village)
    assert list(error.value.message_dict) == ["village"]
    assert not ops_events()


def test_the_split_pages_tick_boxes_are_a_fieldset_not_labels_inside_a_label(
    county: County, people: ThreePeople
) -> None:
    import re

    household = family(county, 1)
    url = reverse("registry:household_split", args=[household.pk])
    page = session(people.in_scope).get(url).content.decode()
    fieldset = re.search(r"<fieldset>\s*<legend>(.*?)</legend>(.*?)</fieldset>", page, re.S)
    assert fieldset is not None and "杨小梅" in fieldset.group(2)
    # Every <label> closes before the next one opens: no label holds another.
    depth = 0
    for tag in re.findall(r"</?label\b", page):
        depth += 1 if tag == "<label" else -1
        assert depth in (0, 1), "a label inside a label"
