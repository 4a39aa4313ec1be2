"""In-village compliance (驻村时间): each dispatch's share of the year's working days.

The rule [seed]: a first secretary works in the village at least two thirds of the year's working
days (``residency.presence_share_of_working_days``), with an optional monthly minimum
(``residency.presence_monthly_min_days``). Working days come from the official calendar
(``core.calendar``: holidays and swapped working days, DESIGN rule 5); a dispatch that starts or
ends within the year is measured over its part of the year (prorated). The days in the village come
from the rollup (``PresenceMonth``), never from counting presence rows per request.

A row's status:

* **cannot meet** the year: the days in the village so far plus every remaining working day of the
  period are fewer than the days required;
* **at risk**: it still can, but the share so far is below the required share;
* **on track** otherwise.

A year the calendar lacks raises ``core.calendar.CalendarYearMissing`` (its message names the
fix); no page guesses Monday to Friday.
"""

from __future__ import annotations

import bisect
import datetime
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from cunzhi.core import policy
from cunzhi.core.calendar import year_working_days
from cunzhi.core.regioncodes import county_prefix
from cunzhi.residency.models import Dispatch, PresenceMonth

SHARE_KEY = "residency.presence_share_of_working_days"
MONTHLY_KEY = "residency.presence_monthly_min_days"
TRAINING_KEY = "residency.training_counts_in_village"


class Status(models.TextChoices):
    CANNOT_MEET = "cannot_meet", _("Can no longer meet the year")
    AT_RISK = "at_risk", _("At risk")
    ON_TRACK = "on_track", _("On track")


# Worst first.
STATUS_ORDER = {Status.CANNOT_MEET: 0, Status.AT_RISK: 1, Status.ON_TRACK: 2}


@dataclass
class Rules:
    required_share: Fraction
    monthly_min_days: int
    training_counts: bool


@dataclass
class MonthCounts:
    in_village: int = 0
    leave: int = 0
    training: int = 0
    official_trip: int = 0
    absent: int = 0

    def present(self, rules: Rules) -> int:
        extra = self.training + self.official_trip if rules.training_counts else 0
        return self.in_village + extra

    def recorded(self) -> int:
        return self.in_village + self.leave + self.training + self.official_trip + self.absent


@dataclass
class ComplianceRow:
    """One dispatch's year, as the compliance table, the home block and the API show it."""

    dispatch: Dispatch
    year: int
    period_start: datetime.date
    period_end: datetime.date
    working_days: int  # in the dispatch's part of the year
    working_days_so_far: int
    in_village_days: int
    required_share: Fraction
    required_days: int
    remaining_working_days: int
    unexplained_days: int  # absent, or not recorded at all, without approved leave
    months_below_minimum: list[int] = field(default_factory=list)
    status: str = Status.ON_TRACK

    @property
    def share(self) -> Fraction | None:
        if not self.working_days_so_far:
            return None
        return Fraction(self.in_village_days, self.working_days_so_far)

    @property
    def share_percent(self) -> float | None:
        share = self.share
        return None if share is None else round(float(share) * 100, 1)

    @property
    def required_percent(self) -> float:
        return round(float(self.required_share) * 100, 1)

    @property
    def days_still_needed(self) -> int:
        return max(0, self.required_days - self.in_village_days)

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)


class _Calendar:
    """A year's working days, read once, counted by bisection for each period."""

    def __init__(self, year: int) -> None:
        self.days = year_working_days(year)  # raises CalendarYearMissing

    def between(self, start: datetime.date, end: datetime.date) -> int:
        if end < start:
            return 0
        return bisect.bisect_right(self.days, end) - bisect.bisect_left(self.days, start)

    def month(self, month: int) -> int:
        if not hasattr(self, "_months"):
            self._months = [0] * 13
            for day in self.days:
                self._months[day.month] += 1
        return self._months[month]


class _RuleBook:
    """The rules per county on one date: one query per county, however many dispatches."""

    def __init__(self, on: datetime.date) -> None:
        self.on = on
        self.by_county: dict[str, Rules] = {}

    def for_region(self, region_code: str) -> Rules:
        county = county_prefix(region_code).ljust(12, "0") if county_prefix(region_code) else ""
        if county not in self.by_county:
            rows = policy.rules_in_force(county, self.on)

            def value(key: str) -> Any:
                if key in rows:
                    return rows[key][2]
                return policy.get(key, region_code=county, on=self.on)  # raises, with the reason

            self.by_county[county] = Rules(
                required_share=policy.as_fraction(value(SHARE_KEY)),
                monthly_min_days=int(value(MONTHLY_KEY)),
                training_counts=bool(value(TRAINING_KEY)),
            )
        return self.by_county[county]


def dispatches_in_year(dispatches: QuerySet[Dispatch], year: int) -> QuerySet[Dispatch]:
    """The dispatches whose term overlaps ``year``."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return dispatches.filter(
        Q(ended_on__isnull=True, planned_end__gte=first) | Q(ended_on__gte=first),
        starts_on__lte=last,
    )


def month_counts(dispatches: QuerySet[Dispatch], year: int) -> dict[int, dict[int, MonthCounts]]:
    """{dispatch id: {month: counts}} from the rollup, in one query."""
    result: dict[int, dict[int, MonthCounts]] = {}
    rows = PresenceMonth.objects.filter(
        year=year, dispatch__in=dispatches.values("pk")
    ).values_list(
        "dispatch_id", "month", "in_village", "leave", "training", "official_trip", "absent"
    )
    for dispatch_id, month, *counts in rows:
        result.setdefault(dispatch_id, {})[month] = MonthCounts(*counts)
    return result


def month_counts_from_rows(
    dispatches: QuerySet[Dispatch], year: int
) -> dict[int, dict[int, MonthCounts]]:
    """The same as ``month_counts``, counted from the raw presence rows (one GROUP BY).

    What a table without the rollup would run; the benchmark's baseline and a check on the rollup.
    """
    from django.db.models import Count
    from django.db.models.functions import ExtractMonth

    from cunzhi.residency.models import PresenceDay

    result: dict[int, dict[int, MonthCounts]] = {}
    rows = (
        PresenceDay.objects.filter(
            dispatch__in=dispatches.values("pk"),
            is_working_day=True,
            date__gte=datetime.date(year, 1, 1),
            date__lte=datetime.date(year, 12, 31),
        )
        .annotate(month=ExtractMonth("date"))
        .values_list("dispatch_id", "month", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for dispatch_id, month, kind, n in rows:
        counts = result.setdefault(dispatch_id, {}).setdefault(month, MonthCounts())
        setattr(counts, kind, n)
    return result


def _month_end(year: int, month: int) -> datetime.date:
    if month == 12:
        return datetime.date(year, 12, 31)
    return datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)


def compliance_of(
    dispatch: Dispatch,
    year: int,
    months: dict[int, MonthCounts],
    *,
    on: datetime.date,
    calendar: _Calendar,
    rules: Rules,
) -> ComplianceRow:
    """One dispatch's compliance for ``year`` as of the day ``on`` (pure: no query)."""
    period_start = max(dispatch.starts_on, datetime.date(year, 1, 1))
    period_end = min(dispatch.last_day(), datetime.date(year, 12, 31))
    total = calendar.between(period_start, period_end)
    so_far = calendar.between(period_start, min(on, period_end))
    remaining = calendar.between(max(on + datetime.timedelta(days=1), period_start), period_end)
    # The rollup is by month: a month counts once ``on`` is in it. Days in the village are never
    # ahead of today, but leave is recorded ahead, so within the current month a day of leave
    # next week already explains a day; the error is at most the rest of one month's leave.
    counted = [c for m, c in months.items() if (year, m) <= (on.year, on.month)]
    present = sum(c.present(rules) for c in counted)
    recorded = sum(c.recorded() for c in counted)
    absent = sum(c.absent for c in counted)
    unexplained = absent + max(0, so_far - recorded)
    share = rules.required_share
    required = math.ceil(share * total)
    row = ComplianceRow(
        dispatch=dispatch,
        year=year,
        period_start=period_start,
        period_end=period_end,
        working_days=total,
        working_days_so_far=so_far,
        in_village_days=present,
        required_share=share,
        required_days=required,
        remaining_working_days=remaining,
        unexplained_days=unexplained,
    )
    if rules.monthly_min_days:
        for month in range(1, 13):
            end = _month_end(year, month)
            if end > on:
                break  # a month not over yet, nor any after it
            if datetime.date(year, month, 1) < period_start or end > period_end:
                continue  # a month served only in part
            counts = months.get(month) or MonthCounts()
            needed = min(rules.monthly_min_days, calendar.month(month))
            if counts.present(rules) < needed:
                row.months_below_minimum.append(month)
    if present + remaining < required:
        row.status = Status.CANNOT_MEET
    elif present * share.denominator < so_far * share.numerator:
        row.status = Status.AT_RISK
    return row


def compliance_rows(
    dispatches: QuerySet[Dispatch],
    year: int,
    *,
    on: datetime.date,
    counts_of: Callable[[QuerySet[Dispatch], int], dict[int, dict[int, MonthCounts]]] | None = None,
) -> list[ComplianceRow]:
    """Every dispatch of ``dispatches`` that serves in ``year``, worst first.

    A constant number of queries: the dispatches, the rollup's months, the rules per county and
    the calendar's year, whatever the number of rows.
    """
    calendar = _Calendar(year)
    on_in_year = min(max(on, datetime.date(year, 1, 1) - datetime.timedelta(days=1)),
                     datetime.date(year, 12, 31))  # fmt: skip
    rules = _RuleBook(min(on, datetime.date(year, 12, 31)))
    chosen = dispatches_in_year(dispatches, year)
    counts = (counts_of or month_counts)(chosen, year)
    rows = [
        compliance_of(
            dispatch,
            year,
            counts.get(dispatch.pk, {}),
            on=on_in_year,
            calendar=calendar,
            rules=rules.for_region(dispatch.region_code),
        )
        for dispatch in chosen.select_related("cadre__user", "region", "sending_unit").only(
            *TABLE_FIELDS
        )
    ]
    return sort_worst_first(rows)


# What the table, the home block and the API show of a dispatch: reading only these columns
# (no timestamps to convert) halves the time of building the rows of a county.
TABLE_FIELDS = (
    "region_code", "starts_on", "planned_end", "ended_on", "role", "status", "cadre_id",
    "region_id", "sending_unit_id", "cadre__user_id", "cadre__user__username",
    "cadre__user__full_name", "region__name", "region__code", "sending_unit__name",
)  # fmt: skip


def sort_worst_first(rows: Iterable[ComplianceRow]) -> list[ComplianceRow]:
    return sorted(
        rows,
        key=lambda r: (
            STATUS_ORDER[Status(r.status)],
            r.share if r.share is not None else Fraction(1),
            r.dispatch.pk,
        ),
    )
