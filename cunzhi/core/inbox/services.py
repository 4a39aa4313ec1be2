"""Sending notifications and marking them read.

``notify`` is the one way to send: a domain's service calls it inside its own transaction, after
its change, so the notification and the change commit or roll back together. Reading one's own
inbox is not audited: it is the person's reading state, not a record of the village.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise

from cunzhi.core.inbox.channels import channels
from cunzhi.core.inbox.models import Notification

MAX_MESSAGE = 300


def notify(
    *,
    recipients: Iterable[Any],
    message: str | Promise,
    obj: models.Model | None = None,
    url: str = "",
    verb: str = "",
) -> list[Notification]:
    """Tell each recipient ``message``, linking to ``url`` (by default ``obj``'s page).

    Call it inside the service's ``transaction.atomic()``. A recipient named twice gets one
    notification. The message is stored in the site's language (``LANGUAGE_CODE``): pass a lazy
    translation (``gettext_lazy``), or text already in that language.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notify must run inside the service's transaction")
    with translation.override(settings.LANGUAGE_CODE):
        text = str(message).strip()
    if not text:
        raise ValidationError({"message": ["A notification needs a message."]})
    if not url and obj is not None and hasattr(obj, "get_absolute_url"):
        url = obj.get_absolute_url()
    seen: set[Any] = set()
    notifications = []
    for recipient in recipients:
        if recipient is None or recipient.pk in seen:
            continue
        seen.add(recipient.pk)
        notifications.append(
            Notification(
                recipient=recipient,
                message=text[:MAX_MESSAGE],
                verb=verb[:50],
                url=url[:500],
                object_type=obj._meta.label_lower if obj is not None else "",
                object_id=str(obj.pk) if obj is not None else "",
                region_code=getattr(obj, "region_code", "") or "",
            )
        )
    if notifications:
        for channel in channels():
            channel.deliver(notifications)
    return notifications


def notification_mark_read(*, actor: Any, notification_id: int) -> int:
    """Mark one of ``actor``'s notifications read; 0 when it is not theirs or already read."""
    return Notification.objects.filter(
        pk=notification_id, recipient=actor, read_at__isnull=True
    ).update(read_at=timezone.now())


def notification_mark_all_read(*, actor: Any) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
