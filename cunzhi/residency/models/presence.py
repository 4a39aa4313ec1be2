"""Daily presence and its monthly rollup (the compliance table reads the rollup)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cunzhi.core.models import RegionalModel
from cunzhi.residency.models.dispatch import Dispatch
from cunzhi.residency.models.scope import ResidencyQuerySet


class PresenceKind(models.TextChoices):
    IN_VILLAGE = "in_village", _("In the village")
    LEAVE = "leave", _("On approved leave")
    TRAINING = "training", _("Organised training")
    OFFICIAL_TRIP = "official_trip", _("Official trip")
    ABSENT = "absent", _("Absent")


class PresenceSource(models.TextChoices):
    CHECK_IN = "check_in", _("Check-in on the day")
    LATE_FILL = "late_fill", _("Filled in later")
    CORRECTION = "correction", _("Corrected by the township")
    LEAVE = "leave", pgettext_lazy("presence source", "Approved leave")


class PresenceDay(RegionalModel):
    """One cadre's day: where they were. One row per cadre per day; the region is the village."""

    dispatch = models.ForeignKey(
        Dispatch, verbose_name=_("dispatch"), on_delete=models.PROTECT, related_name="days"
    )
    sending_unit = models.ForeignKey(
        "accounts.SendingUnit",
        verbose_name=_("sending unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("where"), max_length=20, choices=PresenceKind.choices)
    source = models.CharField(_("recorded as"), max_length=20, choices=PresenceSource.choices)
    is_working_day = models.BooleanField(_("working day"))
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    accuracy_m = models.PositiveIntegerField(_("accuracy (m)"), null=True, blank=True)
    distance_m = models.PositiveIntegerField(
        _("distance from the village (m)"), null=True, blank=True
    )
    far_from_village = models.BooleanField(_("far from the village"), default=False)
    reason = models.TextField(_("reason"), blank=True)

    objects = ResidencyQuerySet.as_manager()  # type: ignore[misc]  # narrows RegionalModel's

    class Meta:
        ordering = ["-date", "pk"]
        verbose_name = _("day of presence")
        verbose_name_plural = _("days of presence")
        constraints = [
            models.UniqueConstraint(
                fields=["dispatch", "date"], name="residency_one_presence_row_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dispatch.cadre} {self.date.isoformat()} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("residency:dispatch", args=[self.dispatch_id])


class PresenceMonth(models.Model):
    """The rollup: working days of each kind, per dispatch and month (DESIGN, "Scale").

    Written only by ``residency.rollup.bump`` inside the presence services' transactions; the
    compliance table sums at most twelve of these per dispatch instead of a year of raw rows.
    ``rollup.rebuild`` recounts them from the raw rows (after a calendar import, say).
    """

    dispatch = models.ForeignKey(
        Dispatch, verbose_name=_("dispatch"), on_delete=models.CASCADE, related_name="months"
    )
    region_code = models.CharField(_("region code"), max_length=15, db_index=True)
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    in_village = models.PositiveSmallIntegerField(default=0)
    leave = models.PositiveSmallIntegerField(default=0)
    training = models.PositiveSmallIntegerField(default=0)
    official_trip = models.PositiveSmallIntegerField(default=0)
    absent = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["dispatch", "year", "month"]
        verbose_name = _("month of presence")
        verbose_name_plural = _("months of presence")
        constraints = [
            models.UniqueConstraint(
                fields=["dispatch", "year", "month"], name="residency_one_rollup_per_month"
            )
        ]
        indexes = [models.Index(fields=["year", "dispatch"], name="residency_rollup_year")]

    def __str__(self) -> str:
        return f"{self.dispatch_id} {self.year}-{self.month:02d}"
