"""Reads of groups, tags and the choices the register's forms offer."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from cunzhi.accounts.scopes import has_permission_at, scope_prefixes
from cunzhi.core.regioncodes import Level
from cunzhi.core.scoping import Everywhere, get_in_scope
from cunzhi.regions.models import Region
from cunzhi.regions.selectors import region_list
from cunzhi.registry.models import (
    GroupLeader,
    Household,
    HouseholdStatus,
    Resident,
    ResidentStatus,
    Tag,
    TenHouseholdGroup,
)
from cunzhi.registry.selectors.shown import age_band_q


def group_choices(user: Any, village: Region) -> QuerySet[Region]:
    """The villager groups of a village, for filters and forms."""
    return region_list(user, parent=village, level=Level.GROUP)


@dataclass(frozen=True)
class VillagerGroupRow:
    group: Region
    leader: Resident | None
    leader_since: datetime.date | None
    households: int


def villager_groups(user: Any, village: Region) -> list[VillagerGroupRow]:
    """The village's villager groups with their leader in office and their household count."""
    groups = list(group_choices(user, village))
    counts = dict(
        Household.objects.for_user(user, "view")
        .in_region(village.prefix)
        .filter(status=HouseholdStatus.ACTIVE, group__isnull=False)
        .values_list("group_id")
        .annotate(n=Count("pk"))
    )
    leaders = {
        leader.region_id: leader
        for leader in GroupLeader.objects.for_user(user, "view")
        .in_region(village.prefix)
        .filter(ends_on__isnull=True)
        .select_related("resident")
    }
    return [
        VillagerGroupRow(
            group=group,
            leader=leaders[group.pk].resident if group.pk in leaders else None,
            leader_since=leaders[group.pk].starts_on if group.pk in leaders else None,
            households=counts.get(group.pk, 0),
        )
        for group in groups
    ]


def ten_groups(user: Any, village: Region) -> QuerySet[TenHouseholdGroup]:
    """十户联户 of a village, each with its lead household and its households (prefetched)."""
    return (
        TenHouseholdGroup.objects.for_user(user, "view")
        .in_region(village.prefix)
        .select_related("lead_household__head")
        .prefetch_related(
            Prefetch(
                "households",
                queryset=Household.objects.select_related("head").order_by("household_no"),
            )
        )
        .order_by("name")
    )


def ten_group_get(user: Any, pk: int, action: str = "view") -> TenHouseholdGroup:
    return get_in_scope(TenHouseholdGroup.objects.select_related("region"), user, action, pk=pk)


def household_choices(user: Any, village: Region) -> QuerySet[Household]:
    """The village's registered households, for a form's choices."""
    return (
        Household.objects.for_user(user, "view")
        .in_region(village.prefix)
        .filter(status=HouseholdStatus.ACTIVE)
        .select_related("head")
        .order_by("household_no")
    )


def leader_candidates(user: Any, village: Region) -> QuerySet[Resident]:
    """Adults living in the village, who may lead a villager group."""
    return (
        Resident.objects.for_user(user, "view")
        .in_region(village.prefix)
        .filter(status=ResidentStatus.LIVING)
        .filter(age_band_q("18-59") | age_band_q("60+"))
        .select_related("household")
        .order_by("household__household_no", "pk")
    )


def tag_dictionary() -> QuerySet[Tag]:
    """Every tag, retired ones too (tags are not personal data: the dictionary is public)."""
    return Tag.objects.annotate(uses=Count("resident_links")).order_by("order", "code")


def tag_get(pk: int) -> Tag:
    return get_object_or_404(Tag, pk=pk)


# Where a move, a merge or a transfer goes (迁户, 合户, 迁移)


def member_choices(user: Any, household: Household) -> QuerySet[Resident]:
    """The household's living members other than its head: a new head, or who leaves in a split."""
    members = Resident.objects.for_user(user, "view").filter(
        household=household, status=ResidentStatus.LIVING
    )
    if household.head_id is not None:
        members = members.exclude(pk=household.head_id)
    return members.order_by("pk")


def target_household(
    user: Any,
    field: str,
    *,
    pk: int | None = None,
    village_code: str = "",
    household_no: str = "",
) -> Household:
    """The household someone moves or merges into, by id or by village code and number.

    Only a household of a village whose register ``user`` may change is found; any other answer
    is an error on ``field``, the same for one outside the scope as for one that does not exist
    (DESIGN rule 2), so a typed number is a field error and never a 404 or a 500.
    """
    households = Household.objects.for_user(user, "change").select_related("region")
    if pk is not None:
        households = households.filter(pk=pk)
    else:
        households = households.filter(
            region_code=village_code.strip(), household_no=household_no.strip()
        )
    household = households.first()
    if household is None:
        raise ValidationError(
            {field: _("There is no such household in a village whose register you keep.")}
        )
    return household


def target_village(user: Any, code: str, field: str = "village") -> Region:
    """A village whose register ``user`` may add households to, by its 12-digit code; any other
    code is an error on ``field`` (outside the scope as for a code that does not exist)."""
    code = code.strip()
    village = None
    if code.isascii() and code.isdigit():
        village = region_list(user, level=Level.VILLAGE).filter(code=code).first()
    if village is None or not has_permission_at(user, "registry.add_household", village.code):
        raise ValidationError(
            {field: _("There is no village with this code whose register you keep.")}
        )
    return village


def keeps_another_village(user: Any, village: Region) -> bool:
    """May ``user`` register households in some village other than ``village``? (Where a
    household could be transferred to.) From the posts already read: no query."""
    prefixes = scope_prefixes(user, "registry.add_household")
    if isinstance(prefixes, Everywhere):
        return True
    return any(not prefix.startswith(village.prefix) for prefix in prefixes)


def village_choices(user: Any) -> list[Region]:
    """The villages whose register ``user`` keeps, for a typed village code's suggestions."""
    return [
        village
        for village in region_list(user, level=Level.VILLAGE)
        if has_permission_at(user, "registry.add_household", village.code)
    ]


def next_household_no(user: Any, village: Region) -> str:
    """A free number after the village's highest numeric one (0012 → 0013), for a split's form;
    empty when the village numbers its households otherwise."""
    numbers = [
        number
        for number in Household.objects.for_user(user, "view")
        .in_region(village.prefix)
        .values_list("household_no", flat=True)
        if number.isascii() and number.isdigit()
    ]
    if not numbers:
        return ""
    highest = max(numbers, key=int)
    return str(int(highest) + 1).zfill(len(highest))
