"""Showing a resident's ID and phone numbers in full: a permission, and each use is audited.

DESIGN rule 7: personal numbers are masked everywhere by default. Revealing them is a write in
the sense that matters (it leaves a trace), so it is a service like any other.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from cunzhi.audit import services as audit
from cunzhi.core.writes import require_permission
from cunzhi.registry.models import Resident

REVEALED_FIELDS = ("id_number", "phone")


def resident_reveal(*, actor: Any, resident: Resident, reason: str = "") -> dict[str, str]:
    """The resident's full ID and phone numbers, after checking and recording who asked."""
    with transaction.atomic():
        require_permission(actor, "registry.reveal_resident", resident.region_code)
        audit.record(
            actor=actor,
            action="registry.resident_reveal",
            obj=resident,
            data={"fields": list(REVEALED_FIELDS), "reason": reason},
        )
    return {field: getattr(resident, field) for field in REVEALED_FIELDS}


def resident_call(*, actor: Any, resident: Resident) -> str:
    """The resident's full phone number for a call a cadre places from the key-people page: one
    tap, and the trace records who called whom (the number itself stays masked on the page)."""
    with transaction.atomic():
        require_permission(actor, "registry.reveal_resident", resident.region_code)
        audit.record(
            actor=actor, action="registry.resident_call", obj=resident, data={"fields": ["phone"]}
        )
    return resident.phone
