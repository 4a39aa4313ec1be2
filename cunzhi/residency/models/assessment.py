"""The annual assessment (年度考核) and its grades."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cunzhi.core.models import RegionalModel
from cunzhi.residency.models.dispatch import Dispatch
from cunzhi.residency.models.scope import ResidencyQuerySet


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")  # 优秀
    COMPETENT = "competent", _("Competent")  # 称职
    BASICALLY_COMPETENT = "basically_competent", _("Basically competent")  # 基本称职
    INCOMPETENT = "incompetent", _("Incompetent")  # 不称职


# Best first: a cap allows its own grade and every grade after it.
GRADE_ORDER = [Grade.EXCELLENT, Grade.COMPETENT, Grade.BASICALLY_COMPETENT, Grade.INCOMPETENT]


class Assessment(RegionalModel):
    """年度考核: one dispatch's year, with the three opinions and the county's grade.

    The township, the sending unit and the village each give an opinion; the county organisation
    department sets the grade, capped by the year's unexplained absences
    (``residency.unexplained_absence_grade_caps``). An incompetent grade proposes a recall.
    """

    dispatch = models.ForeignKey(
        Dispatch, verbose_name=_("dispatch"), on_delete=models.PROTECT, related_name="assessments"
    )
    sending_unit = models.ForeignKey(
        "accounts.SendingUnit",
        verbose_name=_("sending unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    township_opinion = models.TextField(_("the township's opinion"), blank=True)
    unit_opinion = models.TextField(_("the sending unit's opinion"), blank=True)
    village_opinion = models.TextField(_("the village's opinion"), blank=True)
    grade = models.CharField(_("grade"), max_length=20, choices=Grade.choices, blank=True)
    unexplained_absences = models.PositiveSmallIntegerField(
        _("unexplained absences"),
        null=True,
        blank=True,
        help_text=_("Counted when the grade was set: each run of absent working days is one."),
    )
    graded_on = models.DateField(_("graded on"), null=True, blank=True)
    recall_proposed = models.BooleanField(_("recall proposed"), default=False)

    objects = ResidencyQuerySet.as_manager()  # type: ignore[misc]  # narrows RegionalModel's

    class Meta:
        ordering = ["-year", "pk"]
        verbose_name = _("annual assessment")
        verbose_name_plural = _("annual assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["dispatch", "year"], name="residency_one_assessment_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dispatch.cadre} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("residency:assessment", args=[self.pk])
