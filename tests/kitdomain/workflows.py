"""The case workflow: every kind of requirement, a deadline from a policy parameter in working
days, one in calendar days that can be extended, and an escalation the sweep takes."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from cunzhi.core.workflow import DayUnit, Deadline, Transition, Workflow, register
from tests.kitdomain.models import Case, CaseLevel
from tests.kitdomain.models import CaseState as S


def _needs_satisfaction(case: Case, actor: Any) -> Any:
    if case.satisfaction is None:
        return _("Record the villager's satisfaction before closing the case.")
    return None


def _to_township(case: Case, cleaned: dict[str, Any], actor: Any) -> None:
    case.level = CaseLevel.TOWNSHIP


CASE_WORKFLOW = register(
    Workflow(
        model=Case,
        states=S,
        transitions=[
            Transition("accept", _("Accept"), (S.REGISTERED, S.ESCALATED), S.ACCEPTED,
                       comment=True),
            Transition("reject", _("Reject"), (S.REGISTERED,), S.REJECTED, reason=True,
                       backwards=True),
            Transition("escalate", _("Escalate to the township"), (S.REGISTERED,), S.ESCALATED,
                       effect=_to_township),
            Transition("resolve", _("Resolve"), (S.ACCEPTED,), S.RESOLVED,
                       fields=("resolution", "satisfaction"), optional_fields=("satisfaction",)),
            Transition("settle", _("Settle with a signed agreement"), (S.ACCEPTED,), S.RESOLVED,
                       fields=("resolution",), attachment="agreement"),
            Transition("close", _("Close"), (S.RESOLVED,), S.CLOSED, guard=_needs_satisfaction),
            Transition("reopen", _("Reopen"), (S.RESOLVED,), S.ACCEPTED, reason=True,
                       backwards=True),
        ],
        deadlines={
            # The objection that a matter is not this organ's: 5 working days from receipt.
            S.REGISTERED: Deadline(
                "disputes.petition_not_own_matter_objection_working_days",
                unit=DayUnit.WORKING,
                starts="received_on",
                escalation="escalate",
            ),
            S.ACCEPTED: Deadline(
                "disputes.petition_handling_days",
                extension_cap="disputes.petition_extension_max_days",
                max_extensions=1,
            ),
            S.ESCALATED: Deadline("disputes.petition_acceptance_reply_days"),
        },
    )
)  # fmt: skip
