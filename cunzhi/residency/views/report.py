"""The year's report (述职), printable."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header

from cunzhi.core.calendar import CalendarYearMissing
from cunzhi.core.scoping import get_in_scope
from cunzhi.residency import report
from cunzhi.residency.models import (
    Dispatch,
)


@login_required
def year_report(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """The dispatch's year as an A4 PDF in Chinese, for whoever sees the dispatch."""
    dispatch = get_in_scope(
        Dispatch.objects.select_related("cadre__user", "region", "sending_unit"),
        request.user,
        "view",
        pk=pk,
    )
    if not 2000 <= year <= 2100 or dispatch.starts_on.year > year:
        raise Http404("The dispatch did not serve in that year.")
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
