"""The region tree, village profiles, facilities and the contacts directory over JSON.

Every handler reads through ``cunzhi.regions.selectors`` (scoped by ``for_user``) and writes
through ``cunzhi.regions.services``, exactly as the pages do (DESIGN rules 2, 3 and 8). The
schemas are written out rather than derived from the models: the API is a contract with
devices in the field, and a new model field should reach it on purpose, not by accident.
"""

# No "from __future__ import annotations": Ninja reads the handlers' annotations at runtime.
import datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
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
    label_of,
    with_etag,
)
from cunzhi.core.lists import api_rows, filter_schema
from cunzhi.core.regioncodes import Level
from cunzhi.core.scoping import get_in_scope
from cunzhi.core.versions import stored_version
from cunzhi.regions.lists import CONTACTS
from cunzhi.regions.models import (
    Contact,
    ContactLevel,
    Facility,
    FacilityKind,
    Region,
    VillageProfile,
)
from cunzhi.regions.selectors import (
    region_ancestors,
    region_get,
    region_list,
    village_profile,
)
from cunzhi.regions.services import (
    contact_create,
    contact_delete,
    contact_update,
    facility_create,
    facility_delete,
    facility_update,
    village_profile_update,
)

router = Router()


def _region(request: HttpRequest, code: str) -> Region:
    """The region in the caller's scope, or 404 (for a malformed code too, without a query)."""
    return region_get(actor(request), code)


def _village(request: HttpRequest, code: str) -> Region:
    """The village in the caller's scope; any other code, or a township's, is a 404."""
    region = _region(request, code)
    if not region.is_village:
        raise Http404
    return region


# Regions


class RegionRef(Schema):
    code: str
    name: str
    level: str


class RegionOut(Schema):
    code: str
    name: str
    level: str
    level_label: str
    parent_code: str | None
    child_count: int

    @staticmethod
    def resolve_level_label(region: Region) -> str:
        return label_of(Level, region.level)

    @staticmethod
    def resolve_child_count(region: Region) -> int:
        # The list annotates it; the detail is a single region, where one COUNT is fine.
        count = getattr(region, "child_count", None)
        return region.children.count() if count is None else int(count)


class RegionDetailOut(RegionOut):
    ancestors: list[RegionRef] = Field(..., description="From the province down to the parent.")

    @staticmethod
    def resolve_ancestors(region: Region) -> list[Region]:
        return region_ancestors(region)


class RegionFilter(InputSchema):
    parent: str | None = Field(None, max_length=15, description="Only the children of this code.")
    level: Level | None = Field(None, description="Only regions of this level.")
    q: str | None = Field(None, max_length=50, description="Part of the name.")


@router.get(
    "/regions",
    response={200: list[RegionOut], **READ_ERRORS},
    tags=["regions"],
    summary="Regions in my scope",
)
@paginate(Pagination)
def region_list_endpoint(request: HttpRequest, filters: Query[RegionFilter]) -> QuerySet[Region]:
    """Everything the caller may see, or the children of ``parent`` (404 outside the scope)."""
    user = actor(request)
    parent = _region(request, filters.parent) if filters.parent else None
    return region_list(user, parent=parent, level=filters.level, query=filters.q or "")


@router.get(
    "/regions/{code}",
    response={200: RegionDetailOut, **READ_ERRORS},
    tags=["regions"],
    summary="One region",
)
def region_detail(request: HttpRequest, code: str) -> Region:
    return _region(request, code)


# Village profiles


class ProfileFields(Schema):
    population: int
    resident_population: int
    households: int
    area_km2: Decimal
    arable_land_mu: Decimal
    geography: str
    economy: str
    history: str
    notes: str
    updated_at: datetime.datetime | None = Field(
        ..., description="Null while nobody has filled the profile in."
    )
    version: int = Field(..., description="0 while nobody has filled the profile in.")

    @staticmethod
    def resolve_version(profile: VillageProfile) -> int:
        return stored_version(profile)


class ClanOut(Schema):
    id: int
    surname: str
    households: int
    share_percent: Decimal
    notes: str
    version: int


class FacilityOut(Schema):
    id: int
    region_code: str
    kind: str
    kind_label: str
    name: str
    latitude: Decimal | None
    longitude: Decimal | None
    notes: str
    version: int

    @staticmethod
    def resolve_kind_label(facility: Facility) -> str:
        return label_of(FacilityKind, facility.kind)


class VillageProfileOut(Schema):
    """村情: the profile, the clans, the facilities and the villager groups of one village."""

    village: RegionRef
    profile: ProfileFields
    clans: list[ClanOut]
    facilities: list[FacilityOut]
    groups: list[RegionOut]


class ProfilePatch(VersionedPatch):
    """Any subset of the profile's fields; a field not sent is left as it is."""

    population: int | None = None
    resident_population: int | None = None
    households: int | None = None
    area_km2: DecimalIn | None = None
    arable_land_mu: DecimalIn | None = None
    geography: str | None = None
    economy: str | None = None
    history: str | None = None
    notes: str | None = None


@router.get(
    "/villages/{code}/profile",
    response={200: VillageProfileOut, **READ_ERRORS},
    tags=["villages"],
    summary="A village's profile",
)
def profile_detail(request: HttpRequest, code: str, response: HttpResponse) -> dict[str, Any]:
    """The ETag is the version of the profile's own fields, the one a PATCH here names."""
    village = _village(request, code)
    data = village_profile(actor(request), village)
    with_etag(response, data["profile"])
    return {"village": village, **data}


@router.patch(
    "/villages/{code}/profile",
    response={200: VillageProfileOut, **EDIT_ERRORS},
    tags=["villages"],
    summary="Change a village's profile",
)
def profile_update(
    request: HttpRequest, code: str, payload: ProfilePatch, response: HttpResponse
) -> dict[str, Any]:
    village = _village(request, code)
    changes, version = edit_of(request, payload)
    profile = village_profile_update(
        actor=actor(request), village=village, expected_version=version, **changes
    )
    with_etag(response, profile)
    return {"village": village, **village_profile(actor(request), village)}


# Facilities


class FacilityIn(InputSchema):
    kind: FacilityKind
    name: str = Field(..., min_length=1, max_length=100)
    latitude: DecimalIn | None = None
    longitude: DecimalIn | None = None
    notes: str = Field("", max_length=200)


class FacilityPatch(VersionedPatch):
    nullable = frozenset({"latitude", "longitude"})

    kind: FacilityKind | None = None
    name: str | None = Field(None, min_length=1, max_length=100)
    latitude: DecimalIn | None = None
    longitude: DecimalIn | None = None
    notes: str | None = Field(None, max_length=200)


@router.post(
    "/villages/{code}/facilities",
    response={201: FacilityOut, **WRITE_ERRORS},
    tags=["villages"],
    summary="Add a facility to a village",
)
def facility_create_endpoint(
    request: HttpRequest, code: str, payload: FacilityIn
) -> Status[Facility]:
    village = _village(request, code)
    facility = facility_create(actor=actor(request), village=village, **payload.model_dump())
    return Status(201, facility)


@router.get(
    "/facilities/{facility_id}",
    response={200: FacilityOut, **READ_ERRORS},
    tags=["villages"],
    summary="One facility",
)
def facility_detail(request: HttpRequest, facility_id: int, response: HttpResponse) -> Facility:
    facility = get_in_scope(Facility.objects.all(), actor(request), "view", pk=facility_id)
    return with_etag(response, facility)


@router.patch(
    "/facilities/{facility_id}",
    response={200: FacilityOut, **EDIT_ERRORS},
    tags=["villages"],
    summary="Change a facility",
)
def facility_update_endpoint(
    request: HttpRequest, facility_id: RecordId, payload: FacilityPatch, response: HttpResponse
) -> Facility:
    facility = get_in_scope(Facility.objects.all(), actor(request), "change", pk=facility_id)
    changes, version = edit_of(request, payload)
    saved = facility_update(
        actor=actor(request), facility=facility, expected_version=version, **changes
    )
    return with_etag(response, saved)


@router.delete(
    "/facilities/{facility_id}",
    response={204: None, **WRITE_ERRORS},
    tags=["villages"],
    summary="Remove a facility",
)
def facility_delete_endpoint(request: HttpRequest, facility_id: RecordId) -> Status[None]:
    facility = get_in_scope(Facility.objects.all(), actor(request), "delete", pk=facility_id)
    facility_delete(actor=actor(request), facility=facility)
    return Status(204, None)


# Contacts


class ContactOut(Schema):
    id: int
    region_code: str
    region_name: str
    name: str
    organisation: str
    position: str
    level: str
    level_label: str
    phone: str
    notes: str
    created_by: str | None = Field(..., description="Username of who added the entry.")
    created_at: datetime.datetime
    updated_at: datetime.datetime
    version: int

    @staticmethod
    def resolve_region_name(contact: Contact) -> str:
        return contact.region.name

    @staticmethod
    def resolve_level_label(contact: Contact) -> str:
        return label_of(ContactLevel, contact.level)

    @staticmethod
    def resolve_created_by(contact: Contact) -> str | None:
        return contact.created_by.username if contact.created_by else None


class ContactIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=50)
    organisation: str = Field(..., min_length=1, max_length=100)
    position: str = Field("", max_length=100)
    level: ContactLevel
    phone: str = Field("", max_length=30)
    notes: str = ""


class ContactPatch(VersionedPatch):
    name: str | None = Field(None, min_length=1, max_length=50)
    organisation: str | None = Field(None, min_length=1, max_length=100)
    position: str | None = Field(None, max_length=100)
    level: ContactLevel | None = None
    phone: str | None = Field(None, max_length=30)
    notes: str | None = None


# The directory page's FilterSet and sort keys (regions.lists.CONTACTS), as query parameters.
ContactFilter = filter_schema(CONTACTS)


@router.get(
    "/regions/{code}/contacts",
    response={200: list[ContactOut], **READ_ERRORS},
    tags=["contacts"],
    summary="The contacts directory of a region and the regions below it",
)
@paginate(Pagination)
def contact_list_endpoint(
    request: HttpRequest,
    code: str,
    filters: Query[ContactFilter],  # type: ignore[valid-type]
) -> QuerySet[Contact]:
    region = _region(request, code)
    return api_rows(CONTACTS, actor(request), filters, region=region)


@router.post(
    "/regions/{code}/contacts",
    response={201: ContactOut, **WRITE_ERRORS},
    tags=["contacts"],
    summary="Add a contact",
)
def contact_create_endpoint(request: HttpRequest, code: str, payload: ContactIn) -> Status[Contact]:
    region = _region(request, code)
    contact = contact_create(actor=actor(request), region=region, **payload.model_dump())
    return Status(201, contact)


@router.get(
    "/contacts/{contact_id}",
    response={200: ContactOut, **READ_ERRORS},
    tags=["contacts"],
    summary="One contact",
)
def contact_detail(request: HttpRequest, contact_id: int, response: HttpResponse) -> Contact:
    contact = get_in_scope(_contacts(), actor(request), "view", pk=contact_id)
    return with_etag(response, contact)


@router.patch(
    "/contacts/{contact_id}",
    response={200: ContactOut, **EDIT_ERRORS},
    tags=["contacts"],
    summary="Change a contact",
)
def contact_update_endpoint(
    request: HttpRequest, contact_id: RecordId, payload: ContactPatch, response: HttpResponse
) -> Contact:
    contact = get_in_scope(_contacts(), actor(request), "change", pk=contact_id)
    changes, version = edit_of(request, payload)
    saved = contact_update(
        actor=actor(request), contact=contact, expected_version=version, **changes
    )
    return with_etag(response, saved)


@router.delete(
    "/contacts/{contact_id}",
    response={204: None, **WRITE_ERRORS},
    tags=["contacts"],
    summary="Remove a contact",
)
def contact_delete_endpoint(request: HttpRequest, contact_id: RecordId) -> Status[None]:
    contact = get_in_scope(_contacts(), actor(request), "delete", pk=contact_id)
    contact_delete(actor=actor(request), contact=contact)
    return Status(204, None)


def _contacts() -> QuerySet[Contact]:
    return Contact.objects.select_related("region", "created_by")
