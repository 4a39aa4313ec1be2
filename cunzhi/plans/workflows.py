"""The plan's, the task's and the rectification's workflows (core.workflow).

A plan goes draft → submitted → approved by the township, which may return it with a reason.
A task goes not started → in progress → done; its time limit is its planned end, so it turns
overdue by itself. A rectification is closed off (销号) with evidence and a sign-off by someone
other than the person responsible for it ("rectify one, pin one": 整改一项、销号一项).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from cunzhi.core.workflow import Deadline, Transition, Workflow, register
from cunzhi.core.workflow.engine import step_day
from cunzhi.plans.models import Plan, PlanState, Rectification, Task
from cunzhi.plans.models import RectificationState as R
from cunzhi.plans.models import TaskState as T


def _has_objectives(plan: Plan, actor: Any) -> Any:
    if not plan.objectives.exists():
        return _("Add at least one objective before submitting the plan.")
    return None


def _not_by_the_responsible(item: Rectification, actor: Any) -> Any:
    # The person who did the work does not certify it (销号须由非整改责任人签字确认).
    if actor is not None and getattr(actor, "pk", None) == item.responsible_id:
        return _("The person responsible cannot sign off their own rectification.")
    return None


def _signed_off(item: Rectification, cleaned: dict[str, Any], actor: Any) -> None:
    item.signed_off_by = actor
    item.closed_on = step_day()


def _task_told(task: Task, kind: str) -> list[Any]:
    """A task's reminder and overdue mark go to its owner (the sweep's inbox message)."""
    return [task.owner]


def _rectification_told(item: Rectification, kind: str) -> list[Any]:
    """A reminder goes to the person responsible; an overdue item also to those nearest who
    sign items off (the village's secretary, its first secretary), who must chase it."""
    if kind != "overdue":
        return [item.responsible]
    from cunzhi.accounts.selectors import holders_of

    signers = holders_of("plans.signoff_rectification", item.region_code, nearest=True)
    return [item.responsible, *signers]


def _reopened(item: Rectification, cleaned: dict[str, Any], actor: Any) -> None:
    item.signed_off_by = None
    item.closed_on = None


PLAN_WORKFLOW = register(
    Workflow(
        model=Plan,
        states=PlanState,
        transitions=[
            Transition("submit", _("Submit to the township"), (PlanState.DRAFT,),
                       PlanState.SUBMITTED, comment=True, guard=_has_objectives),
            Transition("approve", _("Approve the plan"), (PlanState.SUBMITTED,),
                       PlanState.APPROVED, comment=True, permission="plans.approve_plan"),
            Transition("return", _("Return for revision"), (PlanState.SUBMITTED,),
                       PlanState.DRAFT, reason=True, backwards=True,
                       permission="plans.approve_plan"),
            Transition("revise", _("Reopen for revision"), (PlanState.APPROVED,),
                       PlanState.DRAFT, reason=True, backwards=True,
                       permission="plans.approve_plan"),
        ],
    )
)  # fmt: skip

# A task's time limit is its planned end: 0 days from it. The first day is not counted, so the
# task is due on the planned end and overdue the day after.
TASK_DEADLINE = Deadline(0, starts="planned_end", remind_days=7)

TASK_WORKFLOW = register(
    Workflow(
        model=Task,
        states=T,
        transitions=[
            Transition("start", _("Start"), (T.NOT_STARTED,), T.IN_PROGRESS, comment=True),
            Transition("finish", _("Mark done"), (T.IN_PROGRESS,), T.DONE, comment=True),
            Transition("reopen", _("Reopen"), (T.DONE,), T.IN_PROGRESS, reason=True,
                       backwards=True),
        ],
        deadlines={T.NOT_STARTED: TASK_DEADLINE, T.IN_PROGRESS: TASK_DEADLINE},
        recipients=_task_told,
    )
)  # fmt: skip

RECTIFICATION_DEADLINE = Deadline(0, starts="deadline_on", remind_days=7)

RECTIFICATION_WORKFLOW = register(
    Workflow(
        model=Rectification,
        states=R,
        transitions=[
            Transition("start", _("Start rectifying"), (R.OPEN,), R.IN_PROGRESS, comment=True),
            Transition("close_off", _("Close off"), (R.OPEN, R.IN_PROGRESS), R.CLOSED,
                       fields=("result",), attachment="evidence",
                       permission="plans.signoff_rectification",
                       guard=_not_by_the_responsible, effect=_signed_off),
            Transition("reopen", _("Reopen"), (R.CLOSED,), R.IN_PROGRESS, reason=True,
                       backwards=True, permission="plans.signoff_rectification",
                       effect=_reopened),
        ],
        deadlines={R.OPEN: RECTIFICATION_DEADLINE, R.IN_PROGRESS: RECTIFICATION_DEADLINE},
        recipients=_rectification_told,
    )
)  # fmt: skip
