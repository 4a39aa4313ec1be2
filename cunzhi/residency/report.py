"""述职报告: a cadre's year, assembled for print as an A4 PDF in Chinese (item 6 of issue 10).

From the records already kept: the year's presence (working days, days in the village, the share
against the required share, read from the rollup), the leave taken, the work diary (entries per
month and a few highlights), the annual assessment if there is one, and the support the sending
unit gave (the support ledger). reportlab draws it with ``core.pdf``'s embedded CJK font.
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
    return report


def year_report_pdf(report: YearReport) -> bytes:
    """The report on A4 pages, in the site's language (Chinese)."""
    name = font()
    with translation.override(settings.LANGUAGE_CODE):
        return _render(report, name)


def _date(value: datetime.date | None) -> str:
    return value.strftime("%Y-%m-%d") if value else "—"


def _money(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:,.2f}"


def _render(report: YearReport, name: str) -> bytes:
    buffer = io.BytesIO()
    dispatch = report.dispatch
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=_("Year report %(year)s: %(cadre)s") % {"year": report.year, "cadre": dispatch.cadre},
    )  # fmt: skip
    title = ParagraphStyle("t", fontName=name, fontSize=18, leading=26, alignment=1)
    heading = ParagraphStyle("h", fontName=name, fontSize=13, leading=20, spaceBefore=8)
    body = ParagraphStyle("b", fontName=name, fontSize=10.5, leading=17, wordWrap="CJK")

    def p(text: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(escape(text), style)

    def table(rows: list[list[str]], widths: list[float]) -> Table:
        t = Table([[p(c) for c in row] for row in rows], colWidths=widths)
        t.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, (0.4, 0.4, 0.4)),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return t

    story: list[Any] = [
        p(
            _("Year report %(year)s of a cadre dispatched to a village") % {"year": report.year},
            title,
        ),
        Spacer(1, 4 * mm),
        table(
            [
                [_("Cadre"), str(dispatch.cadre), _("Role"), dispatch.get_role_display()],
                [_("Village"), dispatch.region.name, _("Sending unit"), dispatch.sending_unit.name],
                [
                    _("Term"),
                    f"{_date(dispatch.starts_on)} – {_date(dispatch.last_day())}",
                    _("Status"),
                    dispatch.get_status_display(),
                ],
            ],
            [24 * mm, 61 * mm, 24 * mm, 61 * mm],
        ),
        p(_("1. Time in the village"), heading),
    ]
    row = report.row
    if row is None:
        story.append(p(_("The dispatch did not serve in that year.")))
    else:
        share = "—" if row.share_percent is None else f"{row.share_percent}%"
        story.append(
            p(
                _(
                    "From %(start)s to %(end)s: %(so_far)s working days so far of %(total)s, "
                    "%(in_village)s days in the village, a share of %(share)s against the "
                    "required %(required)s%%; %(needed)s days still needed; %(unexplained)s "
                    "working days without leave or presence. Status: %(status)s."
                )
                % {
                    "start": _date(row.period_start),
                    "end": _date(row.period_end),
                    "so_far": row.working_days_so_far,
                    "total": row.working_days,
                    "in_village": row.in_village_days,
                    "share": share,
                    "required": row.required_percent,
                    "needed": row.days_still_needed,
                    "unexplained": row.unexplained_days,
                    "status": row.status_label,
                }
            )
        )
    story.append(
        p(
            _("Leave: %(count)s approved requests, %(days)s working days.")
            % {"count": report.leave_requests, "days": report.leave_days}
        )
    )
    story.append(p(_("2. Work diary"), heading))
    total = sum(report.diary_by_month.values())
    story.append(p(_("%(count)s diary entries in the year.") % {"count": total}))
    story.append(
        table(
            [
                [_("Month %(month)s") % {"month": m} for m in range(1, 7)],
                [str(report.diary_by_month.get(m, 0)) for m in range(1, 7)],
                [_("Month %(month)s") % {"month": m} for m in range(7, 13)],
                [str(report.diary_by_month.get(m, 0)) for m in range(7, 13)],
            ],
            [170 * mm / 6] * 6,
        )
    )
    for entry in report.highlights:
        story.append(p(f"{_date(entry.date)}　{entry.text[:300]}"))
    story.append(p(_("3. Annual assessment"), heading))
    assessment = report.assessment
    if assessment is None or not assessment.grade:
        story.append(p(_("No grade set for this year yet.")))
    else:
        story.append(
            p(
                _("Grade: %(grade)s (set on %(date)s).")
                % {"grade": assessment.get_grade_display(), "date": _date(assessment.graded_on)}
            )
        )
    story.append(p(_("4. Support from the sending unit"), heading))
    support = report.support
    if support is None:
        story.append(p(_("No support ledger for this year.")))
    else:
        leader = support.paired_leader
        story.append(
            table(
                [
                    [
                        _("Medical check"),
                        _date(support.medical_check_on)
                        if support.medical_check_done
                        else _("not done"),
                    ],
                    [
                        _("Accident insurance"),
                        _date(support.insurance_starts_on)
                        + " – "
                        + _date(support.insurance_ends_on),
                    ],
                    [
                        _("Subsidies (yuan)"),
                        _("living %(living)s, transport %(transport)s, communication %(comm)s")
                        % {
                            "living": _money(support.living_subsidy_yuan),
                            "transport": _money(support.transport_subsidy_yuan),
                            "comm": _money(support.communication_subsidy_yuan),
                        },
                    ],
                    [
                        _("Work funds for the village"),
                        _("%(given)s yuan provided (at least %(min)s), %(spent)s spent")
                        % {
                            "given": _money(support.work_funds_yuan),
                            "min": support.work_funds_min_yuan,
                            "spent": _money(report.spent),
                        },
                    ],
                    [
                        _("Township leader paired one to one"),
                        (str(leader.full_name or leader.username) if leader else "—")
                        + " · "
                        + _("%(count)s meetings") % {"count": report.meetings},
                    ],
                    [_("Training"), _("%(hours)s hours") % {"hours": report.training_hours}],
                ],
                [50 * mm, 120 * mm],
            )
        )
    story.append(Spacer(1, 10 * mm))
    story.append(p(_("Printed on %(date)s") % {"date": _date(timezone.localdate())}))
    doc.build(story)
    return buffer.getvalue()
