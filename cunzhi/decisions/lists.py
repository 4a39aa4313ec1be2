"""The list of a village's matters (core.lists): by step and type, newest first."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from cunzhi.core.lists import Column, ListSpec, SortKey
from cunzhi.decisions.models import Matter, MatterState, MatterType
from cunzhi.regions.models import Region

MATTERS_EXPORT_ACTION = "decisions.matters_export"


class MatterFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(label=_("Step"), choices=MatterState.choices)
    matter_type = django_filters.ChoiceFilter(label=_("Type"), choices=MatterType.choices)

    class Meta:
        model = Matter
        fields = ["state", "matter_type"]


def _matters(user: Any, village: Region) -> QuerySet[Matter]:
    return (
        Matter.objects.for_user(user, "view")
        .filter(region_code=village.code)
        .annotate(meeting_count=Count("meetings"))
    )


MATTERS = ListSpec(
    name="decisions.matters",
    model=Matter,
    selector=_matters,
    filterset=MatterFilterSet,
    columns=(
        Column(_("Title"), "title", link=lambda m: m.get_absolute_url(), title=True),
        Column(_("Type"), "get_matter_type_display", name="matter_type"),
        Column(_("Step"), "get_state_display", name="state"),
        Column(_("Proposed on"), "proposed_on", sort="proposed"),
        Column(_("Meetings"), "meeting_count"),
    ),
    sorts={
        # Newest first; the header's second click gives the oldest first.
        "proposed": SortKey(
            _("Proposed on"), ("region_code", "-proposed_on", "-pk"), "matter_proposed"
        ),
    },
    default_sort="proposed",
    page_size=30,
    empty_text=_("No matters yet."),
    sheet_name=_("Matters"),
    export_action=MATTERS_EXPORT_ACTION,
)
