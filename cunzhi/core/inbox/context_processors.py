from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from cunzhi.core.inbox.selectors import InboxBadge


def inbox(request: HttpRequest) -> dict[str, Any]:
    """``inbox.unread`` for the header: counted lazily, at most once per page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox": InboxBadge(user)}
