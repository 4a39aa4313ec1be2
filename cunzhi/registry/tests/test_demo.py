"""The demo households: every village filled with valid, plausible families, the same every run.

The county is seeded once for the whole module inside a transaction rolled back at the end, as
in core's test_seed_demo.
"""

from __future__ import annotations

import hashlib
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.test import override_settings

from cunzhi.audit import services as audit
from cunzhi.core.demo import seed_demo
from cunzhi.core.regioncodes import Level
from cunzhi.regions.models import Region
from cunzhi.registry.demo import IdNumbers, VillageFacts, plan_village
from cunzhi.registry.identity import parse_id_number
from cunzhi.registry.models import Household, Resident, ResidentStatus

pytestmark = pytest.mark.django_db

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        seed_demo()
        yield
        transaction.set_rollback(True)


def villages() -> list[Region]:
    return list(Region.objects.filter(level=Level.VILLAGE).order_by("code"))


def households_tagged(code: str) -> int:
    return Household.objects.filter(members__tags__code=code).distinct().count()


def residents_tagged(code: str, **filters: Any) -> int:
    return Resident.objects.filter(tags__code=code, **filters).count()


def test_every_demo_village_has_twenty_or_more_households_each_with_exactly_one_head() -> None:
    assert len(villages()) == 18
    for village in villages():
        households = Household.objects.filter(region=village).annotate(
            heads=Count("members", filter=Q(members__relation="head"))
        )
        assert households.count() >= 20, village.name
        for household in households.select_related("head"):
            assert household.heads == 1, household.address
            assert household.head is not None and household.head.relation == "head"
            assert household.head.household_id == household.pk


def test_households_are_numbered_in_the_village_and_placed_in_its_villager_groups() -> None:
    for village in villages():
        households = list(Household.objects.filter(region=village).select_related("group"))
        numbers = [household.household_no for household in households]
        assert all(len(number) == 4 and number.isdigit() for number in numbers)
        assert len(set(numbers)) == len(numbers)
        for household in households:
            assert household.group is not None and household.group.parent_id == village.pk
            assert household.address.startswith(village.name) and household.address.endswith("号")


def test_every_id_number_is_valid_unique_and_agrees_with_birth_date_and_sex() -> None:
    rows = list(Resident.objects.values_list("id_number", "birth_date", "sex"))
    assert len(rows) > 1000
    for number, birth_date, sex in rows:
        facts = parse_id_number(number)
        assert (facts.birth_date, facts.sex) == (birth_date, sex), number
    assert len({number for number, _birth, _sex in rows}) == len(rows)


def test_household_tags_come_in_realistic_shares() -> None:
    households = Household.objects.count()
    assert 0.02 <= households_tagged("dibao") / households <= 0.10
    assert 0.05 <= households_tagged("tuopin") / households <= 0.16
    assert 0.005 <= households_tagged("jiance") / households <= 0.05
    assert 1 <= residents_tagged("tekun") <= 0.02 * households
    residents = Resident.objects.count()
    assert 0.02 <= residents_tagged("disabled") / residents <= 0.07
    assert not Resident.objects.filter(tags__code="disabled", disability="").exists()


def test_every_village_has_one_doctor_and_a_rich_leader_or_two_among_its_key_people() -> None:
    for village in villages():
        in_village = {"region": village, "status": ResidentStatus.LIVING}
        assert residents_tagged("village_doctor", **in_village) == 1, village.name
        assert 1 <= residents_tagged("rich_leader", **in_village) <= 2, village.name
    for code in ("teacher", "old_party_member", "activist", "retired_cadre", "veteran"):
        assert residents_tagged(code) > 0, code
    assert not Resident.objects.filter(tags__code="old_party_member", birth_date__year__gt=1961)


def test_left_behind_children_are_those_whose_parents_all_work_away() -> None:
    children = Resident.objects.filter(tags__code="left_behind_child").select_related("household")
    assert children.count() > 20
    for child in children:
        if child.relation in {"son", "daughter"}:
            parents = Resident.objects.filter(
                household=child.household, relation__in=["head", "spouse"], status="living"
            )
            assert parents and all(parent.employment == "away" for parent in parents), child


def test_the_register_holds_the_families_a_village_really_has() -> None:
    away = Resident.objects.filter(employment="away")
    assert away.count() > 300
    assert not away.filter(Q(work_place="") | Q(away_since=None)).exists()
    assert Resident.objects.filter(relation__in=["father", "mother"]).count() > 50  # 三代同堂
    assert Resident.objects.filter(relation__in=["grandson", "granddaughter"]).exists()
    assert Resident.objects.filter(relation="daughter", status="moved_out").count() > 20
    deceased = Resident.objects.filter(status="deceased")
    assert deceased.count() > 10 and not deceased.filter(status_since=None).exists()
    alone = Household.objects.annotate(
        living=Count("members", filter=Q(members__status="living"))
    ).filter(living=1, head__birth_date__year__lt=1960)
    assert alone.count() > 10  # old people living on their own
    assert Resident.objects.filter(employment="student").count() > 200


def test_yi_villages_register_yi_families() -> None:
    for name in ("阿拉村", "木杉村"):
        residents = Resident.objects.filter(region__name=name)
        assert residents.filter(ethnicity="彝族").count() > residents.count() * 0.6, name
    assert not Resident.objects.filter(region__name="石板村", ethnicity="彝族", relation="head")


def test_surnames_with_a_special_reading_are_spelled_as_people_say_them() -> None:
    for surname, reading in (("曾", "zeng"), ("单", "shan"), ("解", "xie"), ("仇", "qiu")):
        people = Resident.objects.filter(name__startswith=surname)
        assert people.exists(), surname
        assert all(p.name_pinyin.startswith(reading) for p in people), surname


def test_the_audit_log_verifies_after_seeding() -> None:
    assert list(audit.verify_all()) == []


# A plan is drawn from the seeded random alone: no clock, no set order (which changes with
# PYTHONHASHSEED from one process to the next), so every run of seed_demo is the same county.
def plan_digest() -> str:
    facts = VillageFacts(
        yi=False, terrain="hill", clans=(("李", 40.0), ("张", 30.0)), groups=5, households=30
    )
    families = plan_village(facts, random.Random(2026), IdNumbers())
    rows = [
        (person.id_number, person.name, person.employment, sorted(person.tags | family.tags))
        for family in families
        for person in family.people
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_a_village_plan_is_the_same_in_another_process() -> None:
    # Another process with another string hash order than this one's.
    hash_seed = "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"
    code = (
        "import django; django.setup(); "
        "from cunzhi.registry.tests.test_demo import plan_digest; print(plan_digest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "DJANGO_SETTINGS_MODULE": "cunzhi.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == plan_digest()
