"""Panels other apps put on the household page: its visits, its demands (and later its
assistance).

The register sits below the domain apps (DESIGN "Domains"), so it names none of them: it asks
every installed app with a ``household.py`` for ``household_panel(user, household)``, as the home
page asks every ``home.py`` for its block. Each app reads its own records through ``for_user`` and
answers ``None`` when the user may not see them, so the page shows nothing of them, not an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.apps import apps
from django.utils.module_loading import module_has_submodule

from cunzhi.registry.models import Household


@dataclass(frozen=True)
class HouseholdPanel:
    """A panel of the household page: its template and what it shows."""

    template: str
    data: Any


def household_panels(user: Any, household: Household) -> list[HouseholdPanel]:
    """The panels of every app with a ``household.py`` that answers one for ``user``, in
    ``INSTALLED_APPS`` order."""
    panels = []
    for app in apps.get_app_configs():
        if not module_has_submodule(app.module, "household"):
            continue
        panel = import_module(f"{app.name}.household").household_panel(user, household)
        if panel is not None:
            panels.append(HouseholdPanel(*panel))
    return panels
