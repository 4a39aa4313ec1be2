"""The demand workflow (DESIGN rule 6): who may take which step, what each requires, deadlines.

One deadline runs through every open state: the day in ``resolve_by``, the category's days from
registration (``demands.resolution_days``). Accepting or starting work does not restart the
clock; an escalation gives the next level a period of its own
(``demands.escalated_resolution_days``). When the day has passed, the sweep escalates the demand:
village → township → county; at the county it stays overdue, marked.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from cunzhi.core import policy
from cunzhi.core.workflow import Deadline, Transition, Workflow, register
from cunzhi.core.workflow.deadlines import add_days
from cunzhi.core.workflow.declare import DayUnit
from cunzhi.core.workflow.engine import step_day
from cunzhi.demands.models import Demand, DemandLevel
from cunzhi.demands.models import DemandState as S


def today() -> datetime.date:
    """The day the step is taken on (the kit's ``step_day``: the service's or the sweep's)."""
    return step_day()


NEXT_LEVEL = {DemandLevel.VILLAGE: DemandLevel.TOWNSHIP, DemandLevel.TOWNSHIP: DemandLevel.COUNTY}


def period_end(region_code: str, start: datetime.date, days: int) -> datetime.date:
    """``days`` calendar days after ``start``; a period ending on a rest day runs to the next
    working day (a deadline on National Day is not a deadline anyone can meet)."""
    return add_days(start, days, DayUnit.CALENDAR, ends_on_working_day=True)  # type: ignore[no-any-return]


def fresh_period(demand: Demand, today: datetime.date) -> datetime.date:
    days = int(
        policy.get("demands.escalated_resolution_days", region_code=demand.region_code, on=today)
    )
    return period_end(demand.region_code, today, days)


def _top_level(demand: Demand, actor: Any) -> Any:
    if demand.level == DemandLevel.COUNTY:
        return _("The demand is already with the county; there is no level above it.")
    return None


def _raise_level(demand: Demand, cleaned: dict[str, Any], actor: Any) -> None:
    from cunzhi.demands.services import notify_escalation, on_escalation

    on_escalation(demand)  # before the new period replaces the overdue one
    demand.level = NEXT_LEVEL[DemandLevel(demand.level)]
    demand.assignee = None
    demand.resolve_by = fresh_period(demand, today())
    # In the step's transaction: the notification commits or rolls back with the escalation,
    # whether a person took it or the deadline sweep did.
    notify_escalation(demand)


def _resolved_today(demand: Demand, cleaned: dict[str, Any], actor: Any) -> None:
    demand.resolved_on = today()


def _reopen(demand: Demand, cleaned: dict[str, Any], actor: Any) -> None:
    demand.times_reopened += 1
    demand.resolved_on = None
    demand.satisfaction = None
    demand.resolve_by = max(demand.resolve_by, fresh_period(demand, today()))


def _told_of_deadline(demand: Demand, kind: str) -> list[Any]:
    """A reminder or an overdue mark goes to the assignee; with none, to the nearest keepers of
    the village's demands (an escalation tells the next level itself, in ``_raise_level``)."""
    if demand.assignee_id is not None:
        return [demand.assignee]
    from cunzhi.accounts.selectors import holders_of

    return holders_of("demands.change_demand", demand.region_code, nearest=True)


# The open states share the one deadline, and the sweep escalates from each.
_UNTIL_RESOLVE_BY = Deadline(0, starts="resolve_by", escalation="escalate")

DEMAND_WORKFLOW = register(
    Workflow(
        model=Demand,
        states=S,
        transitions=[
            Transition("accept", _("Accept"), (S.REGISTERED,), S.ACCEPTED, comment=True),
            Transition("start", _("Start work"), (S.ACCEPTED,), S.IN_PROGRESS, comment=True),
            Transition(
                "resolve",
                _("Resolve with evidence"),
                (S.IN_PROGRESS,),
                S.RESOLVED,
                fields=("resolution",),
                attachment="evidence",
                effect=_resolved_today,
            ),
            Transition(
                "confirm",
                _("Record the villager's confirmation"),
                (S.RESOLVED,),
                S.CONFIRMED,
                fields=("satisfaction",),
                comment=True,
            ),
            Transition(
                "reopen",
                _("Reopen"),
                (S.RESOLVED,),
                S.IN_PROGRESS,
                reason=True,
                effect=_reopen,
                backwards=True,
            ),
            Transition(
                "reject",
                _("Reject"),
                (S.REGISTERED, S.ACCEPTED),
                S.REJECTED,
                reason=True,
                backwards=True,
            ),
            Transition(
                "escalate",
                _("Escalate to the next level"),
                (S.REGISTERED, S.ACCEPTED, S.IN_PROGRESS, S.ESCALATED),
                S.ESCALATED,
                comment=True,
                guard=_top_level,
                effect=_raise_level,
                permission="demands.escalate_demand",
            ),
            Transition(
                "take_over",
                _("Take over"),
                (S.ESCALATED,),
                S.IN_PROGRESS,
                comment=True,
                permission="demands.take_over_demand",
            ),
        ],
        deadlines={
            S.REGISTERED: _UNTIL_RESOLVE_BY,
            S.ACCEPTED: _UNTIL_RESOLVE_BY,
            S.IN_PROGRESS: _UNTIL_RESOLVE_BY,
            S.ESCALATED: _UNTIL_RESOLVE_BY,
        },
        recipients=_told_of_deadline,
    )
)
