"""The annual assessment (年度考核): opinions and the county's grade within the caps."""

# No "from __future__ import annotations": Ninja reads the handlers' annotations at runtime.
import datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Status
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
from cunzhi.core.scoping import get_in_scope
from cunzhi.residency import selectors, services
from cunzhi.residency.api.common import DispatchRecordOut, narrowed_to, router
from cunzhi.residency.models import (
    Assessment,
    Dispatch,
    DispatchRole,
    Grade,
)
from cunzhi.residency.scoping import may

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
    region = narrowed_to(filters.region)
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
