"""Reads of decisions, scoped by the reader (DESIGN rule 2), shaped for the pages and the API."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from cunzhi.decisions import registers
from cunzhi.decisions.models import (
    Body,
    Matter,
    MatterState,
    Meeting,
    MeetingKind,
    Membership,
    SupervisionOpinion,
)
from cunzhi.decisions.workflows import STEP_MEETINGS
from cunzhi.openness.models import Notice
from cunzhi.openness.selectors import notices_of
from cunzhi.regions.models import Region

# The steps in order, as the matter page draws them.
ORDER: list[str] = [
    MatterState.PROPOSED,
    MatterState.CONSULTED,
    MatterState.REVIEWED,
    MatterState.DECIDED,
    MatterState.RESOLUTION_PUBLISHED,
    MatterState.IMPLEMENTING,
    MatterState.RESULT_PUBLISHED,
]


@dataclass(frozen=True)
class Step:
    state: str
    label: str
    done: bool
    current: bool


def matter_steps(matter: Matter) -> list[Step]:
    reached = ORDER.index(matter.state) if matter.state in ORDER else -1
    return [
        Step(state, str(MatterState(state).label), i <= reached, i == reached)
        for i, state in enumerate(ORDER)
    ]


def meetings_of(matter: Matter) -> QuerySet[Meeting]:
    return matter.meetings.order_by("held_on", "pk")


def opinions_of(matter: Matter) -> QuerySet[SupervisionOpinion]:
    return matter.opinions.select_related("given_by").order_by("pk")


def notices_of_matter(matter: Matter) -> QuerySet[Notice]:
    return notices_of(matter).order_by("published_on", "pk")


def meeting_kinds_now(matter: Matter) -> tuple[str, ...]:
    return STEP_MEETINGS.get(matter.state, ())


@dataclass
class Register:
    body: str
    label: str
    entries: list[Membership]


def registers_on(user: Any, village: Region, on: datetime.date) -> list[Register]:
    """Each register of the village as it stood on ``on`` (one query)."""
    entries = (
        Membership.objects.for_user(user, "view")
        .filter(region_code=village.code)
        .filter(registers.serving_on(on))
        .select_related("resident")
        .order_by("body", "starts_on", "pk")
    )
    by_body: dict[str, list[Membership]] = {b: [] for b in Body.values}
    for entry in entries:
        by_body[entry.body].append(entry)
    return [Register(b, str(Body(b).label), by_body[b]) for b in Body.values]


def warnings(village: Region, on: datetime.date) -> list[registers.Warning]:
    return registers.register_warnings(village, on)


def meeting_label(kind: str) -> str:
    return str(MeetingKind(kind).label)
