"""Writes of the residency domain: dispatch, presence, leave (DESIGN rule 3).

Every function here runs in one transaction, re-checks the actor's scope, validates, writes,
keeps the presence rollup (``rollup``) and records its audit event last.
"""

from __future__ import annotations

import datetime
import math
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cunzhi.accounts.models import Post, Role, SendingUnit, User
from cunzhi.audit import services as audit
from cunzhi.core import policy
from cunzhi.core.calendar import (
    CalendarYearMissing,
    is_working_day,
    working_days_between,
    year_working_days,
)
from cunzhi.core.inbox.services import notify
from cunzhi.core.workflow import engine
from cunzhi.core.writes import (
    check_version,
    create_audited,
    editable_fields,
    lock_current,
    update_audited,
)
from cunzhi.regions.models import Facility, FacilityKind, Region
from cunzhi.residency import rollup
from cunzhi.residency.compliance import ComplianceRow
from cunzhi.residency.models import (
    GRADE_ORDER,
    Assessment,
    Cadre,
    DiaryEntry,
    Dispatch,
    DispatchStatus,
    FundSpending,
    Grade,
    LeaveRequest,
    LeaveState,
    PairingMeeting,
    PresenceDay,
    PresenceKind,
    PresenceSource,
    Recall,
    RecallState,
    SupportYear,
    TrainingRecord,
)
from cunzhi.residency.scoping import may, residency_scope


def _require(actor: Any, permission: str, region_code: str, unit_id: int | None) -> None:
    if not may(actor, permission, region_code, unit_id):
        raise PermissionDenied(permission)


def _village(region: Region) -> Region:
    if not region.is_village:
        raise ValidationError({"village": _("A cadre is dispatched to a village.")})
    return region


# Dispatch (派驻)


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
        return update_audited(
            actor=actor,
            obj=dispatch,
            changes={"ended_on": ended_on, "status": status},
            expected_version=expected_version,
            action="residency.dispatch_end",
        )


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


def leave_request_create(
    *,
    actor: Any,
    leave_type: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    reason: str,
    today: datetime.date | None = None,
) -> LeaveRequest:
    """The cadre's own request; its working days decide who approves it."""
    today = today or timezone.localdate()
    with transaction.atomic():
        dispatch = _own_dispatch(actor, today)
        if ends_on < starts_on:
            raise ValidationError({"ends_on": _("The last day is before the first day.")})
        if starts_on < dispatch.starts_on or ends_on > dispatch.last_day():
            raise ValidationError({"starts_on": _("The leave must fall within the dispatch.")})
        try:
            working = working_days_between(starts_on, ends_on)
        except CalendarYearMissing as exc:
            raise ValidationError(str(exc), code="calendar") from exc
        if working == 0:
            raise ValidationError(
                {"ends_on": _("These dates hold no working day: no leave is needed.")}
            )
        overlapping = LeaveRequest.objects.filter(
            dispatch=dispatch,
            state__in=[LeaveState.REQUESTED, LeaveState.APPROVED],
            starts_on__lte=ends_on,
            ends_on__gte=starts_on,
        )
        if overlapping.exists():
            raise ValidationError({"starts_on": _("Another request covers some of these days.")})
        leave = LeaveRequest(
            dispatch=dispatch,
            sending_unit_id=dispatch.sending_unit_id,
            region=dispatch.region,
            leave_type=leave_type,
            starts_on=starts_on,
            ends_on=ends_on,
            working_days=working,
            reason=reason,
        )
        _require(
            actor, "residency.add_leaverequest", dispatch.region_code, dispatch.sending_unit_id
        )
        leave.full_clean()
        leave.save()
        audit.record(
            actor=actor,
            action="residency.leave_request_create",
            obj=leave,
            data={
                "leave_type": leave_type,
                "starts_on": starts_on,
                "ends_on": ends_on,
                "working_days": working,
                "reason": reason,
            },
        )
    return leave


def leave_request_transition(
    *,
    actor: Any,
    leaverequest: LeaveRequest,
    name: str,
    expected_version: int | None,
    today: datetime.date | None = None,
    **inputs: Any,
) -> LeaveRequest:
    """Take a step of the leave workflow (``residency.workflows``); an approval records the
    leave's days as days of leave, and the cadre is told."""
    from cunzhi.residency.workflows import LEAVE_WORKFLOW

    with transaction.atomic():
        leave = engine.take(
            workflow=LEAVE_WORKFLOW,
            actor=actor,
            obj=leaverequest,
            name=name,
            expected_version=expected_version,
            inputs=inputs,
            today=today,
        )
        if leave.state in (LeaveState.APPROVED, LeaveState.REJECTED) and name != "report_return":
            if leave.state == LeaveState.APPROVED:
                presence_record_leave(actor=actor, leave=leave)
            notify(
                recipients=[leave.dispatch.cadre.user],
                message=_("Your leave from %(start)s to %(end)s: %(state)s")
                % {
                    "start": leave.starts_on.isoformat(),
                    "end": leave.ends_on.isoformat(),
                    "state": leave.get_state_display(),
                },
                obj=leave,
                verb=str(leave.state),
            )
    return leave


# The compliance table's export


def compliance_export(
    *,
    actor: Any,
    region: Region,
    year: int,
    rows: list[ComplianceRow],
    filters: dict[str, str],
) -> None:
    """Record the export of the compliance table (rows the actor's scope gave), before it streams.

    The table holds no ID or phone numbers; the event keeps the year, the filters and the count.
    """
    scope = residency_scope(actor, "residency.view_dispatch")
    if isinstance(scope, tuple) and not (scope[0] or scope[1]):
        raise PermissionDenied("residency.view_dispatch")
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="residency.compliance_export",
            obj=region,
            region_code=region.code,
            data={"format": "xlsx", "year": year, "filters": filters, "rows": len(rows)},
        )


# Annual assessment (年度考核)

OPINION_FIELDS = {
    "township": ("township_opinion", "residency.township_opinion_assessment"),
    "unit": ("unit_opinion", "residency.unit_opinion_assessment"),
    "village": ("village_opinion", "residency.village_opinion_assessment"),
}


def verbose_name_of(field: str) -> str:
    """An assessment field's name as a person reads it."""
    return str(Assessment._meta.get_field(field).verbose_name)  # type: ignore[union-attr]


def assessment_open(*, actor: Any, dispatch: Dispatch, year: int) -> Assessment:
    """The county opens a dispatch's assessment for ``year`` (a year it served in)."""
    with transaction.atomic():
        if dispatch.starts_on.year > year or dispatch.last_day().year < year:
            raise ValidationError({"year": _("The dispatch did not serve in that year.")})
        if Assessment.objects.filter(dispatch=dispatch, year=year).exists():
            raise ValidationError({"year": _("That year's assessment is open already.")})
        assessment = Assessment(
            dispatch=dispatch, sending_unit_id=dispatch.sending_unit_id, region=dispatch.region,
            year=year,
        )  # fmt: skip
        return create_audited(actor=actor, obj=assessment, action="residency.assessment_open")


def assessment_opinion_give(
    *,
    actor: Any,
    assessment: Assessment,
    party: str,
    opinion: str,
    expected_version: int | None,
) -> Assessment:
    """The township's, the sending unit's or the village's opinion, each by its own people."""
    if party not in OPINION_FIELDS:
        raise ValidationError({"party": _("Unknown party.")})
    field, permission = OPINION_FIELDS[party]
    with transaction.atomic():
        _require(actor, permission, assessment.region_code, assessment.sending_unit_id)
        current = lock_current(assessment)
        check_version(current, expected_version)
        if current.grade:
            raise ValidationError(_("The grade is set: the opinions are closed."))
        if not opinion.strip():
            raise ValidationError({"opinion": _("Write the opinion.")})
        before = getattr(current, field)
        setattr(current, field, opinion.strip())
        current.full_clean()
        current.save()
        audit.record(
            actor=actor,
            action="residency.assessment_opinion_give",
            obj=current,
            data={
                "party": party,
                "changes": {field: [before, current.__dict__[field]]},
                "version": current.version,
            },
        )
    return current


def unexplained_absences(dispatch: Dispatch, year: int, on: datetime.date) -> tuple[int, int]:
    """(runs, days) of working days up to ``on`` with no approved leave and nobody in the village.

    A day counts when it is recorded absent or not recorded at all; consecutive working days of
    the kind are one absence (一次), as the grade caps count them.
    """
    try:
        working = year_working_days(year)
    except CalendarYearMissing as exc:
        raise ValidationError(str(exc), code="calendar") from exc
    start = max(dispatch.starts_on, datetime.date(year, 1, 1))
    end = min(dispatch.last_day(), datetime.date(year, 12, 31), on)
    explained = set(
        PresenceDay.objects.filter(dispatch=dispatch, date__range=(start, end))
        .exclude(kind=PresenceKind.ABSENT)
        .values_list("date", flat=True)
    )
    runs = days = 0
    previous_missing = False
    for day in working:
        if day < start or day > end:
            continue
        missing = day not in explained
        if missing:
            days += 1
            if not previous_missing:
                runs += 1
        previous_missing = missing
    return runs, days


def grade_cap(region_code: str, on: datetime.date, absences: int) -> tuple[str, str]:
    """(the best grade allowed, the worst) after ``absences`` unexplained absences."""
    caps = policy.get("residency.unexplained_absence_grade_caps", region_code=region_code, on=on)
    if absences >= int(caps["incompetent"]):
        return Grade.INCOMPETENT, Grade.INCOMPETENT
    if absences >= int(caps["at_most_basically_competent"]):
        return Grade.BASICALLY_COMPETENT, Grade.INCOMPETENT
    if absences >= int(caps["not_excellent"]):
        return Grade.COMPETENT, Grade.INCOMPETENT
    return Grade.EXCELLENT, Grade.INCOMPETENT


def assessment_grade(
    *,
    actor: Any,
    assessment: Assessment,
    grade: str,
    expected_version: int | None,
    today: datetime.date | None = None,
) -> Assessment:
    """The county organisation department's grade, within the caps of unexplained absences.

    Once: not excellent; twice: basically competent at best; three times: incompetent
    (DOMAIN.md section 1, ``residency.unexplained_absence_grade_caps``). An incompetent grade
    proposes a recall and tells the township.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        _require(actor, "residency.grade_assessment", assessment.region_code, None)
        current = lock_current(assessment)
        check_version(current, expected_version)
        if grade not in Grade.values:
            raise ValidationError({"grade": _("Choose a grade.")})
        missing = [
            verbose_name_of(field)
            for field, _permission in OPINION_FIELDS.values()
            if not getattr(current, field)
        ]
        if missing:
            raise ValidationError(
                _("Grade after every opinion is in; missing: %(missing)s.")
                % {"missing": "、".join(missing)}
            )
        on = min(today, datetime.date(current.year, 12, 31))
        runs, _days = unexplained_absences(current.dispatch, current.year, on)
        best, _worst = grade_cap(current.region_code, on, runs)
        if GRADE_ORDER.index(Grade(grade)) < GRADE_ORDER.index(Grade(best)):
            raise ValidationError(
                {
                    "grade": _(
                        "%(n)s unexplained absences this year: the grade can be at best “%(best)s”."
                    )
                    % {"n": runs, "best": Grade(best).label}
                }
            )
        before = current.grade
        current.grade = grade
        current.unexplained_absences = runs
        current.graded_on = today
        current.recall_proposed = grade == Grade.INCOMPETENT
        current.full_clean()
        current.save()
        if current.recall_proposed and current.dispatch.status == DispatchStatus.SERVING:
            if not current.dispatch.recalls.filter(
                state__in=[RecallState.PROPOSED, RecallState.REPLACEMENT_NAMED]
            ).exists():
                recall_start(
                    actor=actor,
                    dispatch=current.dispatch,
                    reason=str(_("Graded incompetent for %(year)s.") % {"year": current.year}),
                )
            township = current.region_code[:9] + "000"
            leaders = User.objects.filter(
                posts__in=Post.objects.active().filter(
                    role__in=[Role.TOWNSHIP_LEADER, Role.COUNTY_ORG_DEPT],
                    region_code__in=[township, current.region_code[:6] + "000000"],
                )
            ).distinct()
            notify(
                recipients=list(leaders),
                message=_("%(cadre)s was graded incompetent for %(year)s: a recall is proposed.")
                % {"cadre": current.dispatch.cadre, "year": current.year},
                obj=current,
                verb="recall_proposed",
            )
        audit.record(
            actor=actor,
            action="residency.assessment_grade",
            obj=current,
            data={
                "changes": {"grade": [before, grade]},
                "unexplained_absences": runs,
                "best_allowed": best,
                "recall_proposed": current.recall_proposed,
                "version": current.version,
            },
        )
    return current


# Recall and replacement (召回)


def recall_start(*, actor: Any, dispatch: Dispatch, reason: str) -> Recall:
    """The township or the county calls a serving cadre back, with a reason; the unit is told."""
    with transaction.atomic():
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


def diary_entry_write(
    *, actor: Any, date: datetime.date, text: str, today: datetime.date | None = None
) -> DiaryEntry:
    """The cadre's own entry for a day of their dispatch, today or before."""
    today = today or timezone.localdate()
    with transaction.atomic():
        dispatch = _own_dispatch(actor, today)
        if date > today:
            raise ValidationError({"date": _("Write about a day that has come.")})
        if date < dispatch.starts_on:
            raise ValidationError({"date": _("The dispatch had not started on that day.")})
        if not text.strip():
            raise ValidationError({"text": _("Write what happened.")})
        entry = DiaryEntry(
            dispatch=dispatch, sending_unit_id=dispatch.sending_unit_id, region=dispatch.region,
            date=date, text=text.strip(),
        )  # fmt: skip
        return create_audited(actor=actor, obj=entry, action="residency.diary_entry_write")


def diary_entry_update(
    *, actor: Any, entry: DiaryEntry, text: str, expected_version: int | None
) -> DiaryEntry:
    """The author corrects their entry; nobody else writes in a cadre's diary."""
    with transaction.atomic():
        if entry.dispatch.cadre.user_id != getattr(actor, "pk", None):
            raise PermissionDenied("residency.change_diaryentry")
        if not text.strip():
            raise ValidationError({"text": _("Write what happened.")})
        return update_audited(
            actor=actor,
            obj=entry,
            changes={"text": text.strip()},
            expected_version=expected_version,
            action="residency.diary_entry_update",
        )


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
