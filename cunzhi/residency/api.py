"""Residency over JSON: the day's check-in, the compliance table, leave and its steps.

The same selectors and services as the pages (DESIGN rule 8). A year the working-day calendar
lacks is a 422 whose message names the fix.
"""

# No "from __future__ import annotations": Ninja reads the handlers' annotations at runtime.
import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from cunzhi.accounts.models import User
from cunzhi.core.api import (
    EDIT_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    DecimalIn,
    InputSchema,
    Pagination,
    RecordId,
    VersionedInput,
    VersionedPatch,
    actor,
    edit_of,
    label_of,
    with_etag,
)
from cunzhi.core.calendar import CalendarYearMissing
from cunzhi.core.lists import api_rows, filter_schema
from cunzhi.core.regioncodes import InvalidCode, Level, level_of
from cunzhi.core.scoping import get_in_scope
from cunzhi.core.workflow.api import add_transition_routes
from cunzhi.residency import selectors, services
from cunzhi.residency.compliance import ComplianceRow
from cunzhi.residency.forms import month_of
from cunzhi.residency.lists import SUPPORT
from cunzhi.residency.models import (
    Assessment,
    Dispatch,
    DispatchRole,
    Grade,
    LeaveRequest,
    LeaveState,
    LeaveType,
    PresenceDay,
    PresenceKind,
    PresenceSource,
    Recall,
    RecallState,
    SupportYear,
)
from cunzhi.residency.scoping import may

router = Router(tags=["residency"])


# Presence


class CheckInIn(InputSchema):
    latitude: DecimalIn | None = Field(None, ge=-90, le=90, max_digits=9, decimal_places=6)
    longitude: DecimalIn | None = Field(None, ge=-180, le=180, max_digits=9, decimal_places=6)
    accuracy_m: int | None = Field(None, ge=0, le=1_000_000, description="Metres, from the GPS.")


class PresenceOut(Schema):
    id: int
    version: int
    date: datetime.date
    kind: str
    kind_label: str
    source: str
    source_label: str
    is_working_day: bool
    latitude: Decimal | None
    longitude: Decimal | None
    accuracy_m: int | None
    distance_m: int | None
    far_from_village: bool
    village: str = Field(..., description="The village's division code.")

    @staticmethod
    def resolve_kind_label(day: PresenceDay) -> str:
        return label_of(PresenceKind, day.kind)

    @staticmethod
    def resolve_source_label(day: PresenceDay) -> str:
        return label_of(PresenceSource, day.source)

    @staticmethod
    def resolve_village(day: PresenceDay) -> str:
        return day.region_code


@router.post(
    "/residency/presence",
    response={200: PresenceOut, 201: PresenceOut, **WRITE_ERRORS},
    summary="Check in for today (idempotent: a second call returns the day as recorded)",
)
def presence_check_in(request: HttpRequest, payload: CheckInIn) -> Any:
    day, changed = services.presence_check_in(actor=actor(request), **payload.dict())
    return Status(201 if changed else 200, day)


# Compliance


class ComplianceQuery(InputSchema):
    year: int = Field(..., ge=2000, le=2100)
    region: str | None = Field(None, max_length=15, description="A division code to narrow to.")


class ComplianceOut(Schema):
    dispatch: int
    cadre: str
    role: str
    village: str
    village_name: str
    sending_unit: str
    period_start: datetime.date
    period_end: datetime.date
    working_days: int
    working_days_so_far: int
    in_village_days: int
    share: float | None = Field(..., description="Days in the village / working days so far.")
    required_share: str = Field(..., examples=["2/3"])
    required_days: int
    days_still_needed: int
    remaining_working_days: int
    unexplained_days: int
    status: str
    status_label: str


def _compliance_out(row: ComplianceRow) -> dict[str, Any]:
    dispatch = row.dispatch
    share = row.share
    return {
        "dispatch": dispatch.pk,
        "cadre": str(dispatch.cadre),
        "role": dispatch.role,
        "village": dispatch.region_code,
        "village_name": dispatch.region.name,
        "sending_unit": dispatch.sending_unit.name,
        "period_start": row.period_start,
        "period_end": row.period_end,
        "working_days": row.working_days,
        "working_days_so_far": row.working_days_so_far,
        "in_village_days": row.in_village_days,
        "share": None if share is None else round(float(share), 4),
        "required_share": str(row.required_share),
        "required_days": row.required_days,
        "days_still_needed": row.days_still_needed,
        "remaining_working_days": row.remaining_working_days,
        "unexplained_days": row.unexplained_days,
        "status": row.status,
        "status_label": row.status_label,
    }


def _narrowed_to(code: str | None) -> str:
    """The division code a list is narrowed to ("" for the whole scope), or a 422 saying why it is
    not a code."""
    if not code:
        return ""
    try:
        level_of(code)
    except InvalidCode as exc:
        raise ValidationError({"region": [str(exc)]}) from exc
    return code


@contextmanager
def _calendar_checked() -> Iterator[None]:
    """A year the working-day calendar lacks is a 422 whose message names the fix."""
    try:
        yield
    except CalendarYearMissing as exc:
        raise ValidationError({"year": [str(exc)]}) from exc


@router.get(
    "/residency/compliance",
    response={200: list[ComplianceOut], **READ_ERRORS},
    summary="One row per dispatch in scope serving in the year, worst first",
)
def compliance(request: HttpRequest, filters: Query[ComplianceQuery]) -> Any:
    region = _narrowed_to(filters.region)
    with _calendar_checked():
        rows = selectors.compliance_table(
            actor(request), filters.year, region_code=region, on=timezone.localdate()
        )
    return [_compliance_out(row) for row in rows]


class SummaryQuery(ComplianceQuery):
    by: Literal["city", "county", "township", "village"] | None = Field(
        None, description="The level to count by; by default the highest at which villages differ."
    )


class AreaOut(Schema):
    code: str
    name: str
    level: str
    level_label: str
    dispatches: int
    on_track: int
    at_risk: int
    cannot_meet: int
    working_days_so_far: int
    in_village_days: int
    share: float | None = Field(..., description="All the area's days in the village / so far.")
    unexplained_days: int


@router.get(
    "/residency/compliance/summary",
    response={200: list[AreaOut], **READ_ERRORS},
    summary="The dispatches in scope serving in the year, counted by area, most behind first",
)
def compliance_summary(request: HttpRequest, filters: Query[SummaryQuery]) -> Any:
    region = _narrowed_to(filters.region)
    with _calendar_checked():
        areas = selectors.compliance_by_area(
            actor(request),
            filters.year,
            region_code=region,
            level=Level(filters.by) if filters.by else None,
            on=timezone.localdate(),
        )
    return [
        {
            "code": area.code,
            "name": area.name,
            "level": area.level,
            "level_label": str(Level(area.level).label),
            **dict(zip(SUMMARY_COUNTS, area.figures(), strict=True)),
            "share": None if area.share is None else round(float(area.share), 4),
        }
        for area in areas
    ]


SUMMARY_COUNTS = (
    "dispatches", "on_track", "at_risk", "cannot_meet", "working_days_so_far", "in_village_days",
    "unexplained_days",
)  # fmt: skip


# Leave


class LeaveIn(InputSchema):
    leave_type: LeaveType
    starts_on: datetime.date
    ends_on: datetime.date
    reason: str = Field(..., min_length=1, max_length=1000)


class LeaveOut(Schema):
    id: int
    version: int
    cadre: str
    village: str
    leave_type: str
    starts_on: datetime.date
    ends_on: datetime.date
    working_days: int
    reason: str
    state: str
    state_label: str
    returned_on: datetime.date | None

    @staticmethod
    def resolve_cadre(leave: LeaveRequest) -> str:
        return str(leave.dispatch.cadre)

    @staticmethod
    def resolve_village(leave: LeaveRequest) -> str:
        return leave.region_code

    @staticmethod
    def resolve_state_label(leave: LeaveRequest) -> str:
        return label_of(LeaveState, leave.state)


class LeaveFilter(InputSchema):
    state: LeaveState | None = None


@router.get(
    "/residency/leave-requests",
    response={200: list[LeaveOut], **READ_ERRORS},
    summary="Leave requests in my scope",
)
@paginate(Pagination)
def leave_list(request: HttpRequest, filters: Query[LeaveFilter]) -> QuerySet[LeaveRequest]:
    return selectors.leave_list(actor(request), state=filters.state or "")


@router.post(
    "/residency/leave-requests",
    response={201: LeaveOut, **WRITE_ERRORS},
    summary="Ask for leave (the caller's own dispatch)",
)
def leave_create(request: HttpRequest, payload: LeaveIn) -> Any:
    leave = services.leave_request_create(actor=actor(request), **payload.dict())
    return Status(201, leave)


@router.get(
    "/residency/leave-requests/{leaverequest_id}",
    response={200: LeaveOut, **READ_ERRORS},
    summary="One leave request",
)
def leave_detail(
    request: HttpRequest, leaverequest_id: RecordId, response: HttpResponse
) -> LeaveRequest:
    leave = get_in_scope(
        LeaveRequest.objects.select_related("dispatch__cadre__user"),
        actor(request),
        "view",
        pk=leaverequest_id,
    )
    return with_etag(response, leave)


# Work diary


class DiaryIn(InputSchema):
    date: datetime.date
    text: str = Field(..., min_length=1, max_length=5000)


class DiaryOut(Schema):
    id: int
    version: int
    date: datetime.date
    text: str


class DiaryMonthOut(Schema):
    month: str = Field(..., examples=["2026-11"])
    entries: list[DiaryOut]
    days_written: int
    photos: int
    in_village_days: int
    leave_days: int


class DiaryQuery(InputSchema):
    month: str | None = Field(None, pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")


@router.post(
    "/residency/diary",
    response={201: DiaryOut, **WRITE_ERRORS},
    summary="Write a diary entry (the caller's own dispatch)",
)
def diary_write(request: HttpRequest, payload: DiaryIn) -> Any:
    return Status(201, services.diary_entry_write(actor=actor(request), **payload.dict()))


@router.get(
    "/residency/dispatches/{dispatch_id}/diary",
    response={200: DiaryMonthOut, **READ_ERRORS},
    summary="A dispatch's diary for a month, with the month's summary",
)
def diary_month(request: HttpRequest, dispatch_id: RecordId, filters: Query[DiaryQuery]) -> Any:
    dispatch = get_in_scope(Dispatch.objects.all(), actor(request), "view", pk=dispatch_id)
    month = selectors.diary_month(dispatch, month_of(filters.month))
    return {
        "month": month.first.strftime("%Y-%m"),
        "entries": month.entries,
        "days_written": month.days_written,
        "photos": month.photos,
        "in_village_days": month.presence.in_village,
        "leave_days": month.presence.leave,
    }


add_transition_routes(
    router,
    model=Recall,
    service=services.recall_transition,
    prefix="/residency/recalls",
)
add_transition_routes(
    router,
    model=LeaveRequest,
    service=services.leave_request_transition,
    prefix="/residency/leave-requests",
)


# The support ledger (保障台账)


class DispatchRecordOut(Schema):
    """What every record of a dispatch shows first: the cadre, the village and the sending unit."""

    id: int
    version: int
    dispatch: int = Field(..., alias="dispatch_id")
    cadre: str
    village: str = Field(..., description="The village's division code.")
    village_name: str
    sending_unit: str

    @staticmethod
    def resolve_cadre(record: Any) -> str:
        return str(record.dispatch.cadre)

    @staticmethod
    def resolve_village(record: Any) -> str:
        return str(record.region_code)

    @staticmethod
    def resolve_village_name(record: Any) -> str:
        return str(record.region.name)

    @staticmethod
    def resolve_sending_unit(record: Any) -> str:
        return str(record.sending_unit.name)


class SupportOut(DispatchRecordOut):
    year: int
    medical_check_on: datetime.date | None
    medical_check_done: bool
    medical_check_due_on: datetime.date
    insurance_starts_on: datetime.date | None
    insurance_ends_on: datetime.date | None
    insurance_policy: str
    living_subsidy_yuan: Decimal | None
    living_subsidy_paid_on: datetime.date | None
    transport_subsidy_yuan: Decimal | None
    transport_subsidy_paid_on: datetime.date | None
    communication_subsidy_yuan: Decimal | None
    communication_subsidy_paid_on: datetime.date | None
    work_funds_yuan: Decimal
    work_funds_paid_on: datetime.date | None
    work_funds_min_yuan: int
    work_funds_due_on: datetime.date
    paired_leader: str | None = Field(None, description="The paired leader's account name.")
    missing: list[str] = Field(..., description="insurance, medical, funds, pairing")

    @staticmethod
    def resolve_paired_leader(support: SupportYear) -> str | None:
        return support.paired_leader.username if support.paired_leader else None

    @staticmethod
    def resolve_missing(support: SupportYear) -> list[str]:
        return [str(gap.value) for gap in support.gaps(timezone.localdate())]


class SupportOpenIn(InputSchema):
    year: int = Field(..., ge=2000, le=2100)


Money = Annotated[DecimalIn, Field(ge=0, max_digits=12, decimal_places=2)]


class SupportPatch(VersionedPatch):
    medical_check_on: datetime.date | None = None
    medical_check_done: bool | None = None
    insurance_starts_on: datetime.date | None = None
    insurance_ends_on: datetime.date | None = None
    insurance_policy: str | None = Field(None, max_length=100)
    living_subsidy_yuan: Money | None = None
    living_subsidy_paid_on: datetime.date | None = None
    transport_subsidy_yuan: Money | None = None
    transport_subsidy_paid_on: datetime.date | None = None
    communication_subsidy_yuan: Money | None = None
    communication_subsidy_paid_on: datetime.date | None = None
    work_funds_yuan: Money | None = None
    work_funds_paid_on: datetime.date | None = None
    paired_leader: str | None = Field(
        None, max_length=150, description="A township leader's account name; null to unpair."
    )


class SupportSpendingIn(InputSchema):
    amount_yuan: DecimalIn = Field(..., gt=0, max_digits=12, decimal_places=2)
    purpose: str = Field(..., min_length=1, max_length=200)
    spent_on: datetime.date


class SupportSpendingOut(Schema):
    id: int
    amount_yuan: Decimal
    purpose: str
    spent_on: datetime.date


class SupportMeetingIn(InputSchema):
    held_on: datetime.date
    notes: str = Field(..., min_length=1, max_length=2000)


class SupportMeetingOut(Schema):
    id: int
    held_on: datetime.date
    notes: str


class SupportTrainingIn(InputSchema):
    course: str = Field(..., min_length=1, max_length=200)
    starts_on: datetime.date
    ends_on: datetime.date
    organiser: str = Field(..., min_length=1, max_length=200)
    hours: DecimalIn = Field(..., ge=Decimal("0.5"), max_digits=6, decimal_places=1)


class SupportTrainingOut(Schema):
    id: int
    course: str
    starts_on: datetime.date
    ends_on: datetime.date
    organiser: str
    hours: Decimal


SupportFilter = filter_schema(SUPPORT)


def _support(request: HttpRequest, supportyear_id: int, action: str = "view") -> SupportYear:
    return get_in_scope(
        SupportYear.objects.select_related(
            "dispatch__cadre__user", "region", "sending_unit", "paired_leader"
        ),
        actor(request),
        action,
        pk=supportyear_id,
    )


@router.get(
    "/residency/support",
    response={200: list[SupportOut], **READ_ERRORS},
    summary="Support ledgers in my scope, with what each lacks (?year=&missing=)",
)
@paginate(Pagination)
def support_list_endpoint(
    request: HttpRequest,
    filters: Query[SupportFilter],  # type: ignore[valid-type]
) -> QuerySet[SupportYear]:
    return api_rows(SUPPORT, actor(request), filters)


@router.post(
    "/residency/dispatches/{dispatch_id}/support",
    response={201: SupportOut, **WRITE_ERRORS},
    summary="Open a dispatch's support ledger for a year",
)
def support_open_endpoint(
    request: HttpRequest, dispatch_id: RecordId, payload: SupportOpenIn
) -> Any:
    dispatch = get_in_scope(Dispatch.objects.all(), actor(request), "view", pk=dispatch_id)
    support = services.support_open(actor=actor(request), dispatch=dispatch, year=payload.year)
    return Status(201, _support(request, support.pk))


@router.get(
    "/residency/support/{supportyear_id}",
    response={200: SupportOut, **READ_ERRORS},
    summary="One support ledger",
)
def support_detail_endpoint(
    request: HttpRequest, supportyear_id: RecordId, response: HttpResponse
) -> SupportYear:
    return with_etag(response, _support(request, supportyear_id))


@router.patch(
    "/residency/support/{supportyear_id}",
    response={200: SupportOut, **EDIT_ERRORS},
    summary="Record what the sending unit provided (versioned)",
)
def support_update_endpoint(
    request: HttpRequest, supportyear_id: RecordId, payload: SupportPatch, response: HttpResponse
) -> SupportYear:
    support = _support(request, supportyear_id)
    changes, version = edit_of(request, payload)
    if "paired_leader" in changes:
        name = changes["paired_leader"]
        leader = User.objects.filter(username=name).first() if name else None
        if name and leader is None:
            raise ValidationError({"paired_leader": ["No such account."]})
        changes["paired_leader"] = leader
    services.support_update(
        actor=actor(request), support=support, changes=changes, expected_version=version
    )
    return with_etag(response, _support(request, supportyear_id))


@router.post(
    "/residency/support/{supportyear_id}/spending",
    response={201: SupportSpendingOut, **WRITE_ERRORS},
    summary="Record what the work funds were spent on",
)
def support_spending_endpoint(
    request: HttpRequest, supportyear_id: RecordId, payload: SupportSpendingIn
) -> Any:
    item = services.support_spending_add(
        actor=actor(request), support=_support(request, supportyear_id), **payload.model_dump()
    )
    return Status(201, item)


@router.post(
    "/residency/support/{supportyear_id}/meetings",
    response={201: SupportMeetingOut, **WRITE_ERRORS},
    summary="Record a meeting with the paired township leader",
)
def support_meeting_endpoint(
    request: HttpRequest, supportyear_id: RecordId, payload: SupportMeetingIn
) -> Any:
    item = services.support_meeting_add(
        actor=actor(request), support=_support(request, supportyear_id), **payload.model_dump()
    )
    return Status(201, item)


@router.post(
    "/residency/support/{supportyear_id}/training",
    response={201: SupportTrainingOut, **WRITE_ERRORS},
    summary="Record a training course the cadre attended",
)
def support_training_endpoint(
    request: HttpRequest, supportyear_id: RecordId, payload: SupportTrainingIn
) -> Any:
    item = services.support_training_add(
        actor=actor(request), support=_support(request, supportyear_id), **payload.model_dump()
    )
    return Status(201, item)


# The annual assessment (年度考核)


class CadreAssessmentOut(DispatchRecordOut):
    role: str
    role_label: str
    year: int
    township_opinion: str
    unit_opinion: str
    village_opinion: str
    opinions_missing: list[str] = Field(
        ..., description="The parties whose opinion is not in yet: township, unit, village."
    )
    grade: str = Field(..., description="Empty until the county sets it.")
    grade_label: str
    unexplained_absences: int | None = Field(
        ..., description="Counted when the grade was set: each run of absent working days is one."
    )
    graded_on: datetime.date | None
    recall_proposed: bool

    @staticmethod
    def resolve_role(assessment: Assessment) -> str:
        return assessment.dispatch.role

    @staticmethod
    def resolve_role_label(assessment: Assessment) -> str:
        return label_of(DispatchRole, assessment.dispatch.role)

    @staticmethod
    def resolve_opinions_missing(assessment: Assessment) -> list[str]:
        return [
            party
            for party, (field, _permission) in services.OPINION_FIELDS.items()
            if not getattr(assessment, field)
        ]

    @staticmethod
    def resolve_grade_label(assessment: Assessment) -> str:
        return label_of(Grade, assessment.grade) if assessment.grade else ""


class CadreAssessmentDetailOut(CadreAssessmentOut):
    absences_so_far: int | None = Field(
        ...,
        description="Unexplained absences up to today (or 31 December); null without the calendar.",
    )
    absent_days_so_far: int | None
    best_grade: str | None = Field(..., description="The best grade those absences allow.")
    best_grade_label: str | None
    calendar_error: str = Field(..., description="Why the figures are null, if they are.")
    may_give_opinion: list[str] = Field(
        ..., description="The parties whose opinion the caller may give now."
    )
    may_grade: bool


class AssessmentQuery(InputSchema):
    year: int | None = Field(None, ge=2000, le=2100)
    region: str | None = Field(None, max_length=15, description="A division code to narrow to.")


class AssessmentOpenIn(InputSchema):
    year: int = Field(..., ge=2000, le=2100)


Party = Literal["township", "unit", "village"]


class AssessmentOpinionIn(VersionedInput):
    opinion: str = Field(..., min_length=1, max_length=2000)
    party: Party | None = Field(
        None,
        description="Whose opinion: left out, the caller's own party; named when the caller "
        "may give more than one.",
    )


class GradeIn(VersionedInput):
    grade: Grade


def _assessment(request: HttpRequest, assessment_id: int) -> Assessment:
    return get_in_scope(
        Assessment.objects.select_related(
            "dispatch__cadre__user", "dispatch__region", "region", "sending_unit"
        ),
        actor(request),
        "view",
        pk=assessment_id,
    )


def _parties_of(user: Any, assessment: Assessment, *, graded_too: bool = False) -> list[str]:
    """The parties whose opinion ``user`` may give on ``assessment`` (as the page offers: none
    once graded, unless ``graded_too``, for the service to refuse with its reason)."""
    if assessment.grade and not graded_too:
        return []
    code, unit = assessment.region_code, assessment.sending_unit_id
    return [
        party
        for party, (_field, permission) in services.OPINION_FIELDS.items()
        if may(user, permission, code, unit)
    ]


def _assessment_detail(
    request: HttpRequest, response: HttpResponse, assessment: Assessment
) -> Assessment:
    """The assessment with what the page shows beside it: the year's unexplained absences so
    far, the best grade they allow, and what the caller may do."""
    user = actor(request)
    extra: dict[str, Any] = {
        "absences_so_far": None,
        "absent_days_so_far": None,
        "best_grade": None,
        "best_grade_label": None,
        "calendar_error": "",
        "may_give_opinion": _parties_of(user, assessment),
        "may_grade": may(user, "residency.grade_assessment", assessment.region_code, None),
    }
    on = min(timezone.localdate(), datetime.date(assessment.year, 12, 31))
    try:
        runs, days = services.unexplained_absences(assessment.dispatch, assessment.year, on)
        best, _worst = services.grade_cap(assessment.region_code, on, runs)
    except ValidationError as exc:  # the calendar lacks the year: the message names the fix
        extra["calendar_error"] = " ".join(exc.messages)
    else:
        extra.update(
            absences_so_far=runs, absent_days_so_far=days, best_grade=best,
            best_grade_label=label_of(Grade, best),
        )  # fmt: skip
    for name, value in extra.items():
        setattr(assessment, name, value)
    return with_etag(response, assessment)


@router.get(
    "/residency/assessments",
    response={200: list[CadreAssessmentOut], **READ_ERRORS},
    summary="Annual assessments in my scope (?year=&region=)",
)
@paginate(Pagination)
def assessment_list(request: HttpRequest, filters: Query[AssessmentQuery]) -> QuerySet[Assessment]:
    region = _narrowed_to(filters.region)
    return selectors.assessment_list(actor(request), year=filters.year, region_code=region)


@router.post(
    "/residency/dispatches/{dispatch_id}/assessments",
    response={201: CadreAssessmentDetailOut, **WRITE_ERRORS},
    summary="Open a dispatch's assessment for a year (the county)",
)
def assessment_open_endpoint(
    request: HttpRequest, dispatch_id: RecordId, payload: AssessmentOpenIn, response: HttpResponse
) -> Any:
    dispatch = get_in_scope(Dispatch.objects.all(), actor(request), "view", pk=dispatch_id)
    opened = services.assessment_open(actor=actor(request), dispatch=dispatch, year=payload.year)
    return Status(201, _assessment_detail(request, response, _assessment(request, opened.pk)))


@router.get(
    "/residency/assessments/{assessment_id}",
    response={200: CadreAssessmentDetailOut, **READ_ERRORS},
    summary="One assessment, with the year's unexplained absences and the best grade they allow",
)
def assessment_detail(request: HttpRequest, assessment_id: RecordId, response: HttpResponse) -> Any:
    return _assessment_detail(request, response, _assessment(request, assessment_id))


@router.post(
    "/residency/assessments/{assessment_id}/opinion",
    response={200: CadreAssessmentDetailOut, **EDIT_ERRORS},
    summary="Give the township's, the sending unit's or the village's opinion (by who I am)",
)
def assessment_opinion_endpoint(
    request: HttpRequest,
    assessment_id: RecordId,
    payload: AssessmentOpinionIn,
    response: HttpResponse,
) -> Any:
    assessment = _assessment(request, assessment_id)
    user = actor(request)
    parties = _parties_of(user, assessment, graded_too=True)
    if not parties or (payload.party is not None and payload.party not in parties):
        raise PermissionDenied("residency.opinion_assessment")
    if payload.party is None and len(parties) > 1:
        raise ValidationError(
            {
                "party": _(
                    "You may give more than one party's opinion here: say which (%(parties)s)."
                )
                % {"parties": ", ".join(parties)}
            }
        )
    _changes, version = edit_of(request, payload)
    saved = services.assessment_opinion_give(
        actor=user,
        assessment=assessment,
        party=payload.party or parties[0],
        opinion=payload.opinion,
        expected_version=version,
    )
    return _assessment_detail(request, response, _assessment(request, saved.pk))


@router.post(
    "/residency/assessments/{assessment_id}/grade",
    response={200: CadreAssessmentDetailOut, **EDIT_ERRORS},
    summary="Set the grade, within the caps of the year's unexplained absences (the county)",
)
def assessment_grade_endpoint(
    request: HttpRequest, assessment_id: RecordId, payload: GradeIn, response: HttpResponse
) -> Any:
    assessment = _assessment(request, assessment_id)
    if not may(actor(request), "residency.grade_assessment", assessment.region_code, None):
        raise PermissionDenied("residency.grade_assessment")
    _changes, version = edit_of(request, payload)
    saved = services.assessment_grade(
        actor=actor(request), assessment=assessment, grade=payload.grade, expected_version=version
    )
    return _assessment_detail(request, response, _assessment(request, saved.pk))


# Starting a recall (召回); its steps are the transition routes above


class RecallStartIn(InputSchema):
    reason: str = Field(..., min_length=1, max_length=1000)


class RecallOut(DispatchRecordOut):
    reason: str
    state: str
    state_label: str
    replacement: str | None = Field(None, description="The replacement's account name.")
    replacement_starts_on: datetime.date | None
    handover_documents: bool
    handover_work: bool
    handover_contacts: bool
    new_dispatch: int | None = Field(None, alias="new_dispatch_id")

    @staticmethod
    def resolve_state_label(recall: Recall) -> str:
        return label_of(RecallState, recall.state)

    @staticmethod
    def resolve_replacement(recall: Recall) -> str | None:
        return recall.replacement.user.username if recall.replacement else None


def _recall(request: HttpRequest, recall_id: int) -> Recall:
    return get_in_scope(
        Recall.objects.select_related(
            "dispatch__cadre__user", "region", "sending_unit", "replacement__user"
        ),
        actor(request),
        "view",
        pk=recall_id,
    )


@router.post(
    "/residency/dispatches/{dispatch_id}/recalls",
    response={201: RecallOut, **WRITE_ERRORS},
    summary="Start a recall of a serving cadre, with a reason (the township or the county)",
)
def recall_start_endpoint(
    request: HttpRequest, dispatch_id: RecordId, payload: RecallStartIn
) -> Any:
    dispatch = get_in_scope(Dispatch.objects.all(), actor(request), "view", pk=dispatch_id)
    if not may(actor(request), "residency.add_recall", dispatch.region_code, None):
        raise PermissionDenied("residency.add_recall")
    recall = services.recall_start(actor=actor(request), dispatch=dispatch, reason=payload.reason)
    return Status(201, _recall(request, recall.pk))


@router.get(
    "/residency/recalls/{recall_id}",
    response={200: RecallOut, **READ_ERRORS},
    summary="One recall: the reason, the replacement, the handover checklist",
)
def recall_detail(request: HttpRequest, recall_id: RecordId, response: HttpResponse) -> Recall:
    return with_etag(response, _recall(request, recall_id))
