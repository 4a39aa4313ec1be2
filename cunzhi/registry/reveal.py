"""Showing a resident's ID and phone numbers in full: a permission, and each use is audited.

DESIGN rule 7: personal numbers are masked everywhere by default. Revealing them is a write in
the sense that matters (it leaves a trace), so it is a service like any other. Calling a
person from the key-people page gives the phone number to the dialler: a reveal too, recorded
as a call.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from cunzhi.audit import services as audit
from cunzhi.core.writes import require_permission
from cunzhi.registry.models import Household, Resident

REVEAL_PERMISSION = "registry.reveal_resident"
REVEALED_FIELDS = ("id_number", "phone")


def resident_reveal(
    *,
    actor: Any,
    resident: Resident,
    reason: str = "",
    fields: Sequence[str] = REVEALED_FIELDS,
) -> dict[str, str]:
    """The resident's full numbers (``fields``, both by default), after checking and recording
    who asked."""
    unknown = set(fields) - set(REVEALED_FIELDS)
    if unknown or not fields:
        raise ValueError(f"not a personal number: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        require_permission(actor, REVEAL_PERMISSION, resident.region_code)
        audit.record(
            actor=actor,
            action="registry.resident_reveal",
            obj=resident,
            data={"fields": list(fields), "reason": reason},
        )
    return {field: getattr(resident, field) for field in fields}


def resident_call(*, actor: Any, resident: Resident) -> str:
    """The phone number to dial (打电话), recorded as a call: the history reads "called 张三"."""
    with transaction.atomic():
        require_permission(actor, REVEAL_PERMISSION, resident.region_code)
        audit.record(
            actor=actor,
            action="registry.resident_call",
            obj=resident,
            data={"fields": ["phone"]},
        )
    return resident.phone


def household_reveal(*, actor: Any, household: Household, reason: str = "") -> dict[str, str]:
    """The household's full phone number, checked and recorded as a resident's numbers are."""
    with transaction.atomic():
        require_permission(actor, REVEAL_PERMISSION, household.region_code)
        audit.record(
            actor=actor,
            action="registry.household_reveal",
            obj=household,
            data={"fields": ["phone"], "reason": reason},
        )
    return {"phone": household.phone}
