"""The leave workflow (请销假).

Who approves depends on the leave's working days (``residency.leave_township_approval_max_days``,
default 3 [S]): up to that, the township; more, the county organisation department. That is two
steps with two permissions, each guarded against the other case, so a township officer never sees
"approve" on a five-day request and the county never on a two-day one. The cadre withdraws a
request still waiting, and reports their return (销假) after approved leave.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cunzhi.core import policy
from cunzhi.core.workflow import Transition, Workflow, register
from cunzhi.residency.models import LeaveRequest, Recall
from cunzhi.residency.models import LeaveState as S
from cunzhi.residency.models import RecallState as R

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


# Recall and replacement (召回)

NAMES_REPLACEMENT = "residency.name_replacement_recall"
COMPLETES = "residency.complete_recall"


class ReplacementForm(forms.Form):
    """The sending unit names its replacement by the account name and the day they start."""

    replacement_username = forms.CharField(
        label=_("The replacement's account name"), max_length=150
    )
    replacement_starts_on = forms.DateField(label=_("Starts in the village on"))


def _own_unit(recall: Recall, actor: Any) -> Any:
    from cunzhi.residency.scoping import contact_units

    if getattr(actor, "is_superuser", False):
        return None
    if recall.sending_unit_id not in [unit for unit, _role in contact_units(actor)]:
        return _("Only the cadre's own sending unit names the replacement.")
    return None


def _name_replacement(recall: Recall, cleaned: dict[str, Any], actor: Any) -> None:
    from cunzhi.residency.models import Cadre, DispatchStatus

    cadre = (
        Cadre.objects.filter(
            user__username=cleaned["replacement_username"], sending_unit_id=recall.sending_unit_id
        )
        .select_related("user")
        .first()
    )
    if cadre is None:
        raise ValidationError(
            {"replacement_username": _("No cadre of this sending unit has that account name.")}
        )
    if cadre.dispatches.filter(status=DispatchStatus.SERVING).exists():
        raise ValidationError(
            {"replacement_username": _("This cadre serves in a village already.")}
        )
    if cleaned["replacement_starts_on"] <= recall.dispatch.starts_on:
        raise ValidationError(
            {"replacement_starts_on": _("The replacement starts after the recalled cadre did.")}
        )
    recall.replacement = cadre
    recall.replacement_starts_on = cleaned["replacement_starts_on"]


RECALL_WORKFLOW = register(
    Workflow(
        model=Recall,
        states=R,
        transitions=[
            Transition("name_replacement", _("Name the replacement"), (R.PROPOSED,),
                       R.REPLACEMENT_NAMED, permission=NAMES_REPLACEMENT, form=ReplacementForm,
                       guard=_own_unit, effect=_name_replacement),
            Transition("complete", _("Confirm the handover"), (R.REPLACEMENT_NAMED,), R.COMPLETED,
                       permission=COMPLETES,
                       fields=("handover_documents", "handover_work", "handover_contacts"),
                       comment=True),
            Transition("cancel", _("Cancel the recall"), (R.PROPOSED, R.REPLACEMENT_NAMED),
                       R.CANCELLED, permission=COMPLETES, reason=True, backwards=True),
        ],
    )
)  # fmt: skip
