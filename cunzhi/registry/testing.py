"""Building registry test data: households through the services (ID numbers from identity)."""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from unittest import mock

from django.core.files.base import ContentFile

from cunzhi.accounts.models import Role
from cunzhi.accounts.testing import County, ThreePeople, make_user, record_factory
from cunzhi.regions.models import Region
from cunzhi.registry.identity import make_id_number
from cunzhi.registry.models import Household, ImportJob, Resident, Tag, TenHouseholdGroup
from cunzhi.registry.services import household_register, ten_group_save

if TYPE_CHECKING:
    from cunzhi.accounts.models import User


def register_family(
    actor: Any,
    village: Region,
    household_no: str,
    *,
    head_name: str = "杨德福",
    head_birth: datetime.date = datetime.date(1968, 5, 12),
    sequence: int = 1,
    members: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> Household:
    """A household of a head, a spouse and a daughter unless ``members`` says otherwise."""
    if members is None:
        members = [
            {
                "name": "李春兰",
                "id_number": make_id_number(
                    datetime.date(1970, 3, 2), sequence=sequence, male=False
                ),
                "relation": "spouse",
            },
            {
                "name": "杨小梅",
                "id_number": make_id_number(
                    datetime.date(2008, 9, 30), sequence=sequence + 1, male=False
                ),
                "relation": "daughter",
                "employment": "student",
            },
        ]
    head = {"name": head_name, "id_number": make_id_number(head_birth, sequence=sequence)}
    return household_register(
        actor=actor, village=village, household_no=household_no, head=head, members=members, **extra
    )


@contextlib.contextmanager
def registered_before_the_rule() -> Iterator[None]:
    """Register people whose ID numbers another village already holds, as old data has them
    (ledgers merged, imports from before the register refused it): the duplicates to merge."""
    with mock.patch("cunzhi.registry.services.rules.check_id_number_elsewhere"):
        yield


# For the tests of the household operations (page and API): families numbered 001, 002, ...


def family(county: County, number: int, village: Region | None = None, **extra: Any) -> Household:
    """Household ``00n`` of a head 杨德福, a spouse and a daughter, with ID numbers of its own."""
    return register_family(
        county.admin, village or county.village, f"{number:03d}", sequence=10 + 3 * number, **extra
    )


def member(household: Household, relation: str) -> Resident:
    return household.members.get(relation=relation)


def head_of(household: Household) -> Resident:
    household.refresh_from_db()
    assert household.head is not None
    return household.head


def township_staff(county: County) -> User:
    """Keeps the register of every village of 青龙镇 (石板村 and 柳溪村), not 白马镇's 大坪村."""
    return make_user(county, "township_staff", Role.TOWNSHIP_STAFF, county.township)


# The register's records for the tests that sweep every URL (``accounts.testing.record_factory``).


@record_factory("registry.household")
def a_household(county: County, people: ThreePeople) -> Household:
    return family(county, 1)


@record_factory("registry.resident")
def a_resident(county: County, people: ThreePeople) -> Resident:
    return member(family(county, 1), "spouse")


@record_factory("registry.tag", public=True)
def a_tag(county: County, people: ThreePeople) -> Tag:
    return Tag.objects.get_or_create(code="veteran", defaults={"name": "退役军人"})[0]


@record_factory("registry.tenhouseholdgroup")
def a_ten_household_group(county: County, people: ThreePeople) -> TenHouseholdGroup:
    first, second = family(county, 1), family(county, 2)
    return ten_group_save(
        actor=county.admin,
        expected_version=None,
        village=county.village,
        name="第一联户组",
        households=[first, second],
        lead_household=first,
    )


@record_factory("registry.importjob")
def an_import_job(county: County, people: ThreePeople) -> ImportJob:
    # A finished check with rows refused; only its uploader may see it or its error copy.
    job = ImportJob.objects.create(created_by=people.in_scope, file_name="石板村.xlsx")
    job.error_file.save("石板村-errors.xlsx", ContentFile(b"PK"))
    return job
