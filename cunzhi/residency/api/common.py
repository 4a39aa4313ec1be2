"""What the residency API's modules share: the router, the checks of a query's region and year,
and the first fields of every record of a dispatch."""

# No "from __future__ import annotations": Ninja reads the handlers' annotations at runtime.
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from ninja import Field, Router, Schema

from cunzhi.core.calendar import CalendarYearMissing
from cunzhi.core.regioncodes import InvalidCode, level_of

router = Router(tags=["residency"])


def narrowed_to(code: str | None) -> str:
    """The division code a list is narrowed to ("" for the whole scope), or a 422 saying why it is
    not a code."""
    if not code:
        return ""
    try:
        level_of(code)
    except InvalidCode as exc:
        raise ValidationError({"region": [str(exc)]}) from exc
    return code


@contextmanager
def calendar_checked() -> Iterator[None]:
    """A year the working-day calendar lacks is a 422 whose message names the fix."""
    try:
        yield
    except CalendarYearMissing as exc:
        raise ValidationError({"year": [str(exc)]}) from exc


class DispatchRecordOut(Schema):
    """What every record of a dispatch shows first: the cadre, the village and the sending unit."""

    id: int
    version: int
    dispatch: int = Field(..., alias="dispatch_id")
    cadre: str
    village: str = Field(..., description="The village's division code.")
    village_name: str
    sending_unit: str

    @staticmethod
    def resolve_cadre(record: Any) -> str:
        return str(record.dispatch.cadre)

    @staticmethod
    def resolve_village(record: Any) -> str:
        return str(record.region_code)

    @staticmethod
    def resolve_village_name(record: Any) -> str:
        return str(record.region.name)

    @staticmethod
    def resolve_sending_unit(record: Any) -> str:
        return str(record.sending_unit.name)
