"""Quorums and majorities by the right rule, with real numbers (DOMAIN.md section 2)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cunzhi.accounts.testing import County
from cunzhi.decisions import quorum, services
from cunzhi.decisions.models import Body, MeetingKind, MeetingOutcome
from cunzhi.decisions.testing import build_village, hold, propose, step, supervisor_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
CODE = "530199100201"
ON = datetime.date(2026, 3, 2)


def ways(kind: str, **numbers: int) -> list[quorum.QuorumWay]:
    return quorum.quorum_ways(kind, region_code=CODE, on=ON, **numbers)


def test_a_party_members_meeting_needs_two_thirds_of_its_45_members() -> None:
    [way] = ways(MeetingKind.PARTY_MEMBERS, entitled=45, present=30)
    assert (way.needed, way.met) == (30, True)
    [way] = ways(MeetingKind.PARTY_MEMBERS, entitled=45, present=29)
    assert (way.met, way.short_by) == (False, 1)


def test_a_party_members_meeting_passes_with_more_than_half_of_those_entitled() -> None:
    # 45 members, 30 present: 23 votes for are needed, not 16 (half of those present).
    needed = quorum.votes_needed(
        MeetingKind.PARTY_MEMBERS, region_code=CODE, on=ON, entitled=45, present=30
    )
    assert needed == 23


def test_a_representative_meeting_needs_two_thirds_and_passes_with_half_of_those_present() -> None:
    [way] = ways(MeetingKind.REPRESENTATIVES, entitled=31, present=21)
    assert (way.needed, way.met) == (21, True)  # 2/3 of 31 is 20.67: at least 21
    needed = quorum.votes_needed(
        MeetingKind.REPRESENTATIVES, region_code=CODE, on=ON, entitled=31, present=21
    )
    assert needed == 11


def test_a_villagers_meeting_has_a_quorum_by_adults_or_by_households() -> None:
    # 1,203 adults in 412 households: 602 adults, or members of 275 households.
    by_adults, by_households = ways(
        MeetingKind.VILLAGERS, entitled=1203, present=602, households_total=412,
        households_present=250,
    )  # fmt: skip
    assert (by_adults.needed, by_adults.met) == (602, True)
    assert (by_households.needed, by_households.met) == (275, False)
    by_adults, by_households = ways(
        MeetingKind.VILLAGERS, entitled=1203, present=420, households_total=412,
        households_present=275,
    )  # fmt: skip
    assert (by_adults.met, by_households.met) == (False, True)


def test_a_villagers_meeting_of_exactly_half_the_adults_has_no_quorum() -> None:
    by_adults, _ = ways(
        MeetingKind.VILLAGERS, entitled=600, present=300, households_total=200,
        households_present=100,
    )  # fmt: skip
    assert (by_adults.needed, by_adults.short_by) == (301, 1)


def test_the_system_refuses_a_vote_without_quorum_and_says_which_rule_failed(
    county: County,
) -> None:
    built = build_village(county, households=10)
    supervisor = supervisor_user(county)
    matter = propose(county)
    hold(county, matter, MeetingKind.JOINT, built.committees, votes=(3, 0, 0))
    matter = step(county, matter, "consult", supervisor)
    # 6 party members, 3 present: at least 2/3 means 4.
    meeting = hold(county, matter, MeetingKind.PARTY_MEMBERS, built.party[:3])
    assert meeting.outcome == MeetingOutcome.NO_QUORUM
    with pytest.raises(ValidationError) as refused:
        services.meeting_vote(
            actor=county.admin,
            meeting=meeting,
            votes_for=3,
            votes_against=0,
            votes_abstain=0,
            expected_version=meeting.version,
        )
    assert refused.value.messages == [
        "No quorum: at least 2/3 of the 6 members: 4 needed, 3 present (short by 1). "
        "A meeting without a quorum passes nothing."
    ]
    meeting.refresh_from_db()
    assert meeting.votes_for is None and meeting.outcome == MeetingOutcome.NO_QUORUM


def test_a_villagers_meeting_without_quorum_names_both_rules(county: County) -> None:
    built = build_village(county, households=10)
    supervisor = supervisor_user(county)
    matter = propose(county)
    hold(county, matter, MeetingKind.JOINT, built.committees, votes=(3, 0, 0))
    matter = step(county, matter, "consult", supervisor)
    hold(county, matter, MeetingKind.PARTY_MEMBERS, built.party[:5], votes=(5, 0, 0))
    matter = step(county, matter, "review", supervisor)
    heads = [h.members.get(relation="head") for h in built.households]
    # 30 adults in 10 households (the daughters born 2008-09-30 are 18 by now); 6 heads came:
    # 16 adults or members of 7 households were needed.
    meeting = hold(county, matter, MeetingKind.VILLAGERS, heads[:6])
    assert quorum.failure(quorum.ways_of(meeting.quorum)) == (
        "No quorum: more than 1/2 of the 30 adult villagers: 16 needed, 6 present (short by 10); "
        "or representatives of at least 2/3 of the 10 households: 7 needed, 6 present "
        "(short by 1). A meeting without a quorum passes nothing."
    )


def test_the_quorum_counts_the_register_as_it_stood_on_the_meeting_date(county: County) -> None:
    built = build_village(county, households=3)
    matter = propose(county, proposed_on=datetime.date(2025, 1, 6))
    # A fourth committee member joins on 2025-06-01: a joint meeting of May still counts three.
    services.membership_appoint(
        actor=county.admin,
        village=county.village,
        body=Body.VILLAGE_COMMITTEE,
        resident=built.households[0].members.get(relation="spouse"),
        starts_on=datetime.date(2025, 6, 1),
    )
    may = hold(
        county, matter, MeetingKind.JOINT, built.committees[:2], held_on=datetime.date(2025, 5, 20)
    )
    june = hold(
        county, matter, MeetingKind.JOINT, built.committees[:2], held_on=datetime.date(2025, 6, 2)
    )
    assert (may.entitled, may.quorum_met) == (3, True)
    assert (june.entitled, june.quorum_met) == (4, False)


def test_an_attendee_not_on_the_register_is_refused(county: County) -> None:
    built = build_village(county, households=3)
    matter = propose(county)
    stranger = built.households[2].members.get(relation="spouse")
    with pytest.raises(ValidationError, match="Not on the meeting's register"):
        hold(county, matter, MeetingKind.JOINT, [*built.committees, stranger])


def test_a_villagers_meeting_needs_ten_days_notice(county: County) -> None:
    built = build_village(county, households=10)
    supervisor = supervisor_user(county)
    matter = propose(county)
    hold(county, matter, MeetingKind.JOINT, built.committees, votes=(3, 0, 0))
    matter = step(county, matter, "consult", supervisor)
    hold(county, matter, MeetingKind.PARTY_MEMBERS, built.party[:5], votes=(5, 0, 0))
    matter = step(county, matter, "review", supervisor)
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="10 days ahead"):
        services.meeting_convene(
            actor=county.admin,
            matter=matter,
            kind=MeetingKind.VILLAGERS,
            held_on=today,
            notice_on=today - datetime.timedelta(days=9),
            place="村小学操场",
            attendees=built.adults(),
        )
