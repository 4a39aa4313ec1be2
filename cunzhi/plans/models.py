"""Work plans (工作计划): the village's annual plan, its objectives and tasks, and the
rectification ledger (整改台账).

A plan is one per village and year; its objectives sit under the first secretary's five roles
(第一书记"五大员", seed 000) and the four duties (四项职责, DOMAIN.md §1); tasks carry an owner and
time nodes (planned start and end, milestones). Overdue is not a state anyone sets: a task or a
rectification stores its due date and deadline status (``core.workflow.DeadlineFields``), and
lists read "overdue" from the dates in SQL (``deadline_q``), on the (deadline_status, due_on)
index.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cunzhi.core.attachments.models import Attachable
from cunzhi.core.models import RegionalModel
from cunzhi.core.workflow import DeadlineFields


class SecretaryRole(models.TextChoices):
    """The first secretary's five roles (五大员)."""

    PARTY_BUILDING = "party_building", _("Party-building instructor")  # 党建指导员
    PETITION_AGENT = "petition_agent", _("Petition agent")  # 群众信访代理员
    ECONOMIC_GUIDE = "economic_guide", _("Economic-development guide")  # 经济发展引导员
    FARMER_EDUCATOR = "farmer_educator", _("Farmer educator")  # 农民教育辅导员
    BRANCH_SECRETARY = "branch_secretary", _("Branch secretary")  # 支部书记


class Duty(models.TextChoices):
    """The first secretary's four duties (四项职责)."""

    STRENGTHEN_PARTY = (
        "strengthen_party",
        _("Strengthen the village party organization"),
    )  # 建强村党组织
    PROSPERITY = "prosperity", _("Promote prosperity")  # 推进强村富民
    GOVERNANCE = "governance", _("Raise the level of governance")  # 提升治理水平
    SERVE_PEOPLE = "serve_people", _("Serve the people")  # 为民办事服务


class PlanState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("plan state", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("plan state", "Submitted to the township")
    APPROVED = "approved", pgettext_lazy("plan state", "Approved")


class Plan(RegionalModel):
    """A village's annual work plan (年度工作计划)."""

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("title"), max_length=100, blank=True)
    summary = models.TextField(_("summary"), blank=True, max_length=4000)
    state = models.CharField(
        _("status"), max_length=10, choices=PlanState.choices, default=PlanState.DRAFT
    )

    class Meta(RegionalModel.Meta):
        ordering = ["region_code", "-year"]
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        permissions = [("approve_plan", "Can approve a village's work plan")]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="plans_one_plan_a_year")
        ]

    def __str__(self) -> str:
        return self.title or _("%(year)s work plan") % {"year": self.year}

    def get_absolute_url(self) -> str:
        return reverse("plans:plan", args=[self.pk])


class Objective(RegionalModel):
    """A work objective of the plan under one of the roles and one of the duties (工作目标)."""

    plan = models.ForeignKey(
        Plan,
        verbose_name=_("work plan"),
        on_delete=models.CASCADE,
        related_name="objectives",
        editable=False,
    )
    role = models.CharField(_("role"), max_length=20, choices=SecretaryRole.choices)
    duty = models.CharField(_("duty"), max_length=20, choices=Duty.choices)
    title = models.CharField(_("objective"), max_length=200)
    target = models.TextField(_("measure of success"), blank=True, max_length=2000)

    class Meta(RegionalModel.Meta):
        ordering = ["plan", "role", "pk"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:plan", args=[self.plan_id]) + f"#objective-{self.pk}"


class TaskState(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class TaskStatus(models.TextChoices):
    """What a list shows and filters by: the state, with "overdue" read from the dates."""

    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    OVERDUE = "overdue", _("Overdue")


class Task(DeadlineFields, RegionalModel):
    """A task of the plan with an owner and time nodes (任务, 时间节点)."""

    plan = models.ForeignKey(
        Plan,
        verbose_name=_("work plan"),
        on_delete=models.CASCADE,
        related_name="tasks",
        editable=False,
    )
    objective = models.ForeignKey(
        Objective,
        verbose_name=_("objective"),
        on_delete=models.PROTECT,
        related_name="tasks",
        editable=False,
    )
    title = models.CharField(_("task"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    state = models.CharField(
        _("status"), max_length=12, choices=TaskState.choices, default=TaskState.NOT_STARTED
    )

    # Photos and documents of the work itself (core.attachments); progress notes carry their own.
    attachments = Attachable(position=True)

    class Meta(DeadlineFields.Meta, RegionalModel.Meta):
        ordering = ["planned_end", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            *DeadlineFields.Meta.indexes,
            # The board and the lists: a plan's tasks by their end date.
            models.Index(fields=["plan", "planned_end", "id"], name="plans_task_by_end"),
            models.Index(fields=["region_code", "planned_end", "id"], name="plans_task_region_end"),
            models.Index(fields=["owner", "state"], name="plans_task_owner_state"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_start__lte=models.F("planned_end")),
                name="plans_task_start_before_end",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:task", args=[self.pk])


class Milestone(RegionalModel):
    """A time node inside a task (节点): what should stand by a date, and when it did."""

    task = models.ForeignKey(
        Task,
        verbose_name=_("task"),
        on_delete=models.CASCADE,
        related_name="milestones",
        editable=False,
    )
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("planned date"))
    reached_on = models.DateField(_("reached on"), null=True, blank=True)

    class Meta(RegionalModel.Meta):
        ordering = ["task", "due_on", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:task", args=[self.task_id])


class ProgressNote(RegionalModel):
    """A note of progress on a task, with its evidence (进展情况, 佐证材料)."""

    task = models.ForeignKey(
        Task,
        verbose_name=_("task"),
        on_delete=models.CASCADE,
        related_name="notes",
        editable=False,
    )
    text = models.TextField(_("progress"), max_length=4000)
    written_on = models.DateField(_("date"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    attachments = Attachable(position=True)

    class Meta(RegionalModel.Meta):
        ordering = ["task", "-written_on", "-pk"]
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")

    def __str__(self) -> str:
        return self.text[:40]

    def get_absolute_url(self) -> str:
        return reverse("plans:task", args=[self.task_id]) + f"#note-{self.pk}"


class RectificationSource(models.TextChoices):
    INSPECTION = "inspection", _("Inspection tour")  # 巡察
    SUPERVISION = "supervision", _("Supervision")  # 督查
    AUDIT = "audit", _("Audit")  # 审计
    ASSESSMENT = "assessment", _("Assessment")  # 考核
    SELF_CHECK = "self_check", _("Self-check")  # 自查
    VILLAGERS = "villagers", _("Raised by villagers")  # 群众反映
    OTHER = "other", _("Other")


class RectificationState(models.TextChoices):
    OPEN = "open", _("To rectify")  # 待整改
    IN_PROGRESS = "in_progress", _("Rectifying")  # 整改中
    CLOSED = "closed", _("Closed off")  # 已销号


class Rectification(DeadlineFields, RegionalModel):
    """An item of the rectification ledger (整改台账): "rectify one, pin one" (整改一项、销号一项).

    It is closed off (销号) only with evidence and by someone other than the person responsible
    (plans.workflows).
    """

    problem = models.TextField(_("problem"), max_length=4000)
    source = models.CharField(
        pgettext_lazy("rectification", "source"),
        max_length=12,
        choices=RectificationSource.choices,
    )
    measure = models.TextField(_("measure"), max_length=4000)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline_on = models.DateField(_("time limit"))
    state = models.CharField(
        _("status"),
        max_length=12,
        choices=RectificationState.choices,
        default=RectificationState.OPEN,
    )
    result = models.TextField(_("result of the rectification"), blank=True, max_length=4000)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed off by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    closed_on = models.DateField(_("closed off on"), null=True, blank=True)

    attachments = Attachable(position=True)

    class Meta(DeadlineFields.Meta, RegionalModel.Meta):
        ordering = ["deadline_on", "pk"]
        verbose_name = _("rectification item")
        verbose_name_plural = _("rectification items")
        permissions = [("signoff_rectification", "Can close off a rectification item")]
        indexes = [
            *DeadlineFields.Meta.indexes,
            models.Index(
                fields=["region_code", "deadline_on", "id"], name="plans_rect_region_deadline"
            ),
            models.Index(fields=["region", "state"], name="plans_rect_region_state"),
            models.Index(fields=["responsible", "state"], name="plans_rect_resp_state"),
        ]

    def __str__(self) -> str:
        return self.problem[:40]

    def get_absolute_url(self) -> str:
        return reverse("plans:rectification", args=[self.pk])
