"""Personal data shown masked by default (DESIGN rule 7): ID numbers and phone numbers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def mask_id_number(number: str) -> str:
    """530102********123X: the area and the last four, as lists and exports show by default."""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str) -> str:
    """138****5678."""
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


# Field names that hold personal numbers wherever they appear (records, audit events, exports).
MASKED_FIELDS: dict[str, Callable[[str], str]] = {
    "id_number": mask_id_number,
    "phone": mask_phone,
}


def masked(field: str, value: Any) -> Any:
    """``value`` masked if ``field`` holds personal numbers, else unchanged."""
    mask = MASKED_FIELDS.get(field)
    if mask is None or not isinstance(value, str) or not value:
        return value
    return mask(value)
