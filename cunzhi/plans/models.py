"""Work plans (工作计划): the village's annual plan, its objectives under the first secretary's
roles, tasks with owners and time nodes, and rectification ledgers (整改台账) closed off with
evidence ("rectify one, pin one", 整改一项、销号一项).

Seed 000: write a work plan with time nodes and carry it out item by item.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cunzhi.core.attachments.models import Attachable
from cunzhi.core.models import RegionalModel
from cunzhi.core.workflow import DeadlineFields


class SecretaryRole(models.TextChoices):
    """The first secretary's roles named in seed 000."""

    PARTY_BUILDING = "party_building", _("Party-building instructor")  # 党建指导员
    PETITION_AGENT = "petition_agent", _("Agent for villagers' petitions")  # 村民信访代理人
    ECONOMY = "economy", _("Guide of economic development")  # 经济发展引导员
    EDUCATOR = "educator", _("Educator of farmers")  # 农民教育培训员
    BRANCH_SECRETARY = "branch_secretary", _("Branch secretary")  # 支部书记


class Duty(models.TextChoices):
    """The four duties of a first secretary (DOMAIN.md §1)."""

    ORGANISATION = "organisation", _("Strengthen the party organisation")  # 建强基层组织
    PROSPERITY = "prosperity", _("Promote prosperity")  # 推动乡村振兴
    GOVERNANCE = "governance", _("Raise the level of governance")  # 提升治理水平
    SERVICE = "service", _("Serve the people")  # 为民办事服务


class Plan(RegionalModel):
    """A village's work plan for a year; ``region`` is the village."""

    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=100)

    class Meta(RegionalModel.Meta):
        ordering = ["-year", "region_code"]
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="one_plan_per_village_year")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:plan", args=[self.pk])


class Objective(RegionalModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="objectives")
    role = models.CharField(_("role"), max_length=20, choices=SecretaryRole.choices)
    duty = models.CharField(_("duty"), max_length=20, choices=Duty.choices)
    title = models.CharField(_("objective"), max_length=200)

    class Meta(RegionalModel.Meta):
        ordering = ["plan", "role", "pk"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")

    def __str__(self) -> str:
        return self.title


class TaskStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class Task(RegionalModel):
    """A task of the plan with its time node (时间节点): the day it is due."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    objective = models.ForeignKey(
        Objective,
        verbose_name=_("objective"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    title = models.CharField(_("task"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField(_("time node"))
    status = models.CharField(
        _("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.PLANNED
    )
    progress = models.TextField(_("latest progress"), blank=True)

    # Evidence of progress: photos, minutes, receipts.
    attachments = Attachable(position=True)

    class Meta(RegionalModel.Meta):
        ordering = ["due_on", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [models.Index(fields=["plan", "due_on"], name="task_board")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:task", args=[self.pk])


class LedgerState(models.TextChoices):
    OPEN = "open", _("Being rectified")  # 整改中
    CLOSED = "closed", _("Closed off")  # 已销号
    SIGNED_OFF = "signed_off", _("Signed off")  # 已验收


class LedgerItem(DeadlineFields, RegionalModel):
    """One line of a rectification ledger (整改台账): a problem, its measure, who, by when."""

    problem = models.CharField(_("problem"), max_length=200)
    measure = models.TextField(_("measure"))
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline_on = models.DateField(_("deadline"))
    state = models.CharField(
        _("state"), max_length=20, choices=LedgerState.choices, default=LedgerState.OPEN
    )
    closing_note = models.TextField(_("how it was rectified"), blank=True)

    # Evidence that the problem was rectified (销号 requires it).
    attachments = Attachable(position=True)

    class Meta(DeadlineFields.Meta, RegionalModel.Meta):
        ordering = ["state", "deadline_on", "pk"]
        verbose_name = _("rectification item")
        verbose_name_plural = _("rectification items")
        indexes = [
            models.Index(fields=["deadline_status", "due_on"], name="ledger_deadline"),
            models.Index(fields=["sweep_on"], name="ledger_sweep"),
        ]

    def __str__(self) -> str:
        return self.problem

    def get_absolute_url(self) -> str:
        return reverse("plans:ledgeritem", args=[self.pk])
