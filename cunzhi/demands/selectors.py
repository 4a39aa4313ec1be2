"""Reads of demands, always through ``for_user`` (DESIGN rule 2), and the statistics from the
rollups the services keep (DESIGN "Scale": no dashboard counts raw rows per request)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cunzhi.core.ratelimit import Limit
from cunzhi.core.regioncodes import prefix_of
from cunzhi.core.scoping import get_in_scope
from cunzhi.core.workflow import deadline_q
from cunzhi.demands.models import OPEN_STATES, Demand, DemandCategory, DemandRollup, DemandState
from cunzhi.regions.models import Region

RELATED = ("category", "region", "assignee")


def demand_get(user: Any, pk: int, action: str = "view") -> Demand:
    related = Demand.objects.select_related(*RELATED, "household", "resident", "merged_into")
    return get_in_scope(related, user, action, pk=pk)


@dataclass(frozen=True)
class DemandFilters:
    state: str = ""
    category: str = ""
    priority: str = ""
    level: str = ""
    overdue: bool = False
    mine: bool = False
    open_only: bool = False
    q: str = ""


def demand_list(
    user: Any,
    region: Region | None = None,
    filters: DemandFilters | None = None,
    today: datetime.date | None = None,
) -> QuerySet[Demand]:
    """Demands in the user's scope (below ``region``), filtered; one query for a page of rows."""
    filters = filters or DemandFilters()
    demands = Demand.objects.for_user(user, "view").select_related(*RELATED)
    if region is not None:
        demands = demands.in_region(prefix_of(region.code))
    if filters.state:
        demands = demands.filter(state=filters.state)
    elif filters.open_only:
        demands = demands.filter(state__in=OPEN_STATES)
    if filters.category:
        demands = demands.filter(category__code=filters.category)
    if filters.priority:
        demands = demands.filter(priority=filters.priority)
    if filters.level:
        demands = demands.filter(level=filters.level)
    if filters.overdue:
        demands = demands.filter(deadline_q("overdue", today or timezone.localdate()))
    if filters.mine:
        demands = demands.filter(assignee=user)
    if filters.q:
        demands = demands.filter(Q(title__icontains=filters.q) | Q(code=filters.q.upper()))
    return demands.order_by("-registered_on", "-pk")


def household_demands(user: Any, household: Any, limit: int = 8) -> list[Demand]:
    """The household's demands the user may see, the open ones first, then the latest, with
    their categories: one query."""
    closed = Case(
        When(state__in=OPEN_STATES, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    demands = Demand.objects.for_user(user, "view").filter(household=household)
    return list(
        demands.select_related("category").order_by(closed, "-registered_on", "-pk")[:limit]
    )


def my_open_demands(user: Any) -> QuerySet[Demand]:
    return demand_list(user, filters=DemandFilters(mine=True, open_only=True))


def escalated_queue(user: Any) -> QuerySet[Demand]:
    """Demands escalated to a level the user takes over at, oldest deadline first."""
    return (
        Demand.objects.for_user(user, "take_over")
        .select_related(*RELATED)
        .filter(state=DemandState.ESCALATED)
        .order_by("due_on", "pk")
    )


# The follow-up page and API, per client address: 25⁸ ≈ 1.5 × 10¹¹ codes at 30 tries a minute
# leaves guessing useless, and a villager's phone keeps working.
PUBLIC_LOOKUPS = Limit(
    scope="demands.public",
    count_setting="DEMAND_PUBLIC_RATE",
    window_setting="DEMAND_PUBLIC_WINDOW_SECONDS",
    message=_("Too many look-ups: wait a minute and try again."),
)


def public_demand(code: str) -> Demand | None:
    """The demand a follow-up code names, for the public page: nothing personal is read."""
    code = code.strip().upper()
    if not code.isascii() or not code.isalnum() or len(code) > 12:
        return None
    return (
        Demand.objects.select_related("category", "region")
        .only(
            "code",
            "title",
            "state",
            "level",
            "registered_on",
            "resolve_by",
            "resolved_on",
            "resolution",
            "satisfaction",
            "category__name",
            "region__name",
            "version",
            "deadline_status",
            "due_on",
            "region_code",
        )
        .filter(code=code)
        .first()
    )


# Statistics


@dataclass
class Figures:
    """Resolution rate, median days to resolve, satisfaction: one line of a statistics table."""

    label: str
    registered: int = 0
    handled: int = 0  # registered, less the rejected and the merged
    resolved: int = 0
    confirmed: int = 0
    reopened: int = 0
    satisfaction_sum: int = 0
    overdue: int = 0
    histogram: dict[int, int] = field(default_factory=dict)

    def add(self, row: DemandRollup) -> None:
        self.registered += row.registered
        self.handled += row.registered - row.rejected - row.merged
        self.resolved += row.resolved
        self.confirmed += row.confirmed
        self.reopened += row.reopened
        self.satisfaction_sum += row.satisfaction_sum
        self.overdue += row.overdue
        for day, count in row.resolve_days.items():
            self.histogram[int(day)] = self.histogram.get(int(day), 0) + count

    @property
    def resolution_rate(self) -> float | None:
        return self.resolved / self.handled if self.handled else None

    @property
    def satisfaction(self) -> float | None:
        return self.satisfaction_sum / self.confirmed if self.confirmed else None

    @property
    def median_days(self) -> float | None:
        return median_of_histogram(self.histogram)


def median_of_histogram(histogram: dict[int, int]) -> float | None:
    total = sum(histogram.values())
    if total == 0:
        return None
    middle = [(total - 1) // 2, total // 2]  # the two middle positions (one when odd)
    values: list[int] = []
    seen = 0
    for day in sorted(histogram):
        count = histogram[day]
        for position in middle:
            if seen <= position < seen + count:
                values.append(day)
        seen += count
    return sum(values) / len(values)


@dataclass
class DemandStatistics:
    total: Figures
    by_category: list[Figures]
    by_village: list[Figures]


def demand_statistics(user: Any, region: Region, year: int) -> DemandStatistics:
    """The figures of the villages below ``region`` for ``year``, from the rollups: two
    queries however many demands (the rollup rows, the category names). "Overdue" is what the
    deadline sweep has marked (it runs hourly); the lists count overdue from the dates."""
    from cunzhi.core.regioncodes import prefix_of
    from cunzhi.core.scoping import Everywhere, code_in_prefixes, scope_prefixes

    rollups = DemandRollup.objects.filter(
        code_in_prefixes("region_code", [prefix_of(region.code)]), year=year
    ).select_related("region")
    prefixes = scope_prefixes(user, "demands.view_demand")
    if not isinstance(prefixes, Everywhere):
        rollups = rollups.filter(code_in_prefixes("region_code", prefixes))
    rows = list(rollups)
    names = dict(DemandCategory.objects.values_list("pk", "name"))
    total = Figures(label="")
    categories: dict[int, Figures] = {}
    villages: dict[str, Figures] = {}
    for row in rows:
        total.add(row)
        categories.setdefault(row.category_id, Figures(names.get(row.category_id, ""))).add(row)
        villages.setdefault(row.region_code, Figures(row.region.name)).add(row)
    return DemandStatistics(
        total=total,
        by_category=sorted(categories.values(), key=lambda f: -f.registered),
        by_village=sorted(villages.values(), key=lambda f: f.label),
    )


def raw_statistics_count(region_code: str, year: int) -> dict[str, Any]:
    """The same totals counted from the raw rows once (the benchmark's baseline)."""
    return dict(
        Demand.objects.filter(
            region_code__startswith=region_code, registered_on__year=year
        ).aggregate(
            registered=Count("pk"),
            resolved=Count("pk", filter=Q(state__in=["resolved", "confirmed"])),
            satisfaction=Sum("satisfaction"),
        )
    )


def cadres_for(village: Region) -> QuerySet[Any]:
    """People who may handle the village's demands today: posts at the village, its township
    or its county whose role keeps demands (the assignee choices)."""
    from cunzhi.accounts.models import User
    from cunzhi.accounts.permissions import ROLE_PERMISSIONS

    roles = [r for r, granted in ROLE_PERMISSIONS.items() if "demands.change_demand" in granted]
    today = timezone.localdate()
    codes = [village.code, village.code[:9] + "000", village.code[:6] + "000000"]
    return (
        User.objects.filter(
            Q(posts__ends_on__isnull=True) | Q(posts__ends_on__gte=today),
            posts__region_code__in=codes,
            posts__role__in=roles,
            posts__starts_on__lte=today,
            is_active=True,
        )
        .distinct()
        .order_by("full_name", "username")
    )
