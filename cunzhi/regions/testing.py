"""Regions' records for the tests that sweep every URL (``accounts.testing.record_factory``)."""

from __future__ import annotations

from cunzhi.accounts.testing import County, ThreePeople, record_factory
from cunzhi.regions.models import Clan, Contact, Facility, Region
from cunzhi.regions.services import clan_create, contact_create, facility_create


@record_factory("regions.contact")
def a_contact(county: County, people: ThreePeople) -> Contact:
    return contact_create(
        actor=county.admin,
        region=county.village,
        name="王建国",
        organisation="青龙镇人民政府",
        level="township",
    )


@record_factory("regions.clan")
def a_clan(county: County, people: ThreePeople) -> Clan:
    return clan_create(
        actor=county.admin, village=county.village, surname="杨", households=40, share_percent=35
    )


@record_factory("regions.facility")
def a_facility(county: County, people: ThreePeople) -> Facility:
    return facility_create(
        actor=county.admin, village=county.village, kind="school", name="石板小学"
    )


@record_factory("regions.region")
def a_village(county: County, people: ThreePeople) -> Region:
    return county.village
