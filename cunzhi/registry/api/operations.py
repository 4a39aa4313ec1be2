"""Endpoints of the household operations (head, move, split, merge, transfer), tags and status."""

# No "from __future__ import annotations": Ninja reads the handlers' annotations at runtime.
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Status

from cunzhi.accounts.scopes import has_permission_at
from cunzhi.core.api import EDIT_ERRORS, WRITE_ERRORS, RecordId, actor, edit_of, with_etag
from cunzhi.core.scoping import get_in_scope
from cunzhi.registry import services
from cunzhi.registry.api.common import router
from cunzhi.registry.api.schemas import (
    HouseholdDetailOut,
    MergeIn,
    MoveIn,
    ResidentDetailOut,
    SetHeadIn,
    SplitIn,
    StatusIn,
    TagsIn,
    TransferIn,
)
from cunzhi.registry.models import Household, Resident
from cunzhi.registry.selectors import (
    household_detail,
    resident_detail,
    resident_get,
    target_household,
    target_village,
    visible_tags,
)

# Changes of households and people (变更户主, 迁户, 分户, 合户, 迁移), tags and status.
# The household or resident of the path is looked up for "change" (404 outside the scope, 403
# inside it without the right); whatever the body names (a member, a target household, a village)
# that cannot be used is a 422 on that field, the same whether it is elsewhere or nowhere.


def _members(household: Household, ids: Iterable[int], field: str) -> list[Resident]:
    """Residents of ``household`` by id; any other id is an error on ``field``."""
    wanted = set(ids)
    found = list(Resident.objects.filter(household=household, pk__in=wanted))
    if len(found) != len(wanted):
        message = (
            _("The new head must be a member of the household.")
            if field == "head"
            else _("Every member who leaves must be of this household.")
        )
        raise ValidationError({field: message})
    return found


def _household_for_change(request: HttpRequest, household_id: int) -> Household:
    households = Household.objects.select_related("region", "head")
    return get_in_scope(households, actor(request), "change", pk=household_id)


@router.post(
    "/households/{household_id}/head",
    response={200: HouseholdDetailOut, **WRITE_ERRORS},
    tags=["registry"],
    summary="Make another member the head of the household (变更户主)",
)
def household_set_head_endpoint(
    request: HttpRequest, household_id: RecordId, payload: SetHeadIn
) -> Household:
    user = actor(request)
    household = _household_for_change(request, household_id)
    [head] = _members(household, [payload.head], "head")
    services.household_set_head(
        actor=user,
        household=household,
        resident=head,
        old_head_relation=payload.old_head_relation.value,
    )
    return household_detail(user, household.pk)


@router.post(
    "/residents/{resident_id}/move",
    response={200: ResidentDetailOut, **WRITE_ERRORS},
    tags=["registry"],
    summary="Move a person to another household, of this village or another (迁户)",
)
def resident_move_endpoint(
    request: HttpRequest, resident_id: RecordId, payload: MoveIn
) -> Resident:
    user = actor(request)
    resident = resident_get(user, resident_id, "change")
    target = target_household(user, "to", pk=payload.to)
    services.resident_move(
        actor=user, resident=resident, to=target, relation=payload.relation.value
    )
    return resident_detail(user, resident.pk)


@router.post(
    "/households/{household_id}/split",
    response={201: HouseholdDetailOut, **WRITE_ERRORS},
    tags=["registry"],
    summary="Split members off into a new household of the village (分户)",
)
def household_split_endpoint(
    request: HttpRequest, household_id: RecordId, payload: SplitIn
) -> Status[Household]:
    """Answers the new household."""
    user = actor(request)
    household = get_in_scope(
        Household.objects.select_related("region"), user, "view", pk=household_id
    )
    if not has_permission_at(user, "registry.add_household", household.region_code):
        raise PermissionDenied("registry.add_household")
    members = _members(household, payload.members, "members")
    [head] = _members(household, [payload.head], "head")
    new = services.household_split(
        actor=user,
        household=household,
        members=members,
        head=head,
        household_no=payload.household_no,
        address=payload.address,
    )
    return Status(201, household_detail(user, new.pk))


@router.post(
    "/households/{household_id}/merge",
    response={200: HouseholdDetailOut, **WRITE_ERRORS},
    tags=["registry"],
    summary="Merge every member into another household of the village (合户)",
)
def household_merge_endpoint(
    request: HttpRequest, household_id: RecordId, payload: MergeIn
) -> Household:
    """Answers the household merged into; this one stays in the register as merged."""
    user = actor(request)
    household = _household_for_change(request, household_id)
    into = target_household(user, "into", pk=payload.into)
    services.household_merge(actor=user, source=household, into=into)
    return household_detail(user, into.pk)


@router.post(
    "/households/{household_id}/transfer",
    response={200: HouseholdDetailOut, **WRITE_ERRORS},
    tags=["registry"],
    summary="Move the whole household to another village (迁移)",
)
def household_transfer_endpoint(
    request: HttpRequest, household_id: RecordId, payload: TransferIn
) -> Household:
    user = actor(request)
    household = _household_for_change(request, household_id)
    village = target_village(user, payload.village)
    services.household_transfer(
        actor=user, household=household, village=village, household_no=payload.household_no
    )
    return household_detail(user, household.pk)


@router.put(
    "/residents/{resident_id}/tags",
    response={200: ResidentDetailOut, **EDIT_ERRORS},
    tags=["registry"],
    summary="Replace a resident's tags",
)
def resident_tags_endpoint(
    request: HttpRequest, resident_id: RecordId, payload: TagsIn, response: HttpResponse
) -> Resident:
    """The tags the caller may see become exactly ``tags``; those they may not see (sensitive
    ones without the reveal permission, retired ones) stay as they are, as on the page. A code
    the caller may not see is refused as an unknown one."""
    user = actor(request)
    resident = resident_get(user, resident_id, "change")
    _tags, version = edit_of(request, payload)
    codes = list(dict.fromkeys(payload.tags))
    offered = visible_tags(user, resident.region_code)
    # A NUL character cannot reach PostgreSQL; such a code is unknown like any other.
    wanted = list(offered.filter(code__in=[c for c in codes if "\x00" not in c]))
    unknown = [code for code in codes if code not in {t.code for t in wanted}]
    if unknown:
        raise ValidationError(
            {"tags": [_("There is no such tag: %(code)s.") % {"code": code} for code in unknown]}
        )
    hidden = [t for t in resident.tags.all() if t not in offered]
    services.resident_set_tags(
        actor=user, resident=resident, expected_version=version, tags=[*wanted, *hidden]
    )
    return with_etag(response, resident_detail(user, resident.pk))


@router.post(
    "/residents/{resident_id}/status",
    response={200: ResidentDetailOut, **EDIT_ERRORS},
    tags=["registry"],
    summary="Moved out, deceased or back to living here, from a date",
)
def resident_status_endpoint(
    request: HttpRequest, resident_id: RecordId, payload: StatusIn, response: HttpResponse
) -> Resident:
    """The status is a field of the resident's record: the edit names its version."""
    user = actor(request)
    resident = resident_get(user, resident_id, "change")
    _status, version = edit_of(request, payload)
    services.resident_set_status(
        actor=user,
        resident=resident,
        expected_version=version,
        status=payload.status.value,
        since=payload.since,
    )
    return with_etag(response, resident_detail(user, resident.pk))
