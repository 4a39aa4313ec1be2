"""Building decisions test data through the services, and the records the URL sweeps need."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from cunzhi.accounts.models import Role, User
from cunzhi.accounts.testing import County, ThreePeople, make_user, record_factory
from cunzhi.decisions import services
from cunzhi.decisions.models import Body, Matter, MatterType, Meeting, MeetingKind, Membership
from cunzhi.regions.models import Region
from cunzhi.registry.models import Household, Resident
from cunzhi.registry.testing import register_family

# Terms began well before any meeting the tests hold.
TERM_START = datetime.date(2024, 1, 2)


@dataclass
class Village:
    """A village of ``households`` families (a head born 1968, a wife born 1970, a daughter born
    2008: two adults each) with its registers filled."""

    village: Region
    households: list[Household]
    committees: list[Resident] = field(default_factory=list)
    party: list[Resident] = field(default_factory=list)
    representatives: list[Resident] = field(default_factory=list)
    supervisors: list[Resident] = field(default_factory=list)

    def adults(self) -> list[Resident]:
        return [
            r for h in self.households for r in h.members.order_by("pk") if r.relation != "daughter"
        ]


def build_village(
    county: County, *, households: int = 10, village: Region | None = None, start: int = 1
) -> Village:
    """Committees of the first three heads, party members the first five heads and wives,
    representatives the wives of households 4–5, supervisors the heads of households 6–8."""
    actor = county.admin
    village = village or county.village
    homes = [
        register_family(actor, village, f"{n:03d}", sequence=300 + 3 * n, head_name=f"杨{n}号")
        for n in range(start, start + households)
    ]
    heads = [h.members.get(relation="head") for h in homes]
    wives = [h.members.get(relation="spouse") for h in homes]
    built = Village(village, homes)

    def put(body: str, residents: list[Resident], position: str = "") -> list[Resident]:
        for resident in residents:
            services.membership_appoint(
                actor=actor,
                village=village,
                body=body,
                resident=resident,
                starts_on=TERM_START,
                position=position,
            )
        return residents

    built.committees = put(Body.VILLAGE_COMMITTEE, heads[:2]) + put(
        Body.BRANCH_COMMITTEE, heads[2:3]
    )
    built.party = put(Body.PARTY_MEMBERS, heads[:5] + wives[:1])
    if households >= 8:
        built.representatives = put(Body.REPRESENTATIVES, wives[3:5])
        built.supervisors = put(Body.SUPERVISION, heads[5:8])
    return built


def supervisor_user(county: County, username: str = "jiandu") -> User:
    return make_user(county, username, Role.SUPERVISION_MEMBER, county.village)


def propose(county: County, title: str = "石板村通组道路硬化", **extra: Any) -> Matter:
    return services.matter_propose(
        actor=county.admin,
        village=extra.pop("village", county.village),
        matter_type=extra.pop("matter_type", MatterType.PUBLIC_WELFARE),
        title=title,
        description=extra.pop("description", "硬化第一村民小组至村委会道路1.2公里。"),
        **extra,
    )


def hold(
    county: County,
    matter: Matter,
    kind: str,
    attendees: list[Resident],
    *,
    held_on: datetime.date | None = None,
    votes: tuple[int, int, int] | None = None,
) -> Meeting:
    """A meeting on the matter's step; with ``votes`` its vote too."""
    held_on = held_on or timezone.localdate()
    meeting = services.meeting_convene(
        actor=county.admin,
        matter=matter,
        kind=kind,
        held_on=held_on,
        notice_on=held_on - datetime.timedelta(days=10),
        place="村委会会议室",
        attendees=attendees,
    )
    if votes is not None:
        meeting = services.meeting_vote(
            actor=county.admin,
            meeting=meeting,
            votes_for=votes[0],
            votes_against=votes[1],
            votes_abstain=votes[2],
            expected_version=meeting.version,
        )
    return meeting


def step(
    county: County, matter: Matter, name: str, supervisor: User | None, **inputs: Any
) -> Matter:
    """The supervision committee's opinion on the step (when given a supervisor), then the step."""
    if supervisor is not None:
        services.opinion_give(actor=supervisor, matter=matter, opinion="程序合规，同意。")
    matter.refresh_from_db()
    return services.matter_transition(
        actor=county.admin, matter=matter, name=name, expected_version=matter.version, **inputs
    )


# The records the sweeps over every URL need (accounts.testing.record_factory).


@record_factory("decisions.matter")
def a_matter(county: County, people: ThreePeople) -> Matter:
    return propose(county)


@record_factory("decisions.meeting")
def a_meeting(county: County, people: ThreePeople) -> Meeting:
    built = build_village(county, households=3)
    return hold(county, propose(county), MeetingKind.JOINT, built.committees)


@record_factory("decisions.membership")
def a_membership(county: County, people: ThreePeople) -> Membership:
    home = register_family(county.admin, county.village, "090", sequence=900)
    return services.membership_appoint(
        actor=county.admin,
        village=county.village,
        body=Body.REPRESENTATIVES,
        resident=home.members.get(relation="spouse"),
        starts_on=TERM_START,
    )
