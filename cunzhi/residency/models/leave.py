"""Leave requests (请销假)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cunzhi.core.models import RegionalModel
from cunzhi.residency.models.dispatch import Dispatch
from cunzhi.residency.models.scope import ResidencyQuerySet


class LeaveType(models.TextChoices):
    PERSONAL = "personal", _("Personal leave")
    SICK = "sick", _("Sick leave")
    ANNUAL = "annual", _("Annual leave")
    FAMILY = "family", _("Family visit")
    OTHER = "other", _("Other")


class LeaveState(models.TextChoices):
    REQUESTED = "requested", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    RETURNED = "returned", _("Back in the village")  # 销假


class LeaveRequest(RegionalModel):
    """请假: a cadre's request for leave; who approves depends on its working days."""

    dispatch = models.ForeignKey(
        Dispatch, verbose_name=_("dispatch"), on_delete=models.PROTECT, related_name="leaves"
    )
    sending_unit = models.ForeignKey(
        "accounts.SendingUnit",
        verbose_name=_("sending unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    leave_type = models.CharField(_("type of leave"), max_length=20, choices=LeaveType.choices)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    working_days = models.PositiveSmallIntegerField(_("working days"), editable=False)
    reason = models.TextField(_("reason"))
    state = models.CharField(
        _("state"), max_length=20, choices=LeaveState.choices, default=LeaveState.REQUESTED
    )
    returned_on = models.DateField(_("back in the village on"), null=True, blank=True)

    objects = ResidencyQuerySet.as_manager()  # type: ignore[misc]  # narrows RegionalModel's

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("leave request")
        verbose_name_plural = _("leave requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="residency_leave_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dispatch.cadre} {self.starts_on.isoformat()}–{self.ends_on.isoformat()}"

    def get_absolute_url(self) -> str:
        return reverse("residency:leaverequest", args=[self.pk])

    def clean(self) -> None:
        if self.returned_on is not None:
            if self.returned_on < self.starts_on:
                raise ValidationError({"returned_on": _("The return is before the leave began.")})
            if self.returned_on > timezone.localdate():
                raise ValidationError({"returned_on": _("Report the return once you are back.")})
