"""Which regions a user may do what in: the answer every ``for_user`` asks for."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from cunzhi.accounts.models import DISPATCHED_ROLES, Post, Role
from cunzhi.accounts.permissions import role_has
from cunzhi.core.regioncodes import collapse_prefixes, prefix_of
from cunzhi.core.scoping import EVERYWHERE, Everywhere

_CACHE_ATTR = "_cunzhi_post_scopes"


def active_posts(user: Any, on: datetime.date | None = None) -> list[Post]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    return list(Post.objects.active(on).filter(user=user).select_related("region", "sending_unit"))


def post_prefixes(user: Any) -> list[tuple[str, str]]:
    """(role, code prefix) for every active post of ``user``, computed once per user object.

    A sending-unit contact's post reaches the villages where the unit's cadres serve today.
    """
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None and cached[0] == timezone.localdate():
        return cached[1]
    pairs: list[tuple[str, str]] = []
    posts = active_posts(user)
    unit_ids = [p.sending_unit_id for p in posts if p.role == Role.SENDING_UNIT_CONTACT]
    for post in posts:
        if post.role != Role.SENDING_UNIT_CONTACT:
            pairs.append((post.role, prefix_of(post.region_code)))
    if unit_ids:
        served = (
            Post.objects.active()
            .filter(sending_unit_id__in=unit_ids, role__in=DISPATCHED_ROLES)
            .values_list("region_code", flat=True)
        )
        pairs.extend((Role.SENDING_UNIT_CONTACT, prefix_of(code)) for code in served)
    if user is not None and getattr(user, "is_authenticated", False):
        setattr(user, _CACHE_ATTR, (timezone.localdate(), pairs))
    return pairs


def forget_scopes(user: Any) -> None:
    """Drop the cached scopes, after the user's posts change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def scope_prefixes(user: Any, permission: str) -> list[str] | Everywhere:
    """The code prefixes where ``user`` holds ``permission``; EVERYWHERE for a superuser."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if user.is_superuser:
        return EVERYWHERE
    return collapse_prefixes(
        [prefix for role, prefix in post_prefixes(user) if role_has(role, permission)]
    )


def has_permission_at(user: Any, permission: str, region_code: str) -> bool:
    """May ``user`` use ``permission`` on a record of the region ``region_code``?"""
    prefixes = scope_prefixes(user, permission)
    if isinstance(prefixes, Everywhere):
        return True
    return any(region_code.startswith(prefix) for prefix in prefixes)


def has_permission_anywhere(user: Any, permission: str) -> bool:
    prefixes = scope_prefixes(user, permission)
    return isinstance(prefixes, Everywhere) or bool(prefixes)


def home_region_code(user: Any) -> str:
    """The region of the user's first active post, or "" for someone with none (a superuser).

    Events about a person's sign-in and credentials go to this region's county chain, so that the
    county's administrators see them in their audit log; with no post they go to the global chain.
    """
    if user is None or not getattr(user, "pk", None):
        return ""
    code = (
        Post.objects.active()
        .filter(user=user)
        .order_by("starts_on", "pk")
        .values_list("region_code", flat=True)
        .first()
    )
    return code or ""
