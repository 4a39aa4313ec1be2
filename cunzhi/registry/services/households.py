"""Services of households: register, update, set the head, split, merge, transfer."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cunzhi.audit import services as audit
from cunzhi.core.writes import require_permission, update_audited
from cunzhi.regions.models import Region
from cunzhi.registry.models import (
    Household,
    HouseholdStatus,
    Relation,
    Resident,
    ResidentStatus,
    TenHouseholdGroup,
)
from cunzhi.registry.services.residents import group_leader_end, move_resident
from cunzhi.registry.services.rules import (
    RESIDENT_FIELDS,
    check_group,
    check_ids_free,
    check_unique_in_village,
    new_resident,
    require_registered,
    require_village,
)


def household_register(
    *,
    actor: Any,
    village: Region,
    household_no: str,
    head: dict[str, Any],
    members: Sequence[dict[str, Any]] = (),
    group: Region | None = None,
    address: str = "",
    phone: str = "",
) -> Household:
    """Register a household with its head and members (each a dict of resident fields)."""
    require_village(village)
    check_group(village, group)
    with transaction.atomic():
        require_permission(actor, "registry.add_household", village.code)
        household = Household(
            region=village,
            household_no=household_no.strip(),
            group=group,
            address=address,
            phone=phone,
        )
        check_unique_in_village(household)
        household.full_clean()
        household.save()
        try:
            head_resident = new_resident(actor, household, {**head, "relation": Relation.HEAD})
        except ValidationError as error:
            raise ValidationError({f"head.{k}": v for k, v in error.message_dict.items()}) from None
        residents = [head_resident]
        for index, fields in enumerate(members):
            try:
                if fields.get("relation") == Relation.HEAD:
                    raise ValidationError(
                        {"relation": _("A household has one head; give the head on its own.")}
                    )
                residents.append(new_resident(actor, household, fields))
            except ValidationError as error:
                raise ValidationError(
                    {f"members.{index}.{k}": v for k, v in error.message_dict.items()}
                ) from None
        household.head = head_resident
        household.save(update_fields=["head", "updated_at"])
        audit.record(
            actor=actor,
            action="registry.household_register",
            obj=household,
            data={
                "household_no": household.household_no,
                "members": [audit.snapshot(r, RESIDENT_FIELDS) for r in residents],
            },
        )
    return household


def household_update(
    *, actor: Any, household: Household, expected_version: int | None, **changes: Any
) -> Household:
    """Change a household's number, group, address or phone, from the version the editor saw."""
    allowed = {"address", "phone", "group", "household_no"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"not editable here: {', '.join(sorted(unknown))}")

    def prepare(stored: Household) -> None:
        check_group(stored.region, stored.group)
        check_unique_in_village(stored)

    with transaction.atomic():
        return update_audited(
            actor=actor,
            obj=household,
            changes=changes,
            expected_version=expected_version,
            action="registry.household_update",
            prepare=prepare,
        )


def household_set_head(
    *, actor: Any, household: Household, resident: Resident, old_head_relation: str = Relation.OTHER
) -> Household:
    """变更户主: make ``resident`` the head; the old head takes ``old_head_relation``."""
    if resident.household_id != household.pk:
        raise ValidationError({"head": _("The new head must be a member of the household.")})
    if resident.pk == household.head_id:
        raise ValidationError({"head": _("This person is already the head of the household.")})
    if resident.status != ResidentStatus.LIVING:
        raise ValidationError({"head": _("The new head must be living here.")})
    if old_head_relation == Relation.HEAD or old_head_relation not in Relation.values:
        raise ValidationError(
            {"old_head_relation": _("Choose the old head's relation to the new head.")}
        )
    with transaction.atomic():
        require_permission(actor, "registry.change_household", household.region_code)
        old = household.head
        if old is not None and old.pk != resident.pk:
            old.relation = old_head_relation
            old.save(update_fields=["relation", "updated_at"])
        resident.relation = Relation.HEAD
        resident.save(update_fields=["relation", "updated_at"])
        household.head = resident
        household.save(update_fields=["head", "updated_at"])
        audit.record(
            actor=actor,
            action="registry.household_set_head",
            obj=household,
            data={
                "changes": {"head": [str(old) if old else None, str(resident)]},
                "old_head_relation": old_head_relation if old else None,
            },
        )
    return household


def household_split(
    *,
    actor: Any,
    household: Household,
    members: Iterable[Resident],
    household_no: str,
    head: Resident,
    address: str = "",
) -> Household:
    """分户: some members leave to form a new household of the village, ``head`` at its head."""
    members = list(members)
    if not members:
        raise ValidationError({"members": _("Choose the members who leave.")})
    if head not in members:
        raise ValidationError({"head": _("The new head must be one of the members who leave.")})
    if any(m.household_id != household.pk for m in members):
        raise ValidationError({"members": _("Every member who leaves must be of this household.")})
    if household.head_id in {m.pk for m in members}:
        raise ValidationError(
            {"members": _("The head stays; choose a new head first if the head leaves.")}
        )
    if head.status != ResidentStatus.LIVING:
        raise ValidationError({"head": _("The new head must be living here.")})
    require_registered(household)
    with transaction.atomic():
        require_permission(actor, "registry.add_household", household.region_code)
        new = Household(
            region=household.region,
            household_no=household_no.strip(),
            group=household.group,
            address=address or household.address,
        )
        check_unique_in_village(new)
        new.full_clean()
        new.save()
        for member in members:
            move_resident(member, new, Relation.HEAD if member.pk == head.pk else member.relation)
        new.head = head
        new.save(update_fields=["head", "updated_at"])
        audit.record(
            actor=actor,
            action="registry.household_split",
            obj=new,
            data={"from": household.household_no, "members": [str(m) for m in members]},
        )
        # The household left behind keeps the trace too: its page shows who went where.
        audit.record(
            actor=actor,
            action="registry.household_split",
            obj=household,
            data={"to": new.household_no, "members": [str(m) for m in members]},
        )
    return new


def household_merge(*, actor: Any, source: Household, into: Household) -> Household:
    """合户: every member of ``source`` joins ``into``, a household of the same village;
    ``source`` is kept as merged. Moving a household to another village is a transfer."""
    if source.pk == into.pk:
        raise ValidationError({"into": _("A household cannot merge into itself.")})
    if source.region_id != into.region_id:
        raise ValidationError(
            {"into": _("A household merges into another household of the same village.")}
        )
    require_registered(source)
    require_registered(into, "into")
    with transaction.atomic():
        require_permission(actor, "registry.change_household", source.region_code)
        require_permission(actor, "registry.change_household", into.region_code)
        moved = list(source.members.all())
        for member in moved:
            move_resident(
                member,
                into,
                Relation.OTHER if member.relation == Relation.HEAD else member.relation,
            )
        source.status = HouseholdStatus.MERGED
        source.head = None
        source.save(update_fields=["status", "head", "updated_at"])
        audit.record(
            actor=actor,
            action="registry.household_merge",
            obj=into,
            data={
                "source": [source.region_code, source.household_no],
                "members": [str(m) for m in moved],
            },
        )
        audit.record(
            actor=actor,
            action="registry.household_merge",
            obj=source,
            data={
                "into": [into.region_code, into.household_no],
                "members": [str(m) for m in moved],
            },
        )
    return into


def household_transfer(
    *, actor: Any, household: Household, village: Region, household_no: str | None = None
) -> Household:
    """A whole household moves to another village (迁移): its members go with it.

    It leaves its villager group and ten-household group (and stops leading one); it keeps its
    number unless given a new one, which must be free in the new village.
    """
    require_village(village)
    if village.pk == household.region_id:
        raise ValidationError(
            {"village": _("The household is already in this village; choose another village.")}
        )
    require_registered(household)
    number = (household_no or "").strip() or household.household_no
    with transaction.atomic():
        require_permission(actor, "registry.change_household", household.region_code)
        require_permission(actor, "registry.add_household", village.code)
        # Checked before anything changes, so a refusal leaves ``household`` as it was.
        if Household.objects.filter(region=village, household_no=number).exists():
            raise ValidationError(
                {
                    "household_no": _("Household number %(no)s is already used in this village.")
                    % {"no": number}
                }
            )
        members = list(household.members.all())
        check_ids_free(members, village, "village")
        source = (household.region_code, household.household_no)
        household.region = village
        household.group = None
        household.ten_household_group = None
        household.household_no = number
        household.full_clean()
        household.save()
        group_leader_end(
            actor=actor, residents=members, on=timezone.localdate(), why="moved_village"
        )
        for member in members:
            move_resident(member, household, member.relation)
        TenHouseholdGroup.objects.filter(lead_household=household).update(lead_household=None)
        audit.record(
            actor=actor,
            action="registry.household_transfer",
            obj=household,
            data={"from": list(source), "to": [village.code, household.household_no]},
        )
    return household
