"""The registry's declared lists (``core.lists``): the village register of households.

The register's filters keep a household where any living member matches (a tag, an age band, a
name), which is one subquery in ``selectors.household_list``; the FilterSet hands its cleaned
values to that selector rather than filtering field by field, so the page, the API and the
export (which keeps the households the page shows) filter in one place.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cunzhi.core.lists import Column, ListSpec, ScopedFilterSet, SortKey
from cunzhi.regions.models import Region
from cunzhi.registry.models import Household, HouseholdStatus, Tag
from cunzhi.registry.selectors import (
    AGE_BANDS,
    group_choices,
    household_list,
    present_households,
    visible_tags,
)


class RegisterFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(
        label=_("Name, pinyin, household number or last digits of the ID"),
        max_length=50,
        method="by_selector",
    )
    group = django_filters.ModelChoiceFilter(
        label=_("Villager group"), queryset=Region.objects.none(), method="by_selector"
    )
    tag = django_filters.ModelChoiceFilter(
        label=_("Tag"), queryset=Tag.objects.none(), to_field_name="code", method="by_selector"
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=HouseholdStatus.choices,
        empty_label=_("Any status"),
        method="by_selector",
    )
    age_band = django_filters.ChoiceFilter(
        label=_("Age"),
        choices=[(band, band) for band in AGE_BANDS],
        empty_label=_("Any age"),
        method="by_selector",
    )

    class Meta:
        model = Household
        fields = ["q", "group", "tag", "status", "age_band"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        village = self.context["village"]
        self.filters["group"].queryset = group_choices(self.user, village)
        self.filters["tag"].queryset = visible_tags(self.user, village.code)

    def by_selector(self, queryset: QuerySet[Household], name: str, value: Any) -> Any:
        return queryset  # applied together in filter_queryset

    def filter_queryset(self, queryset: QuerySet[Household]) -> QuerySet[Household]:
        data = self.form.cleaned_data
        return household_list(
            self.user,
            self.context["village"],
            group=data.get("group"),
            tag=data.get("tag"),
            status=data.get("status") or None,
            age_band=data.get("age_band") or None,
            query=data.get("q") or "",
        )


def _households(user: Any, village: Region) -> QuerySet[Household]:
    return household_list(user, village)


def _present(user: Any, households: list[Household]) -> list[Household]:
    return present_households(households)


REGISTER = ListSpec(
    name="registry.register",
    model=Household,
    selector=_households,
    filterset=RegisterFilterSet,
    columns=(
        Column(
            _("Household number"),
            "household_no",
            link=lambda h: reverse("registry:household", args=[h.pk]),
            title=True,
            sort="household_no",
        ),
        Column(
            _("Head of household"),
            "head.name",
            link=lambda h: reverse("registry:resident", args=[h.head_id]) if h.head_id else "",
        ),
        # Masked by present_households (the head's number is never on the page in full).
        Column(_("ID number"), "shown_head_id_number", name="head_id_number"),
        Column(_("Villager group"), "group.name", name="group"),
        Column(_("Members"), "member_count"),
        Column(_("Status"), "get_status_display"),
    ),
    sorts={
        "household_no": SortKey(
            _("Household number"), ("household_no", "pk"), "household_by_number"
        ),
    },
    default_sort="household_no",
    page_size=50,
    empty_text=_("No households match."),
    present=_present,
)
