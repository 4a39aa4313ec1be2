"""What the year report (述职) says, as blocks: a title, headings, sentences and small tables.

The PDF (``report.year_report_pdf``) and the page (``views/report.py``) draw the same blocks, so
the screen and the paper never disagree. Every string is translated; choice labels, never codes.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

if TYPE_CHECKING:
    from cunzhi.residency.report import YearReport


@dataclass(frozen=True)
class Block:
    """``kind``: "title", "heading", "text" (a sentence), "quote" (a dated excerpt), "footer"
    (the day printed), or "grid" (``rows``; ``header``: the first row names the columns;
    ``widths`` in mm, for print)."""

    kind: str
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)
    header: bool = False

    @property
    def body(self) -> list[list[tuple[str, str]]]:
        """A grid's rows under its header, each cell with its column's name (for a phone's
        card)."""
        names = self.rows[0] if self.header else [""] * len(self.rows[0])
        return [list(zip(names, row, strict=True)) for row in self.rows[1:]]


def _date(value: datetime.date | None) -> str:
    return value.strftime("%Y-%m-%d") if value else "—"


def _money(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:,.2f}"


def title(report: YearReport) -> str:
    return _("Year report %(year)s of a cadre dispatched to a village") % {"year": report.year}


def _text(value: str) -> Block:
    return Block("text", value)


def _months(by_month: dict[int, int]) -> Block:
    return Block(
        "grid",
        rows=[
            [_("Month %(month)s") % {"month": m} for m in range(1, 7)],
            [str(by_month.get(m, 0)) for m in range(1, 7)],
            [_("Month %(month)s") % {"month": m} for m in range(7, 13)],
            [str(by_month.get(m, 0)) for m in range(7, 13)],
        ],
        widths=[170 / 6] * 6,
    )


def report_blocks(report: YearReport) -> list[Block]:
    """The report from its title to the day it was printed, in the active language."""
    dispatch = report.dispatch
    blocks = [
        Block("title", title(report)),
        Block(
            "grid",
            rows=[
                [_("Cadre"), str(dispatch.cadre), _("Role"), dispatch.get_role_display()],
                [_("Village"), dispatch.region.name, _("Sending unit"), dispatch.sending_unit.name],
                [
                    _("Term"),
                    f"{_date(dispatch.starts_on)} – {_date(dispatch.last_day())}",
                    _("Status"),
                    dispatch.get_status_display(),
                ],
            ],
            widths=[24.0, 61.0, 24.0, 61.0],
        ),
    ]
    blocks += _presence(report) + _diary(report) + _assessment(report) + _support(report)
    blocks += _visits(report) + _demands(report)
    blocks.append(Block("footer", _("Printed on %(date)s") % {"date": _date(timezone.localdate())}))
    return blocks


def _presence(report: YearReport) -> list[Block]:
    blocks = [Block("heading", _("1. Time in the village"))]
    row = report.row
    if row is None:
        blocks.append(_text(_("The dispatch did not serve in that year.")))
    else:
        share = "—" if row.share_percent is None else f"{row.share_percent}%"
        blocks.append(
            _text(
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
    blocks.append(
        _text(
            _("Leave: %(count)s approved requests, %(days)s working days.")
            % {"count": report.leave_requests, "days": report.leave_days}
        )
    )
    return blocks


def _diary(report: YearReport) -> list[Block]:
    total = sum(report.diary_by_month.values())
    blocks = [
        Block("heading", _("2. Work diary")),
        _text(_("%(count)s diary entries in the year.") % {"count": total}),
        _months(report.diary_by_month),
    ]
    blocks += [Block("quote", f"{_date(e.date)}　{e.text[:300]}") for e in report.highlights]
    return blocks


def _assessment(report: YearReport) -> list[Block]:
    blocks = [Block("heading", _("3. Annual assessment"))]
    assessment = report.assessment
    if assessment is None or not assessment.grade:
        blocks.append(_text(_("No grade set for this year yet.")))
    else:
        blocks.append(
            _text(
                _("Grade: %(grade)s (set on %(date)s).")
                % {"grade": assessment.get_grade_display(), "date": _date(assessment.graded_on)}
            )
        )
    return blocks


def _support(report: YearReport) -> list[Block]:
    blocks = [Block("heading", _("4. Support from the sending unit"))]
    support = report.support
    if support is None:
        blocks.append(_text(_("No support ledger for this year.")))
        return blocks
    leader = support.paired_leader
    check = _date(support.medical_check_on) if support.medical_check_done else _("not done")
    subsidies = _("living %(living)s, transport %(transport)s, communication %(comm)s") % {
        "living": _money(support.living_subsidy_yuan),
        "transport": _money(support.transport_subsidy_yuan),
        "comm": _money(support.communication_subsidy_yuan),
    }
    funds = _("%(given)s yuan provided (at least %(min)s), %(spent)s spent") % {
        "given": _money(support.work_funds_yuan),
        "min": support.work_funds_min_yuan,
        "spent": _money(report.spent),
    }
    pairing = (
        (str(leader.full_name or leader.username) if leader else "—")
        + " · "
        + _("%(count)s meetings") % {"count": report.meetings}
    )
    insurance = _date(support.insurance_starts_on) + " – " + _date(support.insurance_ends_on)
    blocks.append(
        Block(
            "grid",
            rows=[
                [_("Medical check"), check],
                [_("Accident insurance"), insurance],
                [_("Subsidies (yuan)"), subsidies],
                [_("Work funds for the village"), funds],
                [_("Township leader paired one to one"), pairing],
                [_("Training"), _("%(hours)s hours") % {"hours": report.training_hours}],
            ],
            widths=[50.0, 120.0],
        )
    )
    return blocks


def _visits(report: YearReport) -> list[Block]:
    """The cadre's home visits (``report_work``: visits with the cadre among the visitors)."""
    visits = report.visits
    blocks = [Block("heading", _("5. Home visits"))]
    if not visits.visits:
        blocks.append(_text(_("No home visits recorded by the cadre this year.")))
        return blocks
    purposes = "、".join(f"{label} {count}" for label, count in visits.by_purpose)
    blocks += [
        _text(
            _("%(visits)s home visits, to %(households)s households.")
            % {"visits": visits.visits, "households": visits.households}
        ),
        _months(visits.by_month),
        _text(_("By purpose: %(purposes)s") % {"purposes": purposes}),
    ]
    blocks += [
        Block("quote", f"{_date(v.visited_on)}　{v.get_purpose_display()}：{v.findings[:300]}")
        for v in visits.highlights
    ]
    return blocks


def _demands(report: YearReport) -> list[Block]:
    """The village's demands while the cadre served (``report_work`` says why the village's)."""
    demands = report.demands
    blocks = [Block("heading", _("6. Villagers' demands"))]
    if not demands.registered:
        blocks.append(
            _text(_("No demands registered in the village while the cadre served this year."))
        )
        return blocks
    summary = _(
        "%(registered)s demands registered in the village while the cadre served: "
        "%(resolved)s resolved, %(on_time)s of them on time; %(open)s still open, "
        "%(overdue)s of them overdue; %(rejected)s rejected, %(merged)s merged into "
        "another. %(assigned)s assigned to the cadre, %(from_visits)s raised on the "
        "cadre's visits."
    ) % {
        "registered": demands.registered,
        "resolved": demands.resolved,
        "on_time": demands.on_time,
        "open": demands.open,
        "overdue": demands.overdue,
        "rejected": demands.rejected,
        "merged": demands.merged,
        "assigned": demands.assigned_to_cadre,
        "from_visits": demands.from_cadre_visits,
    }
    header = [
        _("Category"),
        pgettext("demand count", "Registered"),
        _("Resolved"),
        _("On time"),
        _("Still open"),
        _("Overdue"),
    ]
    rows = [
        [c.name, str(c.registered), str(c.resolved), str(c.on_time), str(c.open), str(c.overdue)]
        for c in demands.by_category
    ]
    blocks += [
        _text(summary),
        Block("grid", rows=[header, *rows], widths=[45.0] + [25.0] * 5, header=True),
    ]
    return blocks
