"""A decision whose type needs a social-stability risk assessment (稳评) is not published until
the township has approved an assessment of that very matter."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from cunzhi.accounts.models import Role, User
from cunzhi.accounts.testing import County, make_user
from cunzhi.decisions.models import Matter, MatterState, MatterType, MeetingKind
from cunzhi.decisions.testing import build_village, hold, propose, step, supervisor_user
from cunzhi.disputes.models import StabilityAssessment
from cunzhi.disputes.services import assessment_create, assessment_transition

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _decided(county: County, matter_type: str) -> tuple[Matter, User]:
    built = build_village(county, households=10)
    supervisor = supervisor_user(county)
    matter = propose(county, "征地补偿款分配方案", matter_type=matter_type)
    hold(county, matter, MeetingKind.JOINT, built.committees, votes=(3, 0, 0))
    matter = step(county, matter, "consult", supervisor)
    hold(county, matter, MeetingKind.PARTY_MEMBERS, built.party[:5], votes=(5, 0, 0))
    matter = step(county, matter, "review", supervisor)
    hold(county, matter, MeetingKind.REPRESENTATIVES, built.representatives, votes=(2, 0, 0))
    matter = step(county, matter, "decide", supervisor, resolution="按人口分配。")
    return matter, supervisor


def _assess(county: County, *, subject_id: int) -> StabilityAssessment:
    return assessment_create(
        actor=county.admin,
        region=county.village,
        subject="征地补偿款分配方案",
        matter_type=MatterType.REQUISITION_COMPENSATION,
        risk_points="两户有异议",
        level="medium",
        measures="入户解释",
        subject_type="decisions.matter",
        subject_id=subject_id,
    )


def test_the_resolution_waits_for_an_approved_assessment_of_that_matter(county: County) -> None:
    matter, supervisor = _decided(county, MatterType.REQUISITION_COMPENSATION)
    with pytest.raises(ValidationError, match="social-stability risk assessment"):
        step(county, matter, "publish_resolution", supervisor)

    # Drafted is not enough; approved by the township's leader is.
    assessment = _assess(county, subject_id=matter.pk)
    with pytest.raises(ValidationError, match="social-stability risk assessment"):
        step(county, matter, "publish_resolution", None)
    leader = make_user(county, "leader", Role.TOWNSHIP_LEADER, county.township)
    assessment_transition(
        actor=leader,
        assessment=assessment,
        name="approve",
        expected_version=assessment.version,
        conclusion="风险可控",
        approved_on=assessment.created_at.date(),
    )
    matter = step(county, matter, "publish_resolution", None)
    assert matter.state == MatterState.RESOLUTION_PUBLISHED


def test_a_matter_type_the_rule_does_not_list_needs_no_assessment(county: County) -> None:
    matter, supervisor = _decided(county, MatterType.PUBLIC_WELFARE)
    matter = step(county, matter, "publish_resolution", supervisor)
    assert matter.state == MatterState.RESOLUTION_PUBLISHED


def test_an_assessment_cannot_name_a_matter_that_does_not_exist(county: County) -> None:
    with pytest.raises(ValidationError) as refused:
        _assess(county, subject_id=2**40)
    assert "subject_id" in refused.value.message_dict
