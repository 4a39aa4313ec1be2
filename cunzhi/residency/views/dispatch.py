"""A dispatch's page, and the county's dispatch of a cadre."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cunzhi.core.calendar import CalendarYearMissing
from cunzhi.core.forms import submit
from cunzhi.core.scoping import get_in_scope
from cunzhi.residency import selectors, services
from cunzhi.residency.compliance import compliance_rows
from cunzhi.residency.forms import (
    DispatchForm,
)
from cunzhi.residency.models import (
    Dispatch,
    SupportYear,
)
from cunzhi.residency.scoping import may


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
                "The person needs an account (the county administrator makes it). The dispatch "
                "gives them the first secretary's or work-team member's post at the village, "
                "which ends with the dispatch. The term's planned end follows the county's rule."
            ),
            "back_url": reverse("residency:compliance"),
        },
    )
