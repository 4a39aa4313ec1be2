"""The disputes app's records for the tests that sweep every URL (accounts.testing)."""

from __future__ import annotations

import datetime

from cunzhi.accounts.testing import County, ThreePeople, record_factory
from cunzhi.disputes.models import (
    CaseParty,
    MediationCase,
    MediationCommittee,
    Petition,
    StabilityAssessment,
)
from cunzhi.disputes.services import assessment_create, committee_set
from cunzhi.disputes.tests.factories import make_case, make_petition
from cunzhi.registry.testing import family


@record_factory("disputes.petition")
def a_petition(county: County, people: ThreePeople) -> Petition:
    return make_petition(county, region=county.village)


@record_factory("disputes.mediationcase")
def a_case(county: County, people: ThreePeople) -> MediationCase:
    return make_case(county)


@record_factory("disputes.caseparty")
def a_party(county: County, people: ThreePeople) -> CaseParty:
    return make_case(county).parties.get(side="respondent")


@record_factory("disputes.mediationcommittee")
def a_committee(county: County, people: ThreePeople) -> MediationCommittee:
    members = list(family(county, 7).members.all())
    return committee_set(
        actor=county.admin,
        village=county.village,
        term_starts_on=datetime.date(2024, 1, 1),
        members=[(resident, "member") for resident in members],
    )


@record_factory("disputes.stabilityassessment")
def an_assessment(county: County, people: ThreePeople) -> StabilityAssessment:
    return assessment_create(
        actor=county.admin,
        region=county.village,
        subject="石板村土地流转项目",
        matter_type="collective_land_contract",
        risk_points="部分农户不同意流转价格",
        level="medium",
        measures="逐户走访，公开流转方案",
    )
