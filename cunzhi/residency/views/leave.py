"""Leave requests (请销假)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cunzhi.core.forms import submit
from cunzhi.core.scoping import get_in_scope
from cunzhi.residency import selectors, services
from cunzhi.residency.forms import (
    LeaveForm,
)
from cunzhi.residency.models import (
    LeaveRequest,
    LeaveState,
)


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
