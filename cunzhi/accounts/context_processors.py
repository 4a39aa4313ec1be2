from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def current_post(request: HttpRequest) -> dict[str, Any]:
    """The post the user is working as (chosen with the switcher) and their other posts."""
    from cunzhi.accounts.selectors import (
        navigation_for,
        posts_for_switcher,
        primary_navigation,
    )

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    posts, current = posts_for_switcher(request)
    items = navigation_for(user, current)
    return {
        "my_posts": posts,
        "current_post": current,
        "nav_items": items,
        "nav_primary": primary_navigation(items),
    }
