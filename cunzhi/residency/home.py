"""The dispatched cadre's block on the home page: check in, today, the year's share."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from cunzhi.accounts.models import DISPATCHED_ROLES
from cunzhi.residency.selectors import HomeView, my_residency


def home_block(request: HttpRequest, post: Any) -> tuple[str, HomeView] | None:
    if post is None or post.role not in DISPATCHED_ROLES:
        return None
    view = my_residency(request.user)
    if view is None:
        return None
    return "residency/home_block.html", view
