"""Visits over JSON (/api/v1/visits): the same selectors and services as the pages."""

# No "from __future__ import annotations": Ninja reads the handlers' annotations at runtime.
import datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

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
from cunzhi.core.scoping import get_in_scope
from cunzhi.demands.models import DemandCategory, DemandPriority
from cunzhi.regions.selectors import region_get
from cunzhi.registry.models import Household, Resident
from cunzhi.visits import selectors, services
from cunzhi.visits.models import Visit, VisitPurpose

router = Router(tags=["visits"])


class VisitOut(Schema):
    id: int
    region_code: str
    household_id: int
    household_no: str
    visited_on: datetime.date
    cadres: list[str] = Field(..., description="Usernames of the visiting cadres.")
    people_met: list[int] = Field(..., description="Ids of the residents met.")
    others_met: str
    purpose: str
    findings: str
    latitude: Decimal | None
    longitude: Decimal | None
    version: int

    @staticmethod
    def resolve_household_no(visit: Visit) -> str:
        return visit.household.household_no

    @staticmethod
    def resolve_cadres(visit: Visit) -> list[str]:
        return [c.username for c in visit.cadres.all()]

    @staticmethod
    def resolve_people_met(visit: Visit) -> list[int]:
        return [p.pk for p in visit.people_met.all()]


class VisitNeedIn(InputSchema):
    category: str = Field(..., max_length=40, description="A demand category code.")
    title: str = Field(..., min_length=1, max_length=100)
    description: str = Field(..., min_length=1, max_length=5000)
    priority: DemandPriority = DemandPriority.NORMAL


class VisitIn(InputSchema):
    household: RecordId
    visited_on: datetime.date
    cadres: list[str] = Field(..., min_length=1, max_length=20, description="Usernames.")
    people_met: list[RecordId] = Field(default_factory=list, max_length=50)
    others_met: str = Field("", max_length=200)
    purpose: VisitPurpose
    findings: str = Field(..., min_length=1, max_length=5000)
    latitude: DecimalIn | None = Field(None, ge=-90, le=90)
    longitude: DecimalIn | None = Field(None, ge=-180, le=180)
    need: VisitNeedIn | None = Field(None, description="A need found, registered as a demand.")


class VisitPatch(VersionedPatch):
    nullable = frozenset({"latitude", "longitude"})
    purpose: VisitPurpose | None = None
    findings: str | None = Field(None, min_length=1, max_length=5000)
    others_met: str | None = Field(None, max_length=200)
    latitude: DecimalIn | None = Field(None, ge=-90, le=90)
    longitude: DecimalIn | None = Field(None, ge=-180, le=180)


class VisitCreatedOut(Schema):
    visit: VisitOut
    demand_code: str | None


class DemandRef(Schema):
    id: int
    code: str


class VisitFilter(InputSchema):
    region: str | None = Field(None, max_length=15)
    purpose: VisitPurpose | None = None
    household: RecordId | None = None


def _need(payload: VisitNeedIn | None) -> Any:
    if payload is None:
        return None
    category = DemandCategory.objects.filter(code=payload.category, active=True).first()
    if category is None:
        raise HttpError(422, "Unknown category.")
    return services.Need(
        category=category,
        title=payload.title,
        description=payload.description,
        priority=payload.priority,
    )


def _visits() -> QuerySet[Visit]:
    return Visit.objects.select_related("household").prefetch_related("cadres", "people_met")


@router.get("/visits", response={200: list[VisitOut], **READ_ERRORS}, summary="Visits in my scope")
@paginate(Pagination)
def visit_list_endpoint(request: HttpRequest, filters: Query[VisitFilter]) -> QuerySet[Visit]:
    user = actor(request)
    region = region_get(user, filters.region) if filters.region else None
    visits: QuerySet[Visit]
    if region is not None:
        visits = selectors.visit_list(user, region).prefetch_related("people_met")
    else:
        visits = Visit.objects.for_user(user, "view").select_related("household")
        visits = visits.prefetch_related("cadres", "people_met")
    if filters.purpose:
        visits = visits.filter(purpose=filters.purpose)
    if filters.household:
        visits = visits.filter(household_id=filters.household)
    return visits.order_by("-visited_on", "-pk")


@router.post(
    "/villages/{code}/visits",
    response={201: VisitCreatedOut, **WRITE_ERRORS},
    summary="Record a visit (and register a need found on it as a demand)",
)
def visit_create_endpoint(request: HttpRequest, code: str, payload: VisitIn) -> Status[Any]:
    from cunzhi.accounts.models import User

    user = actor(request)
    village = region_get(user, code)
    if not village.is_village:
        raise Http404
    household = get_in_scope(
        Household.objects.select_related("region", "group"), user, "view",
        pk=payload.household, region=village,
    )  # fmt: skip
    cadres = list(User.objects.filter(username__in=payload.cadres, is_active=True))
    if len(cadres) != len(set(payload.cadres)):
        raise HttpError(422, "A visiting cadre is unknown.")
    people = list(Resident.objects.filter(pk__in=payload.people_met, household=household))
    if len(people) != len(set(payload.people_met)):
        raise HttpError(422, "The people met must be members of the household.")
    visit, demand = services.visit_record(
        actor=user,
        household=household,
        visited_on=payload.visited_on,
        cadres=cadres,
        people_met=people,
        others_met=payload.others_met,
        purpose=payload.purpose,
        findings=payload.findings,
        latitude=payload.latitude,
        longitude=payload.longitude,
        need=_need(payload.need),
    )
    return Status(
        201, {"visit": _visits().get(pk=visit.pk), "demand_code": demand.code if demand else None}
    )


@router.get("/visits/{visit_id}", response={200: VisitOut, **READ_ERRORS}, summary="One visit")
def visit_detail(request: HttpRequest, visit_id: int, response: HttpResponse) -> Visit:
    return with_etag(response, get_in_scope(_visits(), actor(request), "view", pk=visit_id))


@router.patch(
    "/visits/{visit_id}", response={200: VisitOut, **EDIT_ERRORS}, summary="Correct a visit"
)
def visit_update_endpoint(
    request: HttpRequest, visit_id: RecordId, payload: VisitPatch, response: HttpResponse
) -> Visit:
    user = actor(request)
    visit = get_in_scope(_visits(), user, "change", pk=visit_id)
    changes, version = edit_of(request, payload)
    services.visit_update(actor=user, visit=visit, expected_version=version, **changes)
    return with_etag(response, _visits().get(pk=visit.pk))


@router.post(
    "/visits/{visit_id}/demands",
    response={201: DemandRef, **WRITE_ERRORS},
    summary="Turn a need found on the visit into a demand",
)
def visit_need_endpoint(
    request: HttpRequest, visit_id: RecordId, payload: VisitNeedIn
) -> Status[Any]:
    user = actor(request)
    visit = get_in_scope(Visit.objects.select_related("region", "household"), user, "change",
                         pk=visit_id)  # fmt: skip
    demand = services.visit_need_to_demand(actor=user, visit=visit, need=_need(payload))
    return Status(201, {"id": demand.pk, "code": demand.code})


class VisitCoverageOut(Schema):
    code: str
    name: str
    households: int
    visited: int
    share: float | None


@router.get(
    "/regions/{code}/visit-coverage",
    response={200: list[VisitCoverageOut], **READ_ERRORS},
    summary="Share of households visited this year, by village (or villager group)",
)
def coverage_endpoint(request: HttpRequest, code: str) -> list[Any]:
    user = actor(request)
    return list(selectors.coverage(user, region_get(user, code)))
