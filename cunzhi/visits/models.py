"""Home visits (走访): who went to which household, whom they met, why, and what they found.

Seed 000: visit every household, and the key people first. A need found on a visit becomes a
demand in one step (``services.visit_record(..., need=...)`` or ``visit_need_to_demand``).
``LastVisit`` keeps each household's latest visit, which is what coverage ("the share of
households visited this year") and "due for a visit" read instead of every visit.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cunzhi.core.attachments.models import Attachable
from cunzhi.core.models import RegionalModel


class VisitPurpose(models.TextChoices):
    SURVEY = "survey", _("Situation survey")  # 情况摸排
    POLICY = "policy", _("Policy explanation")  # 政策宣讲
    FOLLOW_UP = "follow_up", _("Follow-up")  # 回访
    CARE = "care", _("Care for a vulnerable person")  # 关爱帮扶
    MEDIATION = "mediation", _("Easing a dispute")  # 矛盾调处
    OTHER = "other", _("Other")


class Visit(RegionalModel):
    """One visit to a household; ``region`` is the village."""

    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The household's villager group when visited (coverage by group), "" when it has none.
    group_code = models.CharField(_("villager group"), max_length=15, blank=True, editable=False)
    visited_on = models.DateField(_("visited on"))
    cadres = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("visiting cadres"), related_name="+"
    )
    people_met = models.ManyToManyField(
        "registry.Resident", verbose_name=_("people met"), blank=True, related_name="+"
    )
    others_met = models.CharField(_("others met"), max_length=200, blank=True)
    purpose = models.CharField(_("purpose"), max_length=20, choices=VisitPurpose.choices)
    findings = models.TextField(_("findings"))
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

    # Photos of the visit, with where they were taken.
    attachments = Attachable(position=True)

    class Meta(RegionalModel.Meta):
        ordering = ["-visited_on", "-pk"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [
            models.Index(fields=["region_code", "visited_on"], name="visit_list"),
        ]

    def __str__(self) -> str:
        return f"{self.visited_on.isoformat()} {self.household}"

    def get_absolute_url(self) -> str:
        return reverse("visits:visit", args=[self.pk])


class LastVisit(models.Model):
    """A household's latest visit, kept by ``visit_record``."""

    household = models.OneToOneField(
        "registry.Household",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="last_visit",
    )
    region_code = models.CharField(max_length=15, db_index=True)
    group_code = models.CharField(max_length=15, blank=True, db_index=True)
    visited_on = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["region_code", "visited_on"], name="last_visit_cover")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.visited_on.isoformat()}"
