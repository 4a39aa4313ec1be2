"""Leave (请销假) and the compliance export."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cunzhi.audit import services as audit
from cunzhi.core.calendar import (
    CalendarYearMissing,
    working_days_between,
)
from cunzhi.core.inbox.services import notify
from cunzhi.core.workflow import engine
from cunzhi.regions.models import Region
from cunzhi.residency.compliance import ComplianceRow
from cunzhi.residency.models import (
    LeaveRequest,
    LeaveState,
)
from cunzhi.residency.scoping import residency_scope
from cunzhi.residency.services.common import _require
from cunzhi.residency.services.dispatch import _own_dispatch
from cunzhi.residency.services.presence import presence_record_leave


def leave_request_create(
    *,
    actor: Any,
    leave_type: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    reason: str,
    today: datetime.date | None = None,
) -> LeaveRequest:
    """The cadre's own request; its working days decide who approves it."""
    today = today or timezone.localdate()
    with transaction.atomic():
        dispatch = _own_dispatch(actor, today)
        if ends_on < starts_on:
            raise ValidationError({"ends_on": _("The last day is before the first day.")})
        if starts_on < dispatch.starts_on or ends_on > dispatch.last_day():
            raise ValidationError({"starts_on": _("The leave must fall within the dispatch.")})
        try:
            working = working_days_between(starts_on, ends_on)
        except CalendarYearMissing as exc:
            raise ValidationError(str(exc), code="calendar") from exc
        if working == 0:
            raise ValidationError(
                {"ends_on": _("These dates hold no working day: no leave is needed.")}
            )
        overlapping = LeaveRequest.objects.filter(
            dispatch=dispatch,
            state__in=[LeaveState.REQUESTED, LeaveState.APPROVED],
            starts_on__lte=ends_on,
            ends_on__gte=starts_on,
        )
        if overlapping.exists():
            raise ValidationError({"starts_on": _("Another request covers some of these days.")})
        leave = LeaveRequest(
            dispatch=dispatch,
            sending_unit_id=dispatch.sending_unit_id,
            region=dispatch.region,
            leave_type=leave_type,
            starts_on=starts_on,
            ends_on=ends_on,
            working_days=working,
            reason=reason,
        )
        _require(
            actor, "residency.add_leaverequest", dispatch.region_code, dispatch.sending_unit_id
        )
        leave.full_clean()
        leave.save()
        audit.record(
            actor=actor,
            action="residency.leave_request_create",
            obj=leave,
            data={
                "leave_type": leave_type,
                "starts_on": starts_on,
                "ends_on": ends_on,
                "working_days": working,
                "reason": reason,
            },
        )
    return leave


def leave_request_transition(
    *,
    actor: Any,
    leaverequest: LeaveRequest,
    name: str,
    expected_version: int | None,
    today: datetime.date | None = None,
    **inputs: Any,
) -> LeaveRequest:
    """Take a step of the leave workflow (``residency.workflows``); an approval records the
    leave's days as days of leave, and the cadre is told."""
    from cunzhi.residency.workflows import LEAVE_WORKFLOW

    with transaction.atomic():
        leave = engine.take(
            workflow=LEAVE_WORKFLOW,
            actor=actor,
            obj=leaverequest,
            name=name,
            expected_version=expected_version,
            inputs=inputs,
            today=today,
        )
        if leave.state in (LeaveState.APPROVED, LeaveState.REJECTED) and name != "report_return":
            if leave.state == LeaveState.APPROVED:
                presence_record_leave(actor=actor, leave=leave)
            notify(
                recipients=[leave.dispatch.cadre.user],
                message=_("Your leave from %(start)s to %(end)s: %(state)s")
                % {
                    "start": leave.starts_on.isoformat(),
                    "end": leave.ends_on.isoformat(),
                    "state": leave.get_state_display(),
                },
                obj=leave,
                verb=str(leave.state),
            )
    return leave


# The compliance table's export


def compliance_export(
    *,
    actor: Any,
    region: Region,
    year: int,
    rows: list[ComplianceRow],
    filters: dict[str, str],
) -> None:
    """Record the export of the compliance table (rows the actor's scope gave), before it streams.

    The table holds no ID or phone numbers; the event keeps the year, the filters and the count.
    """
    scope = residency_scope(actor, "residency.view_dispatch")
    if isinstance(scope, tuple) and not (scope[0] or scope[1]):
        raise PermissionDenied("residency.view_dispatch")
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="residency.compliance_export",
            obj=region,
            region_code=region.code,
            data={"format": "xlsx", "year": year, "filters": filters, "rows": len(rows)},
        )
