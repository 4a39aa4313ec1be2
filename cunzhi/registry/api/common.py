"""The register API's router and what its endpoints share: pagination, regions, filters."""

# No "from __future__ import annotations": Ninja reads the handlers' annotations at runtime.
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from cunzhi.accounts.scopes import has_permission_at
from cunzhi.core.api import WRITE_ERRORS, Pagination, actor
from cunzhi.core.regioncodes import Level
from cunzhi.regions.models import Region
from cunzhi.regions.selectors import region_get, region_list
from cunzhi.registry.models import Household, Tag
from cunzhi.registry.selectors import (
    present_households,
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
