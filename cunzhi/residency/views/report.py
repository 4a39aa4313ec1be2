"""The year's report (述职): a page to read it on screen, and the A4 PDF to print."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header

from cunzhi.core.calendar import CalendarYearMissing
from cunzhi.core.scoping import get_in_scope
from cunzhi.residency import report
from cunzhi.residency.models import (
    Dispatch,
)
from cunzhi.residency.report_blocks import report_blocks, title


def _year_of(request: HttpRequest, pk: int, year: int) -> Dispatch:
    """The dispatch, for whoever sees it, in a year it served."""
    dispatch = get_in_scope(
        Dispatch.objects.select_related("cadre__user", "region", "sending_unit"),
        request.user,
        "view",
        pk=pk,
    )
    if not 2000 <= year <= 2100 or dispatch.starts_on.year > year:
        raise Http404("The dispatch did not serve in that year.")
    return dispatch


@login_required
def year_report_page(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """The dispatch's year on screen, in the reader's language, with the link to print it."""
    dispatch = _year_of(request, pk, year)
    try:
        data = report.year_report(dispatch, year)
    except CalendarYearMissing as exc:
        return HttpResponse(str(exc), status=422, content_type="text/plain; charset=utf-8")
    context = {
        "dispatch": dispatch,
        "year": year,
        "title": title(data),
        "blocks": report_blocks(data)[1:],  # the title is the page's heading
        "breadcrumbs": [
            {"name": str(dispatch.cadre), "url": dispatch.get_absolute_url()},
            {"name": str(year), "url": ""},
        ],
        "pdf_url": reverse("residency:year_report", args=[dispatch.pk, year]),
        "nav_active": "residency",
    }
    return render(request, "residency/year_report.html", context)


@login_required
def year_report(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """The dispatch's year as an A4 PDF in Chinese, for whoever sees the dispatch."""
    dispatch = _year_of(request, pk, year)
    try:
        data = report.year_report_pdf(report.year_report(dispatch, year))
    except CalendarYearMissing as exc:
        return HttpResponse(str(exc), status=422, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        content_disposition_header(
            as_attachment=False, filename=f"述职报告-{year}-{dispatch.cadre}.pdf"
        )
        or ""
    )
    return response
