"""Services of the tag dictionary."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from cunzhi.audit import services as audit
from cunzhi.core.writes import check_version, lock_current, require_permission
from cunzhi.registry.defaults import DEFAULT_TAGS
from cunzhi.registry.models import (
    Tag,
)


def sync_default_tags(**_kwargs: Any) -> int:
    """Insert the default tags missing from the dictionary; never changes an existing one."""
    existing = set(Tag.objects.values_list("code", flat=True))
    missing = [Tag(**tag) for tag in DEFAULT_TAGS if tag["code"] not in existing]
    Tag.objects.bulk_create(missing)
    return len(missing)


# The tag dictionary (one for the whole system, kept by the system administrator)

TAG_FIELDS = ("code", "name", "colour", "sensitive", "key_person", "active", "order")


def tag_save(
    *, actor: Any, tag: Tag | None = None, expected_version: int | None, **fields: Any
) -> Tag:
    """Add a tag to the dictionary or change one. A tag in use is retired (``active=False``),
    never deleted, so the residents who carry it keep it in their history.

    A change names the version of the tag it started from (None when adding one)."""
    unknown = set(fields) - set(TAG_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {', '.join(sorted(unknown))}")
    creating = tag is None
    with transaction.atomic():
        # The dictionary is shared by every county: only a system administrator keeps it.
        require_permission(actor, f"registry.{'add' if creating else 'change'}_tag", "")
        if tag is None:
            tag = Tag()
        else:
            tag = lock_current(tag)  # the before-state as stored, not as the caller holds it
            check_version(tag, expected_version)
        before = {} if creating else audit.snapshot(tag, list(TAG_FIELDS))
        for name, value in fields.items():
            setattr(tag, name, value)
        tag.full_clean()
        changes = audit.diff(before, audit.snapshot(tag, list(TAG_FIELDS)))
        if changes:  # an edit that changes nothing is not a new version
            tag.save()
            audit.record(
                actor=actor,
                action="registry.tag_save",
                obj=tag,
                region_code="",
                data={"changes": changes, "version": tag.version},
            )
    return tag
