"""Reads of the residency domain, all through ``for_user`` (DESIGN rule 2)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from cunzhi.core.calendar import CalendarYearMissing
from cunzhi.core.regioncodes import Level, prefix_of
from cunzhi.core.scoping import code_in_prefixes
from cunzhi.residency.compliance import (
    AreaSummary,
    ComplianceRow,
    MonthCounts,
    compliance_rows,
    compliance_summary,
)
from cunzhi.residency.models import (
    Assessment,
    DiaryEntry,
    Dispatch,
    LeaveRequest,
    PresenceDay,
    PresenceMonth,
)
from cunzhi.residency.services import serving_dispatch


def dispatches_for(user: Any) -> QuerySet[Dispatch]:
    return Dispatch.objects.for_user(user, "view")


def compliance_table(
    user: Any,
    year: int,
    *,
    region_code: str = "",
    status: str = "",
    on: datetime.date | None = None,
) -> list[ComplianceRow]:
    """Every dispatch in the user's scope serving in ``year``, worst first, filtered."""
    rows = compliance_rows(_dispatches_in(user, region_code), year, on=on or timezone.localdate())
    if status:
        rows = [row for row in rows if row.status == status]
    return rows


def compliance_by_area(
    user: Any,
    year: int,
    *,
    region_code: str = "",
    level: Level | None = None,
    on: datetime.date | None = None,
) -> list[AreaSummary]:
    """The dispatches in the user's scope serving in ``year``, counted by area (worst first)."""
    return compliance_summary(
        _dispatches_in(user, region_code), year, on=on or timezone.localdate(), level=level
    )


def _dispatches_in(user: Any, region_code: str) -> QuerySet[Dispatch]:
    dispatches = dispatches_for(user)
    if region_code:
        # InvalidCode (a ValueError) for a malformed code: the API turns it into a 422.
        dispatches = dispatches.filter(code_in_prefixes("region_code", [prefix_of(region_code)]))
    return dispatches


@dataclass
class HomeView:
    """What a dispatched cadre's home block shows."""

    dispatch: Dispatch
    today: datetime.date
    day: PresenceDay | None
    compliance: ComplianceRow | None
    calendar_error: str = ""


def my_residency(user: Any, today: datetime.date | None = None) -> HomeView | None:
    today = today or timezone.localdate()
    dispatch = serving_dispatch(user, today)
    if dispatch is None:
        return None
    day = PresenceDay.objects.filter(dispatch=dispatch, date=today).first()
    one = Dispatch.objects.filter(pk=dispatch.pk)
    try:
        rows = compliance_rows(one, today.year, on=today)
    except CalendarYearMissing as exc:
        return HomeView(dispatch, today, day, None, str(exc))
    return HomeView(dispatch, today, day, rows[0] if rows else None)


def recent_days(dispatch: Dispatch, limit: int = 31) -> QuerySet[PresenceDay]:
    return PresenceDay.objects.filter(dispatch=dispatch).order_by("-date")[:limit]


def leave_list(user: Any, *, state: str = "") -> QuerySet[LeaveRequest]:
    leaves = LeaveRequest.objects.for_user(user, "view").select_related(
        "dispatch__cadre__user", "region"
    )
    if state:
        leaves = leaves.filter(state=state)
    return leaves


@dataclass
class DiaryMonth:
    """A dispatch's diary for one month, with the month's summary (民情日记月度小结)."""

    dispatch: Dispatch
    first: datetime.date
    entries: list[DiaryEntry]
    days_written: int
    photos: int
    presence: MonthCounts

    @property
    def previous(self) -> str:
        return (self.first - datetime.timedelta(days=1)).strftime("%Y-%m")

    @property
    def next(self) -> str:
        return (self.first + datetime.timedelta(days=32)).strftime("%Y-%m")


def diary_month(dispatch: Dispatch, first: datetime.date) -> DiaryMonth:
    """The month's entries and summary in four queries: entries, photos, the rollup month."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count

    from cunzhi.core.attachments.models import Attachment

    last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    entries = list(DiaryEntry.objects.filter(dispatch=dispatch, date__range=(first, last)))
    photos = Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(DiaryEntry),
        object_id__in=[str(e.pk) for e in entries],
    ).aggregate(n=Count("pk"))["n"]
    month = (
        PresenceMonth.objects.filter(dispatch=dispatch, year=first.year, month=first.month)
        .values_list("in_village", "leave", "training", "official_trip", "absent")
        .first()
    )
    return DiaryMonth(
        dispatch=dispatch,
        first=first,
        entries=entries,
        days_written=len({e.date for e in entries}),
        photos=photos,
        presence=MonthCounts(*month) if month else MonthCounts(),
    )


def assessment_list(
    user: Any, *, year: int | None = None, region_code: str = ""
) -> QuerySet[Assessment]:
    """The annual assessments in the user's scope, latest year first; ``region_code`` narrows
    to a township or village (InvalidCode, a ValueError, for a malformed one)."""
    assessments = Assessment.objects.for_user(user, "view").select_related(
        "dispatch__cadre__user", "region", "sending_unit"
    )
    if year is not None:
        assessments = assessments.filter(year=year)
    if region_code:
        assessments = assessments.filter(code_in_prefixes("region_code", [prefix_of(region_code)]))
    return assessments.order_by("-year", "region_code", "pk")
