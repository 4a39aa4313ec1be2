"""Leave requests (请销假) and their workflow's steps."""

# No "from __future__ import annotations": Ninja reads the handlers' annotations at runtime.
import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Schema, Status
from ninja.pagination import paginate

from cunzhi.core.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    InputSchema,
    Pagination,
    RecordId,
    actor,
    label_of,
    with_etag,
)
from cunzhi.core.scoping import get_in_scope
from cunzhi.core.workflow.api import add_transition_routes
from cunzhi.residency import selectors, services
from cunzhi.residency.api.common import router
from cunzhi.residency.models import (
    LeaveRequest,
    LeaveState,
    LeaveType,
)

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


add_transition_routes(
    router,
    model=LeaveRequest,
    service=services.leave_request_transition,
    prefix="/residency/leave-requests",
)
