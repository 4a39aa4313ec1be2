"""述职报告: a cadre's year, assembled for print as an A4 PDF in Chinese (item 6 of issue 10).

From the records already kept: the year's presence (working days, days in the village, the share
against the required share, read from the rollup), the leave taken, the work diary (entries per
month and a few highlights), the annual assessment if there is one, and the support the sending
unit gave (the support ledger); the cadre's home visits and the village's demands of the year
(``report_work.py`` says whose they are). What it says is a list of blocks
(``report_blocks.py``): reportlab draws them with ``core.pdf``'s embedded CJK font, and the
report's page (``views/report.py``) draws the same blocks on screen.
"""

from __future__ import annotations

import datetime
import io
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from cunzhi.core.pdf import escape, font
from cunzhi.residency.compliance import ComplianceRow, compliance_rows
from cunzhi.residency.models import (
    Assessment,
    DiaryEntry,
    Dispatch,
    LeaveRequest,
    LeaveState,
    SupportYear,
)
from cunzhi.residency.report_blocks import Block, report_blocks
from cunzhi.residency.report_work import DemandFigures, VisitFigures, demand_figures, visit_figures

HIGHLIGHTS = 3  # diary entries quoted in the report (the longest of the year)


@dataclass
class YearReport:
    dispatch: Dispatch
    year: int
    row: ComplianceRow | None
    leave_requests: int = 0
    leave_days: int = 0
    diary_by_month: dict[int, int] = field(default_factory=dict)
    highlights: list[DiaryEntry] = field(default_factory=list)
    assessment: Assessment | None = None
    support: SupportYear | None = None
    spent: Decimal = Decimal(0)
    meetings: int = 0
    training_hours: Decimal = Decimal(0)
    visits: VisitFigures = field(default_factory=VisitFigures)
    demands: DemandFigures = field(default_factory=DemandFigures)


def year_report(dispatch: Dispatch, year: int, on: datetime.date | None = None) -> YearReport:
    """Gather the year (the caller read ``dispatch`` in scope). ``CalendarYearMissing`` passes."""
    today = on or timezone.localdate()
    last = min(today, datetime.date(year, 12, 31))
    rows = compliance_rows(Dispatch.objects.filter(pk=dispatch.pk), year, on=last)
    report = YearReport(dispatch=dispatch, year=year, row=rows[0] if rows else None)
    taken = LeaveRequest.objects.filter(
        dispatch=dispatch,
        starts_on__year=year,
        state__in=[LeaveState.APPROVED, LeaveState.RETURNED],
    ).aggregate(days=Sum("working_days"))
    report.leave_requests = LeaveRequest.objects.filter(
        dispatch=dispatch,
        starts_on__year=year,
        state__in=[LeaveState.APPROVED, LeaveState.RETURNED],
    ).count()
    report.leave_days = int(taken["days"] or 0)
    entries = list(dispatch.diary.filter(date__year=year).only("date", "text"))
    report.diary_by_month = dict(Counter(entry.date.month for entry in entries))
    report.highlights = sorted(entries, key=lambda e: (-len(e.text), e.date))[:HIGHLIGHTS]
    report.highlights.sort(key=lambda e: e.date)
    report.assessment = dispatch.assessments.filter(year=year).first()
    support = dispatch.support.filter(year=year).select_related("paired_leader").first()
    if support is not None:
        report.support = support
        report.spent = support.spending.aggregate(s=Sum("amount_yuan"))["s"] or Decimal(0)
        report.meetings = support.meetings.count()
        report.training_hours = support.training.aggregate(h=Sum("hours"))["h"] or Decimal(0)
    start = max(dispatch.starts_on, datetime.date(year, 1, 1))
    end = min(dispatch.last_day(), datetime.date(year, 12, 31))
    if start <= end:
        user = dispatch.cadre.user
        report.visits = visit_figures(user, dispatch.region_id, start, end)
        report.demands = demand_figures(
            user, dispatch.region_id, start, end, today, report.visits.visit_ids
        )
    return report


def year_report_pdf(report: YearReport) -> bytes:
    """The report on A4 pages, in the site's language (Chinese)."""
    name = font()
    with translation.override(settings.LANGUAGE_CODE):
        return _render(report_blocks(report), report, name)


def _render(blocks: list[Block], report: YearReport, name: str) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=_("Year report %(year)s: %(cadre)s")
        % {"year": report.year, "cadre": report.dispatch.cadre},
    )  # fmt: skip
    styles = {
        "title": ParagraphStyle("t", fontName=name, fontSize=18, leading=26, alignment=1),
        "heading": ParagraphStyle("h", fontName=name, fontSize=13, leading=20, spaceBefore=8),
        "text": ParagraphStyle("b", fontName=name, fontSize=10.5, leading=17, wordWrap="CJK"),
    }
    styles["quote"] = styles["footer"] = styles["text"]

    def p(text: str, style: str = "text") -> Paragraph:
        return Paragraph(escape(text), styles[style])

    story: list[Any] = []
    for block in blocks:
        if block.kind == "grid":
            table = Table(
                [[p(cell) for cell in row] for row in block.rows],
                colWidths=[w * mm for w in block.widths],
            )
            table.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.4, (0.4, 0.4, 0.4)),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            story.append(table)
            continue
        if block.kind == "footer":
            story.append(Spacer(1, 10 * mm))
        story.append(p(block.text, block.kind))
        if block.kind == "title":
            story.append(Spacer(1, 4 * mm))
    doc.build(story)
    return buffer.getvalue()
