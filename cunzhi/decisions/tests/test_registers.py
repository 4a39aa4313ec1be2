"""The registers: supervision committee refusals and the village's warnings."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from cunzhi.accounts.testing import County
from cunzhi.decisions import services
from cunzhi.decisions.models import Body, Membership
from cunzhi.decisions.registers import register_warnings
from cunzhi.decisions.testing import TERM_START, build_village
from cunzhi.registry.models import Resident

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
ON = datetime.date(2026, 3, 2)
LATER = datetime.date(2026, 11, 2)


def appoint(county: County, body: str, resident: Resident) -> Membership:
    return services.membership_appoint(
        actor=county.admin, village=county.village, body=body, resident=resident, starts_on=ON
    )


def test_a_committee_member_cannot_sit_on_the_supervision_committee(county: County) -> None:
    built = build_village(county, households=3)
    with pytest.raises(ValidationError, match="they themselves is on the Villagers' committee"):
        appoint(county, Body.SUPERVISION, built.committees[0])


def test_a_committee_members_wife_cannot_sit_on_the_supervision_committee(county: County) -> None:
    built = build_village(county, households=3)
    wife = built.households[0].members.get(relation="spouse")
    with pytest.raises(ValidationError, match="their close relative 杨1号"):
        appoint(county, Body.SUPERVISION, wife)


def test_a_supervisors_husband_cannot_join_the_committees(county: County) -> None:
    built = build_village(county, households=10)
    wife = built.households[5].members.get(relation="spouse")  # her husband supervises
    with pytest.raises(ValidationError, match="is on the supervision committee"):
        appoint(county, Body.VILLAGE_COMMITTEE, wife)


def test_a_sixth_supervisor_is_refused(county: County) -> None:
    built = build_village(county, households=12)
    appoint(county, Body.SUPERVISION, built.households[8].members.get(relation="head"))
    appoint(county, Body.SUPERVISION, built.households[9].members.get(relation="head"))
    with pytest.raises(ValidationError, match="5 members already"):
        appoint(county, Body.SUPERVISION, built.households[10].members.get(relation="head"))


def test_the_register_warns_of_too_few_representatives_and_too_few_women(county: County) -> None:
    built = build_village(county, households=40)
    messages = [w.message for w in register_warnings(county.village, ON)]
    assert messages == [
        "2 representatives for 40 households: the rule is one per 5 to 15 households, so 3 to 8."
    ]
    for home in built.households[10:15]:
        appoint(county, Body.REPRESENTATIVES, home.members.get(relation="head"))
    messages = [w.message for w in register_warnings(county.village, ON)]
    assert messages == ["2 women among 7 representatives: at least 1/3 must be women (3)."]


def test_a_minor_cannot_be_put_on_a_register(county: County) -> None:
    built = build_village(county, households=3)
    daughter = built.households[0].members.get(relation="daughter")
    with pytest.raises(ValidationError, match="not an adult on 2024-01-02"):
        services.membership_appoint(
            actor=county.admin,
            village=county.village,
            body=Body.PARTY_MEMBERS,
            resident=daughter,
            starts_on=TERM_START,
        )


def test_an_ended_term_leaves_the_register_of_past_meetings_alone(county: County) -> None:
    built = build_village(county, households=3)
    daughter = built.households[0].members.get(relation="daughter")
    entry = services.membership_appoint(
        actor=county.admin,
        village=county.village,
        body=Body.PARTY_MEMBERS,
        resident=daughter,
        starts_on=datetime.date(2026, 10, 1),  # born 2008-09-30: 18 the day before
    )
    ended = services.membership_end(
        actor=county.admin, membership=entry, ends_on=LATER, expected_version=entry.version
    )
    assert ended.ends_on == LATER
    with pytest.raises(ValidationError, match="Someone else saved"):
        services.membership_end(
            actor=county.admin, membership=entry, ends_on=LATER, expected_version=1
        )
