"""Plans, tasks and the rectification ledger over JSON: the same selectors and services."""

# No "from __future__ import annotations": Ninja reads the handlers' annotations at runtime.
import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from cunzhi.core.api import READ_ERRORS, WRITE_ERRORS, InputSchema, RecordId, actor
from cunzhi.core.scoping import get_in_scope
from cunzhi.core.workflow.api import add_transition_routes
from cunzhi.plans import selectors, services
from cunzhi.plans.models import LedgerItem, Plan, Task
from cunzhi.regions.selectors import region_get

router = Router(tags=["plans"])


class PlanTaskOut(Schema):
    id: int
    title: str
    objective: str | None
    owner: str
    due_on: datetime.date
    status: str
    progress: str
    version: int

    @staticmethod
    def resolve_objective(task: Task) -> str | None:
        return task.objective.title if task.objective_id else None  # type: ignore[union-attr]

    @staticmethod
    def resolve_owner(task: Task) -> str:
        return task.owner.username


class PlanObjectiveOut(Schema):
    id: int
    role: str
    duty: str
    title: str


class PlanOut(Schema):
    id: int
    region_code: str
    year: int
    title: str
    objectives: list[PlanObjectiveOut]
    tasks: list[PlanTaskOut] = Field(..., description="By time node.")

    @staticmethod
    def resolve_objectives(plan: Plan) -> list[Any]:
        return list(plan.objectives.all())

    @staticmethod
    def resolve_tasks(plan: Plan) -> list[Any]:
        return [task for month in plan.board for column in month.columns for task in column.tasks]  # type: ignore[attr-defined]


class PlanTaskIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=200)
    owner: str = Field(..., min_length=1, max_length=150, description="Username.")
    due_on: datetime.date
    objective: RecordId | None = None


class LedgerItemOut(Schema):
    id: int
    problem: str
    measure: str
    responsible: str
    deadline_on: datetime.date
    state: str
    closing_note: str
    version: int

    @staticmethod
    def resolve_responsible(item: LedgerItem) -> str:
        return item.responsible.username


class LedgerItemIn(InputSchema):
    problem: str = Field(..., min_length=1, max_length=200)
    measure: str = Field(..., min_length=1, max_length=5000)
    responsible: str = Field(..., min_length=1, max_length=150, description="Username.")
    deadline_on: datetime.date


def _person(username: str) -> Any:
    from cunzhi.accounts.models import User

    person = User.objects.filter(username=username, is_active=True).first()
    if person is None:
        raise HttpError(422, "No such person.")
    return person


def _village(request: HttpRequest, code: str) -> Any:
    village = region_get(actor(request), code)
    if not village.is_village:
        raise Http404
    return village


@router.get(
    "/villages/{code}/plans", response={200: list[PlanOut], **READ_ERRORS}, summary="Work plans"
)
def plan_list(request: HttpRequest, code: str) -> list[Plan]:
    user = actor(request)
    plans = list(Plan.objects.for_user(user, "view").filter(region=_village(request, code)))
    for plan in plans:
        plan.board = selectors.board(user, plan)  # type: ignore[attr-defined]
    return plans


@router.get("/plans/{plan_id}", response={200: PlanOut, **READ_ERRORS}, summary="A plan")
def plan_detail(request: HttpRequest, plan_id: int) -> Plan:
    user = actor(request)
    plan = get_in_scope(Plan.objects.all(), user, "view", pk=plan_id)
    plan.board = selectors.board(user, plan)  # type: ignore[attr-defined]
    return plan


@router.post(
    "/plans/{plan_id}/tasks", response={201: PlanTaskOut, **WRITE_ERRORS}, summary="Add a task"
)
def task_create_endpoint(
    request: HttpRequest, plan_id: RecordId, payload: PlanTaskIn
) -> Status[Task]:
    user = actor(request)
    plan = get_in_scope(Plan.objects.select_related("region"), user, "view", pk=plan_id)
    objective = plan.objectives.filter(pk=payload.objective).first() if payload.objective else None
    if payload.objective and objective is None:
        raise HttpError(422, "The objective is of another plan.")
    task = services.task_create(
        actor=user,
        plan=plan,
        title=payload.title,
        owner=_person(payload.owner),
        due_on=payload.due_on,
        objective=objective,
    )
    return Status(201, task)


@router.get(
    "/villages/{code}/ledger",
    response={200: list[LedgerItemOut], **READ_ERRORS},
    summary="The rectification ledger",
)
def ledger_list(request: HttpRequest, code: str) -> QuerySet[LedgerItem]:
    return selectors.ledger(actor(request), _village(request, code))


@router.post(
    "/villages/{code}/ledger",
    response={201: LedgerItemOut, **WRITE_ERRORS},
    summary="Add a problem to rectify",
)
def ledger_create(request: HttpRequest, code: str, payload: LedgerItemIn) -> Status[LedgerItem]:
    item = services.ledgeritem_create(
        actor=actor(request),
        village=_village(request, code),
        problem=payload.problem,
        measure=payload.measure,
        responsible=_person(payload.responsible),
        deadline_on=payload.deadline_on,
    )
    return Status(201, item)


add_transition_routes(
    router, model=LedgerItem, service=services.ledgeritem_transition, prefix="/ledgeritems"
)
