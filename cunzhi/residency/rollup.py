"""The presence rollup (``PresenceMonth``): kept by every presence write, in its transaction.

Only working days count toward compliance, so only a working day's row moves a counter. A row
that changes kind moves one day from one counter to another. ``rebuild`` recounts a dispatch's
months from the raw rows: after a calendar import changed which days are working days, and in the
tests that prove the rollup and a hand count agree.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, F

from cunzhi.residency.models import Dispatch, PresenceDay, PresenceKind, PresenceMonth

KINDS = [str(k) for k in PresenceKind.values]


def bump(day: PresenceDay, kind: str, step: int) -> None:
    """Add ``step`` (1 or -1) to ``kind``'s counter of ``day``'s month, if it is a working day."""
    if not day.is_working_day:
        return
    month, _created = PresenceMonth.objects.get_or_create(
        dispatch_id=day.dispatch_id,
        year=day.date.year,
        month=day.date.month,
        defaults={"region_code": day.region_code},
    )
    PresenceMonth.objects.filter(pk=month.pk).update(**{kind: F(kind) + step})


def move(day: PresenceDay, old_kind: str | None, new_kind: str) -> None:
    """Count ``day`` under ``new_kind`` instead of ``old_kind`` (None: a new row)."""
    if old_kind == new_kind:
        return
    if old_kind is not None:
        bump(day, old_kind, -1)
    bump(day, new_kind, 1)


def rebuild(dispatch: Dispatch) -> None:
    """Recount every month of ``dispatch`` from its presence rows."""
    with transaction.atomic():
        PresenceMonth.objects.filter(dispatch=dispatch).delete()
        counts = (
            PresenceDay.objects.filter(dispatch=dispatch, is_working_day=True)
            .values("date__year", "date__month", "kind")
            .annotate(n=Count("pk"))
            .order_by()
        )
        months: dict[tuple[int, int], PresenceMonth] = {}
        for row in counts:
            key = (row["date__year"], row["date__month"])
            month = months.setdefault(
                key,
                PresenceMonth(
                    dispatch=dispatch, region_code=dispatch.region_code, year=key[0], month=key[1]
                ),
            )
            setattr(month, row["kind"], row["n"])
        PresenceMonth.objects.bulk_create(months.values())
