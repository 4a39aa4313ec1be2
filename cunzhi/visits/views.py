"""The visit pages: record a visit (with a need turned into a demand in the same step), a visit,
the village's visits, coverage, and the cadre's phone block ("my day")."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cunzhi.accounts.selectors import posts_for_switcher
from cunzhi.core.forms import submit
from cunzhi.core.scoping import get_in_scope, has_permission_at
from cunzhi.demands.selectors import cadres_for, my_open_demands
from cunzhi.regions.models import Region
from cunzhi.regions.selectors import region_get
from cunzhi.registry.models import Household
from cunzhi.visits import selectors, services
from cunzhi.visits.forms import NeedForm, VisitEditForm, VisitForm
from cunzhi.visits.models import Visit, VisitPurpose

PAGE_SIZE = 30


def _region(request: HttpRequest, code: str) -> Region:
    region = region_get(request.user, code)
    if not has_permission_at(request.user, "visits.view_visit", region.code):
        raise Http404
    return region


def _crumbs(region: Region) -> list[dict[str, str]]:
    from django.urls import reverse

    return [
        {"name": region.name, "url": reverse("regions:detail", args=[region.code])},
        {"name": _("Visits"), "url": ""},
    ]


@login_required
def visit_list_view(request: HttpRequest, code: str) -> HttpResponse:
    region = _region(request, code)
    purpose = request.GET.get("purpose", "")
    purpose = purpose if purpose in VisitPurpose.values else ""
    visits = selectors.visit_list(request.user, region, purpose=purpose)
    page = Paginator(visits, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "visits/list.html",
        {
            "region": region,
            "page": page,
            "purpose": purpose,
            "purposes": VisitPurpose.choices,
            "can_add": region.is_village
            and has_permission_at(request.user, "visits.add_visit", region.code),
            "breadcrumbs": _crumbs(region),
            "nav_active": "visits",
        },
    )


@login_required
def visit_create(request: HttpRequest, code: str) -> HttpResponse:
    village = _region(request, code)
    if not village.is_village:
        raise Http404
    if not has_permission_at(request.user, "visits.add_visit", village.code):
        raise PermissionDenied
    household = None
    if request.GET.get("household", "").isdigit():
        household = get_in_scope(
            Household.objects.all(), request.user, "view", pk=int(request.GET["household"])
        )
        if household.region_id != village.pk:
            raise Http404
    form = VisitForm(
        request.POST or None,
        village=village,
        user=request.user,
        cadres=cadres_for(village),
        household=household,
        initial={"cadres": [request.user.pk]},
    )
    if request.method == "POST":

        def record(data: dict[str, Any]) -> Any:
            need = form.need()
            for name in ("need_category", "need_title", "need_description", "need_priority"):
                data.pop(name, None)
            return services.visit_record(actor=request.user, need=need, **data)

        saved = submit(form, record)
        if saved is not None:
            visit, demand = saved
            if demand is not None:
                messages.success(
                    request,
                    _("Visit recorded, and the need registered as demand %(code)s.")
                    % {"code": demand.code},
                )
            else:
                messages.success(request, _("Visit recorded."))
            return redirect(visit)
    return render(
        request,
        "visits/form.html",
        {
            "form": form,
            "title": _("Record a visit"),
            "region": village,
            # Only a new visit asks the phone: an edit may be made away from the household.
            "geolocate": True,
            "breadcrumbs": _crumbs(village),
            "nav_active": "visits",
        },
    )


@login_required
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_get(request.user, pk)
    can_change = has_permission_at(request.user, "visits.change_visit", visit.region_code)
    from cunzhi.demands.models import Demand

    demands = Demand.objects.for_user(request.user, "view").filter(
        source_ref=f"visits.visit:{visit.pk}"
    )
    return render(
        request,
        "visits/visit.html",
        {
            "visit": visit,
            "can_change": can_change,
            "need_form": NeedForm() if can_change else None,
            "demands": list(demands.only("pk", "code", "title", "state")),
            "breadcrumbs": _crumbs(visit.region),
            "nav_active": "visits",
        },
    )


@login_required
def visit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_get(request.user, pk)
    if not has_permission_at(request.user, "visits.change_visit", visit.region_code):
        raise PermissionDenied
    form = VisitEditForm(request.POST or None, instance=Visit.objects.get(pk=visit.pk))
    if request.method == "POST" and submit(
        form, lambda data: services.visit_update(actor=request.user, visit=visit, **data)
    ):
        messages.success(request, _("Saved."))
        return redirect(visit)
    return render(
        request,
        "visits/form.html",
        {"form": form, "title": _("Change the visit"), "region": visit.region,
         "breadcrumbs": _crumbs(visit.region), "nav_active": "visits"},
    )  # fmt: skip


@login_required
@require_POST
def visit_need(request: HttpRequest, pk: int) -> HttpResponse:
    """Turn a need found on the visit into a demand, in one step."""
    visit = selectors.visit_get(request.user, pk)
    if not has_permission_at(request.user, "visits.change_visit", visit.region_code):
        raise PermissionDenied
    form = NeedForm(request.POST)
    demand = submit(
        form,
        lambda data: services.visit_need_to_demand(
            actor=request.user, visit=visit, need=form.need()
        ),
    )
    if demand is None:
        return render(
            request,
            "visits/form.html",
            {"form": form, "title": _("Turn a need into a demand"), "region": visit.region,
             "nav_active": "visits"},
            status=422,
        )  # fmt: skip
    messages.success(request, _("Registered as demand %(code)s.") % {"code": demand.code})
    return redirect(demand)


@login_required
def coverage_view(request: HttpRequest, code: str) -> HttpResponse:
    region = _region(request, code)
    rows = selectors.coverage(request.user, region)
    return render(
        request,
        "visits/coverage.html",
        {
            "region": region,
            "rows": rows,
            "year": timezone.localdate().year,
            "breadcrumbs": _crumbs(region),
            "nav_active": "visits",
        },
    )


@login_required
def today(request: HttpRequest) -> HttpResponse:
    """A cadre's phone: today's visits due, my open demands, one tap to a new visit or demand."""
    _posts, post = posts_for_switcher(request)
    context: dict[str, Any] = {
        "post": post,
        "demands": list(my_open_demands(request.user)[:20]),
        "today": timezone.localdate(),
        "nav_active": "today",
    }
    if post is not None and has_permission_at(request.user, "visits.view_visit", post.region_code):
        context["due"] = selectors.due_households(request.user, post.region, limit=20)
        if post.region.is_village:
            context["village"] = post.region
            context["can_visit"] = has_permission_at(
                request.user, "visits.add_visit", post.region_code
            )
            context["can_demand"] = has_permission_at(
                request.user, "demands.add_demand", post.region_code
            )
    return render(request, "visits/today.html", context)
