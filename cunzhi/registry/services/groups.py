"""Services of villager groups (their leaders) and ten-household groups (十户联户)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from cunzhi.audit import services as audit
from cunzhi.core.regioncodes import Level
from cunzhi.core.writes import EditConflict, check_version, lock_current, require_permission
from cunzhi.regions.models import Region
from cunzhi.registry.models import (
    GroupLeader,
    Household,
    Resident,
    ResidentStatus,
    TenHouseholdGroup,
)
from cunzhi.registry.services.rules import require_village

# Villager groups (村民小组) and ten-household groups (十户联户)


def leadership_version(group: Region) -> int:
    """The version of a villager group's leadership: the sum of its terms' versions.

    Terms are never deleted, and every change (a new term, an ended one) saves a term, so the sum
    grows with each; 0 while the group never had a leader. ``group_leader_set`` refuses a change
    made from another sum: someone set or ended a leader since the page was opened.
    """
    total = GroupLeader.objects.filter(region=group).aggregate(total=Sum("version"))["total"]
    return int(total or 0)


def group_leader_set(
    *,
    actor: Any,
    group: Region,
    resident: Resident,
    starts_on: datetime.date,
    expected_version: int | None,
) -> GroupLeader:
    """Make ``resident`` the leader (组长) of a villager group from ``starts_on``.

    The leader in office, if any, leaves office that day; both stay on record.
    ``expected_version`` is the group's ``leadership_version`` the editor saw.
    """
    if group.level != Level.GROUP:
        raise ValidationError({"group": _("Leaders are set for a villager group.")})
    if resident.region_id != group.parent_id:
        raise ValidationError({"resident": _("The leader must be registered in this village.")})
    if resident.status != ResidentStatus.LIVING:
        raise ValidationError({"resident": _("The leader must be living in the village.")})
    with transaction.atomic():
        require_permission(actor, "registry.add_groupleader", group.code)
        terms = list(GroupLeader.objects.select_for_update().filter(region=group))
        seen = sum(term.version for term in terms)
        current = next((term for term in terms if term.ends_on is None), None)
        if expected_version is not None and seen != expected_version:
            if not terms:  # a version for a group that never had a leader: a stale page
                raise ValidationError(
                    _("This page is out of date. Open the record again, then make your change.")
                )
            last = current or max(terms, key=lambda term: term.pk)
            raise EditConflict(last, expected_version, current_version=seen)
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
    expected_version: int | None,
) -> TenHouseholdGroup:
    """Create or change a ten-household group: its name, its households and its lead household.

    A household belongs to one group at most: adding it here takes it out of its old group, and
    the trace says so. Households left out of the list leave the group. A change names the
    version of the group it started from (None when creating one).
    """
    require_village(village)
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
        if ten_group is None:
            group = TenHouseholdGroup(region=village)
        else:
            group = lock_current(ten_group)
            check_version(group, expected_version)
        if not creating and group.region_id != village.pk:
            raise ValidationError({"name": _("The group is not in this village.")})
        before = set() if creating else set(group.households.values_list("pk", flat=True))
        fields = ["name", "lead_household_id"]
        stored = audit.snapshot(group, fields)
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
            action="registry.ten_group_save",
            obj=group,
            data={
                "changes": {} if creating else audit.diff(stored, audit.snapshot(group, fields)),
                "version": group.version,
                "name": group.name,
                "lead_household": lead_household.household_no if lead_household else None,
                "added": sorted(numbers[pk] for pk in wanted - before),
                "removed": sorted(numbers[pk] for pk in before - wanted),
                "taken_from": taken,
            },
        )
    return group
