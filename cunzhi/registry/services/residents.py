"""Services of residents: add, update, status, move between households, tags."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cunzhi.audit import services as audit
from cunzhi.core.writes import check_version, lock_current, require_permission, update_audited
from cunzhi.registry.models import (
    GroupLeader,
    Household,
    Relation,
    Resident,
    ResidentStatus,
    ResidentTag,
    Tag,
)
from cunzhi.registry.services.rules import (
    RESIDENT_FIELDS,
    check_id_number_elsewhere,
    check_ids_free,
    check_unique_in_village,
    new_resident,
    prepare_resident,
    require_registered,
)


def resident_add(*, actor: Any, household: Household, **fields: Any) -> Resident:
    with transaction.atomic():
        require_permission(actor, "registry.add_resident", household.region_code)
        if fields.get("relation") == Relation.HEAD:
            raise ValidationError(
                {"relation": _("A household has one head; change the head instead.")}
            )
        resident = new_resident(actor, household, fields)
        audit.record(
            actor=actor,
            action="registry.resident_add",
            obj=resident,
            data={
                "household": household.household_no,
                "fields": audit.snapshot(resident, RESIDENT_FIELDS),
            },
        )
    return resident


def resident_update(
    *, actor: Any, resident: Resident, expected_version: int | None, **changes: Any
) -> Resident:
    """Change a resident's fields (not their household: that is a move)."""
    unknown = set(changes) - set(RESIDENT_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {', '.join(sorted(unknown))}")
    if "id_number" in changes and "birth_date" not in changes:
        changes = {**changes, "birth_date": None}  # taken again from the new number

    def prepare(stored: Resident) -> None:
        if stored.relation == Relation.HEAD and stored.household.head_id != stored.pk:
            raise ValidationError(
                {"relation": _("Use “make head of household” to change the head.")}
            )
        prepare_resident(stored)
        check_unique_in_village(stored)
        if "id_number" in changes:
            check_id_number_elsewhere(actor, stored)

    with transaction.atomic():
        return update_audited(
            actor=actor,
            obj=resident,
            changes=changes,
            expected_version=expected_version,
            action="registry.resident_update",
            prepare=prepare,
        )


def resident_set_status(
    *,
    actor: Any,
    resident: Resident,
    expected_version: int | None,
    status: str,
    since: datetime.date,
) -> Resident:
    """Moved out or deceased (or back), from a date; a household's head stays recorded."""
    if status not in ResidentStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    with transaction.atomic():
        resident_update(
            actor=actor,
            resident=resident,
            expected_version=expected_version,
            status=status,
            status_since=since,
        )
        if status != ResidentStatus.LIVING:
            group_leader_end(actor=actor, residents=[resident], on=since, why=status)
    return resident


def group_leader_end(
    *, actor: Any, residents: Sequence[Resident], on: datetime.date, why: str
) -> None:
    """A group leader (组长) who dies, moves out or leaves the village leaves office ``on`` that
    day; the group then shows no leader until a new one is set. Each end is in the trace, ``why``
    a code: the new status (``deceased``, ``moved_out``) or ``moved_village``."""
    terms = GroupLeader.objects.filter(
        resident__in=[r.pk for r in residents], ends_on__isnull=True
    ).select_related("region", "resident")
    for term in terms:
        term.ends_on = max(on, term.starts_on)
        term.save(update_fields=["ends_on", "updated_at"])
        audit.record(
            actor=actor,
            action="registry.group_leader_end",
            obj=term,
            data={
                "group": term.region.name,
                "leader": term.resident.name,
                "ends_on": term.ends_on.isoformat(),
                "why": why,
            },
        )


def move_resident(resident: Resident, target: Household, relation: str) -> None:
    """Put ``resident`` in ``target`` (checked by the caller) with their tags' region."""
    resident.household = target
    resident.region = target.region
    resident.relation = relation
    resident.save()
    ResidentTag.objects.filter(resident=resident).update(
        region=target.region, region_code=target.region_code
    )


def resident_move(
    *, actor: Any, resident: Resident, to: Household, relation: str = Relation.OTHER
) -> Resident:
    """Move a person to another household, in this village or another (a transfer).

    A transfer needs the right to change the register at both ends.
    """
    if resident.pk == resident.household.head_id:
        raise ValidationError(
            {"resident": _("Choose a new head of household before moving the head out.")}
        )
    if relation == Relation.HEAD:
        raise ValidationError({"relation": _("A household has one head; change the head instead.")})
    if to.pk == resident.household_id:
        raise ValidationError({"to": _("This person is already a member of that household.")})
    require_registered(to, "to")
    with transaction.atomic():
        require_permission(actor, "registry.change_resident", resident.region_code)
        require_permission(actor, "registry.change_resident", to.region_code)
        if to.region_id != resident.region_id:
            check_ids_free([resident], to.region, "to")
            group_leader_end(
                actor=actor, residents=[resident], on=timezone.localdate(), why="moved_village"
            )
        source = resident.household
        move_resident(resident, to, relation)
        audit.record(
            actor=actor,
            action="registry.resident_move",
            obj=resident,
            data={
                "from": [source.region_code, source.household_no],
                "to": [to.region_code, to.household_no],
            },
        )
        # Both households' histories show the person leaving and joining.
        for household, side in ((source, "to"), (to, "from")):
            other = to if side == "to" else source
            audit.record(
                actor=actor,
                action="registry.resident_move",
                obj=household,
                data={"resident": resident.name, side: [other.region_code, other.household_no]},
            )
    return resident


def resident_set_tags(
    *, actor: Any, resident: Resident, expected_version: int | None, tags: Iterable[Tag]
) -> Resident:
    """Replace the resident's tags; the trace names what was added and removed.

    The tags are part of the resident's record: a change makes a new version of the resident,
    and an edit of the tags from a version that is no longer the stored one is refused.
    """
    wanted = {tag.pk: tag for tag in tags}
    with transaction.atomic():
        require_permission(actor, "registry.change_resident", resident.region_code)
        stored = lock_current(resident)
        check_version(stored, expected_version)
        current = {link.tag_id: link for link in resident.tag_links.select_related("tag")}
        removed = [current[pk].tag.code for pk in current.keys() - wanted.keys()]
        added = [wanted[pk] for pk in wanted.keys() - current.keys()]
        ResidentTag.objects.filter(
            resident=resident, tag_id__in=current.keys() - wanted.keys()
        ).delete()
        ResidentTag.objects.bulk_create(
            [
                ResidentTag(
                    resident=resident,
                    tag=tag,
                    region=resident.region,
                    region_code=resident.region_code,
                )
                for tag in added
            ]
        )
        if added or removed:
            stored.save(update_fields=["updated_at"])  # a new version of the resident
            audit.record(
                actor=actor,
                action="registry.resident_set_tags",
                obj=stored,
                data={
                    "added": sorted(t.code for t in added),
                    "removed": sorted(removed),
                    "version": stored.version,
                },
            )
        resident.version = stored.version
    return resident
