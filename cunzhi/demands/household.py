"""The household page's panel of demands (``registry.panels``): the household's open demands
first, then its latest, read through ``for_user``; nothing for a user who may not see the
village's demands."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from cunzhi.core.scoping import has_permission_at
from cunzhi.demands.selectors import household_demands
from cunzhi.registry.models import HouseholdStatus


def household_panel(user: Any, household: Any) -> tuple[str, dict[str, Any]] | None:
    if not has_permission_at(user, "demands.view_demand", household.region_code):
        return None
    return "demands/includes/household_panel.html", {
        "household": household,
        "demands": household_demands(user, household),
        "today": timezone.localdate(),
        "can_add": household.status == HouseholdStatus.ACTIVE
        and has_permission_at(user, "demands.add_demand", household.region_code),
    }
