"""How the register shows a resident: masked numbers, visible tags, ages and age bands."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from cunzhi.accounts.scopes import has_permission_at
from cunzhi.registry.identity import mask_id_number, mask_phone
from cunzhi.registry.models import (
    Resident,
    ResidentTag,
    Tag,
)

REVEAL = "registry.reveal_resident"


# Age bands of the register's filter and counts: children, working age, the elderly.
AGE_BANDS: dict[str, tuple[int, int | None]] = {
    "0-17": (0, 17),
    "18-59": (18, 59),
    "60+": (60, None),
}


def may_reveal(user: Any, region_code: str) -> bool:
    """May ``user`` see full ID and phone numbers and sensitive tags of this region's records?"""
    return has_permission_at(user, REVEAL, region_code)


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def age_band_q(band: str, *, today: datetime.date | None = None, prefix: str = "") -> Q:
    """Residents whose age today is in ``band`` (a key of AGE_BANDS), by birth date."""
    today = today or timezone.localdate()
    youngest, oldest = AGE_BANDS[band]
    # Aged at least ``youngest``: born on or before the day ``youngest`` years ago.
    condition = Q(**{f"{prefix}birth_date__lte": _years_before(today, youngest)})
    if oldest is not None:
        # Younger than ``oldest + 1``: born after the day ``oldest + 1`` years ago.
        condition &= Q(**{f"{prefix}birth_date__gt": _years_before(today, oldest + 1)})
    return condition


def age_of(birth_date: datetime.date | None, today: datetime.date | None = None) -> int | None:
    if birth_date is None:
        return None
    today = today or timezone.localdate()
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - before_birthday


def present(user: Any, residents: Iterable[Resident], *, revealed: bool = False) -> list[Resident]:
    """Set the shown (masked) numbers, the visible tags and the age on each resident.

    The tags must have been prefetched as ``tag_links`` with their tag. ``revealed`` shows the
    numbers in full: only after ``reveal.resident_reveal`` has checked and recorded it.
    """
    people = list(residents)
    allowed: dict[str, bool] = {}
    today = timezone.localdate()
    for person in people:
        if person.region_code not in allowed:
            allowed[person.region_code] = may_reveal(user, person.region_code)
        sees_sensitive = allowed[person.region_code]
        links = person.tag_links.all()
        person.shown_tags = [  # type: ignore[attr-defined]
            link.tag for link in links if sees_sensitive or not link.tag.sensitive
        ]
        person.shown_id_number = (  # type: ignore[attr-defined]
            person.id_number if revealed else mask_id_number(person.id_number)
        )
        person.shown_phone = person.phone if revealed else mask_phone(person.phone)  # type: ignore[attr-defined]
        person.age = age_of(person.birth_date, today)  # type: ignore[attr-defined]
    return people


def tag_links() -> Prefetch[Any]:
    """Prefetch a resident's tag links with their tags, as ``present`` expects."""
    return Prefetch("tag_links", queryset=ResidentTag.objects.select_related("tag").order_by("tag"))


def visible_tags(user: Any, region_code: str) -> QuerySet[Tag]:
    """The tags a reader may filter and see by in a region: sensitive ones only with reveal."""
    tags = Tag.objects.filter(active=True)
    if not may_reveal(user, region_code):
        tags = tags.filter(sensitive=False)
    return tags
