"""Reads of the residency domain, all through ``for_user`` (DESIGN rule 2)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from cunzhi.core.calendar import CalendarYearMissing
from cunzhi.core.regioncodes import prefix_of
from cunzhi.core.scoping import code_in_prefixes
from cunzhi.residency.compliance import ComplianceRow, compliance_rows
from cunzhi.residency.models import Dispatch, LeaveRequest, PresenceDay
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
    dispatches = dispatches_for(user)
    if region_code:
        # InvalidCode (a ValueError) for a malformed code: the API turns it into a 422.
        dispatches = dispatches.filter(code_in_prefixes("region_code", [prefix_of(region_code)]))
    rows = compliance_rows(dispatches, year, on=on or timezone.localdate())
    if status:
        rows = [row for row in rows if row.status == status]
    return rows


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
