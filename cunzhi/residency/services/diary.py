"""The work diary (民情日记)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cunzhi.core.writes import (
    create_audited,
    update_audited,
)
from cunzhi.residency.models import (
    DiaryEntry,
)
from cunzhi.residency.services.dispatch import _own_dispatch


def diary_entry_write(
    *, actor: Any, date: datetime.date, text: str, today: datetime.date | None = None
) -> DiaryEntry:
    """The cadre's own entry for a day of their dispatch, today or before."""
    today = today or timezone.localdate()
    with transaction.atomic():
        dispatch = _own_dispatch(actor, today)
        if date > today:
            raise ValidationError({"date": _("Write about a day that has come.")})
        if date < dispatch.starts_on:
            raise ValidationError({"date": _("The dispatch had not started on that day.")})
        if not text.strip():
            raise ValidationError({"text": _("Write what happened.")})
        entry = DiaryEntry(
            dispatch=dispatch, sending_unit_id=dispatch.sending_unit_id, region=dispatch.region,
            date=date, text=text.strip(),
        )  # fmt: skip
        return create_audited(actor=actor, obj=entry, action="residency.diary_entry_write")


def diary_entry_update(
    *, actor: Any, entry: DiaryEntry, text: str, expected_version: int | None
) -> DiaryEntry:
    """The author corrects their entry; nobody else writes in a cadre's diary."""
    with transaction.atomic():
        if entry.dispatch.cadre.user_id != getattr(actor, "pk", None):
            raise PermissionDenied("residency.change_diaryentry")
        if not text.strip():
            raise ValidationError({"text": _("Write what happened.")})
        return update_audited(
            actor=actor,
            obj=entry,
            changes={"text": text.strip()},
            expected_version=expected_version,
            action="residency.diary_entry_update",
        )
