"""The support ledger (保障台账): what the sending unit provides its cadre each year (seed 001)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cunzhi.core.attachments.models import Attachable
from cunzhi.core.models import RegionalModel
from cunzhi.residency.models.dispatch import Dispatch
from cunzhi.residency.models.scope import ResidencyQuerySet

# The support ledger (保障台账): what the sending unit provides its cadre each year (seed 001).


class SupportGap(models.TextChoices):
    """What a support ledger lacks (an attention item for the unit and the county)."""

    INSURANCE = "insurance", _("No accident insurance in force")
    MEDICAL = "medical", _("No medical check this year")
    FUNDS = "funds", _("Work funds below the minimum")
    PAIRING = "pairing", _("No township leader paired")


def support_gap_conditions(today: datetime.date, prefix: str = "") -> dict[str, Q]:
    """Each gap as a condition on ``SupportYear`` rows (through ``prefix``), as of ``today``.

    The insurance must be in force today for this year's ledger (and have its dates for an
    earlier year's); the medical check and the funds are missing only after the day the ledger's
    rules set for them; a ledger with no leader paired lacks the pairing.
    """

    def q(**lookups: Any) -> Q:
        return Q(**{prefix + key: value for key, value in lookups.items()})

    current = q(year=today.year)
    return {
        SupportGap.INSURANCE: q(insurance_starts_on__isnull=True)
        | q(insurance_ends_on__isnull=True)
        | (current & (q(insurance_starts_on__gt=today) | q(insurance_ends_on__lt=today))),
        SupportGap.MEDICAL: q(medical_check_done=False, medical_check_due_on__lt=today),
        SupportGap.FUNDS: q(
            work_funds_yuan__lt=models.F(prefix + "work_funds_min_yuan"),
            work_funds_due_on__lt=today,
        ),
        SupportGap.PAIRING: q(paired_leader__isnull=True),
    }


class SupportYear(RegionalModel):
    """One dispatch's year of support from its sending unit (seed 001; DOMAIN.md section 1).

    The yearly medical check, the accident insurance with its dates, the living, transport and
    communication subsidies, the work funds for the village (at least
    ``residency.sending_unit_work_funds_min_yuan`` a year) and the township leader paired with the
    cadre one to one. The spending of the funds, the pairing's meetings and the training are rows
    of their own. The rules in force when the ledger was opened (the minimum of the funds and the
    two dates by which the check and the funds are due) are kept on it, so that a list or the
    attention count reads what is missing in one query, whatever county the cadre serves in.
    """

    dispatch = models.ForeignKey(
        Dispatch, verbose_name=_("dispatch"), on_delete=models.PROTECT, related_name="support"
    )
    sending_unit = models.ForeignKey(
        "accounts.SendingUnit",
        verbose_name=_("sending unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    medical_check_on = models.DateField(_("medical check on"), null=True, blank=True)
    medical_check_done = models.BooleanField(_("medical check done"), default=False)
    insurance_starts_on = models.DateField(_("accident insurance from"), null=True, blank=True)
    insurance_ends_on = models.DateField(_("accident insurance until"), null=True, blank=True)
    insurance_policy = models.CharField(_("insurer and policy number"), max_length=100, blank=True)
    living_subsidy_yuan = models.DecimalField(
        _("living subsidy (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )  # fmt: skip
    living_subsidy_paid_on = models.DateField(_("living subsidy paid on"), null=True, blank=True)
    transport_subsidy_yuan = models.DecimalField(
        _("transport subsidy (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )  # fmt: skip
    transport_subsidy_paid_on = models.DateField(
        _("transport subsidy paid on"), null=True, blank=True
    )
    communication_subsidy_yuan = models.DecimalField(
        _("communication subsidy (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )  # fmt: skip
    communication_subsidy_paid_on = models.DateField(
        _("communication subsidy paid on"), null=True, blank=True
    )
    work_funds_yuan = models.DecimalField(
        _("work funds provided (yuan)"), max_digits=12, decimal_places=2, default=0,
        validators=[MinValueValidator(0)],
    )  # fmt: skip
    work_funds_paid_on = models.DateField(_("work funds paid on"), null=True, blank=True)
    paired_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("township leader paired one to one"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The rules in force for the ledger's region when it was opened (core.policy).
    work_funds_min_yuan = models.PositiveIntegerField(
        _("work funds required (yuan)"), editable=False
    )
    medical_check_due_on = models.DateField(_("medical check due by"), editable=False)
    work_funds_due_on = models.DateField(_("work funds due by"), editable=False)

    objects = ResidencyQuerySet.as_manager()  # type: ignore[misc]  # narrows RegionalModel's

    class Meta:
        ordering = ["-year", "region_code", "pk"]
        verbose_name = _("support ledger")
        verbose_name_plural = _("support ledgers")
        constraints = [
            models.UniqueConstraint(
                fields=["dispatch", "year"], name="residency_one_support_ledger_per_year"
            ),
            models.CheckConstraint(
                condition=Q(insurance_ends_on__isnull=True)
                | Q(insurance_starts_on__isnull=True)
                | Q(insurance_ends_on__gte=models.F("insurance_starts_on")),
                name="residency_insurance_ends_after_it_starts",
            ),
        ]
        indexes = [
            models.Index(fields=["year", "region_code", "id"], name="residency_support_year")
        ]

    def __str__(self) -> str:
        return f"{self.dispatch.cadre} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("residency:support", args=[self.pk])

    def gaps(self, today: datetime.date) -> list[SupportGap]:
        """What is missing as of ``today`` (the same rules as ``support_gap_conditions``)."""
        start, end = self.insurance_starts_on, self.insurance_ends_on
        gaps = []
        if start is None or end is None or (self.year == today.year and not start <= today <= end):
            gaps.append(SupportGap.INSURANCE)
        if not self.medical_check_done and self.medical_check_due_on < today:
            gaps.append(SupportGap.MEDICAL)
        if self.work_funds_yuan < self.work_funds_min_yuan and self.work_funds_due_on < today:
            gaps.append(SupportGap.FUNDS)
        if self.paired_leader_id is None:
            gaps.append(SupportGap.PAIRING)
        return gaps

    def clean(self) -> None:
        if (
            self.insurance_starts_on
            and self.insurance_ends_on
            and self.insurance_ends_on < self.insurance_starts_on
        ):
            raise ValidationError({"insurance_ends_on": _("The insurance ends before it starts.")})
        if self.medical_check_done and self.medical_check_on is None:
            raise ValidationError({"medical_check_on": _("Give the day of the medical check.")})
        if self.medical_check_on and self.medical_check_on.year != self.year:
            raise ValidationError(
                {"medical_check_on": _("The medical check is the ledger's year's.")}
            )


class FundSpending(RegionalModel):
    """What the village's work funds were spent on: amount, purpose, day, the receipt."""

    support = models.ForeignKey(
        SupportYear,
        verbose_name=_("support ledger"),
        on_delete=models.PROTECT,
        related_name="spending",
    )
    sending_unit = models.ForeignKey(
        "accounts.SendingUnit",
        verbose_name=_("sending unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    amount_yuan = models.DecimalField(
        _("amount (yuan)"), max_digits=12, decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )  # fmt: skip
    purpose = models.CharField(_("spent on"), max_length=200)
    spent_on = models.DateField(_("spent on (date)"))

    # The receipt (scan or photo), through core.attachments.
    attachments = Attachable()

    objects = ResidencyQuerySet.as_manager()  # type: ignore[misc]  # narrows RegionalModel's

    class Meta:
        ordering = ["spent_on", "pk"]
        verbose_name = _("spending of the work funds")
        verbose_name_plural = _("spending of the work funds")

    def __str__(self) -> str:
        return f"{self.spent_on.isoformat()} {self.purpose} {self.amount_yuan}"

    def get_absolute_url(self) -> str:
        return reverse("residency:support", args=[self.support_id])


class PairingMeeting(RegionalModel):
    """A meeting of the cadre with the township leader paired with them (一对一帮带)."""

    support = models.ForeignKey(
        SupportYear,
        verbose_name=_("support ledger"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    sending_unit = models.ForeignKey(
        "accounts.SendingUnit",
        verbose_name=_("sending unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    held_on = models.DateField(pgettext_lazy("pairing meeting", "held on"))
    notes = models.TextField(_("notes"))

    objects = ResidencyQuerySet.as_manager()  # type: ignore[misc]  # narrows RegionalModel's

    class Meta:
        ordering = ["held_on", "pk"]
        verbose_name = _("pairing meeting")
        verbose_name_plural = _("pairing meetings")

    def __str__(self) -> str:
        return f"{self.support} {self.held_on.isoformat()}"

    def get_absolute_url(self) -> str:
        return reverse("residency:support", args=[self.support_id])


class TrainingRecord(RegionalModel):
    """A course the cadre attended: dates, organiser, hours."""

    support = models.ForeignKey(
        SupportYear,
        verbose_name=_("support ledger"),
        on_delete=models.PROTECT,
        related_name="training",
    )
    sending_unit = models.ForeignKey(
        "accounts.SendingUnit",
        verbose_name=_("sending unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    course = models.CharField(_("course"), max_length=200)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    organiser = models.CharField(_("organiser"), max_length=200)
    hours = models.DecimalField(
        _("hours"), max_digits=6, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )

    objects = ResidencyQuerySet.as_manager()  # type: ignore[misc]  # narrows RegionalModel's

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="residency_training_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.course} {self.starts_on.isoformat()}"

    def get_absolute_url(self) -> str:
        return reverse("residency:support", args=[self.support_id])
