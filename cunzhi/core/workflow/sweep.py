"""The scheduled sweep: reminders before a deadline, overdue marks, escalation (DESIGN rule 6).

It runs in the worker ``make run`` already starts (``manage.py db_worker``), as a django-tasks
task that enqueues its own next run (``run_after``) before it sweeps, so a sweep that fails still
leaves the next one scheduled. ``schedule`` makes sure one run is waiting; ``migrate`` calls it
(``CoreConfig.ready``), so a fresh install and every ``make run`` have the chain, and
``manage.py sweep`` runs one sweep by hand. No cron, no other server.

Each workflow model with deadline columns is read once per sweep for the rows whose ``sweep_on``
has come (one indexed range, however many records are open); each such row is then handled in
its own transaction, locked and checked again, as an audited write by ``SYSTEM``: a reminder
(status ``soon``), or an overdue mark followed by the state's escalation transition when it
declares one. A row done is no longer due (its ``sweep_on`` moves on), so a second sweep on the
same day, or two workers at once, do nothing twice.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.dispatch import Signal
from django.utils import timezone
from django_tasks import task

from cunzhi.audit import services as audit
from cunzhi.core.workflow.deadlines import next_sweep_on, status_on
from cunzhi.core.workflow.declare import Workflow, all_workflows
from cunzhi.core.workflow.engine import SYSTEM, take
from cunzhi.core.workflow.fields import DeadlineStatus
from cunzhi.core.writes import lock_current

logger = logging.getLogger(__name__)

# Sent once per reminder and per overdue mark, in the sweep's transaction: kwargs ``obj``,
# ``workflow``, ``kind`` ("reminder" or "overdue"). The trace already holds the event; the
# notifications module connects here to tell the people concerned.
deadline_reached = Signal()

DEFAULT_INTERVAL_MINUTES = 60


@dataclass
class SweepReport:
    reminded: int = 0
    overdue: int = 0
    escalated: int = 0
    refused: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "reminded": self.reminded,
            "overdue": self.overdue,
            "escalated": self.escalated,
            "refused": self.refused,
        }


def remind(*, obj: models.Model, workflow: Workflow, kind: str) -> None:
    """Tell the people concerned (one place for the lead to wire ``core.notifications``)."""
    deadline_reached.send(sender=workflow.model, obj=obj, workflow=workflow, kind=kind)


def swept_workflows() -> list[Workflow]:
    return [w for w in all_workflows() if hasattr(w.model, "sweep_on") and w.deadlines]


def sweep(*, today: datetime.date | None = None, only: list[Workflow] | None = None) -> SweepReport:
    """One sweep over every workflow with deadlines (or ``only`` these), as of ``today`` (China's
    date by default)."""
    today = today or timezone.localdate()
    report = SweepReport()
    for workflow in swept_workflows() if only is None else only:
        manager = workflow.model._default_manager
        due = list(manager.filter(sweep_on__lte=today).order_by("sweep_on", "pk"))
        for obj in due:
            sweep_one(workflow, obj, today, report)
    return report


def sweep_one(workflow: Workflow, obj: Any, today: datetime.date, report: SweepReport) -> None:
    with transaction.atomic():
        current: Any = lock_current(obj)
        if current.sweep_on is None or current.sweep_on > today:
            return  # another sweep got here first
        if current.due_on is None:
            # No deadline running (written so by hand or by an older version): nothing to do,
            # and nothing to look at again.
            type(current)._default_manager.filter(pk=current.pk).update(sweep_on=None)
            return
        status = status_on(current, today)
        state = workflow.state_of(current)
        kind_action = f"{workflow.model._meta.app_label}.{workflow.entity}_deadline"
        if status == DeadlineStatus.DUE:
            # Nothing to tell yet (the due date moved); look again when there is.
            type(current)._default_manager.filter(pk=current.pk).update(
                sweep_on=next_sweep_on(current, status)
            )
            return
        current.deadline_status = status
        current.sweep_on = next_sweep_on(current, status)
        current.save(update_fields=["deadline_status", "sweep_on", "updated_at"])
        kind = "overdue" if status == DeadlineStatus.OVERDUE else "reminder"
        audit.record(
            actor=SYSTEM,
            action=f"{kind_action}_{kind}",
            obj=current,
            data={
                "workflow": workflow.key,
                "state": state,
                "due_on": current.due_on.isoformat(),
                "version": current.version,
            },
        )
        remind(obj=current, workflow=workflow, kind=kind)
        if kind == "overdue":
            report.overdue += 1
        else:
            report.reminded += 1
        deadline = workflow.deadlines.get(state)
        if kind == "overdue" and deadline is not None and deadline.escalation:
            try:
                with transaction.atomic():
                    take(
                        workflow=workflow,
                        actor=SYSTEM,
                        obj=current,
                        name=deadline.escalation,
                        expected_version=current.version,
                        today=today,
                    )
            except ValidationError as refused:
                # A guard said no (the county has no level above it): it stays overdue, marked.
                report.refused.append(f"{workflow.key}:{current.pk}: {refused.messages[0]}")
            else:
                report.escalated += 1


def interval() -> datetime.timedelta:
    minutes = getattr(settings, "DEADLINE_SWEEP_MINUTES", DEFAULT_INTERVAL_MINUTES)
    return datetime.timedelta(minutes=minutes)


def _pending() -> models.QuerySet[Any]:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=deadline_sweep_task.module_path, status=TaskResultStatus.READY
    )


def schedule(*, after: datetime.timedelta | None = None) -> bool:
    """Enqueue the next sweep unless one is already waiting; whether one was enqueued."""
    if _pending().exists():
        return False
    run_after = timezone.now() + (interval() if after is None else after)
    deadline_sweep_task.using(run_after=run_after).enqueue()
    return True


@task()
def deadline_sweep_task() -> dict[str, Any]:
    """The worker's sweep: schedule the next run first, then sweep."""
    schedule()
    report = sweep()
    if report.reminded or report.overdue:
        logger.info("deadline sweep: %s", report.as_dict())
    return report.as_dict()
