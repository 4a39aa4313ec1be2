"""Cadres and their dispatch (派驻)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cunzhi.core.models import RegionalModel
from cunzhi.residency.models.scope import ResidencyQuerySet


class Cadre(RegionalModel):
    """A dispatched cadre: the user, the unit that sent them, their post there, their phone.

    The region is the village of their current (or last) dispatch, so that the township and the
    county of that village see them.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="cadre",
    )
    sending_unit = models.ForeignKey(
        "accounts.SendingUnit",
        verbose_name=_("sending unit"),
        on_delete=models.PROTECT,
        related_name="cadres",
    )
    position = models.CharField(_("position at the sending unit"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    objects = ResidencyQuerySet.as_manager()  # type: ignore[misc]  # narrows RegionalModel's

    class Meta:
        ordering = ["pk"]
        verbose_name = _("dispatched cadre")
        verbose_name_plural = _("dispatched cadres")

    def __str__(self) -> str:
        return str(self.user)


class DispatchRole(models.TextChoices):
    FIRST_SECRETARY = "first_secretary", _("First secretary")
    TEAM_LEADER = "team_leader", _("Work-team leader")
    TEAM_MEMBER = "team_member", _("Work-team member")


class DispatchStatus(models.TextChoices):
    SERVING = "serving", _("Serving")
    ENDED = "ended", _("Term ended")
    RECALLED = "recalled", _("Recalled")


class Dispatch(RegionalModel):
    """派驻: one cadre in one village from a start date; the region is the village."""

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="dispatches"
    )
    sending_unit = models.ForeignKey(
        "accounts.SendingUnit",
        verbose_name=_("sending unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    role = models.CharField(_("role"), max_length=20, choices=DispatchRole.choices)
    starts_on = models.DateField(_("starts on"))
    planned_end = models.DateField(_("planned end of the term"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DispatchStatus.choices, default=DispatchStatus.SERVING
    )
    replaced_by = models.OneToOneField(
        "self",
        verbose_name=_("replaced by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaces",
    )

    objects = ResidencyQuerySet.as_manager()  # type: ignore[misc]  # narrows RegionalModel's

    class Meta:
        ordering = ["region_code", "starts_on", "pk"]
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        constraints = [
            # A cadre serves in one village at a time (the service says so in words first).
            models.UniqueConstraint(
                fields=["cadre"],
                condition=Q(status="serving"),
                name="residency_one_serving_dispatch_per_cadre",
            ),
            models.CheckConstraint(
                condition=Q(planned_end__gt=models.F("starts_on")),
                name="residency_dispatch_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} · {self.region}"

    def get_absolute_url(self) -> str:
        return reverse("residency:dispatch", args=[self.pk])

    def last_day(self) -> datetime.date:
        """The last day of the term: the day it ended, or else the planned end."""
        return self.ended_on or self.planned_end
