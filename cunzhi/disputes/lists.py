"""The disputes app's declared lists (``core.lists``): the petition queue and the mediation cases.

Both are an area's lists (a village, a township or a county, by its code prefix). The deadline
filter reads the stored dates in SQL (``deadline_q``), so "overdue" is right before the day's
sweep has run, and the sort by due date reads the ``(region_code, due_on, id)`` index.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cunzhi.core.lists import Column, ListSpec, ScopedFilterSet, SortKey
from cunzhi.core.regioncodes import prefix_of
from cunzhi.core.workflow import deadline_q
from cunzhi.disputes.models import (
    CASE_OPEN,
    PETITION_OPEN,
    CaseLevel,
    CaseState,
    DisputeType,
    MediationCase,
    Petition,
    PetitionKind,
    PetitionState,
)
from cunzhi.disputes.selectors import case_list, petition_list
from cunzhi.regions.models import Region

DEADLINE_CHOICES = [
    ("overdue", _("Overdue")),
    ("soon", _("Due soon")),
    ("due", _("Running")),
]


class PetitionFilterSet(ScopedFilterSet):
    deadline = django_filters.ChoiceFilter(
        label=_("Deadline"),
        choices=DEADLINE_CHOICES,
        empty_label=_("Any deadline"),
        method="by_deadline",
    )
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=[("open", _("Open")), *PetitionState.choices],
        empty_label=_("Any state"),
        method="by_state",
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=PetitionKind.choices, empty_label=_("Any kind")
    )

    class Meta:
        model = Petition
        fields = ["deadline", "state", "kind"]

    def by_deadline(self, queryset: QuerySet[Petition], name: str, value: str) -> Any:
        return queryset.filter(deadline_q(value, timezone.localdate()))

    def by_state(self, queryset: QuerySet[Petition], name: str, value: str) -> Any:
        if value == "open":
            return queryset.filter(state__in=PETITION_OPEN)
        return queryset.filter(state=value)


class CaseFilterSet(ScopedFilterSet):
    deadline = django_filters.ChoiceFilter(
        label=_("Deadline"),
        choices=DEADLINE_CHOICES,
        empty_label=_("Any deadline"),
        method="by_deadline",
    )
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=[("open", _("Open")), *CaseState.choices],
        empty_label=_("Any state"),
        method="by_state",
    )
    level = django_filters.ChoiceFilter(
        label=_("Level"), choices=CaseLevel.choices, empty_label=_("Any level")
    )
    dispute_type = django_filters.ChoiceFilter(
        label=_("Type"), choices=DisputeType.choices, empty_label=_("Any type")
    )
    watch = django_filters.ChoiceFilter(
        label=_("Watch"),
        choices=[
            ("risk", _("High risk")),
            ("repeat", _("Repeat disputes")),
            ("escalated", _("Escalated")),
        ],
        empty_label=_("All"),
        method="by_watch",
    )

    class Meta:
        model = MediationCase
        fields = ["deadline", "state", "level", "dispute_type", "watch"]

    def by_deadline(self, queryset: QuerySet[MediationCase], name: str, value: str) -> Any:
        return queryset.filter(deadline_q(value, timezone.localdate()))

    def by_watch(self, queryset: QuerySet[MediationCase], name: str, value: str) -> Any:
        if value == "risk":
            return queryset.filter(risk_flag=True)
        if value == "repeat":
            return queryset.filter(repeat_of__isnull=False)
        return queryset.filter(escalated=True)

    def by_state(self, queryset: QuerySet[MediationCase], name: str, value: str) -> Any:
        if value == "open":
            return queryset.filter(state__in=CASE_OPEN)
        return queryset.filter(state=value)


def _area(region: Region | None) -> str:
    return prefix_of(region.code) if region is not None else ""


def _petitions(user: Any, region: Region | None = None) -> QuerySet[Petition]:
    """The area's petitions, or (``region`` None: the API) all in the reader's scope."""
    return petition_list(user, today=timezone.localdate(), area=_area(region))


def _cases(user: Any, region: Region | None = None) -> QuerySet[MediationCase]:
    return case_list(user, today=timezone.localdate(), area=_area(region), open_only=False)


def _deadline_label(row: Any) -> str:
    if row.due_on is None:
        return ""
    labels = {"overdue": _("overdue"), "soon": _("due soon")}
    state = labels.get(getattr(row, "deadline_now", ""), "")
    return f"{row.due_on.isoformat()} {state}".strip()


PETITIONS = ListSpec(
    name="disputes.petitions",
    model=Petition,
    selector=_petitions,
    filterset=PetitionFilterSet,
    columns=(
        Column(
            _("Petition"),
            "number",
            link=lambda p: p.get_absolute_url(),
            title=True,
            sort="received",
        ),
        Column(_("Kind"), "get_kind_display"),
        Column(_("Petitioner"), "petitioner_name"),
        Column(_("Petitioners"), "petitioner_count"),
        Column(_("State"), "get_state_display"),
        Column(_("Deadline"), _deadline_label, name="deadline", sort="due"),
        Column(_("Accept by"), "accept_by"),
        Column(_("Object by"), "redirect_by"),
        Column(_("Handle by"), "handle_by"),
        Column(_("Received on"), "received_on"),
        Column(_("Region"), "region.name", name="region"),
    ),
    sorts={
        "due": SortKey(_("Deadline"), ("due_on", "pk"), "petition_by_due"),
        "received": SortKey(_("Received on"), ("-received_on", "-pk"), "petition_by_received"),
    },
    default_sort="due",
    page_size=50,
    empty_text=_("No petitions match."),
    sheet_name=_("Petitions"),
    export_action="disputes.petitions_export",
)


CASES = ListSpec(
    name="disputes.cases",
    model=MediationCase,
    selector=_cases,
    filterset=CaseFilterSet,
    columns=(
        Column(_("Case"), "title", link=lambda c: c.get_absolute_url(), title=True),
        Column(_("Type"), "get_dispute_type_display"),
        Column(_("Level"), "get_level_display"),
        Column(_("State"), "get_state_display"),
        Column(_("Risk"), lambda c: _("High risk") if c.risk_flag else "", name="risk"),
        Column(_("Repeat"), lambda c: _("Repeat") if c.repeat_of_id else "", name="repeat"),
        Column(_("Deadline"), _deadline_label, name="deadline", sort="due"),
        Column(_("Received on"), "received_on", sort="received"),
        Column(_("Village"), "region.name", name="region"),
    ),
    sorts={
        "due": SortKey(_("Deadline"), ("due_on", "pk"), "case_by_due"),
        "received": SortKey(_("Received on"), ("-received_on", "-pk"), "case_by_received"),
    },
    default_sort="due",
    page_size=50,
    empty_text=_("No cases match."),
    sheet_name=_("Mediation cases"),
)
