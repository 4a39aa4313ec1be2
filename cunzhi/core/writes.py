"""The steps every service write shares: check permission in scope, validate, save, audit.

Services stay the one way to write (DESIGN rule 3); these helpers only keep each service from
spelling the same five steps again. Call them inside the service's ``transaction.atomic()``.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models

from cunzhi.audit import services as audit
from cunzhi.core.scoping import has_permission_at, permission_name

M = TypeVar("M", bound=models.Model)


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
        action=action or f"{obj._meta.label_lower}.create",
        obj=obj,
        data={"fields": audit.snapshot(obj, editable_fields(obj))},
    )
    return obj


def update_audited(*, actor: Any, obj: M, changes: dict[str, Any], action: str | None = None) -> M:
    """Apply ``changes``, validate, save and record what changed (old and new values)."""
    require_permission(actor, permission_name(type(obj), "change"), obj.region_code)  # type: ignore[attr-defined]
    allowed = {f.name for f in obj._meta.concrete_fields if f.editable} - {"region"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"not editable here: {', '.join(sorted(unknown))}")
    fields = editable_fields(obj)
    before = audit.snapshot(obj, fields)
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    changed = audit.diff(before, audit.snapshot(obj, fields))
    if changed:
        audit.record(
            actor=actor,
            action=action or f"{obj._meta.label_lower}.update",
            obj=obj,
            data={"changes": changed},
        )
    return obj


def delete_audited(*, actor: Any, obj: models.Model, action: str | None = None) -> None:
    """Delete ``obj``, keeping its last state in the trace."""
    require_permission(actor, permission_name(type(obj), "delete"), obj.region_code)  # type: ignore[attr-defined]
    last_state = audit.snapshot(obj, editable_fields(obj))
    object_id, label, region_code = str(obj.pk), str(obj), obj.region_code  # type: ignore[attr-defined]
    obj.delete()
    audit.record(
        actor=actor,
        action=action or f"{obj._meta.label_lower}.delete",
        object_type=obj._meta.label_lower,
        object_id=object_id,
        object_label=label,
        region_code=region_code,
        data={"fields": last_state},
    )
