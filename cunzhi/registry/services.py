"""Writes to the household register (DESIGN rule 3): every one checked, scoped and audited."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cunzhi.audit import services as audit
from cunzhi.core.regioncodes import Level
from cunzhi.core.writes import editable_fields, require_permission
from cunzhi.regions.models import Region
from cunzhi.registry.defaults import DEFAULT_TAGS
from cunzhi.registry.identity import parse_id_number, search_keys
from cunzhi.registry.models import (
    GroupLeader,
    Household,
    HouseholdStatus,
    Relation,
    Resident,
    ResidentStatus,
    ResidentTag,
    Tag,
    TenHouseholdGroup,
)

# Audit events keep a resident's fields; these are shown masked (audit.selectors).
RESIDENT_FIELDS = (
    "name",
    "id_number",
    "sex",
    "birth_date",
    "relation",
    "ethnicity",
    "education",
    "health",
    "disability",
    "employment",
    "work_place",
    "away_since",
    "phone",
    "status",
    "status_since",
)


def prepare_resident(resident: Resident) -> None:
    """Derive the search keys and check the ID number against sex and birth date.

    A field left empty takes its value from the ID number; a field that disagrees is an error on
    that field, so the person correcting a typo sees which of the two is wrong.
    """
    resident.name = resident.name.strip()
    errors: dict[str, str] = {}
    if resident.id_number:
        try:
            facts = parse_id_number(resident.id_number)
        except ValidationError as error:
            raise ValidationError({"id_number": error.messages}) from None
        resident.id_number = facts.number
        if resident.birth_date is None:
            resident.birth_date = facts.birth_date
        elif resident.birth_date != facts.birth_date:
            errors["birth_date"] = _("The birth date does not match the ID number (%(date)s).") % {
                "date": facts.birth_date.isoformat()
            }
        if not resident.sex:
            resident.sex = facts.sex
        elif resident.sex != facts.sex:
            errors["sex"] = _("The sex does not match the ID number.")
    keys = search_keys(resident.name, resident.id_number, resident.phone)
    resident.name_pinyin, resident.name_initials = keys.name_pinyin, keys.name_initials
    resident.name_reversed, resident.id_reversed = keys.name_reversed, keys.id_reversed
    resident.phone_reversed = keys.phone_reversed
    if errors:
        raise ValidationError(errors)


def _require_village(region: Region) -> None:
    if region.level != Level.VILLAGE:
        raise ValidationError({"village": _("Households are registered in a village.")})


def _check_group(village: Region, group: Region | None) -> None:
    if group is not None and group.parent_id != village.pk:
        raise ValidationError({"group": _("The villager group is not in this village.")})


def _check_unique_in_village(obj: Household | Resident) -> None:
    """A household number or an ID number used twice in a village is an error on that field,
    naming the record that has it (the database constraint would only say "constraint")."""
    if isinstance(obj, Household):
        clash = (
            Household.objects.filter(region_id=obj.region_id, household_no=obj.household_no)
            .exclude(pk=obj.pk)
            .exists()
        )
        if clash:
            raise ValidationError(
                {
                    "household_no": _("Household number %(no)s is already used in this village.")
                    % {"no": obj.household_no}
                }
            )
        return
    if not obj.id_number:
        return
    other = (
        Resident.objects.filter(region_id=obj.region_id, id_number=obj.id_number)
        .exclude(pk=obj.pk)
        .select_related("household")
        .first()
    )
    if other is not None:
        raise ValidationError(
            {
                "id_number": _(
                    "This ID number is already registered in this village: %(name)s, household "
                    "%(no)s."
                )
                % {"name": other.name, "no": other.household.household_no}
            }
        )


def _new_resident(household: Household, fields: dict[str, Any]) -> Resident:
    resident = Resident(household=household, region=household.region, **fields)
    prepare_resident(resident)
    _check_unique_in_village(resident)
    resident.full_clean(exclude=["household"])
    resident.save()
    return resident


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
    _require_village(village)
    _check_group(village, group)
    with transaction.atomic():
        require_permission(actor, "registry.add_household", village.code)
        household = Household(
            region=village,
            household_no=household_no.strip(),
            group=group,
            address=address,
            phone=phone,
        )
        _check_unique_in_village(household)
        household.full_clean()
        household.save()
        try:
            head_resident = _new_resident(household, {**head, "relation": Relation.HEAD})
        except ValidationError as error:
            raise ValidationError({f"head.{k}": v for k, v in error.message_dict.items()}) from None
        residents = [head_resident]
        for index, fields in enumerate(members):
            try:
                if fields.get("relation") == Relation.HEAD:
                    raise ValidationError(
                        {"relation": _("A household has one head; give the head on its own.")}
                    )
                residents.append(_new_resident(household, fields))
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


def resident_add(*, actor: Any, household: Household, **fields: Any) -> Resident:
    with transaction.atomic():
        require_permission(actor, "registry.add_resident", household.region_code)
        if fields.get("relation") == Relation.HEAD:
            raise ValidationError(
                {"relation": _("A household has one head; change the head instead.")}
            )
        resident = _new_resident(household, fields)
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


def resident_update(*, actor: Any, resident: Resident, **changes: Any) -> Resident:
    """Change a resident's fields (not their household: that is a move)."""
    unknown = set(changes) - set(RESIDENT_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        require_permission(actor, "registry.change_resident", resident.region_code)
        before = audit.snapshot(resident, RESIDENT_FIELDS)
        if changes.get("relation") == Relation.HEAD and resident.relation != Relation.HEAD:
            raise ValidationError(
                {"relation": _("Use “make head of household” to change the head.")}
            )
        for name, value in changes.items():
            setattr(resident, name, value)
        if "id_number" in changes and "birth_date" not in changes:
            resident.birth_date = None  # taken again from the new number
        prepare_resident(resident)
        _check_unique_in_village(resident)
        resident.full_clean(exclude=["household"])
        resident.save()
        changed = audit.diff(before, audit.snapshot(resident, RESIDENT_FIELDS))
        if changed:
            audit.record(
                actor=actor,
                action="registry.resident_update",
                obj=resident,
                data={"changes": changed},
            )
    return resident


def resident_set_status(
    *, actor: Any, resident: Resident, status: str, since: datetime.date
) -> Resident:
    """Moved out or deceased (or back), from a date; a household's head stays recorded."""
    if status not in ResidentStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    with transaction.atomic():
        resident_update(actor=actor, resident=resident, status=status, status_since=since)
        if status != ResidentStatus.LIVING:
            _end_leadership(actor, [resident], since, status)
    return resident


def _end_leadership(actor: Any, residents: Sequence[Resident], on: datetime.date, why: str) -> None:
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


def household_update(*, actor: Any, household: Household, **changes: Any) -> Household:
    allowed = {"address", "phone", "group", "household_no"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"not editable here: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        require_permission(actor, "registry.change_household", household.region_code)
        fields = [f for f in editable_fields(household) if f != "head_id"]
        before = audit.snapshot(household, fields)
        _check_group(household.region, changes.get("group", household.group))
        for name, value in changes.items():
            setattr(household, name, value)
        _check_unique_in_village(household)
        household.full_clean()
        household.save()
        changed = audit.diff(before, audit.snapshot(household, fields))
        if changed:
            audit.record(
                actor=actor,
                action="registry.household_update",
                obj=household,
                data={"changes": changed},
            )
    return household


def _require_registered(household: Household, field: str = NON_FIELD_ERRORS) -> None:
    """A merged, moved-out or dissolved household takes no one in and gives no one away."""
    if household.status != HouseholdStatus.ACTIVE:
        raise ValidationError(
            {
                field: _("Household %(no)s is no longer registered (%(status)s).")
                % {"no": household.household_no, "status": household.get_status_display()}
            }
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


def _check_ids_free(residents: Iterable[Resident], village: Region, field: str) -> None:
    """People moving into another village: none of their ID numbers may be registered there yet
    (the database would only say "constraint"); the error names who has it there."""
    numbers = {r.id_number: r for r in residents if r.id_number}
    if not numbers:
        return
    other = (
        Resident.objects.filter(region=village, id_number__in=list(numbers))
        .select_related("household")
        .first()
    )
    if other is not None:
        raise ValidationError(
            {
                field: _(
                    "%(name)s's ID number is already registered in %(village)s: %(other)s, "
                    "household %(no)s."
                )
                % {
                    "name": numbers[other.id_number].name,
                    "village": village.name,
                    "other": other.name,
                    "no": other.household.household_no,
                }
            }
        )


def _move(resident: Resident, target: Household, relation: str) -> None:
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
    _require_registered(to, "to")
    with transaction.atomic():
        require_permission(actor, "registry.change_resident", resident.region_code)
        require_permission(actor, "registry.change_resident", to.region_code)
        if to.region_id != resident.region_id:
            _check_ids_free([resident], to.region, "to")
            _end_leadership(actor, [resident], timezone.localdate(), "moved_village")
        source = resident.household
        _move(resident, to, relation)
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
    _require_registered(household)
    with transaction.atomic():
        require_permission(actor, "registry.add_household", household.region_code)
        new = Household(
            region=household.region,
            household_no=household_no.strip(),
            group=household.group,
            address=address or household.address,
        )
        _check_unique_in_village(new)
        new.full_clean()
        new.save()
        for member in members:
            _move(member, new, Relation.HEAD if member.pk == head.pk else member.relation)
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
    _require_registered(source)
    _require_registered(into, "into")
    with transaction.atomic():
        require_permission(actor, "registry.change_household", source.region_code)
        require_permission(actor, "registry.change_household", into.region_code)
        moved = list(source.members.all())
        for member in moved:
            _move(
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
    _require_village(village)
    if village.pk == household.region_id:
        raise ValidationError(
            {"village": _("The household is already in this village; choose another village.")}
        )
    _require_registered(household)
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
        _check_ids_free(members, village, "village")
        source = (household.region_code, household.household_no)
        household.region = village
        household.group = None
        household.ten_household_group = None
        household.household_no = number
        household.full_clean()
        household.save()
        _end_leadership(actor, members, timezone.localdate(), "moved_village")
        for member in members:
            _move(member, household, member.relation)
        TenHouseholdGroup.objects.filter(lead_household=household).update(lead_household=None)
        audit.record(
            actor=actor,
            action="registry.household_transfer",
            obj=household,
            data={"from": list(source), "to": [village.code, household.household_no]},
        )
    return household


def resident_set_tags(*, actor: Any, resident: Resident, tags: Iterable[Tag]) -> Resident:
    """Replace the resident's tags; the trace names what was added and removed."""
    wanted = {tag.pk: tag for tag in tags}
    with transaction.atomic():
        require_permission(actor, "registry.change_resident", resident.region_code)
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
            audit.record(
                actor=actor,
                action="registry.resident_set_tags",
                obj=resident,
                data={"added": sorted(t.code for t in added), "removed": sorted(removed)},
            )
    return resident


def sync_default_tags(**_kwargs: Any) -> int:
    """Insert the default tags missing from the dictionary; never changes an existing one."""
    existing = set(Tag.objects.values_list("code", flat=True))
    missing = [Tag(**tag) for tag in DEFAULT_TAGS if tag["code"] not in existing]
    Tag.objects.bulk_create(missing)
    return len(missing)


# Villager groups (村民小组) and ten-household groups (十户联户)


def group_leader_set(
    *, actor: Any, group: Region, resident: Resident, starts_on: datetime.date
) -> GroupLeader:
    """Make ``resident`` the leader (组长) of a villager group from ``starts_on``.

    The leader in office, if any, leaves office that day; both stay on record.
    """
    if group.level != Level.GROUP:
        raise ValidationError({"group": _("Leaders are set for a villager group.")})
    if resident.region_id != group.parent_id:
        raise ValidationError({"resident": _("The leader must be registered in this village.")})
    if resident.status != ResidentStatus.LIVING:
        raise ValidationError({"resident": _("The leader must be living in the village.")})
    with transaction.atomic():
        require_permission(actor, "registry.add_groupleader", group.code)
        current = GroupLeader.objects.filter(region=group, ends_on__isnull=True).first()
        if current is not None:
            if current.resident_id == resident.pk:
                raise ValidationError({"resident": _("This person already leads the group.")})
            if starts_on <= current.starts_on:
                raise ValidationError(
                    {
                        "starts_on": _("The new leader must start after %(date)s.")
                        % {"date": current.starts_on.isoformat()}
                    }
                )
            current.ends_on = starts_on
            current.save(update_fields=["ends_on", "updated_at"])
        leader = GroupLeader(region=group, resident=resident, starts_on=starts_on)
        leader.full_clean()
        leader.save()
        audit.record(
            actor=actor,
            action="registry.group_leader_set",
            obj=leader,
            data={
                "group": group.name,
                "leader": resident.name,
                "previous": current.resident.name if current else None,
                "starts_on": starts_on.isoformat(),
            },
        )
    return leader


def ten_group_save(
    *,
    actor: Any,
    village: Region,
    name: str,
    households: Sequence[Household],
    lead_household: Household | None,
    ten_group: TenHouseholdGroup | None = None,
) -> TenHouseholdGroup:
    """Create or change a ten-household group: its name, its households and its lead household.

    A household belongs to one group at most: adding it here takes it out of its old group, and
    the trace says so. Households left out of the list leave the group.
    """
    _require_village(village)
    errors: dict[str, str] = {}
    if any(h.region_id != village.pk for h in households):
        errors["households"] = _("Every household must be registered in this village.")
    if lead_household is not None and lead_household.pk not in {h.pk for h in households}:
        errors["lead_household"] = _("The lead household must be one of the group's households.")
    if errors:
        raise ValidationError(errors)
    creating = ten_group is None
    action = "add" if creating else "change"
    with transaction.atomic():
        require_permission(actor, f"registry.{action}_tenhouseholdgroup", village.code)
        group = ten_group or TenHouseholdGroup(region=village)
        if not creating and group.region_id != village.pk:
            raise ValidationError({"name": _("The group is not in this village.")})
        before = set() if creating else set(group.households.values_list("pk", flat=True))
        group.name = name.strip()
        group.lead_household = lead_household
        group.full_clean()
        group.save()
        wanted = {h.pk for h in households}
        taken = dict(
            Household.objects.filter(pk__in=wanted, ten_household_group__isnull=False)
            .exclude(ten_household_group=group)
            .values_list("household_no", "ten_household_group__name")
        )
        Household.objects.filter(pk__in=before - wanted).update(ten_household_group=None)
        Household.objects.filter(pk__in=wanted - before).update(ten_household_group=group)
        numbers = dict(
            Household.objects.filter(pk__in=before ^ wanted).values_list("pk", "household_no")
        )
        audit.record(
            actor=actor,
            action=f"registry.ten_group_{'create' if creating else 'update'}",
            obj=group,
            data={
                "name": group.name,
                "lead_household": lead_household.household_no if lead_household else None,
                "added": sorted(numbers[pk] for pk in wanted - before),
                "removed": sorted(numbers[pk] for pk in before - wanted),
                "taken_from": taken,
            },
        )
    return group


# The tag dictionary (one for the whole system, kept by the system administrator)

TAG_FIELDS = ("code", "name", "colour", "sensitive", "key_person", "active", "order")


def tag_save(*, actor: Any, tag: Tag | None = None, **fields: Any) -> Tag:
    """Add a tag to the dictionary or change one. A tag in use is retired (``active=False``),
    never deleted, so the residents who carry it keep it in their history."""
    unknown = set(fields) - set(TAG_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {', '.join(sorted(unknown))}")
    creating = tag is None
    with transaction.atomic():
        # The dictionary is shared by every county: only a system administrator keeps it.
        require_permission(actor, f"registry.{'add' if creating else 'change'}_tag", "")
        tag = tag or Tag()
        before = {} if creating else audit.snapshot(tag, list(TAG_FIELDS))
        for name, value in fields.items():
            setattr(tag, name, value)
        tag.full_clean()
        tag.save()
        changes = audit.diff(before, audit.snapshot(tag, list(TAG_FIELDS)))
        if changes:
            audit.record(
                actor=actor,
                action=f"registry.tag_{'create' if creating else 'update'}",
                obj=tag,
                region_code="",
                data={"changes": changes},
            )
    return tag
