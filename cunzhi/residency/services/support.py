"""The sending unit's support ledger (保障台账)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cunzhi.accounts.models import User
from cunzhi.audit import services as audit
from cunzhi.core import policy
from cunzhi.core.writes import (
    editable_fields,
    update_audited,
)
from cunzhi.residency.models import (
    Dispatch,
    FundSpending,
    PairingMeeting,
    SupportYear,
    TrainingRecord,
)
from cunzhi.residency.services.common import _require

# The support ledger (保障台账, seed 001)

SUPPORT_FIELDS = (
    "medical_check_on",
    "medical_check_done",
    "insurance_starts_on",
    "insurance_ends_on",
    "insurance_policy",
    "living_subsidy_yuan",
    "living_subsidy_paid_on",
    "transport_subsidy_yuan",
    "transport_subsidy_paid_on",
    "communication_subsidy_yuan",
    "communication_subsidy_paid_on",
    "work_funds_yuan",
    "work_funds_paid_on",
    "paired_leader",
)


def _month_end(year: int, month: int) -> datetime.date:
    after = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return after - datetime.timedelta(days=1)


def township_leaders(dispatch: Dispatch) -> list[User]:
    """Whom the cadre may be paired with: the leaders of the village's township (one query)."""
    from cunzhi.accounts.selectors import holders_of

    return holders_of("residency.township_opinion_assessment", dispatch.region_code, nearest=True)


def support_open(*, actor: Any, dispatch: Dispatch, year: int) -> SupportYear:
    """Open the support ledger of ``dispatch`` for ``year``, with the rules in force then."""
    with transaction.atomic():
        _require(actor, "residency.add_supportyear", dispatch.region_code, dispatch.sending_unit_id)
        if dispatch.starts_on.year > year or dispatch.last_day().year < year:
            raise ValidationError({"year": _("The dispatch did not serve in that year.")})
        if SupportYear.objects.filter(dispatch=dispatch, year=year).exists():
            raise ValidationError({"year": _("That year's support ledger is open already.")})
        on = max(datetime.date(year, 1, 1), dispatch.starts_on)
        code = dispatch.region_code
        medical_month = int(
            policy.get("residency.support_medical_check_due_month", region_code=code, on=on)
        )
        funds_month = int(
            policy.get("residency.support_work_funds_due_month", region_code=code, on=on)
        )
        support = SupportYear(
            dispatch=dispatch,
            sending_unit_id=dispatch.sending_unit_id,
            region=dispatch.region,
            year=year,
            work_funds_min_yuan=int(
                policy.get("residency.sending_unit_work_funds_min_yuan", region_code=code, on=on)
            ),
            medical_check_due_on=_month_end(year, min(max(medical_month, 1), 12)),
            work_funds_due_on=_month_end(year, min(max(funds_month, 1), 12)),
        )
        support.full_clean()
        support.save()
        audit.record(
            actor=actor,
            action="residency.support_open",
            obj=support,
            data={
                "fields": audit.snapshot(
                    support,
                    ["year", "work_funds_min_yuan", "medical_check_due_on", "work_funds_due_on"],
                )
            },
        )
        return support


def support_update(
    *, actor: Any, support: SupportYear, changes: dict[str, Any], expected_version: int | None
) -> SupportYear:
    """The unit's contact or the county records what was provided (a versioned edit)."""
    unknown = set(changes) - set(SUPPORT_FIELDS)
    if unknown:
        raise ValidationError(
            _("Not part of the support ledger: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        _require(
            actor, "residency.change_supportyear", support.region_code, support.sending_unit_id
        )
        leader = changes.get("paired_leader")
        if leader is not None and leader not in township_leaders(support.dispatch):
            raise ValidationError(
                {"paired_leader": _("Pair the cadre with a leader of the village's township.")}
            )
        return update_audited(
            actor=actor,
            obj=support,
            changes=changes,
            expected_version=expected_version,
            action="residency.support_update",
        )


def _support_child(
    *, actor: Any, support: SupportYear, obj: Any, permission: str, action: str
) -> Any:
    with transaction.atomic():
        _require(actor, permission, support.region_code, support.sending_unit_id)
        obj.support = support
        obj.sending_unit_id = support.sending_unit_id
        obj.region = support.region
        obj.full_clean()
        obj.save()
        fields = [
            f
            for f in editable_fields(obj)
            if f not in {"support_id", "sending_unit_id", "region_id"}
        ]
        audit.record(
            actor=actor,
            action=action,
            obj=support,
            data={"item": str(obj._meta.verbose_name), "fields": audit.snapshot(obj, fields)},
        )
        return obj


def support_spending_add(
    *,
    actor: Any,
    support: SupportYear,
    amount_yuan: Decimal,
    purpose: str,
    spent_on: datetime.date,
) -> FundSpending:
    """An item the village's work funds were spent on; the receipt is attached to it."""
    if spent_on.year != support.year:
        raise ValidationError({"spent_on": _("The spending is the ledger's year's.")})
    if not purpose.strip():
        raise ValidationError({"purpose": _("Say what the money was spent on.")})
    item = FundSpending(amount_yuan=amount_yuan, purpose=purpose.strip(), spent_on=spent_on)
    return _support_child(  # type: ignore[no-any-return]
        actor=actor,
        support=support,
        obj=item,
        permission="residency.add_fundspending",
        action="residency.support_spending_add",
    )


def support_meeting_add(
    *, actor: Any, support: SupportYear, held_on: datetime.date, notes: str
) -> PairingMeeting:
    """A meeting of the cadre with the township leader paired with them."""
    if support.paired_leader_id is None:
        raise ValidationError(_("Record the township leader paired with the cadre first."))
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("Record a meeting once it was held.")})
    if not notes.strip():
        raise ValidationError({"notes": _("Write what was discussed.")})
    meeting = PairingMeeting(held_on=held_on, notes=notes.strip())
    return _support_child(  # type: ignore[no-any-return]
        actor=actor,
        support=support,
        obj=meeting,
        permission="residency.add_pairingmeeting",
        action="residency.support_meeting_add",
    )


def support_training_add(
    *,
    actor: Any,
    support: SupportYear,
    course: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    organiser: str,
    hours: Decimal,
) -> TrainingRecord:
    """A course the cadre attended."""
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The course ends before it starts.")})
    record = TrainingRecord(
        course=course.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        organiser=organiser.strip(),
        hours=hours,
    )
    return _support_child(  # type: ignore[no-any-return]
        actor=actor,
        support=support,
        obj=record,
        permission="residency.add_trainingrecord",
        action="residency.support_training_add",
    )
