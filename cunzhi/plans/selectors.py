"""Reads of plans through ``for_user``: the board (tasks by month and status) in two queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from cunzhi.plans.models import LedgerItem, Plan, Task, TaskStatus


@dataclass
class Column:
    status: str
    label: str
    tasks: list[Task] = field(default_factory=list)


@dataclass
class Month:
    number: int
    columns: list[Column]

    @property
    def count(self) -> int:
        return sum(len(column.tasks) for column in self.columns)


def board(user: Any, plan: Plan) -> list[Month]:
    """The plan's tasks by the month of their time node and by status (挂图作战): one query."""
    months = [Month(n, [Column(s.value, str(s.label)) for s in TaskStatus]) for n in range(1, 13)]
    order = [s.value for s in TaskStatus]
    tasks = (
        Task.objects.for_user(user, "view")
        .filter(plan=plan)
        .select_related("owner", "objective")
        .order_by("due_on", "pk")
    )
    for task in tasks:
        months[task.due_on.month - 1].columns[order.index(task.status)].tasks.append(task)
    return months


def ledger(user: Any, village: Any) -> QuerySet[LedgerItem]:
    return (
        LedgerItem.objects.for_user(user, "view")
        .filter(region=village)
        .select_related("responsible")
        .order_by("state", "deadline_on", "pk")
    )
