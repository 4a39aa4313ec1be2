"""The site's own pages, above every app: the home page and the rules page.

The home page shows what the user's current post needs to attend to; the rules page the rules in
force for the post's region, where a county sets its own. Both combine the accounts app (posts),
regions and core (attention items, rules), so they live here, beside ``cunzhi/api.py`` and
``cunzhi/urls.py``, not in ``core``, which imports nothing above it. Their URL names stay
``core:home`` and ``core:rules`` (``cunzhi/urls.py``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cunzhi.accounts.scopes import has_permission_at
from cunzhi.accounts.selectors import posts_for_switcher
from cunzhi.core.attention import attention_for
from cunzhi.core.forms import PolicyOverrideForm, submit
from cunzhi.core.regioncodes import county_prefix
from cunzhi.core.selectors import rules_for
from cunzhi.core.services import policy_override_set
from cunzhi.regions.models import Region
from cunzhi.regions.selectors import region_list, region_roots


@login_required
def home(request: HttpRequest) -> HttpResponse:
    _posts, post = posts_for_switcher(request)
    region = post.region if post else None
    context = {
        "nav_active": "home",
        "post": post,
        "region": region,
        "attention": attention_for(request.user, post),
        # Below a village the next level is the villager groups; a village page links to them.
        "children": list(region_list(request.user, parent=region))
        if region and not region.is_village
        else [],
        "roots": list(region_roots(request.user)) if post is None else [],
    }
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
