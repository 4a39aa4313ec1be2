"""Endpoints of households and residents: lists, detail, create, update, search, reveal."""

# No "from __future__ import annotations": Ninja reads the handlers' annotations at runtime.
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Query, Status
from ninja.pagination import paginate

from cunzhi.accounts.scopes import has_permission_at
from cunzhi.core.api import (
    EDIT_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    RecordId,
    actor,
    edit_of,
    with_etag,
)
from cunzhi.core.scoping import get_in_scope
from cunzhi.regions.selectors import region_get
from cunzhi.registry import services
from cunzhi.registry.api.common import (
    LIST_ERRORS,
    PresentedPagination,
    _filter_args,
    _group,
    _present_households,
    _register_region,
    _village,
    router,
)
from cunzhi.registry.api.schemas import (
    HouseholdDetailOut,
    HouseholdFilter,
    HouseholdIn,
    HouseholdOut,
    HouseholdPatch,
    MemberIn,
    ResidentDetailOut,
    ResidentFilter,
    ResidentListOut,
    ResidentPatch,
    RevealIn,
    SearchFilter,
    SearchOut,
)
from cunzhi.registry.models import Household, Resident
from cunzhi.registry.reveal import resident_reveal
from cunzhi.registry.search import SearchResult, resident_search
from cunzhi.registry.selectors import (
    household_detail,
    household_list,
    present,
    resident_detail,
    resident_filtered_list,
    resident_get,
)

# Households


@router.get(
    "/regions/{code}/households",
    response={200: list[HouseholdOut], **LIST_ERRORS},
    tags=["registry"],
    summary="The households of a region",
)
@paginate(PresentedPagination, present=_present_households)
def household_list_endpoint(
    request: HttpRequest, code: str, filters: Query[HouseholdFilter]
) -> QuerySet[Household]:
    user = actor(request)
    region = _register_region(request, code, "view_household")
    return household_list(user, region, **_filter_args(user, region, filters))


@router.post(
    "/villages/{code}/households",
    response={201: HouseholdDetailOut, **WRITE_ERRORS},
    tags=["registry"],
    summary="Register a household with its head and members",
)
def household_create_endpoint(
    request: HttpRequest, code: str, payload: HouseholdIn
) -> Status[Household]:
    user = actor(request)
    village = _village(request, code)
    if not has_permission_at(user, "registry.add_household", village.code):
        raise PermissionDenied("registry.add_household")
    household = services.household_register(
        actor=user,
        village=village,
        household_no=payload.household_no,
        group=_group(user, village, payload.group),
        address=payload.address,
        phone=payload.phone,
        head=payload.head.fields(),
        members=[member.fields() for member in payload.members],
    )
    return Status(201, household_detail(user, household.pk))


@router.get(
    "/households/{household_id}",
    response={200: HouseholdDetailOut, **READ_ERRORS},
    tags=["registry"],
    summary="One household with its members",
)
def household_detail_endpoint(
    request: HttpRequest, household_id: RecordId, response: HttpResponse
) -> Household:
    return with_etag(response, household_detail(actor(request), household_id))


@router.patch(
    "/households/{household_id}",
    response={200: HouseholdDetailOut, **EDIT_ERRORS},
    tags=["registry"],
    summary="Change a household's number, group, address or phone",
)
def household_update_endpoint(
    request: HttpRequest, household_id: RecordId, payload: HouseholdPatch, response: HttpResponse
) -> Household:
    user = actor(request)
    household = get_in_scope(
        Household.objects.select_related("region", "group"), user, "change", pk=household_id
    )
    changes, version = edit_of(request, payload)
    if "group" in changes:
        changes["group"] = _group(user, household.region, changes["group"])
    services.household_update(actor=user, household=household, expected_version=version, **changes)
    return with_etag(response, household_detail(user, household.pk))


@router.post(
    "/households/{household_id}/members",
    response={201: ResidentDetailOut, **WRITE_ERRORS},
    tags=["registry"],
    summary="Add a member to a household",
)
def resident_add_endpoint(
    request: HttpRequest, household_id: RecordId, payload: MemberIn
) -> Status[Resident]:
    user = actor(request)
    household = get_in_scope(Household.objects.all(), user, "view", pk=household_id)
    resident = services.resident_add(actor=user, household=household, **payload.fields())
    return Status(201, resident_detail(user, resident.pk))


# Residents


@router.get(
    "/regions/{code}/residents",
    response={200: list[ResidentListOut], **LIST_ERRORS},
    tags=["registry"],
    summary="The residents of a region",
)
@paginate(PresentedPagination, present=present)
def resident_list_endpoint(
    request: HttpRequest, code: str, filters: Query[ResidentFilter]
) -> QuerySet[Resident]:
    user = actor(request)
    region = _register_region(request, code, "view_resident")
    return resident_filtered_list(user, region, **_filter_args(user, region, filters))


# Declared before /residents/{resident_id}, whose int converter would not take "search" anyway.
@router.get(
    "/residents/search",
    response={200: SearchOut, **READ_ERRORS},
    tags=["registry"],
    summary="Find residents in my scope, as the register's search box does",
)
def resident_search_endpoint(request: HttpRequest, filters: Query[SearchFilter]) -> SearchResult:
    """The first matches of each kind the query is read as (``search.resident_search``), not a
    paginated list: a search box wants the likely people now, and ``more`` says to type more."""
    user = actor(request)
    within = region_get(user, filters.region) if filters.region else None
    return resident_search(user, filters.q, within=within)


@router.get(
    "/residents/{resident_id}",
    response={200: ResidentDetailOut, **READ_ERRORS},
    tags=["registry"],
    summary="One resident, numbers masked",
)
def resident_detail_endpoint(
    request: HttpRequest, resident_id: RecordId, response: HttpResponse
) -> Resident:
    return with_etag(response, resident_detail(actor(request), resident_id))


@router.patch(
    "/residents/{resident_id}",
    response={200: ResidentDetailOut, **EDIT_ERRORS},
    tags=["registry"],
    summary="Change a resident",
)
def resident_update_endpoint(
    request: HttpRequest, resident_id: RecordId, payload: ResidentPatch, response: HttpResponse
) -> Resident:
    user = actor(request)
    resident = resident_get(user, resident_id, "change")
    changes, version = edit_of(request, payload)
    services.resident_update(actor=user, resident=resident, expected_version=version, **changes)
    return with_etag(response, resident_detail(user, resident.pk))


@router.post(
    "/residents/{resident_id}/reveal",
    response={200: ResidentDetailOut, **WRITE_ERRORS},
    tags=["registry"],
    summary="Show a resident's ID and phone numbers in full (recorded in the audit log)",
)
def resident_reveal_endpoint(
    request: HttpRequest, resident_id: RecordId, payload: RevealIn
) -> Resident:
    """A POST, not a GET flag: it writes an audit event, so a link or a prefetch must not do it,
    and a browser session needs its CSRF token for it."""
    user = actor(request)
    resident = resident_get(user, resident_id, "reveal")
    resident_reveal(actor=user, resident=resident, reason=payload.reason)
    shown = resident_detail(user, resident.pk, revealed=True)
    shown.revealed = True  # type: ignore[attr-defined]
    return shown
