"""The demand pages: the list with filters, a demand with its workflow panel, registering, the
cadre's phone block, statistics, the escalated queue and the villager's public page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cunzhi.accounts.selectors import posts_for_switcher
from cunzhi.accounts.signin import client_address
from cunzhi.core.exports import export_response, list_export
from cunzhi.core.forms import apply_validation_error, submit
from cunzhi.core.lists import render_list
from cunzhi.core.ratelimit import RateLimited
from cunzhi.core.scoping import has_permission_anywhere, has_permission_at
from cunzhi.demands import selectors, services
from cunzhi.demands.forms import (
    AssignForm,
    DemandEditForm,
    DemandForm,
    MergeForm,
    VillagerReplyForm,
)
from cunzhi.demands.lists import DEMANDS
from cunzhi.demands.models import Demand, DemandState
from cunzhi.regions.models import Region
from cunzhi.regions.selectors import region_get

PAGE_SIZE = 30


def _crumbs(region: Region) -> list[dict[str, str]]:
    from django.urls import reverse

    return [
        {"name": region.name, "url": reverse("regions:detail", args=[region.code])},
        {"name": _("Demands"), "url": ""},
    ]


@login_required
def demand_list_view(request: HttpRequest, code: str) -> HttpResponse:
    region = region_get(request.user, code)
    if not has_permission_at(request.user, "demands.view_demand", region.code):
        raise Http404
    context = {
        "region": region,
        "can_add": region.is_village
        and has_permission_at(request.user, "demands.add_demand", region.code),
        "list_export_form": "demand-export",
        "breadcrumbs": _crumbs(region),
        "nav_active": "demands",
    }
    return render_list(request, DEMANDS, "demands/list.html", context, region=region)


@login_required
@require_POST
def demand_export_view(request: HttpRequest, code: str) -> HttpResponseBase:
    """The filtered demands as .xlsx, streamed; every export is audited (core.exports)."""
    region = region_get(request.user, code)
    if not has_permission_at(request.user, "demands.view_demand", region.code):
        raise Http404
    chunks = list_export(
        actor=request.user, spec=DEMANDS, obj=region, region_code=region.code,
        params=request.POST, region=region,
    )  # fmt: skip
    return export_response(chunks, f"demands-{region.code}.xlsx")


@login_required
def demand_create_view(request: HttpRequest, code: str) -> HttpResponse:
    village = region_get(request.user, code)
    if not village.is_village:
        raise Http404
    if not has_permission_at(request.user, "demands.add_demand", village.code):
        if has_permission_at(request.user, "demands.view_demand", village.code):
            raise PermissionDenied
        raise Http404
    initial = {"source": request.GET.get("source", "walk_in")}
    if request.GET.get("household", "").isdigit():
        initial["household"] = request.GET["household"]
    form = DemandForm(
        request.POST or None,
        initial=initial,
        village=village,
        user=request.user,
        cadres=selectors.cadres_for(village),
    )
    if request.method == "POST":
        demand = submit(
            form,
            lambda data: services.demand_create(actor=request.user, village=village, **data),
        )
        if demand is not None:
            messages.success(
                request,
                _("Demand registered. Give the villager the follow-up code %(code)s.")
                % {"code": demand.code},
            )
            return redirect(demand)
    return render(
        request,
        "demands/form.html",
        {
            "form": form,
            "title": _("Register a demand"),
            "region": village,
            "breadcrumbs": _crumbs(village),
            "nav_active": "demands",
        },
    )


@login_required
def demand_detail(request: HttpRequest, pk: int) -> HttpResponse:
    demand = selectors.demand_get(request.user, pk)
    can_change = demand.is_open and has_permission_at(
        request.user, "demands.change_demand", demand.region_code
    )
    context: dict[str, Any] = {
        "demand": demand,
        "can_change": can_change,
        "absorbed": list(demand.absorbed.only("pk", "code", "title")),
        "breadcrumbs": _crumbs(demand.region),
        "nav_active": "demands",
    }
    if can_change:
        context["assign_form"] = AssignForm(
            version=demand.version,
            cadres=selectors.cadres_for(demand.region),
            initial={"assignee": demand.assignee_id},
        )
        context["merge_form"] = MergeForm(version=demand.version)
    return render(request, "demands/demand.html", context)


def _for_change(request: HttpRequest, pk: int) -> Demand:
    demand = selectors.demand_get(request.user, pk)
    if not has_permission_at(request.user, "demands.change_demand", demand.region_code):
        raise PermissionDenied
    return demand


@login_required
def demand_edit(request: HttpRequest, pk: int) -> HttpResponse:
    demand = _for_change(request, pk)
    form = DemandEditForm(request.POST or None, instance=Demand.objects.get(pk=demand.pk))
    if request.method == "POST" and submit(
        form,
        lambda data: services.demand_update(actor=request.user, demand=demand, **data),
    ):
        messages.success(request, _("Saved."))
        return redirect(demand)
    return render(
        request,
        "demands/form.html",
        {
            "form": form,
            "title": _("Change the demand"),
            "region": demand.region,
            "breadcrumbs": _crumbs(demand.region),
            "nav_active": "demands",
        },
    )


@login_required
@require_POST
def demand_assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand = _for_change(request, pk)
    form = AssignForm(
        request.POST, version=demand.version, cadres=selectors.cadres_for(demand.region)
    )
    if submit(form, lambda data: services.demand_assign(actor=request.user, demand=demand, **data)):
        messages.success(request, _("Assigned."))
    else:
        messages.error(request, " ".join(str(e) for e in form.errors.values()))
    return redirect(demand)


@login_required
@require_POST
def demand_merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand = _for_change(request, pk)
    form = MergeForm(request.POST, version=demand.version)

    def merge(data: dict[str, Any]) -> Demand:
        into = (
            Demand.objects.for_user(request.user, "change")
            .filter(code=data["into"].strip().upper())
            .first()
        )
        if into is None:
            raise ValidationError({"into": [_("No open demand of yours has this code.")]})
        return services.demand_merge(
            actor=request.user,
            demand=demand,
            into=into,
            expected_version=data["expected_version"],
        )

    if submit(form, merge):
        messages.success(request, _("Merged."))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect(demand)


@login_required
def my_demands(request: HttpRequest) -> HttpResponse:
    """The cadre's phone block: visits due, my open demands, one tap to a new visit or demand."""
    _posts, post = posts_for_switcher(request)
    context: dict[str, Any] = {
        "post": post,
        "demands": list(selectors.my_open_demands(request.user)[:50]),
        "today": timezone.localdate(),
        "nav_active": "mine",
    }
    if post is not None and post.region.is_village:
        context["can_add"] = has_permission_at(request.user, "demands.add_demand", post.region_code)
        context["village"] = post.region
    return render(request, "demands/mine.html", context)


@login_required
def escalated(request: HttpRequest) -> HttpResponse:
    if not has_permission_anywhere(request.user, "demands.take_over_demand"):
        raise PermissionDenied
    page = Paginator(selectors.escalated_queue(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "demands/escalated.html",
        {"page": page, "today": timezone.localdate(), "nav_active": "escalated"},
    )


@login_required
def statistics(request: HttpRequest, code: str) -> HttpResponse:
    region = region_get(request.user, code)
    if not has_permission_at(request.user, "demands.view_demand", region.code):
        raise Http404
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        year = this_year
    year = min(max(year, 2000), this_year)
    stats = selectors.demand_statistics(request.user, region, year)
    return render(
        request,
        "demands/statistics.html",
        {
            "region": region,
            "year": year,
            "years": list(range(this_year, this_year - 5, -1)),
            "stats": stats,
            "breadcrumbs": _crumbs(region),
            "nav_active": "demands",
        },
    )


# The villager's page: no sign-in, no personal data, rate-limited.


def public_lookup(request: HttpRequest) -> HttpResponse:
    """The form where a villager types the follow-up code."""
    code = request.GET.get("code", "").strip().upper()
    if code and code.isascii() and code.isalnum() and len(code) <= 12:
        return redirect("demands:public", follow_up=code)
    return render(request, "demands/public_lookup.html", {"code": code})


def public_demand(request: HttpRequest, follow_up: str) -> HttpResponse:
    try:
        selectors.PUBLIC_LOOKUPS.hit(client_address(request))
    except RateLimited:
        return render(request, "demands/public_limited.html", status=429)
    demand = selectors.public_demand(follow_up)
    if demand is None:
        raise Http404
    form = VillagerReplyForm(request.POST or None)
    if request.method == "POST" and demand.state == DemandState.RESOLVED and form.is_valid():
        try:
            services.demand_reply_by_code(
                code=demand.code,
                name=form.cleaned_data["name"],
                satisfaction=form.cleaned_data.get("satisfaction"),
                reason=form.cleaned_data.get("reason", ""),
            )
        except ValidationError as refused:
            apply_validation_error(form, refused)
        else:
            return redirect("demands:public", follow_up=demand.code)
    return render(
        request,
        "demands/public.html",
        {
            "demand": selectors.public_demand(demand.code),
            "form": form,
            "today": timezone.localdate(),
        },
    )
