"""The leave workflow (请销假).

Who approves depends on the leave's working days (``residency.leave_township_approval_max_days``,
default 3 [S]): up to that, the township; more, the county organisation department. That is two
steps with two permissions, each guarded against the other case, so a township officer never sees
"approve" on a five-day request and the county never on a two-day one. The cadre withdraws a
request still waiting, and reports their return (销假) after approved leave.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from cunzhi.core import policy
from cunzhi.core.workflow import Transition, Workflow, register
from cunzhi.residency.models import LeaveRequest
from cunzhi.residency.models import LeaveState as S

TOWNSHIP_APPROVES = "residency.township_approve_leaverequest"
COUNTY_APPROVES = "residency.county_approve_leaverequest"
DECIDES = "residency.decide_leaverequest"


def township_limit(leave: LeaveRequest) -> int:
    return int(
        policy.get(
            "residency.leave_township_approval_max_days",
            region_code=leave.region_code,
            on=leave.starts_on,
        )
    )


def _township_case(leave: LeaveRequest, actor: Any) -> Any:
    if leave.working_days > township_limit(leave):
        return _("Leave of more than %(days)s working days is approved by the county.") % {
            "days": township_limit(leave)
        }
    return None


def _county_case(leave: LeaveRequest, actor: Any) -> Any:
    if leave.working_days <= township_limit(leave):
        return _("Leave of up to %(days)s working days is approved by the township.") % {
            "days": township_limit(leave)
        }
    return None


def _own_request(leave: LeaveRequest, actor: Any) -> Any:
    if leave.dispatch.cadre.user_id != getattr(actor, "pk", None):
        return _("Only the cadre who asked for the leave does this.")
    return None


LEAVE_WORKFLOW = register(
    Workflow(
        model=LeaveRequest,
        states=S,
        entity="leave_request",
        transitions=[
            Transition("approve_township", _("Approve (township)"), (S.REQUESTED,), S.APPROVED,
                       permission=TOWNSHIP_APPROVES, comment=True, guard=_township_case),
            Transition("approve_county", _("Approve (county organisation department)"),
                       (S.REQUESTED,), S.APPROVED, permission=COUNTY_APPROVES, comment=True,
                       guard=_county_case),
            Transition("reject", _("Refuse"), (S.REQUESTED,), S.REJECTED, permission=DECIDES,
                       reason=True, backwards=True),
            Transition("withdraw", _("Withdraw"), (S.REQUESTED,), S.WITHDRAWN,
                       guard=_own_request, backwards=True),
            Transition("report_return", _("Report my return"), (S.APPROVED,), S.RETURNED,
                       fields=("returned_on",), guard=_own_request),
        ],
    )
)  # fmt: skip
