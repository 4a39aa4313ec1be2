"""The case list (core.lists): filters by state and by deadline, newest first."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cunzhi.core.lists import Column, ListSpec, SortKey
from cunzhi.core.workflow import DeadlineStatus
from cunzhi.core.workflow.fields import deadline_q
from tests.kitdomain.models import Case, CaseState

DEADLINE_CHOICES = [
    (DeadlineStatus.OVERDUE.value, _("Overdue")),
    (DeadlineStatus.SOON.value, _("Due soon")),
]


class CaseFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(label=_("State"), choices=CaseState.choices)
    deadline = django_filters.ChoiceFilter(
        label=_("Deadline"), choices=DEADLINE_CHOICES, method="by_deadline"
    )

    class Meta:
        model = Case
        fields = ["state", "deadline"]

    def by_deadline(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        # From the stored dates, as of today: right before the day's sweep has run.
        return queryset.filter(deadline_q(value, timezone.localdate()))


def _cases(user: Any) -> QuerySet[Case]:
    return Case.objects.for_user(user, "view").select_related("region")


CASES = ListSpec(
    name="kitdomain.cases",
    model=Case,
    selector=_cases,
    filterset=CaseFilterSet,
    columns=(
        Column(_("title"), "title", link=lambda case: case.get_absolute_url(), title=True),
        Column(_("Village"), "region.name", name="region"),
        Column(_("received on"), "received_on", sort="received"),
        Column(_("state"), "get_state_display", name="state"),
        Column(_("Due date"), "due_on"),
    ),
    sorts={
        "received": SortKey(
            _("received on"), ("region_code", "received_on", "pk"), "kitdomain_case_received"
        ),
    },
    default_sort="received",
    page_size=30,
    empty_text=_("No cases match."),
    sheet_name=_("Cases"),
    export_action="kitdomain.case_export",
)
