"""The household page's panel of visits (``registry.panels``): the household's latest visits,
read through ``for_user``; nothing for a user who may not see the village's visits."""

from __future__ import annotations

from typing import Any

from cunzhi.core.scoping import has_permission_at
from cunzhi.registry.models import HouseholdStatus
from cunzhi.visits.selectors import household_visits


def household_panel(user: Any, household: Any) -> tuple[str, dict[str, Any]] | None:
    if not has_permission_at(user, "visits.view_visit", household.region_code):
        return None
    return "visits/includes/household_panel.html", {
        "household": household,
        "visits": household_visits(user, household),
        "can_add": household.status == HouseholdStatus.ACTIVE
        and has_permission_at(user, "visits.add_visit", household.region_code),
    }
