"""The support ledgers' declared list (``core.lists``): what each sending unit provided and
what is missing, for the county organisation department, the township and the unit's contact.

The page, the API and the .xlsx export read the same declaration. What is missing is read from
the ledger's own columns (the rules were kept on it when it was opened), in the same query.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_filters
from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cunzhi.core.lists import Column, ListSpec, ScopedFilterSet, SortKey
from cunzhi.residency.models import FundSpending, SupportGap, SupportYear, support_gap_conditions

YEARS = [(str(year), str(year)) for year in range(2020, 2051)]
SUPPORT_EXPORT_ACTION = "residency.support_export"


class SupportFilterSet(ScopedFilterSet):
    year = django_filters.ChoiceFilter(label=_("Year"), choices=YEARS, empty_label=_("Any year"))
    missing = django_filters.ChoiceFilter(
        label=_("Missing"),
        choices=[("any", _("Anything missing")), *SupportGap.choices],
        empty_label=_("Everything"),
        method="filter_missing",
    )

    class Meta:
        model = SupportYear
        fields = ["year"]

    def filter_missing(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        conditions = support_gap_conditions(timezone.localdate())
        if value == "any":
            condition = None
            for each in conditions.values():
                condition = each if condition is None else condition | each
            return queryset.filter(condition)
        return queryset.filter(conditions[value])


def support_rows(user: Any) -> QuerySet[SupportYear]:
    """The ledgers the reader may see, with the work funds spent (one query per page)."""
    spent = (
        FundSpending.objects.filter(support=OuterRef("pk"))
        .order_by()
        .values("support")
        .annotate(total=Sum("amount_yuan"))
        .values("total")
    )
    money = DecimalField(max_digits=14, decimal_places=2)
    return (
        SupportYear.objects.for_user(user, "view")
        .select_related("dispatch__cadre__user", "region", "sending_unit", "paired_leader")
        .annotate(
            spent_yuan=Coalesce(
                Subquery(spent, output_field=money), Value(Decimal(0)), output_field=money
            )
        )
    )


def _gaps(row: SupportYear) -> str:
    gaps = row.gaps(timezone.localdate())
    return "; ".join(str(gap.label) for gap in gaps) if gaps else str(_("Nothing missing"))


def _person(user: Any) -> str:
    return str(user.full_name or user.username) if user else ""


SUPPORT = ListSpec(
    name="residency.support",
    model=SupportYear,
    selector=support_rows,
    filterset=SupportFilterSet,
    columns=(
        Column(
            _("Cadre"),
            lambda s: str(s.dispatch.cadre),
            name="cadre",
            link=lambda s: reverse("residency:support", args=[s.pk]),
            title=True,
        ),
        Column(_("Year"), "year"),
        Column(_("Village"), "region.name", sort="village"),
        Column(_("Sending unit"), "sending_unit.name", width=20),
        Column(_("Accident insurance until"), "insurance_ends_on"),
        Column(_("Medical check on"), "medical_check_on"),
        Column(_("Work funds provided (yuan)"), "work_funds_yuan"),
        Column(_("Work funds required (yuan)"), "work_funds_min_yuan"),
        Column(_("Work funds spent (yuan)"), "spent_yuan"),
        Column(_("Township leader paired"), lambda s: _person(s.paired_leader), name="paired"),
        Column(_("Missing"), _gaps, name="missing", width=30),
    ),
    sorts={
        "village": SortKey(_("Village"), ("-year", "region_code", "pk"), "residency_support_year"),
    },
    default_sort="village",
    page_size=50,
    empty_text=_("No support ledger matches."),
    sheet_name=_("Support ledgers"),
    export_action=SUPPORT_EXPORT_ACTION,
)
