"""The work diary (民情日记): an entry, a dispatch's month."""

# No "from __future__ import annotations": Ninja reads the handlers' annotations at runtime.
import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Schema, Status

from cunzhi.core.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    InputSchema,
    RecordId,
    actor,
)
from cunzhi.core.scoping import get_in_scope
from cunzhi.residency import selectors, services
from cunzhi.residency.api.common import router
from cunzhi.residency.forms import month_of
from cunzhi.residency.models import (
    Dispatch,
)

# Work diary


class DiaryIn(InputSchema):
    date: datetime.date
    text: str = Field(..., min_length=1, max_length=5000)


class DiaryOut(Schema):
    id: int
    version: int
    date: datetime.date
    text: str


class DiaryMonthOut(Schema):
    month: str = Field(..., examples=["2026-11"])
    entries: list[DiaryOut]
    days_written: int
    photos: int
    in_village_days: int
    leave_days: int


class DiaryQuery(InputSchema):
    month: str | None = Field(None, pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")


@router.post(
    "/residency/diary",
    response={201: DiaryOut, **WRITE_ERRORS},
    summary="Write a diary entry (the caller's own dispatch)",
)
def diary_write(request: HttpRequest, payload: DiaryIn) -> Any:
    return Status(201, services.diary_entry_write(actor=actor(request), **payload.dict()))


@router.get(
    "/residency/dispatches/{dispatch_id}/diary",
    response={200: DiaryMonthOut, **READ_ERRORS},
    summary="A dispatch's diary for a month, with the month's summary",
)
def diary_month(request: HttpRequest, dispatch_id: RecordId, filters: Query[DiaryQuery]) -> Any:
    dispatch = get_in_scope(Dispatch.objects.all(), actor(request), "view", pk=dispatch_id)
    month = selectors.diary_month(dispatch, month_of(filters.month))
    return {
        "month": month.first.strftime("%Y-%m"),
        "entries": month.entries,
        "days_written": month.days_written,
        "photos": month.photos,
        "in_village_days": month.presence.in_village,
        "leave_days": month.presence.leave,
    }
