"""A case (案件) of the test domain: a small petition-like record with a workflow and deadlines."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cunzhi.core.attachments.models import Attachable
from cunzhi.core.models import RegionalModel
from cunzhi.core.workflow import DeadlineFields


class CaseState(models.TextChoices):
    REGISTERED = "registered", pgettext_lazy("case state", "Registered")
    ACCEPTED = "accepted", _("Accepted")
    ESCALATED = "escalated", _("Escalated to the township")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")


class CaseLevel(models.TextChoices):
    VILLAGE = "village", _("Village")
    TOWNSHIP = "township", _("Township")


class Case(DeadlineFields, RegionalModel):
    title = models.CharField(_("title"), max_length=200)
    received_on = models.DateField(_("received on"))
    state = models.CharField(
        _("state"), max_length=20, choices=CaseState.choices, default=CaseState.REGISTERED
    )
    level = models.CharField(
        _("level"), max_length=10, choices=CaseLevel.choices, default=CaseLevel.VILLAGE
    )
    resolution = models.TextField(_("resolution"), blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"), null=True, blank=True, choices=[(n, str(n)) for n in range(1, 6)]
    )

    # Evidence photos of a resolved case, with where they were taken (core.attachments).
    attachments = Attachable(position=True)

    class Meta(DeadlineFields.Meta, RegionalModel.Meta):
        ordering = ["pk"]
        indexes = [
            *DeadlineFields.Meta.indexes,
            # The case list's order (tests/kitdomain/lists.py), newest first.
            models.Index(
                fields=["region_code", "received_on", "id"], name="kitdomain_case_received"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("kitdomain:case", args=[self.pk])
