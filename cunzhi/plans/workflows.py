"""The rectification ledger's workflow: closed off (销号) only with a note and evidence, then
signed off by someone other than who closed it; the deadline is the item's own date."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from cunzhi.core.workflow import Deadline, Transition, Workflow, register
from cunzhi.plans.models import LedgerItem
from cunzhi.plans.models import LedgerState as S


def _someone_else(item: LedgerItem, actor: Any) -> Any:
    from cunzhi.audit.models import Event

    closed_by = (
        Event.objects.filter(
            object_type="plans.ledgeritem",
            object_id=str(item.pk),
            action="plans.ledgeritem_transition",
            data__transition="close",
        )
        .order_by("-pk")
        .values_list("actor_id", flat=True)
        .first()
    )
    if closed_by is not None and closed_by == getattr(actor, "pk", None):
        return _("Someone other than the person who closed it off signs it off.")
    return None


LEDGER_WORKFLOW = register(
    Workflow(
        model=LedgerItem,
        states=S,
        transitions=[
            Transition(
                "close",
                _("Close off with evidence"),
                (S.OPEN,),
                S.CLOSED,
                fields=("closing_note",),
                attachment="evidence",
            ),
            Transition(
                "sign_off", _("Sign off"), (S.CLOSED,), S.SIGNED_OFF, comment=True,
                guard=_someone_else,
            ),
            Transition("reopen", _("Reopen"), (S.CLOSED,), S.OPEN, reason=True, backwards=True),
        ],
        deadlines={S.OPEN: Deadline(0, starts="deadline_on")},
        entity="ledgeritem",
    )
)  # fmt: skip
