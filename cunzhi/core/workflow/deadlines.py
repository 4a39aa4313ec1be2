"""Deadlines: the due date from a dated rule, counted the Chinese way, and its extension.

``due_date`` is the one place a period is counted: ``days`` from a start date, the start not
counted (期间开始之日不计算在期间内), in calendar days or in working days on ``core.calendar``
(DESIGN rule 5), the number of days read from a policy parameter for the record's region on the
start date (DESIGN rule 4). ``apply_state_deadline`` sets a record's deadline columns when it
enters a state (in memory: the engine saves and audits); ``deadline_extend`` is the audited
service that extends a running deadline with a reason.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from cunzhi.core import calendar, policy
from cunzhi.core.workflow.declare import DayUnit, Deadline, Workflow, workflow_for
from cunzhi.core.workflow.fields import RUNNING, DeadlineStatus


def days_of(value: str | int, *, region_code: str, on: datetime.date) -> int:
    """A number of days: a plain number, or a policy key's value for the region on the date."""
    if isinstance(value, int):
        return value
    return int(policy.get(value, region_code=region_code, on=on))


def add_days(start: datetime.date, days: int, unit: DayUnit, *, ends_on_working_day: bool) -> Any:
    if unit == DayUnit.WORKING:
        return calendar.add_working_days(start, days)
    end = start + datetime.timedelta(days=days)
    if ends_on_working_day:
        while not calendar.is_working_day(end):
            end += datetime.timedelta(days=1)
    return end


def due_date(deadline: Deadline, start: datetime.date, *, region_code: str) -> Any:
    """The last day of the period: ``deadline.days`` after ``start``, the rule as on ``start``."""
    days = days_of(deadline.days, region_code=region_code, on=start)
    return add_days(start, days, deadline.unit, ends_on_working_day=deadline.ends_on_working_day)


def status_on(obj: Any, today: datetime.date) -> str:
    """The running deadline's status as of ``today``, from its dates."""
    if obj.due_on is None:
        return str(obj.deadline_status)
    if today > obj.due_on:
        return DeadlineStatus.OVERDUE
    if obj.remind_on is not None and today >= obj.remind_on:
        return DeadlineStatus.SOON
    return DeadlineStatus.DUE


def next_sweep_on(obj: Any, status: str) -> datetime.date | None:
    """The next day the sweep has something to do for ``obj``: remind it or mark it overdue."""
    if obj.due_on is None or status not in RUNNING:
        return None
    day_after = obj.due_on + datetime.timedelta(days=1)
    if status == DeadlineStatus.DUE and obj.remind_on is not None and obj.remind_on < day_after:
        return obj.remind_on  # type: ignore[no-any-return]
    if status in (DeadlineStatus.DUE, DeadlineStatus.SOON):
        return day_after
    return None  # marked overdue: an escalation, if any, was taken with the mark


def set_dates(obj: Any, deadline: Deadline, due_on: datetime.date, today: datetime.date) -> None:
    """Set the due and reminder dates of a deadline that starts (or is extended) today.

    The stored status is what the sweep has done, so it starts at ``due``. A deadline already
    near or past when it starts (a petition registered late) has ``sweep_on`` today or earlier:
    the next sweep reminds it, or marks it overdue without a reminder that came too late.
    """
    obj.due_on = due_on
    obj.remind_on = min(max(due_on - datetime.timedelta(days=deadline.remind_days), today), due_on)
    obj.deadline_status = DeadlineStatus.DUE
    obj.sweep_on = next_sweep_on(obj, DeadlineStatus.DUE)


def apply_state_deadline(
    obj: Any, state: str, today: datetime.date, deadlines: dict[str, Deadline]
) -> dict[str, Any] | None:
    """Start the deadline of ``state`` on ``obj``, or end the running one; what it set, for the
    trace (None when the record has no deadline columns or nothing changed)."""
    if not hasattr(obj, "deadline_status"):
        return None
    deadline = deadlines.get(state)
    if deadline is None:
        if obj.deadline_status not in RUNNING:
            return None
        met = obj.due_on is None or today <= obj.due_on
        obj.deadline_status = DeadlineStatus.MET if met else DeadlineStatus.LATE
        obj.sweep_on = None
        return {"deadline_status": obj.deadline_status}
    start = _start_date(obj, deadline, today)
    obj.deadline_extended_days = 0
    obj.deadline_extensions = 0
    # A record being created has no region_code copy until it is saved.
    region_code = obj.region_code or obj.region.code
    set_dates(obj, deadline, due_date(deadline, start, region_code=region_code), today)
    return {"due_on": obj.due_on.isoformat(), "deadline_status": obj.deadline_status}


def start_deadline(workflow: Workflow, obj: Any, today: datetime.date | None = None) -> None:
    """Start the deadline of a new record's first state (call before ``create_audited``)."""
    from django.utils import timezone

    apply_state_deadline(
        obj, workflow.state_of(obj), today or timezone.localdate(), workflow.deadlines
    )


def _start_date(obj: Any, deadline: Deadline, today: datetime.date) -> datetime.date:
    start = getattr(obj, deadline.starts) if deadline.starts else today
    if isinstance(start, datetime.datetime):
        start = start.date()
    if start is None:
        raise ValidationError(
            _("The date the time limit counts from is missing."), code="deadline_start"
        )
    return start  # type: ignore[no-any-return]


def can_extend(user: Any, obj: Any) -> bool:
    """May ``user`` extend the running deadline of ``obj`` now (a rule allows one, unused)?"""
    from django.core.exceptions import PermissionDenied

    from cunzhi.core.writes import require_permission

    if not hasattr(obj, "deadline_status") or obj.deadline_status not in RUNNING:
        return False
    workflow = workflow_for(obj)
    deadline = workflow.deadlines.get(workflow.state_of(obj))
    if deadline is None or deadline.extension_cap is None:
        return False
    if deadline.max_extensions is not None and obj.deadline_extensions >= deadline.max_extensions:
        return False
    try:
        require_permission(user, workflow.default_permission, obj.region_code)
    except PermissionDenied:
        return False
    return True


def deadline_extend(
    *,
    actor: Any,
    obj: models.Model,
    days: int,
    reason: str,
    expected_version: int | None,
    today: datetime.date | None = None,
) -> models.Model:
    """Extend the running deadline of ``obj`` by ``days`` with a ``reason`` (audited).

    Refused when the state's deadline allows no extension, when this one would pass its cap in
    all or its number of extensions, and without a reason. The days are added to the due date in
    the deadline's unit (working days on the calendar).
    """
    from django.utils import timezone

    from cunzhi.audit import services as audit
    from cunzhi.core.workflow.engine import check_in_scope, locked_version

    workflow = workflow_for(obj)
    with transaction.atomic():
        check_in_scope(actor, obj, workflow.default_permission)
        current = locked_version(obj, expected_version)
        today = today or timezone.localdate()
        state = workflow.state_of(current)
        deadline = workflow.deadlines.get(state)
        errors: dict[str, list[Any]] = {}
        if not reason.strip():
            errors["reason"] = [_("Give the reason for the extension.")]
        if days < 1:
            errors["days"] = [_("Extend by at least one day.")]
        if deadline is None or current.deadline_status not in RUNNING:  # type: ignore[attr-defined]
            raise ValidationError(_("This record has no running time limit to extend."))
        if deadline.extension_cap is None:
            raise ValidationError(_("This time limit cannot be extended."))
        cap = days_of(deadline.extension_cap, region_code=current.region_code, on=today)  # type: ignore[attr-defined]
        used = current.deadline_extended_days  # type: ignore[attr-defined]
        if deadline.max_extensions is not None and (
            current.deadline_extensions >= deadline.max_extensions  # type: ignore[attr-defined]
        ):
            errors.setdefault("days", []).append(
                _("This time limit can be extended %(count)s time(s) only; it has been.")
                % {"count": deadline.max_extensions}
            )
        elif used + days > cap:
            errors.setdefault("days", []).append(
                _("An extension may add at most %(cap)s days in all (%(used)s used).")
                % {"cap": cap, "used": used}
            )
        if errors:
            raise ValidationError(errors)
        before = current.due_on  # type: ignore[attr-defined]
        due_on = add_days(
            before, days, deadline.unit, ends_on_working_day=deadline.ends_on_working_day
        )
        current.deadline_extended_days = used + days  # type: ignore[attr-defined]
        current.deadline_extensions += 1  # type: ignore[attr-defined]
        set_dates(current, deadline, due_on, today)
        current.save()
        audit.record(
            actor=actor,
            action=f"{current._meta.app_label}.{workflow.entity}_deadline_extend",
            obj=current,
            data={
                "workflow": workflow.key,
                "state": state,
                "days": days,
                "reason": reason,
                "due_on": [before.isoformat() if before else None, due_on.isoformat()],
                "version": current.version,  # type: ignore[attr-defined]
            },
        )
    for f in current._meta.concrete_fields:
        setattr(obj, f.attname, getattr(current, f.attname))
    return current
