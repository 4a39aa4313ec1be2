"""Reading the trace: a record's history and the log of an area, always in the reader's scope."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import QuerySet
from django.http import Http404

from cunzhi.audit.labels import action_label
from cunzhi.audit.models import Event
from cunzhi.core.privacy import masked
from cunzhi.core.scoping import get_in_scope


def _present(events: list[Event]) -> list[Event]:
    for event in events:
        changes = event.data.get("changes") if isinstance(event.data, dict) else None
        # The trace keeps the real values; a page shows personal numbers masked (rule 7).
        event.changes = [  # type: ignore[attr-defined]
            (k, masked(k, v[0]), masked(k, v[1])) for k, v in (changes or {}).items()
        ]
        event.action_label = action_label(event.action)  # type: ignore[attr-defined]
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
    events = Event.objects.filter(object_type=object_type, object_id=str(obj.pk)).order_by("-seq")
    return _present(list(events[:limit]))


def event_list(user: Any, limit: int = 200) -> list[Event]:
    events: QuerySet[Event] = Event.objects.for_user(user, "view").order_by("-occurred_at", "-pk")
    return _present(list(events[:limit]))
