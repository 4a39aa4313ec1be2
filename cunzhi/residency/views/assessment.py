"""The annual assessment (年度考核)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cunzhi.core.calendar import CalendarYearMissing
from cunzhi.core.forms import submit
from cunzhi.core.scoping import get_in_scope
from cunzhi.residency import services
from cunzhi.residency.compliance import compliance_rows
from cunzhi.residency.forms import (
    AssessmentOpenForm,
    GradeForm,
    OpinionForm,
)
from cunzhi.residency.models import (
    Assessment,
    Dispatch,
    Grade,
)
from cunzhi.residency.scoping import may


@login_required
@require_POST
def assessment_open(request: HttpRequest, pk: int) -> HttpResponse:
    dispatch = get_in_scope(Dispatch.objects.all(), request.user, "view", pk=pk)
    form = AssessmentOpenForm(request.POST)
    assessment = submit(
        form,
        lambda data: services.assessment_open(actor=request.user, dispatch=dispatch, **data),
    )
    if assessment is None:
        messages.error(request, " ".join(str(e) for e in form.errors.values()))
        return redirect(dispatch.get_absolute_url())
    return redirect(assessment.get_absolute_url())


def _assessment(request: HttpRequest, pk: int) -> Assessment:
    return get_in_scope(
        Assessment.objects.select_related("dispatch__cadre__user", "region", "sending_unit"),
        request.user,
        "view",
        pk=pk,
    )


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    return render(request, "residency/assessment.html", _assessment_context(request, assessment))


def _assessment_context(
    request: HttpRequest, assessment: Assessment, **forms: Any
) -> dict[str, Any]:
    user, code, unit = request.user, assessment.region_code, assessment.sending_unit_id
    opinions = []
    for party, (field, permission) in services.OPINION_FIELDS.items():
        form = None
        if not assessment.grade and may(user, permission, code, unit):
            form = forms.get(party) or OpinionForm(
                version=assessment.version, initial={"opinion": getattr(assessment, field)}
            )
        label = services.verbose_name_of(field)
        opinions.append((party, label, getattr(assessment, field), form))
    grade_form = None
    if may(user, "residency.grade_assessment", code, None):
        grade_form = forms.get("grade") or GradeForm(
            version=assessment.version, initial={"grade": assessment.grade}
        )
    today = timezone.localdate()
    context: dict[str, Any] = {
        "nav_active": "residency",
        "assessment": assessment,
        "opinions": opinions,
        "grade_form": grade_form,
    }
    try:
        on = min(today, datetime.date(assessment.year, 12, 31))
        runs, days = services.unexplained_absences(assessment.dispatch, assessment.year, on)
        best, _worst = services.grade_cap(code, on, runs)
        context.update(absences=runs, absent_days=days, best_grade=Grade(best).label)
        rows = compliance_rows(
            Dispatch.objects.filter(pk=assessment.dispatch_id), assessment.year, on=on
        )
        context["row"] = rows[0] if rows else None
    except (ValidationError, CalendarYearMissing) as exc:
        context["calendar_error"] = " ".join(getattr(exc, "messages", [str(exc)]))
    return context


@login_required
@require_POST
def assessment_opinion(request: HttpRequest, pk: int, party: str) -> HttpResponse:
    assessment = _assessment(request, pk)
    if party not in services.OPINION_FIELDS:
        raise Http404("No such party.")
    _field, permission = services.OPINION_FIELDS[party]
    if not may(request.user, permission, assessment.region_code, assessment.sending_unit_id):
        raise PermissionDenied
    form = OpinionForm(request.POST, version=assessment.version)
    saved = submit(
        form,
        lambda data: services.assessment_opinion_give(
            actor=request.user, assessment=assessment, party=party, **data
        ),
    )
    if saved is not None:
        messages.success(request, _("The opinion was saved."))
        return redirect(saved.get_absolute_url())
    context = _assessment_context(request, assessment, **{party: form})
    return render(request, "residency/assessment.html", context, status=422)


@login_required
@require_POST
def assessment_grade(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    if not may(request.user, "residency.grade_assessment", assessment.region_code, None):
        raise PermissionDenied
    form = GradeForm(request.POST, version=assessment.version)
    saved = submit(
        form,
        lambda data: services.assessment_grade(actor=request.user, assessment=assessment, **data),
    )
    if saved is not None:
        messages.success(request, _("The grade was set."))
        return redirect(saved.get_absolute_url())
    context = _assessment_context(request, assessment, grade=form)
    return render(request, "residency/assessment.html", context, status=422)
