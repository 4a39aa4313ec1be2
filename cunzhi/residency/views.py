"""The residency pages: check-in, missed days, corrections, leave, the compliance table."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from cunzhi.accounts.scopes import has_permission_anywhere
from cunzhi.accounts.selectors import posts_for_switcher
from cunzhi.core.calendar import CalendarYearMissing
from cunzhi.core.exports import export_response, list_export_view
from cunzhi.core.forms import submit
from cunzhi.core.lists import render_list
from cunzhi.core.regioncodes import Level
from cunzhi.core.scoping import get_in_scope
from cunzhi.core.xlsx import xlsx_stream
from cunzhi.regions.models import Region
from cunzhi.residency import report, selectors, services
from cunzhi.residency.compliance import compliance_rows
from cunzhi.residency.forms import (
    AssessmentOpenForm,
    CheckInForm,
    ComplianceFilter,
    CorrectForm,
    DiaryEditForm,
    DiaryForm,
    DispatchForm,
    FillForm,
    GradeForm,
    LeaveForm,
    MeetingForm,
    OpinionForm,
    RecallForm,
    SpendingForm,
    SupportForm,
    SupportOpenForm,
    TrainingForm,
    month_of,
)
from cunzhi.residency.lists import SUPPORT
from cunzhi.residency.models import (
    Assessment,
    DiaryEntry,
    Dispatch,
    Grade,
    LeaveRequest,
    LeaveState,
    Recall,
    SupportYear,
)
from cunzhi.residency.scoping import may


@login_required
@require_POST
def check_in(request: HttpRequest) -> HttpResponse:
    """The home page's one tap; the position comes from the browser when it may give it."""
    form = CheckInForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The position sent was not valid; nothing was recorded."))
        return redirect("core:home")
    try:
        day, changed = services.presence_check_in(actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("core:home")
    if not changed:
        messages.info(
            request, _("Today is recorded already: %(kind)s.") % {"kind": day.get_kind_display()}
        )
    elif day.far_from_village:
        messages.warning(
            request,
            _(
                "Checked in. Your position is %(m)s m from the village office: the township "
                "will see it."
            )
            % {"m": day.distance_m},
        )
    else:
        messages.success(request, _("Checked in for today."))
    return redirect("core:home")


@login_required
def presence_fill(request: HttpRequest) -> HttpResponse:
    form = FillForm(request.POST or None)
    if request.method == "POST" and submit(
        form, lambda data: services.presence_fill(actor=request.user, **data)
    ):
        messages.success(request, _("The day was recorded."))
        return redirect("core:home")
    return render(
        request,
        "residency/form.html",
        {"form": form, "title": _("Fill in a missed day"), "back_url": reverse("core:home")},
    )


@login_required
def presence_correct(request: HttpRequest, pk: int) -> HttpResponse:
    dispatch = get_in_scope(
        Dispatch.objects.select_related("cadre__user", "region"), request.user, "view", pk=pk
    )
    if not may(
        request.user, "residency.change_presenceday", dispatch.region_code, dispatch.sending_unit_id
    ):
        raise PermissionDenied
    form = CorrectForm(request.POST or None)
    if request.method == "POST" and submit(
        form, lambda data: services.presence_correct(actor=request.user, dispatch=dispatch, **data)
    ):
        messages.success(request, _("The day was corrected."))
        return redirect(dispatch.get_absolute_url())
    return render(
        request,
        "residency/form.html",
        {
            "form": form,
            "title": _("Correct a day"),
            "record": dispatch,
            "back_url": dispatch.get_absolute_url(),
        },
    )


@login_required
def dispatch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dispatch = get_in_scope(
        Dispatch.objects.select_related("cadre__user", "region", "sending_unit", "replaced_by"),
        request.user,
        "view",
        pk=pk,
    )
    today = timezone.localdate()
    context: dict[str, Any] = {
        "nav_active": "residency",
        "dispatch": dispatch,
        "days": selectors.recent_days(dispatch),
        "leaves": dispatch.leaves.order_by("-starts_on")[:20],
        "assessments": dispatch.assessments.order_by("-year"),
        "recalls": dispatch.recalls.all(),
        "can_recall": dispatch.status == "serving"
        and may(request.user, "residency.add_recall", dispatch.region_code, None),
        "can_assess": may(request.user, "residency.add_assessment", dispatch.region_code, None),
        "this_year": today.year,
        "support_years": SupportYear.objects.for_user(request.user, "view")
        .filter(dispatch=dispatch)
        .order_by("-year"),
        "can_see_support": may(
            request.user,
            "residency.view_supportyear",
            dispatch.region_code,
            dispatch.sending_unit_id,
        ),
        "can_open_support": may(
            request.user,
            "residency.add_supportyear",
            dispatch.region_code,
            dispatch.sending_unit_id,
        ),
        "can_correct": may(
            request.user,
            "residency.change_presenceday",
            dispatch.region_code,
            dispatch.sending_unit_id,
        ),
    }
    try:
        rows = compliance_rows(Dispatch.objects.filter(pk=dispatch.pk), today.year, on=today)
        context["row"] = rows[0] if rows else None
    except CalendarYearMissing as exc:
        context["calendar_error"] = str(exc)
    return render(request, "residency/dispatch.html", context)


def _filter_regions(user: Any) -> list[Region]:
    return list(
        Region.objects.for_user(user, "view")
        .filter(level__in=[Level.COUNTY, Level.TOWNSHIP])
        .order_by("code")[:200]
    )


@login_required
def compliance(request: HttpRequest) -> HttpResponse:
    """The compliance table of every cadre in scope, worst first (township, county, unit)."""
    form = ComplianceFilter(request.GET or None, regions=_filter_regions(request.user))
    today = timezone.localdate()
    year, region, status = today.year, "", ""
    if form.is_bound and form.is_valid():
        year = form.cleaned_data["year"] or year
        region = form.cleaned_data["region"]
        status = form.cleaned_data["status"]
    context: dict[str, Any] = {
        "nav_active": "residency",
        "form": form,
        "year": year,
        "rows": [],
        "can_dispatch": has_permission_anywhere(request.user, "residency.add_dispatch"),
        "can_see_support": has_permission_anywhere(request.user, "residency.view_supportyear"),
    }
    try:
        context["rows"] = selectors.compliance_table(
            request.user, year, region_code=region, status=status, on=today
        )
    except CalendarYearMissing as exc:
        context["calendar_error"] = str(exc)
    template = "residency/compliance.html#table" if request.htmx else "residency/compliance.html"  # type: ignore[attr-defined]
    return render(request, template, context)


EXPORT_COLUMNS = (
    (_lazy("Cadre"), 12),
    (_lazy("Role"), 12),
    (_lazy("Village"), 14),
    (_lazy("Sending unit"), 20),
    (_lazy("Status"), 14),
    (_lazy("Working days so far"), 10),
    (_lazy("Days in the village"), 10),
    (_lazy("Share (%)"), 10),
    (_lazy("Required (%)"), 10),
    (_lazy("Days still needed"), 10),
    (_lazy("Working days left"), 10),
    (_lazy("Unexplained days"), 10),
)


@login_required
@require_POST
def compliance_export(request: HttpRequest) -> HttpResponseBase:
    """The table as filtered, to Excel; audited (``residency.compliance_export``)."""
    form = ComplianceFilter(request.POST, regions=_filter_regions(request.user))
    today = timezone.localdate()
    if not form.is_valid():
        messages.error(request, _("The filters were not valid; nothing was exported."))
        return redirect("residency:compliance")
    year = form.cleaned_data["year"] or today.year
    code, status = form.cleaned_data["region"], form.cleaned_data["status"]
    _posts, post = posts_for_switcher(request)
    region = Region.objects.filter(code=code).first() if code else (post.region if post else None)
    try:
        rows = selectors.compliance_table(
            request.user, year, region_code=code, status=status, on=today
        )
    except CalendarYearMissing as exc:
        messages.error(request, str(exc))
        return redirect("residency:compliance")
    if region is None:
        raise PermissionDenied
    filters = {k: str(v) for k, v in (("region", code), ("status", status)) if v}
    services.compliance_export(
        actor=request.user, region=region, year=year, rows=rows, filters=filters
    )
    sheet = [
        [
            str(row.dispatch.cadre),
            row.dispatch.get_role_display(),
            row.dispatch.region.name,
            row.dispatch.sending_unit.name,
            row.status_label,
            row.working_days_so_far,
            row.in_village_days,
            row.share_percent,
            row.required_percent,
            row.days_still_needed,
            row.remaining_working_days,
            row.unexplained_days,
        ]
        for row in rows
    ]
    chunks = xlsx_stream(
        [str(label) for label, _width in EXPORT_COLUMNS],
        [sheet],
        sheet_name=_("Time in the village"),
        widths=[width for _label, width in EXPORT_COLUMNS],
    )
    return export_response(chunks, f"residency-{year}.xlsx")


@login_required
def leave_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    if state not in LeaveState.values:
        state = ""
    leaves = selectors.leave_list(request.user, state=state)[:100]
    context = {
        "nav_active": "residency",
        "leaves": leaves,
        "state": state,
        "states": LeaveState.choices,
        "can_request": services.serving_dispatch(request.user, timezone.localdate()) is not None,
    }
    return render(request, "residency/leaves.html", context)


@login_required
def leave_create(request: HttpRequest) -> HttpResponse:
    form = LeaveForm(request.POST or None)
    if request.method == "POST":
        leave = submit(form, lambda data: services.leave_request_create(actor=request.user, **data))
        if leave is not None:
            messages.success(request, _("Your request was sent for approval."))
            return redirect(leave.get_absolute_url())
    return render(
        request,
        "residency/form.html",
        {
            "form": form,
            "title": _("Ask for leave"),
            "intro": _(
                "Up to three working days are approved by the township, longer leave by the "
                "county organisation department (the county may set other limits)."
            ),
            "back_url": reverse("residency:leaves"),
        },
    )


@login_required
def leave_detail(request: HttpRequest, pk: int) -> HttpResponse:
    leave = get_in_scope(
        LeaveRequest.objects.select_related("dispatch__cadre__user", "region"),
        request.user,
        "view",
        pk=pk,
    )
    return render(request, "residency/leave.html", {"nav_active": "residency", "leave": leave})


# Annual assessment


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


# Recall and replacement


@login_required
@require_POST
def recall_start(request: HttpRequest, pk: int) -> HttpResponse:
    dispatch = get_in_scope(Dispatch.objects.all(), request.user, "view", pk=pk)
    if not may(request.user, "residency.add_recall", dispatch.region_code, None):
        raise PermissionDenied
    form = RecallForm(request.POST)
    recall = submit(
        form, lambda data: services.recall_start(actor=request.user, dispatch=dispatch, **data)
    )
    if recall is None:
        messages.error(request, " ".join(str(e) for e in form.errors.values()))
        return redirect(dispatch.get_absolute_url())
    messages.success(request, _("The recall was started; the sending unit is told."))
    return redirect(recall.get_absolute_url())


@login_required
def recall_detail(request: HttpRequest, pk: int) -> HttpResponse:
    recall = get_in_scope(
        Recall.objects.select_related(
            "dispatch__cadre__user", "region", "sending_unit", "replacement__user", "new_dispatch"
        ),
        request.user,
        "view",
        pk=pk,
    )
    return render(request, "residency/recall.html", {"nav_active": "residency", "recall": recall})


@login_required
def dispatch_create(request: HttpRequest) -> HttpResponse:
    """The county organisation department dispatches a cadre to a village."""
    form = DispatchForm(request.POST or None, user=request.user)
    if request.method == "POST":
        dispatch = submit(
            form,
            lambda data: services.cadre_dispatch(
                actor=request.user, user=data.pop("username"), **data
            ),
        )
        if dispatch is not None:
            messages.success(request, _("The cadre was dispatched."))
            return redirect(dispatch.get_absolute_url())
    return render(
        request,
        "residency/form.html",
        {
            "form": form,
            "title": _("Dispatch a cadre"),
            "intro": _(
                "The person needs an account with a first secretary's or work-team member's "
                "post at the village (People). The term's planned end follows the county's rule."
            ),
            "back_url": reverse("residency:compliance"),
        },
    )


# Work diary


@login_required
def diary(request: HttpRequest, pk: int) -> HttpResponse:
    """A dispatch's diary by month, with the month's summary; the cadre writes here."""
    dispatch = get_in_scope(
        Dispatch.objects.select_related("cadre__user", "region"), request.user, "view", pk=pk
    )
    first = month_of(request.GET.get("month"))
    own = dispatch.cadre.user_id == request.user.pk and dispatch.status == "serving"
    form = DiaryForm(request.POST or None, initial={"date": timezone.localdate()}) if own else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        entry = submit(form, lambda data: services.diary_entry_write(actor=request.user, **data))
        if entry is not None:
            messages.success(request, _("The entry was written. Add photos to it here."))
            return redirect(entry.get_absolute_url())
    context = {
        "nav_active": "residency",
        "month": selectors.diary_month(dispatch, first),
        "form": form,
    }
    return render(request, "residency/diary.html", context)


@login_required
def diaryentry(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_in_scope(
        DiaryEntry.objects.select_related("dispatch__cadre__user", "region"),
        request.user,
        "view",
        pk=pk,
    )
    own = entry.dispatch.cadre.user_id == request.user.pk
    form = DiaryEditForm(request.POST or None, version=entry.version, initial={"text": entry.text})
    if request.method == "POST":
        if not own:
            raise PermissionDenied
        if submit(
            form,
            lambda data: services.diary_entry_update(actor=request.user, entry=entry, **data),
        ):
            messages.success(request, _("The entry was corrected."))
            return redirect(entry.get_absolute_url())
    context = {"nav_active": "residency", "entry": entry, "form": form if own else None}
    return render(request, "residency/diaryentry.html", context)


# The support ledger (保障台账)


def _support(request: HttpRequest, pk: int) -> SupportYear:
    return get_in_scope(
        SupportYear.objects.select_related(
            "dispatch__cadre__user", "region", "sending_unit", "paired_leader"
        ),
        request.user,
        "view",
        pk=pk,
    )


def _support_initial(support: SupportYear) -> dict[str, Any]:
    initial = {name: getattr(support, name) for name in services.SUPPORT_FIELDS}
    initial["paired_leader"] = support.paired_leader_id
    return initial


def _support_context(request: HttpRequest, support: SupportYear, **forms: Any) -> dict[str, Any]:
    user, code, unit = request.user, support.region_code, support.sending_unit_id
    can_edit = may(user, "residency.change_supportyear", code, unit)
    form = None
    if can_edit:
        form = forms.get("ledger") or SupportForm(
            version=support.version,
            initial=_support_initial(support),
            leaders=services.township_leaders(support.dispatch),
        )
    spending = list(support.spending.all())
    context: dict[str, Any] = {
        "nav_active": "residency",
        "support": support,
        "gaps": support.gaps(timezone.localdate()),
        "form": form,
        "spending": spending,
        "spent": sum((item.amount_yuan for item in spending), Decimal(0)),
        "meetings": support.meetings.all(),
        "training": support.training.all(),
        "spending_form": forms.get("spending")
        or (SpendingForm() if may(user, "residency.add_fundspending", code, unit) else None),
        "meeting_form": forms.get("meeting")
        or (MeetingForm() if may(user, "residency.add_pairingmeeting", code, unit) else None),
        "training_form": forms.get("training")
        or (TrainingForm() if may(user, "residency.add_trainingrecord", code, unit) else None),
    }
    return context


@login_required
def support_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A dispatch's year of support; its contact and the county write here."""
    support = _support(request, pk)
    if request.method != "POST":
        return render(request, "residency/support.html", _support_context(request, support))
    if not may(
        request.user, "residency.change_supportyear", support.region_code, support.sending_unit_id
    ):
        raise PermissionDenied
    form = SupportForm(
        request.POST,
        version=support.version,
        initial=_support_initial(support),
        leaders=services.township_leaders(support.dispatch),
    )
    saved = submit(
        form,
        lambda data: services.support_update(
            actor=request.user,
            support=support,
            expected_version=data.pop("expected_version", None),
            changes=data,
        ),
    )
    if saved is not None:
        messages.success(request, _("The support ledger was saved."))
        return redirect(saved.get_absolute_url())
    context = _support_context(request, support, ledger=form)
    return render(request, "residency/support.html", context, status=422)


_SUPPORT_ITEMS: dict[str, tuple[Any, str, Any, str]] = {
    "spending": (
        SpendingForm,
        "residency.add_fundspending",
        services.support_spending_add,
        "spending",
    ),
    "meetings": (
        MeetingForm,
        "residency.add_pairingmeeting",
        services.support_meeting_add,
        "meeting",
    ),
    "training": (
        TrainingForm,
        "residency.add_trainingrecord",
        services.support_training_add,
        "training",
    ),
}


@login_required
@require_POST
def support_item_add(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Add a spending item, a pairing meeting or a training record to the ledger."""
    if kind not in _SUPPORT_ITEMS:
        raise Http404("No such item.")
    form_class, permission, service, name = _SUPPORT_ITEMS[kind]
    support = _support(request, pk)
    if not may(request.user, permission, support.region_code, support.sending_unit_id):
        raise PermissionDenied
    form = form_class(request.POST)
    if submit(form, lambda data: service(actor=request.user, support=support, **data)):
        messages.success(request, _("Added to the support ledger."))
        return redirect(support.get_absolute_url())
    context = _support_context(request, support, **{name: form})
    return render(request, "residency/support.html", context, status=422)


@login_required
@require_POST
def support_open(request: HttpRequest, pk: int) -> HttpResponse:
    dispatch = get_in_scope(Dispatch.objects.all(), request.user, "view", pk=pk)
    form = SupportOpenForm(request.POST)
    if form.is_valid():
        year = form.cleaned_data["year"]
        existing = SupportYear.objects.filter(dispatch=dispatch, year=year).first()
        if existing is not None:  # opened already: the page of that year
            return redirect(existing.get_absolute_url())
    support = submit(
        form, lambda data: services.support_open(actor=request.user, dispatch=dispatch, **data)
    )
    if support is None:
        messages.error(request, " ".join(str(e) for e in form.errors.values()))
        return redirect(dispatch.get_absolute_url())
    return redirect(support.get_absolute_url())


def _list_region(request: HttpRequest) -> Region:
    _posts, post = posts_for_switcher(request)
    if post is None:
        raise PermissionDenied
    return post.region  # type: ignore[no-any-return]


@login_required
def support_list(request: HttpRequest) -> HttpResponse:
    """Every ledger in scope with what it lacks (county, township, the unit's own)."""
    if not has_permission_anywhere(request.user, "residency.view_supportyear"):
        raise PermissionDenied
    context = {"nav_active": "residency", "list_export_form": "support-export"}
    return render_list(request, SUPPORT, "residency/support_list.html", context)


@login_required
@require_POST
def support_export(request: HttpRequest) -> HttpResponseBase:
    """The filtered ledgers as .xlsx (audited, ``residency.support_export``)."""
    region = _list_region(request)
    return list_export_view(
        request,
        SUPPORT,
        obj=region,
        region_code=region.code,
        filename="驻村保障台账.xlsx",
        back=reverse("residency:support_list"),
    )


# The year report (述职), printable


@login_required
def year_report(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """The dispatch's year as an A4 PDF in Chinese, for whoever sees the dispatch."""
    dispatch = get_in_scope(
        Dispatch.objects.select_related("cadre__user", "region", "sending_unit"),
        request.user,
        "view",
        pk=pk,
    )
    if not 2000 <= year <= 2100 or dispatch.starts_on.year > year:
        raise Http404("The dispatch did not serve in that year.")
    try:
        data = report.year_report_pdf(report.year_report(dispatch, year))
    except CalendarYearMissing as exc:
        return HttpResponse(str(exc), status=422, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        content_disposition_header(
            as_attachment=False, filename=f"述职报告-{year}-{dispatch.cadre}.pdf"
        )
        or ""
    )
    return response
