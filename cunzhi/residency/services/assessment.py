"""The annual assessment: opinions, the grade and its caps by absences."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cunzhi.accounts.models import Post, Role, User
from cunzhi.audit import services as audit
from cunzhi.core import policy
from cunzhi.core.calendar import (
    CalendarYearMissing,
    year_working_days,
)
from cunzhi.core.inbox.services import notify
from cunzhi.core.writes import (
    check_version,
    create_audited,
    lock_current,
)
from cunzhi.residency.models import (
    GRADE_ORDER,
    Assessment,
    Dispatch,
    DispatchStatus,
    Grade,
    PresenceDay,
    PresenceKind,
    RecallState,
)
from cunzhi.residency.services.common import _require
from cunzhi.residency.services.recall import recall_start

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
        _require(actor, "residency.add_assessment", dispatch.region_code, None)
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
