"""Demands over JSON (/api/v1/demands): the same selectors and services as the pages.

The follow-up lookup ``GET /api/v1/public/demands/{code}`` and the villager's reply need no
caller (``auth=None``), answer nothing personal and are rate-limited (``selectors.PUBLIC_LOOKUPS``).
"""

# No "from __future__ import annotations": Ninja reads the handlers' annotations at runtime.
import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from cunzhi.accounts.signin import client_address
from cunzhi.core.api import (
    EDIT_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
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
from cunzhi.core.lists import api_rows, filter_schema
from cunzhi.core.ratelimit import RateLimited
from cunzhi.core.scoping import get_in_scope
from cunzhi.core.workflow.api import add_transition_routes
from cunzhi.demands import selectors, services
from cunzhi.demands.lists import DEMANDS
from cunzhi.demands.models import (
    Demand,
    DemandCategory,
    DemandPriority,
    DemandSource,
    DemandState,
)
from cunzhi.regions.selectors import region_get
from cunzhi.registry.models import Household, Resident

router = Router(tags=["demands"])


class DemandOut(Schema):
    id: int
    code: str = Field(..., description="The follow-up code the villager keeps.")
    region_code: str
    region_name: str
    source: str
    source_ref: str
    category: str
    category_name: str
    title: str
    description: str
    priority: str
    household_id: int | None
    resident_id: int | None
    anonymous: bool
    cause_subjective: str
    cause_objective: str
    assignee: str | None = Field(..., description="Username of the assignee.")
    registered_on: datetime.date
    resolve_by: datetime.date
    state: str
    state_label: str
    level: str
    deadline_status: str
    resolution: str
    resolved_on: datetime.date | None
    satisfaction: int | None
    times_reopened: int
    merged_into: str | None = Field(..., description="Code of the demand this one was merged into.")
    version: int

    @staticmethod
    def resolve_region_name(demand: Demand) -> str:
        return demand.region.name

    @staticmethod
    def resolve_category(demand: Demand) -> str:
        return demand.category.code

    @staticmethod
    def resolve_category_name(demand: Demand) -> str:
        return demand.category.name

    @staticmethod
    def resolve_state_label(demand: Demand) -> str:
        return label_of(DemandState, demand.state)

    @staticmethod
    def resolve_assignee(demand: Demand) -> str | None:
        return demand.assignee.username if demand.assignee_id else None  # type: ignore[union-attr]

    @staticmethod
    def resolve_merged_into(demand: Demand) -> str | None:
        return demand.merged_into.code if demand.merged_into_id else None  # type: ignore[union-attr]


# The list page's FilterSet and sort keys (demands.lists.DEMANDS), as query parameters.
DemandListFilter = filter_schema(DEMANDS)


class DemandFilter(DemandListFilter):  # type: ignore[valid-type, misc]
    region: str | None = Field(None, max_length=15, description="Only below this region code.")


class DemandIn(InputSchema):
    category: str = Field(..., max_length=40, description="A category code.")
    title: str = Field(..., min_length=1, max_length=100)
    description: str = Field(..., min_length=1, max_length=5000)
    source: DemandSource
    source_ref: str = Field("", max_length=60)
    household: RecordId | None = None
    resident: RecordId | None = None
    anonymous: bool = False
    priority: DemandPriority = DemandPriority.NORMAL
    cause_subjective: str = Field("", max_length=2000)
    cause_objective: str = Field("", max_length=2000)
    assignee: str | None = Field(None, max_length=150, description="Username.")


class DemandPatch(VersionedPatch):
    category: str | None = Field(None, max_length=40)
    title: str | None = Field(None, min_length=1, max_length=100)
    description: str | None = Field(None, min_length=1, max_length=5000)
    priority: DemandPriority | None = None
    cause_subjective: str | None = Field(None, max_length=2000)
    cause_objective: str | None = Field(None, max_length=2000)


class DemandAssignIn(VersionedInput):
    assignee: str = Field(..., min_length=1, max_length=150, description="Username.")


class DemandMergeIn(VersionedInput):
    into: str = Field(..., min_length=4, max_length=12, description="Code of the demand kept.")


def _demands() -> QuerySet[Demand]:
    return Demand.objects.select_related("region", "category", "assignee", "merged_into")


def _category(code: str) -> DemandCategory:
    category = DemandCategory.objects.filter(code=code).first()
    if category is None:
        raise HttpError(422, "Unknown category.")
    return category


def _user(username: str) -> Any:
    from cunzhi.accounts.models import User

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise HttpError(422, "No such person.")
    return user


@router.get(
    "/demands",
    response={200: list[DemandOut], **READ_ERRORS},
    summary="Demands in my scope (below ``region``), filtered and sorted as the list page",
)
@paginate(Pagination)
def demand_list_endpoint(request: HttpRequest, filters: Query[DemandFilter]) -> QuerySet[Demand]:
    user = actor(request)
    region = region_get(user, filters.region) if filters.region else None
    list_filters = DemandListFilter(**filters.model_dump(exclude={"region"}))
    return api_rows(DEMANDS, user, list_filters, region=region).select_related("merged_into")


@router.post(
    "/villages/{code}/demands",
    response={201: DemandOut, **WRITE_ERRORS},
    summary="Register a demand",
)
def demand_create_endpoint(request: HttpRequest, code: str, payload: DemandIn) -> Status[Demand]:
    user = actor(request)
    village = region_get(user, code)
    if not village.is_village:
        raise Http404
    data = payload.model_dump()
    data["category"] = _category(data["category"])
    if data["household"] is not None:
        data["household"] = get_in_scope(
            Household.objects.all(), user, "view", pk=data["household"], region=village
        )
    if data["resident"] is not None:
        data["resident"] = get_in_scope(
            Resident.objects.all(), user, "view", pk=data["resident"], region=village
        )
    if data["assignee"] is not None:
        data["assignee"] = _user(data["assignee"])
    demand = services.demand_create(actor=user, village=village, **data)
    return Status(201, _demands().get(pk=demand.pk))


@router.get(
    "/demands/{demand_id}",
    response={200: DemandOut, **READ_ERRORS},
    summary="One demand",
)
def demand_detail(request: HttpRequest, demand_id: int, response: HttpResponse) -> Demand:
    return with_etag(response, get_in_scope(_demands(), actor(request), "view", pk=demand_id))


@router.patch(
    "/demands/{demand_id}",
    response={200: DemandOut, **EDIT_ERRORS},
    summary="Change what a demand says",
)
def demand_update_endpoint(
    request: HttpRequest, demand_id: RecordId, payload: DemandPatch, response: HttpResponse
) -> Demand:
    user = actor(request)
    demand = get_in_scope(_demands(), user, "change", pk=demand_id)
    changes, version = edit_of(request, payload)
    if "category" in changes:
        changes["category"] = _category(changes["category"])
    services.demand_update(actor=user, demand=demand, expected_version=version, **changes)
    return with_etag(response, _demands().get(pk=demand.pk))


@router.post(
    "/demands/{demand_id}/assign",
    response={200: DemandOut, **EDIT_ERRORS},
    summary="Assign a demand to a cadre (who is told in their inbox)",
)
def demand_assign_endpoint(
    request: HttpRequest, demand_id: RecordId, payload: DemandAssignIn, response: HttpResponse
) -> Demand:
    user = actor(request)
    demand = get_in_scope(_demands(), user, "change", pk=demand_id)
    changes, version = edit_of(request, payload)
    services.demand_assign(
        actor=user, demand=demand, assignee=_user(changes["assignee"]), expected_version=version
    )
    return with_etag(response, _demands().get(pk=demand.pk))


@router.post(
    "/demands/{demand_id}/merge",
    response={200: DemandOut, **EDIT_ERRORS},
    summary="Merge a duplicate demand into another of the same village",
)
def demand_merge_endpoint(
    request: HttpRequest, demand_id: RecordId, payload: DemandMergeIn, response: HttpResponse
) -> Demand:
    user = actor(request)
    demand = get_in_scope(_demands(), user, "change", pk=demand_id)
    changes, version = edit_of(request, payload)
    into = get_in_scope(_demands(), user, "change", code=changes["into"].strip().upper())
    services.demand_merge(actor=user, demand=demand, into=into, expected_version=version)
    return with_etag(response, _demands().get(pk=demand.pk))


add_transition_routes(router, model=Demand, service=services.demand_transition, prefix="/demands")


class DemandFiguresOut(Schema):
    label: str
    registered: int
    resolved: int
    overdue: int
    resolution_rate: float | None
    median_days: float | None
    satisfaction: float | None


class DemandStatisticsOut(Schema):
    region_code: str
    year: int
    total: DemandFiguresOut
    by_category: list[DemandFiguresOut]
    by_village: list[DemandFiguresOut]


class DemandStatisticsFilter(InputSchema):
    year: int | None = Field(None, ge=2000, le=2100)


@router.get(
    "/regions/{code}/demand-statistics",
    response={200: DemandStatisticsOut, **READ_ERRORS},
    summary="Resolution rate, overdue, median days, satisfaction, by category and village",
)
def demand_statistics_endpoint(
    request: HttpRequest, code: str, filters: Query[DemandStatisticsFilter]
) -> dict[str, Any]:
    from django.utils import timezone

    user = actor(request)
    region = region_get(user, code)
    year = filters.year or timezone.localdate().year
    stats = selectors.demand_statistics(user, region, year)
    return {
        "region_code": region.code,
        "year": year,
        "total": stats.total,
        "by_category": stats.by_category,
        "by_village": stats.by_village,
    }


# The villager's door: no sign-in, nothing personal.


class PublicDemandOut(Schema):
    code: str
    title: str
    village: str
    category: str
    state: str
    state_label: str
    level: str
    registered_on: datetime.date
    resolve_by: datetime.date
    resolved_on: datetime.date | None
    resolution: str
    satisfaction: int | None
    can_reply: bool = Field(..., description="Resolved: the villager may confirm or reopen.")


class DemandReplyIn(InputSchema):
    name: str = Field(..., pattern="^(confirm|reopen)$")
    satisfaction: int | None = Field(None, ge=1, le=5)
    reason: str = Field("", max_length=1000)


def _public(request: HttpRequest, code: str) -> dict[str, Any]:
    try:
        selectors.PUBLIC_LOOKUPS.hit(client_address(request))
    except RateLimited as refused:
        raise HttpError(429, str(refused.message)) from None
    demand = selectors.public_demand(code)
    if demand is None:
        raise Http404
    return {
        "code": demand.code,
        "title": demand.title,
        "village": demand.region.name,
        "category": demand.category.name,
        "state": demand.state,
        "state_label": label_of(DemandState, demand.state),
        "level": demand.level,
        "registered_on": demand.registered_on,
        "resolve_by": demand.resolve_by,
        "resolved_on": demand.resolved_on,
        "resolution": demand.resolution,
        "satisfaction": demand.satisfaction,
        "can_reply": demand.state == DemandState.RESOLVED,
    }


PUBLIC_ERRORS = {404: READ_ERRORS[404], 422: READ_ERRORS[422], 429: READ_ERRORS[404]}


@router.get(
    "/public/demands/{code}",
    response={200: PublicDemandOut, **PUBLIC_ERRORS},
    auth=None,
    summary="A demand's status by its follow-up code (public, rate-limited)",
)
def public_demand_endpoint(request: HttpRequest, code: str) -> dict[str, Any]:
    return _public(request, code)


@router.post(
    "/public/demands/{code}/reply",
    response={200: PublicDemandOut, **PUBLIC_ERRORS},
    auth=None,
    summary="The villager confirms (satisfaction 1–5) or reopens a resolved demand",
)
def public_reply_endpoint(
    request: HttpRequest, code: str, payload: DemandReplyIn
) -> dict[str, Any]:
    found = _public(request, code)
    if payload.name == "confirm" and payload.satisfaction is None:
        raise HttpError(422, "Say how satisfied you are (1 to 5).")
    if payload.name == "reopen" and not payload.reason.strip():
        raise HttpError(422, "Say what is still wrong.")
    services.demand_reply_by_code(
        code=found["code"],
        name=payload.name,
        satisfaction=payload.satisfaction,
        reason=payload.reason,
    )
    return _public(request, code)
