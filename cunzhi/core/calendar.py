"""The working-day calendar (工作日历): days counted the Chinese way (DESIGN rule 5).

A date is a working day according to, first, an override row (``CalendarDay``) an administrator
imported from the State Council's notice; then the ``chinese-calendar`` package, which knows the
official holidays and swapped working days (调休) of the years it was released for; and for a year
the package does not cover but that was imported (``CalendarYear``), the weekday rule: Monday to
Friday work, weekends rest. A year that is neither covered nor imported raises
``CalendarYearMissing`` naming the fix; guessing Monday to Friday would quietly move every
deadline around the Spring Festival and National Day.

Counting conventions, fixed here so that every domain counts the same way:

* ``add_working_days(start, n)`` is the n-th working day *after* ``start``; ``start`` itself never
  counts. "Within 5 working days of the 3rd" ends on ``add_working_days(3rd, 5)``.
* ``working_days_between(start, end)`` counts the working days from ``start`` to ``end`` with
  *both* ends included, so a whole year is ``working_days_between(Jan 1, Dec 31)``.
  Hence ``working_days_between(start + 1 day, add_working_days(start, n)) == n``.

Each year's working days are computed once per process and kept as a sorted list, so a whole
year's count is two binary searches. Every call first reads the imported years with their import
times (one query on a table of a few dozen rows): an import in any process changes that stamp and
every process drops its cached years, and a rolled-back import drops them too.
"""

from __future__ import annotations

import bisect
import datetime
import threading
from dataclasses import dataclass
from typing import Any

import chinese_calendar
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext

from cunzhi.core.models import CalendarDay, CalendarYear

__all__ = [
    "CalendarYearMissing",
    "DayOverride",
    "add_working_days",
    "invalidate",
    "is_working_day",
    "package_covers",
    "working_days_between",
    "year_working_days",
]


class CalendarYearMissing(Exception):
    """No holiday data for a year: neither the package nor an imported notice covers it."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            gettext(
                "No official holidays for %(year)s: import the State Council's notice with "
                "`manage.py import_holidays FILE`"
            )
            % {"year": year}
        )


@dataclass(frozen=True)
class DayOverride:
    """One line of an imported notice: a holiday (休) or a swapped working day (班)."""

    date: datetime.date
    is_working_day: bool
    name: str = ""


@dataclass(frozen=True)
class _Year:
    working: frozenset[datetime.date]
    # Proleptic ordinals of the working days, ascending: what bisect counts over.
    ordinals: tuple[int, ...]


# (year, imported_at) of every imported year: changes whenever any process imports or deletes one.
_Stamp = tuple[tuple[int, datetime.datetime], ...]

_lock = threading.Lock()
_years: dict[int, _Year] = {}
_stamp: _Stamp | None = None


def invalidate() -> None:
    """Forget every cached year (the next call recomputes from the database)."""
    global _stamp
    with _lock:
        _years.clear()
        _stamp = None


@receiver(post_save, sender=CalendarDay)
@receiver(post_delete, sender=CalendarDay)
@receiver(post_save, sender=CalendarYear)
@receiver(post_delete, sender=CalendarYear)
def _forget_on_change(**kwargs: Any) -> None:
    # An override edited one row at a time (admin, shell) does not change the import stamp.
    invalidate()


def _read_stamp() -> _Stamp:
    return tuple(CalendarYear.objects.order_by("year").values_list("year", "imported_at"))


def package_covers(year: int) -> bool:
    """Does the installed ``chinese-calendar`` know the holidays of ``year``?"""
    try:
        chinese_calendar.is_workday(datetime.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def _compute_year(year: int, imported: set[int]) -> _Year:
    package = package_covers(year)
    if not package and year not in imported:
        raise CalendarYearMissing(year)
    overrides = dict(
        CalendarDay.objects.filter(date__year=year).values_list("date", "is_working_day")
    )
    working: list[datetime.date] = []
    day = datetime.date(year, 1, 1)
    one_day = datetime.timedelta(days=1)
    while day.year == year:
        if day in overrides:
            works = overrides[day]
        elif package:
            works = chinese_calendar.is_workday(day)
        else:
            works = day.weekday() < 5
        if works:
            working.append(day)
        day += one_day
    return _Year(frozenset(working), tuple(d.toordinal() for d in working))


class _Snapshot:
    """The calendar as of one stamp: a public call reads the stamp once, then asks for years."""

    def __init__(self) -> None:
        global _stamp
        stamp = _read_stamp()
        with _lock:
            if stamp != _stamp:
                _years.clear()
                _stamp = stamp
        self.stamp = stamp
        self.imported = {year for year, _imported_at in stamp}

    def year(self, year: int) -> _Year:
        cached = _years.get(year)
        if cached is not None:
            return cached
        computed = _compute_year(year, self.imported)
        with _lock:
            # Another thread may have seen a newer stamp meanwhile; then this year is stale.
            if _stamp == self.stamp:
                _years[year] = computed
        return computed


def _require_date(value: object, name: str) -> None:
    # A datetime is a date subclass; its .date() depends on the time zone, so refuse it plainly.
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise TypeError(f"{name} must be a datetime.date (use timezone.localdate()), not {value!r}")


def is_working_day(day: datetime.date) -> bool:
    """Is ``day`` a working day, holidays and swapped working days (调休) included?"""
    _require_date(day, "day")
    return day in _Snapshot().year(day.year).working


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    """The n-th working day after ``start`` (``start`` does not count; n = 0 returns ``start``).

    A deadline of "n working days from the 3rd" is ``add_working_days(3rd, n)``: with n = 5 and
    the 3rd a Friday before an ordinary week, the deadline is the Friday after.
    """
    _require_date(start, "start")
    if n < 0:
        raise ValueError("n must be 0 or more: count forwards from the earlier date")
    if n == 0:
        return start
    snapshot = _Snapshot()
    year = start.year
    ordinals = snapshot.year(year).ordinals
    index = bisect.bisect_right(ordinals, start.toordinal())
    remaining = n
    while remaining > len(ordinals) - index:
        remaining -= len(ordinals) - index
        year += 1
        ordinals = snapshot.year(year).ordinals
        index = 0
    return datetime.date.fromordinal(ordinals[index + remaining - 1])


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """The number of working days from ``start`` to ``end``, both included (0 if end < start).

    The presence rule asks ``working_days_between(date(y, 1, 1), date(y, 12, 31))``; a month is
    its first and last day.
    """
    _require_date(start, "start")
    _require_date(end, "end")
    if end < start:
        return 0
    snapshot = _Snapshot()
    total = 0
    for year in range(start.year, end.year + 1):
        ordinals = snapshot.year(year).ordinals
        low = bisect.bisect_left(ordinals, max(start, datetime.date(year, 1, 1)).toordinal())
        high = bisect.bisect_right(ordinals, min(end, datetime.date(year, 12, 31)).toordinal())
        total += high - low
    return total


def year_working_days(year: int) -> tuple[datetime.date, ...]:
    """Every working day of ``year``, ascending, read with one look at the imported years.

    For a page that counts over many periods of the same year (a compliance table of hundreds of
    dispatches): it counts with ``bisect`` on this once, where a ``working_days_between`` per row
    would read the imported years once per row.
    """
    ordinals = _Snapshot().year(year).ordinals
    return tuple(datetime.date.fromordinal(o) for o in ordinals)
