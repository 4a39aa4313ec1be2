"""The trace as a person reads it: each change as the record's own field and choice labels.

An event keeps what changed as stored values (``{"education": ["junior", "senior"]}``), which
stay stable when a label is reworded. The village affairs supervision committee reads the
history, so a page shows ``文化程度：初中 → 高中或中专``: the field's verbose name, each value as
its choice label, a yes/no as 是/否, a linked record by its name, nothing as （空）, and personal
numbers masked (DESIGN rule 7).

The audit app sits below the apps whose records it shows, so it never imports them: the model
is found by the event's ``object_type`` in Django's app registry (``apps.get_model``), and the
linked records' names are read in one query per kind of linked record for the whole page,
through ``for_user`` where the model is regional (a name outside the reader's scope stays a
number).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cunzhi.audit.labels import action_label
from cunzhi.audit.models import Event
from cunzhi.core.privacy import masked
from cunzhi.core.workflow.declare import Workflow, workflow_for


@dataclass(frozen=True)
class Change:
    """One field of a record, before and after, as a person reads it."""

    label: str
    old: str
    new: str
    # A note is a value given with the event (a reason, a comment), not a field that changed.
    note: bool = False


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _fields(model: type[models.Model] | None) -> dict[str, models.Field[Any, Any]]:
    """The model's concrete fields by name and by attname (a snapshot keeps ``group_id``)."""
    if model is None:
        return {}
    found: dict[str, models.Field[Any, Any]] = {}
    for field in model._meta.concrete_fields:
        found[field.name] = field
        found[field.attname] = field
    return found


def _related_names(
    user: Any, wanted: dict[type[models.Model], set[Any]]
) -> dict[tuple[type[models.Model], str], str]:
    """The name of every linked record the page mentions: one query per model."""
    names: dict[tuple[type[models.Model], str], str] = {}
    for model, pks in wanted.items():
        manager: Any = model._default_manager
        rows = manager.for_user(user, "view") if hasattr(manager, "for_user") else manager.all()
        for obj in rows.filter(pk__in=list(pks)):
            names[(model, str(obj.pk))] = str(obj)
    return names


def _shown(
    field: models.Field[Any, Any] | None,
    key: str,
    value: Any,
    names: dict[tuple[type[models.Model], str], str],
) -> str:
    if value is None or value == "" or value == []:
        return _("(empty)")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field is not None:
        if field.is_relation and field.related_model is not None:
            related: Any = field.related_model
            return names.get((related, str(value)), f"#{value}")
        if field.choices:
            labels = {str(k): str(v) for k, v in field.flatchoices}
            return labels.get(str(value), str(value))
        value = masked(field.name, value)
    return str(masked(key, value))


def _label(field: models.Field[Any, Any] | None, key: str) -> str:
    if field is None:
        return str(capfirst(key.replace("_", " ")))
    return str(capfirst(field.verbose_name))


def _workflow(data: dict[str, Any]) -> Workflow | None:
    key = data.get("workflow")
    if not isinstance(key, str):
        return None
    try:
        return workflow_for(key)
    except KeyError:
        return None


def event_label(event: Event) -> str:
    """What the event was, in words: a workflow's step reads as the step's own label
    (受理, 办结), any other event as its action's label."""
    data = event.data if isinstance(event.data, dict) else {}
    workflow = _workflow(data)
    if workflow is not None and isinstance(data.get("transition"), str):
        step = workflow.transition(data["transition"])
        if step is not None:
            return str(step.label)
    return action_label(event.action)


# The values a workflow's event carries besides its changes (core.workflow): what a person gave
# with the step, and the dates a deadline event names.
NOTE_LABELS = {
    "reason": gettext_lazy("Reason"),
    "comment": gettext_lazy("Comment"),
    "attachment": gettext_lazy("File"),
    "days": gettext_lazy("Days added"),
    "due_on": gettext_lazy("Due date"),
}


def _notes(event: Event, fields: dict[str, models.Field[Any, Any]]) -> list[Change]:
    data = event.data if isinstance(event.data, dict) else {}
    if _workflow(data) is None:
        return []
    given = dict(data.get("inputs") or {})
    for key in ("reason", "days"):
        if key in data:
            given[key] = data[key]
    if isinstance(data.get("due_on"), str):
        given["due_on"] = data["due_on"]
    notes = []
    for key, value in given.items():
        if value in (None, "", []):
            continue
        label = NOTE_LABELS.get(key) or _label(fields.get(key), key)
        shown = _shown(fields.get(key), key, value, {}) if key in fields else str(value)
        notes.append(Change(label=str(label), old="", new=shown, note=True))
    return notes


def _pairs(event: Event) -> list[tuple[str, Any, Any]]:
    """(field key, old, new) of what the event says changed; a record's creation lists its
    fields as set from nothing, its deletion as set to nothing; a workflow's step its state
    first, and a deadline's extension its due date."""
    data = event.data if isinstance(event.data, dict) else {}
    workflow = _workflow(data)
    found: list[tuple[str, Any, Any]] = []
    if workflow is not None and "from" in data and "to" in data:
        found.append((workflow.field, data["from"], data["to"]))
    if workflow is not None and isinstance(data.get("due_on"), list):
        found.append(("due_on", *data["due_on"]))  # type: ignore[arg-type]
    changes = data.get("changes")
    if isinstance(changes, dict):
        return found + [
            (key, *pair)  # type: ignore[misc]
            for key, pair in changes.items()
            if isinstance(pair, list | tuple)
        ]
    if found:
        return found
    fields = data.get("fields")
    if isinstance(fields, dict):
        deleted = event.action.endswith("_delete") or event.action.endswith(".delete")
        return [
            (key, value, None) if deleted else (key, None, value)
            for key, value in fields.items()
            if value not in (None, "")
        ]
    return []


def readable_changes(user: Any, events: Iterable[Event]) -> dict[int, list[Change]]:
    """Each event's changes as labels and shown values, by event pk."""
    events = list(events)
    by_type = {event.object_type: _fields(_model(event.object_type)) for event in events}
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    pairs = {event.pk: _pairs(event) for event in events}
    for event in events:
        fields = by_type[event.object_type]
        for key, old, new in pairs[event.pk]:
            field = fields.get(key)
            if field is not None and field.is_relation and field.related_model is not None:
                related: Any = field.related_model
                wanted[related].update(v for v in (old, new) if v not in (None, ""))
    try:
        names = _related_names(user, wanted)
    except (FieldDoesNotExist, ValueError):
        names = {}
    result: dict[int, list[Change]] = {}
    for event in events:
        fields = by_type[event.object_type]
        result[event.pk] = [
            Change(
                label=_label(fields.get(key), key),
                old=_shown(fields.get(key), key, old, names),
                new=_shown(fields.get(key), key, new, names),
            )
            for key, old, new in pairs[event.pk]
            if key not in {"version"}
        ] + _notes(event, fields)
    return result
