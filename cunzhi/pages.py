"""The site's own pages, above every app: the home page and the rules page.

The home page shows what the user's current post needs to attend to; the rules page the rules in
force for the post's region, where a county sets its own. Both combine the accounts app (posts),
regions and core (attention items, rules), so they live here, beside ``cunzhi/api.py`` and
``cunzhi/urls.py``, not in ``core``, which imports nothing above it. Their URL names stay
``core:home`` and ``core:rules`` (``cunzhi/urls.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext as _

from cunzhi.accounts.models import Role
from cunzhi.accounts.scopes import has_permission_at
from cunzhi.accounts.selectors import posts_for_switcher
from cunzhi.core import figures
from cunzhi.core.attention import attention_for
from cunzhi.core.forms import PolicyOverrideForm, submit
from cunzhi.core.regioncodes import Level, county_prefix
from cunzhi.core.selectors import rules_for
from cunzhi.core.services import policy_override_set
from cunzhi.regions.models import Region, VillageProfile
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
        "home_blocks": home_blocks(request, post),
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


@dataclass(frozen=True)
class HomeBlock:
    """A block an app puts at the top of the home page: its template and what it shows."""

    template: str
    data: Any


def home_blocks(request: HttpRequest, post: Any) -> list[HomeBlock]:
    """The blocks of every app with a ``home.py`` whose ``home_block(request, post)`` answers
    one for this post (a dispatched cadre's check-in), in ``INSTALLED_APPS`` order."""
    blocks = []
    for app in apps.get_app_configs():
        if not module_has_submodule(app.module, "home"):
            continue
        block = import_module(f"{app.name}.home").home_block(request, post)
        if block is not None:
            blocks.append(HomeBlock(*block))
    return blocks


@login_required
def attention(request: HttpRequest) -> HttpResponse:
    """The home page's attention block alone, for htmx to refresh it (and the benchmark)."""
    _posts, post = posts_for_switcher(request)
    context = {"attention": attention_for(request.user, post)}
    return render(request, "core/includes/attention.html", context)


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


def area_figures(user: Any, region: Region) -> dict[str, Any]:
    """A post's region and its figures: a village its own; a township its villages side by side,
    a county its townships. A constant number of queries however many regions (core.figures)."""
    if region.is_village:
        columns = figures.figures_for(user, region, len(region.prefix))
        return {
            "region": region,
            "figure_columns": columns,
            "own_figures": figures.figure_rows([region], columns)[0].cells,
        }
    children = list(Region.objects.for_user(user, "view").filter(parent=region).order_by("code"))
    if not children:
        return {"region": region}
    columns = figures.figures_for(user, region, len(children[0].prefix))
    rows = figures.figure_rows(children, columns)
    totals = figures.figure_totals(rows, columns)
    return {"region": region, "figure_columns": columns, "figure_rows": rows, "totals": totals}


@dataclass(frozen=True)
class ServedVillage:
    region: Region
    profile: VillageProfile | None


def served_villages(user: Any) -> list[ServedVillage]:
    """The villages a user's scope reaches, with their profiles: a sending unit's villages."""
    villages = list(
        Region.objects.for_user(user, "view").filter(level=Level.VILLAGE).order_by("code")[:200]
    )
    profiles = {
        p.region_id: p
        for p in VillageProfile.objects.for_user(user, "view").filter(region__in=villages)
    }
    return [ServedVillage(village, profiles.get(village.pk)) for village in villages]
