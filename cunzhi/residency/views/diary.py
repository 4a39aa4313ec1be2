"""The work diary (民情日记)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cunzhi.core.forms import submit
from cunzhi.core.scoping import get_in_scope
from cunzhi.residency import selectors, services
from cunzhi.residency.forms import (
    DiaryEditForm,
    DiaryForm,
    month_of,
)
from cunzhi.residency.models import (
    DiaryEntry,
    Dispatch,
)


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
