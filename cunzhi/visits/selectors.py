"""Reads of visits through ``for_user``; coverage and the households due for a visit from
``LastVisit`` (one row a household) rather than from every visit."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from cunzhi.core import policy
from cunzhi.core.regioncodes import prefix_of
from cunzhi.core.scoping import get_in_scope
from cunzhi.regions.models import Region
from cunzhi.registry.models import Household, HouseholdStatus, ResidentStatus, ResidentTag
from cunzhi.visits.models import LastVisit, Visit

RELATED = ("household", "household__head", "region")


def _cadres() -> Prefetch:
    from cunzhi.accounts.models import User

    return Prefetch("cadres", queryset=User.objects.only("pk", "full_name"))


def _visits() -> QuerySet[Visit]:
    return Visit.objects.select_related(*RELATED).prefetch_related(_cadres())


def visit_get(user: Any, pk: int, action: str = "view") -> Visit:
    return get_in_scope(_visits().prefetch_related("people_met"), user, action, pk=pk)


def visit_list(
    user: Any, region: Region, *, purpose: str = "", household: int | None = None
) -> QuerySet[Visit]:
    """Visits below ``region``, newest first: two queries a page (rows, cadres)."""
    visits = Visit.objects.for_user(user, "view").in_region(prefix_of(region.code))
    visits = visits.select_related(*RELATED).prefetch_related(_cadres())
    if purpose:
        visits = visits.filter(purpose=purpose)
    if household:
        visits = visits.filter(household_id=household)
    return visits.order_by("-visited_on", "-pk")


@dataclass
class Coverage:
    code: str
    name: str
    households: int
    visited: int

    @property
    def share(self) -> float | None:
        return self.visited / self.households if self.households else None


def coverage(user: Any, region: Region, today: datetime.date | None = None) -> list[Coverage]:
    """The share of active households visited this year, per village below ``region`` (or per
    villager group of a village): three queries (households, visited, names)."""
    today = today or timezone.localdate()
    year_start = today.replace(month=1, day=1)
    prefix = prefix_of(region.code)
    by_group = region.is_village
    key = "group__code" if by_group else "region_code"
    households = (
        Household.objects.for_user(user, "view")
        .in_region(prefix)
        .filter(status=HouseholdStatus.ACTIVE)
        .values(key)
        .annotate(n=Count("pk"))
    )
    visited_key = "group_code" if by_group else "region_code"
    visited = dict(
        LastVisit.objects.filter(
            region_code__startswith=prefix,
            visited_on__gte=year_start,
            household__status=HouseholdStatus.ACTIVE,
            household__in=Household.objects.for_user(user, "view").in_region(prefix),
        )
        .values(visited_key)
        .annotate(n=Count("pk"))
        .values_list(visited_key, "n")
    )
    counts = {row[key] or "": row["n"] for row in households}
    names = dict(
        Region.objects.filter(code__in=[c for c in counts if c]).values_list("code", "name")
    )
    return [
        Coverage(code, names.get(code, "—"), total, visited.get(code, 0))
        for code, total in sorted(counts.items())
    ]


def _frequencies(region_code: str, today: datetime.date) -> dict[str, int]:
    value = policy.get("visits.visit_every_days_by_tag", region_code=region_code, on=today)
    return {str(tag): int(days) for tag, days in value.items()}


def _due_condition(frequencies: dict[str, int], today: datetime.date) -> Q:
    last = "resident__household__last_visit__visited_on"
    condition = Q(pk__in=[])
    for tag, days in frequencies.items():
        since = today - datetime.timedelta(days=days)
        condition |= Q(tag__code=tag) & (
            Q(**{f"{last}__isnull": True}) | Q(**{f"{last}__lt": since})
        )
    return condition


def due_households(
    user: Any, region: Region, today: datetime.date | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    """Households with a resident whose tag sets a visit frequency, not visited within it:
    household, head, village, the tags that make it due, the last visit. One query."""
    today = today or timezone.localdate()
    frequencies = _frequencies(region.code, today)
    rows = (
        ResidentTag.objects.for_user(user, "view")
        .in_region(prefix_of(region.code))
        .filter(
            _due_condition(frequencies, today),
            resident__status=ResidentStatus.LIVING,
            resident__household__status=HouseholdStatus.ACTIVE,
        )
        .values(
            "resident__household",
            "resident__household__household_no",
            "resident__household__head__name",
            "resident__household__region__name",
        )
        .annotate(
            last=Max("resident__household__last_visit__visited_on"),
            tags=Count("tag", distinct=True),
        )
        .order_by(F("last").asc(nulls_first=True), "resident__household")[:limit]
    )
    return [
        {
            "household_id": row["resident__household"],
            "household_no": row["resident__household__household_no"],
            "head": row["resident__household__head__name"] or "",
            "village": row["resident__household__region__name"],
            "last_visited_on": row["last"],
        }
        for row in rows
    ]


def due_count(user: Any, region_code: str, today: datetime.date | None = None) -> int:
    """How many households are due for a visit (the attention item): one query."""
    today = today or timezone.localdate()
    frequencies = _frequencies(region_code, today)
    return int(
        ResidentTag.objects.for_user(user, "view")
        .filter(
            _due_condition(frequencies, today),
            resident__status=ResidentStatus.LIVING,
            resident__household__status=HouseholdStatus.ACTIVE,
        )
        .aggregate(n=Count("resident__household", distinct=True))["n"]
    )


def household_visits(user: Any, household: Household, limit: int = 5) -> list[Visit]:
    """The household's latest visits the user may see, with their cadres: two queries."""
    visits = Visit.objects.for_user(user, "view").filter(household=household)
    return list(visits.prefetch_related(_cadres()).order_by("-visited_on", "-pk")[:limit])
