"""Daily presence: the phone check-in, late fill, the township's corrections."""

from __future__ import annotations

import datetime
import math
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cunzhi.audit import services as audit
from cunzhi.core import policy
from cunzhi.core.calendar import (
    CalendarYearMissing,
    is_working_day,
)
from cunzhi.regions.models import Facility, FacilityKind, Region
from cunzhi.residency import rollup
from cunzhi.residency.models import (
    Dispatch,
    LeaveRequest,
    PresenceDay,
    PresenceKind,
    PresenceSource,
)
from cunzhi.residency.services.common import _require
from cunzhi.residency.services.dispatch import _own_dispatch


def _working(day: datetime.date) -> bool:
    try:
        return is_working_day(day)
    except CalendarYearMissing as exc:
        raise ValidationError(str(exc), code="calendar") from exc


def village_position(village: Region) -> tuple[Decimal, Decimal] | None:
    """The village's coordinates: its village office's, where the profile records them."""
    office = (
        Facility.objects.filter(
            region=village,
            kind=FacilityKind.OFFICE,
            latitude__isnull=False,
            longitude__isnull=False,
        )
        .order_by("pk")
        .values_list("latitude", "longitude")
        .first()
    )
    if office is None or office[0] is None or office[1] is None:
        return None
    return office[0], office[1]


def distance_m(a: tuple[Any, Any], b: tuple[Any, Any]) -> int:
    """Great-circle distance in metres (haversine; a metre or two off at village scale)."""
    lat1, lon1, lat2, lon2 = (math.radians(float(v)) for v in (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return round(2 * 6_371_000 * math.asin(math.sqrt(h)))


def presence_check_in(
    *,
    actor: Any,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    accuracy_m: int | None = None,
    today: datetime.date | None = None,
) -> tuple[PresenceDay, bool]:
    """The day's check-in (打卡): ``(the day's row, whether this call changed it)``.

    Idempotent: a second check-in the same day returns the day as recorded. A check-in on a day
    recorded as leave means the cadre is back: the day becomes a day in the village. A position
    farther than ``residency.check_in_radius_m`` from the village office is flagged, not refused.
    """
    today = today or timezone.localdate()
    if (latitude is None) != (longitude is None):
        raise ValidationError(_("A position needs both a latitude and a longitude."))
    with transaction.atomic():
        dispatch = _own_dispatch(actor, today)
        existing = PresenceDay.objects.select_for_update().filter(dispatch=dispatch, date=today)
        day = existing.first()
        if day is not None and day.kind != PresenceKind.LEAVE:
            return day, False
        old_kind = day.kind if day is not None else None
        if day is None:
            day = PresenceDay(
                dispatch=dispatch,
                sending_unit_id=dispatch.sending_unit_id,
                region=dispatch.region,
                date=today,
                is_working_day=_working(today),
            )
        day.kind = PresenceKind.IN_VILLAGE
        day.source = PresenceSource.CHECK_IN
        day.latitude, day.longitude, day.accuracy_m = latitude, longitude, accuracy_m
        day.distance_m, day.far_from_village = None, False
        where = village_position(dispatch.region)
        if where is not None and latitude is not None:
            day.distance_m = distance_m((latitude, longitude), where)
            radius = policy.get(
                "residency.check_in_radius_m", region_code=dispatch.region_code, on=today
            )
            day.far_from_village = day.distance_m > int(radius)
        day.full_clean()
        day.save()
        rollup.move(day, old_kind, day.kind)
        audit.record(
            actor=actor,
            action="residency.presence_check_in",
            obj=day,
            data={
                "date": today,
                "latitude": latitude,
                "longitude": longitude,
                "accuracy_m": accuracy_m,
                "distance_m": day.distance_m,
                "far_from_village": day.far_from_village,
                "was": old_kind,
            },
        )
    return day, True


# Kinds a cadre may fill in for a missed day; leave goes through the leave workflow.
FILLABLE = (PresenceKind.IN_VILLAGE, PresenceKind.TRAINING, PresenceKind.OFFICIAL_TRIP)


def presence_fill(
    *,
    actor: Any,
    date: datetime.date,
    kind: str,
    reason: str,
    today: datetime.date | None = None,
) -> PresenceDay:
    """A missed day filled in by the cadre, within ``residency.presence_late_fill_days``."""
    today = today or timezone.localdate()
    with transaction.atomic():
        dispatch = _own_dispatch(actor, today)
        limit = int(
            policy.get(
                "residency.presence_late_fill_days", region_code=dispatch.region_code, on=today
            )
        )
        if kind not in FILLABLE:
            raise ValidationError({"kind": _("Leave is requested and approved, not filled in.")})
        if not reason.strip():
            raise ValidationError({"reason": _("Say why the day was not recorded on the day.")})
        if date >= today:
            raise ValidationError({"date": _("Only a day already past can be filled in.")})
        if (today - date).days > limit:
            raise ValidationError(
                {
                    "date": _(
                        "A day may be filled in within %(days)s days; ask the township to "
                        "correct an older one."
                    )
                    % {"days": limit}
                }
            )
        if date < dispatch.starts_on:
            raise ValidationError({"date": _("The dispatch had not started on that day.")})
        if PresenceDay.objects.filter(dispatch=dispatch, date=date).exists():
            raise ValidationError(
                {"date": _("That day is recorded already; ask the township to correct it.")}
            )
        day = PresenceDay(
            dispatch=dispatch,
            sending_unit_id=dispatch.sending_unit_id,
            region=dispatch.region,
            date=date,
            kind=kind,
            source=PresenceSource.LATE_FILL,
            is_working_day=_working(date),
            reason=reason.strip(),
        )
        day.full_clean()
        day.save()
        rollup.move(day, None, kind)
        audit.record(
            actor=actor,
            action="residency.presence_fill",
            obj=day,
            data={"date": date, "kind": kind, "reason": day.reason},
        )
    return day


def presence_correct(
    *,
    actor: Any,
    dispatch: Dispatch,
    date: datetime.date,
    kind: str,
    reason: str,
    today: datetime.date | None = None,
) -> PresenceDay:
    """The township's correction of any day of the term, with a reason (audited before/after)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        _require(
            actor, "residency.change_presenceday", dispatch.region_code, dispatch.sending_unit_id
        )
        if kind not in PresenceKind.values:
            raise ValidationError({"kind": _("Choose where the cadre was.")})
        if not reason.strip():
            raise ValidationError({"reason": _("A correction needs a reason.")})
        if date > today:
            raise ValidationError({"date": _("A day still to come cannot be corrected.")})
        if date < dispatch.starts_on or date > dispatch.last_day():
            raise ValidationError({"date": _("That day is outside the dispatch.")})
        day = PresenceDay.objects.select_for_update().filter(dispatch=dispatch, date=date).first()
        old_kind = day.kind if day is not None else None
        if day is None:
            day = PresenceDay(
                dispatch=dispatch,
                sending_unit_id=dispatch.sending_unit_id,
                region=dispatch.region,
                date=date,
                is_working_day=_working(date),
            )
        elif day.kind == kind:
            raise ValidationError({"kind": _("The day is recorded that way already.")})
        day.kind = kind
        day.source = PresenceSource.CORRECTION
        day.reason = reason.strip()
        day.full_clean()
        day.save()
        rollup.move(day, old_kind, kind)
        audit.record(
            actor=actor,
            action="residency.presence_correct",
            obj=day,
            data={"date": date, "kind": [old_kind, kind], "reason": day.reason},
        )
    return day


def presence_record_leave(*, actor: Any, leave: LeaveRequest) -> list[datetime.date]:
    """Record the approved leave's days that have no row yet as days of leave."""
    dispatch = leave.dispatch
    taken = set(
        PresenceDay.objects.filter(
            dispatch=dispatch, date__range=(leave.starts_on, leave.ends_on)
        ).values_list("date", flat=True)
    )
    recorded = []
    day = leave.starts_on
    while day <= leave.ends_on:
        if day not in taken and dispatch.starts_on <= day <= dispatch.last_day():
            row = PresenceDay(
                dispatch=dispatch,
                sending_unit_id=dispatch.sending_unit_id,
                region=dispatch.region,
                date=day,
                kind=PresenceKind.LEAVE,
                source=PresenceSource.LEAVE,
                is_working_day=_working(day),
            )
            row.save()
            rollup.move(row, None, row.kind)
            recorded.append(day)
        day += datetime.timedelta(days=1)
    audit.record(
        actor=actor,
        action="residency.presence_record_leave",
        obj=leave,
        data={"days": recorded},
    )
    return recorded


# Leave (请销假)
