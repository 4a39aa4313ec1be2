"""The demand list (core.lists): filters, sorts and columns for its page, API and export."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cunzhi.core.lists import Column, ListSpec, ScopedFilterSet, SortKey
from cunzhi.core.regioncodes import prefix_of
from cunzhi.core.workflow import deadline_q
from cunzhi.demands.models import (
    OPEN_STATES,
    Demand,
    DemandCategory,
    DemandLevel,
    DemandPriority,
    DemandState,
)
from cunzhi.regions.models import Region

DEADLINE_CHOICES = [("overdue", _("Overdue")), ("soon", _("Due soon"))]
OPEN_CHOICES = [("open", _("Still open")), ("closed", _("Closed"))]


class DemandFilterSet(ScopedFilterSet):
    state = django_filters.ChoiceFilter(label=_("State"), choices=DemandState.choices)
    open = django_filters.ChoiceFilter(label=_("Open or closed"), choices=OPEN_CHOICES,
                                       method="by_open")  # fmt: skip
    category = django_filters.ModelChoiceFilter(
        label=_("Category"),
        queryset=DemandCategory.objects.all(),
        to_field_name="code",
    )
    priority = django_filters.ChoiceFilter(label=_("Priority"), choices=DemandPriority.choices)
    level = django_filters.ChoiceFilter(label=_("Handled at"), choices=DemandLevel.choices)
    deadline = django_filters.ChoiceFilter(
        label=_("Deadline"), choices=DEADLINE_CHOICES, method="by_deadline"
    )
    mine = django_filters.BooleanFilter(
        label=_("Assigned to me"), method="by_mine", widget=django_filters.widgets.BooleanWidget
    )
    q = django_filters.CharFilter(label=_("Subject or code"), method="search", max_length=50)

    class Meta:
        model = Demand
        fields = ["state", "open", "category", "priority", "level", "deadline", "mine", "q"]

    def by_open(self, queryset: QuerySet[Demand], name: str, value: str) -> QuerySet[Demand]:
        if value == "open":
            return queryset.filter(state__in=OPEN_STATES)
        return queryset.exclude(state__in=OPEN_STATES)

    def by_deadline(self, queryset: QuerySet[Demand], name: str, value: str) -> QuerySet[Demand]:
        # From the stored dates, as of today: right before the day's sweep has run.
        return queryset.filter(deadline_q(value, timezone.localdate()), state__in=OPEN_STATES)

    def by_mine(self, queryset: QuerySet[Demand], name: str, value: bool) -> QuerySet[Demand]:
        return queryset.filter(assignee=self.user) if value else queryset

    def search(self, queryset: QuerySet[Demand], name: str, value: str) -> QuerySet[Demand]:
        value = value.strip()
        return (
            queryset.filter(Q(title__icontains=value) | Q(code=value.upper()))
            if value
            else queryset
        )


def _demands(user: Any, region: Region | None = None) -> QuerySet[Demand]:
    demands = Demand.objects.for_user(user, "view").select_related("category", "region", "assignee")
    return demands.in_region(prefix_of(region.code)) if region is not None else demands


def _state(demand: Demand) -> str:
    text = str(demand.get_state_display())
    if demand.level != DemandLevel.VILLAGE:
        text += f" · {demand.get_level_display()}"
    return text


DEMANDS = ListSpec(
    name="demands.demands",
    model=Demand,
    selector=_demands,
    filterset=DemandFilterSet,
    columns=(
        Column(_("Subject"), "title", link=lambda d: d.get_absolute_url(), title=True, width=24),
        Column(_("Follow-up code"), "code", width=11),
        Column(_("Category"), "category.name", name="category"),
        Column(_("State"), _state, name="state"),
        Column(_("Priority"), "get_priority_display", name="priority", width=8),
        Column(_("Registered on"), "registered_on", sort="registered", width=11),
        Column(_("Resolve by"), "resolve_by", sort="resolve_by", width=11),
        Column(_("Assigned to"), "assignee.full_name", name="assignee"),
        Column(_("Village"), "region.name", name="village"),
    ),
    sorts={
        # Newest first by default; "-registered" is oldest first.
        "registered": SortKey(
            _("Registered on"), ("-region_code", "-registered_on", "-pk"), "demand_registered"
        ),
        "resolve_by": SortKey(
            _("Resolve by"), ("region_code", "resolve_by", "pk"), "demand_resolve_by"
        ),
    },
    default_sort="registered",
    page_size=30,
    empty_text=_("No demands match."),
    sheet_name=_("Demands"),
    export_action="demands.demand_export",
)
