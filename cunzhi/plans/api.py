"""Plans, objectives, tasks and the rectification ledger over JSON (DESIGN rule 8).

The same selectors and services as the pages; each record's GET answers with its version in
``ETag`` and each edit names the version it started from. The three workflows have the kit's
``GET /{things}/{id}/transitions`` and ``POST /{things}/{id}/transitions/{name}``; a progress
note's evidence goes through ``POST /api/v1/attachments`` on ``plans.progressnote:<id>``.
"""

# No "from __future__ import annotations": Ninja reads the handlers' annotations at runtime.
import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from cunzhi.core.api import (
    EDIT_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    InputSchema,
    Pagination,
    RecordId,
    VersionedInput,
    VersionedPatch,
    actor,
    edit_of,
    label_of,
    with_etag,
)
from cunzhi.core.lists import api_rows, filter_schema
from cunzhi.core.scoping import get_in_scope
from cunzhi.core.workflow.api import add_transition_routes
from cunzhi.plans import selectors, services
from cunzhi.plans.lists import RECTIFICATIONS, TASKS
from cunzhi.plans.models import (
    Duty,
    Milestone,
    Objective,
    Plan,
    PlanState,
    ProgressNote,
    Rectification,
    RectificationSource,
    RectificationState,
    SecretaryRole,
    Task,
    TaskStatus,
)
from cunzhi.regions.models import Region
from cunzhi.regions.selectors import region_get

router = Router(tags=["plans"])


def _village(request: HttpRequest, code: str) -> Region:
    region = region_get(actor(request), code)
    if not region.is_village:
        raise Http404
    return region


def _person(user_id: int | None) -> Any:
    """The user named by id, or None (the service then says whom to choose)."""
    from cunzhi.accounts.models import User

    return User.objects.filter(pk=user_id).first() if user_id is not None else None


# Plans and objectives


class ObjectiveOut(Schema):
    id: int
    role: str
    role_label: str
    duty: str
    duty_label: str
    title: str
    target: str
    version: int

    @staticmethod
    def resolve_role_label(objective: Objective) -> str:
        return label_of(SecretaryRole, objective.role)

    @staticmethod
    def resolve_duty_label(objective: Objective) -> str:
        return label_of(Duty, objective.duty)


class PlanOut(Schema):
    id: int
    region_code: str
    year: int
    title: str
    summary: str
    state: str
    state_label: str
    version: int

    @staticmethod
    def resolve_state_label(plan: Plan) -> str:
        return label_of(PlanState, plan.state)


class PlanDetailOut(PlanOut):
    objectives: list[ObjectiveOut]

    @staticmethod
    def resolve_objectives(plan: Plan) -> list[Objective]:
        return list(plan.objectives.order_by("pk"))


class PlanIn(InputSchema):
    year: int = Field(..., ge=2000, le=2100)
    title: str = Field("", max_length=100)
    summary: str = Field("", max_length=4000)


class PlanPatch(VersionedPatch):
    title: str | None = Field(None, max_length=100)
    summary: str | None = Field(None, max_length=4000)


class ObjectiveIn(InputSchema):
    role: SecretaryRole
    duty: Duty
    title: str = Field(..., min_length=1, max_length=200)
    target: str = Field("", max_length=2000)


class ObjectivePatch(VersionedPatch):
    role: SecretaryRole | None = None
    duty: Duty | None = None
    title: str | None = Field(None, min_length=1, max_length=200)
    target: str | None = Field(None, max_length=2000)


@router.get(
    "/villages/{code}/plans",
    response={200: list[PlanOut], **READ_ERRORS},
    summary="A village's work plans, newest year first",
)
@paginate(Pagination)
def plan_list_endpoint(request: HttpRequest, code: str) -> QuerySet[Plan]:
    return selectors.plan_list(actor(request), _village(request, code))


@router.post(
    "/villages/{code}/plans",
    response={201: PlanDetailOut, **WRITE_ERRORS},
    summary="Draw up a village's plan for a year",
)
def plan_create_endpoint(request: HttpRequest, code: str, payload: PlanIn) -> Status[Plan]:
    plan = services.plan_create(
        actor=actor(request), village=_village(request, code), **payload.model_dump()
    )
    return Status(201, plan)


@router.get("/plans/{plan_id}", response={200: PlanDetailOut, **READ_ERRORS}, summary="One plan")
def plan_detail(request: HttpRequest, plan_id: int, response: HttpResponse) -> Plan:
    return with_etag(response, selectors.plan_get(actor(request), plan_id))


@router.patch(
    "/plans/{plan_id}", response={200: PlanDetailOut, **EDIT_ERRORS}, summary="Change a plan"
)
def plan_update_endpoint(
    request: HttpRequest, plan_id: RecordId, payload: PlanPatch, response: HttpResponse
) -> Plan:
    plan = selectors.plan_get(actor(request), plan_id, "change")
    changes, version = edit_of(request, payload)
    saved = services.plan_update(
        actor=actor(request), plan=plan, expected_version=version, **changes
    )
    return with_etag(response, saved)


@router.post(
    "/plans/{plan_id}/objectives",
    response={201: ObjectiveOut, **WRITE_ERRORS},
    summary="Add an objective to a draft plan",
)
def objective_add_endpoint(
    request: HttpRequest, plan_id: RecordId, payload: ObjectiveIn
) -> Status[Objective]:
    plan = selectors.plan_get(actor(request), plan_id)
    objective = services.objective_add(actor=actor(request), plan=plan, **payload.model_dump())
    return Status(201, objective)


@router.patch(
    "/objectives/{objective_id}",
    response={200: ObjectiveOut, **EDIT_ERRORS},
    summary="Change an objective of a draft plan",
)
def objective_update_endpoint(
    request: HttpRequest, objective_id: RecordId, payload: ObjectivePatch, response: HttpResponse
) -> Objective:
    objective = get_in_scope(
        Objective.objects.select_related("plan"), actor(request), "change", pk=objective_id
    )
    changes, version = edit_of(request, payload)
    saved = services.objective_update(
        actor=actor(request), objective=objective, expected_version=version, **changes
    )
    return with_etag(response, saved)


# Tasks


class TaskOut(Schema):
    id: int
    region_code: str
    plan_id: int
    objective_id: int
    title: str
    description: str
    owner_id: int
    owner_name: str
    planned_start: datetime.date
    planned_end: datetime.date
    state: str
    status: str = Field(..., description="The state, or overdue past the planned end.")
    status_label: str
    due_on: datetime.date | None
    version: int

    @staticmethod
    def resolve_owner_name(task: Task) -> str:
        return str(task.owner.full_name or task.owner.username)

    @staticmethod
    def resolve_status(task: Task) -> str:
        return getattr(task, "status", None) or selectors.status_of(task)

    @staticmethod
    def resolve_status_label(task: Task) -> str:
        return label_of(TaskStatus, getattr(task, "status", None) or selectors.status_of(task))


class TaskIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=4000)
    owner: RecordId = Field(..., description="The id of the user who owns the task.")
    planned_start: datetime.date
    planned_end: datetime.date


class TaskPatch(VersionedPatch):
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=4000)
    owner: RecordId | None = None
    planned_start: datetime.date | None = None
    planned_end: datetime.date | None = None


class MilestoneOut(Schema):
    id: int
    task_id: int
    title: str
    due_on: datetime.date
    reached_on: datetime.date | None
    version: int


class MilestoneIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=200)
    due_on: datetime.date


class MilestoneReachIn(VersionedInput):
    reached_on: datetime.date


class NoteOut(Schema):
    id: int
    task_id: int
    text: str
    written_on: datetime.date
    written_by_id: int


class NoteIn(InputSchema):
    text: str = Field(..., min_length=1, max_length=4000)
    written_on: datetime.date | None = None


TaskFilter = filter_schema(TASKS)


@router.get(
    "/villages/{code}/tasks",
    response={200: list[TaskOut], **READ_ERRORS},
    summary="A village's plan tasks, with the task list's filters",
)
@paginate(Pagination)
def task_list_endpoint(
    request: HttpRequest,
    code: str,
    filters: Query[TaskFilter],  # type: ignore[valid-type]
) -> QuerySet[Task]:
    return api_rows(TASKS, actor(request), filters, village=_village(request, code))


@router.post(
    "/objectives/{objective_id}/tasks",
    response={201: TaskOut, **WRITE_ERRORS},
    summary="Add a task under an objective; its owner is told",
)
def task_create_endpoint(
    request: HttpRequest, objective_id: RecordId, payload: TaskIn
) -> Status[Task]:
    objective = get_in_scope(
        Objective.objects.select_related("plan", "region"), actor(request), "view", pk=objective_id
    )
    data = payload.model_dump()
    data["owner"] = _person(data["owner"])
    task = services.task_create(actor=actor(request), objective=objective, **data)
    return Status(201, task)


@router.get("/tasks/{task_id}", response={200: TaskOut, **READ_ERRORS}, summary="One task")
def task_detail(request: HttpRequest, task_id: int, response: HttpResponse) -> Task:
    return with_etag(response, selectors.task_get(actor(request), task_id))


@router.patch("/tasks/{task_id}", response={200: TaskOut, **EDIT_ERRORS}, summary="Change a task")
def task_update_endpoint(
    request: HttpRequest, task_id: RecordId, payload: TaskPatch, response: HttpResponse
) -> Task:
    task = selectors.task_get(actor(request), task_id, "change")
    changes, version = edit_of(request, payload)
    if "owner" in changes:
        changes["owner"] = _person(changes["owner"])
    saved = services.task_update(
        actor=actor(request), task=task, expected_version=version, **changes
    )
    return with_etag(response, saved)


@router.get(
    "/tasks/{task_id}/notes",
    response={200: list[NoteOut], **READ_ERRORS},
    summary="A task's progress notes, newest first",
)
@paginate(Pagination)
def note_list_endpoint(request: HttpRequest, task_id: int) -> QuerySet[ProgressNote]:
    task = selectors.task_get(actor(request), task_id)
    return selectors.task_notes(actor(request), task)


@router.post(
    "/tasks/{task_id}/notes",
    response={201: NoteOut, **WRITE_ERRORS},
    summary="Note progress on a task (attach evidence to plans.progressnote:<id>)",
)
def note_add_endpoint(request: HttpRequest, task_id: RecordId, payload: NoteIn) -> Status[Any]:
    task = selectors.task_get(actor(request), task_id)
    note = services.progress_note_add(actor=actor(request), task=task, **payload.model_dump())
    return Status(201, note)


@router.post(
    "/tasks/{task_id}/milestones",
    response={201: MilestoneOut, **WRITE_ERRORS},
    summary="Add a milestone (time node) to a task",
)
def milestone_add_endpoint(
    request: HttpRequest, task_id: RecordId, payload: MilestoneIn
) -> Status[Milestone]:
    task = selectors.task_get(actor(request), task_id)
    milestone = services.milestone_add(actor=actor(request), task=task, **payload.model_dump())
    return Status(201, milestone)


@router.post(
    "/milestones/{milestone_id}/reach",
    response={200: MilestoneOut, **EDIT_ERRORS},
    summary="Record the day a milestone was reached",
)
def milestone_reach_endpoint(
    request: HttpRequest, milestone_id: RecordId, payload: MilestoneReachIn, response: HttpResponse
) -> Milestone:
    milestone = get_in_scope(Milestone.objects.all(), actor(request), "change", pk=milestone_id)
    changes, version = edit_of(request, payload)
    saved = services.milestone_reach(
        actor=actor(request), milestone=milestone, expected_version=version, **changes
    )
    return with_etag(response, saved)


# The rectification ledger


class RectificationOut(Schema):
    id: int
    region_code: str
    problem: str
    source: str
    source_label: str
    measure: str
    responsible_id: int
    responsible_name: str
    deadline_on: datetime.date
    state: str
    state_label: str
    overdue: bool
    result: str
    signed_off_by_id: int | None
    closed_on: datetime.date | None
    version: int

    @staticmethod
    def resolve_source_label(item: Rectification) -> str:
        return label_of(RectificationSource, item.source)

    @staticmethod
    def resolve_state_label(item: Rectification) -> str:
        return label_of(RectificationState, item.state)

    @staticmethod
    def resolve_responsible_name(item: Rectification) -> str:
        return str(item.responsible.full_name or item.responsible.username)

    @staticmethod
    def resolve_overdue(item: Rectification) -> bool:
        return selectors.status_of(item) == TaskStatus.OVERDUE


class RectificationIn(InputSchema):
    problem: str = Field(..., min_length=1, max_length=4000)
    source: RectificationSource
    measure: str = Field(..., min_length=1, max_length=4000)
    responsible: RecordId
    deadline_on: datetime.date


class RectificationPatch(VersionedPatch):
    problem: str | None = Field(None, min_length=1, max_length=4000)
    source: RectificationSource | None = None
    measure: str | None = Field(None, min_length=1, max_length=4000)
    responsible: RecordId | None = None
    deadline_on: datetime.date | None = None


RectificationFilter = filter_schema(RECTIFICATIONS)


@router.get(
    "/villages/{code}/rectifications",
    response={200: list[RectificationOut], **READ_ERRORS},
    summary="A village's rectification ledger, with the ledger's filters",
)
@paginate(Pagination)
def rectification_list_endpoint(
    request: HttpRequest,
    code: str,
    filters: Query[RectificationFilter],  # type: ignore[valid-type]
) -> QuerySet[Rectification]:
    return api_rows(RECTIFICATIONS, actor(request), filters, village=_village(request, code))


@router.post(
    "/villages/{code}/rectifications",
    response={201: RectificationOut, **WRITE_ERRORS},
    summary="Enter an item in a village's rectification ledger; the person responsible is told",
)
def rectification_create_endpoint(
    request: HttpRequest, code: str, payload: RectificationIn
) -> Status[Rectification]:
    data = payload.model_dump()
    data["responsible"] = _person(data["responsible"])
    item = services.rectification_create(
        actor=actor(request), village=_village(request, code), **data
    )
    return Status(201, item)


@router.get(
    "/rectifications/{rectification_id}",
    response={200: RectificationOut, **READ_ERRORS},
    summary="One rectification item",
)
def rectification_detail(
    request: HttpRequest, rectification_id: int, response: HttpResponse
) -> Rectification:
    return with_etag(response, selectors.rectification_get(actor(request), rectification_id))


@router.patch(
    "/rectifications/{rectification_id}",
    response={200: RectificationOut, **EDIT_ERRORS},
    summary="Change a rectification item that is not closed off",
)
def rectification_update_endpoint(
    request: HttpRequest,
    rectification_id: RecordId,
    payload: RectificationPatch,
    response: HttpResponse,
) -> Rectification:
    item = selectors.rectification_get(actor(request), rectification_id, "change")
    changes, version = edit_of(request, payload)
    if "responsible" in changes:
        changes["responsible"] = _person(changes["responsible"])
    saved = services.rectification_update(
        actor=actor(request), rectification=item, expected_version=version, **changes
    )
    return with_etag(response, saved)


add_transition_routes(router, model=Plan, service=services.plan_transition, prefix="/plans")
add_transition_routes(router, model=Task, service=services.task_transition, prefix="/tasks")
add_transition_routes(
    router,
    model=Rectification,
    service=services.rectification_transition,
    prefix="/rectifications",
)
