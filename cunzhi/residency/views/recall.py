"""Recall and replacement (召回)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cunzhi.core.forms import submit
from cunzhi.core.scoping import get_in_scope
from cunzhi.residency import services
from cunzhi.residency.forms import (
    RecallForm,
)
from cunzhi.residency.models import (
    Dispatch,
    Recall,
)
from cunzhi.residency.scoping import may


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
