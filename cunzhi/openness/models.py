"""The village's public board (村务公开): notices, publicity periods (公示), objections (异议)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cunzhi.core.models import RegionalModel


class NoticeCategory(models.TextChoices):
    PARTY = "party", _("Party affairs")  # 党务公开
    VILLAGE = "village", _("Village affairs")  # 村务公开
    FINANCE = "finance", _("Finance")  # 财务公开
    BENEFITS = "benefits", _("Benefits and subsidies")  # 惠民政策、补贴


class Notice(RegionalModel):
    """One notice on a village's public board; ``region`` is the village.

    A notice may publish a record of another domain (a decision's resolution, an assistance
    list): ``source_type``/``source_id`` name it as the audit log does (``decisions.matter``, 12),
    so that the domain can ask whether its notice's objections are answered without this app
    knowing the domain.
    """

    category = models.CharField(_("category"), max_length=10, choices=NoticeCategory.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    published_on = models.DateField(_("published on"))
    # 公示: objections may be raised up to and including this day; null: no publicity period.
    publicity_ends_on = models.DateField(_("publicity period ends on"), null=True, blank=True)
    source_type = models.CharField(max_length=100, blank=True, editable=False)
    source_id = models.CharField(max_length=64, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    # The county audit chain's head right after the notice's own publication event: printed on
    # the notice, so that whoever keeps the paper can expose a chain rewritten later.
    chain = models.CharField(_("audit chain"), max_length=15, blank=True, editable=False)
    chain_seq = models.PositiveBigIntegerField(_("chain position"), null=True, editable=False)
    chain_hash = models.CharField(_("chain head"), max_length=64, blank=True, editable=False)

    class Meta(RegionalModel.Meta):
        ordering = ["-published_on", "-pk"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [
            models.Index(fields=["region_code", "-published_on"], name="notice_board"),
            models.Index(fields=["source_type", "source_id"], name="notice_source"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("openness:notice", args=[self.pk])

    def public_url(self) -> str:
        return reverse("openness:public_notice", args=[self.pk])

    def in_publicity(self, today: datetime.date) -> bool:
        return self.publicity_ends_on is not None and self.published_on <= today <= (
            self.publicity_ends_on
        )


class Objection(RegionalModel):
    """An objection a villager raised from the public board during a publicity period."""

    notice = models.ForeignKey(
        Notice, verbose_name=_("notice"), on_delete=models.PROTECT, related_name="objections"
    )
    name = models.CharField(_("name (optional)"), max_length=50, blank=True)
    phone = models.CharField(_("phone for the answer"), max_length=30)
    text = models.TextField(_("objection"), max_length=2000)
    raised_on = models.DateField(_("raised on"))
    answer = models.TextField(_("answer"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True, editable=False)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    class Meta(RegionalModel.Meta):
        ordering = ["pk"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        indexes = [
            models.Index(
                fields=["notice"], condition=models.Q(answered_on=None), name="objection_open"
            )
        ]

    def __str__(self) -> str:
        return self.text[:40]

    def get_absolute_url(self) -> str:
        return reverse("openness:objection", args=[self.pk])
