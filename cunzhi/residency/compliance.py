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

from django.db import models
from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from cunzhi.core import policy
from cunzhi.core.calendar import year_working_days
from cunzhi.core.regioncodes import PREFIX_LENGTH, Level, county_prefix
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


class _Share:
    """The share of a row or an area: days in the village over the working days so far."""

    in_village_days: int
    working_days_so_far: int

    @property
    def share(self) -> Fraction | None:
        if not self.working_days_so_far:
            return None
        return Fraction(self.in_village_days, self.working_days_so_far)

    @property
    def share_percent(self) -> float | None:
        share = self.share
        return None if share is None else round(float(share) * 100, 1)


@dataclass
class ComplianceRow(_Share):
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
    """The rules per county on one date: one query for every county at once, however many."""

    def __init__(self, on: datetime.date) -> None:
        self.on = on
        self.by_county: dict[str, Rules] = {}

    @staticmethod
    def _county(region_code: str) -> str:
        prefix = county_prefix(region_code)
        return prefix.ljust(12, "0") if prefix else ""

    def load(self, region_codes: Iterable[str]) -> None:
        """Read the rules of the counties of ``region_codes`` not read yet (one query)."""
        counties = {self._county(code) for code in region_codes} - set(self.by_county)
        if not counties:
            return
        keys = (SHARE_KEY, MONTHLY_KEY, TRAINING_KEY)
        for county, values in policy.get_for_regions(keys, counties, self.on).items():
            self.by_county[county] = Rules(
                required_share=policy.as_fraction(values[SHARE_KEY]),
                monthly_min_days=int(values[MONTHLY_KEY]),
                training_counts=bool(values[TRAINING_KEY]),
            )

    def for_region(self, region_code: str) -> Rules:
        county = self._county(region_code)
        if county not in self.by_county:
            self.load([region_code])
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


def _period(
    starts_on: datetime.date,
    last_day: datetime.date,
    year: int,
    on: datetime.date,
    calendar: _Calendar,
) -> tuple[datetime.date, datetime.date, int, int, int]:
    """A term's part of ``year``: its first and last day, and its working days in all, so far
    (up to ``on``) and still to come."""
    period_start = max(starts_on, datetime.date(year, 1, 1))
    period_end = min(last_day, datetime.date(year, 12, 31))
    total = calendar.between(period_start, period_end)
    so_far = calendar.between(period_start, min(on, period_end))
    remaining = calendar.between(max(on + datetime.timedelta(days=1), period_start), period_end)
    return period_start, period_end, total, so_far, remaining


def _status(present: int, so_far: int, remaining: int, required: int, share: Fraction) -> str:
    if present + remaining < required:
        return Status.CANNOT_MEET
    if present * share.denominator < so_far * share.numerator:
        return Status.AT_RISK
    return Status.ON_TRACK


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
    period_start, period_end, total, so_far, remaining = _period(
        dispatch.starts_on, dispatch.last_day(), year, on, calendar
    )
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
    row.status = _status(present, so_far, remaining, required, share)
    return row


def compliance_rows(
    dispatches: QuerySet[Dispatch],
    year: int,
    *,
    on: datetime.date,
    counts_of: Callable[[QuerySet[Dispatch], int], dict[int, dict[int, MonthCounts]]] | None = None,
) -> list[ComplianceRow]:
    """Every dispatch of ``dispatches`` that serves in ``year``, worst first.

    A constant number of queries: the dispatches, the rollup's months, the rules of every county
    and the calendar's year, whatever the number of rows and counties.
    """
    calendar = _Calendar(year)
    on_in_year = min(max(on, datetime.date(year, 1, 1) - datetime.timedelta(days=1)),
                     datetime.date(year, 12, 31))  # fmt: skip
    rules = _RuleBook(min(on, datetime.date(year, 12, 31)))
    chosen = dispatches_in_year(dispatches, year)
    counts = (counts_of or month_counts)(chosen, year)
    serving = list(
        chosen.select_related("cadre__user", "region", "sending_unit").only(*TABLE_FIELDS)
    )
    rules.load(dispatch.region_code for dispatch in serving)
    rows = [
        compliance_of(
            dispatch,
            year,
            counts.get(dispatch.pk, {}),
            on=on_in_year,
            calendar=calendar,
            rules=rules.for_region(dispatch.region_code),
        )
        for dispatch in serving
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


# The summary by area: a county's townships, a province's counties (“where every village stands”)


@dataclass
class AreaSummary(_Share):
    """The dispatches of one area (a township, a county…) in a year, counted by status."""

    code: str  # the area's division code
    level: str
    name: str = ""
    dispatches: int = 0
    on_track: int = 0
    at_risk: int = 0
    cannot_meet: int = 0
    working_days_so_far: int = 0
    in_village_days: int = 0
    unexplained_days: int = 0

    def add(self, status: str, so_far: int, present: int, unexplained: int) -> None:
        self.dispatches += 1
        if status == Status.CANNOT_MEET:
            self.cannot_meet += 1
        elif status == Status.AT_RISK:
            self.at_risk += 1
        else:
            self.on_track += 1
        self.working_days_so_far += so_far
        self.in_village_days += present
        self.unexplained_days += unexplained

    @property
    def behind(self) -> int:
        """The cadres not on track: at risk or no longer able to meet the year."""
        return self.at_risk + self.cannot_meet

    def figures(self) -> tuple[int, ...]:
        return (
            self.dispatches, self.on_track, self.at_risk, self.cannot_meet,
            self.working_days_so_far, self.in_village_days, self.unexplained_days,
        )  # fmt: skip


def area_level(region_codes: Iterable[str]) -> Level:
    """The level to summarise ``region_codes`` by: the highest one at which they differ."""
    codes = set(region_codes)
    for level in (Level.CITY, Level.COUNTY, Level.TOWNSHIP):
        if len({code[: PREFIX_LENGTH[level]] for code in codes}) > 1:
            return level
    return Level.VILLAGE


def _area(areas: dict[str, AreaSummary], region_code: str, level: Level) -> AreaSummary:
    code = region_code[: PREFIX_LENGTH[level]].ljust(12, "0")
    if code not in areas:
        areas[code] = AreaSummary(code=code, level=level)
    return areas[code]


def _named_worst_first(areas: dict[str, AreaSummary]) -> list[AreaSummary]:
    from cunzhi.regions.models import Region

    names = dict(Region.objects.filter(code__in=list(areas)).values_list("code", "name"))
    for code, area in areas.items():
        area.name = names.get(code, code)
    return sorted(
        areas.values(),
        key=lambda a: (-Fraction(a.behind, a.dispatches or 1), -a.cannot_meet, a.code),
    )


def summarise(rows: Iterable[ComplianceRow], level: Level) -> list[AreaSummary]:
    """The table's rows (already built) counted by area, the areas with most cadres behind first."""
    areas: dict[str, AreaSummary] = {}
    for row in rows:
        _area(areas, row.dispatch.region_code, level).add(
            row.status, row.working_days_so_far, row.in_village_days, row.unexplained_days
        )
    return _named_worst_first(areas)


def _month_range(year: int, on: datetime.date) -> int:
    """The months of ``year`` that count as of ``on`` (1 to ``on``'s month; 0 or 12 outside)."""
    if on.year < year:
        return 0
    return on.month if on.year == year else 12


def year_totals(
    dispatches: QuerySet[Dispatch], year: int, on: datetime.date
) -> dict[int, MonthCounts]:
    """{dispatch id: the year's counts up to ``on``'s month}, summed from the rollup (one query)."""
    kinds = ("in_village", "leave", "training", "official_trip", "absent")
    rows = (
        PresenceMonth.objects.filter(
            year=year, month__lte=_month_range(year, on), dispatch__in=dispatches.values("pk")
        )
        .values("dispatch_id")
        .annotate(**{f"n_{kind}": Sum(kind) for kind in kinds})
        .order_by()
        .values_list("dispatch_id", *(f"n_{kind}" for kind in kinds))
    )
    return {dispatch_id: MonthCounts(*counts) for dispatch_id, *counts in rows}


def year_totals_from_rows(
    dispatches: QuerySet[Dispatch], year: int, on: datetime.date
) -> dict[int, MonthCounts]:
    """The same as ``year_totals``, counted once from the raw presence rows (one GROUP BY).

    The province benchmark's baseline, and a check on the rollup.
    """
    from cunzhi.residency.models import PresenceDay

    months = _month_range(year, on)
    result: dict[int, MonthCounts] = {}
    if not months:
        return result
    rows = (
        PresenceDay.objects.filter(
            dispatch__in=dispatches.values("pk"),
            is_working_day=True,
            date__gte=datetime.date(year, 1, 1),
            date__lte=_month_end(year, months),
        )
        .values_list("dispatch_id", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for dispatch_id, kind, n in rows:
        setattr(result.setdefault(dispatch_id, MonthCounts()), kind, n)
    return result


def compliance_summary(
    dispatches: QuerySet[Dispatch],
    year: int,
    *,
    on: datetime.date,
    level: Level | None = None,
    totals_of: Callable[[QuerySet[Dispatch], int, datetime.date], dict[int, MonthCounts]]
    | None = None,
) -> list[AreaSummary]:
    """Every dispatch of ``dispatches`` serving in ``year``, counted by area of ``level``.

    The same days, unexplained days and status as ``compliance_rows`` gives each dispatch, without
    building a row per dispatch: one query for the dispatches' terms, one summing their rollup
    months, one for the rules of every county, the calendar and the areas' names
    (``benchmarks/bench_residency_province.py`` measures a province's 20,000 cadres). ``level``
    None: the highest level at which the dispatches' villages differ.
    """
    calendar = _Calendar(year)
    on_in_year = min(max(on, datetime.date(year, 1, 1) - datetime.timedelta(days=1)),
                     datetime.date(year, 12, 31))  # fmt: skip
    rules = _RuleBook(min(on, datetime.date(year, 12, 31)))
    chosen = dispatches_in_year(dispatches, year)
    terms = list(
        chosen.order_by().values_list("pk", "region_code", "starts_on", "planned_end", "ended_on")
    )
    if level is None:
        level = area_level(term[1] for term in terms)
    rules.load(term[1] for term in terms)
    totals = (totals_of or year_totals)(chosen, year, on_in_year)
    areas: dict[str, AreaSummary] = {}
    empty = MonthCounts()
    # Dispatches come in batches (one start date, one planned end) and a county's villages share
    # its rules: each term's working days and each county's required days are worked out once.
    periods: dict[tuple[datetime.date, datetime.date], tuple[int, int, int]] = {}
    county_rules: dict[str, Rules] = {}
    required_days: dict[tuple[str, int], int] = {}
    for pk, region_code, starts_on, planned_end, ended_on in terms:
        county = region_code[:6]
        rule = county_rules.get(county) or county_rules.setdefault(
            county, rules.for_region(region_code)
        )
        term = (starts_on, ended_on or planned_end)
        if term not in periods:
            periods[term] = _period(*term, year, on_in_year, calendar)[2:]
        total, so_far, remaining = periods[term]
        required = required_days.get((county, total))
        if required is None:
            required = required_days[(county, total)] = math.ceil(rule.required_share * total)
        counts = totals.get(pk, empty)
        present = counts.present(rule)
        unexplained = counts.absent + max(0, so_far - counts.recorded())
        status = _status(present, so_far, remaining, required, rule.required_share)
        _area(areas, region_code, level).add(status, so_far, present, unexplained)
    return _named_worst_first(areas)
