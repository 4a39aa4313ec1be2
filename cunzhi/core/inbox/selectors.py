"""Reading one's own inbox: a person sees only the notifications addressed to them."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.db.models import QuerySet

from cunzhi.core.inbox.models import Notification


def inbox_of(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def unread_count(user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


class InboxBadge:
    """The header's unread count: one query, and only on a page whose template reads it."""

    def __init__(self, user: Any) -> None:
        self.user = user

    @cached_property
    def unread(self) -> int:
        return unread_count(self.user)
