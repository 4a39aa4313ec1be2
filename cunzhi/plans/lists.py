"""The plan's declared lists (``core.lists``): a village's tasks and its rectification ledger.

Both filter by status (with "overdue" read from the stored dates, ``selectors.overdue_q``), by
the person, by the month of the time limit and by overdue alone; the page, the API and the
.xlsx export read the same declaration.
"""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cunzhi.core.lists import Column, ListSpec, ScopedFilterSet, SortKey
from cunzhi.plans.models import (
    Rectification,
    RectificationSource,
    RectificationState,
    Task,
    TaskStatus,
)
from cunzhi.plans.selectors import (
    overdue_q,
    people_of_village,
    village_rectifications,
    village_tasks,
)
from cunzhi.regions.models import Region

MONTHS = [(str(m), _("Month %(month)s") % {"month": m}) for m in range(1, 13)]
YEARS = [(str(year), str(year)) for year in range(2020, 2051)]
TASKS_EXPORT_ACTION = "plans.tasks_export"
RECTIFICATIONS_EXPORT_ACTION = "plans.rectifications_export"


def _month_range(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    first = datetime.date(year, month, 1)
    after = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return first, after


class _PlanFilterSet(ScopedFilterSet):
    """What both lists share: the person, the month (of the year given, this year by default)
    and overdue alone."""

    date_field = ""
    person_field = ""

    # A choice, not a number: the API's filters are text, and a word for a number must be
    # refused as a value ("not one of the choices"), never as the wrong type.
    year = django_filters.ChoiceFilter(
        label=_("Year"), choices=YEARS, empty_label=_("Any year"), method="keep"
    )
    month = django_filters.ChoiceFilter(
        label=_("Month"), choices=MONTHS, empty_label=_("Any month"), method="keep"
    )
    overdue = django_filters.BooleanFilter(label=_("Overdue only"), method="keep")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = people_of_village(self.context["village"])
        self.filters[self.person_field].queryset = people

    def keep(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return queryset  # applied together in filter_queryset

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        today = timezone.localdate()
        if data.get("month"):
            year = int(data.get("year") or today.year)
            first, after = _month_range(year, int(data["month"]))
            queryset = queryset.filter(
                **{f"{self.date_field}__gte": first, f"{self.date_field}__lt": after}
            )
        elif data.get("year"):
            year = int(data["year"])
            queryset = queryset.filter(
                **{
                    f"{self.date_field}__gte": datetime.date(year, 1, 1),
                    f"{self.date_field}__lt": datetime.date(year + 1, 1, 1),
                }
            )
        if data.get("overdue") is True:
            queryset = queryset.filter(overdue_q(today))
        elif data.get("overdue") is False:
            queryset = queryset.exclude(overdue_q(today))
        return queryset


def _by_status(queryset: QuerySet[Any], value: str) -> QuerySet[Any]:
    today = timezone.localdate()
    if value == TaskStatus.OVERDUE:
        return queryset.filter(overdue_q(today))
    return queryset.filter(Q(state=value) & ~overdue_q(today))


class TaskFilterSet(_PlanFilterSet):
    date_field = "planned_end"
    person_field = "owner"

    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=TaskStatus.choices,
        empty_label=_("Any status"),
        method="status_is",
    )
    owner = django_filters.ModelChoiceFilter(label=_("Owner"), queryset=Task.objects.none())

    class Meta:
        model = Task
        fields = ["status", "owner", "year", "month", "overdue"]

    def status_is(self, queryset: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        return _by_status(queryset, value)


class RectificationFilterSet(_PlanFilterSet):
    date_field = "deadline_on"
    person_field = "responsible"

    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=RectificationState.choices,
        empty_label=_("Any status"),
        field_name="state",
    )
    source = django_filters.ChoiceFilter(
        label=pgettext_lazy("rectification", "Source"),
        choices=RectificationSource.choices,
        empty_label=_("Any source"),
    )
    responsible = django_filters.ModelChoiceFilter(
        label=_("Responsible person"), queryset=Rectification.objects.none()
    )

    class Meta:
        model = Rectification
        fields = ["status", "source", "responsible", "year", "month", "overdue"]


def _tasks(user: Any, village: Region) -> QuerySet[Task]:
    return village_tasks(user, village)


def _rectifications(user: Any, village: Region) -> QuerySet[Rectification]:
    return village_rectifications(user, village)


def _person(user: Any) -> str:
    return str(user.full_name or user.username) if user else ""


TASKS = ListSpec(
    name="plans.tasks",
    model=Task,
    selector=_tasks,
    filterset=TaskFilterSet,
    columns=(
        Column(_("Task"), "title", link=lambda t: reverse("plans:task", args=[t.pk]), title=True),
        Column(_("Owner"), lambda t: _person(t.owner), name="owner"),
        Column(_("Planned start"), "planned_start"),
        Column(_("Planned end"), "planned_end", sort="planned_end"),
        Column(_("Status"), lambda t: str(TaskStatus(t.status).label), name="status"),
    ),
    sorts={
        "planned_end": SortKey(_("Planned end"), ("planned_end", "pk"), "plans_task_region_end"),
    },
    default_sort="planned_end",
    page_size=50,
    empty_text=_("No tasks match."),
    sheet_name=_("Tasks"),
    export_action=TASKS_EXPORT_ACTION,
)


def _rect_status(item: Rectification) -> str:
    if getattr(item, "overdue", False):  # annotated by village_rectifications
        return f"{RectificationState(item.state).label} · {TaskStatus.OVERDUE.label}"
    return str(RectificationState(item.state).label)


RECTIFICATIONS = ListSpec(
    name="plans.rectifications",
    model=Rectification,
    selector=_rectifications,
    filterset=RectificationFilterSet,
    columns=(
        Column(
            _("Problem"),
            lambda r: str(r),
            name="problem",
            link=lambda r: reverse("plans:rectification", args=[r.pk]),
            title=True,
        ),
        Column(pgettext_lazy("rectification", "Source"), "get_source_display"),
        Column(_("Responsible person"), lambda r: _person(r.responsible), name="responsible"),
        Column(_("Time limit"), "deadline_on", sort="deadline_on"),
        Column(_("Status"), _rect_status, name="status"),
        Column(_("Closed off on"), "closed_on"),
    ),
    sorts={
        "deadline_on": SortKey(
            _("Time limit"), ("deadline_on", "pk"), "plans_rect_region_deadline"
        ),
    },
    default_sort="deadline_on",
    page_size=50,
    empty_text=_("No rectification items match."),
    sheet_name=_("Rectification ledger"),
    export_action=RECTIFICATIONS_EXPORT_ACTION,
)
