"""Recall and replacement (召回), and the work diary (民情日记)."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cunzhi.core.attachments.models import Attachable
from cunzhi.core.models import RegionalModel
from cunzhi.residency.models.dispatch import Cadre, Dispatch
from cunzhi.residency.models.scope import ResidencyQuerySet


class RecallState(models.TextChoices):
    PROPOSED = "proposed", _("Recall proposed")
    REPLACEMENT_NAMED = "replacement_named", _("Replacement named")
    COMPLETED = "completed", _("Handed over")
    CANCELLED = "cancelled", _("Cancelled")


class Recall(RegionalModel):
    """召回: a cadre called back, and who replaces them.

    Started by the township or the county with a reason; the sending unit names a replacement
    among its cadres and the day they start; the county confirms the handover checklist, and the
    old dispatch ends the day before the new one begins.
    """

    dispatch = models.ForeignKey(
        Dispatch, verbose_name=_("dispatch"), on_delete=models.PROTECT, related_name="recalls"
    )
    sending_unit = models.ForeignKey(
        "accounts.SendingUnit",
        verbose_name=_("sending unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason"))
    state = models.CharField(
        _("state"), max_length=20, choices=RecallState.choices, default=RecallState.PROPOSED
    )
    replacement = models.ForeignKey(
        Cadre,
        verbose_name=_("replacement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    replacement_starts_on = models.DateField(_("replacement starts on"), null=True, blank=True)
    handover_documents = models.BooleanField(_("documents and ledgers handed over"), default=False)
    handover_work = models.BooleanField(_("work in hand and plans handed over"), default=False)
    handover_contacts = models.BooleanField(
        _("introduced to the village cadres and key people"), default=False
    )
    new_dispatch = models.OneToOneField(
        Dispatch,
        verbose_name=_("new dispatch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ResidencyQuerySet.as_manager()  # type: ignore[misc]  # narrows RegionalModel's

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("recall")
        verbose_name_plural = _("recalls")

    def __str__(self) -> str:
        return f"{self.dispatch.cadre} · {self.get_state_display()}"

    def get_absolute_url(self) -> str:
        return reverse("residency:recall", args=[self.pk])


class DiaryEntry(RegionalModel):
    """民情日记: a cadre's day in the village in their words, with photos."""

    dispatch = models.ForeignKey(
        Dispatch, verbose_name=_("dispatch"), on_delete=models.PROTECT, related_name="diary"
    )
    sending_unit = models.ForeignKey(
        "accounts.SendingUnit",
        verbose_name=_("sending unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    date = models.DateField(_("date"))
    text = models.TextField(_("what happened"))

    # Photos of the day, with where they were taken when the cadre keeps it (core.attachments).
    attachments = Attachable(position=True)

    objects = ResidencyQuerySet.as_manager()  # type: ignore[misc]  # narrows RegionalModel's

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("diary entry")
        verbose_name_plural = _("diary entries")
        indexes = [models.Index(fields=["dispatch", "date"], name="residency_diary_by_day")]

    def __str__(self) -> str:
        return f"{self.dispatch.cadre} {self.date.isoformat()}"

    def get_absolute_url(self) -> str:
        return reverse("residency:diaryentry", args=[self.pk])
