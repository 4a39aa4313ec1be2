"""Duplicate residents across the villages a township or county sees, and merging them.

Two kinds (issue: registry, item 8): the same ID number registered in two places, which is
certainly one person; and the same name with the same birth date, which is likely one person
whose number was missing or mistyped in one of the records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from cunzhi.audit import services as audit
from cunzhi.core.writes import require_permission
from cunzhi.regions.models import Region
from cunzhi.registry.models import HouseholdStatus, Resident, ResidentTag
from cunzhi.registry.selectors import tag_links
from cunzhi.registry.services import RESIDENT_FIELDS

# Groups listed at once; the next ones show as the first are merged away.
LIMIT = 200


@dataclass(frozen=True)
class DuplicateGroup:
    key: str  # the shared ID number, or "name · birth date"
    residents: list[Resident]


def _groups(residents: Any, key_fields: tuple[str, ...], limit: int) -> list[DuplicateGroup]:
    keys = list(
        residents.values(*key_fields)
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by(*key_fields)[:limit]
    )
    if not keys:
        return []
    match = Q(pk__in=[])
    for key in keys:
        match |= Q(**{field: key[field] for field in key_fields})
    found: dict[tuple[Any, ...], list[Resident]] = {}
    found_residents = (
        residents.filter(match)
        .select_related("household", "region")
        .prefetch_related(tag_links())
        .order_by("pk")
    )
    for resident in found_residents:
        found.setdefault(tuple(getattr(resident, f) for f in key_fields), []).append(resident)
    return [
        DuplicateGroup(" · ".join(str(part) for part in key), members)
        for key, members in found.items()
    ]


def duplicate_id_numbers(user: Any, region: Region, limit: int = LIMIT) -> list[DuplicateGroup]:
    """ID numbers registered more than once in ``region`` (in the user's scope)."""
    residents = (
        Resident.objects.for_user(user, "view").in_region(region.prefix).exclude(id_number="")
    )
    return _groups(residents, ("id_number",), limit)


def likely_duplicates(user: Any, region: Region, limit: int = LIMIT) -> list[DuplicateGroup]:
    """Residents sharing a name and birth date whose ID numbers differ or are missing."""
    residents = (
        Resident.objects.for_user(user, "view")
        .in_region(region.prefix)
        .exclude(birth_date__isnull=True)
    )
    groups = _groups(residents, ("name", "birth_date"), limit)
    # The same number twice is the certain kind, listed by duplicate_id_numbers.
    return [
        g
        for g in groups
        if len({r.id_number for r in g.residents if r.id_number}) != 1
        or any(not r.id_number for r in g.residents)
    ]


def resident_merge(*, actor: Any, keep: Resident, duplicate: Resident) -> Resident:
    """Keep one record of a person registered twice: blanks of ``keep`` are filled from
    ``duplicate``, its tags move over, and ``duplicate`` leaves the register.

    The removed record's fields stay in the trace. A duplicate who heads a household with other
    members cannot be merged until the household has another head.
    """
    if keep.pk == duplicate.pk:
        raise ValidationError({"duplicate": _("A record cannot be merged into itself.")})
    household = duplicate.household
    others = household.members.exclude(pk=duplicate.pk).exists()
    if household.head_id == duplicate.pk and others:
        raise ValidationError(
            {"duplicate": _("This record heads a household: choose another head first.")}
        )
    with transaction.atomic():
        require_permission(actor, "registry.change_resident", keep.region_code)
        require_permission(actor, "registry.change_resident", duplicate.region_code)
        filled = {}
        for name in RESIDENT_FIELDS:
            if getattr(keep, name) in ("", None) and getattr(duplicate, name) not in ("", None):
                setattr(keep, name, getattr(duplicate, name))
                filled[name] = getattr(duplicate, name)
        removed = audit.snapshot(duplicate, RESIDENT_FIELDS)
        kept_tags = set(keep.tag_links.values_list("tag_id", flat=True))
        moving = duplicate.tag_links.exclude(tag_id__in=kept_tags)
        moving.update(resident=keep, region=keep.region, region_code=keep.region_code)
        ResidentTag.objects.filter(resident=duplicate).delete()
        if household.head_id == duplicate.pk:
            household.head = None
            household.status = HouseholdStatus.DISSOLVED
            household.save(update_fields=["head", "status", "updated_at"])
        duplicate_id, duplicate_label = duplicate.pk, str(duplicate)
        duplicate.delete()
        # The ID number may only now be free in the keeper's village.
        keep.full_clean(exclude=["household"])
        keep.save()
        audit.record(
            actor=actor,
            action="registry.resident_merge",
            obj=keep,
            data={
                "removed": {
                    "id": duplicate_id,
                    "label": duplicate_label,
                    "fields": removed,
                    "region_code": duplicate.region_code,
                },
                "filled": filled,
            },
        )
    return keep
