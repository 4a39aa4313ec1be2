"""The day's check-in (POST /residency/presence)."""

# No "from __future__ import annotations": Ninja reads the handlers' annotations at runtime.
import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema, Status

from cunzhi.core.api import (
    WRITE_ERRORS,
    DecimalIn,
    InputSchema,
    actor,
    label_of,
)
from cunzhi.residency import services
from cunzhi.residency.api.common import router
from cunzhi.residency.models import (
    PresenceDay,
    PresenceKind,
    PresenceSource,
)

# Presence


class CheckInIn(InputSchema):
    latitude: DecimalIn | None = Field(None, ge=-90, le=90, max_digits=9, decimal_places=6)
    longitude: DecimalIn | None = Field(None, ge=-180, le=180, max_digits=9, decimal_places=6)
    accuracy_m: int | None = Field(None, ge=0, le=1_000_000, description="Metres, from the GPS.")


class PresenceOut(Schema):
    id: int
    version: int
    date: datetime.date
    kind: str
    kind_label: str
    source: str
    source_label: str
    is_working_day: bool
    latitude: Decimal | None
    longitude: Decimal | None
    accuracy_m: int | None
    distance_m: int | None
    far_from_village: bool
    village: str = Field(..., description="The village's division code.")

    @staticmethod
    def resolve_kind_label(day: PresenceDay) -> str:
        return label_of(PresenceKind, day.kind)

    @staticmethod
    def resolve_source_label(day: PresenceDay) -> str:
        return label_of(PresenceSource, day.source)

    @staticmethod
    def resolve_village(day: PresenceDay) -> str:
        return day.region_code


@router.post(
    "/residency/presence",
    response={200: PresenceOut, 201: PresenceOut, **WRITE_ERRORS},
    summary="Check in for today (idempotent: a second call returns the day as recorded)",
)
def presence_check_in(request: HttpRequest, payload: CheckInIn) -> Any:
    day, changed = services.presence_check_in(actor=actor(request), **payload.dict())
    return Status(201 if changed else 200, day)
