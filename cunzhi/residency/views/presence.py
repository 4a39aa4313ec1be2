"""The cadre's day: the check-in, a missed day filled in, the township's correction."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cunzhi.core.forms import submit
from cunzhi.core.scoping import get_in_scope
from cunzhi.residency import services
from cunzhi.residency.forms import (
    CheckInForm,
    CorrectForm,
    FillForm,
)
from cunzhi.residency.models import (
    Dispatch,
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
