"""Recall and replacement (召回)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from cunzhi.accounts.models import Post, Role, SendingUnit, User
from cunzhi.core.inbox.services import notify
from cunzhi.core.workflow import engine
from cunzhi.core.writes import (
    create_audited,
    update_audited,
)
from cunzhi.regions.models import Region
from cunzhi.residency.models import (
    Cadre,
    Dispatch,
    DispatchStatus,
    Recall,
    RecallState,
)
from cunzhi.residency.services.common import _require
from cunzhi.residency.services.dispatch import cadre_register, dispatch_create, dispatch_end


def recall_start(*, actor: Any, dispatch: Dispatch, reason: str) -> Recall:
    """The township or the county calls a serving cadre back, with a reason; the unit is told."""
    with transaction.atomic():
        _require(actor, "residency.add_recall", dispatch.region_code, None)
        if dispatch.status != DispatchStatus.SERVING:
            raise ValidationError(_("Only a serving cadre can be recalled."))
        if not reason.strip():
            raise ValidationError({"reason": _("A recall needs a reason.")})
        if dispatch.recalls.filter(
            state__in=[RecallState.PROPOSED, RecallState.REPLACEMENT_NAMED]
        ).exists():
            raise ValidationError(_("A recall of this cadre is under way already."))
        recall = Recall(
            dispatch=dispatch, sending_unit_id=dispatch.sending_unit_id, region=dispatch.region,
            reason=reason.strip(),
        )  # fmt: skip
        recall = create_audited(actor=actor, obj=recall, action="residency.recall_start")
        contacts = User.objects.filter(
            posts__in=Post.objects.active().filter(
                role=Role.SENDING_UNIT_CONTACT, sending_unit_id=dispatch.sending_unit_id
            )
        ).distinct()
        notify(
            recipients=list(contacts),
            message=_("%(cadre)s is recalled from %(village)s: name a replacement.")
            % {"cadre": dispatch.cadre, "village": dispatch.region},
            obj=recall,
            verb="recall",
        )
    return recall


def recall_transition(
    *,
    actor: Any,
    recall: Recall,
    name: str,
    expected_version: int | None,
    today: datetime.date | None = None,
    **inputs: Any,
) -> Recall:
    """A step of the recall (``residency.workflows``). Confirming the handover ends the old
    dispatch (recalled) the day before the replacement's begins, and links the two."""
    from cunzhi.residency.workflows import RECALL_WORKFLOW

    with transaction.atomic():
        recall = engine.take(
            workflow=RECALL_WORKFLOW,
            actor=actor,
            obj=recall,
            name=name,
            expected_version=expected_version,
            inputs=inputs,
            today=today,
        )
        if recall.state == RecallState.COMPLETED:
            old = recall.dispatch
            assert recall.replacement is not None and recall.replacement_starts_on is not None
            old = dispatch_end(
                actor=actor,
                dispatch=old,
                ended_on=recall.replacement_starts_on - datetime.timedelta(days=1),
                recalled=True,
                expected_version=None,
            )
            new = dispatch_create(
                actor=actor,
                cadre=recall.replacement,
                village=old.region,
                role=old.role,
                starts_on=recall.replacement_starts_on,
            )
            recall = _link_replacement(actor=actor, recall=recall, old=old, new=new)
    return recall


def _link_replacement(*, actor: Any, recall: Recall, old: Dispatch, new: Dispatch) -> Recall:
    """The old dispatch names the one that replaced it; the recall names the new dispatch."""
    update_audited(
        actor=actor,
        obj=old,
        changes={"replaced_by": new},
        expected_version=None,
        action="residency.dispatch_end",
    )
    return update_audited(
        actor=actor,
        obj=recall,
        changes={"new_dispatch": new},
        expected_version=None,
        action="residency.recall_transition",
    )


def cadre_dispatch(
    *,
    actor: Any,
    user: User,
    sending_unit: SendingUnit,
    village: Region,
    role: str,
    starts_on: datetime.date,
    position: str = "",
    phone: str = "",
) -> Dispatch:
    """Record ``user`` as a cadre if they are not yet, then dispatch them: the county's page."""
    with transaction.atomic():
        cadre = Cadre.objects.filter(user=user).first()
        if cadre is None:
            cadre = cadre_register(
                actor=actor, user=user, sending_unit=sending_unit, village=village,
                position=position, phone=phone,
            )  # fmt: skip
        elif cadre.sending_unit_id != sending_unit.pk:
            raise ValidationError(
                {
                    "sending_unit": _("This cadre was sent by %(unit)s.")
                    % {"unit": cadre.sending_unit}
                }
            )
        return dispatch_create(
            actor=actor, cadre=cadre, village=village, role=role, starts_on=starts_on
        )


# Work diary (民情日记)
