"""Matters and their steps, meetings with attendance, votes and quorums, and the registers.

The same selectors and services as the pages (DESIGN rule 8); a matter's steps are taken at
``/matters/{id}/transitions`` (core.workflow).
"""

# No "from __future__ import annotations": Ninja reads the handlers' annotations at runtime.
import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from cunzhi.core.api import (
    EDIT_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    InputSchema,
    Pagination,
    RecordId,
    VersionedInput,
    actor,
    edit_of,
    label_of,
    with_etag,
)
from cunzhi.core.lists import api_rows, filter_schema
from cunzhi.core.scoping import get_in_scope
from cunzhi.core.workflow.api import add_transition_routes
from cunzhi.decisions import quorum, selectors, services
from cunzhi.decisions.lists import MATTERS
from cunzhi.decisions.models import (
    Body,
    Matter,
    MatterState,
    MatterType,
    Meeting,
    MeetingKind,
    MeetingOutcome,
    Membership,
)
from cunzhi.regions.selectors import village_get
from cunzhi.registry.models import Resident

router = Router(tags=["decisions"])
MatterFilters = filter_schema(MATTERS)


class MatterOut(Schema):
    id: int
    region_code: str
    matter_type: str
    matter_type_label: str
    art24: bool = Field(..., description="A matter the villagers' meeting decides (Art. 24).")
    title: str
    description: str
    state: str
    state_label: str
    proposed_on: datetime.date
    resolution: str
    result: str
    version: int

    @staticmethod
    def resolve_matter_type_label(matter: Matter) -> str:
        return label_of(MatterType, matter.matter_type)

    @staticmethod
    def resolve_art24(matter: Matter) -> bool:
        return matter.is_art24

    @staticmethod
    def resolve_state_label(matter: Matter) -> str:
        return label_of(MatterState, matter.state)


class QuorumOut(Schema):
    rule: str = Field(..., description="members, adults or households")
    share: str
    more_than: bool
    of: int
    needed: int
    present: int
    met: bool
    short_by: int
    text: str


class MeetingOut(Schema):
    id: int
    matter_id: int
    kind: str
    kind_label: str
    held_on: datetime.date
    notice_on: datetime.date
    place: str
    entitled: int
    present: int
    attendees: list[int]
    quorum_met: bool
    quorum: list[QuorumOut]
    votes_for: int | None
    votes_against: int | None
    votes_abstain: int | None
    votes_needed: int | None
    outcome: str
    outcome_label: str
    version: int

    @staticmethod
    def resolve_kind_label(meeting: Meeting) -> str:
        return label_of(MeetingKind, meeting.kind)

    @staticmethod
    def resolve_outcome_label(meeting: Meeting) -> str:
        return label_of(MeetingOutcome, meeting.outcome)

    @staticmethod
    def resolve_attendees(meeting: Meeting) -> list[int]:
        return [r.pk for r in meeting.attendees.all()]

    @staticmethod
    def resolve_quorum(meeting: Meeting) -> list[dict[str, Any]]:
        return [
            {**way.__dict__, "met": way.met, "short_by": way.short_by, "text": quorum.describe(way)}
            for way in quorum.ways_of(meeting.quorum)
        ]


class OpinionOut(Schema):
    id: int
    step: str
    opinion: str
    given_on: datetime.date


class MatterDetailOut(MatterOut):
    meetings: list[MeetingOut]
    opinions: list[OpinionOut]

    @staticmethod
    def resolve_meetings(matter: Matter) -> Any:
        return selectors.meetings_of(matter).prefetch_related("attendees")

    @staticmethod
    def resolve_opinions(matter: Matter) -> Any:
        return selectors.opinions_of(matter)


class MatterIn(InputSchema):
    matter_type: MatterType
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field(..., min_length=1, max_length=10000)
    proposed_on: datetime.date | None = None


@router.get(
    "/villages/{code}/matters",
    response={200: list[MatterOut], **READ_ERRORS},
    summary="A village's matters (四议两公开)",
)
@paginate(Pagination)
def matter_list(
    request: HttpRequest,
    code: str,
    filters: Query[MatterFilters],  # type: ignore[valid-type]
) -> QuerySet[Matter]:
    """Filtered and sorted as the page is (``state``, ``matter_type``, ``sort``)."""
    return api_rows(MATTERS, actor(request), filters, village=village_get(actor(request), code))


@router.post(
    "/villages/{code}/matters",
    response={201: MatterOut, **WRITE_ERRORS},
    summary="Propose a matter",
)
def matter_create(request: HttpRequest, code: str, payload: MatterIn) -> Status[Matter]:
    matter = services.matter_propose(
        actor=actor(request), village=village_get(actor(request), code), **payload.model_dump()
    )
    return Status(201, matter)


@router.get(
    "/matters/{matter_id}",
    response={200: MatterDetailOut, **READ_ERRORS},
    summary="A matter with its meetings and the supervision committee's opinions",
)
def matter_detail(request: HttpRequest, matter_id: RecordId, response: HttpResponse) -> Matter:
    matter = get_in_scope(Matter.objects.all(), actor(request), "view", pk=matter_id)
    return with_etag(response, matter)


add_transition_routes(router, model=Matter, service=services.matter_transition, prefix="/matters")


class OpinionIn(InputSchema):
    opinion: str = Field(..., min_length=1, max_length=2000)


class MeetingIn(InputSchema):
    kind: MeetingKind
    held_on: datetime.date
    notice_on: datetime.date
    place: str = Field(..., min_length=1, max_length=100)
    attendees: list[RecordId] = Field(
        default_factory=list, max_length=5000, description="Resident ids, from the register."
    )


class VoteIn(VersionedInput):
    votes_for: int = Field(..., ge=0, le=100000)
    votes_against: int = Field(..., ge=0, le=100000)
    votes_abstain: int = Field(..., ge=0, le=100000)


@router.post(
    "/matters/{matter_id}/meetings",
    response={201: MeetingOut, **WRITE_ERRORS},
    summary="Record a meeting on the matter's step, with who attended (the quorum is counted)",
)
def meeting_create(
    request: HttpRequest, matter_id: RecordId, payload: MeetingIn
) -> Status[Meeting]:
    user = actor(request)
    matter = get_in_scope(Matter.objects.select_related("region"), user, "view", pk=matter_id)
    people = list(Resident.objects.filter(region_code=matter.region_code, pk__in=payload.attendees))
    if len(people) != len(set(payload.attendees)):
        raise ValidationError({"attendees": [_("Choose residents of this village.")]})
    data = payload.model_dump()
    data["attendees"] = people
    return Status(201, services.meeting_convene(actor=user, matter=matter, **data))


@router.get(
    "/meetings/{meeting_id}",
    response={200: MeetingOut, **READ_ERRORS},
    summary="A meeting: attendance, the quorum it needed, the vote",
)
def meeting_detail(request: HttpRequest, meeting_id: RecordId, response: HttpResponse) -> Meeting:
    meeting = get_in_scope(Meeting.objects.all(), actor(request), "view", pk=meeting_id)
    return with_etag(response, meeting)


@router.post(
    "/meetings/{meeting_id}/votes",
    response={200: MeetingOut, **EDIT_ERRORS},
    summary="Record the vote (refused without a quorum)",
)
def meeting_vote(
    request: HttpRequest, meeting_id: RecordId, payload: VoteIn, response: HttpResponse
) -> Meeting:
    meeting = get_in_scope(Meeting.objects.all(), actor(request), "view", pk=meeting_id)
    changes, version = edit_of(request, payload)
    saved = services.meeting_vote(
        actor=actor(request), meeting=meeting, expected_version=version, **changes
    )
    return with_etag(response, saved)


@router.post(
    "/matters/{matter_id}/opinions",
    response={201: OpinionOut, **WRITE_ERRORS},
    summary="The supervision committee's opinion on the matter's current step",
)
def opinion_create(request: HttpRequest, matter_id: RecordId, payload: OpinionIn) -> Status[Any]:
    user = actor(request)
    matter = get_in_scope(Matter.objects.select_related("region"), user, "view", pk=matter_id)
    return Status(201, services.opinion_give(actor=user, matter=matter, opinion=payload.opinion))


class MembershipOut(Schema):
    id: int
    body: str
    body_label: str
    resident_id: int
    name: str
    position: str
    starts_on: datetime.date
    ends_on: datetime.date | None
    version: int

    @staticmethod
    def resolve_body_label(entry: Membership) -> str:
        return label_of(Body, entry.body)

    @staticmethod
    def resolve_name(entry: Membership) -> str:
        return entry.resident.name


class RegistersOut(Schema):
    on: datetime.date
    entries: list[MembershipOut]
    warnings: list[str]


class RegisterQuery(InputSchema):
    on: datetime.date | None = Field(None, description="The registers as they stood on this day.")


class MembershipIn(InputSchema):
    body: Body
    resident: RecordId
    starts_on: datetime.date
    position: str = Field("", max_length=50)


@router.get(
    "/villages/{code}/registers",
    response={200: RegistersOut, **READ_ERRORS},
    summary="The registers quorums are counted from, as they stood on a date",
)
def registers_detail(request: HttpRequest, code: str, query: Query[RegisterQuery]) -> Any:
    village = village_get(actor(request), code)
    on = query.on or timezone.localdate()
    entries = [
        e
        for register in selectors.registers_on(actor(request), village, on)
        for e in register.entries
    ]
    return {
        "on": on,
        "entries": entries,
        "warnings": [w.message for w in selectors.warnings(village, on)],
    }


@router.post(
    "/villages/{code}/registers",
    response={201: MembershipOut, **WRITE_ERRORS},
    summary="Put a resident on a register",
)
def membership_create(request: HttpRequest, code: str, payload: MembershipIn) -> Status[Membership]:
    village = village_get(actor(request), code)
    try:
        resident = Resident.objects.get(region_code=village.code, pk=payload.resident)
    except Resident.DoesNotExist:
        raise ValidationError({"resident": [_("Choose a resident of this village.")]}) from None
    entry = services.membership_appoint(
        actor=actor(request),
        village=village,
        body=payload.body,
        resident=resident,
        starts_on=payload.starts_on,
        position=payload.position,
    )
    return Status(201, entry)
