"""The compliance table and its summary by area."""

# No "from __future__ import annotations": Ninja reads the handlers' annotations at runtime.
import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Schema

from cunzhi.core.api import (
    READ_ERRORS,
    InputSchema,
    actor,
)
from cunzhi.core.regioncodes import Level
from cunzhi.residency import selectors
from cunzhi.residency.api.common import calendar_checked, narrowed_to, router
from cunzhi.residency.compliance import ComplianceRow

# Compliance


class ComplianceQuery(InputSchema):
    year: int = Field(..., ge=2000, le=2100)
    region: str | None = Field(None, max_length=15, description="A division code to narrow to.")


class ComplianceOut(Schema):
    dispatch: int
    cadre: str
    role: str
    village: str
    village_name: str
    sending_unit: str
    period_start: datetime.date
    period_end: datetime.date
    working_days: int
    working_days_so_far: int
    in_village_days: int
    share: float | None = Field(..., description="Days in the village / working days so far.")
    required_share: str = Field(..., examples=["2/3"])
    required_days: int
    days_still_needed: int
    remaining_working_days: int
    unexplained_days: int
    status: str
    status_label: str


def _compliance_out(row: ComplianceRow) -> dict[str, Any]:
    dispatch = row.dispatch
    share = row.share
    return {
        "dispatch": dispatch.pk,
        "cadre": str(dispatch.cadre),
        "role": dispatch.role,
        "village": dispatch.region_code,
        "village_name": dispatch.region.name,
        "sending_unit": dispatch.sending_unit.name,
        "period_start": row.period_start,
        "period_end": row.period_end,
        "working_days": row.working_days,
        "working_days_so_far": row.working_days_so_far,
        "in_village_days": row.in_village_days,
        "share": None if share is None else round(float(share), 4),
        "required_share": str(row.required_share),
        "required_days": row.required_days,
        "days_still_needed": row.days_still_needed,
        "remaining_working_days": row.remaining_working_days,
        "unexplained_days": row.unexplained_days,
        "status": row.status,
        "status_label": row.status_label,
    }


@router.get(
    "/residency/compliance",
    response={200: list[ComplianceOut], **READ_ERRORS},
    summary="One row per dispatch in scope serving in the year, worst first",
)
def compliance(request: HttpRequest, filters: Query[ComplianceQuery]) -> Any:
    region = narrowed_to(filters.region)
    with calendar_checked():
        rows = selectors.compliance_table(
            actor(request), filters.year, region_code=region, on=timezone.localdate()
        )
    return [_compliance_out(row) for row in rows]


class SummaryQuery(ComplianceQuery):
    by: Literal["city", "county", "township", "village"] | None = Field(
        None, description="The level to count by; by default the highest at which villages differ."
    )


class AreaOut(Schema):
    code: str
    name: str
    level: str
    level_label: str
    dispatches: int
    on_track: int
    at_risk: int
    cannot_meet: int
    working_days_so_far: int
    in_village_days: int
    share: float | None = Field(..., description="All the area's days in the village / so far.")
    unexplained_days: int


@router.get(
    "/residency/compliance/summary",
    response={200: list[AreaOut], **READ_ERRORS},
    summary="The dispatches in scope serving in the year, counted by area, most behind first",
)
def compliance_summary(request: HttpRequest, filters: Query[SummaryQuery]) -> Any:
    region = narrowed_to(filters.region)
    with calendar_checked():
        areas = selectors.compliance_by_area(
            actor(request),
            filters.year,
            region_code=region,
            level=Level(filters.by) if filters.by else None,
            on=timezone.localdate(),
        )
    return [
        {
            "code": area.code,
            "name": area.name,
            "level": area.level,
            "level_label": str(Level(area.level).label),
            **dict(zip(SUMMARY_COUNTS, area.figures(), strict=True)),
            "share": None if area.share is None else round(float(area.share), 4),
        }
        for area in areas
    ]


SUMMARY_COUNTS = (
    "dispatches", "on_track", "at_risk", "cannot_meet", "working_days_so_far", "in_village_days",
    "unexplained_days",
)  # fmt: skip
