"""The support ledger (保障台账) of a dispatch's year."""

# No "from __future__ import annotations": Ninja reads the handlers' annotations at runtime.
import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Schema, Status
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
    VersionedPatch,
    actor,
    edit_of,
    with_etag,
)
from cunzhi.core.lists import api_rows, filter_schema
from cunzhi.core.scoping import get_in_scope
from cunzhi.residency import services
from cunzhi.residency.api.common import DispatchRecordOut, router
from cunzhi.residency.lists import SUPPORT
from cunzhi.residency.models import (
    Dispatch,
    SupportYear,
)

# The support ledger (保障台账)


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
