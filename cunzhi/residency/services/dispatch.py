"""Cadres and dispatch (派驻): one village at a time."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from cunzhi.accounts.models import Role, SendingUnit, User
from cunzhi.accounts.services import dispatched_post_assign, dispatched_post_end
from cunzhi.audit import services as audit
from cunzhi.core import policy
from cunzhi.core.writes import (
    create_audited,
    update_audited,
)
from cunzhi.regions.models import Region
from cunzhi.residency.models import (
    Cadre,
    Dispatch,
    DispatchRole,
    DispatchStatus,
)
from cunzhi.residency.services.common import _require, _village


def cadre_register(
    *,
    actor: Any,
    user: User,
    sending_unit: SendingUnit,
    village: Region,
    position: str = "",
    phone: str = "",
) -> Cadre:
    """Record ``user`` as a cadre of ``sending_unit``, to be dispatched to ``village``."""
    with transaction.atomic():
        if Cadre.objects.filter(user=user).exists():
            raise ValidationError({"user": _("This person is already recorded as a cadre.")})
        cadre = Cadre(
            user=user,
            sending_unit=sending_unit,
            region=_village(village),
            position=position,
            phone=phone or user.phone,
        )
        return create_audited(actor=actor, obj=cadre, action="residency.cadre_register")


# The accounts post a dispatch gives (accounts.DISPATCHED_ROLES): what lets the cadre check in.
POST_ROLE_OF = {
    DispatchRole.FIRST_SECRETARY: Role.FIRST_SECRETARY,
    DispatchRole.TEAM_LEADER: Role.WORK_TEAM_MEMBER,
    DispatchRole.TEAM_MEMBER: Role.WORK_TEAM_MEMBER,
}


def planned_end_of(starts_on: datetime.date, region_code: str) -> datetime.date:
    """Start + the normal term (``residency.term_min_years``), the day before the anniversary."""
    years = int(policy.get("residency.term_min_years", region_code=region_code, on=starts_on))
    try:
        anniversary = starts_on.replace(year=starts_on.year + years)
    except ValueError:  # 29 February
        anniversary = starts_on.replace(year=starts_on.year + years, day=28)
    return anniversary - datetime.timedelta(days=1)


def dispatch_create(
    *,
    actor: Any,
    cadre: Cadre,
    village: Region,
    role: str,
    starts_on: datetime.date,
    planned_end: datetime.date | None = None,
) -> Dispatch:
    """Dispatch ``cadre`` to ``village``; refused while they serve in a village already."""
    with transaction.atomic():
        _village(village)
        cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)
        serving = cadre.dispatches.filter(status=DispatchStatus.SERVING).select_related("region")
        current = serving.first()
        if current is not None:
            raise ValidationError(
                _(
                    "%(cadre)s already serves in %(village)s: a cadre serves in one village at "
                    "a time. End that dispatch first."
                )
                % {"cadre": cadre, "village": current.region},
                code="serving",
            )
        dispatch = Dispatch(
            cadre=cadre,
            sending_unit=cadre.sending_unit,
            region=village,
            role=role,
            starts_on=starts_on,
            planned_end=planned_end or planned_end_of(starts_on, village.code),
        )
        _require(actor, "residency.add_dispatch", village.code, None)
        dispatch.full_clean()
        dispatch.save()
        if cadre.region_id != village.pk:
            cadre.region = village
            cadre.save(update_fields=["region", "region_code", "updated_at"])
        # The post that lets the cadre check in, unless they hold it already (accounts' audit).
        dispatched_post_assign(
            actor=actor, user=cadre.user, role=POST_ROLE_OF[DispatchRole(role)], village=village,
            sending_unit=cadre.sending_unit, starts_on=starts_on,
            permission="residency.add_dispatch",
        )  # fmt: skip
        audit.record(
            actor=actor,
            action="residency.dispatch_create",
            obj=dispatch,
            data={
                "cadre": cadre.user.username,
                "sending_unit": cadre.sending_unit.name,
                "village": village.code,
                "role": role,
                "starts_on": starts_on,
                "planned_end": dispatch.planned_end,
            },
        )
    return dispatch


def dispatch_end(
    *,
    actor: Any,
    dispatch: Dispatch,
    ended_on: datetime.date,
    recalled: bool = False,
    expected_version: int | None,
) -> Dispatch:
    """End a term (or record a recall, 召回) on ``ended_on``."""
    with transaction.atomic():
        if dispatch.status != DispatchStatus.SERVING:
            raise ValidationError(_("This dispatch has already ended."))
        if ended_on < dispatch.starts_on:
            raise ValidationError({"ended_on": _("A dispatch cannot end before it starts.")})
        status = DispatchStatus.RECALLED if recalled else DispatchStatus.ENDED
        ended = update_audited(
            actor=actor,
            obj=dispatch,
            changes={"ended_on": ended_on, "status": status},
            expected_version=expected_version,
            action="residency.dispatch_end",
        )
        # The dispatch's post ends on its last day (the day it ended).
        dispatched_post_end(
            actor=actor, user=ended.cadre.user, role=POST_ROLE_OF[DispatchRole(ended.role)],
            village=ended.region, sending_unit=ended.sending_unit, ends_on=ended_on,
            permission="residency.change_dispatch",
        )  # fmt: skip
        return ended


# Presence


def serving_dispatch(user: Any, on: datetime.date) -> Dispatch | None:
    """The dispatch ``user`` serves on ``on``, if any (the one the check-in is for)."""
    user_id = getattr(user, "pk", None)
    if user_id is None:
        return None
    return (
        Dispatch.objects.filter(
            cadre__user_id=user_id,
            status=DispatchStatus.SERVING,
            starts_on__lte=on,
        )
        .select_related("region", "cadre__user", "sending_unit")
        .first()
    )


def _own_dispatch(actor: Any, on: datetime.date) -> Dispatch:
    dispatch = serving_dispatch(actor, on)
    if dispatch is None or on > dispatch.last_day():
        raise ValidationError(_("You serve in no village on %(date)s.") % {"date": on.isoformat()})
    _require(actor, "residency.add_presenceday", dispatch.region_code, dispatch.sending_unit_id)
    return dispatch
