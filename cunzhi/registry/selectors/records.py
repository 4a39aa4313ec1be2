"""Reads of households and residents, their lists and the register's counts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cunzhi.core.scoping import get_in_scope
from cunzhi.regions.models import Region
from cunzhi.registry.identity import mask_id_number, mask_phone
from cunzhi.registry.models import (
    Household,
    HouseholdStatus,
    Resident,
    ResidentStatus,
    ResidentTag,
    Sex,
    Tag,
)
from cunzhi.registry.selectors.shown import AGE_BANDS, age_band_q, may_reveal, present, tag_links


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
