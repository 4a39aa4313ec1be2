"""Reading the trace: a record's history and the log of an area, always in the reader's scope."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import pgettext

from cunzhi.audit.models import Event
from cunzhi.audit.reading import event_label, readable_changes
from cunzhi.audit.services import SYSTEM_LABEL
from cunzhi.core.scoping import get_in_scope


def _actor_name(event: Event) -> str:
    if event.actor is not None:
        return str(event.actor)
    if event.actor_label == SYSTEM_LABEL:  # the sweep, a scheduled task: no person
        return pgettext("actor", "System")
    return event.actor_label


def _present(user: Any, events: list[Event]) -> list[Event]:
    """Each event with its action's label and its changes as a person reads them (reading.py)."""
    changes = readable_changes(user, events)
    for event in events:
        event.changes = changes[event.pk]  # type: ignore[attr-defined]
        event.action_label = event_label(event)  # type: ignore[attr-defined]
        # The person's name as it is now (the trace keeps the username it had then).
        event.actor_name = _actor_name(event)  # type: ignore[attr-defined]
    return events


def history_for(user: Any, object_type: str, object_id: str, limit: int = 100) -> list[Event]:
    """The events of one record, if the user may see the record itself (else 404)."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        raise Http404("No such record.") from None
    if not hasattr(model._default_manager, "for_user"):
        raise Http404("No such record.")
    obj = get_in_scope(model._default_manager.all(), user, "view", pk=object_id)
    events = (
        Event.objects.filter(object_type=object_type, object_id=str(obj.pk))
        .select_related("actor")
        .order_by("-seq")
    )
    return _present(user, list(events[:limit]))


def event_list(user: Any, limit: int = 200) -> list[Event]:
    events: QuerySet[Event] = (
        Event.objects.for_user(user, "view").select_related("actor").order_by("-occurred_at", "-pk")
    )
    return _present(user, list(events[:limit]))
