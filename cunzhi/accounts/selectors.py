"""Reads about users and posts: the switcher, the navigation, the people list."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cunzhi.accounts.models import ApiToken, Post, Role, User
from cunzhi.accounts.scopes import active_posts, has_permission_anywhere, has_permission_at

SESSION_POST = "cunzhi_post_id"


def posts_for_switcher(request: Any) -> tuple[list[Post], Post | None]:
    """The user's active posts and the one they are working as (kept in the session)."""
    cached = getattr(request, "_cunzhi_posts", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    posts = active_posts(request.user)
    chosen = request.session.get(SESSION_POST)
    current = next((p for p in posts if p.pk == chosen), posts[0] if posts else None)
    request._cunzhi_posts = (posts, current)
    return posts, current


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    key: str


def navigation_for(user: Any, post: Post | None) -> list[NavItem]:
    """Menu entries by what the user may do; the village entries follow the current post."""
    items = [NavItem(str(_("Home")), reverse("core:home"), "home")]
    if has_permission_anywhere(user, "regions.view_region"):
        items.append(NavItem(str(_("Regions")), reverse("regions:list"), "regions"))
    if post is not None and post.region.is_village:
        items.append(
            NavItem(
                str(_("Village profile")),
                reverse("regions:profile", args=[post.region_code]),
                "profile",
            )
        )
    if post is not None and has_permission_anywhere(user, "registry.view_household"):
        # A village post opens its village's register; a township or county post opens its
        # region page, which lists the villages below it.
        url = (
            reverse("registry:register", args=[post.region_code])
            if post.region.is_village
            else reverse("regions:detail", args=[post.region_code])
        )
        items.append(NavItem(str(_("Register")), url, "registry"))
    if post is not None and has_permission_anywhere(user, "registry.view_resident"):
        items.append(NavItem(str(_("Find a person")), reverse("registry:search"), "search"))
    if post is not None and has_permission_anywhere(user, "regions.view_contact"):
        items.append(
            NavItem(
                str(_("Contacts")), reverse("regions:contacts", args=[post.region_code]), "contacts"
            )
        )
    if post is not None and has_permission_anywhere(user, "demands.view_demand"):
        items.append(
            NavItem(str(_("Demands")), reverse("demands:list", args=[post.region_code]), "demands")
        )
    if post is not None and has_permission_anywhere(user, "visits.view_visit"):
        items.append(NavItem(str(_("My day")), reverse("visits:today"), "today"))
        items.append(
            NavItem(str(_("Visits")), reverse("visits:list", args=[post.region_code]), "visits")
        )
    if post is not None and has_permission_anywhere(user, "demands.change_demand"):
        items.append(NavItem(str(_("My demands")), reverse("demands:mine"), "mine"))
    if has_permission_anywhere(user, "demands.take_over_demand"):
        items.append(
            NavItem(str(_("Escalated demands")), reverse("demands:escalated"), "escalated")
        )
    if post is not None and post.region.is_village:
        if has_permission_anywhere(user, "decisions.view_matter"):
            url = reverse("decisions:matters", args=[post.region_code])
            items.append(NavItem(str(_("Decisions")), url, "decisions"))
        if has_permission_anywhere(user, "openness.view_notice"):
            url = reverse("openness:notices", args=[post.region_code])
            items.append(NavItem(str(_("Public board")), url, "openness"))
    if post is not None and has_permission_anywhere(user, "residency.view_dispatch"):
        items.append(
            NavItem(str(_("Time in the village")), reverse("residency:compliance"), "residency")
        )
    # 调解信访: the post's village, township or county (a sending unit's post has none).
    if (
        post is not None
        and post.region.level in ("village", "township", "county")
        and has_permission_anywhere(user, "disputes.view_mediationcase")
    ):
        url = reverse("disputes:overview", args=[post.region_code])
        items.append(NavItem(str(_("Mediation and petitions")), url, "disputes"))
    if post is not None and has_permission_at(user, "plans.view_plan", post.region_code):
        # A village post opens its village's plans; a township or county post the progress
        # of the villages below it. (A sending unit's contact, who reads only the villages its
        # cadres serve, has no region of plans to open.)
        items.append(
            NavItem(str(_("Work plans")), reverse("plans:region", args=[post.region_code]), "plans")
        )
    if post is not None:
        items.append(NavItem(str(_("Rules")), reverse("core:rules"), "rules"))
    if has_permission_anywhere(user, "accounts.view_user"):
        items.append(NavItem(str(_("People")), reverse("accounts:people"), "people"))
    if has_permission_anywhere(user, "audit.view_event"):
        items.append(NavItem(str(_("Audit log")), reverse("audit:list"), "audit"))
    items.append(NavItem(str(_("Devices")), reverse("accounts:tokens"), "tokens"))
    return items


# The places a role goes to most, in order: on a phone the first four present sit in the bar at
# the bottom of the screen, always in reach; the rest are one tap away in the menu.
PRIMARY_NAV_ORDER = ("home", "registry", "search", "profile", "contacts", "regions", "people")
PRIMARY_NAV_SIZE = 4


def primary_navigation(items: list[NavItem]) -> list[NavItem]:
    by_key = {item.key: item for item in items}
    return [by_key[key] for key in PRIMARY_NAV_ORDER if key in by_key][:PRIMARY_NAV_SIZE]


def people_list(user: Any, query: str = "") -> QuerySet[User]:
    """Users with a post in the viewer's area, with their posts, in two queries."""
    people = User.objects.for_user(user, "view").prefetch_related(
        Prefetch("posts", queryset=Post.objects.select_related("region", "sending_unit"))
    )
    if query:
        people = people.filter(full_name__icontains=query) | people.filter(
            username__icontains=query
        )
    return people.order_by("username")


def token_list(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


@dataclass(frozen=True)
class TokenRow:
    token: ApiToken
    expires_at: datetime.datetime
    live: bool


def token_rows(user: User) -> list[TokenRow]:
    """The user's tokens with when each stops working and whether it still works."""
    from cunzhi.accounts.services.tokens import token_expires_at

    now = timezone.now()
    rows = []
    for token in token_list(user):
        expires_at = token_expires_at(token)
        rows.append(TokenRow(token, expires_at, token.revoked_at is None and expires_at > now))
    return rows


def role_choices_at(level: str | None) -> list[tuple[str, str]]:
    from cunzhi.accounts.models import ROLE_LEVEL

    return [(r.value, str(r.label)) for r in Role if level is None or ROLE_LEVEL[r] == level]


def holders_of(
    permission: str,
    region_code: str,
    *,
    nearest: bool = False,
    on: datetime.date | None = None,
) -> list[User]:
    """The people who hold ``permission`` for a record of ``region_code`` today: an active post
    at that region or above it, whose role grants the permission. One query.

    ``nearest`` keeps only the holders at the lowest level that has any (a village's own
    secretary rather than every county administrator above it): whom to tell of a deadline.
    Sending-unit contacts are left out: they follow their cadres, not a region's records.
    """
    from cunzhi.accounts.permissions import role_has
    from cunzhi.core.regioncodes import parent_code

    codes = []
    code: str | None = region_code[:12]
    while code:
        codes.append(code)
        code = parent_code(code)
    roles = [role for role in Role.values if role_has(role, permission)]
    if not roles:
        return []
    posts = list(
        Post.objects.active(on)
        .filter(role__in=roles, region_code__in=codes, user__is_active=True)
        .exclude(role=Role.SENDING_UNIT_CONTACT)
        .select_related("user")
        .order_by("pk")
    )
    if nearest and posts:
        deepest = min(codes.index(post.region_code) for post in posts)
        posts = [post for post in posts if codes.index(post.region_code) == deepest]
    people: dict[int, User] = {}
    for post in posts:
        people.setdefault(post.user_id, post.user)
    return list(people.values())
