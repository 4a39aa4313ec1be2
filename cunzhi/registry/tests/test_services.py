from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cunzhi.accounts.testing import County, ThreePeople
from cunzhi.audit.models import Event
from cunzhi.audit.services import verify_all
from cunzhi.registry.models import Household, HouseholdStatus, Resident, Tag
from cunzhi.registry.services import (
    household_merge,
    household_set_head,
    household_split,
    household_transfer,
    resident_add,
    resident_move,
    resident_set_status,
    resident_set_tags,
    resident_update,
)
from cunzhi.registry.testing import make_id_number, register_family

pytestmark = pytest.mark.django_db


def test_registering_a_family_derives_sex_birth_and_search_keys(county: County) -> None:
    household = register_family(county.admin, county.village, "0001", head_name="曾国华")
    head = household.head
    assert head is not None and head.relation == "head"
    assert (head.sex, head.birth_date) == ("male", datetime.date(1968, 5, 12))
    assert (head.name_pinyin, head.name_initials) == ("zengguohua", "zgh")
    assert head.id_reversed == head.id_number[::-1]
    assert household.members.count() == 3
    assert {r.region_code for r in household.members.all()} == {county.village.code}
    event = Event.objects.get(action="registry.household_register")
    assert len(event.data["members"]) == 3


def test_a_sex_that_disagrees_with_the_id_number_is_an_error_and_nothing_is_written(
    county: County,
) -> None:
    members = [
        {
            "name": "李春兰",
            "id_number": make_id_number(datetime.date(1970, 3, 2), sequence=5),
            "relation": "spouse",
            "sex": "female",
        },
    ]
    with pytest.raises(ValidationError) as error:
        register_family(county.admin, county.village, "0002", members=members)
    assert "members.0.sex" in error.value.message_dict
    assert not Household.objects.exists() and not Resident.objects.exists()


def test_a_bad_checksum_names_the_id_number(county: County) -> None:
    good = make_id_number(datetime.date(1970, 3, 2), sequence=5, male=False)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    members = [{"name": "李春兰", "id_number": bad, "relation": "spouse"}]
    with pytest.raises(ValidationError) as error:
        register_family(county.admin, county.village, "0002", members=members)
    assert "members.0.id_number" in error.value.message_dict


def test_the_same_id_number_twice_in_a_village_is_refused(county: County) -> None:
    household = register_family(county.admin, county.village, "0001")
    head = household.head
    assert head is not None
    with pytest.raises(ValidationError):
        resident_add(
            actor=county.admin,
            household=household,
            name="重复",
            id_number=head.id_number,
            relation="son",
        )


def test_a_read_only_user_and_an_outsider_cannot_write(county: County, people: ThreePeople) -> None:
    household = register_family(county.admin, county.village, "0001")
    for user in (people.read_only, people.outsider):
        with pytest.raises(PermissionDenied):
            resident_add(actor=user, household=household, name="新生儿", relation="grandson")
    resident_add(
        actor=people.in_scope,
        household=household,
        name="杨乐乐",
        relation="grandson",
        birth_date=datetime.date(2025, 1, 3),
        sex="male",
    )
    assert household.members.count() == 4


def test_changing_the_id_number_takes_the_birth_date_again(county: County) -> None:
    household = register_family(county.admin, county.village, "0001")
    daughter = household.members.get(relation="daughter")
    new_number = make_id_number(datetime.date(2009, 1, 15), sequence=77, male=False)
    resident_update(actor=county.admin, resident=daughter, id_number=new_number)
    daughter.refresh_from_db()
    assert daughter.birth_date == datetime.date(2009, 1, 15)
    event = Event.objects.filter(action="registry.resident_update").latest("seq")
    assert event.data["changes"]["birth_date"] == ["2008-09-30", "2009-01-15"]


def test_a_split_makes_a_new_household_with_its_own_head(county: County) -> None:
    household = register_family(county.admin, county.village, "0001")
    daughter = household.members.get(relation="daughter")
    new = household_split(
        actor=county.admin,
        household=household,
        members=[daughter],
        household_no="0002",
        head=daughter,
    )
    daughter.refresh_from_db()
    assert (daughter.household, daughter.relation, new.head) == (new, "head", daughter)
    assert household.members.count() == 2


def test_the_head_cannot_leave_without_a_new_head(county: County) -> None:
    household = register_family(county.admin, county.village, "0001")
    head = household.head
    assert head is not None
    other = register_family(county.admin, county.village, "0002", sequence=10)
    with pytest.raises(ValidationError):
        resident_move(actor=county.admin, resident=head, to=other)
    spouse = household.members.get(relation="spouse")
    household_set_head(
        actor=county.admin, household=household, resident=spouse, old_head_relation="spouse"
    )
    resident_move(actor=county.admin, resident=head, to=other)
    assert Resident.objects.get(pk=head.pk).household == other


def test_a_merge_moves_everyone_and_keeps_the_merged_household(county: County) -> None:
    a = register_family(county.admin, county.village, "0001")
    b = register_family(county.admin, county.village, "0002", sequence=10)
    household_merge(actor=county.admin, source=b, into=a)
    b.refresh_from_db()
    assert b.status == HouseholdStatus.MERGED and b.head is None
    assert a.members.count() == 6 and a.members.filter(relation="head").count() == 1


def test_a_transfer_to_another_village_needs_rights_at_both_ends(
    county: County, people: ThreePeople
) -> None:
    household = register_family(county.admin, county.village, "0001")
    with pytest.raises(PermissionDenied):
        household_transfer(actor=people.in_scope, household=household, village=county.neighbour)
    household_transfer(
        actor=county.admin, household=household, village=county.neighbour, household_no="0100"
    )
    assert set(Resident.objects.values_list("region_code", flat=True)) == {county.neighbour.code}
    assert not Resident.objects.for_user(people.in_scope).exists()
    assert Resident.objects.for_user(people.outsider).count() == 3


def test_tags_follow_the_resident_and_the_trace_names_the_change(county: County) -> None:
    household = register_family(county.admin, county.village, "0001")
    head = household.head
    assert head is not None
    dibao, veteran = Tag.objects.get(code="dibao"), Tag.objects.get(code="veteran")
    resident_set_tags(actor=county.admin, resident=head, tags=[dibao, veteran])
    resident_set_tags(actor=county.admin, resident=head, tags=[veteran])
    event = Event.objects.filter(action="registry.resident_set_tags").latest("seq")
    assert event.data == {"added": [], "removed": ["dibao"]}
    household_transfer(actor=county.admin, household=household, village=county.neighbour)
    link = head.tag_links.get()
    assert link.region_code == county.neighbour.code


def test_a_death_is_recorded_with_its_date(county: County) -> None:
    household = register_family(county.admin, county.village, "0001")
    spouse = household.members.get(relation="spouse")
    resident_set_status(
        actor=county.admin, resident=spouse, status="deceased", since=datetime.date(2026, 3, 1)
    )
    spouse.refresh_from_db()
    assert (spouse.status, spouse.status_since) == ("deceased", datetime.date(2026, 3, 1))
    assert not list(verify_all())


def test_the_default_tags_are_seeded_with_their_sensitivity() -> None:
    assert Tag.objects.get(code="dibao").sensitive
    assert not Tag.objects.get(code="teacher").sensitive
    assert Tag.objects.get(code="village_doctor").key_person


def test_the_audit_log_shows_a_changed_id_number_masked(
    county: County, people: ThreePeople
) -> None:
    from django.test import Client
    from django.urls import reverse

    household = register_family(county.admin, county.village, "0001")
    daughter = household.members.get(relation="daughter")
    old_number = daughter.id_number
    new_number = make_id_number(datetime.date(2009, 1, 15), sequence=77, male=False)
    resident_update(actor=county.admin, resident=daughter, id_number=new_number)
    client = Client()
    client.force_login(people.read_only)
    body = client.get(reverse("audit:list")).content.decode()
    assert new_number not in body and old_number not in body
    assert new_number[:6] + "********" + new_number[-4:] in body


def test_an_id_number_or_household_number_used_twice_in_a_village_names_the_holder(
    county: County,
) -> None:
    first = register_family(county.admin, county.village, "001")
    assert first.head is not None
    with pytest.raises(ValidationError) as error:
        register_family(county.admin, county.village, "001", sequence=50)
    assert "001" in error.value.message_dict["household_no"][0]
    with pytest.raises(ValidationError) as error:
        resident_add(
            actor=county.admin,
            household=first,
            name="杨德福",
            id_number=first.head.id_number,
            relation="other",
        )
    assert "杨德福" in error.value.message_dict["id_number"][0]
    assert Household.objects.count() == 1 and Resident.objects.count() == 3
