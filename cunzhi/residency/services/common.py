"""Shared checks of the residency services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from cunzhi.regions.models import Region
from cunzhi.residency.scoping import may


def _require(actor: Any, permission: str, region_code: str, unit_id: int | None) -> None:
    if not may(actor, permission, region_code, unit_id):
        raise PermissionDenied(permission)


def _village(region: Region) -> Region:
    if not region.is_village:
        raise ValidationError({"village": _("A cadre is dispatched to a village.")})
    return region


# Dispatch (派驻)
