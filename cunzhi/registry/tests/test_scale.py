"""The bulk builder of benchmark data writes what the services would have written."""

from __future__ import annotations

import copy
from collections import Counter

import pytest
from django.db import IntegrityError
from django.db.models import Count, Q

from cunzhi.accounts.testing import County, ThreePeople
from cunzhi.registry.identity import parse_id_number
from cunzhi.registry.models import Household, Relation, Resident, ResidentTag
from cunzhi.registry.scale import build_scale
from cunzhi.registry.services import prepare_resident

pytestmark = pytest.mark.django_db


def test_a_small_scale_build_fills_the_villages_of_the_region_evenly(county: County) -> None:
    report = build_scale(200, within=county.township)
    villages = Counter(Household.objects.values_list("region_code", flat=True))
    # The township's two villages share the households; the far village gets none.
    assert villages == {county.village.code: 100, county.neighbour.code: 100}
    assert report.households == 200
    assert report.residents == Resident.objects.count()
    assert 3 * 200 < report.residents < 5 * 200
    assert report.tags == ResidentTag.objects.count() > 0


def test_every_id_number_is_valid_unique_and_agrees_with_birth_date_and_sex(
    county: County,
) -> None:
    build_scale(200, within=county.county)
    numbers = list(Resident.objects.values_list("id_number", "birth_date", "sex"))
    assert len({number for number, _birth, _sex in numbers}) == len(numbers)
    for number, birth, sex in numbers:
        facts = parse_id_number(number)  # a wrong check character raises
        assert (facts.birth_date, facts.sex) == (birth, sex)


def test_every_household_has_exactly_one_head_and_it_is_the_household_head(
    county: County,
) -> None:
    build_scale(200, within=county.county)
    heads = Household.objects.annotate(
        heads=Count("members", filter=Q(members__relation=Relation.HEAD))
    )
    assert {household.heads for household in heads} == {1}
    for household in Household.objects.select_related("head"):
        assert household.head is not None
        assert household.head.household_id == household.pk
        assert household.head.relation == Relation.HEAD


def test_the_search_keys_are_those_the_services_compute(county: County) -> None:
    build_scale(200, within=county.county)
    keys = ("name_pinyin", "name_initials", "name_reversed", "id_reversed", "phone_reversed")
    residents = list(Resident.objects.all())
    assert any(r.phone for r in residents) and any(r.name.startswith("曾") for r in residents)
    for resident in residents:
        expected = copy.copy(resident)
        prepare_resident(expected)
        assert [getattr(resident, k) for k in keys] == [getattr(expected, k) for k in keys]


def test_scale_rows_are_scoped_by_region_like_rows_the_services_make(
    county: County, people: ThreePeople
) -> None:
    build_scale(30, within=county.township)
    mine = Resident.objects.filter(region_code=county.village.code)
    theirs = Resident.objects.filter(region_code=county.neighbour.code)
    assert mine.exists() and theirs.exists()
    assert Resident.objects.filter(region=county.village).count() == mine.count()
    visible = set(Resident.objects.for_user(people.in_scope).values_list("pk", flat=True))
    assert visible == set(mine.values_list("pk", flat=True))
    visible_tags = set(ResidentTag.objects.for_user(people.in_scope).values_list("pk", flat=True))
    assert visible_tags == set(
        ResidentTag.objects.filter(resident__in=mine).values_list("pk", flat=True)
    )
    assert not Household.objects.for_user(people.outsider).filter(region=county.village).exists()


def test_a_build_is_the_same_every_time(county: County) -> None:
    build_scale(20, within=county.village, seed=4)
    first = list(Resident.objects.order_by("pk").values_list("name", "id_number", "phone"))
    Household.objects.update(head=None)
    ResidentTag.objects.all().delete()
    Resident.objects.all().delete()
    Household.objects.all().delete()
    build_scale(20, within=county.village, seed=4)
    again = list(Resident.objects.order_by("pk").values_list("name", "id_number", "phone"))
    assert again == first


def test_builds_with_other_seeds_add_up_and_the_same_seed_twice_is_refused(
    county: County,
) -> None:
    build_scale(20, within=county.village, seed=1)
    build_scale(20, within=county.village, seed=2)
    assert Household.objects.count() == 40
    numbers = list(Resident.objects.values_list("id_number", flat=True))
    assert len(set(numbers)) == len(numbers)
    with pytest.raises(IntegrityError):
        build_scale(20, within=county.village, seed=1)


def test_a_region_without_villages_is_refused(county: County) -> None:
    with pytest.raises(ValueError, match="no village"):
        build_scale(10, within=county.village.children.get())
