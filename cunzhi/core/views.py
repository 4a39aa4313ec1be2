"""The home page: what the user's current post needs to attend to."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cunzhi.accounts.models import Role
from cunzhi.accounts.scopes import has_permission_at
from cunzhi.accounts.selectors import posts_for_switcher
from cunzhi.core.attention import attention_for
from cunzhi.core.forms import PolicyOverrideForm, submit
from cunzhi.core.regioncodes import county_prefix
from cunzhi.core.selectors import area_figures, rules_for, served_villages
from cunzhi.core.services import policy_override_set
from cunzhi.regions.models import Region
from cunzhi.regions.selectors import region_roots


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The day's page of the current post: what waits for it, and its area's figures."""
    _posts, post = posts_for_switcher(request)
    context: dict[str, Any] = {
        "nav_active": "home",
        "post": post,
        "region": None,
        "attention": attention_for(request.user, post),
        # INBOX SLOT: the inbox (attention/inbox rework) sets {"count": n, "url": ...} here and
        # the home page shows it above the attention list; None hides it.
        "inbox": None,
    }
    if post is None:
        context["roots"] = list(region_roots(request.user))
    elif post.role == Role.SENDING_UNIT_CONTACT:
        # The unit's post sits at the unit's own region, which its contact may not open: the home
        # leads with the villages where the unit's cadres serve (what their scope reaches).
        context["served"] = served_villages(request.user)
    else:
        context.update(area_figures(request.user, post.region))
        context["can_see_register"] = has_permission_at(
            request.user, "registry.view_household", post.region_code
        )
        context["can_see_contacts"] = has_permission_at(
            request.user, "regions.view_contact", post.region_code
        )
    return render(request, "core/home.html", context)


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    """The rules in force for the current post's region; a county sets its own here."""
    _posts, post = posts_for_switcher(request)
    if post is None:
        raise Http404("No post.")
    region = post.region
    county_code = county_prefix(region.code)
    county = Region.objects.filter(code=county_code.ljust(12, "0")).first() if county_code else None
    can_set = county is not None and has_permission_at(
        request.user, "core.change_policyparameter", county.code
    )
    form = PolicyOverrideForm(request.POST or None) if can_set else None
    if request.method == "POST":
        if form is None or county is None:
            raise PermissionDenied
        if submit(
            form,
            lambda data: policy_override_set(actor=request.user, region=county, **data),
        ):
            messages.success(request, _("The rule was saved. It applies from the date you gave."))
            return redirect("core:rules")
    today = timezone.localdate()
    context = {
        "nav_active": "rules",
        "region": region,
        "county": county,
        "today": today,
        "rules": rules_for(region, today),
        "form": form,
    }
    return render(request, "core/rules.html", context)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form (CSRF_FAILURE_VIEW) in the layout and the user's language, not Django's
    English page; the reason is for the log, not for the person."""
    return render(request, "403_csrf.html", status=403)


def healthz(request: HttpRequest) -> HttpResponse:
    """For the process manager or load balancer: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
