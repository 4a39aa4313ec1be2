"""Reads of the household register, always through for_user, with personal data masked.

Every resident these functions hand to a page carries ``shown_id_number``, ``shown_phone`` and
``shown_tags``: the ID and phone numbers masked and the sensitive tags left out unless the reader
may reveal them (DESIGN rule 7). Pages and the API show those attributes, never the raw fields,
so that forgetting to mask is not possible in a template.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from cunzhi.accounts.scopes import has_permission_at, scope_prefixes
from cunzhi.core.regioncodes import Level
from cunzhi.core.scoping import Everywhere, get_in_scope
from cunzhi.regions.models import Region
from cunzhi.regions.selectors import region_list
from cunzhi.registry.identity import mask_id_number, mask_phone
from cunzhi.registry.models import (
    GroupLeader,
    Household,
    HouseholdStatus,
    Resident,
    ResidentStatus,
    ResidentTag,
    Sex,
    Tag,
    TenHouseholdGroup,
)

REVEAL = "registry.reveal_resident"

# Age bands of the register's filter and counts: children, working age, the elderly.
AGE_BANDS: dict[str, tuple[int, int | None]] = {
    "0-17": (0, 17),
    "18-59": (18, 59),
    "60+": (60, None),
}


def may_reveal(user: Any, region_code: str) -> bool:
    """May ``user`` see full ID and phone numbers and sensitive tags of this region's records?"""
    return has_permission_at(user, REVEAL, region_code)


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def age_band_q(band: str, *, today: datetime.date | None = None, prefix: str = "") -> Q:
    """Residents whose age today is in ``band`` (a key of AGE_BANDS), by birth date."""
    today = today or timezone.localdate()
    youngest, oldest = AGE_BANDS[band]
    # Aged at least ``youngest``: born on or before the day ``youngest`` years ago.
    condition = Q(**{f"{prefix}birth_date__lte": _years_before(today, youngest)})
    if oldest is not None:
        # Younger than ``oldest + 1``: born after the day ``oldest + 1`` years ago.
        condition &= Q(**{f"{prefix}birth_date__gt": _years_before(today, oldest + 1)})
    return condition


def age_of(birth_date: datetime.date | None, today: datetime.date | None = None) -> int | None:
    if birth_date is None:
        return None
    today = today or timezone.localdate()
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - before_birthday


def present(user: Any, residents: Iterable[Resident], *, revealed: bool = False) -> list[Resident]:
    """Set the shown (masked) numbers, the visible tags and the age on each resident.

    The tags must have been prefetched as ``tag_links`` with their tag. ``revealed`` shows the
    numbers in full: only after ``reveal.resident_reveal`` has checked and recorded it.
    """
    people = list(residents)
    allowed: dict[str, bool] = {}
    today = timezone.localdate()
    for person in people:
        if person.region_code not in allowed:
            allowed[person.region_code] = may_reveal(user, person.region_code)
        sees_sensitive = allowed[person.region_code]
        links = person.tag_links.all()
        person.shown_tags = [  # type: ignore[attr-defined]
            link.tag for link in links if sees_sensitive or not link.tag.sensitive
        ]
        person.shown_id_number = (  # type: ignore[attr-defined]
            person.id_number if revealed else mask_id_number(person.id_number)
        )
        person.shown_phone = person.phone if revealed else mask_phone(person.phone)  # type: ignore[attr-defined]
        person.age = age_of(person.birth_date, today)  # type: ignore[attr-defined]
    return people


def tag_links() -> Prefetch[Any]:
    """Prefetch a resident's tag links with their tags, as ``present`` expects."""
    return Prefetch("tag_links", queryset=ResidentTag.objects.select_related("tag").order_by("tag"))


def visible_tags(user: Any, region_code: str) -> QuerySet[Tag]:
    """The tags a reader may filter and see by in a region: sensitive ones only with reveal."""
    tags = Tag.objects.filter(active=True)
    if not may_reveal(user, region_code):
        tags = tags.filter(sensitive=False)
    return tags


def _resident_search(query: str) -> Q:
    """A name, its pinyin or initials, the last digits of an ID number, or a phone number."""
    lowered = query.lower()
    condition = Q(name__icontains=query)
    if lowered.isascii() and lowered.isalpha():
        condition |= Q(name_pinyin__startswith=lowered) | Q(name_initials__startswith=lowered)
    digits = query.upper()
    if len(digits) >= 4 and digits[:-1].isdigit() and (digits[-1].isdigit() or digits[-1] == "X"):
        # The last 4 to 6 digits of an ID number: a prefix of the reversed number (indexed).
        condition |= Q(id_reversed__startswith=digits[::-1])
        if digits.isdigit():
            condition |= Q(phone__endswith=digits)
    return condition


def household_list(
    user: Any,
    region: Region,
    *,
    group: Region | None = None,
    tag: Tag | None = None,
    status: str | None = None,
    age_band: str | None = None,
    query: str = "",
    counted: bool = True,
) -> QuerySet[Household]:
    """Households of ``region`` in the reader's scope, with head, group and member count.

    Filters on members (a tag, an age band, a name) keep a household where any living member
    matches; they are a subquery, so each household appears once and the count stays right.
    ``counted=False`` leaves out the head, group and count: the export filters residents by
    these households, and a count there would group every household by all its columns.
    """
    households: QuerySet[Any] = Household.objects.for_user(user, "view").in_region(region.prefix)
    if counted:
        households = households.select_related("head", "group").annotate(
            member_count=Count("members", filter=Q(members__status=ResidentStatus.LIVING)),
        )
    if group is not None:
        households = households.filter(group=group)
    if status:
        households = households.filter(status=status)
    members = Resident.objects.for_user(user, "view").in_region(region.prefix)
    member_filter = False
    if tag is not None:
        if tag.sensitive and not may_reveal(user, region.code):
            return households.none()
        members = members.filter(tag_links__tag=tag, status=ResidentStatus.LIVING)
        member_filter = True
    if age_band in AGE_BANDS:
        members = members.filter(age_band_q(age_band), status=ResidentStatus.LIVING)
        member_filter = True
    query = query.strip()
    if query:
        by_member = members.filter(_resident_search(query)).values("household_id")
        households = households.filter(Q(household_no__icontains=query) | Q(pk__in=by_member))
    if member_filter:
        households = households.filter(pk__in=members.values("household_id"))
    return households.order_by("household_no", "pk")


def present_households(households: Iterable[Household]) -> list[Household]:
    """Masked numbers for a page of the register: the head's ID number and the phone."""
    rows = list(households)
    for household in rows:
        head = household.head
        household.shown_head_id_number = mask_id_number(head.id_number) if head else ""  # type: ignore[attr-defined]
        household.shown_phone = mask_phone(household.phone)  # type: ignore[attr-defined]
    return rows


def household_detail(user: Any, pk: int) -> Household:
    """One household with its members presented (three queries), or 404 outside the scope.

    Members are in ``household.people``: the head first, then in the order they were added.
    """
    household = get_in_scope(
        Household.objects.select_related("region", "group", "head", "ten_household_group"),
        user,
        "view",
        pk=pk,
    )
    members = Resident.objects.filter(household=household).prefetch_related(tag_links())
    people = present(user, members.order_by("pk"))
    people.sort(key=lambda r: r.pk != household.head_id)
    household.people = people  # type: ignore[attr-defined]
    household.shown_phone = mask_phone(household.phone)  # type: ignore[attr-defined]
    return household


def resident_get(user: Any, pk: int, action: str = "view") -> Resident:
    """The resident with their household and village, or 404 outside the scope (403 inside it,
    for an action the reader may not take)."""
    return get_in_scope(
        Resident.objects.select_related("household", "household__group", "region"),
        user,
        action,
        pk=pk,
    )


def resident_detail(user: Any, pk: int, *, revealed: bool = False) -> Resident:
    """One resident presented: masked numbers unless ``revealed``, visible tags, age."""
    resident = resident_get(user, pk)
    resident = (
        Resident.objects.select_related("household", "household__group", "region")
        .prefetch_related(tag_links())
        .get(pk=resident.pk)
    )
    return present(user, [resident], revealed=revealed)[0]


def resident_list(user: Any, region: Region | None = None, query: str = "") -> QuerySet[Resident]:
    """Residents in the reader's scope (of ``region`` if given), tags prefetched; unmasked fields
    are still on the rows, so show them through ``present`` or the API's masked schema."""
    residents = Resident.objects.for_user(user, "view").select_related("household")
    if region is not None:
        residents = residents.in_region(region.prefix)
    query = query.strip()
    if query:
        residents = residents.filter(_resident_search(query))
    return residents.prefetch_related(tag_links()).order_by("region_code", "household_id", "pk")


def resident_filtered_list(
    user: Any,
    region: Region,
    *,
    group: Region | None = None,
    tag: Tag | None = None,
    status: str | None = None,
    age_band: str | None = None,
    query: str = "",
) -> QuerySet[Resident]:
    """``resident_list`` with the register's filters, as the API's resident list offers them.

    A sensitive tag filters to nothing for a reader who may not reveal it, as on the register.
    """
    residents = resident_list(user, region, query=query)
    if group is not None:
        residents = residents.filter(household__group=group)
    if tag is not None:
        if tag.sensitive and not may_reveal(user, region.code):
            return residents.none()
        residents = residents.filter(tag_links__tag=tag)
    if status:
        residents = residents.filter(status=status)
    if age_band in AGE_BANDS:
        residents = residents.filter(age_band_q(age_band))
    return residents


@dataclass(frozen=True)
class TagCount:
    tag: Tag
    count: int


@dataclass(frozen=True)
class RegisterCounts:
    households: int
    living: int
    by_sex: dict[str, int]
    by_age_band: dict[str, int]
    by_tag: list[TagCount]


def register_counts(user: Any, region: Region) -> RegisterCounts:
    """The register's key figures for a region, in three aggregate queries.

    Residents are counted when living here; households when registered (not moved out,
    merged or dissolved). Sensitive tags are counted only for a reader who may reveal them.
    """
    households = (
        Household.objects.for_user(user, "view")
        .in_region(region.prefix)
        .filter(status=HouseholdStatus.ACTIVE)
        .count()
    )
    living = (
        Resident.objects.for_user(user, "view")
        .in_region(region.prefix)
        .filter(status=ResidentStatus.LIVING)
    )
    today = timezone.localdate()
    aggregates: dict[str, Any] = {"living": Count("pk")}
    for sex in Sex:
        aggregates[f"sex_{sex.value}"] = Count("pk", filter=Q(sex=sex.value))
    for index, band in enumerate(AGE_BANDS):
        aggregates[f"band_{index}"] = Count("pk", filter=age_band_q(band, today=today))
    totals = living.aggregate(**aggregates)
    tag_rows = (
        ResidentTag.objects.for_user(user, "view")
        .in_region(region.prefix)
        .filter(resident__status=ResidentStatus.LIVING)
        .values("tag")
        .annotate(n=Count("pk"))
    )
    if not may_reveal(user, region.code):
        tag_rows = tag_rows.filter(tag__sensitive=False)
    counts = {row["tag"]: row["n"] for row in tag_rows}
    tags = Tag.objects.in_bulk(list(counts)) if counts else {}
    by_tag = [
        TagCount(tag, counts[pk])
        for pk, tag in sorted(tags.items(), key=lambda item: (item[1].order, item[1].code))
    ]
    return RegisterCounts(
        households=households,
        living=totals["living"],
        by_sex={sex.value: totals[f"sex_{sex.value}"] for sex in Sex},
        by_age_band={band: totals[f"band_{i}"] for i, band in enumerate(AGE_BANDS)},
        by_tag=by_tag,
    )


def key_people(user: Any, village: Region) -> list[Resident]:
    """重点人群: living residents with a key-person tag (old party members, retired cadres,
    doctors, teachers, rich leaders, young people back from work), presented."""
    residents = (
        Resident.objects.for_user(user, "view")
        .in_region(village.prefix)
        .filter(
            status=ResidentStatus.LIVING,
            pk__in=ResidentTag.objects.filter(tag__key_person=True).values("resident_id"),
        )
        .select_related("household")
        .prefetch_related(tag_links())
        .order_by("household__household_no", "pk")
    )
    return present(user, residents)


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
