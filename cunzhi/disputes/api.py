"""Petitions, mediation cases, sessions, agreements and assessments over JSON (DESIGN rule 8).

The handlers call the same selectors and services as the pages. A petition's JSON carries each
statutory date as a date (``accept_by``, ``redirect_by``, ``handle_by``, the review dates),
read from the record, never recounted; transitions use the kit's two endpoints per workflow.
"""

# No "from __future__ import annotations": Ninja reads the handlers' annotations at runtime.
import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
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
from cunzhi.disputes import selectors, services
from cunzhi.disputes.lists import CASES, PETITIONS
from cunzhi.disputes.models import (
    CaseLevel,
    CaseParty,
    CaseState,
    DisputeType,
    MediationCase,
    MediationSession,
    PartySide,
    Petition,
    PetitionChannel,
    PetitionKind,
    PetitionState,
    RiskLevel,
    StabilityAssessment,
)
from cunzhi.regions.models import Region
from cunzhi.registry.models import Resident

router = Router(tags=["disputes"])


def _region(request: HttpRequest, code: str) -> Region:
    return get_in_scope(Region.objects.all(), actor(request), "view", code=code)


def _without_region(filters: Any) -> Any:
    """The list's own filters (``api_rows`` hands each to the FilterSet), the area apart."""
    base = type(filters).__mro__[1]
    return base(**filters.model_dump(exclude={"region"}))


def _resident(request: HttpRequest, pk: int | None) -> Resident | None:
    if pk is None:
        return None
    return get_in_scope(Resident.objects.all(), actor(request), "view", pk=pk)


# --- petitions ------------------------------------------------------------------------


class PetitionIn(InputSchema):
    region: str = Field(..., max_length=15, description="The code of the receiving region.")
    kind: PetitionKind
    channel: PetitionChannel
    petitioner_name: str = Field(..., min_length=1, max_length=100)
    petitioner: RecordId | None = Field(None, description="The petitioner's resident id.")
    petitioner_count: int = Field(1, ge=1, le=10000, description="More than 1: a group.")
    content: str = Field(..., min_length=1, max_length=10000)
    receiving_organ: str = Field(..., min_length=1, max_length=100)
    received_on: datetime.date
    same_matter_as: RecordId | None = Field(
        None, description="An earlier petition on the same matter."
    )


class PetitionOut(Schema):
    id: int
    number: str
    region_code: str
    kind: str
    kind_label: str
    channel: str
    petitioner_name: str
    petitioner_count: int
    is_group: bool
    content: str
    receiving_organ: str
    received_on: datetime.date
    state: str
    state_label: str
    deadline_status: str = Field(..., description="As of today, from the stored dates.")
    due_on: datetime.date | None = Field(..., description="The running deadline.")
    accept_by: datetime.date | None
    redirect_by: datetime.date | None
    accepted_on: datetime.date | None
    handle_by: datetime.date | None
    replied_on: datetime.date | None
    satisfaction: str
    review_request_by: datetime.date | None
    review_requested_on: datetime.date | None
    review_answer_by: datetime.date | None
    review_answered_on: datetime.date | None
    re_review_request_by: datetime.date | None
    re_review_requested_on: datetime.date | None
    re_review_answer_by: datetime.date | None
    re_review_answered_on: datetime.date | None
    same_matter_as: int | None = Field(None, alias="same_matter_as_id")
    version: int

    @staticmethod
    def resolve_kind_label(p: Petition) -> str:
        return label_of(PetitionKind, p.kind)

    @staticmethod
    def resolve_state_label(p: Petition) -> str:
        return label_of(PetitionState, p.state)

    @staticmethod
    def resolve_deadline_status(p: Petition) -> str:
        annotated = getattr(p, "deadline_now", None)
        if annotated is not None:
            return str(annotated)
        from cunzhi.core.workflow.deadlines import status_on
        from cunzhi.core.workflow.fields import RUNNING

        if p.deadline_status not in RUNNING:
            return str(p.deadline_status)
        return str(status_on(p, timezone.localdate()))


class PetitionFilter(filter_schema(PETITIONS)):  # type: ignore[misc]
    """The list page's filters and sorts (``lists.PETITIONS``), and the area."""

    region: str | None = Field(None, max_length=15, description="Only this region's code.")


class CaseFilter(filter_schema(CASES)):  # type: ignore[misc]
    region: str | None = Field(None, max_length=15, description="Only this region's code.")


@router.post(
    "/petitions",
    response={201: PetitionOut, **WRITE_ERRORS},
    summary="Register a petition (信访登记)",
)
def petition_create(request: HttpRequest, payload: PetitionIn) -> Status[Petition]:
    same = (
        get_in_scope(Petition.objects.all(), actor(request), "view", pk=payload.same_matter_as)
        if payload.same_matter_as
        else None
    )
    petition = services.petition_register(
        actor=actor(request),
        region=_region(request, payload.region),
        kind=payload.kind,
        channel=payload.channel,
        petitioner_name=payload.petitioner_name,
        petitioner=_resident(request, payload.petitioner),
        petitioner_count=payload.petitioner_count,
        content=payload.content,
        receiving_organ=payload.receiving_organ,
        received_on=payload.received_on,
        same_matter_as=same,
    )
    return Status(201, petition)


@router.get(
    "/petitions",
    response={200: list[PetitionOut], **READ_ERRORS},
    summary="Open petitions, nearest deadline first",
)
@paginate(Pagination)
def petition_list(request: HttpRequest, filters: Query[PetitionFilter]) -> Any:
    """Filtered and sorted as the list page (default: nearest deadline first)."""
    region = _region(request, filters.region) if filters.region else None
    return api_rows(PETITIONS, actor(request), _without_region(filters), region=region)


@router.get(
    "/petitions/{petition_id}", response={200: PetitionOut, **READ_ERRORS}, summary="One petition"
)
def petition_detail(
    request: HttpRequest, petition_id: RecordId, response: HttpResponse
) -> Petition:
    return with_etag(response, selectors.petition_detail(actor(request), petition_id))


add_transition_routes(
    router, model=Petition, service=services.petition_transition, prefix="/petitions"
)


# --- mediation cases ------------------------------------------------------------------


class PartyIn(InputSchema):
    side: PartySide
    name: str = Field("", max_length=100)
    resident: RecordId | None = None


class CaseIn(InputSchema):
    village: str = Field(..., max_length=15, description="The code of the village it arose in.")
    title: str = Field(..., min_length=1, max_length=200)
    dispute_type: DisputeType
    facts: str = Field(..., min_length=1, max_length=10000)
    received_on: datetime.date
    level: CaseLevel = CaseLevel.VILLAGE
    risk_flag: bool = False
    risk_note: str = Field("", max_length=200)
    parties: list[PartyIn] = Field(..., min_length=2, max_length=50)


class PartyOut(Schema):
    id: int
    side: str
    name: str
    resident: int | None = Field(None, alias="resident_id")
    consented_on: datetime.date | None
    version: int


class SessionOut(Schema):
    id: int
    held_on: datetime.date
    notes: str


class CaseOut(Schema):
    id: int
    region_code: str
    title: str
    dispute_type: str
    dispute_type_label: str
    facts: str
    level: str
    level_label: str
    state: str
    state_label: str
    received_on: datetime.date
    started_on: datetime.date | None
    due_on: datetime.date | None
    risk_flag: bool
    risk_note: str
    escalated: bool
    agreement_kind: str
    agreement_terms: str
    signatures_recorded: bool
    agreed_on: datetime.date | None
    court_confirmation_requested: bool
    routes_told: str
    closed_level: str
    petition: int | None = Field(None, alias="petition_id")
    repeat_of: int | None = Field(None, alias="repeat_of_id")
    parties: list[PartyOut]
    sessions: list[SessionOut]
    version: int

    @staticmethod
    def resolve_dispute_type_label(c: MediationCase) -> str:
        return label_of(DisputeType, c.dispute_type)

    @staticmethod
    def resolve_level_label(c: MediationCase) -> str:
        return label_of(CaseLevel, c.level)

    @staticmethod
    def resolve_state_label(c: MediationCase) -> str:
        return label_of(CaseState, c.state)

    @staticmethod
    def resolve_parties(c: MediationCase) -> list[Any]:
        return list(c.parties.all())

    @staticmethod
    def resolve_sessions(c: MediationCase) -> list[Any]:
        return list(c.sessions.all())


@router.post(
    "/mediation-cases", response={201: CaseOut, **WRITE_ERRORS}, summary="Register a dispute"
)
def case_create(request: HttpRequest, payload: CaseIn) -> Status[MediationCase]:
    village = _region(request, payload.village)
    case = services.mediation_case_create(
        actor=actor(request),
        region=village,
        title=payload.title,
        dispute_type=payload.dispute_type,
        facts=payload.facts,
        received_on=payload.received_on,
        level=payload.level,
        risk_flag=payload.risk_flag,
        risk_note=payload.risk_note,
        parties=[
            {"side": p.side, "name": p.name, "resident": _resident(request, p.resident)}
            for p in payload.parties
        ],
    )
    return Status(201, selectors.case_detail(actor(request), case.pk))


@router.get(
    "/mediation-cases",
    response={200: list[CaseOut], **READ_ERRORS},
    summary="Open mediation cases, flagged first",
)
@paginate(Pagination)
def case_list(request: HttpRequest, filters: Query[CaseFilter]) -> Any:
    """Filtered and sorted as the list page; ``state=open`` for the open ones."""
    region = _region(request, filters.region) if filters.region else None
    rows = api_rows(CASES, actor(request), _without_region(filters), region=region)
    return rows.prefetch_related("parties", "sessions")


@router.get(
    "/mediation-cases/{mediationcase_id}",
    response={200: CaseOut, **READ_ERRORS},
    summary="One mediation case",
)
def case_detail(request: HttpRequest, mediationcase_id: RecordId) -> MediationCase:
    return selectors.case_detail(actor(request), mediationcase_id)


class SessionIn(InputSchema):
    held_on: datetime.date
    notes: str = Field(..., min_length=1, max_length=10000)


@router.post(
    "/mediation-cases/{mediationcase_id}/sessions",
    response={201: SessionOut, **WRITE_ERRORS},
    summary="Record a mediation session",
)
def session_create(
    request: HttpRequest, mediationcase_id: RecordId, payload: SessionIn
) -> Status[MediationSession]:
    case = selectors.case_detail(actor(request), mediationcase_id)
    session = services.mediation_session_add(
        actor=actor(request), case=case, held_on=payload.held_on, notes=payload.notes
    )
    return Status(201, session)


class ConsentIn(VersionedInput):
    consented_on: datetime.date


@router.post(
    "/case-parties/{caseparty_id}/consent",
    response={200: PartyOut, **EDIT_ERRORS},
    summary="Record a party's consent to mediation",
)
def party_consent(
    request: HttpRequest, caseparty_id: RecordId, payload: ConsentIn, response: HttpResponse
) -> CaseParty:
    party = get_in_scope(
        CaseParty.objects.select_related("case"), actor(request), "view", pk=caseparty_id
    )
    _changes, version = edit_of(request, payload)
    saved = services.case_party_consent(
        actor=actor(request),
        party=party,
        consented_on=payload.consented_on,
        expected_version=version,
    )
    return with_etag(response, saved)


add_transition_routes(
    router,
    model=MediationCase,
    service=services.mediation_case_transition,
    prefix="/mediation-cases",
    entity_arg="mediation_case",
)


# --- stability risk assessments -------------------------------------------------------


class AssessmentIn(InputSchema):
    region: str = Field(..., max_length=15)
    subject: str = Field(..., min_length=1, max_length=200)
    matter_type: str = Field(..., min_length=1, max_length=50)
    risk_points: str = Field(..., min_length=1, max_length=10000)
    level: RiskLevel
    measures: str = Field(..., min_length=1, max_length=10000)
    subject_type: str = Field("", max_length=100)
    subject_id: RecordId | None = None


class AssessmentOut(Schema):
    id: int
    region_code: str
    subject: str
    matter_type: str
    subject_type: str
    subject_id: int | None
    risk_points: str
    level: str
    measures: str
    conclusion: str
    state: str
    approved_on: datetime.date | None
    version: int


@router.post(
    "/assessments",
    response={201: AssessmentOut, **WRITE_ERRORS},
    summary="Draft a stability risk assessment (稳评)",
)
def assessment_create(request: HttpRequest, payload: AssessmentIn) -> Status[StabilityAssessment]:
    return Status(
        201,
        services.assessment_create(
            actor=actor(request),
            region=_region(request, payload.region),
            subject=payload.subject,
            matter_type=payload.matter_type,
            risk_points=payload.risk_points,
            level=payload.level,
            measures=payload.measures,
            subject_type=payload.subject_type,
            subject_id=payload.subject_id,
        ),
    )


@router.get(
    "/assessments", response={200: list[AssessmentOut], **READ_ERRORS}, summary="Assessments"
)
@paginate(Pagination)
def assessment_list(request: HttpRequest) -> Any:
    return selectors.assessment_list(actor(request))


add_transition_routes(
    router,
    model=StabilityAssessment,
    service=services.assessment_transition,
    prefix="/assessments",
    entity_arg="assessment",
)
