"""The steps every service write shares: check permission in scope, validate, save, audit.

Services stay the one way to write (DESIGN rule 3); these helpers only keep each service from
spelling the same five steps again. Call them inside the service's ``transaction.atomic()``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from cunzhi.audit import services as audit
from cunzhi.core.scoping import has_permission_at, permission_name

M = TypeVar("M", bound=models.Model)


def default_action(obj: models.Model, verb: str) -> str:
    """``<app>.<model>_<verb>`` (``regions.contact_update``): the name of the service that writes
    it, when the service is named after its model (``contact_update``), as services are; a
    service named otherwise passes its own ``action`` (the rule: ``<app>.<service name>``)."""
    return f"{obj._meta.app_label}.{obj._meta.model_name}_{verb}"


def require_permission(actor: Any, permission: str, region_code: str) -> None:
    """Raise PermissionDenied unless ``actor`` holds ``permission`` over ``region_code``."""
    if not has_permission_at(actor, permission, region_code):
        raise PermissionDenied(permission)


def editable_fields(obj: models.Model) -> list[str]:
    return [
        f.attname
        for f in obj._meta.concrete_fields
        if f.editable and not f.primary_key and f.name not in {"created_at", "updated_at"}
    ]


def create_audited(*, actor: Any, obj: M, action: str | None = None) -> M:
    """Validate and insert ``obj`` (its region already set), then record it with its fields."""
    region_code = obj.region.code  # type: ignore[attr-defined]
    require_permission(actor, permission_name(type(obj), "add"), region_code)
    obj.full_clean()
    obj.save()
    audit.record(
        actor=actor,
        action=action or default_action(obj, "create"),
        obj=obj,
        data={"fields": audit.snapshot(obj, editable_fields(obj))},
    )
    return obj


class EditConflict(ValidationError):
    """An edit started from a version of the record that is no longer the stored one.

    Someone else saved the record in between; applying the edit would silently undo their change.
    ``current`` is the record as stored now, so a page can show what changed meanwhile and the API
    can answer 409 with the current version. It is a ValidationError so that a form that knows
    nothing of versions still shows the refusal instead of failing.
    """

    def __init__(
        self, current: models.Model, expected_version: int, current_version: int | None = None
    ) -> None:
        self.current: Any = current
        self.expected_version = expected_version
        # A version that spans several rows (a group's leadership) is not the row's own.
        self.current_version: int = (
            current.version if current_version is None else current_version  # type: ignore[attr-defined]
        )
        super().__init__(
            _(
                "Someone else saved this record after you opened it (your copy was version "
                "%(expected)s, it is now version %(current)s). Nothing was saved: check their "
                "change, then save again."
            ),
            code="stale",
            params={"expected": expected_version, "current": self.current_version},
        )


def lock_current(obj: M) -> M:
    """The record as stored now, locked until the transaction ends (a no-op lock on SQLite,
    whose IMMEDIATE transactions already let one writer in at a time)."""
    manager = type(obj)._default_manager
    return manager.select_for_update().get(pk=obj.pk)


def check_version(current: models.Model, expected_version: int | None) -> None:
    """Refuse an edit that started from another version than the stored ``current``.

    ``None`` is for writes no person typed (a scheduled sweep, a migration of data): they apply to
    whatever is stored. Every edit a person makes names its version.
    """
    if expected_version is not None and current.version != expected_version:  # type: ignore[attr-defined]
        raise EditConflict(current, expected_version)


def update_audited(
    *,
    actor: Any,
    obj: M,
    changes: dict[str, Any],
    expected_version: int | None,
    action: str | None = None,
    prepare: Callable[[M], None] | None = None,
) -> M:
    """Apply ``changes`` to the stored record, validate, save and record what changed.

    The "before" state is read from the database inside the transaction, never taken from
    ``obj``: a bound ModelForm has already written the user's input onto its instance, and a
    diff against that instance is empty, so the change would go untraced. The returned object is
    the saved record; ``obj`` is brought up to date with it too.

    ``prepare``, if given, runs on the stored record with the changes applied, before
    ``full_clean``: a service derives fields there (search keys from a name) and checks rules
    across fields or records, raising ValidationError to refuse.
    """
    require_permission(actor, permission_name(type(obj), "change"), obj.region_code)  # type: ignore[attr-defined]
    allowed = {f.name for f in obj._meta.concrete_fields if f.editable} - {"region"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"not editable here: {', '.join(sorted(unknown))}")
    # A record edited into being (a village's first profile) has nothing stored to compare with.
    current = obj if obj._state.adding else lock_current(obj)
    check_version(current, expected_version)
    fields = editable_fields(current)
    before = audit.snapshot(current, fields)
    for name, value in changes.items():
        setattr(current, name, value)
    if prepare is not None:
        prepare(current)
    current.full_clean()
    changed = audit.diff(before, audit.snapshot(current, fields))
    if changed or current._state.adding:  # an edit that changes nothing is not a new version
        current.save()
        audit.record(
            actor=actor,
            action=action or default_action(current, "update"),
            obj=current,
            data={"changes": changed, "version": current.version},  # type: ignore[attr-defined]
        )
    for field in current._meta.concrete_fields:
        setattr(obj, field.attname, getattr(current, field.attname))
    return current


def delete_audited(*, actor: Any, obj: models.Model, action: str | None = None) -> None:
    """Delete ``obj``, keeping its last state in the trace."""
    require_permission(actor, permission_name(type(obj), "delete"), obj.region_code)  # type: ignore[attr-defined]
    last_state = audit.snapshot(obj, editable_fields(obj))
    object_id, label, region_code = str(obj.pk), str(obj), obj.region_code  # type: ignore[attr-defined]
    obj.delete()
    audit.record(
        actor=actor,
        action=action or default_action(obj, "delete"),
        object_type=obj._meta.label_lower,
        object_id=object_id,
        object_label=label,
        region_code=region_code,
        data={"fields": last_state},
    )
