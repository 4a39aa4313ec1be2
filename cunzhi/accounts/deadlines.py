"""Telling people of a deadline: the sweep's reminders and overdue marks reach their inbox.

``core.workflow.sweep`` sends ``deadline_reached`` in the transaction of each reminder and overdue
mark; it knows nothing of posts. Here, where posts are known, each one becomes an inbox
notification (``core.inbox.services.notify``) for the workflow's ``recipients`` or, by default,
for the people who hold the workflow's permission nearest the record's region (the village's own
secretary, not every county administrator above it). Connected in ``AccountsConfig.ready``.
"""

from __future__ import annotations

import time
from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cunzhi.accounts.models import Post
from cunzhi.accounts.selectors import holders_of
from cunzhi.core.inbox.services import notify
from cunzhi.core.workflow.declare import Workflow
from cunzhi.core.workflow.sweep import deadline_reached

MESSAGES = {
    "reminder": _("“{record}” is due on {date}."),
    "overdue": _("“{record}” is overdue: it was due on {date}."),
}


# A sweep tells of hundreds of records in a few villages: whom to tell is looked up once per
# permission and village for a minute, not once per record.
HOLDERS_SECONDS = 60
_holders: dict[tuple[str, str], tuple[float, list[Any]]] = {}


def _nearest_holders(permission: str, region_code: str) -> list[Any]:
    now = time.monotonic()
    key = (permission, region_code)
    cached = _holders.get(key)
    if cached is None or cached[0] < now:
        if len(_holders) > 10_000:
            _holders.clear()
        cached = (now + HOLDERS_SECONDS, holders_of(permission, region_code, nearest=True))
        _holders[key] = cached
    return cached[1]


@receiver(post_save, sender=Post, dispatch_uid="cunzhi_deadline_holders_post")
def forget_holders(**kwargs: Any) -> None:
    """A post given or ended changes who holds what: look again."""
    _holders.clear()


def deadline_recipients(workflow: Workflow, obj: Any, kind: str) -> list[Any]:
    if workflow.recipients is not None:
        return list(workflow.recipients(obj, kind))
    return _nearest_holders(workflow.default_permission, obj.region_code)


@receiver(deadline_reached, dispatch_uid="cunzhi_deadline_notify")
def deadline_notify(sender: Any, obj: Any, workflow: Workflow, kind: str, **kwargs: Any) -> None:
    message = MESSAGES.get(kind)
    if message is None:
        return
    recipients = deadline_recipients(workflow, obj, kind)
    if recipients:
        notify(
            recipients=recipients,
            message=format_lazy(message, record=str(obj), date=obj.due_on.isoformat()),
            obj=obj,
            verb=kind,
        )
