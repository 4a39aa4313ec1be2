from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cunzhi.accounts.models import Role
from cunzhi.accounts.testing import County, ThreePeople, make_user
from cunzhi.audit.models import Event
from cunzhi.registry.duplicates import duplicate_id_numbers, likely_duplicates, resident_merge
from cunzhi.registry.models import Resident, Tag
from cunzhi.registry.services import resident_add, resident_set_tags
from cunzhi.registry.testing import make_id_number, register_family

pytestmark = pytest.mark.django_db
BORN = datetime.date(1990, 4, 8)


@pytest.fixture
def twice(county: County) -> tuple[Resident, Resident]:
    """The same young man registered in his parents' household and in the next village."""
    number = make_id_number(BORN, sequence=40)
    here = register_family(county.admin, county.village, "0001")
    there = register_family(county.admin, county.neighbour, "0001", sequence=20)
    a = resident_add(
        actor=county.admin,
        household=here,
        name="杨建国",
        id_number=number,
        relation="son",
        phone="13888880000",
    )
    b = resident_add(
        actor=county.admin,
        household=there,
        name="杨建国",
        id_number=number,
        relation="other",
        work_place="昆明",
    )
    return a, b


def test_the_township_sees_an_id_number_registered_in_two_villages(
    county: County, twice: tuple[Resident, Resident]
) -> None:
    leader = make_user(county, "leader", Role.TOWNSHIP_LEADER, county.township)
    groups = duplicate_id_numbers(leader, county.township)
    assert [sorted(r.region_code for r in g.residents) for g in groups] == [
        sorted([county.village.code, county.neighbour.code])
    ]


def test_a_village_secretary_does_not_see_the_other_village_half(
    county: County, people: ThreePeople, twice: tuple[Resident, Resident]
) -> None:
    assert duplicate_id_numbers(people.in_scope, county.township) == []


def test_same_name_and_birth_date_with_a_missing_number_is_a_likely_duplicate(
    county: County,
) -> None:
    here = register_family(county.admin, county.village, "0001")
    there = register_family(
        county.admin, county.far_village, "0009", head_name="王永昌", sequence=30, members=[]
    )
    resident_add(
        actor=county.admin,
        household=here,
        name="李秀英",
        relation="other",
        id_number=make_id_number(BORN, sequence=60, male=False),
    )
    resident_add(
        actor=county.admin,
        household=there,
        name="李秀英",
        relation="other",
        birth_date=BORN,
        sex="female",
    )
    groups = likely_duplicates(county.admin, county.county)
    assert len(groups) == 1 and {r.name for r in groups[0].residents} == {"李秀英"}


def test_merging_keeps_one_record_fills_its_blanks_and_moves_tags(
    county: County, twice: tuple[Resident, Resident]
) -> None:
    keep, duplicate = twice
    resident_set_tags(
        actor=county.admin, resident=duplicate, tags=[Tag.objects.get(code="returning_worker")]
    )
    resident_merge(actor=county.admin, keep=keep, duplicate=duplicate)
    keep.refresh_from_db()
    assert keep.work_place == "昆明" and keep.phone == "13888880000"
    assert [t.code for t in keep.tags.all()] == ["returning_worker"]
    assert not Resident.objects.filter(pk=duplicate.pk).exists()
    event = Event.objects.get(action="registry.resident_merge")
    assert event.data["removed"]["fields"]["work_place"] == "昆明"
    assert duplicate_id_numbers(county.admin, county.county) == []


def test_merging_needs_rights_over_both_records(
    county: County, people: ThreePeople, twice: tuple[Resident, Resident]
) -> None:
    keep, duplicate = twice
    with pytest.raises(PermissionDenied):
        resident_merge(actor=people.in_scope, keep=keep, duplicate=duplicate)
    assert Resident.objects.filter(pk=duplicate.pk).exists()


def test_a_head_of_household_with_members_is_not_merged_away(county: County) -> None:
    a = register_family(county.admin, county.village, "0001")
    b = register_family(county.admin, county.neighbour, "0002", sequence=20)
    assert a.head is not None and b.head is not None
    with pytest.raises(ValidationError):
        resident_merge(actor=county.admin, keep=a.head, duplicate=b.head)


def test_the_township_page_lists_the_pair_masked_and_merges_it(
    county: County, twice: tuple[Resident, Resident]
) -> None:
    from django.test import Client
    from django.urls import reverse

    from cunzhi.registry.identity import mask_id_number

    keep, duplicate = twice
    staff = make_user(county, "staff", Role.TOWNSHIP_STAFF, county.township)
    reader = make_user(county, "civil", Role.COUNTY_CIVIL_AFFAIRS, county.county)
    client = Client()
    client.force_login(staff)
    url = reverse("registry:duplicates", args=[county.township.code])
    page = client.get(url).content.decode()
    assert mask_id_number(keep.id_number) in page
    assert keep.id_number not in page  # township staff may reveal, but only through a reveal
    assert "大坪村" not in page  # the other township's village is not involved

    response = client.post(
        reverse("registry:duplicates_merge", args=[county.township.code]),
        {"keep": keep.pk, "duplicate": duplicate.pk},
    )
    assert response.status_code == 302
    assert not Resident.objects.filter(pk=duplicate.pk).exists()
    assert Resident.objects.get(pk=keep.pk).work_place == "昆明"
    assert Event.objects.filter(action="registry.resident_merge").count() == 1

    reading = Client()
    reading.force_login(reader)
    assert "/duplicates/merge/" not in reading.get(url).content.decode()
    merge = reverse("registry:duplicates_merge", args=[county.township.code])
    assert reading.post(merge, {"keep": keep.pk, "duplicate": keep.pk}).status_code == 403


def test_a_village_secretary_cannot_open_the_township_duplicates(
    county: County, people: ThreePeople
) -> None:
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(people.in_scope)
    assert (
        client.get(reverse("registry:duplicates", args=[county.township.code])).status_code == 404
    )
    url = reverse("registry:duplicates", args=[county.neighbour.code])
    assert client.get(url).status_code == 404
    own = client.get(reverse("registry:duplicates", args=[county.village.code]))
    assert own.status_code == 200
