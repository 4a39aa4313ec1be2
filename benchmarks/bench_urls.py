"""The project's URLs plus two bare views, served only by the servers the benchmarks start.

``bare_region_list`` is the baseline of the region-list API: the same JSON for the same rows, from a
plain Django view with no authentication, no scope lookup and no schema. It is never part of
the project's URLs.
"""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path

from cunzhi.core.regioncodes import SCOPE_END, Level, parent_code
from cunzhi.regions.models import Region

BARE_REGION_LIST = "bench/bare/regions"
BARE_PAGE = "bench/bare/page"
BARE_PUBLIC_PAGE = "bench/bare/public"


def bare_region_list(request: HttpRequest) -> JsonResponse:
    """``/api/v1/regions`` as a county administrator of ``?within=<county prefix>`` sees it.

    Same SQL as the API (the code range, the child count, the order, the count of the same
    query), so that the ratio measures what the API adds around it.
    """
    prefix = request.GET["within"]
    limit = int(request.GET.get("limit", "50"))
    offset = int(request.GET.get("offset", "0"))
    regions = (
        Region.objects.filter(code__gte=prefix, code__lt=prefix + SCOPE_END)
        .annotate(child_count=Count("children"))
        .order_by("code")
    )
    labels = dict(Level.choices)
    rows = regions.values("code", "name", "level", "child_count")[offset : offset + limit]
    items = [
        {
            "code": row["code"],
            "name": row["name"],
            "level": row["level"],
            "level_label": str(labels[row["level"]]),
            "parent_code": parent_code(row["code"]),
            "child_count": row["child_count"],
        }
        for row in rows
    ]
    return JsonResponse({"items": items, "count": regions.count()})


def bare_page(request: HttpRequest) -> HttpResponse:
    """The floor of bench_pages: the signed-in user loaded, a small fixed page, no template."""
    if not request.user.is_authenticated:
        return HttpResponse("signed out", status=403)
    body = f"<!doctype html><title>村治</title><p>{request.user.pk}</p>" + "<p>村治</p>" * 200
    return HttpResponse(body)


def bare_public_page(request: HttpRequest) -> HttpResponse:
    """The floor of bench_openness: a small fixed page for anyone, no session, no template."""
    return HttpResponse("<!doctype html><title>村务公开</title>" + "<p>村务公开</p>" * 200)


# The project's patterns first, so the API resolves exactly as it does in the project.
urlpatterns = [
    path("", include("cunzhi.urls")),
    path(BARE_REGION_LIST, bare_region_list),
    path(BARE_PAGE, bare_page),
    path(BARE_PUBLIC_PAGE, bare_public_page),
]
