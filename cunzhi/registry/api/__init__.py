"""The household register over JSON: households, residents, search and the audited reveal.

Reads go through ``cunzhi.registry.selectors`` and writes through ``cunzhi.registry.services``,
as the register's pages do (DESIGN rules 2, 3 and 8). Every resident leaves here through
``selectors.present`` (every household through ``present_households`` or ``household_detail``):
the schemas read the presented ``shown_*`` attributes, never the raw numbers, so ID and phone
numbers are masked in every answer and sensitive tags appear only for a reader who may reveal
them. The one way to see the full numbers is ``POST /residents/{id}/reveal``, a write that
leaves a trace (``reveal.resident_reveal``), as the page's reveal button is.

The schemas are in ``schemas.py``; ``router`` is added in ``cunzhi/api.py``.
"""

# No "from __future__ import annotations": Ninja reads the handlers' annotations at runtime.
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from cunzhi.accounts.scopes import has_permission_at
from cunzhi.core.api import READ_ERRORS, WRITE_ERRORS, Pagination, actor
from cunzhi.core.regioncodes import Level
from cunzhi.core.scoping import get_in_scope
from cunzhi.regions.models import Region
from cunzhi.regions.selectors import region_get, region_list
from cunzhi.registry import services
from cunzhi.registry.api.schemas import (
    HouseholdDetailOut,
    HouseholdFilter,
    HouseholdIn,
    HouseholdOut,
    HouseholdPatch,
    MemberIn,
    MergeIn,
    MoveIn,
    ResidentDetailOut,
    ResidentFilter,
    ResidentListOut,
    ResidentPatch,
    RevealIn,
    SearchFilter,
    SearchOut,
    SetHeadIn,
    SplitIn,
    StatusIn,
    TagsIn,
    TransferIn,
)
from cunzhi.registry.models import Household, Resident, Tag
from cunzhi.registry.reveal import resident_reveal
from cunzhi.registry.search import SearchResult, resident_search
from cunzhi.registry.selectors import (
    household_detail,
    household_list,
    present,
    present_households,
    resident_detail,
    resident_filtered_list,
    resident_get,
    target_household,
    target_village,
    visible_tags,
)

router = Router()

# A reader in scope without the register's permission (a county organisation department, say)
# is refused a region's list with a 403, so lists document it as writes do.
LIST_ERRORS = WRITE_ERRORS


class PresentedPagination(Pagination):
    """``limit``/``offset``, then the page's rows (only they) go through a selector's presenter.

    Presenting after the slice keeps the masking on the rows that are sent, at no extra query.
    """

    def __init__(self, *, present: Callable[[Any, Iterable[Any]], list[Any]], **kwargs: Any):
        self.present = present
        super().__init__(**kwargs)

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page["items"] = self.present(actor(request), page["items"])
        return page


def _present_households(user: Any, households: Iterable[Household]) -> list[Household]:
    return present_households(households)


def _register_region(request: HttpRequest, code: str, permission: str) -> Region:
    """A region whose register the caller may read: 404 outside the scope, 403 without the
    permission inside it. A villager group's code is a 404: households belong to villages."""
    region = region_get(actor(request), code)
    if region.level == Level.GROUP:
        raise Http404
    if not has_permission_at(actor(request), f"registry.{permission}", region.code):
        raise PermissionDenied(permission)
    return region


def _village(request: HttpRequest, code: str) -> Region:
    region = region_get(actor(request), code)
    if not region.is_village:
        raise Http404
    return region


def _group(user: Any, region: Region, code: str | None) -> Region | None:
    """The villager group ``code`` below ``region``; any other code is an error on ``group``."""
    if not code:
        return None
    group = region_list(user, level=Level.GROUP).filter(code=code).first()
    if group is None or not group.code.startswith(region.prefix):
        raise ValidationError({"group": _("There is no such villager group here.")})
    return group


def _tag(user: Any, region: Region, code: str | None) -> Tag | None:
    """A tag the caller may filter by; a sensitive one is unknown to a reader who may not reveal."""
    if not code:
        return None
    tag = visible_tags(user, region.code).filter(code=code).first()
    if tag is None:
        raise ValidationError({"tag": _("There is no such tag.")})
    return tag


def _filter_args(user: Any, region: Region, filters: Any) -> dict[str, Any]:
    """The register's filters of a list request, as the selectors take them (the household and
    resident lists share them; their status choices differ)."""
    return {
        "group": _group(user, region, filters.group),
        "tag": _tag(user, region, filters.tag),
        "status": filters.status.value if filters.status else None,
        "age_band": filters.age_band.value if filters.age_band else None,
        "query": filters.q or "",
    }


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
def household_detail_endpoint(request: HttpRequest, household_id: int) -> Household:
    return household_detail(actor(request), household_id)


@router.patch(
    "/households/{household_id}",
    response={200: HouseholdDetailOut, **WRITE_ERRORS},
    tags=["registry"],
    summary="Change a household's number, group, address or phone",
)
def household_update_endpoint(
    request: HttpRequest, household_id: int, payload: HouseholdPatch
) -> Household:
    user = actor(request)
    household = get_in_scope(
        Household.objects.select_related("region", "group"), user, "change", pk=household_id
    )
    changes = payload.model_dump(exclude_unset=True)
    if "group" in changes:
        changes["group"] = _group(user, household.region, changes["group"])
    services.household_update(actor=user, household=household, **changes)
    return household_detail(user, household.pk)


@router.post(
    "/households/{household_id}/members",
    response={201: ResidentDetailOut, **WRITE_ERRORS},
    tags=["registry"],
    summary="Add a member to a household",
)
def resident_add_endpoint(
    request: HttpRequest, household_id: int, payload: MemberIn
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
def resident_detail_endpoint(request: HttpRequest, resident_id: int) -> Resident:
    return resident_detail(actor(request), resident_id)


@router.patch(
    "/residents/{resident_id}",
    response={200: ResidentDetailOut, **WRITE_ERRORS},
    tags=["registry"],
    summary="Change a resident",
)
def resident_update_endpoint(
    request: HttpRequest, resident_id: int, payload: ResidentPatch
) -> Resident:
    user = actor(request)
    resident = resident_get(user, resident_id, "change")
    services.resident_update(
        actor=user, resident=resident, **payload.model_dump(exclude_unset=True)
    )
    return resident_detail(user, resident.pk)


@router.post(
    "/residents/{resident_id}/reveal",
    response={200: ResidentDetailOut, **WRITE_ERRORS},
    tags=["registry"],
    summary="Show a resident's ID and phone numbers in full (recorded in the audit log)",
)
def resident_reveal_endpoint(request: HttpRequest, resident_id: int, payload: RevealIn) -> Resident:
    """A POST, not a GET flag: it writes an audit event, so a link or a prefetch must not do it,
    and a browser session needs its CSRF token for it."""
    user = actor(request)
    resident = resident_get(user, resident_id, "reveal")
    resident_reveal(actor=user, resident=resident, reason=payload.reason)
    shown = resident_detail(user, resident.pk, revealed=True)
    shown.revealed = True  # type: ignore[attr-defined]
    return shown


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
    request: HttpRequest, household_id: int, payload: SetHeadIn
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
def resident_move_endpoint(request: HttpRequest, resident_id: int, payload: MoveIn) -> Resident:
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
    request: HttpRequest, household_id: int, payload: SplitIn
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
    request: HttpRequest, household_id: int, payload: MergeIn
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
    request: HttpRequest, household_id: int, payload: TransferIn
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
    response={200: ResidentDetailOut, **WRITE_ERRORS},
    tags=["registry"],
    summary="Replace a resident's tags",
)
def resident_tags_endpoint(request: HttpRequest, resident_id: int, payload: TagsIn) -> Resident:
    """The tags the caller may see become exactly ``tags``; those they may not see (sensitive
    ones without the reveal permission, retired ones) stay as they are, as on the page. A code
    the caller may not see is refused as an unknown one."""
    user = actor(request)
    resident = resident_get(user, resident_id, "change")
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
    services.resident_set_tags(actor=user, resident=resident, tags=[*wanted, *hidden])
    return resident_detail(user, resident.pk)


@router.post(
    "/residents/{resident_id}/status",
    response={200: ResidentDetailOut, **WRITE_ERRORS},
    tags=["registry"],
    summary="Moved out, deceased or back to living here, from a date",
)
def resident_status_endpoint(request: HttpRequest, resident_id: int, payload: StatusIn) -> Resident:
    user = actor(request)
    resident = resident_get(user, resident_id, "change")
    services.resident_set_status(
        actor=user, resident=resident, status=payload.status.value, since=payload.since
    )
    return resident_detail(user, resident.pk)
