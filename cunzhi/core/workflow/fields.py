"""The columns a record with deadlines carries, and the SQL that reads its status for lists.

Why a stored status *and* dates: ``deadline_status`` is what the sweep has done to the record
(reminded it: ``soon``; marked it overdue: ``overdue``), which is what makes the sweep idempotent,
and ``sweep_on`` is the next day the sweep must look at it, so one indexed range
(``sweep_on <= today``) finds the due records among any number of open ones. A list does not
trust the stored status alone, which lags until the day's sweep has run: ``deadline_q`` and
``deadline_status_now`` correct it from ``due_on`` and ``remind_on`` in SQL, on the
(deadline_status, due_on) index, so a list is right at 00:01 and never computes a status per row
in Python.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils.translation import gettext_lazy as _


class DeadlineStatus(models.TextChoices):
    NONE = "none", _("No deadline")
    DUE = "due", _("Due")
    SOON = "soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    MET = "met", _("Met in time")
    LATE = "late", _("Met late")


# The statuses of a deadline still running.
RUNNING = (DeadlineStatus.DUE, DeadlineStatus.SOON, DeadlineStatus.OVERDUE)


class DeadlineFields(models.Model):
    """Mix into a workflow model whose states have deadlines (``Workflow.deadlines``)."""

    due_on = models.DateField(_("due on"), null=True, blank=True, editable=False)
    remind_on = models.DateField(_("reminder on"), null=True, blank=True, editable=False)
    deadline_status = models.CharField(
        _("deadline"),
        max_length=10,
        choices=DeadlineStatus.choices,
        default=DeadlineStatus.NONE,
        editable=False,
    )
    # The next day the sweep has something to do for this record; null when nothing.
    sweep_on = models.DateField(_("next check"), null=True, blank=True, editable=False)
    deadline_extended_days = models.PositiveSmallIntegerField(
        _("days of extension"), default=0, editable=False
    )
    deadline_extensions = models.PositiveSmallIntegerField(
        _("extensions"), default=0, editable=False
    )

    class Meta:
        abstract = True
        # Unnamed: Django names them per model within the 30 characters an index name may have.
        indexes = [
            models.Index(fields=["deadline_status", "due_on"]),
            models.Index(fields=["sweep_on"]),
        ]


def deadline_q(status: str, today: datetime.date) -> Q:
    """Records whose deadline is ``status`` today, from the dates (indexable ranges)."""
    open_ = [DeadlineStatus.DUE, DeadlineStatus.SOON]
    if status == DeadlineStatus.OVERDUE:
        return Q(deadline_status=DeadlineStatus.OVERDUE) | Q(
            deadline_status__in=open_, due_on__lt=today
        )
    if status == DeadlineStatus.SOON:
        return Q(deadline_status__in=open_, due_on__gte=today, remind_on__lte=today)
    if status == DeadlineStatus.DUE:
        return Q(deadline_status__in=open_, remind_on__gt=today)
    return Q(deadline_status=status)


def deadline_status_now(today: datetime.date) -> Case:
    """An annotation: each row's status as of ``today``, computed by the database."""
    return Case(
        When(deadline_q(DeadlineStatus.OVERDUE, today), then=Value(DeadlineStatus.OVERDUE.value)),
        When(deadline_q(DeadlineStatus.SOON, today), then=Value(DeadlineStatus.SOON.value)),
        default="deadline_status",
        output_field=models.CharField(),
    )
