"""Villagers' demands (民情诉求): what a villager raises, who handles it, by when, and how it ended.

Seed 000 asks the resident cadre to sort reflected problems "one by one, classify them and analyse
their subjective and objective causes" and to take the matters of the masses as major events. A
demand runs the workflow in ``workflows.py``: registered, accepted, in progress, resolved with
evidence, then confirmed by the villager or reopened; rejected with a reason; escalated to the
township and on to the county, by hand or by the deadline sweep.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cunzhi.core.attachments.models import Attachable
from cunzhi.core.models import BaseModel, RegionalModel
from cunzhi.core.workflow import DeadlineFields


class DemandCategory(BaseModel):
    """An entry of the configurable dictionary of categories (roads, drinking water, …).

    The defaults come from seed 000 (``defaults.py``, synced after ``migrate``); the deadline of
    each category is a policy parameter (``demands.resolution_days``), not a column here, so that a
    county can change it from a date on and old demands keep the rule they started under.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=40)
    active = models.BooleanField(_("in use"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("demand category")
        verbose_name_plural = _("demand categories")

    def __str__(self) -> str:
        return self.name


class DemandSource(models.TextChoices):
    VISIT = "visit", _("Home visit")  # 走访
    WALK_IN = "walk_in", _("Walk-in")  # 来访
    PHONE = "phone", _("Phone call")
    MEETING = "meeting", _("Meeting")
    PUBLIC_BOARD = "public_board", _("Public board")
    PETITION = "petition", _("Transferred petition")  # 信访转办


class DemandPriority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class DemandState(models.TextChoices):
    REGISTERED = "registered", pgettext_lazy("demand state", "Registered")
    ACCEPTED = "accepted", pgettext_lazy("demand state", "Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", pgettext_lazy("demand state", "Resolved")
    CONFIRMED = "confirmed", _("Confirmed by the villager")
    REJECTED = "rejected", pgettext_lazy("demand state", "Rejected")
    ESCALATED = "escalated", _("Escalated")
    MERGED = "merged", _("Merged into another demand")


# The states in which a demand still waits for someone.
OPEN_STATES = (
    DemandState.REGISTERED,
    DemandState.ACCEPTED,
    DemandState.IN_PROGRESS,
    DemandState.ESCALATED,
)


class DemandLevel(models.TextChoices):
    VILLAGE = "village", pgettext_lazy("handled at", "Village")
    TOWNSHIP = "township", pgettext_lazy("handled at", "Township")
    COUNTY = "county", pgettext_lazy("handled at", "County")


class Demand(DeadlineFields, RegionalModel):
    """One demand of a villager; ``region`` is the village."""

    code = models.CharField(_("follow-up code"), max_length=12, unique=True, editable=False)
    source = models.CharField(_("source"), max_length=20, choices=DemandSource.choices)
    # Where it came from in another app ("visits.visit:12", "disputes.petition:5"): a link back,
    # kept as text so that demands depends on no app above it.
    source_ref = models.CharField(_("came from"), max_length=60, blank=True, editable=False)
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resident = models.ForeignKey(
        "registry.Resident",
        verbose_name=_("villager"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    anonymous = models.BooleanField(_("anonymous"), default=False)
    category = models.ForeignKey(
        DemandCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("subject"), max_length=100)
    description = models.TextField(_("description"))
    priority = models.CharField(
        _("priority"), max_length=10, choices=DemandPriority.choices, default=DemandPriority.NORMAL
    )
    cause_subjective = models.TextField(_("subjective causes"), blank=True)  # 主观原因
    cause_objective = models.TextField(_("objective causes"), blank=True)  # 客观原因
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    registered_on = models.DateField(_("registered on"))
    # The day the demand must be resolved by: the category's days from registration, a new
    # period from each escalation. Every open state's deadline runs to it (workflows.py).
    resolve_by = models.DateField(_("resolve by"))
    state = models.CharField(
        _("state"), max_length=20, choices=DemandState.choices, default=DemandState.REGISTERED
    )
    level = models.CharField(
        _("handled at"), max_length=10, choices=DemandLevel.choices, default=DemandLevel.VILLAGE
    )
    resolution = models.TextField(_("how it was resolved"), blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"),
        null=True,
        blank=True,
        choices=[(n, str(n)) for n in range(1, 6)],
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    times_reopened = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="absorbed",
    )

    # Evidence of a resolved demand: photos (with where they were taken) and documents.
    attachments = Attachable(position=True)

    class Meta(DeadlineFields.Meta, RegionalModel.Meta):
        ordering = ["-registered_on", "-pk"]
        verbose_name = _("demand")
        verbose_name_plural = _("demands")
        permissions = [
            ("escalate_demand", "Can escalate a demand"),
            ("take_over_demand", "Can take over an escalated demand"),
        ]
        indexes = [
            models.Index(fields=["deadline_status", "due_on"], name="demand_deadline"),
            models.Index(fields=["sweep_on"], name="demand_sweep"),
            # The list's sorts (lists.py), within a scope's range of region codes.
            models.Index(fields=["region_code", "registered_on", "id"], name="demand_registered"),
            models.Index(fields=["region_code", "resolve_by", "id"], name="demand_resolve_by"),
            models.Index(fields=["assignee", "state"], name="demand_assignee"),
            models.Index(fields=["state", "level", "region_code"], name="demand_escalated"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("demands:demand", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class DemandRollup(models.Model):
    """Figures of one village, category and year, kept by the services (DESIGN "Scale").

    Township and county statistics sum these rows instead of counting raw demands per request.
    ``overdue`` counts the open demands the deadline sweep has marked overdue: it goes up with
    the sweep's mark (``deadline_reached``) and down when an overdue demand is escalated (a new
    period), resolved, rejected or merged.
    ``resolve_days`` is a histogram {days: count} of the days from registration to resolution of
    the demands currently resolved or confirmed, from which the median is exact.
    """

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(max_length=15, db_index=True)
    category = models.ForeignKey(DemandCategory, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    registered = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    merged = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    confirmed = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    # Open demands the sweep marked overdue (it marks them the day after their deadline).
    overdue = models.IntegerField(default=0)
    satisfaction_sum = models.PositiveIntegerField(default=0)
    resolve_days = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "category", "year"], name="one_demand_rollup"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.category_id} {self.year}"
