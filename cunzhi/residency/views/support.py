"""The sending unit's support ledger (保障台账)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cunzhi.accounts.scopes import has_permission_anywhere
from cunzhi.accounts.selectors import posts_for_switcher
from cunzhi.core.exports import list_export_view
from cunzhi.core.forms import submit
from cunzhi.core.lists import render_list
from cunzhi.core.scoping import get_in_scope
from cunzhi.regions.models import Region
from cunzhi.residency import services
from cunzhi.residency.forms import (
    MeetingForm,
    SpendingForm,
    SupportForm,
    SupportOpenForm,
    TrainingForm,
)
from cunzhi.residency.lists import SUPPORT
from cunzhi.residency.models import (
    Dispatch,
    SupportYear,
)
from cunzhi.residency.scoping import may


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
