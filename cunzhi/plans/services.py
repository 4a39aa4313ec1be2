"""Writes of work plans, tasks and the rectification ledger (DESIGN rule 3).

Each service runs in a transaction, checks the actor's permission in the record's village
(``core.writes``), validates, writes and records one audit event; an edit names the version it
started from. A task's owner and a rectification's responsible person are told in their inbox
when they are given the work.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cunzhi.core.attachments.services import attachment_add
from cunzhi.core.inbox.services import notify
from cunzhi.core.regioncodes import Level
from cunzhi.core.scoping import has_permission_at
from cunzhi.core.workflow import engine
from cunzhi.core.workflow.deadlines import apply_state_deadline, start_deadline
from cunzhi.core.workflow.fields import RUNNING
from cunzhi.core.writes import create_audited, update_audited
from cunzhi.plans.models import (
    Milestone,
    Objective,
    Plan,
    PlanState,
    ProgressNote,
    Rectification,
    RectificationState,
    Task,
)
from cunzhi.plans.workflows import PLAN_WORKFLOW, RECTIFICATION_WORKFLOW, TASK_WORKFLOW
from cunzhi.regions.models import Region

# Plans


def plan_create(
    *, actor: Any, village: Region, year: int, title: str = "", summary: str = ""
) -> Plan:
    if village.level != Level.VILLAGE:
        raise ValidationError(_("A work plan belongs to a village."), code="not_village")
    with transaction.atomic():
        if Plan.objects.filter(region=village, year=year).exists():
            raise ValidationError(
                {"year": [_("This village already has a plan for %(year)s.") % {"year": year}]},
                code="duplicate",
            )
        plan = Plan(region=village, year=year, title=title, summary=summary)
        return create_audited(actor=actor, obj=plan)


def _while_draft(plan: Plan) -> None:
    if plan.state != PlanState.DRAFT:
        raise ValidationError(
            _("The plan has been submitted: ask the township to return it before changing it."),
            code="not_draft",
        )


def plan_update(*, actor: Any, plan: Plan, expected_version: int | None, **changes: Any) -> Plan:
    with transaction.atomic():
        return update_audited(
            actor=actor,
            obj=plan,
            changes=changes,
            expected_version=expected_version,
            prepare=_while_draft,
        )


def plan_transition(
    *,
    actor: Any,
    plan: Plan,
    name: str,
    expected_version: int | None,
    today: datetime.date | None = None,
    **inputs: Any,
) -> Plan:
    return engine.take(
        workflow=PLAN_WORKFLOW,
        actor=actor,
        obj=plan,
        name=name,
        expected_version=expected_version,
        inputs=inputs,
        today=today,
    )


# Objectives


def objective_add(
    *, actor: Any, plan: Plan, role: str, duty: str, title: str, target: str = ""
) -> Objective:
    with transaction.atomic():
        _while_draft(Plan.objects.select_for_update().get(pk=plan.pk))
        objective = Objective(
            region=plan.region, plan=plan, role=role, duty=duty, title=title, target=target
        )
        return create_audited(actor=actor, obj=objective, action="plans.objective_add")


def objective_update(
    *, actor: Any, objective: Objective, expected_version: int | None, **changes: Any
) -> Objective:
    with transaction.atomic():
        _while_draft(objective.plan)
        return update_audited(
            actor=actor, obj=objective, changes=changes, expected_version=expected_version
        )


# Tasks


def _check_owner(owner: Any, region_code: str, field: str) -> None:
    if owner is None or not has_permission_at(owner, "plans.change_task", region_code):
        raise ValidationError(
            {field: [_("Choose someone who works on this village's plan.")]}, code="owner"
        )


def _check_task_dates(task: Task) -> None:
    errors: dict[str, list[Any]] = {}
    if task.planned_start and task.planned_end and task.planned_start > task.planned_end:
        errors["planned_end"] = [_("The planned end is before the planned start.")]
    if task.planned_end and task.planned_end.year != task.plan.year:
        errors["planned_end"] = [
            _("The planned end must fall in %(year)s, the plan's year.") % {"year": task.plan.year}
        ]
    if errors:
        raise ValidationError(errors)


def _tell_owner(task: Task) -> None:
    notify(
        recipients=[task.owner],
        message=_("A task of the work plan is yours: %(title)s, due %(due)s")
        % {"title": task.title, "due": task.planned_end.isoformat()},
        obj=task,
        verb="assigned",
    )


def task_create(
    *,
    actor: Any,
    objective: Objective,
    title: str,
    owner: Any,
    planned_start: datetime.date,
    planned_end: datetime.date,
    description: str = "",
    today: datetime.date | None = None,
) -> Task:
    task = Task(
        region=objective.region,
        plan=objective.plan,
        objective=objective,
        title=title,
        description=description,
        owner=owner,
        planned_start=planned_start,
        planned_end=planned_end,
    )
    _check_owner(owner, objective.region.code, "owner")
    _check_task_dates(task)
    start_deadline(TASK_WORKFLOW, task, today)
    with transaction.atomic():
        task = create_audited(actor=actor, obj=task)
        _tell_owner(task)
        return task


def task_update(
    *,
    actor: Any,
    task: Task,
    expected_version: int | None,
    today: datetime.date | None = None,
    **changes: Any,
) -> Task:
    today = today or timezone.localdate()
    owner_before = task.owner_id

    def prepare(current: Task) -> None:
        _check_owner(current.owner, current.region_code, "owner")
        _check_task_dates(current)
        if current.deadline_status in RUNNING:
            # The time limit follows the planned end.
            apply_state_deadline(current, current.state, today, TASK_WORKFLOW.deadlines)

    with transaction.atomic():
        saved = update_audited(
            actor=actor,
            obj=task,
            changes=changes,
            expected_version=expected_version,
            prepare=prepare,
        )
        if saved.owner_id != owner_before:
            _tell_owner(saved)
        return saved


def task_transition(
    *,
    actor: Any,
    task: Task,
    name: str,
    expected_version: int | None,
    today: datetime.date | None = None,
    **inputs: Any,
) -> Task:
    return engine.take(
        workflow=TASK_WORKFLOW,
        actor=actor,
        obj=task,
        name=name,
        expected_version=expected_version,
        inputs=inputs,
        today=today,
    )


def milestone_add(*, actor: Any, task: Task, title: str, due_on: datetime.date) -> Milestone:
    milestone = Milestone(region=task.region, task=task, title=title, due_on=due_on)
    with transaction.atomic():
        return create_audited(actor=actor, obj=milestone, action="plans.milestone_add")


def milestone_reach(
    *,
    actor: Any,
    milestone: Milestone,
    reached_on: datetime.date,
    expected_version: int | None,
) -> Milestone:
    if reached_on > timezone.localdate():
        raise ValidationError(
            {"reached_on": [_("A milestone cannot be reached in the future.")]}, code="future"
        )
    with transaction.atomic():
        return update_audited(
            actor=actor,
            obj=milestone,
            changes={"reached_on": reached_on},
            expected_version=expected_version,
            action="plans.milestone_reach",
        )


def progress_note_add(
    *,
    actor: Any,
    task: Task,
    text: str,
    written_on: datetime.date | None = None,
    evidence: Any = None,
) -> ProgressNote:
    """A progress note, with an evidence photo or document stored with it (core.attachments)."""
    note = ProgressNote(
        region=task.region,
        task=task,
        text=text,
        written_on=written_on or timezone.localdate(),
        written_by=actor,
    )
    with transaction.atomic():
        note = create_audited(actor=actor, obj=note, action="plans.progress_note_add")
        if evidence is not None:
            attachment_add(actor=actor, obj=note, upload=evidence, purpose="evidence")
        return note


# The rectification ledger


def _tell_responsible(item: Rectification) -> None:
    notify(
        recipients=[item.responsible],
        message=_("A rectification is yours to carry out by %(due)s: %(problem)s")
        % {"due": item.deadline_on.isoformat(), "problem": str(item)},
        obj=item,
        verb="assigned",
    )


def rectification_create(
    *,
    actor: Any,
    village: Region,
    problem: str,
    source: str,
    measure: str,
    responsible: Any,
    deadline_on: datetime.date,
    today: datetime.date | None = None,
) -> Rectification:
    if village.level != Level.VILLAGE:
        raise ValidationError(_("A rectification ledger belongs to a village."), code="village")
    _check_owner(responsible, village.code, "responsible")
    item = Rectification(
        region=village,
        problem=problem,
        source=source,
        measure=measure,
        responsible=responsible,
        deadline_on=deadline_on,
    )
    start_deadline(RECTIFICATION_WORKFLOW, item, today)
    with transaction.atomic():
        item = create_audited(actor=actor, obj=item)
        _tell_responsible(item)
        return item


# What an edit may change; the result and the sign-off belong to closing off.
RECTIFICATION_EDITABLE = {"problem", "source", "measure", "responsible", "deadline_on"}


def rectification_update(
    *,
    actor: Any,
    rectification: Rectification,
    expected_version: int | None,
    today: datetime.date | None = None,
    **changes: Any,
) -> Rectification:
    unknown = set(changes) - RECTIFICATION_EDITABLE
    if unknown:
        raise ValueError(f"not editable here: {', '.join(sorted(unknown))}")
    today = today or timezone.localdate()
    responsible_before = rectification.responsible_id

    def prepare(current: Rectification) -> None:
        if current.state == RectificationState.CLOSED:
            raise ValidationError(
                _("This item is closed off: reopen it before changing it."), code="closed"
            )
        _check_owner(current.responsible, current.region_code, "responsible")
        if current.deadline_status in RUNNING:
            apply_state_deadline(current, current.state, today, RECTIFICATION_WORKFLOW.deadlines)

    with transaction.atomic():
        saved = update_audited(
            actor=actor,
            obj=rectification,
            changes=changes,
            expected_version=expected_version,
            prepare=prepare,
        )
        if saved.responsible_id != responsible_before:
            _tell_responsible(saved)
        return saved


def rectification_transition(
    *,
    actor: Any,
    rectification: Rectification,
    name: str,
    expected_version: int | None,
    today: datetime.date | None = None,
    **inputs: Any,
) -> Rectification:
    return engine.take(
        workflow=RECTIFICATION_WORKFLOW,
        actor=actor,
        obj=rectification,
        name=name,
        expected_version=expected_version,
        inputs=inputs,
        today=today,
    )
