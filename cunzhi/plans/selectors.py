"""Reads of plans, tasks and the rectification ledger, all through ``for_user`` (DESIGN rule 2).

Each returns a queryset ready for its page (``select_related`` as the page needs) or plain data
computed by the database in one query: the board groups a plan's tasks by month in Python from
one query, the township's progress counts every village's ledger in one grouped query.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from cunzhi.core.regioncodes import Level, parent_code
from cunzhi.core.scoping import code_in_prefixes
from cunzhi.core.workflow import DeadlineStatus, deadline_q
from cunzhi.core.workflow.fields import RUNNING
from cunzhi.plans.models import (
    Milestone,
    Objective,
    Plan,
    ProgressNote,
    Rectification,
    RectificationState,
    SecretaryRole,
    Task,
    TaskStatus,
)
from cunzhi.regions.models import Region


def overdue_q(today: datetime.date) -> Q:
    """Running past its time limit as of ``today``, from the stored dates (an index range)."""
    return deadline_q(DeadlineStatus.OVERDUE, today)


def status_of(record: Task | Rectification, today: datetime.date | None = None) -> str:
    """One record's state, or "overdue" when its time limit has passed (as ``task_status``)."""
    today = today or timezone.localdate()
    running = record.deadline_status in RUNNING
    if running and record.due_on is not None and record.due_on < today:
        return TaskStatus.OVERDUE
    return str(record.state)


def task_status(today: datetime.date) -> Case:
    """An annotation: the task's state, or "overdue" when its time limit has passed."""
    return Case(
        When(overdue_q(today), then=Value(TaskStatus.OVERDUE.value)),
        default="state",
        output_field=CharField(),
    )


def plan_list(user: Any, village: Region) -> QuerySet[Plan]:
    return Plan.objects.for_user(user, "view").filter(region=village).order_by("-year")


def plan_get(user: Any, pk: int, action: str = "view") -> Plan:
    from cunzhi.core.scoping import get_in_scope

    return get_in_scope(Plan.objects.select_related("region"), user, action, pk=pk)


@dataclass
class RoleObjectives:
    role: str
    label: str
    objectives: list[Objective] = field(default_factory=list)


def objectives_by_role(user: Any, plan: Plan) -> list[RoleObjectives]:
    """The plan's objectives under each of the five roles, in the roles' order (one query)."""
    groups = {value: RoleObjectives(value, str(label)) for value, label in SecretaryRole.choices}
    objectives = Objective.objects.for_user(user, "view").filter(plan=plan).order_by("pk")
    for objective in objectives.annotate(task_count=Count("tasks")):
        groups[objective.role].objectives.append(objective)
    return list(groups.values())


@dataclass(frozen=True)
class Card:
    """A task as the board shows it."""

    pk: int
    title: str
    planned_end: datetime.date
    status: str
    status_label: str
    owner_name: str
    url: str


@dataclass
class BoardMonth:
    month: int
    tasks: list[Card] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class Board:
    months: list[BoardMonth]
    totals: dict[str, int]
    # (status, its label, how many tasks have it), for the filter links.
    statuses: list[tuple[str, str, int]] = field(default_factory=list)


BOARD_FIELDS = ("pk", "title", "planned_end", "status", "owner__full_name", "owner__username")


def plan_board(
    user: Any, plan: Plan, *, status: str = "", today: datetime.date | None = None
) -> Board:
    """挂图作战: the plan's tasks as cards in the month of their planned end, with counts by
    status per month and for the year, from one query whatever the number of tasks.

    The query reads only what a card shows, as values: building 500 model instances with their
    owners took twice the time of the rest of the page (benchmarks/bench_plans.py).
    """
    today = today or timezone.localdate()
    rows = (
        Task.objects.for_user(user, "view")
        .filter(plan=plan)
        .annotate(status=task_status(today))
        .order_by("planned_end", "pk")
        .values_list(*BOARD_FIELDS)
    )
    months = {m: BoardMonth(m, counts=dict.fromkeys(TaskStatus.values, 0)) for m in range(1, 13)}
    totals = dict.fromkeys(TaskStatus.values, 0)
    labels = {value: str(label) for value, label in TaskStatus.choices}
    url = reverse("plans:task", args=[0]).removesuffix("0/")
    for pk, title, planned_end, shown, full_name, username in rows:
        month = months[planned_end.month]
        month.counts[shown] += 1
        totals[shown] += 1
        if not status or shown == status:
            month.tasks.append(
                Card(
                    pk,
                    title,
                    planned_end,
                    shown,
                    labels[shown],
                    full_name or username,
                    f"{url}{pk}/",
                )
            )
    return Board(
        months=list(months.values()),
        totals=totals,
        statuses=[(value, labels[value], totals[value]) for value in TaskStatus.values],
    )


def task_get(user: Any, pk: int, action: str = "view") -> Task:
    from cunzhi.core.scoping import get_in_scope

    return get_in_scope(
        Task.objects.select_related("plan", "objective", "owner", "region"), user, action, pk=pk
    )


def task_milestones(user: Any, task: Task) -> QuerySet[Milestone]:
    return Milestone.objects.for_user(user, "view").filter(task=task).order_by("due_on", "pk")


def task_notes(user: Any, task: Task) -> QuerySet[ProgressNote]:
    return (
        ProgressNote.objects.for_user(user, "view")
        .filter(task=task)
        .select_related("written_by")
        .order_by("-written_on", "-pk")
    )


def village_tasks(user: Any, village: Region, today: datetime.date | None = None) -> QuerySet[Task]:
    today = today or timezone.localdate()
    return (
        Task.objects.for_user(user, "view")
        .filter(region_code=village.code)
        .select_related("owner", "plan")
        .annotate(status=task_status(today))
    )


def village_rectifications(
    user: Any, village: Region, today: datetime.date | None = None
) -> QuerySet[Rectification]:
    today = today or timezone.localdate()
    return (
        Rectification.objects.for_user(user, "view")
        .filter(region_code=village.code)
        .select_related("responsible")
        .annotate(overdue=Case(When(overdue_q(today), then=Value(True)), default=Value(False)))
    )


def rectification_get(user: Any, pk: int, action: str = "view") -> Rectification:
    from cunzhi.core.scoping import get_in_scope

    return get_in_scope(
        Rectification.objects.select_related("region", "responsible", "signed_off_by"),
        user,
        action,
        pk=pk,
    )


def people_of_village(village: Region) -> QuerySet[Any]:
    """Who may own a task or answer for a rectification: people with an active post that keeps
    this village's plan (its cadres and work team, its township, its county)."""
    from cunzhi.accounts.models import Post, User
    from cunzhi.accounts.permissions import ROLE_PERMISSIONS

    roles = [role for role, granted in ROLE_PERMISSIONS.items() if "plans.change_task" in granted]
    codes = [village.code]
    code = village.parent_code
    while code:
        codes.append(code)
        code = parent_code(code)
    posts = Post.objects.active().filter(role__in=roles, region_code__in=codes)
    return User.objects.filter(pk__in=posts.values("user_id"), is_active=True).order_by(
        "full_name", "pk"
    )


@dataclass(frozen=True)
class VillageProgress:
    code: str
    name: str
    township: str
    total: int
    closed: int
    overdue: int
    tasks_overdue: int

    @property
    def closed_percent(self) -> int | None:
        return round(100 * self.closed / self.total) if self.total else None


def rectification_progress(
    user: Any, region: Region, today: datetime.date | None = None, *, year: int | None = None
) -> list[VillageProgress]:
    """Each village under ``region``: its ledger's items, the share closed off, the overdue
    items and overdue tasks, in ONE query (a grouped count over the villages in scope).

    With ``year``, only the items whose time limit falls in that year, and that year's tasks.
    """
    today = today or timezone.localdate()
    rect = Rectification.objects.for_user(user, "view").filter(region=OuterRef("pk"))
    tasks = Task.objects.for_user(user, "view").filter(region=OuterRef("pk"))
    if year is not None:
        first, after = datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
        rect = rect.filter(deadline_on__gte=first, deadline_on__lt=after)
        tasks = tasks.filter(planned_end__gte=first, planned_end__lt=after)
    villages = (
        Region.objects.for_user(user, "view")
        .filter(code_in_prefixes("code", [region.prefix]), level=Level.VILLAGE)
        .annotate(
            total=_count(rect),
            closed=_count(rect.filter(state=RectificationState.CLOSED)),
            overdue=_count(rect.filter(overdue_q(today))),
            tasks_overdue=_count(tasks.filter(overdue_q(today))),
            township=Subquery(Region.objects.filter(pk=OuterRef("parent_id")).values("name")[:1]),
        )
        .order_by("code")
    )
    fields = ("code", "name", "township", "total", "closed", "overdue", "tasks_overdue")
    return [
        VillageProgress(**{**row, "township": row["township"] or ""})
        for row in villages.values(*fields)
    ]


def _count(queryset: QuerySet[Any]) -> Any:
    counted = queryset.order_by().values("region").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)
