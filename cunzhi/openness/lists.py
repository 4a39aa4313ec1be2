"""The list of a village's notices for its cadres (core.lists): by category, newest first."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cunzhi.core.lists import Column, ListSpec, SortKey
from cunzhi.openness.models import Notice, NoticeCategory
from cunzhi.openness.selectors import notices_for
from cunzhi.regions.models import Region

NOTICES_EXPORT_ACTION = "openness.notices_export"


class NoticeFilterSet(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(label=_("Category"), choices=NoticeCategory.choices)

    class Meta:
        model = Notice
        fields = ["category"]


def _notices(user: Any, village: Region) -> QuerySet[Notice]:
    return notices_for(user, village)


NOTICES = ListSpec(
    name="openness.notices",
    model=Notice,
    selector=_notices,
    filterset=NoticeFilterSet,
    columns=(
        Column(_("Title"), "title", link=lambda n: n.get_absolute_url(), title=True),
        Column(_("Category"), "get_category_display", name="category"),
        Column(_("Published on"), "published_on", sort="published"),
        Column(_("Publicity until"), "publicity_ends_on"),
        Column(_("Unanswered objections"), "open_objections"),
    ),
    sorts={
        # Newest first, on the board's own index.
        "published": SortKey(
            _("Published on"), ("region_code", "-published_on", "-pk"), "notice_board"
        ),
    },
    default_sort="published",
    page_size=30,
    empty_text=_("Nothing published yet."),
    sheet_name=_("notices"),
    export_action=NOTICES_EXPORT_ACTION,
)
