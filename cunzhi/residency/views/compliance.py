"""The compliance table (worst first) and its export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from cunzhi.accounts.scopes import has_permission_anywhere
from cunzhi.accounts.selectors import posts_for_switcher
from cunzhi.core.calendar import CalendarYearMissing
from cunzhi.core.exports import export_response
from cunzhi.core.regioncodes import Level
from cunzhi.core.xlsx import xlsx_stream
from cunzhi.regions.models import Region
from cunzhi.residency import selectors, services
from cunzhi.residency.compliance import area_level, summarise
from cunzhi.residency.forms import (
    ComplianceFilter,
)


def _filter_regions(user: Any) -> list[Region]:
    return list(
        Region.objects.for_user(user, "view")
        .filter(level__in=[Level.COUNTY, Level.TOWNSHIP])
        .order_by("code")[:200]
    )


@login_required
def compliance(request: HttpRequest) -> HttpResponse:
    """The compliance table of every cadre in scope, worst first (township, county, unit)."""
    form = ComplianceFilter(request.GET or None, regions=_filter_regions(request.user))
    today = timezone.localdate()
    year, region, status = today.year, "", ""
    if form.is_bound and form.is_valid():
        year = form.cleaned_data["year"] or year
        region = form.cleaned_data["region"]
        status = form.cleaned_data["status"]
    context: dict[str, Any] = {
        "nav_active": "residency",
        "form": form,
        "year": year,
        "rows": [],
        "can_dispatch": has_permission_anywhere(request.user, "residency.add_dispatch"),
        "can_see_support": has_permission_anywhere(request.user, "residency.view_supportyear"),
    }
    try:
        rows = selectors.compliance_table(request.user, year, region_code=region, on=today)
    except CalendarYearMissing as exc:
        context["calendar_error"] = str(exc)
    else:
        # Above the table, at a glance: the cadres by township (by county, city…) when they are
        # in more than one, counted before the status filter so that the counts stay whole.
        level = area_level(row.dispatch.region_code for row in rows)
        if level != Level.VILLAGE:
            context["areas"] = summarise(rows, level)
            context["area_level"] = Level(level).label
        context["rows"] = [row for row in rows if row.status == status] if status else rows
    template = "residency/compliance.html#table" if request.htmx else "residency/compliance.html"  # type: ignore[attr-defined]
    return render(request, template, context)


EXPORT_COLUMNS = (
    (_lazy("Cadre"), 12),
    (_lazy("Role"), 12),
    (_lazy("Village"), 14),
    (_lazy("Sending unit"), 20),
    (_lazy("Status"), 14),
    (_lazy("Working days so far"), 10),
    (_lazy("Days in the village"), 10),
    (_lazy("Share (%)"), 10),
    (_lazy("Required (%)"), 10),
    (_lazy("Days still needed"), 10),
    (_lazy("Working days left"), 10),
    (_lazy("Unexplained days"), 10),
)


@login_required
@require_POST
def compliance_export(request: HttpRequest) -> HttpResponseBase:
    """The table as filtered, to Excel; audited (``residency.compliance_export``)."""
    form = ComplianceFilter(request.POST, regions=_filter_regions(request.user))
    today = timezone.localdate()
    if not form.is_valid():
        messages.error(request, _("The filters were not valid; nothing was exported."))
        return redirect("residency:compliance")
    year = form.cleaned_data["year"] or today.year
    code, status = form.cleaned_data["region"], form.cleaned_data["status"]
    _posts, post = posts_for_switcher(request)
    region = Region.objects.filter(code=code).first() if code else (post.region if post else None)
    try:
        rows = selectors.compliance_table(
            request.user, year, region_code=code, status=status, on=today
        )
    except CalendarYearMissing as exc:
        messages.error(request, str(exc))
        return redirect("residency:compliance")
    if region is None:
        raise PermissionDenied
    filters = {k: str(v) for k, v in (("region", code), ("status", status)) if v}
    services.compliance_export(
        actor=request.user, region=region, year=year, rows=rows, filters=filters
    )
    sheet = [
        [
            str(row.dispatch.cadre),
            row.dispatch.get_role_display(),
            row.dispatch.region.name,
            row.dispatch.sending_unit.name,
            row.status_label,
            row.working_days_so_far,
            row.in_village_days,
            row.share_percent,
            row.required_percent,
            row.days_still_needed,
            row.remaining_working_days,
            row.unexplained_days,
        ]
        for row in rows
    ]
    chunks = xlsx_stream(
        [str(label) for label, _width in EXPORT_COLUMNS],
        [sheet],
        sheet_name=_("Time in the village"),
        widths=[width for _label, width in EXPORT_COLUMNS],
    )
    return export_response(chunks, f"residency-{year}.xlsx")
