"""Who sees which cadres: by region for the county, township and village; by unit for a unit."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from cunzhi.accounts.models import Role
from cunzhi.accounts.permissions import role_has
from cunzhi.accounts.scopes import active_posts, post_prefixes
from cunzhi.core.regioncodes import collapse_prefixes
from cunzhi.core.scoping import EVERYWHERE, Everywhere

_UNITS_ATTR = "_cunzhi_residency_units"


def contact_units(user: Any) -> list[tuple[int, str]]:
    """(sending unit id, role) of the user's active sending-unit contact posts, once a day."""
    cached = getattr(user, _UNITS_ATTR, None)
    if cached is not None and cached[0] == timezone.localdate():
        return cached[1]  # type: ignore[no-any-return]
    units = [
        (post.sending_unit_id, post.role)
        for post in active_posts(user)
        if post.role == Role.SENDING_UNIT_CONTACT and post.sending_unit_id
    ]
    setattr(user, _UNITS_ATTR, (timezone.localdate(), units))
    return units


def residency_scope(user: Any, permission: str) -> tuple[list[str], list[int]] | Everywhere:
    """The code prefixes and the sending units where ``user`` holds ``permission``.

    A sending-unit contact's region prefixes (the villages its cadres serve in) are left out:
    the contact reaches the unit's own records through their ``sending_unit``, and nothing else.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return [], []
    if user.is_superuser:
        return EVERYWHERE
    prefixes = collapse_prefixes(
        [
            prefix
            for role, prefix in post_prefixes(user)
            if role != Role.SENDING_UNIT_CONTACT and role_has(role, permission)
        ]
    )
    units = [unit for unit, role in contact_units(user) if role_has(role, permission)]
    return prefixes, units


def may(user: Any, permission: str, region_code: str, sending_unit_id: int | None) -> bool:
    """May ``user`` use ``permission`` on a residency record of that region and unit?"""
    scope = residency_scope(user, permission)
    if isinstance(scope, Everywhere):
        return True
    prefixes, units = scope
    return any(region_code.startswith(p) for p in prefixes) or sending_unit_id in units
