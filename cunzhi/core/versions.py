"""What changed in a record since the version someone started editing from.

A refused stale edit (``core.writes.EditConflict``) is only useful if the person sees what the
other editor did: who changed which field, from what to what, and when. That is read from the
trace, not kept anywhere else: every audited update records ``{"changes": ..., "version": n}``
(``core.writes.update_audited``), so the events of this record with a version above the editor's
are exactly the saves they did not see.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext as _

from cunzhi.audit.models import Event
from cunzhi.core.privacy import masked


@dataclass(frozen=True)
class FieldChange:
    name: str  # the attribute, as the trace names it ("group_id")
    label: str
    before: str
    after: str
    stored_before: Any  # the value as the trace keeps it, to compare with a form's input


@dataclass(frozen=True)
class SaveSeen:
    """One save by someone else: who, when, and the fields it changed."""

    actor: str
    occurred_at: datetime.datetime
    fields: list[FieldChange]


@dataclass
class ChangesSince:
    """The saves between the editor's version and the stored one."""

    your_version: int
    current_version: int
    saves: list[SaveSeen] = field(default_factory=list)
    # Set when some versions came from operations whose events carry no field diff (a household
    # split, a merge): the record's history page lists them.
    history_url: str | None = None


def values_seen(changes: ChangesSince) -> dict[str, Any]:
    """{attribute: its value at the editor's version} for every field changed since then."""
    seen: dict[str, Any] = {}
    for save in changes.saves:
        for change in save.fields:
            seen.setdefault(change.name, change.stored_before)
    return seen


def stored_version(record: models.Model) -> int:
    """The record's version, or 0 for one not stored yet (a village profile nobody filled in)."""
    return int(record.version) if record.pk is not None else 0  # type: ignore[attr-defined]


def _field_map(model: type[models.Model]) -> dict[str, models.Field[Any, Any]]:
    fields: dict[str, models.Field[Any, Any]] = {}
    for f in model._meta.concrete_fields:
        fields[f.name] = f
        fields[f.attname] = f
    return fields


def _readable(f: models.Field[Any, Any] | None, name: str, value: Any) -> str:
    """The value as a person reads it: a choice's label, a related record's name, masked numbers."""
    if value is None or value == "" or value == []:
        return _("(empty)")
    if f is not None and f.choices:
        labels = {str(k): str(v) for k, v in f.flatchoices}
        return labels.get(str(value), str(value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if f is not None and f.is_relation and f.related_model is not None:
        related = f.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else _("(removed)")
    return str(masked(f.name if f is not None else name, value))


def changes_since(
    record: models.Model, version: int, current_version: int | None = None
) -> ChangesSince:
    """The saves of ``record`` after ``version``, oldest first, in words a person reads.

    ``current_version`` is given when the version spans several rows (a villager group's
    leadership): the saves are then not this row's, and the history page tells the rest.
    """
    own = current_version is None or current_version == record.version  # type: ignore[attr-defined]
    if current_version is None:
        current_version = int(record.version)  # type: ignore[attr-defined]
    result = ChangesSince(your_version=version, current_version=current_version)
    if not own:
        result.history_url = reverse(
            "audit:history", args=[record._meta.label_lower, str(record.pk)]
        )
        return result
    events = (
        Event.objects.filter(
            object_type=record._meta.label_lower,
            object_id=str(record.pk),
            data__version__gt=version,
        )
        .select_related("actor")
        .order_by("occurred_at", "pk")
    )
    fields = _field_map(type(record))
    seen_versions = set()
    for event in events:
        seen_versions.add(event.data.get("version"))
        changes = event.data.get("changes") or {}
        result.saves.append(
            SaveSeen(
                actor=(event.actor.full_name if event.actor else "") or event.actor_label,
                occurred_at=event.occurred_at,
                fields=[
                    FieldChange(
                        name=name,
                        label=str(fields[name].verbose_name) if name in fields else name,
                        before=_readable(fields.get(name), name, old),
                        after=_readable(fields.get(name), name, new),
                        stored_before=old,
                    )
                    for name, (old, new) in changes.items()
                ],
            )
        )
    if len(seen_versions) < current_version - version:
        result.history_url = reverse(
            "audit:history", args=[record._meta.label_lower, str(record.pk)]
        )
    return result
