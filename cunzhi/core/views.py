"""The home page: what the user's current post needs to attend to."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from cunzhi.accounts.selectors import posts_for_switcher
from cunzhi.core.attention import attention_for
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


def healthz(request: HttpRequest) -> HttpResponse:
    """For the process manager or load balancer: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
