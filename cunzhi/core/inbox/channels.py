"""Where a notification goes. Only the in-app inbox today; a channel is a class in a setting.

A channel has ``deliver(notifications)``, called by ``notify`` inside the service's transaction
with the notifications it built (unsaved). The in-app channel writes them to the inbox in the same
transaction, so a notification exists exactly when the change it reports does. A channel that
leaves the database (SMS, WeChat) must send only after the commit, so that a rolled-back change
sends nothing; it wraps its sending in ``transaction.on_commit`` and hands the work to a task:

    class Sms:
        def deliver(self, notifications: list[Notification]) -> None:
            rows = [(n.recipient_id, n.message) for n in notifications]
            transaction.on_commit(lambda: send_sms.enqueue(rows))

and is added to ``NOTIFICATION_CHANNELS`` in the settings.
"""

from __future__ import annotations

import functools
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from cunzhi.core.inbox.models import Notification

DEFAULT_CHANNELS = ["cunzhi.core.inbox.channels.InApp"]


class Channel(Protocol):
    def deliver(self, notifications: list[Notification]) -> None: ...


class InApp:
    """The inbox on the site: one INSERT for all recipients."""

    def deliver(self, notifications: list[Notification]) -> None:
        Notification.objects.bulk_create(notifications)


@functools.cache
def _load(paths: tuple[str, ...]) -> list[Channel]:
    return [import_string(path)() for path in paths]


def channels() -> list[Channel]:
    return _load(tuple(getattr(settings, "NOTIFICATION_CHANNELS", DEFAULT_CHANNELS)))
