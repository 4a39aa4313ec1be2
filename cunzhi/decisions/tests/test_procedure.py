"""The procedure end to end: a road-hardening project from proposal to published result."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cunzhi.accounts.testing import County
from cunzhi.audit.models import Event
from cunzhi.decisions import preconditions, services
from cunzhi.decisions.models import MatterState, MeetingKind, MeetingOutcome
from cunzhi.decisions.testing import build_village, hold, propose, step, supervisor_user
from cunzhi.openness.models import Notice
from cunzhi.openness.services import objection_answer, objection_raise, sender_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def later(days: int) -> mock._patch:  # type: ignore[type-arg]
    """Pretend ``days`` have passed (the publicity period runs in calendar days)."""
    return mock.patch(
        "django.utils.timezone.localdate",
        return_value=timezone.localdate() + datetime.timedelta(days=days),
    )


def test_a_secretary_takes_a_road_project_from_proposal_to_published_result(county: County) -> None:
    built = build_village(county, households=10)
    supervisor = supervisor_user(county)
    matter = propose(county)
    assert matter.state == MatterState.PROPOSED

    hold(county, matter, MeetingKind.JOINT, built.committees, votes=(3, 0, 0))
    matter = step(county, matter, "consult", supervisor)
    assert matter.state == MatterState.CONSULTED

    hold(county, matter, MeetingKind.PARTY_MEMBERS, built.party[:5], votes=(5, 0, 0))
    matter = step(county, matter, "review", supervisor)

    adults = built.adults()  # 20 adults in 10 households
    hold(county, matter, MeetingKind.VILLAGERS, adults[:14], votes=(12, 1, 1))
    matter = step(county, matter, "decide", supervisor, resolution="同意硬化道路，村集体出资30%。")
    assert matter.state == MatterState.DECIDED

    matter = step(county, matter, "publish_resolution", supervisor)
    notice = Notice.objects.get(source_type="decisions.matter", source_id=str(matter.pk))
    assert notice.region_code == county.village.code
    assert "同意硬化道路" in notice.body and "14" in notice.body
    assert notice.publicity_ends_on == notice.published_on + datetime.timedelta(days=7)
    assert notice.chain_seq is not None
    assert notice.chain_hash == Event.objects.get(chain=notice.chain, seq=notice.chain_seq).hash

    # A villager objects from a phone during the publicity period: the work cannot start.
    objection = objection_raise(
        notice=notice,
        phone="139 8765 4321",
        text="补偿标准没有公示。",
        sender=sender_of("10.0.0.9"),
    )
    services.opinion_give(actor=supervisor, matter=matter, opinion="待公示期满。")
    with later(8), pytest.raises(ValidationError, match="unanswered"):
        services.matter_transition(
            actor=county.admin, matter=matter, name="implement", expected_version=matter.version
        )
    objection_answer(
        actor=county.admin,
        objection=objection,
        answer="补偿标准见第二号公告。",
        expected_version=objection.version,
    )
    # Answered, but the period still runs until its seventh day.
    with later(7), pytest.raises(ValidationError, match="publicity period runs"):
        services.matter_transition(
            actor=county.admin, matter=matter, name="implement", expected_version=matter.version
        )
    with later(8):
        matter = services.matter_transition(
            actor=county.admin, matter=matter, name="implement", expected_version=matter.version
        )
        assert matter.state == MatterState.IMPLEMENTING
        matter = step(county, matter, "publish_result", supervisor, result="道路已硬化并验收。")
    assert matter.state == MatterState.RESULT_PUBLISHED
    assert Notice.objects.filter(source_id=str(matter.pk)).count() == 2


def test_no_step_can_be_taken_out_of_order(county: County) -> None:
    build_village(county, households=3)
    matter = propose(county)
    with pytest.raises(ValidationError, match="cannot be taken now"):
        services.matter_transition(
            actor=county.admin, matter=matter, name="review", expected_version=matter.version
        )
    with pytest.raises(ValidationError) as refused:
        services.meeting_convene(
            actor=county.admin,
            matter=matter,
            kind=MeetingKind.VILLAGERS,
            held_on=timezone.localdate(),
            notice_on=timezone.localdate() - datetime.timedelta(days=20),
            place="村委会",
            attendees=[],
        )
    assert "kind" in refused.value.message_dict


def test_a_step_needs_its_meeting_and_the_supervision_committees_opinion(county: County) -> None:
    built = build_village(county, households=3)
    matter = propose(county)
    with pytest.raises(ValidationError, match="quorum and passed"):
        step(county, matter, "consult", None)
    hold(county, matter, MeetingKind.JOINT, built.committees, votes=(3, 0, 0))
    with pytest.raises(ValidationError, match="supervision committee"):
        step(county, matter, "consult", None)


def test_going_back_a_step_needs_the_meeting_again(county: County) -> None:
    built = build_village(county, households=3)
    supervisor = supervisor_user(county)
    matter = propose(county)
    hold(county, matter, MeetingKind.JOINT, built.committees, votes=(3, 0, 0))
    matter = step(county, matter, "consult", supervisor)
    matter = services.matter_transition(
        actor=county.admin,
        matter=matter,
        name="back_to_proposed",
        expected_version=matter.version,
        reason="预算需重新测算",
    )
    assert matter.state == MatterState.PROPOSED
    services.opinion_give(actor=supervisor, matter=matter, opinion="同意退回。")
    with pytest.raises(ValidationError, match="quorum and passed"):
        services.matter_transition(
            actor=county.admin, matter=matter, name="consult", expected_version=matter.version
        )


def test_a_matter_can_be_withdrawn_with_a_reason(county: County) -> None:
    matter = propose(county)
    with pytest.raises(ValidationError):
        services.matter_transition(
            actor=county.admin, matter=matter, name="withdraw", expected_version=matter.version
        )
    matter = services.matter_transition(
        actor=county.admin,
        matter=matter,
        name="withdraw",
        expected_version=matter.version,
        reason="上级已立项",
    )
    assert matter.state == MatterState.WITHDRAWN


def test_another_domain_can_hold_the_publication_until_its_precondition_holds(
    county: County,
) -> None:
    built = build_village(county, households=10)
    supervisor = supervisor_user(county)
    matter = propose(county)
    hold(county, matter, MeetingKind.JOINT, built.committees, votes=(3, 0, 0))
    matter = step(county, matter, "consult", supervisor)
    hold(county, matter, MeetingKind.PARTY_MEMBERS, built.party[:5], votes=(5, 0, 0))
    matter = step(county, matter, "review", supervisor)
    hold(county, matter, MeetingKind.REPRESENTATIVES, built.representatives, votes=(2, 0, 0))
    matter = step(county, matter, "decide", supervisor, resolution="同意。")

    def risk_assessed(matter: object, name: str) -> str | None:
        return "先做社会稳定风险评估。" if name == "publish_resolution" else None

    preconditions.register(risk_assessed)
    try:
        with pytest.raises(ValidationError, match="社会稳定风险评估"):
            step(county, matter, "publish_resolution", supervisor)
    finally:
        preconditions.unregister(risk_assessed)
    matter = step(county, matter, "publish_resolution", None)
    assert matter.state == MatterState.RESOLUTION_PUBLISHED


def test_a_vote_that_fails_leaves_the_matter_where_it_was(county: County) -> None:
    built = build_village(county, households=3)
    matter = propose(county)
    meeting = hold(county, matter, MeetingKind.JOINT, built.committees, votes=(1, 2, 0))
    assert meeting.outcome == MeetingOutcome.REJECTED
    with pytest.raises(ValidationError, match="quorum and passed"):
        step(county, matter, "consult", supervisor_user(county))
