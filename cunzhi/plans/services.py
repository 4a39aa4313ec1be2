"""Writes of plans: the plan, its objectives and tasks, progress with evidence, and the
rectification ledger. Atomic, scoped, validated and audited (DESIGN rule 3)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from cunzhi.core.attachments.services import attachment_add
from cunzhi.core.scoping import has_permission_at
from cunzhi.core.workflow import deadlines, engine
from cunzhi.core.writes import create_audited, update_audited
from cunzhi.plans.models import LedgerItem, Objective, Plan, Task, TaskStatus
from cunzhi.plans.workflows import LEDGER_WORKFLOW
from cunzhi.regions.models import Region


def _village(region: Region) -> None:
    if not region.is_village:
        raise ValidationError({"village": [_("A work plan belongs to a village.")]})


def _person_of(person: Any, region_code: str, field: str) -> None:
    if not has_permission_at(person, "plans.change_task", region_code):
        raise ValidationError({field: [_("This person does not work on the village's plan.")]})


def plan_create(*, actor: Any, village: Region, year: int, title: str) -> Plan:
    _village(village)
    if Plan.objects.filter(region=village, year=year).exists():
        raise ValidationError({"year": [_("The village already has a plan for this year.")]})
    with transaction.atomic():
        return create_audited(
            actor=actor,
            obj=Plan(region=village, year=year, title=title),
            action="plans.plan_create",
        )


def objective_add(*, actor: Any, plan: Plan, role: str, duty: str, title: str) -> Objective:
    objective = Objective(region=plan.region, plan=plan, role=role, duty=duty, title=title)
    with transaction.atomic():
        return create_audited(actor=actor, obj=objective, action="plans.objective_add")


def task_create(
    *,
    actor: Any,
    plan: Plan,
    title: str,
    owner: Any,
    due_on: datetime.date,
    objective: Objective | None = None,
) -> Task:
    """A task of the plan with its time node, which falls in the plan's year."""
    if due_on.year != plan.year:
        raise ValidationError({"due_on": [_("The time node falls in the plan's year.")]})
    if objective is not None and objective.plan_id != plan.pk:
        raise ValidationError({"objective": [_("The objective is of another plan.")]})
    _person_of(owner, plan.region_code, "owner")
    task = Task(
        region=plan.region, plan=plan, objective=objective, title=title, owner=owner, due_on=due_on
    )
    with transaction.atomic():
        return create_audited(actor=actor, obj=task, action="plans.task_create")


def task_progress(
    *,
    actor: Any,
    task: Task,
    expected_version: int | None,
    status: str,
    progress: str,
    evidence: Any = None,
) -> Task:
    """A progress note on the task, its status, and a photo or document as evidence. A task is
    marked done only with evidence (a file now or one already attached)."""
    from cunzhi.core.attachments.selectors import attachments_of

    if not progress.strip():
        raise ValidationError({"progress": [_("Say what was done.")]})
    if status == TaskStatus.DONE and evidence is None and not attachments_of(task):
        raise ValidationError({"evidence": [_("A task is done only with evidence: add a file.")]})
    with transaction.atomic():
        saved = update_audited(
            actor=actor,
            obj=task,
            changes={"status": status, "progress": progress},
            expected_version=expected_version,
            action="plans.task_progress",
        )
        if evidence is not None:
            attachment_add(actor=actor, obj=saved, upload=evidence, purpose="evidence")
        return saved


def ledgeritem_create(
    *,
    actor: Any,
    village: Region,
    problem: str,
    measure: str,
    responsible: Any,
    deadline_on: datetime.date,
    today: datetime.date | None = None,
) -> LedgerItem:
    """A line of the village's rectification ledger (整改台账)."""
    _village(village)
    _person_of(responsible, village.code, "responsible")
    item = LedgerItem(
        region=village,
        problem=problem,
        measure=measure,
        responsible=responsible,
        deadline_on=deadline_on,
    )
    deadlines.start_deadline(LEDGER_WORKFLOW, item, today)
    with transaction.atomic():
        return create_audited(actor=actor, obj=item, action="plans.ledgeritem_create")


def ledgeritem_transition(
    *,
    actor: Any,
    ledgeritem: LedgerItem,
    name: str,
    expected_version: int | None,
    today: datetime.date | None = None,
    **inputs: Any,
) -> LedgerItem:
    return engine.take(
        workflow=LEDGER_WORKFLOW,
        actor=actor,
        obj=ledgeritem,
        name=name,
        expected_version=expected_version,
        inputs=inputs,
        today=today,
    )
